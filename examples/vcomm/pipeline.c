/*
 * pipeline.c - see pipeline.h.
 */
#include "pipeline.h"

int cli_pipeline_open(cli_ctx *ctx, cli_pipeline *p, cli_stage stage,
                      bool synth_default)
{
    memset(p, 0, sizeof *p);
    const char *data = cli_get(ctx, "--data");
    vc_status s;
    if (data)
        s = vc_dataset_load(&p->ds, data, ctx->opts);
    else if (synth_default)
        s = vc_dataset_synthesize(&p->ds, ctx->opts);
    else
        return cli_usage_error(ctx, "needs --data PATH");
    if (s == VC_OK && stage >= CLI_STAGE_PORTRAITS)
        s = vc_portrait_build(&p->pt, p->ds, ctx->opts);
    if (s == VC_OK && stage >= CLI_STAGE_COMMUNITIES)
        s = vc_cluster_run(&p->cm, p->pt, ctx->opts);
    if (s != VC_OK) {
        int rc = cli_library_error(ctx, s);
        cli_pipeline_close(p);
        return rc;
    }
    return CLI_OK;
}

void cli_pipeline_close(cli_pipeline *p)
{
    vc_communities_free(p->cm);
    vc_portraits_free(p->pt);
    vc_dataset_free(p->ds);
    memset(p, 0, sizeof *p);
}

int cli_user_index(const cli_ctx *ctx, const vc_dataset *ds, const char *id,
                   size_t *index)
{
    vc_status s = vc_dataset_user_index(ds, id, index);
    return s == VC_OK ? CLI_OK : cli_library_error(ctx, s);
}

int cli_item_index(const cli_ctx *ctx, const vc_dataset *ds, const char *id,
                   size_t *index)
{
    vc_status s = vc_dataset_item_index(ds, id, index);
    return s == VC_OK ? CLI_OK : cli_library_error(ctx, s);
}
