/*
 * test_fault.c - allocation-failure injection along the pipeline. Each
 * scenario runs once to count its allocations, then once per allocation
 * with that one failing (through vc_set_allocator): the call must return a
 * clean error (VC_ERR_NOMEM with its message; a failure the library can
 * absorb may still return VC_OK), free everything (live blocks back to
 * zero), and leave handles made before the failing call usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "vcomm.h"

static struct {
    long live, requests, fail_at;
} counter;

static void *f_malloc(size_t n, void *ud)
{
    (void)ud;
    if (++counter.requests == counter.fail_at)
        return NULL;
    void *p = malloc(n);
    counter.live += p != NULL;
    return p;
}

static void *f_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    if (++counter.requests == counter.fail_at)
        return NULL;
    return realloc(p, n);
}

static void f_free(void *p, void *ud)
{
    (void)ud;
    counter.live -= p != NULL;
    free(p);
}

/* Shared inputs of the scenarios, made before the allocator is swapped. */
static char *dir_ml1m, *dir_ml100k, *dir_latest, *dir_merchant;

static vc_options *single_thread(void)
{
    vc_options *o = NULL;
    if (vc_options_new(&o) == VC_OK && vc_options_set_int(o, "threads", 1) == VC_OK)
        return o;
    vc_options_free(o);
    return NULL;
}

/* Load a directory and read it back a little. */
static vc_status load_dir(const char *dir)
{
    vc_options *o = single_thread();
    if (!o)
        return VC_ERR_NOMEM;
    vc_dataset *ds = NULL;
    vc_status s = vc_dataset_load(&ds, dir, o);
    if (s == VC_OK && vc_dataset_event_count(ds) == 0)
        s = VC_ERR_INTERNAL;
    vc_dataset_free(ds);
    vc_options_free(o);
    return s;
}

static vc_status load_ml1m(void) { return load_dir(dir_ml1m); }
static vc_status load_ml100k(void) { return load_dir(dir_ml100k); }
static vc_status load_latest(void) { return load_dir(dir_latest); }
static vc_status load_merchant(void) { return load_dir(dir_merchant); }

static vc_status synthesize(void)
{
    vc_options *o = single_thread();
    if (!o)
        return VC_ERR_NOMEM;
    vc_status s = vc_options_set_int(o, "synth.users", 60);
    if (s == VC_OK)
        s = vc_options_set_int(o, "synth.items", 40);
    if (s == VC_OK)
        s = vc_options_set_int(o, "synth.events_per_user", 8);
    vc_dataset *ds = NULL;
    if (s == VC_OK)
        s = vc_dataset_synthesize(&ds, o);
    vc_dataset_free(ds);
    vc_options_free(o);
    return s;
}

/* Feed, finalise, append, finalise again. */
static vc_status feed(void)
{
    vc_dataset *ds = NULL;
    vc_status s = vc_dataset_new(&ds);
    const char *names[] = {"gender"}, *values[] = {"F"};
    if (s == VC_OK)
        s = vc_dataset_add_user(ds, "u1", names, values, 1);
    if (s == VC_OK)
        s = vc_dataset_add_item(ds, "i1", "Title", "A|B", 2.0);
    for (int k = 0; k < 40 && s == VC_OK; k++) {
        char u[16], i[16];
        snprintf(u, sizeof u, "u%d", k % 7);
        snprintf(i, sizeof i, "i%d", k % 5);
        s = vc_dataset_add_event(ds, u, i, k % 3 ? "view" : "purchase", 1, k % 3 ? 0 : 2.5,
                                 1000 + (k * 37) % 100);
    }
    if (s == VC_OK)
        s = vc_dataset_finalize(ds);
    if (s == VC_OK) {
        size_t before = vc_dataset_event_count(ds);
        vc_status a = vc_dataset_add_event(ds, "u9", "i1", "rating", 4, 0, 50);
        if (a == VC_OK)
            a = vc_dataset_finalize(ds);
        if (a == VC_OK && vc_dataset_event_count(ds) != before + 1)
            s = VC_ERR_INTERNAL;
        else
            s = a;   /* (a failed append keeping the rest: test_dataset) */
    }
    vc_dataset_free(ds);
    return s;
}

