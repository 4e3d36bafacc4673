/*
 * fact.c - the fact layer: each user's static attributes, encoded.
 *
 * Per attribute (in data set order):
 *  - "zip" / "zipcode" / "zip-code" / "postcode": region = the first
 *    character of the code, one-hot ("fact/region/9");
 *  - "age" holding numbers: the MovieLens 1M age buckets, one-hot
 *    ("fact/age/25-34");
 *  - any other attribute whose values are all numbers with at least 10
 *    distinct values: one numeric column ("fact/<attr>/value"), missing
 *    values set to the mean;
 *  - otherwise categorical: one-hot over the 12 most
 *    frequent values (ties by value), rarer values set no column.
 * Users without the attribute have zeros in its columns.
 */
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "portrait.h"

typedef enum kind { CATEGORICAL, AGE_BUCKET, REGION, NUMERIC } kind;

typedef struct attr_plan {
    kind kind;
    uint32_t first;     /* first column */
    vci_idmap values;   /* value (or region / bucket label) -> column - first */
    double mean;        /* NUMERIC: mean of the present values */
} attr_plan;

typedef struct fact_state {
    attr_plan *attrs;
    uint32_t nattrs;
} fact_state;

static const char *const age_labels[] = {"Under 18", "18-24", "25-34", "35-44",
                                         "45-49", "50-55", "56+"};

static const char *age_bucket(double age)
{
    static const double upper[] = {18, 25, 35, 45, 50, 56};
    for (size_t i = 0; i < VCI_ARRAY_LEN(upper); i++)
        if (age < upper[i])
            return age_labels[i];
    return age_labels[6];
}

static bool parse_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return false;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

static bool is_postcode(const char *name)
{
    return strcasecmp(name, "zip") == 0 || strcasecmp(name, "zipcode") == 0 ||
           strcasecmp(name, "zip-code") == 0 || strcasecmp(name, "postcode") == 0;
}

/* The label a raw value encodes to (buf for regions), or NULL. */
static const char *encode(const attr_plan *p, const char *v, char *buf)
{
    double x;
    if (!v || !*v)
        return NULL;
    switch (p->kind) {
    case REGION:
        buf[0] = v[0];
        buf[1] = '\0';
        return buf;
    case AGE_BUCKET:
        return parse_number(v, &x) ? age_bucket(x) : NULL;
    default:
        return v;
    }
}

typedef struct value_count { const char *label; uint64_t n; } value_count;

