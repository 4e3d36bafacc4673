/*
 * options.c - the options object and its registry (options_table.h).
 *
 * Invariants: a vc_options always holds a valid value of the right type and
 * range for every registered option; setters validate before they change
 * anything; NULL options read the defaults, parsed once from the table.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core.h"
#include "options_internal.h"

typedef struct option_def {
    const char *name;
    vc_option_type type;
    const char *default_text;
    double lo, hi;
    const char *words;
    const char *doc;
} option_def;

static const option_def registry[VCI_OPT_COUNT] = {
#define VCI_OPTION(id, name, type, def, lo, hi, words, doc) \
    {name, VC_OPTION_##type, def, (double)(lo), (double)(hi), words, doc},
#include "options_table.h"
#undef VCI_OPTION
};

/* Registry docs with the range or words appended, built once. */
#define DOC_MAX 400
static char full_docs[VCI_OPT_COUNT][DOC_MAX];
static vc_options defaults;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

static vc_status parse_value(const option_def *d, const char *text,
                             vci_option_value *out);

static void format_range(const option_def *d, char *buf, size_t size)
{
    switch (d->type) {
    case VC_OPTION_INT:
        snprintf(buf, size, " [%.0f..%.0f]", d->lo, d->hi);
        break;
    case VC_OPTION_FLOAT:
        snprintf(buf, size, " [%g..%g]", d->lo, d->hi);
        break;
    case VC_OPTION_BOOL:
        snprintf(buf, size, " [true|false]");
        break;
    case VC_OPTION_STRING:
        if (d->words)
            snprintf(buf, size, " [%s]", d->words);
        else
            buf[0] = '\0';
        break;
    }
}

static void registry_init(void)
{
    for (size_t i = 0; i < VCI_OPT_COUNT; i++) {
        const option_def *d = &registry[i];
        char range[200];
        format_range(d, range, sizeof range);
        snprintf(full_docs[i], DOC_MAX, "%s%s", d->doc, range);
        /* Defaults are checked by the tests; a bad one would read as 0. */
        if (parse_value(d, d->default_text, &defaults.value[i]) != VC_OK)
            memset(&defaults.value[i], 0, sizeof defaults.value[i]);
    }
    vci_clear_error();
}

static const vc_options *defaults_get(void)
{
    pthread_once(&registry_once, registry_init);
    return &defaults;
}

/* ---- name lookup -------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            best = VCI_MIN(best, up + 1);
            best = VCI_MIN(best, row[j - 1] + 1);
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static vc_status unknown_option(const char *name)
{
    size_t best = SIZE_MAX, best_i = 0;
    for (size_t i = 0; i < VCI_OPT_COUNT; i++) {
        size_t d = edit_distance(name, registry[i].name);
        if (d < best) {
            best = d;
            best_i = i;
        }
    }
    if (best <= 3)
        return vci_error(VC_ERR_OPTION,
                         "unknown option '%s' (did you mean '%s'? "
                         "'vcomm options' lists them all)",
                         name, registry[best_i].name);
    return vci_error(VC_ERR_OPTION,
                     "unknown option '%s' ('vcomm options' lists them all)",
                     name);
}

static vc_status find(const char *name, size_t *index)
{
    if (!name)
        return vci_error(VC_ERR_INVALID, "option name is NULL");
    for (size_t i = 0; i < VCI_OPT_COUNT; i++)
        if (strcmp(registry[i].name, name) == 0) {
            *index = i;
            return VC_OK;
        }
    return unknown_option(name);
}

static const char *type_name(vc_option_type t)
{
    switch (t) {
    case VC_OPTION_INT: return "an integer";
    case VC_OPTION_FLOAT: return "a number";
    case VC_OPTION_BOOL: return "a boolean";
    case VC_OPTION_STRING: return "a string";
    }
    return "?";
}

static vc_status wrong_type(const option_def *d, vc_option_type asked)
{
    return vci_error(VC_ERR_OPTION, "option '%s' is %s, not %s", d->name,
                     type_name(d->type), type_name(asked));
}

/* ---- validation and parsing -------------------------------------------- */

static bool word_allowed(const char *words, const char *value)
{
    size_t n = strlen(value);
    const char *p = words;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0)
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

