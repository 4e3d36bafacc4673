/*
 * io.h - the input side: whole files in memory, line and CSV tokenizers,
 * number / time / text parsing, the loaders of every supported format, the
 * synthetic generator and the ML-1M writer. Formats are described in
 * docs/formats.md.
 *
 * Invariants: parsers never read outside [data, data + size); every
 * malformed line goes through vci_load_bad_line(), which either fails with
 * "path:line: what" (load.on_error=fail) or counts the line as skipped.
 */
#ifndef VCOMM_IO_H
#define VCOMM_IO_H

#include "core.h"
#include "dataset.h"

/* ---- files (file.c) ------------------------------------------------------- */

/* A whole input file in memory: mapped when it is a regular file, else
 * read. data is not NUL-terminated. */
typedef struct vci_file {
    char *path;                /* as named in messages */
    const char *data;
    size_t size;
    void *map;                 /* the mapping, or NULL */
    char *owned;               /* the read buffer, or NULL */
} vci_file;

/** Open and map path; VC_ERR_IO naming it when missing or unreadable. */
vc_status vci_file_open(vci_file *f, const char *path);
void vci_file_close(vci_file *f);
/** path joined with name ("dir/name"); NULL on allocation failure. */
char *vci_path_join(const char *dir, const char *name);
/** True when dir/name is an existing regular file. */
bool vci_path_is_file(const char *dir, const char *name);
/** True when path is a directory. */
bool vci_path_is_dir(const char *path);

/* ---- lines (file.c) ------------------------------------------------------- */

/* Walks the lines of a buffer: a UTF-8 BOM at the start is skipped, line
 * ends are LF or CRLF (the CR is dropped), a last line without LF counts. */
typedef struct vci_lines {
    const char *p, *end;
    uint64_t line;             /* number of the line last returned (1-based) */
} vci_lines;

void vci_lines_init(vci_lines *it, const char *data, size_t size);
/** The next line (without its end); false at the end of the buffer. */
bool vci_lines_next(vci_lines *it, const char **line, size_t *len);
/** True when the line holds only spaces and tabs. */
bool vci_is_blank(const char *s, size_t n);

/** Split s[0..n) at every occurrence of sep (seplen bytes) into at most
 *  max fields; returns the number of fields found (which may exceed max:
 *  then only max are stored). */
typedef struct vci_span {
    const char *s;
    size_t n;
} vci_span;
size_t vci_split(const char *s, size_t n, const char *sep, size_t seplen,
                 vci_span *fields, size_t max);

/* ---- CSV (csv.c): RFC 4180 ------------------------------------------------ */

typedef struct vci_csv {
    const char *p, *end;
    char sep;
    uint64_t line;             /* line where the current record started */
    uint64_t next_line;        /* line where the next record starts */
    vci_span *fields;
    size_t nfields, fcap;
    char *buf;                 /* unescaped text of quoted fields */
    size_t blen, bcap;
    size_t *boff;              /* [fcap] offset into buf, or SIZE_MAX */
    char err[160];             /* what was wrong when next returns -1 */
} vci_csv;

void vci_csv_init(vci_csv *c, const char *data, size_t size, char sep);
void vci_csv_free(vci_csv *c);
/** Read the next record into c->fields: 1 read, 0 at the end, -1 a
 *  malformed record (c->err says why; the tokenizer has moved past it),
 *  -2 out of memory. Blank lines are skipped. */
int vci_csv_next(vci_csv *c);

/* ---- values (parse.c) ----------------------------------------------------- */

/** Trim spaces and tabs at both ends. */
vci_span vci_trim(vci_span v);
/** A decimal integer (optional sign); false when not one or out of
 *  int64 range. */
bool vci_parse_int(const char *s, size_t n, int64_t *out);
/** A finite decimal number ("4", "3.5", "-0.25", "1e3"). */
bool vci_parse_number(const char *s, size_t n, double *out);
/** A time: Unix seconds (integer or decimal), ISO 8601
 *  ("2010-12-01T08:26:00Z", "+01:00" offsets, fractions),
 *  "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DD", "M/D/YYYY H:MM[:SS]". */
bool vci_parse_time(const char *s, size_t n, int64_t *out);
/** Days from 1970-01-01 of a proleptic Gregorian date. */
int64_t vci_days_from_civil(int64_t y, unsigned m, unsigned d);
/** The civil date of a day count (inverse of vci_days_from_civil). */
void vci_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/** Offset of the first invalid UTF-8 byte in s[0..n), or n when valid. */
size_t vci_utf8_check(const char *s, size_t n);
/** Text that is valid UTF-8 as is, else ISO-8859-1 converted to UTF-8 into
 *  *buf (grown as needed); the result is in *out. */
