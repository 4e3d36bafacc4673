/*
 * pipeline.c - see pipeline.h.
 */
#include <stdlib.h>

#include "pipeline.h"

static vc_status open_model(cli_pipeline *p, const char *path,
                            const vc_options *opts)
{
    vc_status s = vc_model_load(&p->model, path, opts);
    if (s == VC_OK) {
        p->ds = vc_model_dataset(p->model);
        p->pt = vc_model_portraits(p->model);
        p->cm = vc_model_communities(p->model);
    }
    return s;
}

int cli_pipeline_open(cli_ctx *ctx, cli_pipeline *p, cli_stage stage,
                      bool synth_default)
{
    memset(p, 0, sizeof *p);
    const char *data = cli_get(ctx, "--data"), *model = cli_get(ctx, "--model");
    vc_status s;
    if (model)
        s = open_model(p, model, ctx->opts);
    else if (data)
        s = vc_dataset_load(&p->own_ds, data, ctx->opts);
    else if (synth_default)
        s = vc_dataset_synthesize(&p->own_ds, ctx->opts);
    else
        return cli_usage_error(ctx, (ctx->cmd->takes & CLI_TAKES_MODEL)
                                        ? "needs --data PATH or --model FILE"
                                        : "needs --data PATH");
    if (!model) {
        p->ds = p->own_ds;
        if (s == VC_OK && stage >= CLI_STAGE_PORTRAITS)
            s = vc_portrait_build(&p->own_pt, p->ds, ctx->opts);
        p->pt = p->own_pt;
        if (s == VC_OK && stage >= CLI_STAGE_COMMUNITIES)
            s = vc_cluster_run(&p->own_cm, p->pt, ctx->opts);
        p->cm = p->own_cm;
    }
    cli_progress_clear();
    if (s != VC_OK) {
        int rc = cli_library_error(ctx, s);
        cli_pipeline_close(p);
        return rc;
    }
    return CLI_OK;
}

void cli_pipeline_close(cli_pipeline *p)
{
    vc_communities_free(p->own_cm);
    vc_portraits_free(p->own_pt);
    vc_dataset_free(p->own_ds);
    vc_model_free(p->model);
    memset(p, 0, sizeof *p);
}

void cli_json_counts(json_writer *w, const vc_dataset *ds)
{
    json_key(w, "users");
    json_uint(w, vc_dataset_user_count(ds));
    json_key(w, "items");
    json_uint(w, vc_dataset_item_count(ds));
    json_key(w, "events");
    json_uint(w, vc_dataset_event_count(ds));
}

void cli_print_written(const cli_ctx *ctx, const char *out, const vc_dataset *ds,
                       size_t communities, const char *communities_text)
{
    if (!ctx->json) {
        printf("wrote %s: %zu users, %zu items, %zu events, %zu %s\n", out,
               vc_dataset_user_count(ds), vc_dataset_item_count(ds),
               vc_dataset_event_count(ds), communities, communities_text);
        return;
    }
    json_writer w;
    json_init(&w, stdout);
    json_begin_object(&w);
    json_key(&w, "out");
    json_string(&w, out);
    cli_json_counts(&w, ds);
    json_key(&w, "communities");
    json_uint(&w, communities);
    json_end_object(&w);
    json_finish(&w);
}

uint32_t cli_user_segment(const vc_communities *cm, size_t user)
{
    size_t count = 0, nglobal = vc_communities_global_count(cm);
    vc_user_communities(cm, user, NULL, NULL, 0, &count);
    uint32_t *comms = malloc((count ? count : 1) * sizeof *comms);
    uint32_t seg = UINT32_MAX;
    if (comms && vc_user_communities(cm, user, comms, NULL, count, &count) == VC_OK)
        for (size_t j = 0; j < count && seg == UINT32_MAX; j++)
            if (comms[j] < nglobal)
                seg = comms[j];
    free(comms);
    return seg;
}

const char *cli_persona_traits(const char *persona, size_t *size_len)
{
    size_t n = strcspn(persona, ",;");
    *size_len = n;
    if (!persona[n])
        return "";
    return persona + n + 1 + (persona[n + 1] == ' ');
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
