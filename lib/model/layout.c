/*
 * layout.c - what a model file holds: the scalar words of section 0 and
 * the ordered list of arrays (sections 1..n) of the data set, portraits,
 * communities and recommender index. Saving and loading both walk this one
 * description, so they cannot disagree.
 *
 * Invariant: the list depends only on the scalars, so a loader knows every
 * section's size before reading it; the word indices below are part of
 * the file format (docs/model-format.md) and only ever appended to.
 */
#include <float.h>
#include <math.h>

#include "model.h"

_Static_assert(sizeof(size_t) == 8, "model files need a 64-bit size_t");

enum {
    W_NUSERS, W_NATTRS, W_NITEMS, W_NCATS, W_NTYPES, W_NEVENTS,
    W_SINGLE_TYPE, W_TIME_BASE, W_TIME_LAST, W_HAS_TYPE, W_HAS_AMOUNT,
    W_HAS_PLANTED, W_HAS_PRICE, W_STRINGS_LEN, W_CAT_LINKS, W_FORMAT,
    W_SKIPPED, W_FIRST_SKIP,
    W_NTOPICS, W_TOPICS_DERIVED, W_TOPIC_LINKS, W_TOPIC_NAMES_LEN, W_NCOLS,
    W_STRIDE, W_SCHEMA_LEN, W_EXPLICIT, W_PURCHASES, W_NTAGS, W_TAG_NAMES_LEN,
    W_TAG_LINKS,
    W_MAP, /* 18 words of vci_column_map */
    W_NCOMM = W_MAP + 18, W_NGLOBAL, W_CM_STRINGS_LEN, W_MEM_LINKS, W_CM_NTAG,
    W_HAS_INDEX, W_INDEX_MEAN, W_MAX_VALUE, W_INDEX_EXPLICIT,
    W_RANK, W_EMB_STRIDE,
    W_INDEX_SUMS, W_T_REF, W_HALF_LIFE, /* format 3 */
    W_COUNT
};
_Static_assert(W_COUNT <= 64, "scalar words overflow section 0");
_Static_assert(sizeof(vci_column_map) == 18 * sizeof(uint32_t), "column map");
_Static_assert(sizeof(vci_community) == 48, "community record");
_Static_assert(sizeof(vci_column) == 32, "schema column record");

static const char *const formats[] = {"api", "ml-1m", "ml-100k", "ml-latest",
                                      "merchant", "synthetic"};

static uint64_t format_id(const char *f)
{
    for (size_t i = 0; f && i < VCI_ARRAY_LEN(formats); i++)
        if (strcmp(formats[i], f) == 0)
            return i;
    return 0;
}

