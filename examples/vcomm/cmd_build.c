/*
 * cmd_build.c - `vcomm build --data PATH --out MODEL`: load, build
 * portraits and communities, and save everything serving needs as one
 * model file (docs/model-format.md). JSON: {"out", "users", "items",
 * "events", "communities"}.
 */
#include "pipeline.h"

static int run(cli_ctx *ctx)
{
    const char *out = cli_get(ctx, "--out");
    if (!out)
        return cli_usage_error(ctx, "needs --out MODEL");
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_COMMUNITIES, false);
    if (rc != CLI_OK)
        return rc;
    vc_status s = vc_model_save(p.cm, out, ctx->opts);
    cli_progress_clear();
    if (s != VC_OK)
        rc = cli_library_error(ctx, s);
    else
        cli_print_written(ctx, out, p.ds, vc_communities_count(p.cm), "communities");
    cli_pipeline_close(&p);
    return rc;
}

static const cli_flag flags[] = {
    {"--out", NULL, "MODEL", "the model file to write"}, {NULL, NULL, NULL, NULL}};

const cli_command cmd_build = {
    "build", "build portraits and communities and write a model file",
    "vcomm build --data PATH --out MODEL [--json]",
    "vcomm build --data ../shared/data/ml-100k --out ml100k.vcm",
    CLI_TAKES_DATA | CLI_TAKES_JSON, flags, run};
