/*
 * load.c - vc_dataset_load: format detection, the pieces every loader
 * shares (bad-line policy, line walking, text and id fields) and the
 * planted labels of truth.csv.
 *
 * Invariant: on failure nothing of the half-built data set survives; on
 * success the data set is finalised.
 */
#include <dirent.h>
#include <stdio.h>
#include <strings.h>

#include "io.h"

/* ---- bad lines ---------------------------------------------------------------- */

vc_status vci_load_bad_line_msg(vci_load *ld, const char *path, uint64_t line,
                                const char *msg)
{
    if (!ld->skip_bad)
        return vci_parse_error(path, line, "%s", msg);
    vc_dataset *ds = ld->ds;
    ds->skipped++;
    if (!ds->first_skip) {
        char text[VCI_ERROR_MAX];
        int n = line ? snprintf(text, sizeof text, "%s:%llu: %s", path,
                                (unsigned long long)line, msg)
                     : snprintf(text, sizeof text, "%s: %s", path, msg);
        size_t len = n < 0 ? 0 : VCI_MIN((size_t)n, sizeof text - 1);
        VCI_CHECK(vci_strpool_add(&ds->strings, text, len, &ds->first_skip));
    }
    return VC_OK;
}

vc_status vci_load_bad_line(vci_load *ld, const char *path, uint64_t line,
                            const char *fmt, ...)
{
    char msg[VCI_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vci_load_bad_line_msg(ld, path, line, msg);
}

/* ---- fields ------------------------------------------------------------------- */

bool vci_clean_id(vci_span in, vci_span *out)
{
    vci_span v = vci_trim(in);
    if (v.n > 2 && v.s[v.n - 2] == '.' && v.s[v.n - 1] == '0') {
        bool digits = true;
        for (size_t i = 0; i + 2 < v.n && digits; i++)
            digits = v.s[i] >= '0' && v.s[i] <= '9';
        if (digits)
            v.n -= 2;
    }
    *out = v;
    return v.n > 0;
}

bool vci_int_id(vci_span f, char *buf, vci_span *out)
{
    int64_t v;
    f = vci_trim(f);
    if (!vci_parse_int(f.s, f.n, &v) || v < 0 || v >= (int64_t)UINT32_MAX)
        return false;
    int n = snprintf(buf, 24, "%lld", (long long)v);
    *out = (vci_span){buf, (size_t)n};
    return true;
}

vc_status vci_load_text(vci_load *ld, vci_span in, bool latin1,
                        const char *path, uint64_t line, const char *what,
                        vci_span *out, bool *ok)
{
    *ok = false;
    if (memchr(in.s, '\0', in.n))
        return vci_load_bad_line(ld, path, line, "%s: text holds a NUL byte", what);
    if (latin1) {
        VCI_CHECK(vci_latin1_text(in.s, in.n, &ld->buf, &ld->bufcap, out));
    } else if (vci_utf8_check(in.s, in.n) != in.n) {
        return vci_load_bad_line(ld, path, line, "%s: text is not valid UTF-8 "
                                 "(convert the file to UTF-8)", what);
    } else {
        *out = in;
    }
    *ok = true;
    return VC_OK;
}

vc_status vci_for_each_line(vci_load *ld, const char *path, const char *sep,
                            size_t nfields, bool required, vci_line_fn fn,
                            void *ctx)
{
    vci_file f;
    VCI_CHECK(vci_file_open(&f, path));
    vci_span small[32];
    vci_span *fields = nfields < 32 ? small : vci_calloc(nfields + 1, sizeof *fields);
    if (!fields) {
        vci_file_close(&f);
        return VC_ERR_NOMEM;
    }
    vci_lines it;
    vci_lines_init(&it, f.data, f.size);
    const char *line;
    size_t len, seplen = strlen(sep), lines = 0;
    vc_status s = VC_OK;
    while (s == VC_OK && vci_lines_next(&it, &line, &len)) {
        if (vci_is_blank(line, len))
            continue;
        lines++;
        size_t nf = vci_split(line, len, sep, seplen, fields, nfields + 1);
        if (nf != nfields)
            s = vci_load_bad_line(ld, path, it.line,
                                  "expected %zu fields separated by '%s', got %zu",
                                  nfields, sep[0] == '\t' ? "\\t" : sep, nf);
        else
            s = fn(ld, ctx, path, it.line, fields, nf);
    }
    if (s == VC_OK && required && lines == 0)
        s = vci_parse_error(path, 0, f.size ? "no data lines in the file"
                                            : "the file is empty");
    if (fields != small)
        vci_free(fields);
    vci_file_close(&f);
    return s;
}

/* ---- truth.csv ------------------------------------------------------------------ */

typedef struct truth_ctx {
    uint32_t *labels;
    bool header_seen;
} truth_ctx;

static vc_status truth_line(vci_load *ld, void *ctx, const char *path,
                            uint64_t line, const vci_span *f, size_t nf)
{
    (void)nf;
    truth_ctx *t = ctx;
    vci_span u = vci_trim(f[0]);
    if (!t->header_seen) {
        t->header_seen = true;
        if (u.n == 4 && strncasecmp(u.s, "user", 4) == 0)
            return VC_OK;
    }
    uint32_t idx;
    int64_t c;
    vci_span cv = vci_trim(f[1]);
    if (!vci_ds_find_user(ld->ds, u.s, u.n, &idx))
        return vci_load_bad_line(ld, path, line, "unknown user '%.*s'",
                                 (int)VCI_MIN(u.n, (size_t)40), u.s);
    if (!vci_parse_int(cv.s, cv.n, &c) || c < 0 || c >= (int64_t)UINT32_MAX)
        return vci_load_bad_line(ld, path, line,
                                 "community '%.*s' is not a whole number",
                                 (int)VCI_MIN(cv.n, (size_t)40), cv.s);
    t->labels[idx] = (uint32_t)c;
    return VC_OK;
}

vc_status vci_load_truth(vci_load *ld, const char *dir)
{
    if (!vci_path_is_file(dir, "truth.csv"))
        return VC_OK;
    char *path = vci_path_join(dir, "truth.csv");
    truth_ctx t = {vci_calloc(VCI_MAX(ld->ds->nusers, 1u), sizeof(uint32_t)), false};
    vc_status s = path && t.labels ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = vci_for_each_line(ld, path, ",", 2, false, truth_line, &t);
    if (s == VC_OK)
        s = vci_ds_set_planted(ld->ds, t.labels);
    vci_free(t.labels);
    vci_free(path);
    return s;
}

/* ---- detection -------------------------------------------------------------------- */

typedef enum format_kind {
    FORMAT_NONE, FORMAT_ML1M, FORMAT_ML100K, FORMAT_MLLATEST, FORMAT_MERCHANT
} format_kind;

static const char *const format_names[] = {"", "ml-1m", "ml-100k", "ml-latest",
                                           "merchant"};

static format_kind format_of_file(const char *name)
{
    static const struct { const char *file; format_kind kind; } known[] = {
        {"ratings.dat", FORMAT_ML1M},  {"users.dat", FORMAT_ML1M},
        {"movies.dat", FORMAT_ML1M},   {"u.data", FORMAT_ML100K},
        {"u.user", FORMAT_ML100K},     {"u.item", FORMAT_ML100K},
        {"ratings.csv", FORMAT_MLLATEST}, {"movies.csv", FORMAT_MLLATEST},
        {"tags.csv", FORMAT_MLLATEST}, {"events.csv", FORMAT_MERCHANT},
    };
    for (size_t i = 0; i < VCI_ARRAY_LEN(known); i++)
        if (strcmp(name, known[i].file) == 0)
            return known[i].kind;
    size_t n = strlen(name);
    if (n > 4 && strcasecmp(name + n - 4, ".csv") == 0)
        return FORMAT_MERCHANT;
    return FORMAT_NONE;
}

static format_kind format_of_dir(const char *dir)
{
    static const struct { const char *file; format_kind kind; } marks[] = {
        {"ratings.dat", FORMAT_ML1M},     {"u.data", FORMAT_ML100K},
        {"ratings.csv", FORMAT_MLLATEST}, {"events.csv", FORMAT_MERCHANT},
        {"users.dat", FORMAT_ML1M},       {"movies.dat", FORMAT_ML1M},
    };
    for (size_t i = 0; i < VCI_ARRAY_LEN(marks); i++)
        if (vci_path_is_file(dir, marks[i].file))
            return marks[i].kind;
    return FORMAT_NONE;
}

/* The one CSV file of a directory (merchant data under another name). */
static vc_status single_csv(const char *dir, char **file)
{
    *file = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return vci_error(VC_ERR_IO, "%s: cannot read the directory", dir);
    struct dirent *e;
    size_t count = 0;
    vc_status s = VC_OK;
    while ((e = readdir(d)) != NULL && s == VC_OK) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcasecmp(e->d_name + n - 4, ".csv") == 0 &&
            strcmp(e->d_name, "truth.csv") != 0 && vci_path_is_file(dir, e->d_name)) {
            count++;
            if (!*file || strcmp(e->d_name, *file) < 0) {
                vci_free(*file);
                *file = vci_strdup(e->d_name);
                if (!*file)
                    s = VC_ERR_NOMEM;
            }
        }
    }
    closedir(d);
    if (s == VC_OK && count != 1) {
        vci_free(*file);
        *file = NULL;
    }
    return s;
}

