/*
 * test_fault.c - allocation-failure injection along the whole pipeline:
 * loading (every format, synthesis, feeding), portraits, communities,
 * recommendation and targeting (with the recommender index built by the
 * call, and already built), model save and load, and evaluation.
 *
 * The counting allocator (vc_set_allocator) is installed for the whole
 * run; allocations count only while a scenario's call is "armed". Each
 * scenario runs once to count the allocations of its call, then once per
 * allocation i with the i-th failing. Invariants checked for every i:
 *  - the call returns VC_OK (a failure the library absorbs) or
 *    VC_ERR_NOMEM with a message, and on failure its outputs stay NULL;
 *  - a failed call frees everything it allocated (live blocks back to
 *    where they were), and once the scenario's own handles are freed the
 *    count is back to where it started (ASan's leak check backs this up);
 *  - handles made before the call answer every query as before
 *    (fingerprints of the data set, portraits and communities, and the
 *    reference recommendation and targeting lists), a handle the call was
 *    given still serves it afterwards, and a failed model save leaves no
 *    file behind.
 * Data are tiny (synthetic, one thread) so the sweep stays fast under ASan.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "vcomm.h"

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

/* ---- the pipeline after loading ------------------------------------------ */

/* Handles built once (unarmed) that the scenarios query and build on. */
static struct {
    vc_options *opts;
    vc_dataset *ds;
    vc_portraits *pt;
    vc_communities *cm;   /* recommender index built */
    char *dir, *model, *saved;
    uint64_t fp_ds, fp_pt, fp_cm, fp_rec, fp_item, fp_cat;
    const char *category;
    /* what one scenario's call made, for its after() */
    vc_portraits *pt2;
    vc_communities *cm2;
    vc_recs *recs;
    vc_model *loaded;
    vc_eval *ev;
    char *events_dir, *events; /* new events for the update scenarios */
    vc_drift *drift;
} g;

#define REC_N 8

static vc_status recommend_on(vc_recs **out, const vc_communities *cm)
{
    return vc_recommend(out, cm, 1, REC_N, NULL, 0, g.opts);
}

/* A result made without an injected failure equals its reference. One
 * made while the library absorbed a failure need not: the distance
 * kernels fall back to the scalar reference when a centroid pack cannot
 * be allocated, which rounds differently. Such results are still walked
 * in full (the fingerprint), and any accessor error fails the test. */
static void same(uint64_t got, uint64_t want)
{
    if (tu_fail.requests < tu_fail.fail_at || tu_fail.fail_at == 0)
        assert_true(got == want);
}

/* A handle's query result matches its reference fingerprint (unarmed). */
static void expect_recs(vc_status s, vc_recs *r, uint64_t want, const char *what)
{
    if (s != VC_OK)
        fail_msg("%s after the sweep: %s", what, vc_last_error());
    assert_true(tu_fp_recs(r) == want);
    vc_recs_free(r);
}

/* Handles made before the call still answer as before. */
static void check_earlier(void)
{
    assert_true(tu_fp_dataset(g.ds) == g.fp_ds);
    assert_true(tu_fp_portraits(g.pt) == g.fp_pt);
    assert_true(tu_fp_communities(g.cm) == g.fp_cm);
    vc_recs *r = NULL;
    vc_status s = recommend_on(&r, g.cm);
    expect_recs(s, r, g.fp_rec, "vc_recommend");
    assert_int_equal(tu_fp_errors, 0);
}

static vc_status portraits(void)
{
    return vc_portrait_build(&g.pt2, g.ds, g.opts);
}

static void portraits_after(vc_status s)
{
    if (s == VC_OK)
        same(tu_fp_portraits(g.pt2), g.fp_pt);
    vc_portraits_free(g.pt2);
    g.pt2 = NULL;
}

static vc_status communities(void)
{
    return vc_cluster_run(&g.cm2, g.pt, g.opts);
}

static void communities_after(vc_status s)
{
    if (s == VC_OK)
        same(tu_fp_communities(g.cm2), g.fp_cm);
    vc_communities_free(g.cm2);
    g.cm2 = NULL;
}

/* Fresh communities (no recommender index yet) for the cold queries. */
static void fresh_communities(void)
{
    if (vc_cluster_run(&g.cm2, g.pt, g.opts) != VC_OK)
        fail_msg("communities: %s", vc_last_error());
}

