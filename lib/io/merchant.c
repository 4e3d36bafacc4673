/*
 * merchant.c - a shop's own CSV export: events.csv (+ items.csv,
 * users.csv), or one CSV file, with a header row. Columns are found by
 * name: load.columns maps the fields below to header names, and fields it
 * does not map are found among common synonyms ("CustomerID" is the user,
 * "StockCode" the item, "InvoiceDate" the time ...). docs/formats.md lists
 * the fields, synonyms and the rules for purchase exports:
 *  - rows without a user id are dropped (anonymous sessions);
 *  - cancellations (an invoice starting with 'C', or a negative quantity)
 *    are dropped unless load.keep_cancellations, which keeps them as
 *    events of type "cancel";
 *  - rows with a zero quantity, or a price column holding a price <= 0
 *    (adjustments, free samples) are dropped.
 * Dropped rows are counted (vc_dataset_dropped_rows); malformed rows go
 * through the load.on_error policy.
 */
#include <math.h>
#include <stdio.h>
#include <strings.h>

#include "io.h"

typedef enum field {
    F_USER, F_ITEM, F_EVENT, F_VALUE, F_QUANTITY, F_PRICE, F_AMOUNT, F_TIME,
    F_CATEGORY, F_TITLE, F_INVOICE,
    F_COUNTRY, F_GENDER, F_AGE, F_OCCUPATION, F_ZIP,
    F_COUNT
} field;

#define F_FIRST_ATTR F_COUNTRY

/* Normalised synonyms (lower case, letters and digits only). */
static const struct {
    const char *key;
    const char *synonyms;
} fields[F_COUNT] = {
    {"user", "user|userid|customer|customerid|customerno|client|clientid|"
             "visitorid|memberid|buyer|buyerid|accountid"},
    {"item", "item|itemid|product|productid|productcode|sku|stockcode|article|"
             "articleid|movieid|asin|goodsid"},
    {"event", "event|eventtype|action|behavior|behaviour|interaction"},
    {"value", "value|rating|score|stars"},
    {"quantity", "quantity|qty|units|unitssold"},
    {"price", "price|unitprice|itemprice"},
    {"amount", "amount|revenue|total|totalprice|sales|spend|monetary|lineamount"},
    {"time", "time|timestamp|date|datetime|eventtime|invoicedate|orderdate|ts|"
             "createdat"},
    {"category", "category|categories|genre|genres|categoryname|department"},
    {"title", "title|name|description|productname|itemname|itemtitle"},
    {"invoice", "invoice|invoiceno|invoiceid|order|orderid|orderno|basket|"
                "basketid|transactionid"},
    {"country", "country|countrycode"},
    {"gender", "gender|sex"},
    {"age", "age"},
    {"occupation", "occupation|job|profession"},
    {"zip", "zip|zipcode|postcode|postalcode"},
};

#define MAX_EXTRA 64

typedef struct colmap {
    int col[F_COUNT];                  /* header column, -1 = none */
    size_t nextra;                     /* attr.NAME=Column */
    struct { char *name; int col; } extra[MAX_EXTRA];
} colmap;

/* The explicit mapping of load.columns: for each field the header name
 * ("" = not mapped), NULL = not given. */
typedef struct mapping {
    char *text;                        /* a copy, cut into the names */
    const char *name[F_COUNT];
    size_t nextra;
    struct { const char *attr; const char *column; } extra[MAX_EXTRA];
} mapping;

static void normalise(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            out[k++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[k++] = c;
    }
    out[k] = '\0';
}

static bool is_synonym(field f, const char *norm)
{
    const char *p = fields[f].synonyms;
    size_t n = strlen(norm);
    while (*p) {
        size_t l = strcspn(p, "|");
        if (l == n && memcmp(p, norm, n) == 0)
            return true;
        p += l + (p[l] == '|');
    }
    return false;
}

