/*
 * fuzz_latest.c - libFuzzer target: vc_dataset_load on a MovieLens latest-
 * CSV directory (ratings.csv, movies.csv, tags.csv). Input: flag byte,
 * then the files, each ended by "@@@\n" (FZ_SEP); missing parts mean
 * missing files. The flag byte picks load.on_error=skip, two threads, a
 * forced format and the deep pipeline (fuzzutil.h). Invariants: a load
 * either succeeds and every accessor keeps its promises (walks in
 * fuzzutil.c), or fails with a message and a NULL handle; nothing leaks.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"ratings.csv", "movies.csv", "tags.csv"};
    fz_run_loader(data, size, names, sizeof names / sizeof names[0], "ml-latest", 0);
    return 0;
}