static int by_count_desc(const void *a, const void *b)
{
    const value_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* Decide the kind of attribute a and count its labels. */
static vc_status classify(const vc_dataset *ds, uint32_t a, attr_plan *p,
                          vci_idmap *counts_map, uint64_t **counts,
                          size_t *ncounts)
{
    const char *name = vci_ds_str(ds, ds->attr_name[a]);
    bool numeric = true;
    size_t present = 0;
    double sum = 0;
    vci_idmap distinct;
    vci_idmap_init(&distinct);
    vc_status s = VC_OK;
    for (uint32_t u = 0; u < ds->nusers && s == VC_OK; u++) {
        const char *v = vci_ds_str(ds, ds->user_attr[(size_t)u * ds->nattrs + a]);
        double x;
        if (!v || !*v)
            continue;
        present++;
        if (numeric && parse_number(v, &x)) {
            sum += x;
            if (distinct.count < 10)
                s = vci_idmap_put(&distinct, v, strlen(v), 0);
        } else {
            numeric = false;
        }
    }
    if (is_postcode(name))
        p->kind = REGION;
    else if (numeric && present && strcasecmp(name, "age") == 0)
        p->kind = AGE_BUCKET;
    else if (numeric && present && distinct.count >= 10)
        p->kind = NUMERIC;
    else
        p->kind = CATEGORICAL;
    p->mean = present ? sum / (double)present : 0;
    vci_idmap_free(&distinct);
    if (s != VC_OK || p->kind == NUMERIC)
        return s;

    char buf[2];
    size_t cap = 0;
    *ncounts = 0;
    for (uint32_t u = 0; u < ds->nusers; u++) {
        const char *label = encode(p, vci_ds_str(ds, ds->user_attr[(size_t)u * ds->nattrs + a]), buf);
        if (!label)
            continue;
        uint32_t idx;
        bool added;
        VCI_CHECK(vci_idmap_get_or_add(counts_map, label, strlen(label),
                                       (uint32_t)*ncounts, &idx, NULL, &added));
        if (added) {
            VCI_CHECK(vci_reserve((void **)counts, &cap, *ncounts + 1, sizeof **counts));
            (*counts)[(*ncounts)++] = 0;
        }
        (*counts)[idx]++;
    }
    return VC_OK;
}

static vc_status plan_attr(vc_portraits *pt, uint32_t a, attr_plan *p,
                           size_t max_values)
{
    const vc_dataset *ds = pt->ds;
    const char *name = vci_ds_str(ds, ds->attr_name[a]);
    vci_idmap counts_map;
    vci_idmap_init(&counts_map);
    uint64_t *counts = NULL;
    size_t ncounts = 0;
    value_count *order = NULL;
    vc_status s = classify(ds, a, p, &counts_map, &counts, &ncounts);
    p->first = pt->schema.ncols;
    if (s == VC_OK && p->kind == NUMERIC)
        s = vci_schema_add(&pt->schema, VCI_LAYER_FACT, name, "value", NULL);
    if (s == VC_OK && p->kind != NUMERIC && ncounts) {
        order = vci_calloc(ncounts, sizeof *order);
        if (!order)
            s = VC_ERR_NOMEM;
        for (size_t sl = 0; s == VC_OK && sl <= counts_map.mask; sl++) {
            const vci_idmap_slot *x = &counts_map.slots[sl];
            if (x->key)
                order[x->value] = (value_count){
                    vci_strpool_str(&counts_map.keys, x->key), counts[x->value]};
        }
        if (s == VC_OK)
            qsort(order, ncounts, sizeof *order, by_count_desc);
        const char *group = p->kind == REGION ? "region" : name;
        for (size_t k = 0; s == VC_OK && k < VCI_MIN(ncounts, max_values); k++) {
            s = vci_schema_add(&pt->schema, VCI_LAYER_FACT, group, order[k].label, NULL);
            if (s == VC_OK)
                s = vci_idmap_put(&p->values, order[k].label, strlen(order[k].label),
                                  (uint32_t)k);
        }
    }
    vci_free(order);
    vci_free(counts);
    vci_idmap_free(&counts_map);
    return s;
}

void vci_fact_free(void *state)
{
    fact_state *f = state;
    if (!f)
        return;
    for (uint32_t a = 0; a < f->nattrs; a++)
        vci_idmap_free(&f->attrs[a].values);
    vci_free(f->attrs);
    vci_free(f);
}

vc_status vci_fact_plan(vc_portraits *pt, void **state)
{
    const vc_dataset *ds = pt->ds;
    fact_state *f = vci_calloc(1, sizeof *f);
    if (!f)
        return VC_ERR_NOMEM;
    f->attrs = vci_calloc(ds->nattrs ? ds->nattrs : 1, sizeof *f->attrs);
    if (!f->attrs) {
        vci_free(f);
        return VC_ERR_NOMEM;
    }
    f->nattrs = ds->nattrs;
    for (uint32_t a = 0; a < ds->nattrs; a++)
        vci_idmap_init(&f->attrs[a].values);
    pt->map.fact_begin = pt->schema.ncols;
    vc_status s = VC_OK;
    for (uint32_t a = 0; a < ds->nattrs && s == VC_OK; a++)
        s = plan_attr(pt, a, &f->attrs[a], 12);
    pt->map.fact_end = pt->schema.ncols;
    if (s != VC_OK) {
        vci_fact_free(f);
        return s;
    }
    *state = f;
    return VC_OK;
}

/* The fact columns of user u into row (indexed like the plan's schema). */
static void fill_row(const fact_state *f, const vc_dataset *ds, size_t u, float *row)
{
    char buf[2];
    for (uint32_t a = 0; a < f->nattrs; a++) {
        const attr_plan *p = &f->attrs[a];
        const char *v = vci_ds_str(ds, ds->user_attr[u * ds->nattrs + a]);
        if (p->kind == NUMERIC) {
            double x;
            row[p->first] = (float)(parse_number(v, &x) ? x : p->mean);
            continue;
        }
        const char *label = encode(p, v, buf);
        uint32_t k;
        if (label && vci_idmap_get(&p->values, label, strlen(label), &k))
            row[p->first + k] = 1.0f;
    }
}

typedef struct fill_ctx { vc_portraits *pt; const fact_state *f; } fill_ctx;

#define USERS_PER_TASK 4096

static vc_status fill_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const fill_ctx *c = ctx;
    vc_portraits *pt = c->pt;
    size_t end = VCI_MIN((task + 1) * USERS_PER_TASK, (size_t)pt->nusers);
    for (size_t u = task * USERS_PER_TASK; u < end; u++)
        fill_row(c->f, pt->ds, u, pt->raw + u * pt->ncols);
    return VC_OK;
}

