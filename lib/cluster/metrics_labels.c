/*
 * metrics_labels.c - comparing two labellings of the same points: the
 * contingency table (from sorted label pairs, so any uint32 labels work),
 * adjusted Rand index and normalised mutual information (arithmetic mean
 * of the entropies), with scikit-learn's conventions for the degenerate
 * cases; and the dense renumbering of a labelling the other metrics use.
 *
 * Invariants: results depend only on the labellings (sums run in sorted
 * pair order, in double); nothing is kept after a call.
 */
#include <math.h>
#include <stdlib.h>

#include "kmeans_impl.h"

typedef struct label_pair {
    uint32_t a, b;
} label_pair;

static int cmp_pair(const void *x, const void *y)
{
    const label_pair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* The table of a labelling pair: every non-empty cell n_ij with its row
 * and column, and the row sums a_i and column sums b_j. */
typedef struct contingency {
    double *cell;
    uint32_t *cell_row, *cell_col;
    double *rows, *cols;
    size_t ncells;
    uint32_t nrows, ncols;
} contingency;

static void contingency_free(contingency *t)
{
    vci_free(t->cell);
    vci_free(t->cell_row);
    vci_free(t->cell_col);
    vci_free(t->rows);
    vci_free(t->cols);
}

static vc_status contingency_build(const uint32_t *a, const uint32_t *b,
                                   size_t n, contingency *t)
{
    memset(t, 0, sizeof *t);
    uint32_t *da = vci_malloc(n * sizeof *da), *db = vci_malloc(n * sizeof *db);
    label_pair *pairs = vci_malloc(n * sizeof *pairs);
    vc_status s = da && db && pairs ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = vci_dense_labels(a, n, da, &t->nrows);
    if (s == VC_OK)
        s = vci_dense_labels(b, n, db, &t->ncols);
    if (s == VC_OK) {
        t->cell = vci_malloc(n * sizeof *t->cell);
        t->cell_row = vci_malloc(n * sizeof *t->cell_row);
        t->cell_col = vci_malloc(n * sizeof *t->cell_col);
        t->rows = vci_calloc(t->nrows, sizeof *t->rows);
        t->cols = vci_calloc(t->ncols, sizeof *t->cols);
        if (!t->cell || !t->cell_row || !t->cell_col || !t->rows || !t->cols)
            s = VC_ERR_NOMEM;
    }
    if (s == VC_OK) {
        for (size_t i = 0; i < n; i++) {
            pairs[i].a = da[i];
            pairs[i].b = db[i];
            t->rows[da[i]]++;
            t->cols[db[i]]++;
        }
        qsort(pairs, n, sizeof *pairs, cmp_pair);
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && pairs[j].a == pairs[i].a && pairs[j].b == pairs[i].b)
                j++;
            t->cell[t->ncells] = (double)(j - i);
            t->cell_row[t->ncells] = pairs[i].a;
            t->cell_col[t->ncells++] = pairs[i].b;
            i = j;
        }
    }
    vci_free(da);
    vci_free(db);
    vci_free(pairs);
    if (s != VC_OK)
        contingency_free(t);
    return s;
}

static double comb2(double v)
{
    return v * (v - 1) / 2;
}

static vc_status ari(const uint32_t *a, const uint32_t *b, size_t n,
                     double *out)
{
    contingency t;
    VCI_CHECK(contingency_build(a, b, n, &t));
    double sum_cells = 0, sum_rows = 0, sum_cols = 0;
    for (size_t i = 0; i < t.ncells; i++)
        sum_cells += comb2(t.cell[i]);
    for (uint32_t i = 0; i < t.nrows; i++)
        sum_rows += comb2(t.rows[i]);
    for (uint32_t i = 0; i < t.ncols; i++)
        sum_cols += comb2(t.cols[i]);
    bool trivial = t.nrows == t.ncols && (t.nrows <= 1 || t.nrows == n);
    contingency_free(&t);
    if (trivial) { /* no split at all, or every point alone: a perfect match */
        *out = 1.0;
        return VC_OK;
    }
    double expected = sum_rows * sum_cols / comb2((double)n);
    double max_index = (sum_rows + sum_cols) / 2;
    *out = max_index == expected ? 0.0 : (sum_cells - expected) / (max_index - expected);
    return VC_OK;
}

static double entropy(const double *counts, size_t m, double n)
{
    double h = 0;
    for (size_t i = 0; i < m; i++)
        if (counts[i] > 0)
            h -= counts[i] / n * log(counts[i] / n);
    return h;
}

static vc_status nmi(const uint32_t *a, const uint32_t *b, size_t n,
                     double *out)
{
    contingency t;
    VCI_CHECK(contingency_build(a, b, n, &t));
    double dn = (double)n, mi = 0;
    for (size_t c = 0; c < t.ncells; c++) {
        double nij = t.cell[c];
        mi += nij / dn * (log(nij) + log(dn) - log(t.rows[t.cell_row[c]]) -
                          log(t.cols[t.cell_col[c]]));
    }
    double ha = entropy(t.rows, t.nrows, dn), hb = entropy(t.cols, t.ncols, dn);
    bool trivial = t.nrows == t.ncols && t.nrows <= 1;
    contingency_free(&t);
    if (trivial)
        *out = 1.0; /* one cluster on both sides: a perfect match */
    else if (mi <= 0)
        *out = 0.0;
    else
        *out = fmin(mi / ((ha + hb) / 2), 1.0);
    return VC_OK;
}

double vci_ari(const uint32_t *a, const uint32_t *b, size_t n)
{
    double v = NAN;
    if (n && ari(a, b, n, &v) != VC_OK)
        return NAN;
    return v;
}

double vci_nmi(const uint32_t *a, const uint32_t *b, size_t n)
{
    double v = NAN;
    if (n && nmi(a, b, n, &v) != VC_OK)
        return NAN;
    return v;
}

VC_API vc_status vc_score_ari(const uint32_t *a, const uint32_t *b, size_t n,
                              double *out)
{
    vci_clear_error();
    VCI_REQUIRE(a && b && out, "vc_score_ari: NULL argument");
    VCI_REQUIRE(n > 0, "vc_score_ari: no points");
    return ari(a, b, n, out);
}

VC_API vc_status vc_score_nmi(const uint32_t *a, const uint32_t *b, size_t n,
                              double *out)
{
    vci_clear_error();
    VCI_REQUIRE(a && b && out, "vc_score_nmi: NULL argument");
    VCI_REQUIRE(n > 0, "vc_score_nmi: no points");
    return nmi(a, b, n, out);
}

vc_status vci_dense_labels(const uint32_t *labels, size_t n, uint32_t *dense,
                           uint32_t *k)
{
    uint32_t *sorted = vci_malloc(n * sizeof *sorted);
    if (!sorted)
        return VC_ERR_NOMEM;
    memcpy(sorted, labels, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_u32);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || sorted[i] != sorted[i - 1])
            sorted[m++] = sorted[i];
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = m;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sorted[mid] < labels[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        dense[i] = (uint32_t)lo;
    }
    *k = (uint32_t)m;
    vci_free(sorted);
    return VC_OK;
}