/* Split path into a directory and (for a file) its name. */
static vc_status locate(const char *path, char **dir, char **file)
{
    *dir = *file = NULL;
    if (vci_path_is_dir(path)) {
        *dir = vci_strdup(path);
        return *dir ? VC_OK : VC_ERR_NOMEM;
    }
    if (!vci_path_is_file(NULL, path))
        return vci_error(VC_ERR_IO, "%s: no such file or directory", path);
    const char *slash = strrchr(path, '/');
    *dir = slash ? vci_strndup(path, (size_t)(slash - path) + (slash == path))
                 : vci_strdup(".");
    *file = vci_strdup(slash ? slash + 1 : path);
    if (!*dir || !*file) {
        vci_free(*dir);
        vci_free(*file);
        return VC_ERR_NOMEM;
    }
    return VC_OK;
}

static vc_status detect(const char *path, const char *dir, char **file,
                        const char *forced, format_kind *kind)
{
    if (strcmp(forced, "auto") != 0) {
        for (size_t k = 1; k < VCI_ARRAY_LEN(format_names); k++)
            if (strcmp(forced, format_names[k]) == 0)
                *kind = (format_kind)k;
    } else if (*file) {
        *kind = format_of_file(*file);
    } else {
        *kind = format_of_dir(dir);
    }
    if (*kind == FORMAT_MERCHANT && !*file && !vci_path_is_file(dir, "events.csv"))
        VCI_CHECK(single_csv(dir, file));
    if (*kind == FORMAT_NONE && !*file) {
        VCI_CHECK(single_csv(dir, file));
        if (*file)
            *kind = FORMAT_MERCHANT;
    }
    if (*kind == FORMAT_NONE)
        return vci_error(VC_ERR_FORMAT,
                         "%s: no known data files (expected ratings.dat, u.data, "
                         "ratings.csv, events.csv or one CSV file; see docs/formats.md)",
                         path);
    if (*kind == FORMAT_MERCHANT && !*file && !vci_path_is_file(dir, "events.csv"))
        return vci_error(VC_ERR_IO, "%s: no events.csv and not exactly one CSV file",
                         path);
    return VC_OK;
}

