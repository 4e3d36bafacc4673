/*
 * cmd_kmeans.c - `vcomm kmeans`: k-means over a raw little-endian float32
 * row-major matrix file (../shared/CLI.md). Labels go out as text, one per
 * line; centroids as raw float32; --json prints inertia, iterations and
 * seconds.
 *
 * Invariants: exit 1 for usage errors (missing or bad flags), 2 for data
 * errors (missing or unreadable file, size not a multiple of 4 * D, too
 * few rows for K, non-finite values), with the reason on stderr; output
 * files are complete or removed. The matrix is mapped read-only, not
 * copied, on little-endian hosts.
 */
#define _DEFAULT_SOURCE 1 /* MAP_POPULATE */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* Reverse the bytes of one float (big-endian hosts). */
static void swap4(unsigned char *b)
{
    unsigned char t = b[0];
    b[0] = b[3];
    b[3] = t;
    t = b[1];
    b[1] = b[2];
    b[2] = t;
}

/* The matrix file: mapped (little-endian hosts) or read and byte-swapped. */
typedef struct matrix {
    const float *x;
    size_t n;
    void *map;
    size_t map_size;
    float *owned;
} matrix;

static void matrix_close(matrix *m)
{
    if (m->map)
        munmap(m->map, m->map_size);
    free(m->owned);
    memset(m, 0, sizeof *m);
}

static int data_error(const cli_ctx *ctx, const char *fmt, const char *path,
                      const char *why)
{
    fprintf(stderr, "vcomm %s: ", ctx->cmd->name);
    fprintf(stderr, fmt, path, why);
    fputc('\n', stderr);
    return CLI_DATA;
}

static int matrix_open(const cli_ctx *ctx, const char *path, size_t dim,
                       matrix *m)
{
    memset(m, 0, sizeof *m);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return data_error(ctx, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return data_error(ctx, "%s: %s", path, "not a regular file");
    }
    size_t size = (size_t)st.st_size, row = dim * sizeof(float);
    if (size == 0 || size % row != 0) {
        close(fd);
        fprintf(stderr,
                "vcomm %s: %s: size %zu bytes is not a positive multiple of "
                "4 * D = %zu bytes (raw little-endian float32 rows of D = %zu values)\n",
                ctx->cmd->name, path, size, row, dim);
        return CLI_DATA;
    }
    m->n = size / row;
    if (host_is_little_endian()) {
        int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
        flags |= MAP_POPULATE;
#endif
        void *p = mmap(NULL, size, PROT_READ, flags, fd, 0);
        if (p != MAP_FAILED) {
            close(fd);
            m->map = p;
            m->map_size = size;
            m->x = p;
            return CLI_OK;
        }
    }
    /* read, fixing the byte order where needed */
    unsigned char *buf = malloc(size);
    size_t got = 0;
    while (buf && got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf || got != size) {
        free(buf);
        return data_error(ctx, "%s: cannot read: %s", path,
                          buf ? "short read" : "out of memory");
    }
    if (!host_is_little_endian())
        for (size_t i = 0; i < size; i += 4)
            swap4(buf + i);
    m->owned = (float *)(void *)buf;
    m->x = m->owned;
    return CLI_OK;
}

/* Labels as decimal text, one per line (by hand: printf is slow for
 * millions of lines). */
static bool emit_labels(FILE *f, const void *data, size_t n)
{
    const uint32_t *labels = data;
    char buf[1 << 16];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (used > sizeof buf - 16) {
            if (fwrite(buf, 1, used, f) != used)
                return false;
            used = 0;
        }
        char tmp[12];
        int len = 0;
        uint32_t v = labels[i];
        do {
            tmp[len++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        while (len)
            buf[used++] = tmp[--len];
        buf[used++] = '\n';
    }
    return fwrite(buf, 1, used, f) == used;
}

/* Floats as raw little-endian float32. */
static bool emit_floats(FILE *f, const void *data, size_t n)
{
    const float *c = data;
    if (host_is_little_endian())
        return fwrite(c, sizeof *c, n, f) == n;
    for (size_t i = 0; i < n; i++) {
        unsigned char b[4];
        memcpy(b, &c[i], 4);
        swap4(b);
        if (fwrite(b, 1, 4, f) != 4)
            return false;
    }
    return true;
}

/* Write an output file completely, or remove it and report why. */
static int write_file(const cli_ctx *ctx, const char *path,
                      bool (*emit)(FILE *, const void *, size_t),
                      const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return data_error(ctx, "%s: cannot create: %s", path, strerror(errno));
    bool ok = emit(f, data, n);
    if (fclose(f) != 0)
        ok = false;
    if (!ok) {
        remove(path);
        return data_error(ctx, "%s: write failed: %s", path, strerror(errno));
    }
    return CLI_OK;
}

/* Flags that map onto options: set them, reporting bad values as usage
 * errors. */
static int set_options(cli_ctx *ctx, long long k)
{
    static const struct {
        const char *flag, *option;
    } map[] = {{"--iters", "kmeans.max_iter"}, {"--tol", "kmeans.tol"},
               {"--seed", "seed"}};
    if (vc_options_set_int(ctx->opts, "kmeans.k", k) != VC_OK)
        return cli_usage_error(ctx, "--k: %s", vc_last_error());
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *v = cli_get(ctx, map[i].flag);
        if (v && vc_options_set(ctx->opts, map[i].option, v) != VC_OK)
            return cli_usage_error(ctx, "%s: %s", map[i].flag, vc_last_error());
    }
    return CLI_OK;
}

