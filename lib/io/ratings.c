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
    uint32_t *uid, *iid;
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
} chunk;

typedef struct parse_job {
    const vci_ratings_spec *spec;
    chunk *chunks;
    bool skip_bad;
} parse_job;


/* Newlines in a chunk, counted in a first parallel pass so that every
 * chunk gets exactly its slots in one shared allocation (a chunk holds at
 * most that many + 1 rows); rows of blank or skipped lines are compacted
 * away afterwards. */
static size_t count_newlines(const char *p, const char *e)
{
    /* eight bytes at a time: a byte equal to LF becomes 0x80 in m */
    const uint64_t ones = 0x0101010101010101ull, lf = ones * '\n';
    const uint64_t low7 = ones * 0x7F;
    size_t n = 0;
    for (; e - p >= 8; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t x = w ^ lf;
        uint64_t m = ~(((x & low7) + low7) | x | low7);
        n += (size_t)(((m >> 7) * ones) >> 56);   /* sum of the 0/1 bytes */
    }
    for (; p < e; p++)
        n += *p == '\n';
    return n;
}

static vc_status count_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    chunk *c = (chunk *)ctx + task;
    c->r.cap = count_newlines(c->b, c->e) + 1;
    return VC_OK;
}

static size_t chunk_slots(const chunk *c)
{
    return c->r.cap;
}

static bool rows_alloc(rows *r, size_t cap)
{
    memset(r, 0, sizeof *r);
    r->uid = vci_array_realloc(NULL, cap, sizeof *r->uid);
    r->iid = vci_array_realloc(NULL, cap, sizeof *r->iid);
    r->val = vci_array_realloc(NULL, cap, sizeof *r->val);
    r->time = vci_array_realloc(NULL, cap, sizeof *r->time);
    r->cap = cap;
    return r->uid && r->iid && r->val && r->time;
}

static void rows_free(rows *r)
{
    vci_free(r->uid);
    vci_free(r->iid);
    vci_free(r->val);
    vci_free(r->time);
    memset(r, 0, sizeof *r);
}

/* The view of a chunk's slots in the shared rows. */
static rows rows_at(const rows *all, size_t offset, size_t cap)
{
    rows v = {all->uid + offset, all->iid + offset, all->val + offset,
              all->time + offset, 0, cap};
    return v;
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
    if (sp->seplen == 1) {
        if (p >= end || *p != sp->sep[0])
            return false;
    } else if ((size_t)(end - p) < 2 || p[0] != sp->sep[0] || p[1] != sp->sep[1]) {
        return false;
    }
    *pp = p + sp->seplen;
    return true;
}

/* The fused parser of a whole line "U SEP I SEP R[.R] SEP T" and its end
 * (LF, CRLF or the end of the chunk): the start of the next line, or NULL
 * to ask the slow path (never "malformed" by itself). */
static inline const char *parse_fast(const char *s, const char *e,
                                     const vci_ratings_spec *sp, row *r)
{
    const char *p = s;
    uint64_t u, i, rv, t;
    if (!fast_uint(&p, e, &u) || u >= UINT32_MAX || !fast_sep(&p, e, sp) ||
        !fast_uint(&p, e, &i) || i >= UINT32_MAX || !fast_sep(&p, e, sp) ||
        !fast_uint(&p, e, &rv))
        return NULL;
    double val = (double)rv;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || (unsigned)(*p - '0') >= 10)
            return NULL;
        val += (*p - '0') / 10.0;
        p++;
    }
    if (!fast_sep(&p, e, sp) || !fast_uint(&p, e, &t))
        return NULL;
    if (p < e && *p == '\r')
        p++;
    if (p < e && *p++ != '\n')
        return NULL;
    if (val < sp->min_rating || val > sp->max_rating)
        return NULL;
    r->uid = (uint32_t)u;
    r->iid = (uint32_t)i;
    r->val = (float)val;
    r->time = (int64_t)t;
    return p;
}

#if defined(__GNUC__)
#  define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#  define ALWAYS_INLINE inline
#endif

/* Walk the lines of a chunk, parsing each non-blank one; fn sees every
 * row parsed (r != NULL) or malformed line (msg != NULL) and returns false
 * to stop. Returns the number of lines walked. Inlined into each caller so
 * that fn is a direct call. */
typedef bool (*line_fn)(void *ctx, uint64_t line, const row *r, const char *msg);

static ALWAYS_INLINE uint64_t walk_chunk(const chunk *c, const vci_ratings_spec *sp,
                                         line_fn fn, void *ctx)
{
    const char *p = c->b;
    uint64_t line = 0;
    char msg[sizeof c->bad_msg];
    while (p < c->e) {
        line++;
        row r;
        const char *next = parse_fast(p, c->e, sp, &r);
        if (next) {
            if (!fn(ctx, line, &r, NULL))
                return line;
            p = next;
            continue;
        }
        const char *nl = memchr(p, '\n', (size_t)(c->e - p));
        const char *le = nl ? nl : c->e;
        next = nl ? nl + 1 : c->e;
        if (le > p && le[-1] == '\r')
            le--;
        if (!vci_is_blank(p, (size_t)(le - p))) {
            bool good = parse_slow(p, (size_t)(le - p), sp, &r, msg, sizeof msg);
            if (!fn(ctx, line, good ? &r : NULL, good ? NULL : msg))
                return line;
        }
        p = next;
    }
    return line;
}

