/*
 * cmd_demo.c - `vcomm demo`: the end-to-end tour on the built-in synthetic
 * data (or --data PATH): data set stats, communities with personas, a
 * typical member of each of the three largest segments with their tags,
 * communities and recommendations with reasons, a targeting list, and an
 * evaluation against the baselines with a one-line verdict. With --json
 * the same as one document.
 */
#include <stdlib.h>

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
        cli_json_counts(w, ds);
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

enum { TOUR_TOPICS = 3, TOUR_RECS = 5 };

/* A user's global segment and strongest topic communities (up to
 * TOUR_TOPICS; *ntopics receives how many topic communities there are). */
static size_t user_topics(const vc_communities *cm, size_t u, uint32_t *topics,
                          size_t *ntopics)
{
    size_t count = 0, n = 0, nglobal = vc_communities_global_count(cm);
    vc_user_communities(cm, u, NULL, NULL, 0, &count);
    uint32_t *all = malloc((count ? count : 1) * sizeof *all);
    *ntopics = 0;
    if (all && vc_user_communities(cm, u, all, NULL, count, &count) == VC_OK)
        for (size_t j = 0; j < count; j++)
            if (all[j] >= nglobal) {
                ++*ntopics;
                if (n < TOUR_TOPICS)
                    topics[n++] = all[j];
            }
    free(all);
    return n;
}

static void tour_json(json_writer *w, const cli_pipeline *p, size_t u, uint32_t seg,
                      const uint32_t *topics, size_t nt, const vc_recs *r)
{
    json_begin_object(w);
    json_key(w, "user");
    json_string(w, vc_dataset_user_id(p->ds, u));
    json_key(w, "tags");
    json_begin_array(w);
    for (size_t k = 0; k < vc_portraits_tag_count(p->pt, u); k++) {
        const char *tag;
        vc_portraits_tag(p->pt, u, k, &tag, NULL);
        json_string(w, tag);
    }
    json_end_array(w);
    json_key(w, "segment");
    json_string(w, seg == UINT32_MAX ? NULL : vc_community_name(p->cm, seg));
    json_key(w, "communities");
    json_begin_array(w);
    for (size_t j = 0; j < nt; j++)
        json_string(w, vc_community_name(p->cm, topics[j]));
    json_end_array(w);
    json_key(w, "recommendations");
    json_begin_array(w);
    for (size_t k = 0; k < vc_recs_count(r); k++) {
        size_t item;
        const char *reason;
        vc_recs_get(r, k, &item, NULL, &reason);
        const char *title = vc_dataset_item_title(p->ds, item);
        json_begin_object(w);
        json_key(w, "item");
        json_string(w, title ? title : vc_dataset_item_id(p->ds, item));
        json_key(w, "reason");
        json_string(w, reason);
        json_end_object(w);
    }
    json_end_array(w);
    json_end_object(w);
}

/* user 1   tags: at risk, weekend, Comedy lover
 *   segment 6      aged 50-55, region 3; Documentary and Comedy
 *   also in        18 topic communities, strongest Documentary 6, War 1
 *   recommended    1. Last Promise (1996)   popular in Documentary 6 ... */
static void tour_text(const cli_pipeline *p, size_t u, uint32_t seg, const uint32_t *topics,
                      size_t nt, size_t ntopics, const vc_recs *r)
{
    printf("\nuser %s   tags:", vc_dataset_user_id(p->ds, u));
    for (size_t k = 0; k < vc_portraits_tag_count(p->pt, u); k++) {
        const char *tag;
        vc_portraits_tag(p->pt, u, k, &tag, NULL);
        printf("%s %s", k ? "," : "", tag);
    }
    if (!vc_portraits_tag_count(p->pt, u))
        printf(" (none)");
    printf("\n");
    if (seg != UINT32_MAX) {
        size_t size_len;
        const char *traits = cli_persona_traits(vc_community_persona(p->cm, seg), &size_len);
        printf("  %-14s %s\n", vc_community_name(p->cm, seg), *traits ? traits : "-");
    }
    if (nt) {
        printf("  %-14s %zu topic communit%s, strongest", "also in", ntopics,
               ntopics == 1 ? "y" : "ies");
        for (size_t j = 0; j < nt; j++)
            printf("%s %s", j ? "," : "", vc_community_name(p->cm, topics[j]));
        printf("\n");
    }
    for (size_t k = 0; k < vc_recs_count(r); k++) {
        size_t item;
        const char *reason;
        vc_recs_get(r, k, &item, NULL, &reason);
        const char *title = vc_dataset_item_title(p->ds, item);
        printf("  %-14s %zu. %-34.34s %s\n", k ? "" : "recommended", k + 1,
               title ? title : vc_dataset_item_id(p->ds, item), reason);
    }
}

