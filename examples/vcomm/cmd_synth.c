/*
 * cmd_synth.c - `vcomm synth`: write MovieLens-1M-format files with planted
 * communities (users.dat, movies.dat, ratings.dat) and their labels
 * (truth.csv), the built-in default data of `vcomm demo` at any size.
 * The flags set the synth.* options and seed. JSON: {"out", "users",
 * "items", "events", "communities"}.
 */
#include "pipeline.h"

/* --flag VALUE -> option NAME */
static const struct { const char *flag, *option; } sizes[] = {
    {"--users", "synth.users"},
    {"--items", "synth.items"},
    {"--events-per-user", "synth.events_per_user"},
    {"--communities", "synth.communities"},
    {"--seed", "seed"},
};

static int run(cli_ctx *ctx)
{
    const char *out = cli_get(ctx, "--out");
    if (!out)
        return cli_usage_error(ctx, "needs --out DIR");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const char *v = cli_get(ctx, sizes[i].flag);
        if (v && vc_options_set(ctx->opts, sizes[i].option, v) != VC_OK)
            return cli_usage_error(ctx, "%s: %s", sizes[i].flag, vc_last_error());
    }
    vc_dataset *ds = NULL;
    vc_status s = vc_dataset_synthesize(&ds, ctx->opts);
    if (s == VC_OK)
        s = vc_dataset_write_ml1m(ds, out);
    cli_progress_clear();
    if (s != VC_OK) {
        vc_dataset_free(ds);
        return cli_library_error(ctx, s);
    }
    int64_t communities = 0;
    vc_options_get_int(ctx->opts, "synth.communities", &communities);
    cli_print_written(ctx, out, ds, (size_t)communities,
                      "planted communities (users.dat, movies.dat, ratings.dat, truth.csv)");
    vc_dataset_free(ds);
    return CLI_OK;
}

static const cli_flag flags[] = {
    {"--out", NULL, "DIR", "output directory (created when missing)"},
    {"--users", NULL, "N", "number of users (synth.users, default 6040)"},
    {"--items", NULL, "N", "number of items (synth.items, default 3700)"},
    {"--events-per-user", NULL, "N", "mean ratings per user (default 80)"},
    {"--communities", NULL, "N", "planted communities (default 8)"},
    {"--seed", NULL, "S", "random seed (default 42)"},
    {NULL, NULL, NULL, NULL}};

const cli_command cmd_synth = {
    "synth", "write MovieLens-1M-format data with planted communities",
    "vcomm synth --out DIR [--users N --items N --events-per-user N "
    "--communities N --seed S] [--json]",
    "vcomm synth --out /tmp/synth --users 10000 --seed 7", CLI_TAKES_JSON, flags, run};