static vc_status recommend_cold(void)
{
    return recommend_on(&g.recs, g.cm2);
}

static vc_status recommend_warm(void)
{
    return recommend_on(&g.recs, g.cm);
}

static void recommend_after(vc_status s)
{
    if (s == VC_OK)
        same(tu_fp_recs(g.recs), g.fp_rec);
    else
        assert_null(g.recs);
    vc_recs_free(g.recs);
    g.recs = NULL;
    if (g.cm2) { /* the communities the call failed on still serve it */
        vc_recs *r = NULL;
        vc_status again = recommend_on(&r, g.cm2);
        expect_recs(again, r, g.fp_rec, "vc_recommend again");
        communities_after(VC_ERR_NOMEM);
    }
}

static vc_status target_item_cold(void)
{
    return vc_target_item(&g.recs, g.cm2, 0, REC_N, g.opts);
}

static vc_status target_item_warm(void)
{
    return vc_target_item(&g.recs, g.cm, 0, REC_N, g.opts);
}

static void target_item_after(vc_status s)
{
    if (s == VC_OK)
        same(tu_fp_recs(g.recs), g.fp_item);
    else
        assert_null(g.recs);
    vc_recs_free(g.recs);
    g.recs = NULL;
    if (g.cm2) {
        vc_recs *r = NULL;
        vc_status again = vc_target_item(&r, g.cm2, 0, REC_N, g.opts);
        expect_recs(again, r, g.fp_item, "vc_target_item again");
        communities_after(VC_ERR_NOMEM);
    }
}

static vc_status target_category(void)
{
    return vc_target_category(&g.recs, g.cm, g.category, REC_N, g.opts);
}

static void target_category_after(vc_status s)
{
    if (s == VC_OK)
        same(tu_fp_recs(g.recs), g.fp_cat);
    else
        assert_null(g.recs);
    vc_recs_free(g.recs);
    g.recs = NULL;
}

static vc_status model_save(void)
{
    return vc_model_save(g.cm, g.saved, g.opts);
}

