/*
 * api.c - the public recommendation calls: one user (vc_recommend), every
 * user to a callback (vc_recommend_all) or to a CSV file
 * (vc_recommend_all_csv). Batch work runs on the thread pool in windows of
 * users; callbacks and file rows come in user order from the calling
 * thread, so output never depends on the thread count.
 */
#include <errno.h>
#include <stdio.h>

#include "recommend.h"
#include "recs.h"

#define WINDOW 16384
#define USERS_PER_TASK 64

/* The category filter option as a topic index (UINT32_MAX = none). */
static vc_status category_filter(const vc_communities *cm,
                                 const vc_options *opts, uint32_t *cat)
{
    const char *name = vci_opt_string(opts, VCI_OPT_RECOMMEND_CATEGORY);
    *cat = UINT32_MAX;
    if (!name || !*name)
        return VC_OK;
    const vci_topics *tp = &cm->pt->topics;
    for (uint32_t k = 0; k < tp->ntopics; k++)
        if (strcmp(vci_topic_name(tp, k), name) == 0) {
            *cat = k;
            return VC_OK;
        }
    return vci_error(VC_ERR_NOT_FOUND, "recommend.category: no category '%s'", name);
}

static vc_status check_ready(const vc_communities *cm, size_t n)
{
    VCI_REQUIRE(cm, "communities are NULL");
    VCI_REQUIRE(n > 0 && n <= 100000, "n must be in 1..100000, got %zu", n);
    return VC_OK;
}

VC_API vc_status vc_recommend(vc_recs **out, const vc_communities *cm,
                              size_t user, size_t n, const uint32_t *exclude,
                              size_t nexclude, const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_recommend: out is NULL");
    *out = NULL;
    VCI_CHECK(check_ready(cm, n));
    VCI_REQUIRE(exclude || nexclude == 0, "vc_recommend: exclude is NULL");
    if (user >= cm->pt->nusers)
        return vci_error(VC_ERR_RANGE, "user %zu out of range (%u users)", user,
                         cm->pt->nusers);
    const vci_rec_index *ix;
    uint32_t cat;
    VCI_CHECK(category_filter(cm, opts, &cat));
    VCI_CHECK(vci_rec_index_get(cm, opts, &ix));
    vci_rec_scratch s;
    VCI_CHECK(vci_rec_scratch_init(&s, ix->nitems, opts));
    vci_rec_item *items = vci_calloc(n, sizeof *items);
    vc_recs *r = NULL;
    size_t k = 0;
    vc_status st = items ? VC_OK : VC_ERR_NOMEM;
    if (st == VC_OK)
        st = vci_recommend_user(cm, ix, opts, (uint32_t)user, n, exclude, nexclude,
                                cat, &s, items, &k);
    if (st == VC_OK)
        st = vci_recs_new(&r, k);
    char reason[512];
    for (size_t j = 0; j < k && st == VC_OK; j++) {
        vci_rec_reason(cm, ix, &items[j], reason, sizeof reason);
        st = vci_recs_add(r, items[j].item, items[j].score, reason);
    }
    vci_free(items);
    vci_rec_scratch_free(&s);
    if (st != VC_OK) {
        vc_recs_free(r);
        return st;
    }
    *out = r;
    return VC_OK;
}

typedef struct batch_ctx {
    const vc_communities *cm;
    const vci_rec_index *ix;
    const vc_options *opts;
    uint32_t cat;
    size_t n, first;          /* top-n; first user of the window */
    size_t users;             /* users in the window */
    vci_rec_item *items;      /* [users * n] */
    size_t *count;            /* [users] */
    vci_rec_scratch *scratch; /* [workers] */
} batch_ctx;

static vc_status batch_task(void *ctx, size_t task, unsigned worker)
{
    const batch_ctx *b = ctx;
    size_t end = VCI_MIN((task + 1) * USERS_PER_TASK, b->users);
    for (size_t i = task * USERS_PER_TASK; i < end; i++)
        VCI_CHECK(vci_recommend_user(b->cm, b->ix, b->opts, (uint32_t)(b->first + i),
                                     b->n, NULL, 0, b->cat, &b->scratch[worker],
                                     b->items + i * b->n, &b->count[i]));
    return VC_OK;
}

