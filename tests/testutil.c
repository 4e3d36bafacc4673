/*
 * testutil.c - see testutil.h.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/vcomm-test-XXXXXX", base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    if (!d)
        fail_msg("mkdtemp failed");
    return strdup(d);
}

char *tu_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *tu_write(const char *dir, const char *name, const char *text, size_t n)
{
    char *p = tu_path(dir, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        fail_msg("cannot write %s", p);
    size_t len = n == (size_t)-1 ? strlen(text) : n;
    if (fwrite(text, 1, len, f) != len)
        fail_msg("short write %s", p);
    fclose(f);
    return p;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tu_rmdir(char *dir, int own)
{
    if (dir)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (own)
        free(dir);
}

const char *tu_shared_data(const char *sub)
{
    static char path[4096];
    const char *root = getenv("VCOMM_SHARED_DATA");
    snprintf(path, sizeof path, "%s/%s", root && *root ? root : SHARED_DATA_DIR, sub);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("# skipping: %s is absent\n", path);
        return NULL;
    }
    return path;
}