static char *trim_inplace(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static vc_status parse_mapping(const char *spec, mapping *m)
{
    memset(m, 0, sizeof *m);
    m->text = vci_strdup(spec);
    if (!m->text)
        return VC_ERR_NOMEM;
    char *p = m->text;
    while (*p) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *eq = strchr(p, '=');
        char *key = p;
        if (!eq) {
            if (*trim_inplace(key))
                return vci_error(VC_ERR_OPTION, "load.columns: '%s' is not FIELD=COLUMN",
                                 key);
        } else {
            *eq = '\0';
            key = trim_inplace(key);
            char *col = trim_inplace(eq + 1);
            bool found = false;
            for (int f = 0; f < F_COUNT && !found; f++)
                if (strcasecmp(key, fields[f].key) == 0) {
                    m->name[f] = col;
                    found = true;
                }
            if (!found && strncasecmp(key, "attr.", 5) == 0 && key[5]) {
                if (m->nextra == MAX_EXTRA)
                    return vci_error(VC_ERR_OPTION, "load.columns: more than %d attr.* "
                                                    "columns", MAX_EXTRA);
                m->extra[m->nextra].attr = key + 5;
                m->extra[m->nextra++].column = col;
                found = true;
            }
            if (!found)
                return vci_error(VC_ERR_OPTION,
                                 "load.columns: unknown field '%s' (fields: user, item, "
                                 "event, value, quantity, price, amount, time, category, "
                                 "title, invoice, country, gender, age, occupation, zip, "
                                 "attr.NAME)", key);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return VC_OK;
}

static int header_find(const vci_csv *c, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < c->nfields; i++) {
        vci_span h = vci_trim(c->fields[i]);
        if (h.n == n && strncasecmp(h.s, name, n) == 0)
            return (int)i;
    }
    return -1;
}

static vc_status header_columns(const vci_csv *c, char *buf, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nfields && k + 8 < size; i++) {
        vci_span h = vci_trim(c->fields[i]);
        int w = snprintf(buf + k, size - k, "%s%.*s", i ? ", " : "",
                         (int)VCI_MIN(h.n, (size_t)40), h.s);
        if (w < 0)
            break;
        k += VCI_MIN((size_t)w, size - k - 1);
    }
    return VC_OK;
}

/* Find the columns of the wanted fields in the header record c. */
static vc_status map_columns(const vci_csv *c, const mapping *m, const char *path,
                             const bool *wanted, bool with_extra, colmap *cm)
{
    for (int f = 0; f < F_COUNT; f++)
        cm->col[f] = -1;
    bool used[1024] = {false};
    for (int f = 0; f < F_COUNT; f++) {
        if (!wanted[f] || !m->name[f])
            continue;
        if (!*m->name[f])
            continue;   /* explicitly unmapped */
        int k = header_find(c, m->name[f]);
        if (k < 0) {
            char cols[512] = "";
            header_columns(c, cols, sizeof cols);
            return vci_parse_error(path, c->line, "load.columns maps %s to '%s' but the "
                                   "header has no such column (columns: %s)",
                                   fields[f].key, m->name[f], cols);
        }
        cm->col[f] = k;
        if (k < 1024)
            used[k] = true;
    }
    for (int f = 0; f < F_COUNT; f++) {
        if (!wanted[f] || m->name[f])
            continue;
        for (size_t i = 0; i < c->nfields && i < 1024; i++) {
            char norm[64];
            vci_span h = vci_trim(c->fields[i]);
            normalise(h.s, h.n, norm, sizeof norm);
            if (!used[i] && is_synonym((field)f, norm)) {
                cm->col[f] = (int)i;
                used[i] = true;
                break;
            }
        }
    }
    cm->nextra = 0;
    for (size_t e = 0; e < m->nextra && with_extra; e++) {
        int k = header_find(c, m->extra[e].column);
        if (k < 0)
            return vci_parse_error(path, c->line, "load.columns maps attr.%s to '%s' but "
                                   "the header has no such column",
                                   m->extra[e].attr, m->extra[e].column);
        cm->extra[cm->nextra].name = (char *)m->extra[e].attr;
        cm->extra[cm->nextra++].col = k;
    }
    return VC_OK;
}