void vci_model_scalars_get(const vc_communities *cm,
                           const vci_rec_index *ix, vci_model_scalars *sc)
{
    const vc_portraits *pt = cm->pt;
    const vc_dataset *ds = pt->ds;
    uint64_t *w = sc->words;
    memset(sc, 0, sizeof *sc);
    w[W_NUSERS] = ds->nusers;
    w[W_NATTRS] = ds->nattrs;
    w[W_NITEMS] = ds->nitems;
    w[W_NCATS] = ds->ncats;
    w[W_NTYPES] = ds->ntypes;
    w[W_NEVENTS] = ds->nevents;
    w[W_SINGLE_TYPE] = ds->ev_single_type;
    w[W_TIME_BASE] = (uint64_t)ds->time_base;
    w[W_TIME_LAST] = (uint64_t)ds->time_last;
    w[W_HAS_TYPE] = ds->ev_type != NULL;
    w[W_HAS_AMOUNT] = ds->ev_amount != NULL;
    w[W_HAS_PLANTED] = ds->planted != NULL;
    w[W_HAS_PRICE] = ds->item_price != NULL;
    w[W_STRINGS_LEN] = ds->strings.len;
    w[W_CAT_LINKS] = ds->item_cat_start ? ds->item_cat_start[ds->nitems] : 0;
    w[W_FORMAT] = format_id(ds->format);
    w[W_SKIPPED] = ds->skipped;
    w[W_FIRST_SKIP] = ds->first_skip;
    w[W_NTOPICS] = pt->topics.ntopics;
    w[W_TOPICS_DERIVED] = pt->topics.derived;
    w[W_TOPIC_LINKS] = pt->topics.item_start[ds->nitems];
    w[W_TOPIC_NAMES_LEN] = pt->topics.own_names.len;
    w[W_NCOLS] = pt->ncols;
    w[W_STRIDE] = pt->stride;
    w[W_SCHEMA_LEN] = pt->schema.strings.len;
    w[W_EXPLICIT] = pt->explicit_ratings;
    w[W_PURCHASES] = pt->purchases;
    w[W_NTAGS] = pt->ntags;
    w[W_TAG_NAMES_LEN] = pt->tag_names.len;
    w[W_TAG_LINKS] = pt->tag_start[pt->nusers];
    uint32_t map[18];
    memcpy(map, &pt->map, sizeof map);
    for (int i = 0; i < 18; i++)
        w[W_MAP + i] = map[i];
    w[W_NCOMM] = cm->ncomm;
    w[W_NGLOBAL] = cm->nglobal;
    w[W_CM_STRINGS_LEN] = cm->strings.len;
    w[W_MEM_LINKS] = cm->mem_start[pt->nusers];
    w[W_CM_NTAG] = cm->ntag;
    w[W_HAS_INDEX] = ix != NULL;
    w[W_INDEX_MEAN] = ix && ix->mean;
    double mv = ix ? ix->max_value : 0;
    memcpy(&w[W_MAX_VALUE], &mv, sizeof mv);
    w[W_INDEX_EXPLICIT] = ix && ix->explicit_ratings;
    w[W_RANK] = ix ? ix->rank : 0;
    w[W_EMB_STRIDE] = ix ? ix->emb_stride : 0;
    w[W_INDEX_SUMS] = ix && ix->pop_sum;
    w[W_T_REF] = ix ? (uint64_t)ix->t_ref : 0;
    double hl = ix ? ix->half_life : 0;
    memcpy(&w[W_HALF_LIFE], &hl, sizeof hl);
}

/* Columns first .. first + width - 1 exist; UINT32_MAX (absent) only where
 * the portraits allow it. */
static bool span_ok(uint32_t first, uint64_t width, uint64_t ncols, bool optional)
{
    if (first == UINT32_MAX)
        return optional;
    return (uint64_t)first + width <= ncols;
}

/* Every column the portrait, tag and targeting code reads through the
 * map lies inside the row (behaviour.c: topic groups ntopics wide, rating
 * mean and spread together, the four rfm columns from frequency, four
 * time-of-day columns from night). */
static bool map_ok(const vci_column_map *m, uint64_t nt, uint64_t ncols)
{
    bool rating = m->rating_mean == UINT32_MAX
                      ? m->rating_spread == UINT32_MAX
                      : m->rating_spread == m->rating_mean + 1u && span_ok(m->rating_mean, 2, ncols, false);
    bool rfm = m->frequency == UINT32_MAX
                   ? m->monetary == UINT32_MAX
                   : m->monetary == m->frequency + 1u && span_ok(m->frequency, 4, ncols, false);
    return rating && rfm && span_ok(m->share, nt, ncols, false) &&
           span_ok(m->rating, nt, ncols, true) && span_ok(m->affinity, nt, ncols, false) &&
           span_ok(m->events, 1, ncols, false) && span_ok(m->per_week, 1, ncols, false) &&
           span_ok(m->recency, 1, ncols, false) && span_ok(m->tenure, 1, ncols, false) &&
           span_ok(m->entropy, 1, ncols, false) && span_ok(m->weekend, 1, ncols, false) &&
           span_ok(m->night, 4, ncols, false) && span_ok(m->churn, 1, ncols, false) &&
           span_ok(m->propensity, 1, ncols, false) && m->fact_begin <= m->fact_end &&
           m->fact_end <= ncols;
}

static bool fits_u32(uint64_t v)
{
    return v < UINT32_MAX;
}

