/*
 * bench_update.c - the feedback loop at scale: a synthetic data set of N
 * users is split by time into the first (1 - share) of its events (the
 * base) and the newest share (the new events, an ML-1M ratings file). It
 * times a full rebuild on the union (portraits, communities, recommender
 * index) against the incremental path on the base (append + portrait
 * update + community assignment with index refit, and the warm refresh),
 * and reports the top-10 overlap of the two models' recommendations.
 *
 * Usage: bench_update [users] [events_per_user] [share] [workdir]
 *        (defaults 1000000 20 0.01 /tmp/vcomm-bench-update)
 * Prints one line per measurement, then a JSON summary line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "benchutil.h"

typedef struct line { long long t; size_t off, len; } line;

static int by_time(const void *a, const void *b)
{
    const line *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(*n + 1);
    if (fread(buf, 1, *n, f) != *n)
        exit(1);
    buf[*n] = 0;
    fclose(f);
    return buf;
}

static void copy(const char *from, const char *to)
{
    size_t n;
    char *b = slurp(from, &n);
    FILE *f = fopen(to, "wb");
    if (!b || !f || fwrite(b, 1, n, f) != n)
        exit(1);
    fclose(f);
    free(b);
}

/* full/ratings.dat split by time into base/ratings.dat and new.dat. */
static size_t split(const char *dir, double share)
{
    char path[4096], out[4096];
    snprintf(path, sizeof path, "%s/full/ratings.dat", dir);
    size_t n;
    char *text = slurp(path, &n);
    size_t cap = 1 << 20, count = 0;
    line *lines = malloc(cap * sizeof *lines);
    for (size_t p = 0; p < n;) {
        char *nl = memchr(text + p, '\n', n - p);
        size_t len = (size_t)(nl - (text + p));
        const char *last = text + p + len;
        while (last > text + p && last[-1] != ':')
            last--;
        if (count == cap)
            lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[count++] = (line){atoll(last), p, len + 1};
        p += len + 1;
    }
    qsort(lines, count, sizeof *lines, by_time);
    size_t cut = count - (size_t)(share * (double)count);
    snprintf(out, sizeof out, "%s/base/ratings.dat", dir);
    FILE *fb = fopen(out, "wb");
    snprintf(out, sizeof out, "%s/new.dat", dir);
    FILE *fn = fopen(out, "wb");
    for (size_t i = 0; i < count; i++)
        fwrite(text + lines[i].off, 1, lines[i].len, i < cut ? fb : fn);
    fclose(fb);
    fclose(fn);
    free(lines);
    free(text);
    return count - cut;
}

typedef struct model { vc_dataset *ds; vc_portraits *pt; vc_communities *cm; } model;

/* Portraits, communities and the recommender index (built by a query). */
static double build(model *m, const vc_options *o, double *t_pt, double *t_cm, double *t_ix)
{
    double t0 = bench_now();
    bench_check(vc_portrait_build(&m->pt, m->ds, o), "portraits");
    double t1 = bench_now();
    bench_check(vc_cluster_run(&m->cm, m->pt, o), "communities");
    double t2 = bench_now();
    vc_recs *r;
    bench_check(vc_recommend(&r, m->cm, 0, 10, NULL, 0, o), "index");
    vc_recs_free(r);
    double t3 = bench_now();
    *t_pt = t1 - t0;
    *t_cm = t2 - t1;
    *t_ix = t3 - t2;
    return t3 - t0;
}

static double overlap(const model *a, const model *b, const vc_options *o)
{
    size_t nu = vc_dataset_user_count(a->ds), hit = 0, total = 0;
    size_t step = nu / 1000 ? nu / 1000 : 1;
    for (size_t u = 0; u < nu; u += step) {
        vc_recs *ra, *rb;
        bench_check(vc_recommend(&ra, a->cm, u, 10, NULL, 0, o), "recommend");
        bench_check(vc_recommend(&rb, b->cm, u, 10, NULL, 0, o), "recommend");
        for (size_t i = 0; i < vc_recs_count(ra); i++) {
            size_t x;
            vc_recs_get(ra, i, &x, NULL, NULL);
            for (size_t j = 0; j < vc_recs_count(rb); j++) {
                size_t y;
                vc_recs_get(rb, j, &y, NULL, NULL);
                hit += x == y;
            }
        }
        total += vc_recs_count(rb);
        vc_recs_free(ra);
        vc_recs_free(rb);
    }
    return total ? (double)hit / (double)total : 0;
}