typedef struct scenario {
    const char *name;
    vc_status (*run)(void);
} scenario;

static void sweep(const scenario *sc)
{
    assert_int_equal(vc_set_allocator(f_malloc, f_realloc, f_free, NULL), VC_OK);
    memset(&counter, 0, sizeof counter);
    vc_status s = sc->run();
    long total = counter.requests;
    if (s != VC_OK)
        fail_msg("%s without failures: %s", sc->name, vc_last_error());
    assert_int_equal(counter.live, 0);
    long nomem = 0;
    for (long i = 1; i <= total; i++) {
        counter.requests = 0;
        counter.live = 0;
        counter.fail_at = i;
        s = sc->run();
        if (counter.live != 0)
            fail_msg("%s: failing allocation %ld of %ld leaks %ld blocks (status %d: %s)",
                     sc->name, i, total, counter.live, s, vc_last_error());
        if (s != VC_OK && s != VC_ERR_NOMEM)
            fail_msg("%s: failing allocation %ld gave status %d: %s", sc->name, i, s,
                     vc_last_error());
        if (s == VC_ERR_NOMEM) {
            nomem++;
            assert_true(vc_last_error()[0] != '\0');
        }
    }
    counter.fail_at = 0;
    assert_int_equal(vc_set_allocator(NULL, NULL, NULL, NULL), VC_OK);
    printf("# %-14s %ld allocations, %ld failures reported as out of memory\n",
           sc->name, total, nomem);
    assert_true(nomem > 0);
}

static void test_load(void **state)
{
    (void)state;
    static const scenario list[] = {
        {"load ml-1m", load_ml1m},     {"load ml-100k", load_ml100k},
        {"load ml-latest", load_latest}, {"load merchant", load_merchant},
        {"synthesize", synthesize},    {"feed", feed},
    };
    for (size_t k = 0; k < sizeof list / sizeof list[0]; k++)
        sweep(&list[k]);
}

static int setup(void **state)
{
    (void)state;
    dir_ml1m = tu_mkdtemp();
    free(tu_write(dir_ml1m, "users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n", -1));
    free(tu_write(dir_ml1m, "movies.dat", "1::Toy Story (1995)::Animation|Comedy\n"
                                          "2::Mis\xE9rables (1995)::Drama\n", -1));
    free(tu_write(dir_ml1m, "ratings.dat", "1::2::5::978300760\n1::1::3::978300000\n"
                                           "2::1::4::978298000\n", -1));
    free(tu_write(dir_ml1m, "truth.csv", "user,community\n1,0\n2,1\n", -1));
    dir_ml100k = tu_mkdtemp();
    free(tu_write(dir_ml100k, "u.user", "1|24|M|technician|85711\n", -1));
    free(tu_write(dir_ml100k, "u.item",
                  "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n",
                  -1));
    free(tu_write(dir_ml100k, "u.data", "1\t1\t4\t874965758\n", -1));
    dir_latest = tu_mkdtemp();
    free(tu_write(dir_latest, "movies.csv", "movieId,title,genres\n1,\"A, B\",Comedy|Drama\n", -1));
    free(tu_write(dir_latest, "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.5,9\n", -1));
    free(tu_write(dir_latest, "tags.csv", "userId,movieId,tag,timestamp\n2,1,fun,10\n", -1));
    dir_merchant = tu_mkdtemp();
    free(tu_write(dir_merchant, "users.csv", "user,city\nc1,Leeds\nc2,York\n", -1));
    free(tu_write(dir_merchant, "items.csv", "item,title,category,price\np1,Mug,Kitchen,4\n", -1));
    free(tu_write(dir_merchant, "events.csv",
                  "user,item,event,quantity,price,time,country\n"
                  "c1,p1,purchase,2,4,2011-01-02 10:00:00,UK\n"
                  "c2,p1,view,1,,1/2/2011 9:00,FR\n", -1));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmdir(dir_ml1m, 1);
    tu_rmdir(dir_ml100k, 1);
    tu_rmdir(dir_latest, 1);
    tu_rmdir(dir_merchant, 1);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
