/*
 * bench_kmeans.c - times the pieces of vcomm's k-means on a raw float32
 * matrix (as `vcomm kmeans` reads it): validation + norms, k-means++
 * seeding, Lloyd iterations (per iteration), one assignment pass alone
 * (GFLOP/s), and the whole vci_kmeans_run; prints one JSON object.
 *
 * usage: bench_kmeans FILE D K [--iters N] [--seed S] [--threads T]
 *          [--algo lloyd|hamerly|elkan|auto] [--init C0.f32]
 *          [--centroids-out FILE] [--skip-run] [--repeats R]
 * --init starts the iterations from the k x d float32 centroids of C0.f32
 * (the shared k-means++ start of kmeans_peers.py --c0-cache), so the
 * per-iteration time compares directly with the peers'.
 * Built with -Dbench=true; links the internal objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kmeans_impl.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static float *read_floats(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *v = vci_aligned_calloc((size_t)size / 4 + 16, sizeof *v);
    if (!v || fread(v, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: read failed\n", path);
        exit(2);
    }
    fclose(f);
    *count = (size_t)size / 4;
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s FILE D K [--iters N] [--seed S] [--threads T] "
                        "[--algo A] [--init C0.f32] [--centroids-out F] [--skip-run] "
                        "[--repeats R]\n", argv[0]);
        return 1;
    }
    size_t d = strtoul(argv[2], NULL, 10), k = strtoul(argv[3], NULL, 10), count;
    uint32_t iters = 20, repeats = 3;
    int64_t seed = 0, threads = 0;
    const char *algo = "auto", *init = NULL, *cout = NULL;
    int skip_run = 0;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--iters") && i + 1 < argc)
            iters = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--algo") && i + 1 < argc)
            algo = argv[++i];
        else if (!strcmp(argv[i], "--init") && i + 1 < argc)
            init = argv[++i];
        else if (!strcmp(argv[i], "--centroids-out") && i + 1 < argc)
            cout = argv[++i];
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc)
            repeats = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--skip-run"))
            skip_run = 1;
        else {
            fprintf(stderr, "unknown argument %s\n", argv[i]);
            return 1;
        }
    }
    double t0 = now();
    float *x = read_floats(argv[1], &count);
    size_t n = count / d;
    double t_read = now() - t0;

    vc_options *opts;
    vc_options_new(&opts);
    vc_options_set_int(opts, "threads", threads);
    vc_options_set_int(opts, "seed", seed);
    vc_options_set_int(opts, "kmeans.max_iter", iters);
    vc_options_set_float(opts, "kmeans.tol", 0);
    vc_options_set(opts, "kmeans.algorithm", algo);
    vci_pool *pool;
    vci_pool_for_options(&pool, opts);
    const vci_kernels *kern = vci_kernels_select(opts);
    float *xnorm = vci_malloc(n * sizeof *xnorm);
    float *c = vci_malloc(k * d * sizeof *c);
    uint32_t *labels = vci_malloc(n * sizeof *labels);

    t0 = now();
    vc_status s = vci_km_prepare(x, n, d, d, kern, pool, xnorm);
    double t_prep = now() - t0;
    vci_km_input in = {x, n, d, d, xnorm, kern, pool, NULL};

    /* k-means++ seeding (stream 0 of the seed, as run 0 of vc_kmeans) */
    vci_rng rng;
    vci_rng_seed(&rng, (uint64_t)seed, 0);
    t0 = now();
    if (s == VC_OK)
        s = vci_km_seed_plusplus(&in, (uint32_t)k, 0, &rng, c, 0, 1);
    double t_seed = now() - t0;
    if (init) {
        size_t cc;
        float *c0 = read_floats(init, &cc);
        if (cc != k * d) {
            fprintf(stderr, "%s: %zu floats, expected %zu\n", init, cc, k * d);
            return 2;
        }
        memcpy(c, c0, k * d * sizeof *c);
        vci_aligned_free(c0);
    }

    /* one assignment pass alone (nearest centroid of every point, without
     * the inertia): best of `repeats` */
    double t_pass = 1e30;
    for (uint32_t r = 0; r < repeats && s == VC_OK; r++) {
        t0 = now();
        s = vci_km_assign_all(&in, c, (uint32_t)k, labels, NULL);
        double t = now() - t0;
        t_pass = t < t_pass ? t : t_pass;
    }

    /* Lloyd iterations from c */
    vci_km_stats st = {0, 0, 0};
    vci_km_algo a = vci_km_algo_named(algo, n, k, d);
    t0 = now();
    if (s == VC_OK)
        s = vci_km_lloyd(&in, (uint32_t)k, a, iters, 0, c, labels, &st, 0, 1);
    double t_iter = now() - t0;
    if (s == VC_OK && cout) {
        FILE *f = fopen(cout, "wb");
        if (!f || fwrite(c, sizeof *c, k * d, f) != k * d) {
            perror(cout);
            return 2;
        }
        fclose(f);
    }

    /* the whole run as vc_kmeans does it (prepare + seed + iterate) */
    double t_run = 0, run_inertia = 0;
    uint32_t run_it = 0;
    if (s == VC_OK && !skip_run) {
        t0 = now();
        s = vci_kmeans_run(x, n, d, d, (uint32_t)k, opts, pool, c, labels, &run_inertia,
                           &run_it);
        t_run = now() - t0;
    }
    if (s != VC_OK) {
        fprintf(stderr, "error: %s\n", vc_last_error());
        return 2;
    }
    double flop = 2.0 * (double)n * (double)k * (double)d;
    printf("{\"n\": %zu, \"d\": %zu, \"k\": %zu, \"threads\": %u, \"kernel\": \"%s\", "
           "\"algorithm\": \"%s\", \"read_s\": %.4f, \"prepare_s\": %.4f, \"seed_s\": %.4f, "
           "\"assign_pass_s\": %.5f, \"assign_gflops\": %.1f, \"iterations\": %u, "
           "\"lloyd_s\": %.4f, \"per_iter_s\": %.5f, \"computed_fraction\": %.4f, "
           "\"inertia\": %.9e, \"run_s\": %.4f, \"run_iterations\": %u, \"run_inertia\": %.9e}\n",
           n, d, k, vci_pool_size(pool), vci_kernels_name(kern), algo, t_read, t_prep, t_seed,
           t_pass, flop / t_pass * 1e-9, st.iterations, t_iter,
           st.iterations ? t_iter / st.iterations : 0,
           (double)st.computed / ((double)n * (st.iterations + 1)), st.inertia, t_run, run_it,
           run_inertia);
    vci_pool_free(pool);
    vc_options_free(opts);
    vci_aligned_free(x);
    vci_free(xnorm);
    vci_free(c);
    vci_free(labels);
    return 0;
}
