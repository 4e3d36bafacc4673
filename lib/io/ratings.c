/*
 * ratings.c - "user SEP item SEP rating SEP time" files with integer ids
 * (ML-1M ratings.dat, ML-100K u.data, ML-latest ratings.csv), the bulk of
 * every MovieLens data set.
 *
 * The mapped file is cut at line ends into fixed 4 MiB chunks (so the cut
 * never depends on the thread count) that are parsed in parallel into
 * per-chunk columns; a fused parser handles the common shape and anything
 * unusual falls to a slow path that either accepts it (spaces, "4.0",
 * "+3") or names exactly what is wrong. A sequential pass then maps ids to
 * indices (a direct table when ids are small integers) in file order, so
 * indices are in order of first appearance, and stages the events.
 */
#include <stdio.h>

#include "io.h"

#define CHUNK_BYTES ((size_t)4 << 20)
#define MAX_DIRECT_IDS ((uint64_t)1 << 26)

typedef struct rows {
    uint32_t *uid, *iid, *line;
    float *val;
    int64_t *time;
    size_t n, cap;
} rows;

typedef struct chunk {
    const char *b, *e;
    rows r;
    uint64_t nlines;         /* lines in the chunk */
    uint64_t nbad;           /* malformed lines (skip mode counts them all) */
    uint64_t bad_line;       /* local line of the first one */
    char bad_msg[192];
    bool nomem;
} chunk;

typedef struct parse_job {
    const vci_ratings_spec *spec;
    chunk *chunks;
    bool skip_bad;
} parse_job;

static bool rows_grow(rows *r)
{
    size_t cap = r->cap ? r->cap * 2 : 4096;
    uint32_t *u = vci_array_realloc(r->uid, cap, sizeof *u);
    if (!u)
        return false;
    r->uid = u;
    uint32_t *i = vci_array_realloc(r->iid, cap, sizeof *i);
    if (!i)
        return false;
    r->iid = i;
    uint32_t *l = vci_array_realloc(r->line, cap, sizeof *l);
    if (!l)
        return false;
    r->line = l;
    float *v = vci_array_realloc(r->val, cap, sizeof *v);
    if (!v)
        return false;
    r->val = v;
    int64_t *t = vci_array_realloc(r->time, cap, sizeof *t);
    if (!t)
        return false;
    r->time = t;
    r->cap = cap;
    return true;
}

static void rows_free(rows *r)
{
    vci_free(r->uid);
    vci_free(r->iid);
    vci_free(r->line);
    vci_free(r->val);
    vci_free(r->time);
}

/* ---- one line -------------------------------------------------------------- */

typedef struct row {
    uint32_t uid, iid;
    float val;
    int64_t time;
} row;

