/*
 * movielens.c - the MovieLens formats:
 *  - ML-1M: users.dat (UserID::Gender::Age::Occupation::Zip-code, codes
 *    turned into the labels of the ML-1M README), movies.dat
 *    (MovieID::Title::Genres, ISO-8859-1), ratings.dat;
 *  - ML-100K: u.user (id|age|gender|occupation|zip), u.item (24 fields,
 *    19 genre flags named by u.genre), u.genre, u.data (tab-separated);
 *  - ML-latest: movies.csv (RFC 4180), ratings.csv, tags.csv (events of
 *    the custom type "tag").
 * The users and items files are optional; when one is present it defines
 * every user (item), and events naming another are malformed lines.
 */
#include <stdio.h>
#include <strings.h>

#include "io.h"

/* ---- ML-1M code tables (from the ML-1M README) ------------------------------- */

static const struct { int code; const char *label; } ml1m_ages[] = {
    {1, "Under 18"}, {18, "18-24"}, {25, "25-34"}, {35, "35-44"},
    {45, "45-49"},   {50, "50-55"}, {56, "56+"}};

static const char *const ml1m_occupations[] = {
    "other", "academic/educator", "artist", "clerical/admin",
    "college/grad student", "customer service", "doctor/health care",
    "executive/managerial", "farmer", "homemaker", "K-12 student", "lawyer",
    "programmer", "retired", "sales/marketing", "scientist", "self-employed",
    "technician/engineer", "tradesman/craftsman", "unemployed", "writer"};

const char *vci_ml1m_age_label(int64_t code)
{
    for (size_t i = 0; i < VCI_ARRAY_LEN(ml1m_ages); i++)
        if (ml1m_ages[i].code == code)
            return ml1m_ages[i].label;
    return NULL;
}

const char *vci_ml1m_occupation_label(int64_t code)
{
    return code >= 0 && code < (int64_t)VCI_ARRAY_LEN(ml1m_occupations)
               ? ml1m_occupations[code] : NULL;
}

int vci_ml1m_age_code(const char *label)
{
    for (size_t i = 0; i < VCI_ARRAY_LEN(ml1m_ages); i++)
        if (strcmp(ml1m_ages[i].label, label) == 0)
            return ml1m_ages[i].code;
    return -1;
}

int vci_ml1m_occupation_code(const char *label)
{
    for (size_t i = 0; i < VCI_ARRAY_LEN(ml1m_occupations); i++)
        if (strcmp(ml1m_occupations[i], label) == 0)
            return (int)i;
    return -1;
}

/* ---- shared pieces --------------------------------------------------------------- */

#define SHOW(f) (int)VCI_MIN((f).n, (size_t)40), (f).s

/* The user or item of an integer id field; adds it. *ok false = bad line
 * already reported. */
static vc_status id_field(vci_load *ld, const char *path, uint64_t line,
                          vci_span f, bool user, uint32_t *index, bool *ok)
{
    char buf[24];
    vci_span id;
    *ok = false;
    if (!vci_int_id(f, buf, &id))
        return vci_load_bad_line(ld, path, line, "%s id '%.*s' is not a whole number",
                                 user ? "user" : "item", SHOW(f));
    bool added;
    VCI_CHECK(user ? vci_ds_user(ld->ds, id.s, id.n, index, &added)
                   : vci_ds_item(ld->ds, id.s, id.n, index, &added));
    if (!added)
        return vci_load_bad_line(ld, path, line, "%s %.*s is defined twice",
                                 user ? "user" : "item", (int)id.n, id.s);
    *ok = true;
    return VC_OK;
}

static vc_status set_attr(vci_load *ld, uint32_t user, const char *name,
                          const char *value, size_t n)
{
    uint32_t a;
    VCI_CHECK(vci_ds_attr(ld->ds, name, strlen(name), &a));
    return vci_ds_set_user_attr(ld->ds, user, a, value, n);
}

static vc_status set_title(vci_load *ld, const char *path, uint64_t line,
                           uint32_t item, vci_span title, bool latin1)
{
    vci_span t;
    bool ok;
    VCI_CHECK(vci_load_text(ld, vci_trim(title), latin1, path, line, "title", &t, &ok));
    return ok ? vci_ds_set_item_title(ld->ds, item, t.s, t.n) : VC_OK;
}