static vc_status run_loader(vci_load *ld, format_kind kind, const char *dir,
                            const char *file)
{
    switch (kind) {
    case FORMAT_ML1M: return vci_load_ml1m(ld, dir);
    case FORMAT_ML100K: return vci_load_ml100k(ld, dir);
    case FORMAT_MLLATEST: return vci_load_mllatest(ld, dir);
    case FORMAT_MERCHANT: return vci_load_merchant(ld, dir, file);
    default: return vci_error(VC_ERR_INTERNAL, "no loader");
    }
}

/* A loader ready to fill a new data set of the given format. */
static vc_status load_begin(vci_load *ld, const vc_options *opts, const char *format)
{
    memset(ld, 0, sizeof *ld);
    ld->opts = opts;
    ld->skip_bad = strcmp(vci_opt_string(opts, VCI_OPT_LOAD_ON_ERROR), "skip") == 0;
    ld->progress = vci_progress_of(opts, "load");
    VCI_CHECK(vci_dataset_create(&ld->ds, format));
    return vci_pool_for_options(&ld->pool, opts);
}

/* Index what was loaded (when s is VC_OK) and hand the data set over. */
static vc_status load_end(vci_load *ld, vc_status s, const char *path, vc_dataset **out)
{
    if (s == VC_OK) {
        vci_progress fin = vci_progress_of(ld->opts, "index");
        s = vci_dataset_finalize(ld->ds, ld->pool, &fin);
        if (s == VC_ERR_RANGE)
            s = vci_error_prefix(s, path);
    }
    if (s == VC_OK)
        s = vci_progress_report(&ld->progress, 1.0);
    vci_pool_free(ld->pool);
    vci_free(ld->buf);
    if (s != VC_OK) {
        vc_dataset_free(ld->ds);
        return s;
    }
    *out = ld->ds;
    return VC_OK;
}

