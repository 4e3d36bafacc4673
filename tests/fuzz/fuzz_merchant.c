/*
 * fuzz_merchant.c - libFuzzer target: vc_dataset_load on a merchant CSV
 * directory (events.csv, items.csv, users.csv) with a load.columns
 * mapping. Input: flag byte, the load.columns text, then the files, each
 * part ended by "@@@\n" (FZ_SEP); missing parts mean missing files. The
 * flag byte picks load.on_error=skip, two threads, a forced format and the
 * deep pipeline (fuzzutil.h). Invariants: a load either succeeds and every
 * accessor keeps its promises (walks in fuzzutil.c), or fails with a
 * message and a NULL handle; nothing leaks.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"events.csv", "items.csv", "users.csv"};
    fz_run_loader(data, size, names, sizeof names / sizeof names[0], "merchant", 1);
    return 0;
}
