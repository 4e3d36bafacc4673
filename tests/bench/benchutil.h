/*
 * benchutil.h - what the benchmark programs share: a monotonic clock in
 * seconds and a check that stops the program, naming the failed step,
 * when a library call fails (benchmarks have nothing to recover).
 */
#ifndef VCOMM_BENCHUTIL_H
#define VCOMM_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vcomm.h"

/* The program's name in messages (set at the top of main). */
static const char *bench_program = "bench";

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline void bench_check(vc_status s, const char *what)
{
    if (s != VC_OK) {
        fprintf(stderr, "%s: %s: %s (%s)\n", bench_program, what, vc_status_str(s),
                vc_last_error());
        exit(1);
    }
}

#endif /* VCOMM_BENCHUTIL_H */