VC_API vc_status vc_recommend_all(const vc_communities *cm, size_t n,
                                  const vc_options *opts, vc_rec_fn fn,
                                  void *userdata)
{
    vci_clear_error();
    VCI_CHECK(check_ready(cm, n));
    VCI_REQUIRE(fn, "vc_recommend_all: callback is NULL");
    batch_ctx b = {cm, NULL, opts, 0, n, 0, 0, NULL, NULL, NULL};
    VCI_CHECK(category_filter(cm, opts, &b.cat));
    VCI_CHECK(vci_rec_index_get(cm, opts, &b.ix));
    vci_pool *pool = NULL;
    VCI_CHECK(vci_pool_for_options(&pool, opts));
    unsigned workers = vci_pool_size(pool);
    size_t nusers = cm->pt->nusers, window = VCI_MIN((size_t)WINDOW, VCI_MAX(nusers, 1));
    b.items = vci_calloc(window * n, sizeof *b.items);
    b.count = vci_calloc(window, sizeof *b.count);
    b.scratch = vci_calloc(workers, sizeof *b.scratch);
    vc_status s = b.items && b.count && b.scratch ? VC_OK : VC_ERR_NOMEM;
    unsigned ready = 0;
    for (; ready < workers && s == VC_OK; ready++)
        s = vci_rec_scratch_init(&b.scratch[ready], b.ix->nitems, opts);
    vci_progress prog = vci_progress_of(opts, "recommend");
    for (b.first = 0; b.first < nusers && s == VC_OK; b.first += window) {
        b.users = VCI_MIN(window, nusers - b.first);
        s = vci_parallel_for(pool, (b.users + USERS_PER_TASK - 1) / USERS_PER_TASK,
                             batch_task, &b, NULL);
        for (size_t i = 0; i < b.users && s == VC_OK; i++)
            for (size_t j = 0; j < b.count[i]; j++) {
                const vci_rec_item *it = &b.items[i * n + j];
                if (fn(b.first + i, j + 1, it->item, it->score, userdata) != 0) {
                    s = vci_error(VC_ERR_CANCELLED, "vc_recommend_all: stopped by the callback");
                    break;
                }
            }
        if (s == VC_OK)
            s = vci_progress_report(&prog, (double)(b.first + b.users) / (double)nusers);
    }
    for (unsigned w = 0; w < ready; w++)
        vci_rec_scratch_free(&b.scratch[w]);
    vci_free(b.scratch);
    vci_free(b.items);
    vci_free(b.count);
    vci_pool_free(pool);
    return s;
}

typedef struct csv_ctx {
    FILE *f;
    const vc_dataset *ds;
} csv_ctx;

static int csv_row(size_t user, size_t rank, size_t item, double score,
                   void *ud)
{
    csv_ctx *c = ud;
    return fprintf(c->f, "%s,%zu,%s,%.6g\n", vci_ds_str(c->ds, c->ds->user_key[user]),
                   rank, vci_ds_str(c->ds, c->ds->item_key[item]), score) < 0;
}

VC_API vc_status vc_recommend_all_csv(const vc_communities *cm, size_t n,
                                      const char *path,
                                      const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(cm && path, "vc_recommend_all_csv: NULL argument");
    FILE *f = fopen(path, "w");
    if (!f)
        return vci_error(VC_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    csv_ctx c = {f, cm->pt->ds};
    vc_status s = fputs("user,rank,item,score\n", f) < 0
                      ? vci_error(VC_ERR_IO, "%s: write failed", path)
                      : vc_recommend_all(cm, n, opts, csv_row, &c);
    if (s == VC_ERR_CANCELLED && ferror(f))
        s = vci_error(VC_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    if (fclose(f) != 0 && s == VC_OK)
        s = vci_error(VC_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    if (s != VC_OK)
        remove(path);
    return s;
}