/* Column k of the current record, trimmed; empty when the record is
 * shorter (fields past nfields belong to earlier records). */
static vci_span column(const vci_csv *c, int k)
{
    if (k < 0 || (size_t)k >= c->nfields)
        return (vci_span){"", 0};
    return vci_trim(c->fields[k]);
}

static vci_span field_of(const vci_csv *c, const colmap *cm, field f)
{
    return column(c, cm->col[f]);
}

/* ---- the per-file readers ---------------------------------------------------------- */

typedef struct reader {
    vci_load *ld;
    const char *path;
    const vci_csv *c;
    const colmap *cm;
} reader;

#define SHOW(v) (int)VCI_MIN((v).n, (size_t)40), (v).s

/* A text field as UTF-8; false = reported as a bad line. */
static vc_status text_of(const reader *r, field f, vci_span *out, bool *ok)
{
    return vci_load_text(r->ld, field_of(r->c, r->cm, f), false, r->path, r->c->line,
                         fields[f].key, out, ok);
}

/* A number field (absent = fallback); false = reported. */
static vc_status number_of(const reader *r, field f, double fallback, double *out,
                           bool *ok)
{
    vci_span v = field_of(r->c, r->cm, f);
    *ok = true;
    if (r->cm->col[f] < 0 || v.n == 0) {
        *out = fallback;
        return VC_OK;
    }
    /* "£2.50", "1,234.5" are common in exports: drop a currency sign */
    while (v.n && (v.s[0] == '$' || (unsigned char)v.s[0] >= 0x80)) {
        v.s++;
        v.n--;
    }
    *ok = vci_parse_number(v.s, v.n, out);
    if (!*ok)
        return vci_load_bad_line(r->ld, r->path, r->c->line, "%s '%.*s' is not a number",
                                 fields[f].key, SHOW(field_of(r->c, r->cm, f)));
    return VC_OK;
}

/* Set a user's attribute unless it already holds that value (events files
 * repeat them on every row). */
static vc_status set_attr(vc_dataset *ds, uint32_t u, const char *name, vci_span v)
{
    uint32_t a;
    VCI_CHECK(vci_ds_attr(ds, name, strlen(name), &a));
    size_t cur = ds->user_attr[(size_t)u * ds->nattrs + a];
    if (cur && vci_strpool_strlen(&ds->strings, cur) == v.n &&
        memcmp(vci_ds_str(ds, cur), v.s, v.n) == 0)
        return VC_OK;
    return vci_ds_set_user_attr(ds, u, a, v.s, v.n);
}

static vc_status set_user_attrs(const reader *r, uint32_t u, bool *ok)
{
    vc_dataset *ds = r->ld->ds;
    for (int f = F_FIRST_ATTR; f < F_COUNT && *ok; f++) {
        if (r->cm->col[f] < 0)
            continue;
        vci_span v;
        VCI_CHECK(text_of(r, (field)f, &v, ok));
        if (*ok && v.n)
            VCI_CHECK(set_attr(ds, u, fields[f].key, v));
    }
    for (size_t e = 0; e < r->cm->nextra && *ok; e++) {
        vci_span v = column(r->c, r->cm->extra[e].col), t;
        VCI_CHECK(vci_load_text(r->ld, v, false, r->path, r->c->line,
                                r->cm->extra[e].name, &t, ok));
        if (*ok && t.n)
            VCI_CHECK(set_attr(ds, u, r->cm->extra[e].name, t));
    }
    return VC_OK;
}

/* Title, categories and price of an item from a row; an events row only
 * fills what the item does not have yet. */