/* Load one optional file of a directory; *present says whether it was. */
static vc_status optional_file(vci_load *ld, const char *dir, const char *name,
                               const char *sep, size_t nfields, vci_line_fn fn,
                               void *ctx, bool *present)
{
    *present = vci_path_is_file(dir, name);
    if (!*present)
        return VC_OK;
    char *path = vci_path_join(dir, name);
    if (!path)
        return VC_ERR_NOMEM;
    vc_status s = vci_for_each_line(ld, path, sep, nfields, true, fn, ctx);
    vci_free(path);
    return s;
}

static vc_status ratings_file(vci_load *ld, const char *dir, const char *name,
                              const vci_ratings_spec *spec)
{
    char *path = vci_path_join(dir, name);
    if (!path)
        return VC_ERR_NOMEM;
    vc_status s = vci_load_ratings(ld, path, spec);
    vci_free(path);
    return s;
}

/* ---- ML-1M ---------------------------------------------------------------------- */

static vc_status ml1m_user(vci_load *ld, void *ctx, const char *path,
                           uint64_t line, const vci_span *f, size_t nf)
{
    (void)ctx;
    (void)nf;
    vci_span g = vci_trim(f[1]), zip = vci_trim(f[4]);
    int64_t age, occ;
    const char *age_label = NULL, *occ_label = NULL;
    if (g.n != 1 || (g.s[0] != 'M' && g.s[0] != 'F'))
        return vci_load_bad_line(ld, path, line, "gender '%.*s' is not M or F", SHOW(f[1]));
    vci_span a = vci_trim(f[2]), o = vci_trim(f[3]);
    if (!vci_parse_int(a.s, a.n, &age) || !(age_label = vci_ml1m_age_label(age)))
        return vci_load_bad_line(ld, path, line, "age code '%.*s' is not one of 1, 18, "
                                 "25, 35, 45, 50, 56", SHOW(f[2]));
    if (!vci_parse_int(o.s, o.n, &occ) || !(occ_label = vci_ml1m_occupation_label(occ)))
        return vci_load_bad_line(ld, path, line, "occupation code '%.*s' is not 0..20",
                                 SHOW(f[3]));
    vci_span z;
    bool ok;
    VCI_CHECK(vci_load_text(ld, zip, false, path, line, "zip-code", &z, &ok));
    if (!ok)
        return VC_OK;
    uint32_t u;
    VCI_CHECK(id_field(ld, path, line, f[0], true, &u, &ok));
    if (!ok)
        return VC_OK;
    VCI_CHECK(set_attr(ld, u, "gender", g.s, 1));
    VCI_CHECK(set_attr(ld, u, "age", age_label, strlen(age_label)));
    VCI_CHECK(set_attr(ld, u, "occupation", occ_label, strlen(occ_label)));
    return set_attr(ld, u, "zip", z.s, z.n);
}

/* MovieID::Title::Genres where the title itself may hold "::": the id
 * ends at the first separator, the genres start after the last. */
static vc_status ml1m_movie_line(vci_load *ld, const char *path, uint64_t line,
                                 const char *s, size_t n)
{
    const char *first = NULL, *last = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == ':' && s[i + 1] == ':') {
            if (!first)
                first = s + i;
            last = s + i;
            i++;
        }
    if (!first || first == last)
        return vci_load_bad_line(ld, path, line, "expected 3 fields separated by '::' "
                                 "(MovieID::Title::Genres), got %d", first ? 2 : 1);
    vci_span id = {s, (size_t)(first - s)};
    vci_span title = {first + 2, (size_t)(last - first - 2)};
    vci_span genres = vci_trim((vci_span){last + 2, (size_t)(s + n - last - 2)});
    uint32_t item;
    bool ok;
    VCI_CHECK(id_field(ld, path, line, id, false, &item, &ok));
    if (!ok)
        return VC_OK;
    VCI_CHECK(set_title(ld, path, line, item, title, true));
    vci_span g;
    VCI_CHECK(vci_load_text(ld, genres, true, path, line, "genres", &g, &ok));
    if (!ok)
        return VC_OK;
    if (g.n == 18 && memcmp(g.s, "(no genres listed)", 18) == 0)
        return VC_OK;
    return vci_ds_set_item_categories(ld->ds, item, g.s, g.n, '|');
}

