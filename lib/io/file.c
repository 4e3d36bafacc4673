/*
 * file.c - whole input files in memory (mmap for regular files, read for
 * the rest), paths, and the line splitter every line-based format uses.
 *
 * Invariants: a vci_file's data stays valid until vci_file_close(); lines
 * never include their LF or CR; nothing reads past data + size.
 */
#define _DEFAULT_SOURCE 1   /* MAP_POPULATE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

/* Map every page at once: one call instead of a fault per page. */
#ifdef MAP_POPULATE
#  define MAP_FLAGS MAP_POPULATE
#else
#  define MAP_FLAGS 0
#endif

char *vci_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    bool slash = a > 0 && dir[a - 1] != '/';
    char *p = vci_malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    if (slash)
        p[a++] = '/';
    memcpy(p + a, name, b + 1);
    return p;
}

bool vci_path_is_file(const char *dir, const char *name)
{
    char *p = dir ? vci_path_join(dir, name) : vci_strdup(name);
    struct stat st;
    bool ok = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
    vci_free(p);
    return ok;
}

bool vci_path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static vc_status read_all(vci_file *f, int fd)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = vci_malloc(cap);
    if (!buf)
        return VC_ERR_NOMEM;
    for (;;) {
        if (len == cap) {
            char *b = vci_realloc(buf, cap * 2);
            if (!b) {
                vci_free(buf);
                return VC_ERR_NOMEM;
            }
            buf = b;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            vci_free(buf);
            return vci_error(VC_ERR_IO, "%s: cannot read: %s", f->path, strerror(e));
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    f->owned = buf;
    f->data = buf;
    f->size = len;
    return VC_OK;
}

vc_status vci_file_open(vci_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    f->path = vci_strdup(path);
    if (!f->path)
        return VC_ERR_NOMEM;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        vci_file_close(f);
        return vci_error(VC_ERR_IO, "%s: cannot open: %s", path, strerror(e));
    }
    struct stat st;
    vc_status s = VC_OK;
    if (fstat(fd, &st) != 0) {
        s = vci_error(VC_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        s = vci_error(VC_ERR_IO, "%s: is a directory, expected a file", path);
    } else if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_FLAGS,
                       fd, 0);
        if (m == MAP_FAILED) {
            s = read_all(f, fd);
        } else {
            posix_madvise(m, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
            f->map = m;
            f->data = m;
            f->size = (size_t)st.st_size;
        }
    } else if (!S_ISREG(st.st_mode)) {
        s = read_all(f, fd);
    } else {
        f->data = "";
        f->size = 0;
    }
    close(fd);
    if (s != VC_OK)
        vci_file_close(f);
    return s;
}

void vci_file_close(vci_file *f)
{
    if (f->map)
        munmap(f->map, f->size);
    vci_free(f->owned);
    vci_free(f->path);
    memset(f, 0, sizeof *f);
}

void vci_lines_init(vci_lines *it, const char *data, size_t size)
{
    it->p = data;
    it->end = data + size;
    it->line = 0;
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        it->p += 3;
}

bool vci_lines_next(vci_lines *it, const char **line, size_t *len)
{
    if (it->p >= it->end)
        return false;
    const char *s = it->p;
    const char *nl = memchr(s, '\n', (size_t)(it->end - s));
    const char *e = nl ? nl : it->end;
    it->p = nl ? nl + 1 : it->end;
    if (e > s && e[-1] == '\r')
        e--;
    it->line++;
    *line = s;
    *len = (size_t)(e - s);
    return true;
}

bool vci_is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

size_t vci_split(const char *s, size_t n, const char *sep, size_t seplen,
                 vci_span *fields, size_t max)
{
    size_t count = 0, start = 0, i = 0;
    while (i + seplen <= n) {
        if (s[i] == sep[0] && (seplen == 1 || memcmp(s + i, sep, seplen) == 0)) {
            if (count < max)
                fields[count] = (vci_span){s + start, i - start};
            count++;
            i += seplen;
            start = i;
        } else {
            i++;
        }
    }
    if (count < max)
        fields[count] = (vci_span){s + start, n - start};
    return count + 1;
}