static vc_status check_number(const option_def *d, double v)
{
    if (!(v >= d->lo && v <= d->hi)) {
        char range[200];
        format_range(d, range, sizeof range);
        return vci_error(VC_ERR_RANGE, "option '%s' must be in%s, got %.17g",
                         d->name, range, v);
    }
    return VC_OK;
}

static vc_status check_string(const option_def *d, const char *v)
{
    if (d->words && !word_allowed(d->words, v))
        return vci_error(VC_ERR_RANGE, "option '%s' must be one of %s, got '%s'",
                         d->name, d->words, v);
    return VC_OK;
}

static bool equals_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

static vc_status parse_value(const option_def *d, const char *text,
                             vci_option_value *out)
{
    char *end;
    errno = 0;
    switch (d->type) {
    case VC_OPTION_INT: {
        long long v = strtoll(text, &end, 10);
        if (end == text || *end || errno == ERANGE ||
            isspace((unsigned char)*text))
            return vci_error(VC_ERR_PARSE,
                             "option '%s' needs an integer, got '%s'",
                             d->name, text);
        VCI_CHECK(check_number(d, (double)v));
        out->i = v;
        return VC_OK;
    }
    case VC_OPTION_FLOAT: {
        double v = strtod(text, &end);
        if (end == text || *end || !isfinite(v) ||
            isspace((unsigned char)*text))
            return vci_error(VC_ERR_PARSE,
                             "option '%s' needs a number, got '%s'", d->name,
                             text);
        VCI_CHECK(check_number(d, v));
        out->f = v;
        return VC_OK;
    }
    case VC_OPTION_BOOL: {
        static const char *const yes[] = {"1", "true", "yes", "on"};
        static const char *const no[] = {"0", "false", "no", "off"};
        for (size_t i = 0; i < 4; i++) {
            if (equals_nocase(text, yes[i])) {
                out->i = 1;
                return VC_OK;
            }
            if (equals_nocase(text, no[i])) {
                out->i = 0;
                return VC_OK;
            }
        }
        return vci_error(VC_ERR_PARSE,
                         "option '%s' needs true or false, got '%s'", d->name,
                         text);
    }
    case VC_OPTION_STRING:
        VCI_CHECK(check_string(d, text));
        out->s = text;
        return VC_OK;
    }
    return vci_error(VC_ERR_INTERNAL, "option '%s' has no type", d->name);
}

/* ---- the object --------------------------------------------------------- */

VC_API vc_status vc_options_new(vc_options **out)
{
    return vc_options_copy(out, NULL);
}

VC_API vc_status vc_options_copy(vc_options **out, const vc_options *src)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_options_copy: out is NULL");
    *out = NULL;
    if (!src)
        src = defaults_get();
    vc_options *o = vci_malloc(sizeof *o);
    if (!o)
        return VC_ERR_NOMEM;
    *o = *src;
    memset(o->owned, 0, sizeof o->owned);
    for (size_t i = 0; i < VCI_OPT_COUNT; i++) {
        if (!src->owned[i])
            continue;
        o->owned[i] = vci_strdup(src->owned[i]);
        if (!o->owned[i]) {
            vc_options_free(o);
            return VC_ERR_NOMEM;
        }
        o->value[i].s = o->owned[i];
    }
    *out = o;
    return VC_OK;
}

VC_API void vc_options_free(vc_options *opts)
{
    if (!opts)
        return;
    for (size_t i = 0; i < VCI_OPT_COUNT; i++)
        vci_free(opts->owned[i]);
    vci_free(opts);
}

/* Look up name for a setter/getter and check the handle. */
static vc_status lookup(const vc_options *opts, bool need_opts,
                        const char *name, size_t *index)
{
    vci_clear_error();
    if (need_opts && !opts)
        return vci_error(VC_ERR_INVALID, "options handle is NULL");
    defaults_get();
    return find(name, index);
}

VC_API vc_status vc_options_set_int(vc_options *opts, const char *name,
                                    int64_t value)
{
    size_t i;
    VCI_CHECK(lookup(opts, true, name, &i));
    const option_def *d = &registry[i];
    switch (d->type) {
    case VC_OPTION_INT:
        VCI_CHECK(check_number(d, (double)value));
        opts->value[i].i = value;
        return VC_OK;
    case VC_OPTION_FLOAT:
        if ((int64_t)(double)value != value)
            return vci_error(VC_ERR_RANGE,
                             "option '%s': %lld is not exact as a number",
                             name, (long long)value);
        return vc_options_set_float(opts, name, (double)value);
    case VC_OPTION_BOOL:
        if (value != 0 && value != 1)
            return vci_error(VC_ERR_RANGE, "option '%s' is 0 or 1, got %lld",
                             name, (long long)value);
        opts->value[i].i = value;
        return VC_OK;
    default:
        return wrong_type(d, VC_OPTION_INT);
    }
}

