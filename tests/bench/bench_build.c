/*
 * bench_build.c - portraits and communities at scale: synthesises N users
 * with E events each in memory (vc_dataset_synthesize, no files), then
 * times vc_portrait_build and vc_cluster_run on them, and reports the peak
 * resident memory. Each stage's progress callback marks where its time
 * goes (time between two reports is charged to the stage reporting).
 *
 * Usage: bench_build [users] [events_per_user] [items] [threads]
 *        (defaults 1000000 100 20000 2)
 * Prints one line per measurement, then a JSON summary line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "benchutil.h"

/* Seconds per progress stage name, in order of first appearance. */
typedef struct stages {
    char name[16][32];
    double seconds[16];
    int count;
    int current;
    double last;
} stages;

static int on_progress(const char *stage, double fraction, void *userdata)
{
    (void)fraction;
    stages *st = userdata;
    double t = bench_now();
    if (st->current >= 0)
        st->seconds[st->current] += t - st->last;
    st->last = t;
    int i = 0;
    while (i < st->count && strcmp(st->name[i], stage) != 0)
        i++;
    if (i == st->count && st->count < 16) {
        snprintf(st->name[i], sizeof st->name[i], "%s", stage);
        st->seconds[i] = 0;
        st->count++;
    }
    st->current = i < 16 ? i : -1;
    return 0;
}

static void print_stages(stages *st, double end)
{
    if (st->current >= 0)
        st->seconds[st->current] += end - st->last;
    for (int i = 0; i < st->count; i++)
        printf("    %-12s %7.2f s\n", st->name[i], st->seconds[i]);
    st->count = 0;
    st->current = -1;
}

int main(int argc, char **argv)
{
    bench_program = "bench_build";
    long users = argc > 1 ? atol(argv[1]) : 1000000;
    long epu = argc > 2 ? atol(argv[2]) : 100;
    long items = argc > 3 ? atol(argv[3]) : 20000;
    long threads = argc > 4 ? atol(argv[4]) : 2;
    vc_options *o;
    bench_check(vc_options_new(&o), "options");
    bench_check(vc_options_set_int(o, "synth.users", users), "synth.users");
    bench_check(vc_options_set_int(o, "synth.events_per_user", epu), "synth.events_per_user");
    bench_check(vc_options_set_int(o, "synth.items", items), "synth.items");
    bench_check(vc_options_set_int(o, "threads", threads), "threads");
    stages st = {.current = -1};
    bench_check(vc_options_set_progress(o, on_progress, &st), "progress");

    double t0 = bench_now();
    vc_dataset *ds;
    bench_check(vc_dataset_synthesize(&ds, o), "synthesize");
    double t1 = bench_now();
    printf("data: %zu users, %zu events, %zu items (%.1f s to make)\n",
           vc_dataset_user_count(ds), vc_dataset_event_count(ds), vc_dataset_item_count(ds),
           t1 - t0);
    st.count = 0;
    st.current = -1;

    vc_portraits *pt;
    t0 = bench_now();
    st.last = t0;
    bench_check(vc_portrait_build(&pt, ds, o), "portraits");
    t1 = bench_now();
    double t_portraits = t1 - t0;
    printf("portraits: %.2f s (%zu columns)\n", t_portraits, vc_portraits_column_count(pt));
    print_stages(&st, t1);

    vc_communities *cm;
    t0 = bench_now();
    st.last = t0;
    bench_check(vc_cluster_run(&cm, pt, o), "communities");
    double t2 = bench_now();
    printf("communities: %.2f s (%zu communities)\n", t2 - t0, vc_communities_count(cm));
    print_stages(&st, t2);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident memory: %.2f GB\n", ru.ru_maxrss / 1048576.0);
    printf("{\"users\": %ld, \"events\": %zu, \"portraits_s\": %.3f, \"communities_s\": %.3f, "
           "\"peak_gb\": %.3f}\n",
           users, vc_dataset_event_count(ds), t_portraits, t2 - t0,
           ru.ru_maxrss / 1048576.0);
    vc_communities_free(cm);
    vc_portraits_free(pt);
    vc_dataset_free(ds);
    vc_options_free(o);
    return 0;
}