/* Entries of g.dir (the saved model and any temporary left behind). */
static int dir_entries(void)
{
    int n = 0;
    DIR *d = opendir(g.dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void model_save_after(vc_status s)
{
    struct stat st;
    if (s == VC_OK) {
        assert_int_equal(stat(g.saved, &st), 0);
        assert_int_equal(dir_entries(), 2);
        remove(g.saved);
    } else {
        assert_int_not_equal(stat(g.saved, &st), 0);
        assert_int_equal(dir_entries(), 1); /* no temporary file left */
    }
}

static vc_status model_load(void)
{
    return vc_model_load(&g.loaded, g.model, NULL);
}

static void model_load_after(vc_status s)
{
    if (s == VC_OK) { /* the loaded model answers as the built one */
        const vc_communities *cm = vc_model_communities(g.loaded);
        same(tu_fp_dataset(vc_model_dataset(g.loaded)), g.fp_ds);
        same(tu_fp_communities(cm), g.fp_cm);
        vc_recs *r = NULL;
        vc_status q = recommend_on(&r, cm);
        expect_recs(q, r, g.fp_rec, "vc_recommend on the loaded model");
    } else {
        assert_null(g.loaded);
    }
    vc_model_free(g.loaded);
    g.loaded = NULL;
}

/* The feedback loop on a loaded model: append, portrait update, assign or
 * refresh, index refit, drift report. A failure leaves the model either as
 * it was or refusing queries with VC_ERR_STATE, never half-answering. */
static void load_for_update(void)
{
    if (vc_model_load(&g.loaded, g.model, NULL) != VC_OK)
        fail_msg("model: %s", vc_last_error());
}

static vc_status model_update_assign(void)
{
    return vc_model_update(g.loaded, g.events, NULL, 0, &g.drift, NULL, NULL);
}

static vc_status model_update_refresh(void)
{
    return vc_model_update(g.loaded, g.events, NULL, VC_UPDATE_REFRESH, &g.drift, NULL,
                           NULL);
}

static void model_update_after(vc_status s)
{
    vc_recs *r = NULL;
    vc_status q = recommend_on(&r, vc_model_communities(g.loaded));
    if (s == VC_OK) {
        assert_non_null(g.drift);
        assert_int_equal(q, VC_OK);
    } else {
        assert_null(g.drift);
        assert_true(q == VC_OK || q == VC_ERR_STATE);
    }
    vc_recs_free(r);
    vc_drift_free(g.drift);
    g.drift = NULL;
    vc_model_free(g.loaded);
    g.loaded = NULL;
}

static vc_status eval(void)
{
    return vc_eval_run(&g.ev, g.ds, g.opts);
}

static void eval_after(vc_status s)
{
    if (s == VC_OK) {
        double v;
        assert_true(vc_eval_method_count(g.ev) >= 3);
        assert_int_equal(vc_eval_metric(g.ev, 0, "ndcg", &v), VC_OK);
    } else {
        assert_null(g.ev);
    }
    vc_eval_free(g.ev);
    g.ev = NULL;
}

/* ---- the sweep ---------------------------------------------------------------- */

typedef struct scenario {
    const char *name;
    vc_status (*call)(void);        /* armed: the call under test */
    void (*before)(void);           /* unarmed, may be NULL: inputs made fresh */
    void (*after)(vc_status);       /* unarmed, may be NULL: check and free outputs */
    int caches;                     /* a failed call may leave the recommender
                                       index it built cached in its handle */
} scenario;

/* One run of a scenario failing allocation fail_at (0: none); returns the
 * call's status and sets *requests to the allocations it asked for. */
static vc_status run_once(const scenario *sc, long fail_at, long *requests)
{
    long start = tu_fail.live;
    if (sc->before)
        sc->before();
    long base = tu_fail.live;
    tu_fail.requests = 0;
    tu_fail.fail_at = fail_at;
    tu_fail.armed = 1;
    vc_status s = sc->call();
    tu_fail.armed = 0;
    *requests = tu_fail.requests;
    if (s != VC_OK && tu_fail.live != base && !sc->caches)
        fail_msg("%s: failing allocation %ld leaks %ld blocks (status %d: %s)", sc->name,
                 fail_at, tu_fail.live - base, s, vc_last_error());
    if (s != VC_OK && s != VC_ERR_NOMEM)
        fail_msg("%s: failing allocation %ld gave status %d: %s", sc->name, fail_at, s,
                 vc_last_error());
    if (s == VC_ERR_NOMEM && vc_last_error()[0] == '\0')
        fail_msg("%s: failing allocation %ld: no message", sc->name, fail_at);
    if (sc->after)
        sc->after(s);
    if (g.ds)
        check_earlier();
    if (tu_fail.live != start)
        fail_msg("%s: allocation %ld: %ld blocks still live after the scenario", sc->name,
                 fail_at, tu_fail.live - start);
    return s;
}

static void sweep(const scenario *sc)
{
    long total, ignored, nomem = 0;
    vc_status s = run_once(sc, 0, &total);
    if (s != VC_OK)
        fail_msg("%s without failures: %s", sc->name, vc_last_error());
    for (long i = 1; i <= total; i++)
        nomem += run_once(sc, i, &ignored) == VC_ERR_NOMEM;
    printf("# %-22s %5ld allocations, %5ld failures reported as out of memory\n",
           sc->name, total, nomem);
    assert_true(nomem > 0);
}

static void run_list(const scenario *list, size_t n)
{
    for (size_t k = 0; k < n; k++)
        sweep(&list[k]);
}

static void test_load(void **state)
{
    (void)state;
    static const scenario list[] = {
        {"load ml-1m", load_ml1m, NULL, NULL, 0},
        {"load ml-100k", load_ml100k, NULL, NULL, 0},
        {"load ml-latest", load_latest, NULL, NULL, 0},
        {"load merchant", load_merchant, NULL, NULL, 0},
        {"synthesize", synthesize, NULL, NULL, 0},
        {"feed", feed, NULL, NULL, 0},
    };
    run_list(list, sizeof list / sizeof list[0]);
}

static void test_build(void **state)
{
    (void)state;
    static const scenario list[] = {
        {"portraits", portraits, NULL, portraits_after, 0},
        {"communities", communities, NULL, communities_after, 0},
    };
    run_list(list, sizeof list / sizeof list[0]);
}

static void test_query(void **state)
{
    (void)state;
    static const scenario list[] = {
        {"recommend (cold index)", recommend_cold, fresh_communities, recommend_after, 1},
        {"recommend", recommend_warm, NULL, recommend_after, 0},
        {"target item (cold)", target_item_cold, fresh_communities, target_item_after, 1},
        {"target item", target_item_warm, NULL, target_item_after, 0},
        {"target category", target_category, NULL, target_category_after, 0},
    };
    run_list(list, sizeof list / sizeof list[0]);
}

static void test_model(void **state)
{
    (void)state;
    static const scenario list[] = {
        {"model save", model_save, NULL, model_save_after, 0},
        {"model load", model_load, NULL, model_load_after, 0},
        {"model update", model_update_assign, load_for_update, model_update_after, 1},
        {"model update refresh", model_update_refresh, load_for_update, model_update_after, 1},
    };
    run_list(list, sizeof list / sizeof list[0]);
}

static void test_eval(void **state)
{
    (void)state;
    static const scenario list[] = {{"eval", eval, NULL, eval_after, 0}};
    run_list(list, 1);
}

/* Build the shared handles and their reference answers, unarmed. */
static void build_pipeline(void)
{
    g.opts = fixture_tiny_options();
    g.ds = fixture_synth_sized(40, 20, 6, 2, 7);
    if (vc_portrait_build(&g.pt, g.ds, g.opts) != VC_OK ||
        vc_cluster_run(&g.cm, g.pt, g.opts) != VC_OK)
        fail_msg("pipeline: %s", vc_last_error());
    vc_recs *r = NULL;
    assert_int_equal(recommend_on(&r, g.cm), VC_OK); /* builds the index */
    assert_true(vc_recs_count(r) > 0);
    g.fp_rec = tu_fp_recs(r);
    vc_recs_free(r);
    assert_int_equal(vc_target_item(&r, g.cm, 0, REC_N, g.opts), VC_OK);
    g.fp_item = tu_fp_recs(r);
    vc_recs_free(r);
    g.category = vc_dataset_category_name(g.ds, 0);
    assert_non_null(g.category);
    assert_int_equal(vc_target_category(&r, g.cm, g.category, REC_N, g.opts), VC_OK);
    g.fp_cat = tu_fp_recs(r);
    vc_recs_free(r);
    g.fp_ds = tu_fp_dataset(g.ds);
    g.fp_pt = tu_fp_portraits(g.pt);
    g.fp_cm = tu_fp_communities(g.cm);
    g.dir = tu_mkdtemp();
    g.model = tu_path(g.dir, "model.vcm");
    g.saved = tu_path(g.dir, "saved.vcm");
    if (vc_model_save(g.cm, g.model, g.opts) != VC_OK)
        fail_msg("model: %s", vc_last_error());
    /* new events (ML-1M ratings lines, the synthetic format): two known
     * users, one new user, one new item */
    char text[512];
    snprintf(text, sizeof text, "%s::%s::5::%lld\n%s::%s::1::%lld\n777::%s::4::%lld\n"
             "%s::888::3::%lld\n",
             vc_dataset_user_id(g.ds, 0), vc_dataset_item_id(g.ds, 1), T0 + 400 * DAY,
             vc_dataset_user_id(g.ds, 1), vc_dataset_item_id(g.ds, 2), T0 + 401 * DAY,
             vc_dataset_item_id(g.ds, 3), T0 + 402 * DAY, vc_dataset_user_id(g.ds, 2),
             T0 + 403 * DAY);
    g.events_dir = tu_mkdtemp(); /* g.dir must hold only the model */
    g.events = tu_write(g.events_dir, "new.dat", text, (size_t)-1);
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
    /* every library allocation from here on goes through the counter */
    if (vc_set_allocator(tu_fail_malloc, tu_fail_realloc, tu_fail_free, NULL) != VC_OK)
        return -1;
    build_pipeline();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vc_communities_free(g.cm);
    vc_portraits_free(g.pt);
    vc_dataset_free(g.ds);
    vc_options_free(g.opts);
    int leaked = tu_fail.live != 0;
    if (leaked)
        printf("# %ld blocks live at the end\n", tu_fail.live);
    vc_set_allocator(NULL, NULL, NULL, NULL);
    tu_rmdir(g.dir, 1);
    free(g.model);
    free(g.saved);
    free(g.events);
    tu_rmdir(g.events_dir, 1);
    tu_rmdir(dir_ml1m, 1);
    tu_rmdir(dir_ml100k, 1);
    tu_rmdir(dir_latest, 1);
    tu_rmdir(dir_merchant, 1);
    return leaked ? -1 : 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),  cmocka_unit_test(test_build),
        cmocka_unit_test(test_query), cmocka_unit_test(test_model),
        cmocka_unit_test(test_eval),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