static void user_tour(const cli_ctx *ctx, json_writer *w, const cli_pipeline *p,
                      size_t u)
{
    uint32_t topics[TOUR_TOPICS];
    size_t ntopics;
    size_t nt = user_topics(p->cm, u, topics, &ntopics);
    uint32_t seg = cli_user_segment(p->cm, u);
    vc_recs *r = NULL;
    vc_recommend(&r, p->cm, u, TOUR_RECS, NULL, 0, ctx->opts);
    if (ctx->json)
        tour_json(w, p, u, seg, topics, nt, r);
    else
        tour_text(p, u, seg, topics, nt, ntopics, r);
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

static double metric_of(const vc_eval *ev, const char *method, const char *metric)
{
    for (size_t m = 0; m < vc_eval_method_count(ev); m++)
        if (strcmp(vc_eval_method_name(ev, m), method) == 0) {
            double v = 0;
            vc_eval_metric(ev, m, metric, &v);
            return v;
        }
    return 0;
}

/* "community recommender: 3.4x popularity's ndcg; 0.87x user-knn's, at
 * 6.1x its speed" */
static void verdict(const vc_eval *ev)
{
    double c = metric_of(ev, "community", "ndcg"), pop = metric_of(ev, "popularity", "ndcg");
    double knn = metric_of(ev, "user-knn", "ndcg");
    double cus = metric_of(ev, "community", "query_us"), kus = metric_of(ev, "user-knn", "query_us");
    if (!(c > 0 && pop > 0 && knn > 0 && cus > 0))
        return;
    printf("  the community recommender scores %.1fx popularity's ndcg and %.2fx user-knn's, "
           "answering %.1fx as fast\n", c / pop, c / knn, kus / cus);
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
        const char *split;
        int64_t k;
        char title[160], nd[16], pr[16], re[16];
        vc_options_get_string(ctx->opts, "eval.split", &split);
        vc_options_get_int(ctx->opts, "eval.k", &k);
        snprintf(title, sizeof title,
                 "does it pay off? (held-out evaluation: split %s, %zu users)", split,
                 vc_eval_user_count(ev));
        section(ctx, title);
        snprintf(nd, sizeof nd, "ndcg@%lld", (long long)k);
        snprintf(pr, sizeof pr, "prec@%lld", (long long)k);
        snprintf(re, sizeof re, "recall@%lld", (long long)k);
        printf("  %-12s %9s %9s %9s %9s\n", "method", nd, pr, re, "query_us");
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
        verdict(ev);
        printf("  targeting: the users picked for an item hold %.1fx its future users that "
               "as many random users would\n", vc_eval_target_lift(ev));
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
        section(ctx, "three users from the largest segments: tags, communities, "
                     "recommendations");
    }
    size_t nseg = vc_communities_global_count(p.cm);
    for (size_t i = 0; i < 3 && nseg; i++) {
        /* the strongest members of the largest segments, in turn */
        uint32_t members[3];
        size_t count = 0;
        vc_community_members(p.cm, i % nseg, members, NULL, 3, &count);
        if (i / nseg < count)
            user_tour(ctx, &w, &p, members[i / nseg]);
    }
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