typedef struct parse_ctx {
    chunk *c;
    bool skip_bad;
} parse_ctx;

static bool collect_row(void *ctx, uint64_t line, const row *r, const char *msg)
{
    parse_ctx *pc = ctx;
    chunk *c = pc->c;
    if (!r) {
        if (c->nbad++ == 0) {
            c->bad_line = line;
            snprintf(c->bad_msg, sizeof c->bad_msg, "%s", msg);
        }
        return pc->skip_bad;
    }
    size_t k = c->r.n++;
    c->r.uid[k] = r->uid;
    c->r.iid[k] = r->iid;
    c->r.val[k] = r->val;
    c->r.time[k] = r->time;
    return true;
}

static vc_status parse_chunk(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    parse_job *job = ctx;
    chunk *c = &job->chunks[task];
    parse_ctx pc = {c, job->skip_bad};
    c->nlines = walk_chunk(c, job->spec, collect_row, &pc);
    return VC_OK;
}

/* The line of the k-th row of a chunk (error messages only). */
typedef struct find_ctx {
    size_t want, seen;
    uint64_t line;
} find_ctx;

static bool find_row(void *ctx, uint64_t line, const row *r, const char *msg)
{
    (void)msg;
    find_ctx *f = ctx;
    if (r && f->seen++ == f->want) {
        f->line = line;
        return false;
    }
    return true;
}

static uint64_t row_line(const chunk *c, const vci_ratings_spec *sp, size_t k)
{
    find_ctx f = {k, 0, 0};
    walk_chunk(c, sp, find_row, &f);
    return f.line;
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

/* Map every chunk's ids to indices in file order (so indices follow first
 * appearance), in place, and hand the chunks to the data set as event
 * blocks. Rows naming an unknown user or item (when a users / items file
 * defined them) are bad lines. */
static vc_status stage_rows(vci_load *ld, const char *path,
                            const vci_ratings_spec *sp, chunk *c, size_t nc,
                            uint64_t first_line, rows *all)
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
    id_table ut, it;
    VCI_CHECK(table_init(&ut, ds, true, max_u, total));
    vc_status s = table_init(&it, ds, false, max_i, total);
    uint64_t base = first_line;
    size_t w = 0;   /* rows kept so far, compacted to the front of all */
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
                uint64_t line = !ld->skip_bad || !ds->first_skip
                                    ? base + row_line(&c[k], sp, j) : 0;
                s = vci_load_bad_line(ld, path, line,
                                      "unknown %s %u (not defined in the %s file)",
                                      uk ? "item" : "user", uk ? r->iid[j] : r->uid[j],
                                      uk ? "items" : "users");
                continue;
            }
            all->uid[w] = u;
            all->iid[w] = i;
            all->val[w] = r->val[j];
            all->time[w] = r->time[j];
            w++;
        }
        base += c[k].nlines;
    }
    vci_free(ut.direct);
    vci_free(it.direct);
    if (s != VC_OK)
        return s;
    vci_event_block b = {all->uid, all->iid, all->val, all->time, NULL, NULL,
                         VC_EVENT_RATING, false, w, all->cap};
    memset(all, 0, sizeof *all);
    return vci_ds_stage_block(ds, &b);
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
    rows all;
    memset(&all, 0, sizeof all);
    if (s == VC_OK)
        s = vci_parallel_for(ld->pool, nc, count_task, c, NULL);
    if (s == VC_OK) {
        size_t slots = 0;
        for (size_t k = 0; k < nc; k++)
            slots += chunk_slots(&c[k]);
        if (!rows_alloc(&all, vci_ev_room(slots))) /* the data set adopts them */
            s = VC_ERR_NOMEM;
        for (size_t k = 0, off = 0; k < nc && s == VC_OK; k++) {
            c[k].r = rows_at(&all, off, chunk_slots(&c[k]));
            off += chunk_slots(&c[k]);
        }
    }
    if (s == VC_OK) {
        parse_job job = {spec, c, ld->skip_bad};
        s = vci_parallel_for(ld->pool, nc, parse_chunk, &job, &ld->progress);
    }
    if (s == VC_OK)
        s = report_parse_errors(ld, path, c, nc, header_lines);
    if (s == VC_OK)
        s = stage_rows(ld, path, spec, c, nc, header_lines, &all);
    rows_free(&all);
    vci_free(c);
    vci_file_close(&f);
    return s;
}