static vc_status ml1m_movies(vci_load *ld, const char *path)
{
    vci_file f;
    VCI_CHECK(vci_file_open(&f, path));
    vci_lines it;
    vci_lines_init(&it, f.data, f.size);
    const char *line;
    size_t len, lines = 0;
    vc_status s = VC_OK;
    while (s == VC_OK && vci_lines_next(&it, &line, &len)) {
        if (vci_is_blank(line, len))
            continue;
        lines++;
        s = ml1m_movie_line(ld, path, it.line, line, len);
    }
    if (s == VC_OK && lines == 0)
        s = vci_parse_error(path, 0, "the file is empty");
    vci_file_close(&f);
    return s;
}

vc_status vci_load_ml1m(vci_load *ld, const char *dir)
{
    bool users, items = vci_path_is_file(dir, "movies.dat");
    VCI_CHECK(optional_file(ld, dir, "users.dat", "::", 5, ml1m_user, NULL, &users));
    if (items) {
        char *path = vci_path_join(dir, "movies.dat");
        if (!path)
            return VC_ERR_NOMEM;
        vc_status s = ml1m_movies(ld, path);
        vci_free(path);
        VCI_CHECK(s);
    }
    vci_ratings_spec spec = {"::", 2, NULL, 0.5, 5, users, items};
    return ratings_file(ld, dir, "ratings.dat", &spec);
}

/* ---- ML-100K --------------------------------------------------------------------- */

static vc_status ml100k_user(vci_load *ld, void *ctx, const char *path,
                             uint64_t line, const vci_span *f, size_t nf)
{
    (void)ctx;
    (void)nf;
    vci_span a = vci_trim(f[1]), g = vci_trim(f[2]), o = vci_trim(f[3]),
             z = vci_trim(f[4]);
    int64_t age;
    if (!vci_parse_int(a.s, a.n, &age) || age < 0 || age > 150)
        return vci_load_bad_line(ld, path, line, "age '%.*s' is not a whole number "
                                 "of years", SHOW(f[1]));
    if (g.n != 1 || (g.s[0] != 'M' && g.s[0] != 'F'))
        return vci_load_bad_line(ld, path, line, "gender '%.*s' is not M or F", SHOW(f[2]));
    vci_span ot, zt;
    bool ok;
    if (!o.n)
        return vci_load_bad_line(ld, path, line, "occupation is empty");
    /* check both texts before the user exists; convert them after */
    VCI_CHECK(vci_load_text(ld, z, true, path, line, "zip code", &zt, &ok));
    if (ok)
        VCI_CHECK(vci_load_text(ld, o, true, path, line, "occupation", &ot, &ok));
    if (!ok)
        return VC_OK;
    uint32_t u;
    VCI_CHECK(id_field(ld, path, line, f[0], true, &u, &ok));
    if (!ok)
        return VC_OK;
    VCI_CHECK(set_attr(ld, u, "occupation", ot.s, ot.n));
    VCI_CHECK(vci_load_text(ld, z, true, path, line, "zip code", &zt, &ok));
    VCI_CHECK(set_attr(ld, u, "zip", zt.s, zt.n));
    char num[24];
    int n = snprintf(num, sizeof num, "%lld", (long long)age);
    VCI_CHECK(set_attr(ld, u, "age", num, (size_t)n));
    return set_attr(ld, u, "gender", g.s, 1);
}

#define ML100K_GENRES 19

typedef struct ml100k_genres {
    uint32_t cat[ML100K_GENRES];
    bool has[ML100K_GENRES];   /* cat[k] names a category */
} ml100k_genres;

static vc_status ml100k_genre(vci_load *ld, void *ctx, const char *path,
                              uint64_t line, const vci_span *f, size_t nf)
{
    (void)nf;
    ml100k_genres *g = ctx;
    vci_span name = vci_trim(f[0]), idx = vci_trim(f[1]);
    int64_t k;
    if (!vci_parse_int(idx.s, idx.n, &k) || k < 0 || k >= ML100K_GENRES)
        return vci_load_bad_line(ld, path, line, "genre index '%.*s' is not 0..18",
                                 SHOW(f[1]));
    vci_span t;
    bool ok;
    VCI_CHECK(vci_load_text(ld, name, true, path, line, "genre name", &t, &ok));
    if (!ok)
        return VC_OK;
    if (!t.n)
        return vci_load_bad_line(ld, path, line, "genre name is empty");
    VCI_CHECK(vci_ds_category(ld->ds, t.s, t.n, &g->cat[k]));
    g->has[k] = true;
    return VC_OK;
}

