/*
 * cmd_update.c - `vcomm update --model MODEL --events FILE --out MODEL2`:
 * the feedback loop from the command line (vc_model_update). New events
 * (the data set's own event format, or --format's) are appended, the
 * touched portraits recomputed, the touched users placed into the existing
 * communities (or, with --refresh, every clustering re-run warm-started),
 * and the updated model written. Prints the drift report: movers and the
 * communities that grew, shrank, split or appeared; --movers FILE.csv
 * writes every mover. Options: the model's own, with --set on top.
 * JSON: {"out", "users", "items", "events", "events_added",
 * "users_updated", "movers", "communities": [{"id", "name", "before",
 * "after", "change": [...], "split_into"}]} (changed communities only).
 */
#include <string.h>

#include "pipeline.h"

/* The model's options, with what the command line set (any value that
 * differs from the default) on top; keeps the progress callback. */
static vc_status update_options(const cli_ctx *ctx, const vc_model *m, vc_options **out)
{
    vc_options *defaults = NULL;
    vc_status s = vc_options_copy(out, ctx->opts);
    if (s == VC_OK)
        s = vc_options_new(&defaults);
    char mine[1024], def[1024], model[1024];
    for (size_t i = 0; i < vc_option_count() && s == VC_OK; i++) {
        const char *name;
        if (vc_option_info(i, &name, NULL, NULL, NULL) != VC_OK)
            continue;
        if (vc_options_format(ctx->opts, name, mine, sizeof mine, NULL) != VC_OK ||
            vc_options_format(defaults, name, def, sizeof def, NULL) != VC_OK ||
            vc_options_format(vc_model_options(m), name, model, sizeof model, NULL) != VC_OK)
            continue;
        if (strcmp(mine, def) == 0 && strcmp(mine, model) != 0)
            s = vc_options_set(*out, name, model);
    }
    vc_options_free(defaults);
    if (s != VC_OK) {
        vc_options_free(*out);
        *out = NULL;
    }
    return s;
}

static const char *const change_names[] = {"grew", "shrank", "split", "new"};

static void print_change(unsigned flags, FILE *out, json_writer *w)
{
    bool first = true;
    for (unsigned b = 0; b < 4; b++) {
        if (!(flags & (1u << b)))
            continue;
        if (w)
            json_string(w, change_names[b]);
        else
            fprintf(out, "%s%s", first ? "" : ", ", change_names[b]);
        first = false;
    }
}

static const char *community_label(const vc_communities *cm, uint32_t c)
{
    return c == UINT32_MAX ? "(none)" : vc_community_name(cm, c);
}

static int write_movers(const cli_ctx *ctx, const char *path, const vc_drift *dr,
                        const vc_dataset *ds, const vc_communities *cm)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "vcomm %s: cannot write %s\n", ctx->cmd->name, path);
        return CLI_DATA;
    }
    fprintf(f, "user,from,to\n");
    for (size_t i = 0; i < vc_drift_mover_count(dr); i++) {
        size_t u;
        uint32_t from, to;
        vc_drift_mover(dr, i, &u, &from, &to);
        fprintf(f, "%s,%s,%s\n", vc_dataset_user_id(ds, u), community_label(cm, from),
                community_label(cm, to));
    }
    return fclose(f) == 0 ? CLI_OK : CLI_DATA;
}