VC_API vc_status vc_dataset_load(vc_dataset **out, const char *path,
                                 const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out && path, "vc_dataset_load: NULL out or path");
    *out = NULL;
    char *dir = NULL, *file = NULL;
    VCI_CHECK(locate(path, &dir, &file));
    format_kind kind = FORMAT_NONE;
    vci_load ld;
    memset(&ld, 0, sizeof ld);
    vc_status s = detect(path, dir, &file, vci_opt_string(opts, VCI_OPT_LOAD_FORMAT),
                         &kind);
    if (s == VC_OK)
        s = load_begin(&ld, opts, format_names[kind]);
    if (s == VC_OK)
        s = run_loader(&ld, kind, dir, file);
    if (s == VC_OK)
        s = vci_load_truth(&ld, dir);
    vci_free(dir);
    vci_free(file);
    return load_end(&ld, s, path, out);
}

vc_status vci_load_events_file(vc_dataset **out, const char *path, const char *format,
                               const vc_options *opts)
{
    *out = NULL;
    if (vci_path_is_dir(path))
        return vc_dataset_load(out, path, opts);
    const char *f = vci_opt_string(opts, VCI_OPT_LOAD_FORMAT);
    if (strcmp(f, "auto") == 0)
        f = format;
    /* the ratings files of the MovieLens formats (synthetic data is
     * written as ML-1M); anything else is a merchant CSV of events */
    static const vci_ratings_spec ml1m = {"::", 2, NULL, 0.5, 5, false, false};
    static const vci_ratings_spec ml100k = {"\t", 1, NULL, 0.5, 5, false, false};
    static const vci_ratings_spec latest = {",", 1, "userId,movieId,rating,timestamp",
                                            0.5, 5, false, false};
    const vci_ratings_spec *spec = NULL;
    if (strcmp(f, "ml-1m") == 0 || strcmp(f, "synthetic") == 0)
        spec = &ml1m;
    else if (strcmp(f, "ml-100k") == 0)
        spec = &ml100k;
    else if (strcmp(f, "ml-latest") == 0)
        spec = &latest;
    char *dir = NULL, *file = NULL;
    VCI_CHECK(locate(path, &dir, &file));
    vci_load ld;
    vc_status s = load_begin(&ld, opts, spec ? "api" : "merchant");
    if (s == VC_OK)
        s = spec ? vci_load_ratings(&ld, path, spec) : vci_load_merchant(&ld, dir, file);
    vci_free(dir);
    vci_free(file);
    return load_end(&ld, s, path, out);
}