static bool id_value(vci_span f, uint32_t *out)
{
    int64_t v;
    f = vci_trim(f);
    if (!vci_parse_int(f.s, f.n, &v) || v < 0 || v >= (int64_t)UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static void quote_field(char *dst, size_t size, vci_span f)
{
    size_t n = VCI_MIN(f.n, (size_t)40);
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        dst[k++] = (f.s[i] >= 32 && f.s[i] < 127) ? f.s[i] : '?';
    if (f.n > n && k + 4 < size) {
        memcpy(dst + k, "...", 3);
        k += 3;
    }
    dst[k] = '\0';
}

/* The slow path: accept what the fused parser did not expect, or say what
 * is wrong in msg. */
static bool parse_slow(const char *s, size_t n, const vci_ratings_spec *sp,
                       row *r, char *msg, size_t msgsz)
{
    vci_span f[5];
    char q[64];
    size_t nf = vci_split(s, n, sp->sep, sp->seplen, f, 5);
    if (nf != 4) {
        snprintf(msg, msgsz, "expected 4 fields separated by '%s' (user, item, "
                             "rating, time), got %zu", sp->sep[0] == '\t' ? "\\t" : sp->sep,
                 nf);
        return false;
    }
    if (!id_value(f[0], &r->uid)) {
        quote_field(q, sizeof q, f[0]);
        snprintf(msg, msgsz, "user id '%s' is not a whole number", q);
        return false;
    }
    if (!id_value(f[1], &r->iid)) {
        quote_field(q, sizeof q, f[1]);
        snprintf(msg, msgsz, "item id '%s' is not a whole number", q);
        return false;
    }
    vci_span v = vci_trim(f[2]);
    double x;
    if (!vci_parse_number(v.s, v.n, &x)) {
        quote_field(q, sizeof q, f[2]);
        snprintf(msg, msgsz, "rating '%s' is not a number", q);
        return false;
    }
    if (x < sp->min_rating || x > sp->max_rating) {
        quote_field(q, sizeof q, f[2]);
        snprintf(msg, msgsz, "rating %s is out of range %g..%g", q, sp->min_rating,
                 sp->max_rating);
        return false;
    }
    r->val = (float)x;
    vci_span t = vci_trim(f[3]);
    if (!vci_parse_int(t.s, t.n, &r->time)) {
        quote_field(q, sizeof q, f[3]);
        snprintf(msg, msgsz, "timestamp '%s' is not a whole number of Unix seconds", q);
        return false;
    }
    return true;
}

/* Digits up to a non-digit; false when none or too many. */
static inline bool fast_uint(const char **pp, const char *end, uint64_t *out)
{
    const char *p = *pp;
    uint64_t v = 0;
    const char *start = p;
    while (p < end && (unsigned)(*p - '0') < 10) {
        v = v * 10 + (unsigned)(*p - '0');
        p++;
    }
    if (p == start || p - start > 18)
        return false;
    *pp = p;
    *out = v;
    return true;
}

static inline bool fast_sep(const char **pp, const char *end,
                            const vci_ratings_spec *sp)
{
    const char *p = *pp;
    if ((size_t)(end - p) < sp->seplen || p[0] != sp->sep[0] ||
        (sp->seplen > 1 && memcmp(p, sp->sep, sp->seplen) != 0))
        return false;
    *pp = p + sp->seplen;
    return true;
}

/* The fused parser of "U SEP I SEP R[.R] SEP T"; false means "ask the slow
 * path", never "malformed". */
static inline bool parse_fast(const char *s, const char *e,
                              const vci_ratings_spec *sp, row *r)
{
    const char *p = s;
    uint64_t u, i, rv, t;
    if (!fast_uint(&p, e, &u) || u >= UINT32_MAX || !fast_sep(&p, e, sp) ||
        !fast_uint(&p, e, &i) || i >= UINT32_MAX || !fast_sep(&p, e, sp) ||
        !fast_uint(&p, e, &rv))
        return false;
    double val = (double)rv;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || (unsigned)(*p - '0') >= 10)
            return false;
        val += (*p - '0') / 10.0;
        p++;
    }
    if (!fast_sep(&p, e, sp) || !fast_uint(&p, e, &t) || p != e)
        return false;
    if (val < sp->min_rating || val > sp->max_rating)
        return false;
    r->uid = (uint32_t)u;
    r->iid = (uint32_t)i;
    r->val = (float)val;
    r->time = (int64_t)t;
    return true;
}

static vc_status parse_chunk(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    parse_job *job = ctx;
    chunk *c = &job->chunks[task];
    const vci_ratings_spec *sp = job->spec;
    const char *p = c->b;
    uint64_t line = 0;
    while (p < c->e) {
        const char *nl = memchr(p, '\n', (size_t)(c->e - p));
        const char *le = nl ? nl : c->e;
        const char *next = nl ? nl + 1 : c->e;
        if (le > p && le[-1] == '\r')
            le--;
        line++;
        if (vci_is_blank(p, (size_t)(le - p))) {
            p = next;
            continue;
        }
        row r;
        char later[sizeof c->bad_msg];   /* only the first message is kept */
        if (!parse_fast(p, le, sp, &r) &&
            !parse_slow(p, (size_t)(le - p), sp, &r, c->nbad ? later : c->bad_msg,
                        sizeof c->bad_msg)) {
            if (c->nbad++ == 0)
                c->bad_line = line;
            if (!job->skip_bad)
                break;
            p = next;
            continue;
        }
        if (c->r.n == c->r.cap && !rows_grow(&c->r)) {
            c->nomem = true;
            return VC_ERR_NOMEM;
        }
        size_t k = c->r.n++;
        c->r.uid[k] = r.uid;
        c->r.iid[k] = r.iid;
        c->r.val[k] = r.val;
        c->r.time[k] = r.time;
        c->r.line[k] = (uint32_t)line;
        p = next;
    }
    c->nlines = line;
    return VC_OK;
}