static void report(const cli_ctx *ctx, const char *out, const vc_model *m,
                   const vc_drift *dr, size_t added, size_t updated)
{
    const vc_communities *cm = vc_model_communities(m);
    const vc_dataset *ds = vc_model_dataset(m);
    json_writer w;
    if (ctx->json) {
        json_init(&w, stdout);
        json_begin_object(&w);
        json_key(&w, "out");
        json_string(&w, out);
        cli_json_counts(&w, ds);
        json_key(&w, "events_added");
        json_uint(&w, added);
        json_key(&w, "users_updated");
        json_uint(&w, updated);
        json_key(&w, "movers");
        json_uint(&w, vc_drift_mover_count(dr));
        json_key(&w, "communities");
        json_begin_array(&w);
    } else {
        printf("wrote %s: +%zu events, %zu portraits recomputed, %zu community moves\n",
               out, added, updated, vc_drift_mover_count(dr));
    }
    for (size_t c = 0; c < vc_drift_community_count(dr); c++) {
        size_t before, after;
        unsigned flags;
        uint32_t into;
        vc_drift_community(dr, c, &before, &after, &flags, &into);
        if (!flags)
            continue;
        if (ctx->json) {
            json_begin_object(&w);
            json_key(&w, "id");
            json_uint(&w, c);
            json_key(&w, "name");
            json_string(&w, vc_community_name(cm, c));
            json_key(&w, "before");
            json_uint(&w, before);
            json_key(&w, "after");
            json_uint(&w, after);
            json_key(&w, "change");
            json_begin_array(&w);
            print_change(flags, NULL, &w);
            json_end_array(&w);
            json_key(&w, "split_into");
            if (into == UINT32_MAX)
                json_null(&w);
            else
                json_string(&w, vc_community_name(cm, into));
            json_end_object(&w);
            continue;
        }
        printf("  %-24s %7zu -> %7zu  ", vc_community_name(cm, c), before, after);
        print_change(flags, stdout, NULL);
        if (into != UINT32_MAX)
            printf(" (into %s)", vc_community_name(cm, into));
        printf("\n");
    }
    if (ctx->json) {
        json_end_array(&w);
        json_end_object(&w);
        json_finish(&w);
    }
}

static int run(cli_ctx *ctx)
{
    const char *out = cli_get(ctx, "--out"), *events = cli_get(ctx, "--events");
    const char *movers = cli_get(ctx, "--movers");
    if (!cli_get(ctx, "--model") || !events || !out)
        return cli_usage_error(ctx, "needs --model MODEL, --events FILE and --out MODEL2");
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_COMMUNITIES, false);
    if (rc != CLI_OK)
        return rc;
    vc_options *opts = NULL;
    vc_drift *dr = NULL;
    size_t added = 0, updated = 0;
    vc_status s = update_options(ctx, p.model, &opts);
    if (s == VC_OK)
        s = vc_model_update(p.model, events, opts,
                            cli_has(ctx, "--refresh") ? VC_UPDATE_REFRESH : 0, &dr, &added,
                            &updated);
    if (s == VC_OK)
        s = vc_model_save(vc_model_communities(p.model), out, opts);
    cli_progress_clear();
    if (s != VC_OK)
        rc = cli_library_error(ctx, s);
    if (rc == CLI_OK && movers)
        rc = write_movers(ctx, movers, dr, vc_model_dataset(p.model),
                          vc_model_communities(p.model));
    if (rc == CLI_OK)
        report(ctx, out, p.model, dr, added, updated);
    vc_drift_free(dr);
    vc_options_free(opts);
    cli_pipeline_close(&p);
    return rc;
}

static const cli_flag flags[] = {
    {"--events", NULL, "FILE", "new events in the data set's own event format "
                               "(ratings.dat / u.data / ratings.csv lines, merchant CSV; "
                               "--set load.format=NAME for another)"},
    {"--out", NULL, "MODEL", "the updated model file"},
    {"--refresh", NULL, NULL, "re-run every clustering warm-started from its centroids "
                              "(default: place the touched users into the communities)"},
    {"--movers", NULL, "FILE.csv", "write every user who changed community"},
    {NULL, NULL, NULL, NULL}};

const cli_command cmd_update = {
    "update", "apply new events to a model: portraits, communities, drift report",
    "vcomm update --model MODEL --events FILE --out MODEL2 [--refresh] [--movers FILE.csv] "
    "[--json]",
    "vcomm update --model ml100k.vcm --events new.data --out ml100k-2.vcm",
    CLI_TAKES_MODEL | CLI_TAKES_JSON, flags, run};