static vc_status set_item_info(const reader *r, uint32_t item, bool fill_only,
                               bool *ok)
{
    vc_dataset *ds = r->ld->ds;
    vci_span v;
    if (r->cm->col[F_TITLE] >= 0 && (!fill_only || !ds->item_title[item])) {
        VCI_CHECK(text_of(r, F_TITLE, &v, ok));
        if (*ok && v.n)
            VCI_CHECK(vci_ds_set_item_title(ds, item, v.s, v.n));
    }
    if (*ok && r->cm->col[F_CATEGORY] >= 0 && (!fill_only || !ds->item_catlist[item])) {
        VCI_CHECK(text_of(r, F_CATEGORY, &v, ok));
        if (*ok && v.n)
            VCI_CHECK(vci_ds_set_item_categories(ds, item, v.s, v.n, '|'));
    }
    if (*ok && r->cm->col[F_PRICE] >= 0 &&
        (!fill_only || !ds->item_price || isnan(ds->item_price[item]))) {
        double price;
        VCI_CHECK(number_of(r, F_PRICE, NAN, &price, ok));
        if (*ok && price > 0)
            VCI_CHECK(vci_ds_set_item_price(ds, item, price));
    }
    return VC_OK;
}

typedef vc_status (*row_fn)(reader *r, void *ctx);

/* Walk a CSV file: the header gives the columns, fn sees each record. */
static vc_status walk_csv(vci_load *ld, const char *path, const mapping *m,
                          const bool *wanted, bool with_extra, field required,
                          row_fn fn, void *ctx)
{
    vci_file f;
    VCI_CHECK(vci_file_open(&f, path));
    vci_csv c;
    vci_csv_init(&c, f.data, f.size, ',');
    colmap cm;
    reader r = {ld, path, &c, &cm};
    vc_status s = VC_OK;
    bool header = true;
    size_t rows = 0, progress_every = 1 << 16;
    int rc;
    while (s == VC_OK && (rc = vci_csv_next(&c)) != 0) {
        if (rc == -2) {
            s = VC_ERR_NOMEM;
        } else if (rc == -1) {
            s = vci_load_bad_line(ld, path, c.line, "%s", c.err);
        } else if (header) {
            header = false;
            if (c.nfields == 1 && c.fields[0].n == 0)
                continue;
            s = map_columns(&c, m, path, wanted, with_extra, &cm);
            if (s == VC_OK && cm.col[required] < 0) {
                char cols[512] = "";
                header_columns(&c, cols, sizeof cols);
                s = vci_parse_error(path, c.line, "no %s column in the header (columns: "
                                    "%s); name it with load.columns, e.g. "
                                    "load.columns=%s=YourColumn",
                                    fields[required].key, cols, fields[required].key);
            }
            if (s == VC_OK && wanted[F_ITEM] && required == F_USER && cm.col[F_ITEM] < 0)
                s = vci_parse_error(path, c.line, "no item column in the header; name it "
                                    "with load.columns, e.g. load.columns=item=YourColumn");
        } else {
            s = fn(&r, ctx);
            if (s == VC_OK && ++rows % progress_every == 0)
                s = vci_progress_report(&ld->progress,
                                        (double)(size_t)(c.p - f.data) / (double)(f.size + 1));
        }
    }
    if (s == VC_OK && header)
        s = vci_parse_error(path, 0, "the file is empty (expected a header row)");
    vci_csv_free(&c);
    vci_file_close(&f);
    return s;
}

/* An id must come back whole as a C string: a NUL byte in it is a bad
 * line (*ok false). */
static vc_status check_id(reader *r, vci_span id, const char *what, bool *ok)
{
    *ok = memchr(id.s, '\0', id.n) == NULL;
    if (*ok)
        return VC_OK;
    return vci_load_bad_line(r->ld, r->path, r->c->line, "%s id holds a NUL byte", what);
}

/* users.csv: the user column and every other column as an attribute. */
static vc_status user_row(reader *r, void *ctx)
{
    (void)ctx;
    vci_span id;
    if (!vci_clean_id(field_of(r->c, r->cm, F_USER), &id))
        return vci_load_bad_line(r->ld, r->path, r->c->line, "empty user id");
    uint32_t u;
    bool ok = true;
    VCI_CHECK(check_id(r, id, "user", &ok));
    if (!ok)
        return VC_OK;
    VCI_CHECK(vci_ds_user(r->ld->ds, id.s, id.n, &u, NULL));
    return set_user_attrs(r, u, &ok);
}

