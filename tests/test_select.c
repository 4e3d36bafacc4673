/*
 * test_select.c - vci_select gives the value sorting would put at index k:
 * every k of small arrays, sampled k of large ones, on random data with
 * and without duplicates and on the shapes that trouble quickselect
 * (sorted, reversed, all equal, organ pipe).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* v[0..n) of one shape: 0 random, 1 few distinct values, 2 sorted,
 * 3 reversed, 4 all equal, 5 organ pipe. */
static void fill(double *v, size_t n, int shape, vci_rng *rng)
{
    for (size_t i = 0; i < n; i++) {
        switch (shape) {
        case 0: v[i] = vci_rng_uniform(rng) - 0.5; break;
        case 1: v[i] = (double)vci_rng_below(rng, 5); break;
        case 2: v[i] = (double)i; break;
        case 3: v[i] = (double)(n - i); break;
        case 4: v[i] = 7.25; break;
        default: v[i] = (double)(i < n / 2 ? i : n - i); break;
        }
    }
}

static void check(size_t n, int shape, vci_rng *rng, size_t step)
{
    double *v = malloc(n * sizeof *v), *sorted = malloc(n * sizeof *sorted),
           *work = malloc(n * sizeof *work);
    fill(v, n, shape, rng);
    memcpy(sorted, v, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    for (size_t k = 0; k < n; k += step) {
        memcpy(work, v, n * sizeof *v);
        assert_true(vci_select(work, n, k) == sorted[k]);
        /* the same array again, already reordered, for another k */
        size_t k2 = n - 1 - k;
        assert_true(vci_select(work, n, k2) == sorted[k2]);
    }
    free(v);
    free(sorted);
    free(work);
}

static void test_select_matches_sort(void **state)
{
    (void)state;
    vci_rng rng;
    vci_rng_seed(&rng, 11, 0);
    for (int shape = 0; shape < 6; shape++) {
        for (size_t n = 1; n < 70; n++)
            check(n, shape, &rng, 1);
        check(1000, shape, &rng, 7);
        check(100000, shape, &rng, 9973);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_matches_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
