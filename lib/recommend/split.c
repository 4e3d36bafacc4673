/*
 * split.c - held-out splits for evaluation.
 *
 * The training set is rebuilt through the feeding API with every user and
 * item of the original in index order (so indices match) and only the
 * training events; each user's held-out events are kept in a CSR.
 * temporal:F holds out the last ceil(F * n) of a user's n time-ordered
 * events, random:F a seeded random round(F * n), last:N the last N; a user
 * always keeps at least one training event (users with one event keep it).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "eval.h"

typedef enum split_kind { TEMPORAL, RANDOM, LAST } split_kind;

static vc_status parse_spec(const char *spec, split_kind *kind, double *arg)
{
    const char *colon = strchr(spec, ':');
    char *end;
    if (colon) {
        errno = 0;
        *arg = strtod(colon + 1, &end);
        if (end != colon + 1 && !*end && errno == 0) {
            size_t n = (size_t)(colon - spec);
            if (n == 8 && strncmp(spec, "temporal", 8) == 0 && *arg > 0 && *arg < 1) {
                *kind = TEMPORAL;
                return VC_OK;
            }
            if (n == 6 && strncmp(spec, "random", 6) == 0 && *arg > 0 && *arg < 1) {
                *kind = RANDOM;
                return VC_OK;
            }
            if (n == 4 && strncmp(spec, "last", 4) == 0 && *arg >= 1 &&
                *arg == floor(*arg)) {
                *kind = LAST;
                return VC_OK;
            }
        }
    }
    return vci_error(VC_ERR_OPTION, "split '%s': expected temporal:F or random:F "
                                    "with 0 < F < 1, or last:N with N >= 1", spec);
}

static vc_status copy_entities(vc_dataset *train, const vc_dataset *ds)
{
    const char **names = vci_calloc(VCI_MAX(ds->nattrs, 1u), sizeof *names);
    const char **values = vci_calloc(VCI_MAX(ds->nattrs, 1u), sizeof *values);
    vc_status s = names && values ? VC_OK : VC_ERR_NOMEM;
    for (uint32_t u = 0; u < ds->nusers && s == VC_OK; u++) {
        size_t n = 0;
        for (uint32_t a = 0; a < ds->nattrs; a++) {
            const char *v = vci_ds_str(ds, ds->user_attr[(size_t)u * ds->nattrs + a]);
            if (v) {
                names[n] = vci_ds_str(ds, ds->attr_name[a]);
                values[n++] = v;
            }
        }
        s = vc_dataset_add_user(train, vci_ds_str(ds, ds->user_key[u]), names, values, n);
    }
    vci_free(names);
    vci_free(values);
    char *cats = NULL;
    size_t cap = 0;
    for (uint32_t i = 0; i < ds->nitems && s == VC_OK; i++) {
        size_t len = 0;
        for (uint32_t k = ds->item_cat_start[i]; k < ds->item_cat_start[i + 1] && s == VC_OK; k++) {
            const char *c = vci_ds_str(ds, ds->cat_name[ds->item_cats[k]]);
            size_t cl = strlen(c);
            s = vci_reserve((void **)&cats, &cap, len + cl + 2, 1);
            if (s == VC_OK) {
                if (len)
                    cats[len++] = '|';
                memcpy(cats + len, c, cl);
                len += cl;
            }
        }
        if (s == VC_OK)
            s = vci_reserve((void **)&cats, &cap, len + 1, 1);
        if (s == VC_OK) {
            cats[len] = '\0';
            s = vc_dataset_add_item(train, vci_ds_str(ds, ds->item_key[i]),
                                    vci_ds_str(ds, ds->item_title[i]), cats,
                                    ds->item_price ? ds->item_price[i] : NAN);
        }
    }
    vci_free(cats);
    return s;
}

/* How many of a user's n events are held out; marks them in held[]. */
static size_t choose_held(split_kind kind, double arg, size_t n, uint64_t seed,
                          uint32_t u, uint8_t *held, uint32_t *perm)
{
    if (n < 2)
        return 0;
    size_t m = kind == TEMPORAL ? (size_t)ceil(arg * (double)n)
               : kind == RANDOM ? (size_t)llround(arg * (double)n) : (size_t)arg;
    m = VCI_MIN(m, n - 1);
    memset(held, 0, n);
    if (kind == RANDOM) {
        vci_rng rng;
        vci_rng_seed(&rng, seed, u);
        for (size_t i = 0; i < n; i++)
            perm[i] = (uint32_t)i;
        vci_rng_shuffle_u32(&rng, perm, n);
        for (size_t i = 0; i < m; i++)
            held[perm[i]] = 1;
    } else {
        for (size_t i = n - m; i < n; i++)
            held[i] = 1;
    }
    return m;
}