VC_API vc_status vc_options_set_float(vc_options *opts, const char *name,
                                      double value)
{
    size_t i;
    VCI_CHECK(lookup(opts, true, name, &i));
    const option_def *d = &registry[i];
    if (d->type != VC_OPTION_FLOAT)
        return wrong_type(d, VC_OPTION_FLOAT);
    if (!isfinite(value))
        return vci_error(VC_ERR_RANGE, "option '%s' must be finite", name);
    VCI_CHECK(check_number(d, value));
    opts->value[i].f = value;
    return VC_OK;
}

VC_API vc_status vc_options_set_bool(vc_options *opts, const char *name,
                                     int value)
{
    size_t i;
    VCI_CHECK(lookup(opts, true, name, &i));
    if (registry[i].type != VC_OPTION_BOOL)
        return wrong_type(&registry[i], VC_OPTION_BOOL);
    opts->value[i].i = value != 0;
    return VC_OK;
}

static vc_status store_string(vc_options *opts, size_t i, const char *value)
{
    char *copy = vci_strdup(value);
    if (!copy)
        return VC_ERR_NOMEM;
    vci_free(opts->owned[i]);
    opts->owned[i] = copy;
    opts->value[i].s = copy;
    return VC_OK;
}

VC_API vc_status vc_options_set_string(vc_options *opts, const char *name,
                                       const char *value)
{
    size_t i;
    VCI_CHECK(lookup(opts, true, name, &i));
    const option_def *d = &registry[i];
    if (d->type != VC_OPTION_STRING)
        return wrong_type(d, VC_OPTION_STRING);
    VCI_REQUIRE(value, "option '%s': value is NULL", name);
    VCI_CHECK(check_string(d, value));
    return store_string(opts, i, value);
}

VC_API vc_status vc_options_set(vc_options *opts, const char *name,
                                const char *text)
{
    size_t i;
    VCI_CHECK(lookup(opts, true, name, &i));
    VCI_REQUIRE(text, "option '%s': value is NULL", name);
    vci_option_value v;
    VCI_CHECK(parse_value(&registry[i], text, &v));
    if (registry[i].type == VC_OPTION_STRING)
        return store_string(opts, i, text);
    opts->value[i] = v;
    return VC_OK;
}

VC_API vc_status vc_options_set_pair(vc_options *opts, const char *pair)
{
    vci_clear_error();
    VCI_REQUIRE(opts && pair, "vc_options_set_pair: NULL argument");
    const char *eq = strchr(pair, '=');
    if (!eq || eq == pair)
        return vci_error(VC_ERR_PARSE, "expected NAME=VALUE, got '%s'", pair);
    char name[128];
    size_t n = (size_t)(eq - pair);
    if (n >= sizeof name)
        return vci_error(VC_ERR_OPTION, "option name too long in '%s'", pair);
    memcpy(name, pair, n);
    name[n] = '\0';
    return vc_options_set(opts, name, eq + 1);
}

static vc_status getter(const vc_options **opts, const char *name,
                        const void *out, vc_option_type want, size_t *i)
{
    VCI_CHECK(lookup(*opts, false, name, i));
    VCI_REQUIRE(out, "option '%s': out is NULL", name);
    if (!*opts)
        *opts = &defaults;
    vc_option_type t = registry[*i].type;
    if (t != want && !(want == VC_OPTION_FLOAT && t == VC_OPTION_INT))
        return wrong_type(&registry[*i], want);
    return VC_OK;
}

VC_API vc_status vc_options_get_int(const vc_options *opts, const char *name,
                                    int64_t *out)
{
    size_t i;
    VCI_CHECK(getter(&opts, name, out, VC_OPTION_INT, &i));
    *out = opts->value[i].i;
    return VC_OK;
}

VC_API vc_status vc_options_get_float(const vc_options *opts,
                                      const char *name, double *out)
{
    size_t i;
    VCI_CHECK(getter(&opts, name, out, VC_OPTION_FLOAT, &i));
    *out = registry[i].type == VC_OPTION_INT ? (double)opts->value[i].i
                                             : opts->value[i].f;
    return VC_OK;
}