vc_status vci_latin1_text(const char *s, size_t n, char **buf, size_t *cap,
                          vci_span *out);

/* ---- loading (load.c) ----------------------------------------------------- */

/* What every loader shares. */
typedef struct vci_load {
    vc_dataset *ds;
    const vc_options *opts;
    bool skip_bad;             /* load.on_error = skip */
    vci_pool *pool;
    vci_progress progress;
    char *buf;                 /* scratch text (latin-1 conversion ...) */
    size_t bufcap;
} vci_load;

/**
 * A malformed line of path: with load.on_error=fail returns VC_ERR_PARSE
 * with "path:line: what"; with skip counts it (the first message is kept
 * for stats) and returns VC_OK, and the caller skips the line.
 */
vc_status vci_load_bad_line(vci_load *ld, const char *path, uint64_t line,
                            const char *fmt, ...) VCI_PRINTF(4, 5);
/** The same for a message already formatted. */
vc_status vci_load_bad_line_msg(vci_load *ld, const char *path, uint64_t line,
                                const char *msg);
/** An id field as the external id: trimmed; an integral decimal written
 *  like "17850.0" loses its ".0" (spreadsheet exports). False when empty. */
bool vci_clean_id(vci_span in, vci_span *out);

/** Called for every non-blank line of a file with its fields. A bad line
 *  goes through vci_load_bad_line(). */
typedef vc_status (*vci_line_fn)(vci_load *ld, void *ctx, const char *path,
                                 uint64_t line, const vci_span *fields,
                                 size_t nfields);
/** Split every non-blank line of path at sep into nfields fields (a line
 *  with another count is a bad line) and call fn. An empty file (no
 *  non-blank line) is a parse error when required. */
vc_status vci_for_each_line(vci_load *ld, const char *path, const char *sep,
                            size_t nfields, bool required, vci_line_fn fn,
                            void *ctx);
/** A text field of path:line as UTF-8: kept when valid; with latin1
 *  converted from ISO-8859-1 otherwise (into ld->buf, valid until the next
 *  call). A NUL byte, or (not latin1) invalid UTF-8, is a bad line "what:
 *  why" and *ok is false. Returns VC_ERR_NOMEM or the bad-line status. */
vc_status vci_load_text(vci_load *ld, vci_span in, bool latin1,
                        const char *path, uint64_t line, const char *what,
                        vci_span *out, bool *ok);
/** A field as an integer id of the MovieLens formats: its canonical
 *  decimal text in buf (24 bytes). */
bool vci_int_id(vci_span f, char *buf, vci_span *out);

/* ---- the formats ------------------------------------------------------- */

/* A file of "user SEP item SEP rating SEP time" rows with integer ids,
 * parsed in parallel chunks (ratings.c). users_fixed / items_fixed: ids
 * must already exist (a users / items file defined them). */
typedef struct vci_ratings_spec {
    const char *sep;
    size_t seplen;
    const char *header;        /* expected first line ("userId,movieId,..."), or NULL */
    double min_rating, max_rating;
    bool users_fixed, items_fixed;
} vci_ratings_spec;
vc_status vci_load_ratings(vci_load *ld, const char *path,
                           const vci_ratings_spec *spec);

vc_status vci_load_ml1m(vci_load *ld, const char *dir);
vc_status vci_load_ml100k(vci_load *ld, const char *dir);
vc_status vci_load_mllatest(vci_load *ld, const char *dir);
/** Merchant CSV: dir holds events.csv (+ items.csv, users.csv), or file is
 *  one CSV (file != NULL). */
vc_status vci_load_merchant(vci_load *ld, const char *dir, const char *file);
/** A file of new events in the given data set format ("ml-1m" and
 *  "synthetic": ratings.dat lines; "ml-100k": u.data lines; "ml-latest":
 *  ratings.csv with its header; otherwise a merchant CSV), or a directory
 *  in any format; load.format, when set, wins. Loaded into *out. */
vc_status vci_load_events_file(vc_dataset **out, const char *path, const char *format,
                               const vc_options *opts);
/** truth.csv ("user,community") beside the data, when present. */
vc_status vci_load_truth(vci_load *ld, const char *dir);

/** The ML-1M labels of age and occupation codes (NULL when unknown). */
const char *vci_ml1m_age_label(int64_t code);
const char *vci_ml1m_occupation_label(int64_t code);
/** The codes of those labels (-1 when unknown); used by the writer. */
int vci_ml1m_age_code(const char *label);
int vci_ml1m_occupation_code(const char *label);

#endif /* VCOMM_IO_H */
