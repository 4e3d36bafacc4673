/*
 * select.c - the k-th smallest of an array without sorting it (quickselect:
 * Hoare partitions around a median of three), for quantiles and medians
 * over every user, where a full sort would cost n log n comparisons
 * through a callback.
 *
 * Invariant: the value returned is the one sorting would put at index k
 * (the k-th order statistic is a value, whatever order equal elements
 * take), so callers give the same results as with qsort.
 */
#include <stdlib.h>

#include "core.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void swap(double *v, size_t i, size_t j)
{
    double t = v[i];
    v[i] = v[j];
    v[j] = t;
}

double vci_select(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    /* each round should about halve the range; past this many rounds the
     * data defeat the pivots, and the rest is sorted instead */
    int rounds = 2 * 64;
    while (hi - lo >= 16) {
        if (rounds-- == 0) {
            qsort(v + lo, hi - lo + 1, sizeof *v, cmp_double);
            return v[k];
        }
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo])
            swap(v, mid, lo);
        if (v[hi] < v[lo])
            swap(v, hi, lo);
        if (v[hi] < v[mid])
            swap(v, hi, mid);
        double pivot = v[mid];
        /* [lo, j] <= pivot <= [j + 1, hi], lo <= j < hi */
        size_t i = lo, j = hi;
        for (;;) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap(v, i++, j--);
        }
        if (k <= j)
            hi = j;
        else
            lo = j + 1;
    }
    for (size_t i = lo + 1; i <= hi; i++) /* insertion sort of what is left */
        for (size_t j = i; j > lo && v[j] < v[j - 1]; j--)
            swap(v, j, j - 1);
    return v[k];
}
