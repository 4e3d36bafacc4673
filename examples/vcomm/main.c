/*
 * main.c - the vcomm tool: subcommand dispatch, common flags (--data,
 * --model, --format, --set, --json, --help), per-command flag parsing and
 * help text. Contract: ../shared/CLI.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_command *const commands[] = {
    &cmd_demo,   &cmd_stats,  &cmd_synth,  &cmd_portrait, &cmd_communities,
    &cmd_recommend, &cmd_target, &cmd_eval, &cmd_kmeans,  &cmd_build,
    &cmd_update, &cmd_report, &cmd_options,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const cli_flag data_flags[] = {
    {"--data", NULL, "PATH", "data directory (MovieLens 1M/100K/latest CSV, merchant CSV)"},
    {"--format", NULL, "NAME", "data format instead of auto-detection (sets load.format)"},
    {NULL, NULL, NULL, NULL}};
static const cli_flag model_flags[] = {
    {"--model", NULL, "FILE", "a model file from 'vcomm build' instead of --data"},
    {NULL, NULL, NULL, NULL}};
static const cli_flag json_flags[] = {
    {"--json", NULL, NULL, "print one JSON document on stdout"},
    {NULL, NULL, NULL, NULL}};
static const cli_flag always_flags[] = {
    {"--set", NULL, "NAME=VALUE", "set a library option (repeatable; see 'vcomm options')"},
    {"--help", "-h", NULL, "show this help"},
    {NULL, NULL, NULL, NULL}};

/* ---- parsed values ------------------------------------------------------- */

const char *cli_get(const cli_ctx *ctx, const char *flag)
{
    for (size_t i = ctx->nvalues; i-- > 0;)
        if (strcmp(ctx->values[i].flag, flag) == 0)
            return ctx->values[i].value;
    return NULL;
}

bool cli_has(const cli_ctx *ctx, const char *flag)
{
    return cli_get(ctx, flag) != NULL;
}

bool cli_get_int(const cli_ctx *ctx, const char *flag, long long lo,
                 long long hi, long long fallback, long long *out)
{
    const char *text = cli_get(ctx, flag);
    if (!text) {
        *out = fallback;
        return true;
    }
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        cli_usage_error(ctx, "%s needs a whole number from %lld to %lld, got '%s'",
                        flag, lo, hi, text);
        return false;
    }
    *out = v;
    return true;
}

bool cli_get_double(const cli_ctx *ctx, const char *flag, double fallback,
                    double *out)
{
    const char *text = cli_get(ctx, flag);
    if (!text) {
        *out = fallback;
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno) {
        cli_usage_error(ctx, "%s needs a number, got '%s'", flag, text);
        return false;
    }
    *out = v;
    return true;
}

/* ---- errors -------------------------------------------------------------- */

int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vcomm %s: ", ctx && ctx->cmd ? ctx->cmd->name : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'vcomm %s --help')\n",
            ctx && ctx->cmd ? ctx->cmd->name : "");
    return CLI_USAGE;
}

int cli_exit_code(vc_status status)
{
    if (status == VC_OK)
        return CLI_OK;
    if (status == VC_ERR_CANCELLED)
        return CLI_CANCELLED;
    if (status == VC_ERR_OPTION || status == VC_ERR_RANGE ||
        status == VC_ERR_INVALID)
        return CLI_USAGE;
    return CLI_DATA;
}

int cli_library_error(const cli_ctx *ctx, vc_status status)
{
    const char *msg = vc_last_error();
    cli_progress_clear();
    if (status == VC_ERR_CANCELLED)
        msg = "cancelled";
    fprintf(stderr, "vcomm %s: %s\n", ctx && ctx->cmd ? ctx->cmd->name : "",
            *msg ? msg : vc_status_str(status));
    return cli_exit_code(status);
}

/* ---- help ------------------------------------------------------------------ */

static void print_flags(FILE *out, const cli_flag *flags)
{
    for (const cli_flag *f = flags; f && f->name; f++) {
        char left[64];
        snprintf(left, sizeof left, "%s%s%s%s%s", f->alias ? f->alias : "",
                 f->alias ? ", " : "", f->name, f->arg ? " " : "",
                 f->arg ? f->arg : "");
        fprintf(out, "  %-24s %s\n", left, f->help);
    }
}

static void print_command_help(FILE *out, const cli_command *c)
{
    fprintf(out, "%s\n\nUsage: %s\n\nOptions:\n", c->summary, c->usage);
    print_flags(out, c->flags);
    if (c->takes & CLI_TAKES_DATA)
        print_flags(out, data_flags);
    if (c->takes & CLI_TAKES_MODEL)
        print_flags(out, model_flags);
    if (c->takes & CLI_TAKES_JSON)
        print_flags(out, json_flags);
    print_flags(out, always_flags);
    fprintf(out, "\nExample:\n  %s\n", c->example);
}