vc_status vci_fact_fill(vc_portraits *pt, void *state, vci_pool *pool)
{
    fill_ctx c = {pt, state};
    size_t ntasks = (pt->nusers + USERS_PER_TASK - 1) / USERS_PER_TASK;
    return vci_parallel_for(pool, ntasks, fill_task, &c, NULL);
}

/* Column of pt's fact layer with the group and name of column c of s, or
 * UINT32_MAX. */
static uint32_t same_column(const vc_portraits *pt, const vci_schema *s, uint32_t c)
{
    const char *group = vci_strpool_str(&s->strings, s->cols[c].group);
    const char *name = vci_strpool_str(&s->strings, s->cols[c].name);
    const vci_schema *ps = &pt->schema;
    for (uint32_t k = pt->map.fact_begin; k < pt->map.fact_end; k++)
        if (strcmp(vci_strpool_str(&ps->strings, ps->cols[k].group), group) == 0 &&
            strcmp(vci_strpool_str(&ps->strings, ps->cols[k].name), name) == 0)
            return k;
    return UINT32_MAX;
}

vc_status vci_fact_fill_users(const vc_portraits *pt, const uint32_t *users, size_t n,
                              float *rows)
{
    /* plan again on the data set as it is now; values the portraits have no
     * column for (new attribute values) are dropped */
    vc_portraits plan;
    memset(&plan, 0, sizeof plan);
    plan.ds = pt->ds;
    vci_schema_init(&plan.schema);
    void *state = NULL;
    vc_status s = vci_fact_plan(&plan, &state);
    uint32_t nc = plan.schema.ncols;
    uint32_t *to = vci_calloc(nc + 1, sizeof *to);
    float *buf = vci_calloc(nc + 1, sizeof *buf);
    if (s == VC_OK && (!to || !buf))
        s = VC_ERR_NOMEM;
    for (uint32_t c = 0; c < nc && s == VC_OK; c++)
        to[c] = same_column(pt, &plan.schema, c);
    for (size_t i = 0; i < n && s == VC_OK; i++) {
        memset(buf, 0, nc * sizeof *buf);
        fill_row(state, pt->ds, users[i], buf);
        float *row = rows + i * pt->ncols;
        for (uint32_t c = 0; c < nc; c++)
            if (to[c] != UINT32_MAX)
                row[to[c]] = buf[c];
    }
    vci_free(to);
    vci_free(buf);
    vci_fact_free(state);
    vci_schema_free(&plan.schema);
    return s;
}
