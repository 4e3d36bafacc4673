/*
 * csv.c - an RFC 4180 record tokenizer: fields separated by one byte,
 * records ended by LF or CRLF, fields in double quotes may hold the
 * separator, line ends and doubled quotes (""). A quote inside an unquoted
 * field is kept as a character (common in real exports); a closing quote
 * followed by anything but a separator or a line end is an error. A UTF-8
 * BOM at the start is skipped; blank lines are skipped.
 *
 * Invariants: unquoted fields point into the input; quoted fields are
 * unescaped into c->buf and resolved to pointers when the record is
 * complete (buf may move while it grows).
 */
#include <stdio.h>

#include "io.h"

void vci_csv_init(vci_csv *c, const char *data, size_t size, char sep)
{
    memset(c, 0, sizeof *c);
    c->p = data;
    c->end = data + size;
    c->sep = sep;
    c->next_line = 1;
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
}

void vci_csv_free(vci_csv *c)
{
    vci_free(c->fields);
    vci_free(c->buf);
    vci_free(c->boff);
    memset(c, 0, sizeof *c);
}

static bool push_field(vci_csv *c, const char *s, size_t n, size_t boff)
{
    if (c->nfields == c->fcap) {
        size_t cap = c->fcap ? c->fcap * 2 : 16;
        vci_span *f = vci_array_realloc(c->fields, cap, sizeof *f);
        if (!f)
            return false;
        c->fields = f;
        size_t *o = vci_array_realloc(c->boff, cap, sizeof *o);
        if (!o)
            return false;
        c->boff = o;
        c->fcap = cap;
    }
    c->fields[c->nfields] = (vci_span){s, n};
    c->boff[c->nfields++] = boff;
    return true;
}

static bool buf_put(vci_csv *c, const char *s, size_t n)
{
    if (n == 0) /* an empty quoted field: buf may still be NULL */
        return true;
    if (vci_reserve((void **)&c->buf, &c->bcap, c->blen + n, 1) != VC_OK)
        return false;
    memcpy(c->buf + c->blen, s, n);
    c->blen += n;
    return true;
}

/* Skip to just after the end of the current line (error recovery). */
static void skip_line(vci_csv *c)
{
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    c->p = nl ? nl + 1 : c->end;
    c->next_line++;
}

/* Parse one quoted field starting at the opening quote. Returns 1 when the
 * record goes on (separator), 0 when it ended, -1 / -2 on error. */
static int quoted_field(vci_csv *c)
{
    const char *p = c->p + 1;
    size_t start = c->blen;
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(c->end - p));
        if (!q) {
            snprintf(c->err, sizeof c->err, "unterminated quoted field");
            c->p = c->end;
            return -1;
        }
        for (const char *t = p; t < q; t++)
            if (*t == '\n')
                c->next_line++;
        if (!buf_put(c, p, (size_t)(q - p)))
            return -2;
        if (q + 1 < c->end && q[1] == '"') {   /* "" -> " */
            if (!buf_put(c, "\"", 1))
                return -2;
            p = q + 2;
            continue;
        }
        p = q + 1;
        break;
    }
    if (!push_field(c, NULL, c->blen - start, start))
        return -2;
    if (p < c->end && *p == c->sep) {
        c->p = p + 1;
        return 1;
    }
    if (p < c->end && *p == '\r' && p + 1 < c->end && p[1] == '\n')
        p++;
    if (p >= c->end || *p == '\n') {
        c->p = p < c->end ? p + 1 : p;
        c->next_line++;
        return 0;
    }
    snprintf(c->err, sizeof c->err,
             "unexpected character '%c' after a closing quote (a quote inside a "
             "quoted field must be doubled)", *p >= 32 && *p < 127 ? *p : '?');
    c->p = p;
    skip_line(c);
    return -1;
}

int vci_csv_next(vci_csv *c)
{
    for (;;) {
        /* skip blank lines */
        while (c->p < c->end && (*c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end &&
                                                   c->p[1] == '\n'))) {
            c->p += *c->p == '\r' ? 2 : 1;
            c->next_line++;
        }
        if (c->p >= c->end)
            return 0;
        break;
    }
    c->line = c->next_line;
    c->nfields = 0;
    c->blen = 0;
    for (;;) {
        if (c->p < c->end && *c->p == '"') {
            int r = quoted_field(c);
            if (r < 0)
                return r;
            if (r == 0)
                break;
            if (c->p >= c->end) {          /* separator at the very end */
                if (!push_field(c, c->p, 0, SIZE_MAX))
                    return -2;
                break;
            }
            continue;
        }
        const char *s = c->p, *e = s;
        while (e < c->end && *e != c->sep && *e != '\n')
            e++;
        const char *fe = e;
        bool eol = e >= c->end || *e == '\n';
        if (eol && fe > s && fe[-1] == '\r')
            fe--;
        if (!push_field(c, s, (size_t)(fe - s), SIZE_MAX))
            return -2;
        if (eol) {
            c->p = e < c->end ? e + 1 : e;
            c->next_line++;
            break;
        }
        c->p = e + 1;
        if (c->p >= c->end) {              /* trailing separator, no LF */
            if (!push_field(c, c->p, 0, SIZE_MAX))
                return -2;
            break;
        }
    }
    for (size_t i = 0; i < c->nfields; i++)
        if (c->boff[i] != SIZE_MAX)
            c->fields[i].s = c->buf ? c->buf + c->boff[i] : "";
    return 1;
}