static vc_status item_row(reader *r, void *ctx)
{
    (void)ctx;
    vci_span id;
    if (!vci_clean_id(field_of(r->c, r->cm, F_ITEM), &id))
        return vci_load_bad_line(r->ld, r->path, r->c->line, "empty item id");
    uint32_t i;
    bool ok = true;
    VCI_CHECK(check_id(r, id, "item", &ok));
    if (!ok)
        return VC_OK;
    VCI_CHECK(vci_ds_item(r->ld->ds, id.s, id.n, &i, NULL));
    return set_item_info(r, i, false, &ok);
}

typedef struct events_ctx {
    bool keep_cancellations;
    bool users_fixed, items_fixed;
    uint32_t cancel_type;
    uint32_t default_type;
} events_ctx;

static vc_status event_type_of(reader *r, const events_ctx *e, uint32_t *type,
                               bool *ok)
{
    *type = e->default_type;
    *ok = true;
    if (r->cm->col[F_EVENT] < 0)
        return VC_OK;
    vci_span v;
    VCI_CHECK(text_of(r, F_EVENT, &v, ok));
    if (!*ok)
        return VC_OK;
    if (v.n == 0 || v.n > 64) {
        *ok = false;
        return vci_load_bad_line(r->ld, r->path, r->c->line, "event type '%.*s' is %s",
                                 SHOW(v), v.n ? "too long" : "empty");
    }
    /* predefined names and common spellings, compared without case,
     * spaces or punctuation ("Add To Cart" is a collect) */
    static const struct { const char *alias; const char *type; } aliases[] = {
        {"rating", "rating"}, {"view", "view"}, {"like", "like"},
        {"collect", "collect"}, {"search", "search"}, {"comment", "comment"},
        {"purchase", "purchase"}, {"buy", "purchase"}, {"order", "purchase"},
        {"transaction", "purchase"}, {"click", "view"}, {"pv", "view"},
        {"browse", "view"}, {"fav", "collect"}, {"favorite", "collect"},
        {"favourite", "collect"}, {"cart", "collect"}, {"addtocart", "collect"},
        {"rate", "rating"}, {"review", "comment"}};
    char norm[65], lower[65];
    normalise(v.s, v.n, norm, sizeof norm);
    for (size_t a = 0; a < VCI_ARRAY_LEN(aliases); a++)
        if (strcmp(norm, aliases[a].alias) == 0)
            return vci_ds_event_type(r->ld->ds, aliases[a].type,
                                     strlen(aliases[a].type), type);
    for (size_t i = 0; i < v.n; i++)
        lower[i] = (v.s[i] >= 'A' && v.s[i] <= 'Z') ? (char)(v.s[i] + 32) : v.s[i];
    return vci_ds_event_type(r->ld->ds, lower, v.n, type);
}

