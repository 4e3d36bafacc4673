/*
 * fixtures.c - see fixtures.h. Aborts the test (cmocka fail) when the
 * library refuses a fixture.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "fixtures.h"

static void ok(vc_status s)
{
    if (s != VC_OK)
        fail_msg("fixture: %s", vc_last_error());
}

vc_dataset *fixture_small(void)
{
    vc_dataset *ds;
    ok(vc_dataset_new(&ds));
    const char *names[] = {"gender", "age"};
    const char *v1[] = {"F", "25"}, *v2[] = {"M", "40"};
    ok(vc_dataset_add_user(ds, "u1", names, v1, 2));
    ok(vc_dataset_add_user(ds, "u2", names, v2, 2));
    ok(vc_dataset_add_user(ds, "u3", NULL, NULL, 0));
    ok(vc_dataset_add_item(ds, "m1", "One", "Drama", NAN));
    ok(vc_dataset_add_item(ds, "m2", "Two", "Drama|Comedy", NAN));
    ok(vc_dataset_add_item(ds, "m3", "Three", "Comedy", NAN));
    ok(vc_dataset_add_item(ds, "m4", "Four", NULL, NAN));
    ok(vc_dataset_add_item(ds, "m5", "Five", "Drama", NAN));
    /* deliberately out of time order */
    ok(vc_dataset_add_event(ds, "u1", "m5", "rating", 5, 0, T0 + 6 * DAY + 12 * 3600));
    ok(vc_dataset_add_event(ds, "u1", "m1", "rating", 5, 0, T0 + 10 * 3600));
    ok(vc_dataset_add_event(ds, "u2", "m4", "rating", 1, 0, T0 + 9 * DAY + 14 * 3600));
    ok(vc_dataset_add_event(ds, "u1", "m3", "rating", 2, 0, T0 + 5 * DAY + 3 * 3600));
    ok(vc_dataset_add_event(ds, "u1", "m2", "rating", 4, 0, T0 + 1 * DAY + 20 * 3600));
    ok(vc_dataset_add_event(ds, "u2", "m3", "rating", 3, 0, T0 + 2 * DAY + 13 * 3600));
    ok(vc_dataset_finalize(ds));
    return ds;
}

vc_dataset *fixture_synth(int users, int communities, int seed)
{
    return fixture_synth_sized(users, 0, 0, communities, seed);
}

vc_dataset *fixture_synth_sized(int users, int items, int events_per_user,
                                int communities, int seed)
{
    vc_options *o;
    ok(vc_options_new(&o));
    ok(vc_options_set_int(o, "synth.users", users));
    if (items)
        ok(vc_options_set_int(o, "synth.items", items));
    if (events_per_user)
        ok(vc_options_set_int(o, "synth.events_per_user", events_per_user));
    ok(vc_options_set_int(o, "synth.communities", communities));
    ok(vc_options_set_int(o, "seed", seed));
    vc_dataset *ds;
    ok(vc_dataset_synthesize(&ds, o));
    vc_options_free(o);
    return ds;
}

vc_options *fixture_tiny_options(void)
{
    vc_options *o;
    ok(vc_options_new(&o));
    ok(vc_options_set_int(o, "threads", 1));
    ok(vc_options_set_int(o, "community.k", 2));
    ok(vc_options_set_int(o, "community.topic_k", 2));
    ok(vc_options_set_int(o, "community.min_members", 5));
    ok(vc_options_set_int(o, "community.max_topics", 2));
    ok(vc_options_set_int(o, "eval.max_users", 10));
    ok(vc_options_set_int(o, "eval.target_items", 2));
    return o;
}