vc_status vci_model_scalars_set(vc_communities *cm, vci_rec_index *ix,
                                const vci_model_scalars *sc)
{
    vc_portraits *pt = (vc_portraits *)cm->pt;
    vc_dataset *ds = (vc_dataset *)pt->ds;
    const uint64_t *w = sc->words;
    if (!fits_u32(w[W_NUSERS]) || !fits_u32(w[W_NATTRS]) || !fits_u32(w[W_NITEMS]) ||
        !fits_u32(w[W_NCATS]) || !fits_u32(w[W_NTYPES]) || w[W_NTYPES] > 256 ||
        w[W_NTYPES] <= VC_EVENT_PURCHASE || /* the predefined types come first */
        !fits_u32(w[W_NEVENTS]) || !fits_u32(w[W_NTOPICS]) || !fits_u32(w[W_NCOLS]) ||
        w[W_STRIDE] < w[W_NCOLS] || w[W_STRIDE] % 16 || !fits_u32(w[W_STRIDE]) ||
        !fits_u32(w[W_NTAGS]) || !fits_u32(w[W_NCOMM]) || w[W_NGLOBAL] > w[W_NCOMM] ||
        !fits_u32(w[W_CAT_LINKS]) || !fits_u32(w[W_TOPIC_LINKS]) ||
        !fits_u32(w[W_TAG_LINKS]) || !fits_u32(w[W_MEM_LINKS]) || !fits_u32(w[W_CM_NTAG]) ||
        w[W_SINGLE_TYPE] >= VCI_MAX(w[W_NTYPES], 1) || w[W_FORMAT] >= VCI_ARRAY_LEN(formats))
        return vci_error(VC_ERR_FORMAT, "model scalars out of range");
    ds->nusers = (uint32_t)w[W_NUSERS];
    ds->nattrs = (uint32_t)w[W_NATTRS];
    ds->nitems = (uint32_t)w[W_NITEMS];
    ds->ncats = (uint32_t)w[W_NCATS];
    ds->ntypes = (uint32_t)w[W_NTYPES];
    ds->nevents = w[W_NEVENTS];
    ds->ev_single_type = (uint8_t)w[W_SINGLE_TYPE];
    ds->time_base = (int64_t)w[W_TIME_BASE];
    ds->time_last = (int64_t)w[W_TIME_LAST];
    ds->strings.len = ds->strings.cap = w[W_STRINGS_LEN];
    ds->format = formats[w[W_FORMAT]];
    ds->skipped = w[W_SKIPPED];
    ds->first_skip = w[W_FIRST_SKIP];
    pt->nusers = ds->nusers;
    pt->nitems = ds->nitems;
    pt->time_last = ds->time_last;
    pt->topics.ntopics = (uint32_t)w[W_NTOPICS];
    pt->topics.derived = w[W_TOPICS_DERIVED] != 0;
    pt->topics.own_names.len = pt->topics.own_names.cap = w[W_TOPIC_NAMES_LEN];
    pt->topics.pool = pt->topics.derived ? &pt->topics.own_names : &ds->strings;
    pt->ncols = pt->schema.ncols = pt->schema.cap = (uint32_t)w[W_NCOLS];
    pt->stride = (uint32_t)w[W_STRIDE];
    pt->schema.strings.len = pt->schema.strings.cap = w[W_SCHEMA_LEN];
    pt->explicit_ratings = w[W_EXPLICIT] != 0;
    pt->purchases = w[W_PURCHASES] != 0;
    pt->ntags = pt->tag_cap = (uint32_t)w[W_NTAGS];
    pt->tag_names.len = pt->tag_names.cap = w[W_TAG_NAMES_LEN];
    uint32_t map[18];
    for (int i = 0; i < 18; i++) {
        if (w[W_MAP + i] != UINT32_MAX && w[W_MAP + i] > w[W_NCOLS])
            return vci_error(VC_ERR_FORMAT, "model column map out of range");
        map[i] = (uint32_t)w[W_MAP + i];
    }
    memcpy(&pt->map, map, sizeof map);
    if (!map_ok(&pt->map, w[W_NTOPICS], w[W_NCOLS]))
        return vci_error(VC_ERR_FORMAT, "model column map out of range");
    cm->ncomm = cm->cap = (uint32_t)w[W_NCOMM];
    cm->nglobal = (uint32_t)w[W_NGLOBAL];
    cm->ncols = pt->ncols;
    cm->stride = pt->stride;
    cm->nusers = pt->nusers;
    cm->strings.len = cm->strings.cap = w[W_CM_STRINGS_LEN];
    cm->ntag = cm->tag_cap = w[W_CM_NTAG];
    if (ix) {
        ix->ncomm = cm->ncomm;
        ix->nitems = ds->nitems;
        ix->nusers = ds->nusers;
        if (w[W_RANK] > VCI_REC_MAX_RANK || w[W_EMB_STRIDE] < w[W_RANK] ||
            w[W_EMB_STRIDE] % 16 || w[W_EMB_STRIDE] > VCI_REC_MAX_RANK)
            return vci_error(VC_ERR_FORMAT, "model embedding size out of range");
        ix->rank = (uint32_t)w[W_RANK];
        ix->emb_stride = (uint32_t)w[W_EMB_STRIDE];
        double mv;
        memcpy(&mv, &w[W_MAX_VALUE], sizeof mv);
        if (!isfinite(mv) || mv < 0 || mv > FLT_MAX)
            return vci_error(VC_ERR_FORMAT, "model index scale out of range");
        ix->max_value = (float)mv;
        ix->explicit_ratings = w[W_INDEX_EXPLICIT] != 0;
        double hl;
        memcpy(&hl, &w[W_HALF_LIFE], sizeof hl);
        if (!isfinite(hl) || hl < 0)
            return vci_error(VC_ERR_FORMAT, "model index half-life out of range");
        ix->half_life = hl;
        ix->t_ref = (int64_t)w[W_T_REF];
        ix->ds_generation = 0; /* the loaded data set's generation */
    }
    return VC_OK;
}