/* ---- cutting the file -------------------------------------------------------- */

static size_t cut_chunks(const char *data, size_t size, chunk **out)
{
    size_t n = size / CHUNK_BYTES + 1;
    chunk *c = vci_calloc(n, sizeof *c);
    if (!c)
        return 0;
    size_t k = 0;
    const char *p = data, *end = data + size;
    while (p < end) {
        const char *e = p + VCI_MIN(CHUNK_BYTES, (size_t)(end - p));
        if (e < end) {
            const char *nl = memchr(e, '\n', (size_t)(end - e));
            e = nl ? nl + 1 : end;
        }
        c[k].b = p;
        c[k].e = e;
        k++;
        p = e;
    }
    *out = c;
    return k;
}

/* ---- ids -> indices ------------------------------------------------------------ */

/* Direct table from integer id to index + 1 (0 = unknown), or a lookup
 * through the data set's id map by the id's decimal text. */
typedef struct id_table {
    uint32_t *direct;
    uint64_t size;
} id_table;

static vc_status table_init(id_table *t, const vc_dataset *ds, bool users,
                            uint64_t max_id, size_t nrows)
{
    memset(t, 0, sizeof *t);
    uint32_t count = users ? ds->nusers : ds->nitems;
    const size_t *keys = users ? ds->user_key : ds->item_key;
    uint64_t size = max_id + 1;
    /* existing keys that are canonical integers widen the table */
    for (uint32_t k = 0; k < count; k++) {
        int64_t v;
        const char *s = vci_ds_str(ds, keys[k]);
        size_t n = vci_strpool_strlen(&ds->strings, keys[k]);
        if (vci_parse_int(s, n, &v) && v >= 0 && (uint64_t)v >= size)
            size = (uint64_t)v + 1;
    }
    if (size > MAX_DIRECT_IDS || size > 8 * ((uint64_t)nrows + count) + 4096)
        return VC_OK;   /* sparse ids: use the id map */
    t->direct = vci_calloc((size_t)size, sizeof *t->direct);
    if (!t->direct)
        return VC_ERR_NOMEM;
    t->size = size;
    for (uint32_t k = 0; k < count; k++) {
        int64_t v;
        const char *s = vci_ds_str(ds, keys[k]);
        size_t n = vci_strpool_strlen(&ds->strings, keys[k]);
        char canon[24];
        if (vci_parse_int(s, n, &v) && v >= 0 &&
            (size_t)snprintf(canon, sizeof canon, "%lld", (long long)v) == n &&
            memcmp(canon, s, n) == 0)
            t->direct[v] = k + 1;
    }
    return VC_OK;
}

/* Index of id; *known false when absent (then add it unless fixed). */
static vc_status table_get(id_table *t, vc_dataset *ds, bool users, uint32_t id,
                           bool fixed, uint32_t *index, bool *known)
{
    if (t->direct && t->direct[id]) {
        *index = t->direct[id] - 1;
        *known = true;
        return VC_OK;
    }
    char text[16];
    int n = snprintf(text, sizeof text, "%u", id);
    *known = users ? vci_ds_find_user(ds, text, (size_t)n, index)
                   : vci_ds_find_item(ds, text, (size_t)n, index);
    if (!*known && !fixed) {
        VCI_CHECK(users ? vci_ds_user(ds, text, (size_t)n, index, NULL)
                        : vci_ds_item(ds, text, (size_t)n, index, NULL));
        *known = true;
    }
    if (*known && t->direct)
        t->direct[id] = *index + 1;
    return VC_OK;
}

/* ---- the whole file -------------------------------------------------------------- */

static vc_status skip_header(const vci_ratings_spec *sp, const char *path,
                             const char **data, size_t *size, uint64_t *lines)
{
    *lines = 0;
    if (!sp->header)
        return VC_OK;
    vci_lines it;
    vci_lines_init(&it, *data, *size);
    const char *line;
    size_t len;
    if (!vci_lines_next(&it, &line, &len))
        return VC_OK;
    if (len && (unsigned)(line[0] - '0') < 10)
        return VC_OK;   /* no header: data from the first line */
    size_t hl = strlen(sp->header);
    bool same = len == hl;
    for (size_t i = 0; same && i < len; i++)
        same = (line[i] | 0x20) == (sp->header[i] | 0x20);
    if (!same)
        return vci_parse_error(path, 1, "expected the header '%s'", sp->header);
    *size -= (size_t)(it.p - *data);
    *data = it.p;
    *lines = 1;
    return VC_OK;
}

