/*
 * fuzzutil.h - what the fuzz targets (tests/fuzz/fuzz_*.c) share: the
 * libFuzzer entry point's prototype, a private scratch directory per
 * process, splitting one input into the files a loader reads, and walks
 * over every accessor of a built handle so that a structure a loader let
 * through inconsistent is caught where queries would read it.
 *
 * Invariants: the scratch directory is created once per process (under
 * /dev/shm when writable, else $TMPDIR or /tmp) and removed at exit; every
 * walk only reads; none of these functions keeps state between inputs
 * except the directory itself, so an input gives the same result whether
 * it runs alone, in a replay or inside a fuzzing session.
 */
#ifndef VCOMM_FUZZUTIL_H
#define VCOMM_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "vcomm.h"

/* The libFuzzer entry point every target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The separator between the files packed into one input: "@@@\n". */
#define FZ_SEP "@@@\n"

/* The process's scratch directory (created on first use; aborts when it
 * cannot be made, which is an environment fault and not a finding). */
const char *fz_dir(void);

/* Split data at every FZ_SEP into at most nnames parts and write part k
 * to fz_dir()/names[k]; files for parts the input lacks are removed, so
 * an input with fewer parts tests missing files. The text after the last
 * name's part (further separators included) stays in the last file. */
void fz_write_parts(const uint8_t *data, size_t size,
                    const char *const *names, size_t nnames);

/* Options of a loader target from its flag byte: bit 0 load.on_error=skip,
 * bit 1 threads=2 (else 1), and the given load.format when bit 2 is set
 * (else auto). Aborts on failure (the options are always valid). */
vc_options *fz_load_options(uint8_t flags, const char *format);

/* Read every accessor of a data set, portraits or communities, checking
 * what the API promises (indices in range, strings non-NULL where a
 * count says they exist); abort() on a broken promise. */
void fz_walk_dataset(const vc_dataset *ds);
void fz_walk_portraits(const vc_portraits *pt);
void fz_walk_communities(const vc_communities *cm);
/* Recommend for a few users and target a few items and categories. */
void fz_query(const vc_communities *cm);

/* The loader targets' pipeline: load fz_dir() with opts; on success walk
 * the data set, build and walk portraits, and when deep is non-zero also
 * communities (small k, one thread) and queries. With FZ_VERBOSE set in
 * the environment, each load's status is printed to stderr. */
void fz_load_and_walk(const vc_options *opts, int deep);

/* A whole loader target: data[0] is the flag byte (fz_load_options; bit
 * 3 runs the deep pipeline, bit 4 sets load.keep_cancellations); with
 * mapping the text up to the first FZ_SEP is load.columns; the rest is
 * split into the files names[] (fz_write_parts) and loaded from fz_dir(). */
void fz_run_loader(const uint8_t *data, size_t size, const char *const *names,
                   size_t nnames, const char *format, int mapping);

/* abort() with a message when cond is false: a finding. */
#define FZ_ASSERT(cond)                                                  \
    do {                                                                 \
        if (!(cond))                                                     \
            fz_fail(__FILE__, __LINE__, #cond);                          \
    } while (0)
void fz_fail(const char *file, int line, const char *what);

#endif