vci_model_links vci_model_links_of(const vci_model_scalars *sc)
{
    const uint64_t *w = sc->words;
    return (vci_model_links){w[W_CAT_LINKS], w[W_TOPIC_LINKS], w[W_TAG_LINKS],
                             w[W_MEM_LINKS]};
}

bool vci_model_has_index(const vci_model_scalars *sc)
{
    return sc->words[W_HAS_INDEX] != 0;
}

static void add(vci_blob *b, size_t *n, void *field, size_t elem, uint64_t count)
{
    b[*n] = (vci_blob){(void **)field, elem, count, false, false};
    (*n)++;
}

size_t vci_model_layout(vc_communities *cm, vci_rec_index *ix,
                        const vci_model_scalars *sc, vci_blob *b)
{
    vc_portraits *pt = (vc_portraits *)cm->pt;
    vc_dataset *ds = (vc_dataset *)pt->ds;
    const uint64_t *w = sc->words;
    size_t n = 0;
    uint64_t nu = w[W_NUSERS], ni = w[W_NITEMS], ne = w[W_NEVENTS];
    uint64_t ncomm = w[W_NCOMM], ncols = w[W_NCOLS], stride = w[W_STRIDE];
    /* the data set */
    add(b, &n, &ds->strings.data, 1, w[W_STRINGS_LEN]);
    add(b, &n, &ds->user_key, 8, nu);
    add(b, &n, &ds->attr_name, 8, w[W_NATTRS]);
    add(b, &n, &ds->user_attr, 8, nu * w[W_NATTRS]);
    add(b, &n, &ds->planted, 4, w[W_HAS_PLANTED] ? nu : 0);
    add(b, &n, &ds->item_key, 8, ni);
    add(b, &n, &ds->item_title, 8, ni);
    add(b, &n, &ds->item_price, 4, w[W_HAS_PRICE] ? ni : 0);
    add(b, &n, &ds->item_cat_start, 4, ni + 1);
    add(b, &n, &ds->item_cats, 4, w[W_CAT_LINKS]);
    add(b, &n, &ds->cat_name, 8, w[W_NCATS]);
    add(b, &n, &ds->type_name, 8, w[W_NTYPES]);
    add(b, &n, &ds->user_start, 8, nu + 1);
    size_t first_event_column = n;
    add(b, &n, &ds->ev_item, 4, ne);
    add(b, &n, &ds->ev_value, 4, ne);
    add(b, &n, &ds->ev_time, 4, ne);
    add(b, &n, &ds->ev_type, 1, w[W_HAS_TYPE] ? ne : 0);
    add(b, &n, &ds->ev_amount, 4, w[W_HAS_AMOUNT] ? ne : 0);
    for (size_t k = first_event_column; k < n; k++)
        b[k].room = true; /* appends grow them in place (dataset.h ev_cap) */
    add(b, &n, &ds->item_start, 8, ni + 1);
    add(b, &n, &ds->item_events, 4, ne);
    b[n - 1].room = true;
    add(b, &n, &ds->type_count, 8, w[W_NTYPES]);
    /* the portraits */
    vci_topics *tp = &pt->topics;
    add(b, &n, &tp->name, 8, w[W_NTOPICS]);
    add(b, &n, &tp->own_names.data, 1, w[W_TOPIC_NAMES_LEN]);
    add(b, &n, &tp->item_start, 4, ni + 1);
    add(b, &n, &tp->item_topic, 4, w[W_TOPIC_LINKS]);
    add(b, &n, &pt->schema.cols, sizeof(vci_column), ncols);
    add(b, &n, &pt->schema.strings.data, 1, w[W_SCHEMA_LEN]);
    add(b, &n, &pt->raw, 4, nu * ncols);
    add(b, &n, &pt->feat, 4, nu * stride);
    b[n - 1].aligned = true;
    add(b, &n, &pt->col_mean, 4, ncols);
    add(b, &n, &pt->col_std, 4, ncols);
    add(b, &n, &pt->tag_names.data, 1, w[W_TAG_NAMES_LEN]);
    add(b, &n, &pt->tag_name, 8, w[W_NTAGS]);
    add(b, &n, &pt->tag_start, 4, nu + 1);
    add(b, &n, &pt->tag_id, 4, w[W_TAG_LINKS]);
    b[n - 1].room = true; /* updates write their tags there (portrait.h tag_room) */
    add(b, &n, &pt->tag_weight, 4, w[W_TAG_LINKS]);
    b[n - 1].room = true;
    /* the communities */
    add(b, &n, &cm->comm, sizeof(vci_community), ncomm);
    add(b, &n, &cm->strings.data, 1, w[W_CM_STRINGS_LEN]);
    add(b, &n, &cm->centroid_raw, 4, ncomm * ncols);
    add(b, &n, &cm->centroid_feat, 4, ncomm * stride);
    b[n - 1].aligned = true;
    add(b, &n, &cm->mem_start, 4, nu + 1);
    add(b, &n, &cm->mem_comm, 4, w[W_MEM_LINKS]);
    b[n - 1].room = true; /* assignments rewrite them in place (community.h mem_room) */
    add(b, &n, &cm->mem_strength, 4, w[W_MEM_LINKS]);
    b[n - 1].room = true;
    add(b, &n, &cm->comm_start, 4, ncomm + 1);
    add(b, &n, &cm->comm_user, 4, w[W_MEM_LINKS]);
    b[n - 1].room = true;
    add(b, &n, &cm->comm_strength, 4, w[W_MEM_LINKS]);
    b[n - 1].room = true;
    add(b, &n, &cm->tag_id, 4, w[W_CM_NTAG]);
    add(b, &n, &cm->tag_weight, 4, w[W_CM_NTAG]);
    /* the recommender index */
    if (ix && w[W_HAS_INDEX]) {
        uint64_t cells = ncomm * ni;
        add(b, &n, &ix->score, 4, cells);
        add(b, &n, &ix->pop, 4, cells);
        add(b, &n, &ix->mean, 4, w[W_INDEX_MEAN] ? cells : 0);
        add(b, &n, &ix->user_norm, 4, nu);
        add(b, &n, &ix->item_pop, 4, ni);
        add(b, &n, &ix->user_emb, 4, nu * w[W_EMB_STRIDE]);
        b[n - 1].aligned = true;
        add(b, &n, &ix->user_scale, 4, w[W_EMB_STRIDE] ? nu : 0);
        add(b, &n, &ix->item_emb, 4, ni * w[W_EMB_STRIDE]);
        b[n - 1].aligned = true;
        if (w[W_INDEX_SUMS]) { /* format 3 */
            add(b, &n, &ix->pop_sum, 4, cells);
            add(b, &n, &ix->rate_sum, 4, w[W_INDEX_MEAN] ? cells : 0);
            add(b, &n, &ix->weight_sum, 4, w[W_INDEX_MEAN] ? cells : 0);
            add(b, &n, &ix->total, 8, ncomm);
        }
    }
    return n;
}
