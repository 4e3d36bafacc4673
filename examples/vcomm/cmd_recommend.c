/*
 * cmd_recommend.c - `vcomm recommend`: one user's top-n with scores and
 * reasons (--user), or every user's into a CSV file (--all --out).
 * JSON: {"user": ID, "items": [{"item": ID, "title", "score", "reason"}]}.
 */
#include "pipeline.h"

static int one_user(cli_ctx *ctx, const cli_pipeline *p, const char *id,
                    size_t n)
{
    size_t u;
    int rc = cli_user_index(ctx, p->ds, id, &u);
    if (rc != CLI_OK)
        return rc;
    vc_recs *r;
    vc_status s = vc_recommend(&r, p->cm, u, n, NULL, 0, ctx->opts);
    if (s != VC_OK)
        return cli_library_error(ctx, s);
    json_writer w;
    json_init(&w, stdout);
    if (ctx->json) {
        json_begin_object(&w);
        json_key(&w, "user");
        json_string(&w, id);
        json_key(&w, "items");
        json_begin_array(&w);
    } else {
        printf("%-4s %-10s %-45s %7s  %s\n", "rank", "item", "title", "score", "reason");
    }
    for (size_t k = 0; k < vc_recs_count(r); k++) {
        size_t item;
        double score;
        const char *reason;
        vc_recs_get(r, k, &item, &score, &reason);
        const char *title = vc_dataset_item_title(p->ds, item);
        if (ctx->json) {
            json_begin_object(&w);
            json_key(&w, "item");
            json_string(&w, vc_dataset_item_id(p->ds, item));
            json_key(&w, "title");
            if (title)
                json_string(&w, title);
            else
                json_null(&w);
            json_key(&w, "score");
            json_double(&w, score);
            json_key(&w, "reason");
            json_string(&w, reason);
            json_end_object(&w);
        } else {
            printf("%-4zu %-10.10s %-45.45s %7.4f  %s\n", k + 1,
                   vc_dataset_item_id(p->ds, item), title ? title : "", score, reason);
        }
    }
    if (ctx->json) {
        json_end_array(&w);
        json_end_object(&w);
        json_finish(&w);
    }
    vc_recs_free(r);
    return CLI_OK;
}

static int run(cli_ctx *ctx)
{
    const char *id = cli_get(ctx, "--user");
    bool all = cli_has(ctx, "--all");
    const char *out = cli_get(ctx, "--out");
    long long n;
    if (!cli_get_int(ctx, "-n", 1, 100000, 10, &n))
        return CLI_USAGE;
    if (!id == !all)
        return cli_usage_error(ctx, "give --user ID or --all --out FILE.csv");
    if (all && !out)
        return cli_usage_error(ctx, "--all needs --out FILE.csv");
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_COMMUNITIES, false);
    if (rc != CLI_OK)
        return rc;
    if (id) {
        rc = one_user(ctx, &p, id, (size_t)n);
    } else {
        vc_status s = vc_recommend_all_csv(p.cm, (size_t)n, out, ctx->opts);
        cli_progress_clear();
        rc = s == VC_OK ? CLI_OK : cli_library_error(ctx, s);
        if (rc == CLI_OK && ctx->json) {
            json_writer w;
            json_init(&w, stdout);
            json_begin_object(&w);
            json_key(&w, "users");
            json_uint(&w, vc_dataset_user_count(p.ds));
            json_key(&w, "out");
            json_string(&w, out);
            json_end_object(&w);
            json_finish(&w);
        }
    }
    cli_pipeline_close(&p);
    return rc;
}

static const cli_flag flags[] = {
    {"--user", NULL, "ID", "recommend for this user"},
    {"--all", NULL, NULL, "recommend for every user (with --out)"},
    {"-n", NULL, "N", "items per user (default 10)"},
    {"--out", NULL, "FILE.csv", "CSV output for --all: user,rank,item,score"},
    {NULL, NULL, NULL, NULL}};

const cli_command cmd_recommend = {
    "recommend", "top-n unseen items with scores and reasons",
    "vcomm recommend (--data PATH | --model FILE) (--user ID | --all --out FILE.csv) "
    "[-n 10] "
    "[--json]",
    "vcomm recommend --data ../shared/data/ml-100k --user 196 -n 5",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, flags, run};
