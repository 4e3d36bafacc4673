/*
 * metrics.c - top-k ranking metrics with binary relevance:
 *   precision = hits / k, recall = hits / |rel|,
 *   NDCG = sum over hits of 1 / log2(rank + 1), divided by the same sum for
 *          min(|rel|, k) hits at the top,
 *   hit rate = 1 when there is a hit,
 *   AP = sum over hits of precision at that rank / min(|rel|, k).
 */
#include <math.h>

#include "eval.h"

static bool contains(const uint32_t *sorted, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && sorted[lo] == x;
}

void vci_rank_metrics(const uint32_t *list, size_t nlist, size_t k,
                      const uint32_t *rel, size_t nrel, vci_metrics *out)
{
    size_t hits = 0, m = VCI_MIN(nlist, k);
    double dcg = 0, ap = 0, idcg = 0;
    for (size_t r = 0; r < m; r++) {
        if (!contains(rel, nrel, list[r]))
            continue;
        hits++;
        dcg += 1.0 / log2((double)r + 2);
        ap += (double)hits / (double)(r + 1);
    }
    size_t ideal = VCI_MIN(nrel, k);
    for (size_t r = 0; r < ideal; r++)
        idcg += 1.0 / log2((double)r + 2);
    out->precision = (double)hits / (double)k;
    out->recall = nrel ? (double)hits / (double)nrel : 0;
    out->ndcg = idcg > 0 ? dcg / idcg : 0;
    out->hit_rate = hits > 0;
    out->map = ideal ? ap / (double)ideal : 0;
}
