/*
 * fuzz_options.c - libFuzzer target: options set by name from text. Input:
 * lines "NAME=VALUE" (at most 64), each applied with vc_options_set_pair()
 * and, when NAME is known, once more through the typed setter of its type
 * (value read with strtoll / strtod) and vc_options_set_string().
 * Invariants checked: every call returns VC_OK or a documented error with
 * a message; a failed call leaves every option as it was; afterwards every
 * option formats, parses back to the same text (vc_options_format ->
 * vc_options_set -> vc_options_format), reads through its typed getter, and
 * a copy holds the same values; a too small buffer gives VC_ERR_BUFFER and a
 * terminated prefix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"

/* Every option's value as text, one per line, malloc'ed. */
static char *snapshot(const vc_options *o)
{
    size_t n = vc_option_count(), len = 0, capacity = 256;
    char *all = malloc(capacity);
    FZ_ASSERT(all);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        FZ_ASSERT(vc_option_info(i, &name, NULL, NULL, NULL) == VC_OK);
        char text[4096];
        size_t need = 0;
        vc_status s = vc_options_format(o, name, text, sizeof text, &need);
        FZ_ASSERT(s == VC_OK || s == VC_ERR_BUFFER);
        while (len + need + 2 > capacity) {
            capacity *= 2;
            all = realloc(all, capacity);
            FZ_ASSERT(all);
        }
        if (s == VC_OK)
            memcpy(all + len, text, need + 1);
        else
            FZ_ASSERT(vc_options_format(o, name, all + len, need + 1, &need) == VC_OK);
        FZ_ASSERT(strlen(all + len) == need);
        len += need;
        all[len++] = '\n';
        all[len] = '\0';
    }
    return all;
}

static int clean_status(vc_status s)
{
    return s == VC_OK || s == VC_ERR_OPTION || s == VC_ERR_RANGE || s == VC_ERR_PARSE ||
           s == VC_ERR_INVALID;
}

/* One setter call: s is its status, prev a copy of the options made just
 * before it. On error the options must be unchanged. */
static void after(vc_status s, const vc_options *o, vc_options *prev)
{
    FZ_ASSERT(clean_status(s));
    FZ_ASSERT(s == VC_OK || vc_last_error()[0] != '\0');
    if (s != VC_OK) { /* (formatting sets the message: checked first) */
        char *a = snapshot(prev), *b = snapshot(o);
        FZ_ASSERT(strcmp(a, b) == 0);
        free(a);
        free(b);
    }
    vc_options_free(prev);
}

static vc_options *copy_of(const vc_options *o)
{
    vc_options *c = NULL;
    FZ_ASSERT(vc_options_copy(&c, o) == VC_OK);
    return c;
}

/* Run CALL on o with the unchanged-on-error check. */
#define CHECKED(o, call)                       \
    do {                                       \
        vc_options *prev_ = copy_of(o);        \
        vc_status s_ = (call);                 \
        after(s_, o, prev_);                   \
    } while (0)

static void apply_line(vc_options *o, const char *line)
{
    CHECKED(o, vc_options_set_pair(o, line));
    const char *eq = strchr(line, '=');
    if (!eq)
        return;
    char name[256];
    size_t n = (size_t)(eq - line);
    if (n >= sizeof name)
        return;
    memcpy(name, line, n);
    name[n] = '\0';
    const char *value = eq + 1;
    size_t index;
    if (vc_option_find(name, &index) != VC_OK)
        return;
    vc_option_type type;
    FZ_ASSERT(vc_option_info(index, NULL, &type, NULL, NULL) == VC_OK);
    switch (type) {
    case VC_OPTION_INT:
        CHECKED(o, vc_options_set_int(o, name, strtoll(value, NULL, 10)));
        break;
    case VC_OPTION_FLOAT:
        CHECKED(o, vc_options_set_float(o, name, strtod(value, NULL)));
        break;
    case VC_OPTION_BOOL:
        CHECKED(o, vc_options_set_bool(o, name, atoi(value)));
        break;
    default:
        break;
    }
    CHECKED(o, vc_options_set_string(o, name, value));
    CHECKED(o, vc_options_set(o, name, value));
}

static void check_round_trip(vc_options *o)
{
    for (size_t i = 0; i < vc_option_count(); i++) {
        const char *name, *def, *doc;
        vc_option_type type;
        FZ_ASSERT(vc_option_info(i, &name, &type, &def, &doc) == VC_OK);
        char text[4096], again[4096], small[3];
        size_t need = 0;
        vc_status s = vc_options_format(o, name, text, sizeof text, &need);
        if (s == VC_ERR_BUFFER)
            continue; /* a string option longer than the buffer */
        FZ_ASSERT(s == VC_OK);
        s = vc_options_format(o, name, small, sizeof small, NULL);
        FZ_ASSERT(need < sizeof small ? s == VC_OK : s == VC_ERR_BUFFER);
        FZ_ASSERT(strlen(small) == (need < sizeof small ? need : sizeof small - 1));
        s = vc_options_set(o, name, text);
        if (s != VC_OK)
            fprintf(stderr, "%s=%s does not parse back: %s\n", name, text, vc_last_error());
        FZ_ASSERT(s == VC_OK);
        FZ_ASSERT(vc_options_format(o, name, again, sizeof again, NULL) == VC_OK);
        if (strcmp(text, again) != 0)
            fprintf(stderr, "%s: '%s' formats back as '%s'\n", name, text, again);
        FZ_ASSERT(strcmp(text, again) == 0);
        int64_t iv;
        double fv;
        int bv;
        const char *sv;
        switch (type) {
        case VC_OPTION_INT:
            FZ_ASSERT(vc_options_get_int(o, name, &iv) == VC_OK);
            FZ_ASSERT(vc_options_get_float(o, name, &fv) == VC_OK);
            break;
        case VC_OPTION_FLOAT:
            FZ_ASSERT(vc_options_get_float(o, name, &fv) == VC_OK);
            break;
        case VC_OPTION_BOOL:
            FZ_ASSERT(vc_options_get_bool(o, name, &bv) == VC_OK && (bv == 0 || bv == 1));
            break;
        default:
            FZ_ASSERT(vc_options_get_string(o, name, &sv) == VC_OK && sv != NULL);
            FZ_ASSERT(strcmp(sv, text) == 0);
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vc_options *o = NULL;
    FZ_ASSERT(vc_options_new(&o) == VC_OK);
    char line[1024];
    size_t pos = 0;
    for (int k = 0; k < 64 && pos < size; k++) {
        size_t n = 0;
        while (pos + n < size && data[pos + n] != '\n')
            n++;
        size_t keep = n < sizeof line - 1 ? n : sizeof line - 1;
        memcpy(line, data + pos, keep);
        line[keep] = '\0'; /* an embedded NUL ends the line early: fine */
        pos += n + 1;
        apply_line(o, line);
    }
    check_round_trip(o);
    vc_options *copy = NULL;
    FZ_ASSERT(vc_options_copy(&copy, o) == VC_OK);
    char *a = snapshot(o), *b = snapshot(copy);
    FZ_ASSERT(strcmp(a, b) == 0);
    free(a);
    free(b);
    vc_options_free(copy);
    vc_options_free(o);
    return 0;
}