static vc_status event_row(reader *r, void *ctx)
{
    events_ctx *e = ctx;
    vci_load *ld = r->ld;
    vc_dataset *ds = ld->ds;
    vci_span uid, iid;
    if (!vci_clean_id(field_of(r->c, r->cm, F_USER), &uid)) {
        ds->dropped++;  /* anonymous row */
        return VC_OK;
    }
    if (!vci_clean_id(field_of(r->c, r->cm, F_ITEM), &iid))
        return vci_load_bad_line(ld, r->path, r->c->line, "empty item id");
    bool ok;
    VCI_CHECK(check_id(r, uid, "user", &ok));
    if (ok)
        VCI_CHECK(check_id(r, iid, "item", &ok));
    if (!ok)
        return VC_OK;
    double qty, price, value, amount;
    uint32_t type;
    VCI_CHECK(number_of(r, F_QUANTITY, NAN, &qty, &ok));
    if (ok)
        VCI_CHECK(number_of(r, F_PRICE, NAN, &price, &ok));
    if (ok)
        VCI_CHECK(number_of(r, F_VALUE, NAN, &value, &ok));
    if (ok)
        VCI_CHECK(number_of(r, F_AMOUNT, NAN, &amount, &ok));
    if (ok)
        VCI_CHECK(event_type_of(r, e, &type, &ok));
    if (!ok)
        return VC_OK;
    int64_t time = 0;
    if (r->cm->col[F_TIME] >= 0) {
        vci_span t = field_of(r->c, r->cm, F_TIME);
        if (!vci_parse_time(t.s, t.n, &time))
            return vci_load_bad_line(ld, r->path, r->c->line,
                                     "time '%.*s' is not Unix seconds, ISO 8601, "
                                     "YYYY-MM-DD HH:MM[:SS] or M/D/YYYY H:MM", SHOW(t));
    }
    /* purchase rules */
    vci_span inv = field_of(r->c, r->cm, F_INVOICE);
    bool cancelled = (inv.n && (inv.s[0] == 'C' || inv.s[0] == 'c')) ||
                     (!isnan(qty) && qty < 0);
    if (cancelled && !e->keep_cancellations) {
        ds->dropped++;
        return VC_OK;
    }
    if ((!isnan(qty) && qty == 0) || (!isnan(price) && price <= 0 && !cancelled)) {
        ds->dropped++;
        return VC_OK;
    }
    if (cancelled) {
        if (e->cancel_type == UINT32_MAX)
            VCI_CHECK(vci_ds_event_type(ds, "cancel", 6, &e->cancel_type));
        type = e->cancel_type;
    }
    if (isnan(amount))
        amount = !isnan(qty) && !isnan(price) ? qty * price : 0;
    if (isnan(value))
        value = !isnan(qty) ? qty : 1;
    if (cancelled) {
        value = fabs(value);
        amount = -fabs(amount);
    }
    if (fabs(value) > 3e38 || fabs(amount) > 3e38)
        return vci_load_bad_line(ld, r->path, r->c->line, "value or amount too large");
    uint32_t u, i;
    bool uk = vci_ds_find_user(ds, uid.s, uid.n, &u);
    bool ik = vci_ds_find_item(ds, iid.s, iid.n, &i);
    if (!uk && e->users_fixed)
        return vci_load_bad_line(ld, r->path, r->c->line, "unknown user '%.*s' (not in "
                                 "users.csv)", SHOW(uid));
    if (!ik && e->items_fixed)
        return vci_load_bad_line(ld, r->path, r->c->line, "unknown item '%.*s' (not in "
                                 "items.csv)", SHOW(iid));
    VCI_CHECK(vci_ds_stage_reserve(ds, 1));
    if (!uk)
        VCI_CHECK(vci_ds_user(ds, uid.s, uid.n, &u, NULL));
    if (!ik)
        VCI_CHECK(vci_ds_item(ds, iid.s, iid.n, &i, NULL));
    ok = true;
    VCI_CHECK(set_user_attrs(r, u, &ok));
    if (ok)
        VCI_CHECK(set_item_info(r, i, true, &ok));
    if (!ok)
        return VC_OK;
    return vci_ds_stage(ds, u, i, type, (float)value, (float)amount, time);
}

/* The type of events without an event column. */
static vc_status default_type(const vci_load *ld, const colmap *cm, uint32_t *type)
{
    (void)ld;
    if (cm->col[F_QUANTITY] >= 0 || cm->col[F_PRICE] >= 0 || cm->col[F_AMOUNT] >= 0)
        *type = VC_EVENT_PURCHASE;
    else if (cm->col[F_VALUE] >= 0)
        *type = VC_EVENT_RATING;
    else
        *type = VC_EVENT_VIEW;
    return VC_OK;
}

static vc_status events_row_first(reader *r, void *ctx)
{
    events_ctx *e = ctx;
    if (e->default_type == UINT32_MAX)
        VCI_CHECK(default_type(r->ld, r->cm, &e->default_type));
    return event_row(r, ctx);
}