int main(int argc, char **argv)
{
    bench_program = "bench_update";
    long users = argc > 1 ? atol(argv[1]) : 1000000;
    long epu = argc > 2 ? atol(argv[2]) : 20;
    double share = argc > 3 ? atof(argv[3]) : 0.01;
    const char *dir = argc > 4 ? argv[4] : "/tmp/vcomm-bench-update";
    char path[4096];
    vc_options *o;
    bench_check(vc_options_new(&o), "options");
    bench_check(vc_options_set_int(o, "synth.users", users), "synth.users");
    bench_check(vc_options_set_int(o, "synth.events_per_user", epu), "synth.events_per_user");
    bench_check(vc_options_set_int(o, "synth.items", 20000), "synth.items");
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/full", dir);
    double t = bench_now();
    vc_dataset *gen;
    bench_check(vc_dataset_synthesize(&gen, o), "synthesize");
    bench_check(vc_dataset_write_ml1m(gen, path), "write");
    vc_dataset_free(gen);
    snprintf(path, sizeof path, "%s/base", dir);
    mkdir(path, 0700);
    char a[4096], b[4096];
    const char *keep[] = {"users.dat", "movies.dat"};
    for (int i = 0; i < 2; i++) {
        snprintf(a, sizeof a, "%s/full/%s", dir, keep[i]);
        snprintf(b, sizeof b, "%s/base/%s", dir, keep[i]);
        copy(a, b);
    }
    size_t nnew = split(dir, share);
    printf("data: %ld users, %ld events/user, %zu new events (%.1f s to make)\n", users,
           epu, nnew, bench_now() - t);

    model full = {0}, inc = {0};
    snprintf(path, sizeof path, "%s/full", dir);
    bench_check(vc_dataset_load(&full.ds, path, o), "load full");
    double fp, fc, fi, rebuild = build(&full, o, &fp, &fc, &fi);
    printf("rebuild: %.2f s (portraits %.2f, communities %.2f, index %.2f)\n", rebuild, fp,
           fc, fi);
    snprintf(path, sizeof path, "%s/base", dir);
    bench_check(vc_dataset_load(&inc.ds, path, o), "load base");
    double bp, bc, bi;
    build(&inc, o, &bp, &bc, &bi);

    snprintf(path, sizeof path, "%s/new.dat", dir);
    double t0 = bench_now();
    size_t added, updated, assigned;
    bench_check(vc_dataset_append(inc.ds, path, o, &added), "append");
    double t1 = bench_now();
    bench_check(vc_portrait_update(inc.pt, o, &updated), "portrait update");
    double t2 = bench_now();
    bench_check(vc_cluster_assign(inc.cm, o, &assigned), "assign");
    double t3 = bench_now();
    double upd = t3 - t0;
    printf("update: %.2f s (append %.2f, portraits %.2f for %zu users, assign+index %.2f)"
           " -> %.1fx faster than the rebuild\n",
           upd, t1 - t0, t2 - t1, updated, t3 - t2, rebuild / upd);
    double ov = overlap(&inc, &full, o);
    printf("top-10 overlap with the rebuild: %.3f\n", ov);
    double t4 = bench_now();
    bench_check(vc_cluster_refresh(inc.cm, o), "refresh");
    double refresh = bench_now() - t4;
    double ov2 = overlap(&inc, &full, o);
    printf("refresh: %.2f s; top-10 overlap after refresh: %.3f\n", refresh, ov2);
    printf("{\"users\": %ld, \"events_per_user\": %ld, \"new_events\": %zu, \"rebuild_s\": %.3f, "
           "\"update_s\": %.3f, \"speedup\": %.2f, \"users_updated\": %zu, \"overlap\": %.4f, "
           "\"refresh_s\": %.3f, \"overlap_refresh\": %.4f}\n",
           users, epu, nnew, rebuild, upd, rebuild / upd, updated, ov, refresh, ov2);
    vc_communities_free(inc.cm);
    vc_portraits_free(inc.pt);
    vc_dataset_free(inc.ds);
    vc_communities_free(full.cm);
    vc_portraits_free(full.pt);
    vc_dataset_free(full.ds);
    vc_options_free(o);
    return 0;
}
