/*
 * fixtures.h - small data sets the tests build through the feeding API,
 * with values simple enough to compute portraits by hand.
 */
#ifndef VCOMM_TEST_FIXTURES_H
#define VCOMM_TEST_FIXTURES_H

#include "vcomm.h"

#define DAY 86400

/* Reference time: 2000-01-03 00:00 UTC, a Monday. */
#define T0 946857600LL

/*
 * Users u1 (F, 25), u2 (M, 40), u3 (no attributes); items:
 *   m1 Drama, m2 Drama|Comedy, m3 Comedy, m4 (no category), m5 Drama.
 * Ratings (user item rating day-offset hour):
 *   u1: m1 5 d0 10h, m2 4 d1 20h, m3 2 d5 (Saturday) 3h, m5 5 d6 (Sunday) 12h
 *   u2: m3 3 d2 13h, m4 1 d9 14h
 * u3 has no events. The data set spans T0+10h .. T0+9d+14h.
 */
vc_dataset *fixture_small(void);

/* A synthetic data set with planted communities (vc_dataset_synthesize). */
vc_dataset *fixture_synth(int users, int communities, int seed);
/* The same with items and mean events per user set too (0 keeps the
 * synth.* default), for pipelines that must stay tiny. */
vc_dataset *fixture_synth_sized(int users, int items, int events_per_user,
                                int communities, int seed);

/* Options for fast, deterministic pipelines on tiny data: one thread, two
 * global segments, two sub-communities in each of at most two topics of at
 * least five members, a small evaluation (eval.max_users 10,
 * eval.target_items 2). Free with vc_options_free(). */
vc_options *fixture_tiny_options(void);

#endif