static vc_status ml100k_default_genres(vci_load *ld, ml100k_genres *g)
{
    static const char *const names[ML100K_GENRES] = {
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy",
        "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror",
        "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"};
    for (int k = 0; k < ML100K_GENRES; k++) {
        VCI_CHECK(vci_ds_category(ld->ds, names[k], strlen(names[k]), &g->cat[k]));
        g->has[k] = true;
    }
    return VC_OK;
}

static vc_status ml100k_item(vci_load *ld, void *ctx, const char *path,
                             uint64_t line, const vci_span *f, size_t nf)
{
    (void)nf;
    const ml100k_genres *g = ctx;
    uint32_t cats[ML100K_GENRES];
    size_t ncat = 0;
    for (int k = 0; k < ML100K_GENRES; k++) {
        vci_span flag = vci_trim(f[5 + k]);
        if (flag.n != 1 || (flag.s[0] != '0' && flag.s[0] != '1'))
            return vci_load_bad_line(ld, path, line, "genre flag %d is '%.*s', not 0 or 1",
                                     k, SHOW(f[5 + k]));
        if (flag.s[0] == '1' && !g->has[k])
            return vci_load_bad_line(ld, path, line, "genre flag %d is set but u.genre "
                                     "names no genre %d", k, k);
        if (flag.s[0] == '1')
            cats[ncat++] = g->cat[k];
    }
    uint32_t item;
    bool ok;
    VCI_CHECK(id_field(ld, path, line, f[0], false, &item, &ok));
    if (!ok)
        return VC_OK;
    VCI_CHECK(set_title(ld, path, line, item, f[1], true));
    return vci_ds_set_item_category_list(ld->ds, item, cats, ncat);
}

vc_status vci_load_ml100k(vci_load *ld, const char *dir)
{
    bool users, items, named;
    ml100k_genres g;
    memset(&g, 0, sizeof g);
    VCI_CHECK(optional_file(ld, dir, "u.genre", "|", 2, ml100k_genre, &g, &named));
    if (!named)
        VCI_CHECK(ml100k_default_genres(ld, &g));
    VCI_CHECK(optional_file(ld, dir, "u.user", "|", 5, ml100k_user, NULL, &users));
    VCI_CHECK(optional_file(ld, dir, "u.item", "|", 5 + ML100K_GENRES, ml100k_item,
                            &g, &items));
    vci_ratings_spec spec = {"\t", 1, NULL, 0.5, 5, users, items};
    return ratings_file(ld, dir, "u.data", &spec);
}

/* ---- ML-latest ---------------------------------------------------------------------- */

/* Walk the records of a CSV file with the given header (checked
 * case-insensitively) and call fn for each data record. */
static vc_status csv_records(vci_load *ld, const char *path, const char *header,
                             size_t nfields, vci_line_fn fn, void *ctx)
{
    vci_file f;
    VCI_CHECK(vci_file_open(&f, path));
    vci_csv c;
    vci_csv_init(&c, f.data, f.size, ',');
    vc_status s = VC_OK;
    bool first = true;
    int r;
    while (s == VC_OK && (r = vci_csv_next(&c)) != 0) {
        if (r == -2) {
            s = VC_ERR_NOMEM;
        } else if (r == -1) {
            s = vci_load_bad_line(ld, path, c.line, "%s", c.err);
        } else if (first) {
            first = false;
            size_t i = 0;
            const char *h = header;
            for (; i < c.nfields && *h; i++) {
                vci_span fl = vci_trim(c.fields[i]);
                size_t hl = strcspn(h, ",");
                if (fl.n != hl || strncasecmp(fl.s, h, hl) != 0)
                    break;
                h += hl + (h[hl] == ',');
            }
            if (i != nfields || c.nfields != nfields)
                s = vci_parse_error(path, c.line, "expected the header '%s'", header);
        } else if (c.nfields != nfields) {
            s = vci_load_bad_line(ld, path, c.line, "expected %zu fields, got %zu",
                                  nfields, c.nfields);
        } else {
            s = fn(ld, ctx, path, c.line, c.fields, c.nfields);
        }
    }
    if (s == VC_OK && first)
        s = vci_parse_error(path, 0, "the file is empty");
    vci_csv_free(&c);
    vci_file_close(&f);
    return s;
}

