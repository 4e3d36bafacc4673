/*
 * bench_query.c - latency of single vc_recommend calls (top-10) for every
 * user of a data set, through the public API (index built before timing;
 * each call includes its scratch and result allocation): median, p99 and
 * max of the thread CPU time.
 *
 *   build/tests/bench/bench_query DATA_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <vcomm.h>

static int cmp(const void *a, const void *b)
{ double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_query DATA_DIR\n");
        return 1;
    }
    vc_dataset *ds; vc_portraits *pt; vc_communities *cm;
    if (vc_dataset_load(&ds, argv[1], NULL) || vc_portrait_build(&pt, ds, NULL) || vc_cluster_run(&cm, pt, NULL)) { fprintf(stderr, "%s\n", vc_last_error()); return 1; }
    size_t n = vc_dataset_user_count(ds);
    double *t = malloc(n * sizeof *t);
    vc_recs *r;
    vc_recommend(&r, cm, 0, 10, NULL, 0, NULL); vc_recs_free(r); /* builds the index */
    for (size_t u = 0; u < n; u++) {
        struct timespec a, b;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        vc_recommend(&r, cm, u, 10, NULL, 0, NULL);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        vc_recs_free(r);
        t[u] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
    }
    qsort(t, n, sizeof *t, cmp);
    printf("%zu users: median %.1f us, p99 %.1f us, max %.1f us (vc_recommend, top-10, thread CPU time)\n", n, t[n / 2], t[n * 99 / 100], t[n - 1]);
    return 0;
}