static vc_status side_file(vci_load *ld, const char *dir, const char *name,
                           const mapping *m, field key, row_fn fn, bool *present)
{
    *present = vci_path_is_file(dir, name);
    if (!*present)
        return VC_OK;
    char *path = vci_path_join(dir, name);
    if (!path)
        return VC_ERR_NOMEM;
    bool wanted[F_COUNT] = {false};
    wanted[key] = true;
    if (key == F_ITEM)
        wanted[F_TITLE] = wanted[F_CATEGORY] = wanted[F_PRICE] = true;
    vc_status s = walk_csv(ld, path, m, wanted, false, key, fn, NULL);
    vci_free(path);
    return s;
}

/* users.csv: every column but the user's is an attribute, by its header
 * name (a mapping of its own, built from the header). */
static vc_status users_file(vci_load *ld, const char *dir, const mapping *m,
                            bool *present)
{
    *present = vci_path_is_file(dir, "users.csv");
    if (!*present)
        return VC_OK;
    char *path = vci_path_join(dir, "users.csv");
    vci_file f;
    vc_status s = path ? vci_file_open(&f, path) : VC_ERR_NOMEM;
    if (s != VC_OK) {
        vci_free(path);
        return s;
    }
    vci_csv c;
    vci_csv_init(&c, f.data, f.size, ',');
    mapping um = *m;
    um.text = NULL;
    um.nextra = 0;
    int rc = vci_csv_next(&c);
    if (rc == 1) {
        bool wanted[F_COUNT] = {false};
        wanted[F_USER] = true;
        colmap cm;
        s = map_columns(&c, m, path, wanted, false, &cm);
        for (size_t i = 0; s == VC_OK && i < c.nfields; i++) {
            if ((int)i == cm.col[F_USER])
                continue;
            if (um.nextra == MAX_EXTRA) {
                s = vci_parse_error(path, 1, "more than %d attribute columns", MAX_EXTRA);
                break;
            }
            vci_span h = vci_trim(c.fields[i]);
            char *name = vci_strndup(h.s, h.n);
            if (!name) {
                s = VC_ERR_NOMEM;
                break;
            }
            um.extra[um.nextra].attr = name;
            um.extra[um.nextra++].column = name;
        }
    } else if (rc < 0) {
        s = rc == -2 ? VC_ERR_NOMEM : vci_parse_error(path, c.line, "%s", c.err);
    }
    vci_csv_free(&c);
    vci_file_close(&f);
    if (s == VC_OK) {
        bool wanted[F_COUNT] = {false};
        wanted[F_USER] = true;
        s = walk_csv(ld, path, &um, wanted, true, F_USER, user_row, NULL);
    }
    for (size_t i = 0; i < um.nextra; i++)
        vci_free((char *)um.extra[i].attr);
    vci_free(path);
    return s;
}

vc_status vci_load_merchant(vci_load *ld, const char *dir, const char *file)
{
    mapping m;
    vc_status s = parse_mapping(vci_opt_string(ld->opts, VCI_OPT_LOAD_COLUMNS), &m);
    events_ctx e = {vci_opt_bool(ld->opts, VCI_OPT_LOAD_KEEP_CANCELLATIONS), false,
                    false, UINT32_MAX, UINT32_MAX};
    bool events_file = !file || strcmp(file, "events.csv") == 0;
    if (s == VC_OK && events_file)
        s = users_file(ld, dir, &m, &e.users_fixed);
    if (s == VC_OK && events_file)
        s = side_file(ld, dir, "items.csv", &m, F_ITEM, item_row, &e.items_fixed);
    char *path = NULL;
    if (s == VC_OK) {
        path = vci_path_join(dir, file ? file : "events.csv");
        if (!path)
            s = VC_ERR_NOMEM;
    }
    if (s == VC_OK) {
        bool wanted[F_COUNT];
        for (int f = 0; f < F_COUNT; f++)
            wanted[f] = true;
        s = walk_csv(ld, path, &m, wanted, true, F_USER, events_row_first, &e);
    }
    if (s == VC_OK && ld->ds->staged.n == 0)
        s = vci_parse_error(path, 0, "no events (rows with a user, an item and, for "
                            "purchases, a positive quantity and price)");
    vci_free(path);
    vci_free(m.text);
    return s;
}
