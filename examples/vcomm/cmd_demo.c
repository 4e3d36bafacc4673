/*
 * cmd_demo.c - `vcomm demo`: the end-to-end tour on the built-in synthetic
 * data (or --data PATH): data set stats, communities with personas, three
 * users' portraits and recommendations with reasons, a targeting list, and
 * an evaluation against the baselines. With --json the same as one
 * document.
 */
#include "pipeline.h"

static void section(const cli_ctx *ctx, const char *title)
{
    if (!ctx->json)
        printf("\n== %s ==\n", title);
}

static void stats(const cli_ctx *ctx, json_writer *w, const vc_dataset *ds)
{
    if (ctx->json) {
        json_key(w, "data");
        json_begin_object(w);
        json_key(w, "format");
        json_string(w, vc_dataset_format(ds));
        json_key(w, "users");
        json_uint(w, vc_dataset_user_count(ds));
        json_key(w, "items");
        json_uint(w, vc_dataset_item_count(ds));
        json_key(w, "events");
        json_uint(w, vc_dataset_event_count(ds));
        json_key(w, "categories");
        json_uint(w, vc_dataset_category_count(ds));
        json_end_object(w);
        return;
    }
    section(ctx, "data");
    printf("%s: %zu users, %zu items, %zu events, %zu categories\n",
           vc_dataset_format(ds), vc_dataset_user_count(ds), vc_dataset_item_count(ds),
           vc_dataset_event_count(ds), vc_dataset_category_count(ds));
}

static void communities(const cli_ctx *ctx, json_writer *w,
                        const vc_communities *cm)
{
    size_t shown_topics = 0;
    const char *last_topic = NULL;
    if (ctx->json) {
        json_key(w, "communities");
        json_begin_array(w);
    } else {
        section(ctx, "communities (global segments, then the two largest topics)");
    }
    for (size_t c = 0; c < vc_communities_count(cm); c++) {
        const char *topic = vc_community_topic(cm, c);
        if (topic && (!last_topic || strcmp(topic, last_topic) != 0)) {
            last_topic = topic;
            if (++shown_topics > 2)
                break;
        }
        if (ctx->json) {
            json_begin_object(w);
            json_key(w, "name");
            json_string(w, vc_community_name(cm, c));
            json_key(w, "size");
            json_uint(w, vc_community_size(cm, c));
            json_key(w, "persona");
            json_string(w, vc_community_persona(cm, c));
            json_end_object(w);
        } else {
            printf("  %-20.20s %s\n", vc_community_name(cm, c), vc_community_persona(cm, c));
        }
    }
    if (ctx->json)
        json_end_array(w);
}

static void user_tour(const cli_ctx *ctx, json_writer *w, const cli_pipeline *p,
                      size_t u)
{
    const char *id = vc_dataset_user_id(p->ds, u);
    uint32_t comms[4];
    float str[4];
    size_t nc = 0;
    vc_user_communities(p->cm, u, comms, str, 4, &nc);
    nc = nc < 4 ? nc : 4;
    vc_recs *r = NULL;
    vc_recommend(&r, p->cm, u, 5, NULL, 0, ctx->opts);
    if (ctx->json) {
        json_begin_object(w);
        json_key(w, "user");
        json_string(w, id);
        json_key(w, "tags");
        json_begin_array(w);
        for (size_t k = 0; k < vc_portraits_tag_count(p->pt, u); k++) {
            const char *tag;
            vc_portraits_tag(p->pt, u, k, &tag, NULL);
            json_string(w, tag);
        }
        json_end_array(w);
        json_key(w, "communities");
        json_begin_array(w);
        for (size_t j = 0; j < nc; j++)
            json_string(w, vc_community_name(p->cm, comms[j]));
        json_end_array(w);
        json_key(w, "recommendations");
        json_begin_array(w);
    } else {
        printf("\nuser %s  tags:", id);
        for (size_t k = 0; k < vc_portraits_tag_count(p->pt, u); k++) {
            const char *tag;
            vc_portraits_tag(p->pt, u, k, &tag, NULL);
            printf("%s %s", k ? "," : "", tag);
        }
        printf("\n  communities:");
        for (size_t j = 0; j < nc; j++)
            printf("%s %s (%.2f)", j ? "," : "", vc_community_name(p->cm, comms[j]), str[j]);
        printf("\n");
    }
    for (size_t k = 0; k < vc_recs_count(r); k++) {
        size_t item;
        double score;
        const char *reason;
        vc_recs_get(r, k, &item, &score, &reason);
        const char *title = vc_dataset_item_title(p->ds, item);
        if (!title)
            title = vc_dataset_item_id(p->ds, item);
        if (ctx->json) {
            json_begin_object(w);
            json_key(w, "item");
            json_string(w, title);
            json_key(w, "reason");
            json_string(w, reason);
            json_end_object(w);
        } else {
            printf("  %zu. %-40.40s %s\n", k + 1, title, reason);
        }
    }
    if (ctx->json) {
        json_end_array(w);
        json_end_object(w);
    }
    vc_recs_free(r);
}