VC_API vc_status vc_options_get_bool(const vc_options *opts, const char *name,
                                     int *out)
{
    size_t i;
    VCI_CHECK(getter(&opts, name, out, VC_OPTION_BOOL, &i));
    *out = (int)opts->value[i].i;
    return VC_OK;
}

VC_API vc_status vc_options_get_string(const vc_options *opts,
                                       const char *name, const char **out)
{
    size_t i;
    VCI_CHECK(getter(&opts, name, out, VC_OPTION_STRING, &i));
    *out = opts->value[i].s;
    return VC_OK;
}

/* Shortest "%.*g" text that reads back as exactly v. */
static void format_double(double v, char *buf, size_t size)
{
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

VC_API vc_status vc_options_format(const vc_options *opts, const char *name,
                                   char *buf, size_t size, size_t *needed)
{
    size_t i;
    VCI_CHECK(lookup(opts, false, name, &i));
    VCI_REQUIRE(buf || size == 0, "vc_options_format: buf is NULL");
    if (!opts)
        opts = &defaults;
    char num[64];
    const char *text = num;
    switch (registry[i].type) {
    case VC_OPTION_INT:
        snprintf(num, sizeof num, "%lld", (long long)opts->value[i].i);
        break;
    case VC_OPTION_FLOAT:
        format_double(opts->value[i].f, num, sizeof num);
        break;
    case VC_OPTION_BOOL:
        text = opts->value[i].i ? "true" : "false";
        break;
    case VC_OPTION_STRING:
        text = opts->value[i].s;
        break;
    }
    size_t len = strlen(text);
    if (needed)
        *needed = len;
    if (size > 0) {
        size_t n = VCI_MIN(len, size - 1);
        memcpy(buf, text, n);
        buf[n] = '\0';
    }
    if (len >= size)
        return vci_error(VC_ERR_BUFFER,
                         "option '%s': value needs %zu bytes, buffer has %zu",
                         name, len + 1, size);
    return VC_OK;
}

VC_API vc_status vc_options_set_progress(vc_options *opts, vc_progress_fn fn,
                                         void *userdata)
{
    vci_clear_error();
    VCI_REQUIRE(opts, "vc_options_set_progress: options handle is NULL");
    opts->progress_fn = fn;
    opts->progress_userdata = fn ? userdata : NULL;
    return VC_OK;
}

/* ---- registry ----------------------------------------------------------- */

VC_API size_t vc_option_count(void)
{
    return VCI_OPT_COUNT;
}

VC_API vc_status vc_option_info(size_t index, const char **name,
                                vc_option_type *type,
                                const char **default_value, const char **doc)
{
    vci_clear_error();
    defaults_get();
    if (index >= VCI_OPT_COUNT)
        return vci_error(VC_ERR_NOT_FOUND,
                         "option index %zu out of range (%zu options)", index,
                         (size_t)VCI_OPT_COUNT);
    const option_def *d = &registry[index];
    if (name)
        *name = d->name;
    if (type)
        *type = d->type;
    if (default_value)
        *default_value = d->default_text;
    if (doc)
        *doc = full_docs[index];
    return VC_OK;
}

VC_API vc_status vc_option_find(const char *name, size_t *index)
{
    size_t i;
    VCI_CHECK(lookup(NULL, false, name, &i));
    VCI_REQUIRE(index, "vc_option_find: index is NULL");
    *index = i;
    return VC_OK;
}

/* ---- internal typed reads ---------------------------------------------- */

static const vci_option_value *internal_value(const vc_options *opts,
                                              vci_option_id id)
{
    return opts ? &opts->value[id] : &defaults_get()->value[id];
}

int64_t vci_opt_int(const vc_options *opts, vci_option_id id)
{
    return internal_value(opts, id)->i;
}

double vci_opt_float(const vc_options *opts, vci_option_id id)
{
    if (registry[id].type == VC_OPTION_INT)
        return (double)internal_value(opts, id)->i;
    return internal_value(opts, id)->f;
}

bool vci_opt_bool(const vc_options *opts, vci_option_id id)
{
    return internal_value(opts, id)->i != 0;
}

const char *vci_opt_string(const vc_options *opts, vci_option_id id)
{
    return internal_value(opts, id)->s;
}