static void print_main_help(FILE *out)
{
    fprintf(out,
            "vcomm %s - user portraits, virtual communities and "
            "community-based recommendation\n\n"
            "Usage: vcomm COMMAND [options]   (vcomm COMMAND --help for more)\n\n"
            "Commands:\n",
            vc_version_string());
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "\nExit codes: 0 success, 1 usage error, 2 data or model error, 130 "
            "cancelled (Ctrl-C).\n"
            "Start with: vcomm demo\n");
}

/* ---- parsing ----------------------------------------------------------------- */

static const cli_flag *find_in(const cli_flag *flags, const char *arg,
                               size_t n)
{
    for (const cli_flag *f = flags; f && f->name; f++)
        if ((strlen(f->name) == n && strncmp(f->name, arg, n) == 0) ||
            (f->alias && strlen(f->alias) == n && strncmp(f->alias, arg, n) == 0))
            return f;
    return NULL;
}

static const cli_flag *find_flag(const cli_command *c, const char *arg,
                                 size_t n)
{
    const cli_flag *f = find_in(c->flags, arg, n);
    if (!f && (c->takes & CLI_TAKES_DATA))
        f = find_in(data_flags, arg, n);
    if (!f && (c->takes & CLI_TAKES_MODEL))
        f = find_in(model_flags, arg, n);
    if (!f && (c->takes & CLI_TAKES_JSON))
        f = find_in(json_flags, arg, n);
    if (!f)
        f = find_in(always_flags, arg, n);
    return f;
}

/* Apply flags that map onto library options. */
static int apply_option_flag(cli_ctx *ctx, const cli_flag *f,
                             const char *value)
{
    vc_status s = VC_OK;
    if (strcmp(f->name, "--set") == 0)
        s = vc_options_set_pair(ctx->opts, value);
    else if (strcmp(f->name, "--format") == 0)
        s = vc_options_set(ctx->opts, "load.format", value);
    if (s != VC_OK) {
        fprintf(stderr, "vcomm %s: %s: %s\n", ctx->cmd->name, f->name,
                vc_last_error());
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int parse_args(cli_ctx *ctx, int argc, char **argv, bool *help)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-')
            return cli_usage_error(ctx, "unexpected argument '%s'", arg);
        const char *eq = strchr(arg, '=');
        size_t n = eq && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
        const cli_flag *f = find_flag(ctx->cmd, arg, n);
        if (!f)
            return cli_usage_error(ctx, "unknown flag '%.*s'", (int)n, arg);
        const char *value = "1";
        if (f->arg) {
            if (eq && n < strlen(arg))
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return cli_usage_error(ctx, "%s needs a value (%s)", f->name,
                                       f->arg);
        } else if (eq && n < strlen(arg)) {
            return cli_usage_error(ctx, "%s takes no value", f->name);
        }
        if (strcmp(f->name, "--help") == 0) {
            *help = true;
            continue;
        }
        if (strcmp(f->name, "--json") == 0)
            ctx->json = true;
        int rc = apply_option_flag(ctx, f, value);
        if (rc != CLI_OK)
            return rc;
        if (ctx->nvalues == CLI_MAX_VALUES)
            return cli_usage_error(ctx, "too many flags");
        ctx->values[ctx->nvalues].flag = f->name;
        ctx->values[ctx->nvalues].value = value;
        ctx->nvalues++;
    }
    return CLI_OK;
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        strcmp(name, "help") == 0) {
        if (argc > 2 && find_command(argv[2])) {
            print_command_help(stdout, find_command(argv[2]));
            return CLI_OK;
        }
        print_main_help(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("vcomm %s\n", vc_version_string());
        return CLI_OK;
    }
    cli_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cmd = find_command(name);
    if (!ctx.cmd) {
        fprintf(stderr, "vcomm: unknown command '%s' (see 'vcomm --help')\n",
                name);
        return CLI_USAGE;
    }
    if (vc_options_new(&ctx.opts) != VC_OK) {
        fprintf(stderr, "vcomm: %s\n", vc_last_error());
        return CLI_DATA;
    }
    bool help = false;
    int rc = parse_args(&ctx, argc - 2, argv + 2, &help);
    if (rc == CLI_OK && help) {
        print_command_help(stdout, ctx.cmd);
    } else if (rc == CLI_OK) {
        if ((ctx.cmd->takes & CLI_TAKES_DATA) &&
            (ctx.cmd->takes & CLI_TAKES_MODEL) && cli_has(&ctx, "--data") &&
            cli_has(&ctx, "--model")) {
            rc = cli_usage_error(&ctx, "give --data or --model, not both");
        } else {
            cli_progress_start(&ctx);
            rc = ctx.cmd->run(&ctx);
            cli_progress_stop(&ctx);
        }
    }
    vc_options_free(ctx.opts);
    return rc;
}