static void targeting(const cli_ctx *ctx, json_writer *w, const cli_pipeline *p)
{
    const char *topic = NULL;
    for (size_t c = 0; c < vc_communities_count(p->cm) && !topic; c++)
        topic = vc_community_topic(p->cm, c);
    if (!topic)
        return;
    vc_recs *r = NULL;
    if (vc_target_category(&r, p->cm, topic, 5, ctx->opts) != VC_OK)
        return;
    if (ctx->json) {
        json_key(w, "target");
        json_begin_object(w);
        json_key(w, "category");
        json_string(w, topic);
        json_key(w, "users");
        json_begin_array(w);
    } else {
        section(ctx, "a coupon campaign");
        printf("the 5 users most likely to respond to '%s':\n", topic);
    }
    for (size_t k = 0; k < vc_recs_count(r); k++) {
        size_t u;
        const char *reason;
        vc_recs_get(r, k, &u, NULL, &reason);
        if (ctx->json)
            json_string(w, vc_dataset_user_id(p->ds, u));
        else
            printf("  user %-10s %s\n", vc_dataset_user_id(p->ds, u), reason);
    }
    if (ctx->json) {
        json_end_array(w);
        json_end_object(w);
    }
    vc_recs_free(r);
}

static int evaluation(const cli_ctx *ctx, json_writer *w, const vc_dataset *ds)
{
    vc_eval *ev;
    vc_status s = vc_eval_run(&ev, ds, ctx->opts);
    cli_progress_clear();
    if (s != VC_OK)
        return cli_library_error(ctx, s);
    if (ctx->json) {
        json_key(w, "eval");
        json_begin_object(w);
    } else {
        section(ctx, "does it pay off? (held-out evaluation, eval.split)");
        printf("  %-12s %9s %9s %9s %9s\n", "method", "ndcg@10", "prec@10", "recall", "query_us");
    }
    for (size_t m = 0; m < vc_eval_method_count(ev); m++) {
        double ndcg, prec, rec, us;
        vc_eval_metric(ev, m, "ndcg", &ndcg);
        vc_eval_metric(ev, m, "precision", &prec);
        vc_eval_metric(ev, m, "recall", &rec);
        vc_eval_metric(ev, m, "query_us", &us);
        if (ctx->json) {
            json_key(w, vc_eval_method_name(ev, m));
            json_begin_object(w);
            json_key(w, "ndcg");
            json_double(w, ndcg);
            json_key(w, "precision");
            json_double(w, prec);
            json_key(w, "recall");
            json_double(w, rec);
            json_end_object(w);
        } else {
            printf("  %-12s %9.4f %9.4f %9.4f %9.1f\n", vc_eval_method_name(ev, m), ndcg,
                   prec, rec, us);
        }
    }
    if (ctx->json) {
        json_key(w, "target_lift");
        json_double(w, vc_eval_target_lift(ev));
        json_end_object(w);
    } else {
        printf("  targeting lift over random users: %.1fx\n", vc_eval_target_lift(ev));
    }
    vc_eval_free(ev);
    return CLI_OK;
}

static int run(cli_ctx *ctx)
{
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_COMMUNITIES, true);
    if (rc != CLI_OK)
        return rc;
    json_writer w;
    json_init(&w, stdout);
    if (ctx->json)
        json_begin_object(&w);
    else
        printf("vcomm %s demo on %s\n", vc_version_string(),
               cli_get(ctx, "--data") ? cli_get(ctx, "--data") : "built-in synthetic data");
    stats(ctx, &w, p.ds);
    communities(ctx, &w, p.cm);
    if (ctx->json) {
        json_key(&w, "users");
        json_begin_array(&w);
    } else {
        section(ctx, "three users: portrait tags, communities, recommendations");
    }
    size_t nu = vc_dataset_user_count(p.ds);
    for (size_t i = 0; i < 3 && i < nu; i++)
        user_tour(ctx, &w, &p, i * nu / 3);
    if (ctx->json)
        json_end_array(&w);
    targeting(ctx, &w, &p);
    rc = evaluation(ctx, &w, p.ds);
    if (ctx->json && rc == CLI_OK) {
        json_end_object(&w);
        json_finish(&w);
    }
    cli_pipeline_close(&p);
    return rc;
}

const cli_command cmd_demo = {
    "demo", "end-to-end tour on built-in synthetic data (or --data PATH)",
    "vcomm demo [--data PATH] [--json]", "vcomm demo",
    CLI_TAKES_DATA | CLI_TAKES_JSON, NULL, run};