static vc_status report_parse_errors(vci_load *ld, const char *path,
                                     chunk *c, size_t nc, uint64_t first_line)
{
    uint64_t base = first_line;
    for (size_t k = 0; k < nc; k++) {
        if (c[k].nbad) {
            VCI_CHECK(vci_load_bad_line_msg(ld, path, base + c[k].bad_line,
                                            c[k].bad_msg));
            ld->ds->skipped += c[k].nbad - 1;
        }
        base += c[k].nlines;
    }
    return VC_OK;
}

static vc_status stage_rows(vci_load *ld, const char *path,
                            const vci_ratings_spec *sp, chunk *c, size_t nc,
                            uint64_t first_line)
{
    vc_dataset *ds = ld->ds;
    size_t total = 0;
    uint32_t max_u = 0, max_i = 0;
    for (size_t k = 0; k < nc; k++) {
        total += c[k].r.n;
        for (size_t j = 0; j < c[k].r.n; j++) {
            max_u = VCI_MAX(max_u, c[k].r.uid[j]);
            max_i = VCI_MAX(max_i, c[k].r.iid[j]);
        }
    }
    if (total == 0)
        return vci_parse_error(path, 0, "no ratings in the file");
    VCI_CHECK(vci_ds_stage_reserve(ds, total));
    id_table ut, it;
    VCI_CHECK(table_init(&ut, ds, true, max_u, total));
    vc_status s = table_init(&it, ds, false, max_i, total);
    if (s != VC_OK) {
        vci_free(ut.direct);
        return s;
    }
    uint64_t base = first_line;
    vci_staged_events *st = &ds->staged;
    for (size_t k = 0; k < nc && s == VC_OK; k++) {
        const rows *r = &c[k].r;
        for (size_t j = 0; j < r->n && s == VC_OK; j++) {
            uint32_t u, i;
            bool uk, ik;
            s = table_get(&ut, ds, true, r->uid[j], sp->users_fixed, &u, &uk);
            if (s == VC_OK)
                s = table_get(&it, ds, false, r->iid[j], sp->items_fixed, &i, &ik);
            if (s != VC_OK)
                break;
            if (!uk || !ik) {
                s = vci_load_bad_line(ld, path, base + r->line[j],
                                      "unknown %s %u (not defined in the %s file)",
                                      uk ? "item" : "user", uk ? r->iid[j] : r->uid[j],
                                      uk ? "items" : "users");
                continue;
            }
            size_t e = st->n++;
            st->user[e] = u;
            st->item[e] = i;
            st->type[e] = VC_EVENT_RATING;
            st->value[e] = r->val[j];
            st->amount[e] = 0;
            st->time[e] = r->time[j];
        }
        base += c[k].nlines;
    }
    ds->finalised = false;
    vci_free(ut.direct);
    vci_free(it.direct);
    return s;
}

vc_status vci_load_ratings(vci_load *ld, const char *path,
                           const vci_ratings_spec *spec)
{
    vci_file f;
    VCI_CHECK(vci_file_open(&f, path));
    const char *data = f.data;
    size_t size = f.size;
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        size -= 3;
    }
    uint64_t header_lines = 0;
    chunk *c = NULL;
    size_t nc = 0;
    vc_status s = skip_header(spec, path, &data, &size, &header_lines);
    if (s == VC_OK && f.size == 0)
        s = vci_parse_error(path, 0, "the file is empty");
    if (s == VC_OK) {
        nc = cut_chunks(data, size, &c);
        if (!c)
            s = VC_ERR_NOMEM;
    }
    if (s == VC_OK) {
        parse_job job = {spec, c, ld->skip_bad};
        s = vci_parallel_for(ld->pool, nc, parse_chunk, &job, &ld->progress);
    }
    if (s == VC_OK)
        s = report_parse_errors(ld, path, c, nc, header_lines);
    if (s == VC_OK)
        s = stage_rows(ld, path, spec, c, nc, header_lines);
    for (size_t k = 0; k < nc; k++)
        rows_free(&c[k].r);
    vci_free(c);
    vci_file_close(&f);
    return s;
}