static int run_kmeans(cli_ctx *ctx)
{
    const char *path = cli_get(ctx, "--matrix");
    if (!path || !cli_has(ctx, "--dim") || !cli_has(ctx, "--k"))
        return cli_usage_error(ctx, "--matrix, --dim and --k are required");
    long long dim, k;
    if (!cli_get_int(ctx, "--dim", 1, 1 << 24, 0, &dim) ||
        !cli_get_int(ctx, "--k", 1, 1000000, 0, &k))
        return CLI_USAGE;
    int rc = set_options(ctx, k);
    if (rc != CLI_OK)
        return rc;

    double t0 = now();
    matrix m;
    rc = matrix_open(ctx, path, (size_t)dim, &m);
    if (rc != CLI_OK)
        return rc;
    double t_read = now() - t0;
    if (m.n < (size_t)k) {
        fprintf(stderr, "vcomm kmeans: %s has %zu rows of %lld values; --k %lld needs at least %lld\n",
                path, m.n, dim, k, k);
        matrix_close(&m);
        return CLI_DATA;
    }
    size_t n = m.n, d = (size_t)dim;
    uint32_t *labels = cli_has(ctx, "--labels-out") ? malloc(n * sizeof *labels) : NULL;
    float *cent = malloc((size_t)k * d * sizeof *cent);
    if (!cent || (cli_has(ctx, "--labels-out") && !labels)) {
        free(labels);
        free(cent);
        matrix_close(&m);
        fprintf(stderr, "vcomm kmeans: out of memory\n");
        return CLI_DATA;
    }
    double inertia = 0;
    uint32_t iterations = 0;
    double t1 = now();
    vc_status s = vc_kmeans(m.x, n, d, d, ctx->opts, cent, labels, &inertia,
                            &iterations);
    double t_kmeans = now() - t1;
    cli_progress_clear();
    if (s == VC_ERR_CANCELLED) {
        rc = cli_library_error(ctx, s);
    } else if (s != VC_OK) {
        const char *msg = vc_last_error();
        fprintf(stderr, "vcomm kmeans: %s: %s\n", path, *msg ? msg : vc_status_str(s));
        rc = s == VC_ERR_OPTION ? CLI_USAGE : CLI_DATA; /* bad values are data */
    }
    if (rc == CLI_OK && cli_has(ctx, "--labels-out"))
        rc = write_file(ctx, cli_get(ctx, "--labels-out"), emit_labels, labels, n);
    if (rc == CLI_OK && cli_has(ctx, "--centroids-out"))
        rc = write_file(ctx, cli_get(ctx, "--centroids-out"), emit_floats, cent,
                        (size_t)k * d);
    double total = now() - t0;
    if (rc == CLI_OK && ctx->json) {
        json_writer w;
        json_init(&w, stdout);
        json_begin_object(&w);
        json_key(&w, "inertia");
        json_double(&w, inertia);
        json_key(&w, "iterations");
        json_uint(&w, iterations);
        json_key(&w, "seconds");
        json_double(&w, t_kmeans);
        json_key(&w, "read_seconds");
        json_double(&w, t_read);
        json_key(&w, "total_seconds");
        json_double(&w, total);
        json_key(&w, "n");
        json_uint(&w, n);
        json_key(&w, "d");
        json_uint(&w, d);
        json_key(&w, "k");
        json_uint(&w, (unsigned long long)k);
        json_key(&w, "kernel");
        json_string(&w, vc_kernel_name(ctx->opts));
        json_end_object(&w);
        json_finish(&w);
    } else if (rc == CLI_OK) {
        char in[32];
        cli_format_double(inertia, in, sizeof in);
        printf("points      %zu x %zu\n"
               "clusters    %lld\n"
               "iterations  %u\n"
               "inertia     %s\n"
               "seconds     %.3f (k-means) %.3f (total, file read included)\n"
               "kernel      %s\n",
               n, d, k, iterations, in, t_kmeans, total, vc_kernel_name(ctx->opts));
    }
    free(labels);
    free(cent);
    matrix_close(&m);
    return rc;
}

static const cli_flag kmeans_flags[] = {
    {"--matrix", NULL, "FILE", "raw little-endian float32 row-major matrix"},
    {"--dim", NULL, "D", "columns per row"},
    {"--k", NULL, "K", "number of clusters"},
    {"--iters", NULL, "N", "maximum iterations (kmeans.max_iter)"},
    {"--tol", NULL, "T", "relative inertia change that stops (kmeans.tol; 0: only when no label changes)"},
    {"--seed", NULL, "S", "random seed"},
    {"--labels-out", NULL, "FILE", "labels as text, one per line"},
    {"--centroids-out", NULL, "FILE", "centroids as raw float32 (K x D, row-major)"},
    {NULL, NULL, NULL, NULL}};

const cli_command cmd_kmeans = {
    "kmeans", "k-means over a raw float32 matrix",
    "vcomm kmeans --matrix FILE --dim D --k K [--iters N] [--tol T] "
    "[--seed S] [--labels-out FILE] [--centroids-out FILE] [--json]",
    "vcomm kmeans --matrix blobs.f32 --dim 32 --k 64 --iters 20 --json",
    CLI_TAKES_JSON, kmeans_flags, run_kmeans};
