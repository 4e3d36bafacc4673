/*
 * testutil.h - scratch directories and files for tests that write their
 * own fixtures, and fingerprints of built handles. Directories are created
 * under $TMPDIR (or /tmp) and removed with everything in them by tu_rmdir.
 *
 * A fingerprint is a 64-bit hash of everything the public accessors of a
 * handle return (counts, ids, names, values, tags, members ...): two
 * handles that answer every query alike have equal fingerprints. The
 * fingerprint functions only read through the public API, so any number
 * of threads may compute them on one handle at once (the concurrency test
 * relies on it). An accessor that errs is counted in tu_fp_errors (and
 * printed) instead of failing the test from a worker thread.
 */
#ifndef VCOMM_TESTUTIL_H
#define VCOMM_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "vcomm.h"

/* A new empty directory; the returned path is malloc'ed. */
char *tu_mkdtemp(void);
/* Write text (or n bytes when n != (size_t)-1) to dir/name; returns the
 * malloc'ed path. Fails the test on error. */
char *tu_write(const char *dir, const char *name, const char *text, size_t n);
/* dir/name, malloc'ed. */
char *tu_path(const char *dir, const char *name);
/* Remove a directory tree (and free the path when own is non-zero). */
void tu_rmdir(char *dir, int own);
/* The directory of the shared real data sets, or NULL when absent (the
 * test then skips, saying so). */
const char *tu_shared_data(const char *sub);

/* Accessor errors met by the fingerprint functions (tests assert 0). */
extern _Atomic long tu_fp_errors;
/* FNV-1a over n bytes, continuing from h (start with TU_FP_INIT). */
#define TU_FP_INIT 14695981039346656037ULL
uint64_t tu_fp_bytes(uint64_t h, const void *p, size_t n);
/* Fingerprints of what the accessors of each handle return; users and
 * items are walked in full (keep fixtures small). */
uint64_t tu_fp_dataset(const vc_dataset *ds);
uint64_t tu_fp_portraits(const vc_portraits *pt);
uint64_t tu_fp_communities(const vc_communities *cm);
/* Ids, scores and reasons of a ranked list (NULL hashes as empty). */
uint64_t tu_fp_recs(const vc_recs *r);

/* A counting allocator for allocation-failure sweeps: install it with
 * vc_set_allocator(tu_fail_malloc, tu_fail_realloc, tu_fail_free, NULL).
 * While tu_fail.armed, request number tu_fail.fail_at (counted in
 * tu_fail.requests) fails; tu_fail.live counts the blocks alive. Not
 * thread-safe: run the library with one thread. */
typedef struct tu_fail_counter {
    long live, requests, fail_at;
    int armed;
} tu_fail_counter;
extern tu_fail_counter tu_fail;
void *tu_fail_malloc(size_t n, void *ud);
void *tu_fail_realloc(void *p, size_t n, void *ud);
void tu_fail_free(void *p, void *ud);

#endif