static vc_status latest_movie(vci_load *ld, void *ctx, const char *path,
                              uint64_t line, const vci_span *f, size_t nf)
{
    (void)ctx;
    (void)nf;
    uint32_t item;
    bool ok;
    VCI_CHECK(id_field(ld, path, line, f[0], false, &item, &ok));
    if (!ok)
        return VC_OK;
    VCI_CHECK(set_title(ld, path, line, item, f[1], false));
    vci_span g;
    VCI_CHECK(vci_load_text(ld, vci_trim(f[2]), false, path, line, "genres", &g, &ok));
    if (!ok)
        return VC_OK;
    if (g.n == 18 && memcmp(g.s, "(no genres listed)", 18) == 0)
        return VC_OK;
    return vci_ds_set_item_categories(ld->ds, item, g.s, g.n, '|');
}

typedef struct tags_ctx {
    uint32_t type;
    bool users_fixed, items_fixed;
} tags_ctx;

static vc_status latest_tag(vci_load *ld, void *ctx, const char *path,
                            uint64_t line, const vci_span *f, size_t nf)
{
    (void)nf;
    const tags_ctx *t = ctx;
    char ub[24], ib[24];
    vci_span u, i, ts = vci_trim(f[3]), text;
    int64_t time;
    if (!vci_int_id(f[0], ub, &u))
        return vci_load_bad_line(ld, path, line, "user id '%.*s' is not a whole number",
                                 SHOW(f[0]));
    if (!vci_int_id(f[1], ib, &i))
        return vci_load_bad_line(ld, path, line, "item id '%.*s' is not a whole number",
                                 SHOW(f[1]));
    bool ok;
    VCI_CHECK(vci_load_text(ld, f[2], false, path, line, "tag", &text, &ok));
    if (!ok)
        return VC_OK;
    if (!vci_parse_int(ts.s, ts.n, &time))
        return vci_load_bad_line(ld, path, line, "timestamp '%.*s' is not a whole "
                                 "number of Unix seconds", SHOW(f[3]));
    uint32_t ui, ii;
    bool uk = vci_ds_find_user(ld->ds, u.s, u.n, &ui);
    bool ik = vci_ds_find_item(ld->ds, i.s, i.n, &ii);
    if ((!uk && t->users_fixed) || (!ik && t->items_fixed))
        return vci_load_bad_line(ld, path, line, "unknown %s %.*s",
                                 !ik && t->items_fixed ? "item" : "user",
                                 !ik && t->items_fixed ? (int)i.n : (int)u.n,
                                 !ik && t->items_fixed ? i.s : u.s);
    if (!uk)
        VCI_CHECK(vci_ds_user(ld->ds, u.s, u.n, &ui, NULL));
    if (!ik)
        VCI_CHECK(vci_ds_item(ld->ds, i.s, i.n, &ii, NULL));
    return vci_ds_stage(ld->ds, ui, ii, t->type, 1.0f, 0.0f, time);
}

vc_status vci_load_mllatest(vci_load *ld, const char *dir)
{
    bool items = vci_path_is_file(dir, "movies.csv");
    if (items) {
        char *path = vci_path_join(dir, "movies.csv");
        if (!path)
            return VC_ERR_NOMEM;
        vc_status s = csv_records(ld, path, "movieId,title,genres", 3, latest_movie,
                                  NULL);
        vci_free(path);
        VCI_CHECK(s);
    }
    vci_ratings_spec spec = {",", 1, "userId,movieId,rating,timestamp", 0.5, 5,
                             false, items};
    VCI_CHECK(ratings_file(ld, dir, "ratings.csv", &spec));
    if (!vci_path_is_file(dir, "tags.csv"))
        return VC_OK;
    tags_ctx t = {0, false, items};
    VCI_CHECK(vci_ds_event_type(ld->ds, "tag", 3, &t.type));
    char *path = vci_path_join(dir, "tags.csv");
    if (!path)
        return VC_ERR_NOMEM;
    vc_status s = csv_records(ld, path, "userId,movieId,tag,timestamp", 4, latest_tag,
                              &t);
    vci_free(path);
    return s;
}
