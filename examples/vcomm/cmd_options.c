/*
 * cmd_options.c - `vcomm options`: prints the library's options registry
 * (name, type, default, doc) as a table or, with --json, as an array.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *type_word(vc_option_type t)
{
    switch (t) {
    case VC_OPTION_INT: return "int";
    case VC_OPTION_FLOAT: return "float";
    case VC_OPTION_BOOL: return "bool";
    case VC_OPTION_STRING: return "string";
    }
    return "?";
}

/* The default as a typed JSON value. */
static void json_default(json_writer *w, vc_option_type t, const char *text)
{
    switch (t) {
    case VC_OPTION_INT:
        json_int(w, strtoll(text, NULL, 10));
        break;
    case VC_OPTION_FLOAT:
        json_double(w, strtod(text, NULL));
        break;
    case VC_OPTION_BOOL:
        json_bool(w, strcmp(text, "true") == 0 || strcmp(text, "1") == 0);
        break;
    case VC_OPTION_STRING:
        json_string(w, text);
        break;
    }
}

static int run_options(cli_ctx *ctx)
{
    size_t n = vc_option_count();
    json_writer w;
    if (ctx->json) {
        json_init(&w, stdout);
        json_begin_array(&w);
    } else {
        printf("%-28s %-7s %-12s %s\n", "NAME", "TYPE", "DEFAULT", "MEANING");
    }
    for (size_t i = 0; i < n; i++) {
        const char *name, *def, *doc;
        vc_option_type type;
        vc_status s = vc_option_info(i, &name, &type, &def, &doc);
        if (s != VC_OK)
            return cli_library_error(ctx, s);
        if (ctx->json) {
            json_begin_object(&w);
            json_key(&w, "name");
            json_string(&w, name);
            json_key(&w, "type");
            json_string(&w, type_word(type));
            json_key(&w, "default");
            json_default(&w, type, def);
            json_key(&w, "doc");
            json_string(&w, doc);
            json_end_object(&w);
        } else {
            printf("%-28s %-7s %-12s %s\n", name, type_word(type), def, doc);
        }
    }
    if (ctx->json) {
        json_end_array(&w);
        json_finish(&w);
    }
    return CLI_OK;
}

static const cli_flag options_flags[] = {{NULL, NULL, NULL, NULL}};

const cli_command cmd_options = {
    "options", "list every library option with its type, default and meaning",
    "vcomm options [--json]", "vcomm options --json", CLI_TAKES_JSON,
    options_flags, run_options};