static vc_status split_events(vci_split *sp, const vc_dataset *ds,
                              split_kind kind, double arg, uint64_t seed)
{
    size_t maxn = 1;
    for (uint32_t u = 0; u < ds->nusers; u++)
        maxn = VCI_MAX(maxn, (size_t)(ds->user_start[u + 1] - ds->user_start[u]));
    uint8_t *held = vci_calloc(maxn, 1);
    uint32_t *perm = vci_calloc(maxn, sizeof *perm);
    sp->test_start = vci_calloc((size_t)ds->nusers + 1, sizeof *sp->test_start);
    sp->test_item = vci_calloc(VCI_MAX(ds->nevents, 1), sizeof *sp->test_item);
    sp->test_value = vci_calloc(VCI_MAX(ds->nevents, 1), sizeof *sp->test_value);
    vc_status s = held && perm && sp->test_start && sp->test_item && sp->test_value
                      ? VC_OK : VC_ERR_NOMEM;
    size_t nt = 0;
    for (uint32_t u = 0; u < ds->nusers && s == VC_OK; u++) {
        uint64_t b = ds->user_start[u];
        size_t n = (size_t)(ds->user_start[u + 1] - b);
        size_t m = choose_held(kind, arg, n, seed, u, held, perm);
        for (size_t i = 0; i < n && s == VC_OK; i++) {
            uint64_t e = b + i;
            if (m && held[i]) {
                sp->test_item[nt] = ds->ev_item[e];
                sp->test_value[nt++] = ds->ev_value[e];
                continue;
            }
            s = vc_dataset_add_event(sp->train, vci_ds_str(ds, ds->user_key[u]),
                                     vci_ds_str(ds, ds->item_key[ds->ev_item[e]]),
                                     vci_ds_str(ds, ds->type_name[vci_ds_type(ds, e)]),
                                     ds->ev_value[e], vci_ds_amount(ds, e),
                                     vci_ds_time(ds, e));
        }
        sp->test_start[u + 1] = nt;
    }
    vci_free(held);
    vci_free(perm);
    return s;
}

vc_status vci_split_make(vci_split *sp, const vc_dataset *ds,
                         const char *spec, uint64_t seed,
                         const vc_options *opts)
{
    (void)opts;
    memset(sp, 0, sizeof *sp);
    split_kind kind = TEMPORAL;
    double arg = 0;
    VCI_CHECK(parse_spec(spec, &kind, &arg));
    VCI_CHECK(vc_dataset_new(&sp->train));
    vc_status s = copy_entities(sp->train, ds);
    if (s == VC_OK)
        s = split_events(sp, ds, kind, arg, seed);
    if (s == VC_OK)
        s = vc_dataset_finalize(sp->train);
    if (s != VC_OK)
        vci_split_free(sp);
    return s;
}

void vci_split_free(vci_split *sp)
{
    vc_dataset_free(sp->train);
    vci_free(sp->test_start);
    vci_free(sp->test_item);
    vci_free(sp->test_value);
    memset(sp, 0, sizeof *sp);
}
