/*
 * testutil.h - scratch directories and files for tests that write their
 * own fixtures. Directories are created under $TMPDIR (or /tmp) and removed
 * with everything in them by tu_rmdir.
 */
#ifndef VCOMM_TESTUTIL_H
#define VCOMM_TESTUTIL_H

#include <stddef.h>

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

#endif
