/*
 * cmd_eval.c - `vcomm eval`: the community recommender against
 * popularity, user-kNN and item-kNN on a held-out split of the data set
 * (--data, or the one a --model file holds).
 * JSON: {"split", "k", "users", "target_lift", "methods": {name: {metric:
 * value}}}.
 */
#include "pipeline.h"

static int run(cli_ctx *ctx)
{
    const char *split = cli_get(ctx, "--split"), *k = cli_get(ctx, "--k");
    if (split && vc_options_set(ctx->opts, "eval.split", split) != VC_OK)
        return cli_usage_error(ctx, "--split: %s", vc_last_error());
    if (k && vc_options_set(ctx->opts, "eval.k", k) != VC_OK)
        return cli_usage_error(ctx, "--k: %s", vc_last_error());
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_DATA, false);
    if (rc != CLI_OK)
        return rc;
    vc_eval *ev;
    vc_status s = vc_eval_run(&ev, p.ds, ctx->opts);
    cli_progress_clear();
    if (s != VC_OK) {
        rc = cli_library_error(ctx, s);
        cli_pipeline_close(&p);
        return rc;
    }
    const char *spec;
    int64_t kk;
    vc_options_get_string(ctx->opts, "eval.split", &spec);
    vc_options_get_int(ctx->opts, "eval.k", &kk);
    size_t nm = vc_eval_method_count(ev), nmet = vc_eval_metric_count();
    if (ctx->json) {
        json_writer w;
        json_init(&w, stdout);
        json_begin_object(&w);
        json_key(&w, "split");
        json_string(&w, spec);
        json_key(&w, "k");
        json_int(&w, kk);
        json_key(&w, "users");
        json_uint(&w, vc_eval_user_count(ev));
        json_key(&w, "target_lift");
        json_double(&w, vc_eval_target_lift(ev));
        json_key(&w, "methods");
        json_begin_object(&w);
        for (size_t m = 0; m < nm; m++) {
            json_key(&w, vc_eval_method_name(ev, m));
            json_begin_object(&w);
            for (size_t i = 0; i < nmet; i++) {
                double v;
                vc_eval_metric(ev, m, vc_eval_metric_name(i), &v);
                json_key(&w, vc_eval_metric_name(i));
                json_double(&w, v);
            }
            json_end_object(&w);
        }
        json_end_object(&w);
        json_end_object(&w);
        json_finish(&w);
    } else {
        printf("split %s, metrics at %lld, %zu users evaluated\n\n%-12s", spec,
               (long long)kk, vc_eval_user_count(ev), "method");
        for (size_t i = 0; i < nmet; i++)
            printf(" %10s", vc_eval_metric_name(i));
        printf("\n");
        for (size_t m = 0; m < nm; m++) {
            printf("%-12s", vc_eval_method_name(ev, m));
            for (size_t i = 0; i < nmet; i++) {
                double v;
                vc_eval_metric(ev, m, vc_eval_metric_name(i), &v);
                printf(" %10.4f", v);
            }
            printf("\n");
        }
        printf("\ntargeting: the 50 users picked per item hold %.1fx the item's future "
               "users that 50 random users would\n", vc_eval_target_lift(ev));
    }
    vc_eval_free(ev);
    cli_pipeline_close(&p);
    return CLI_OK;
}

static const cli_flag flags[] = {
    {"--split", NULL, "SPEC", "temporal:0.2, random:0.2 or last:N (sets eval.split)"},
    {"--k", NULL, "K", "cut-off of the metrics (default 10)"},
    {NULL, NULL, NULL, NULL}};

const cli_command cmd_eval = {
    "eval", "community recommender vs popularity and user-kNN",
    "vcomm eval (--data PATH | --model FILE) [--split temporal:0.2] [--k 10] [--json]",
    "vcomm eval --data ../shared/data/ml-100k --split temporal:0.2 --k 10",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, flags, run};
