/*
 * cmd_target.c - `vcomm target`: the users most likely to respond to an
 * item (--item, users who have it excluded) or a category (--category).
 * JSON: {"item" or "category": .., "users": [{"user", "score", "reason"}]}.
 */
#include "pipeline.h"

static int run(cli_ctx *ctx)
{
    const char *item = cli_get(ctx, "--item"), *cat = cli_get(ctx, "--category");
    long long n;
    if (!cli_get_int(ctx, "-n", 1, 100000000, 100, &n))
        return CLI_USAGE;
    if (!item == !cat)
        return cli_usage_error(ctx, "give --item ID or --category NAME");
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_COMMUNITIES, false);
    if (rc != CLI_OK)
        return rc;
    vc_recs *r = NULL;
    vc_status s = VC_OK;
    size_t index;
    if (item) {
        rc = cli_item_index(ctx, p.ds, item, &index);
        if (rc == CLI_OK)
            s = vc_target_item(&r, p.cm, index, (size_t)n, ctx->opts);
    } else {
        s = vc_target_category(&r, p.cm, cat, (size_t)n, ctx->opts);
    }
    if (rc == CLI_OK && s != VC_OK)
        rc = cli_library_error(ctx, s);
    if (rc == CLI_OK) {
        json_writer w;
        json_init(&w, stdout);
        if (ctx->json) {
            json_begin_object(&w);
            json_key(&w, item ? "item" : "category");
            json_string(&w, item ? item : cat);
            json_key(&w, "users");
            json_begin_array(&w);
        } else {
            printf("%-5s %-12s %7s  %s\n", "rank", "user", "score", "reason");
        }
        for (size_t k = 0; k < vc_recs_count(r); k++) {
            size_t u;
            double score;
            const char *reason;
            vc_recs_get(r, k, &u, &score, &reason);
            if (ctx->json) {
                json_begin_object(&w);
                json_key(&w, "user");
                json_string(&w, vc_dataset_user_id(p.ds, u));
                json_key(&w, "score");
                json_double(&w, score);
                json_key(&w, "reason");
                json_string(&w, reason);
                json_end_object(&w);
            } else {
                printf("%-5zu %-12.12s %7.4f  %s\n", k + 1, vc_dataset_user_id(p.ds, u),
                       score, reason);
            }
        }
        if (ctx->json) {
            json_end_array(&w);
            json_end_object(&w);
            json_finish(&w);
        }
    }
    vc_recs_free(r);
    cli_pipeline_close(&p);
    return rc;
}

static const cli_flag flags[] = {
    {"--item", NULL, "ID", "target users for this item"},
    {"--category", NULL, "NAME", "target users for this category"},
    {"-n", NULL, "N", "number of users (default 100)"},
    {NULL, NULL, NULL, NULL}};

const cli_command cmd_target = {
    "target", "the users most likely to respond to an item or category",
    "vcomm target (--data PATH | --model FILE) (--item ID | --category NAME) [-n 100] "
    "[--json]",
    "vcomm target --data ../shared/data/ml-100k --category Drama -n 20",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, flags, run};
