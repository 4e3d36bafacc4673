/*
 * cmd_communities.c - `vcomm communities`: the global segments, or with
 * --topic the sub-communities of one topic, with persona, tags and
 * silhouette; --assignments writes every membership as CSV
 * "user,community,strength" (community = the "id" of the JSON output).
 */
#include <errno.h>
#include <stdlib.h>

#include "pipeline.h"

static bool selected(const vc_communities *cm, size_t c, const char *topic)
{
    const char *t = vc_community_topic(cm, c);
    return topic ? t && strcmp(t, topic) == 0 : t == NULL;
}

static int write_assignments(cli_ctx *ctx, const cli_pipeline *p,
                             const char *path, const char *topic)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "vcomm communities: %s: %s\n", path, strerror(errno));
        return CLI_DATA;
    }
    fprintf(f, "user,community,strength\n");
    size_t cap = vc_communities_count(p->cm);
    uint32_t *comms = malloc((cap + 1) * sizeof *comms);
    float *str = malloc((cap + 1) * sizeof *str);
    int rc = comms && str ? CLI_OK : CLI_DATA;
    for (size_t u = 0; rc == CLI_OK && u < vc_dataset_user_count(p->ds); u++) {
        size_t n;
        vc_user_communities(p->cm, u, comms, str, cap, &n);
        for (size_t j = 0; j < n; j++)
            if (selected(p->cm, comms[j], topic))
                fprintf(f, "%s,%u,%.4f\n", vc_dataset_user_id(p->ds, u), comms[j],
                        str[j]);
    }
    free(comms);
    free(str);
    if (ferror(f) || fclose(f) != 0 || rc != CLI_OK) {
        fprintf(stderr, "vcomm communities: %s: write failed\n", path);
        return CLI_DATA;
    }
    (void)ctx;
    return CLI_OK;
}

static void print_json(const cli_pipeline *p, const char *topic)
{
    json_writer w;
    json_init(&w, stdout);
    json_begin_object(&w);
    json_key(&w, "communities");
    json_begin_array(&w);
    for (size_t c = 0; c < vc_communities_count(p->cm); c++) {
        if (!selected(p->cm, c, topic))
            continue;
        json_begin_object(&w);
        json_key(&w, "id");
        json_uint(&w, c);
        json_key(&w, "name");
        json_string(&w, vc_community_name(p->cm, c));
        json_key(&w, "topic");
        if (vc_community_topic(p->cm, c))
            json_string(&w, vc_community_topic(p->cm, c));
        else
            json_null(&w);
        json_key(&w, "size");
        json_uint(&w, vc_community_size(p->cm, c));
        json_key(&w, "persona");
        json_string(&w, vc_community_persona(p->cm, c));
        json_key(&w, "silhouette");
        json_double(&w, vc_community_silhouette(p->cm, c));
        json_key(&w, "tags");
        json_begin_array(&w);
        for (size_t k = 0; k < vc_community_tag_count(p->cm, c); k++) {
            const char *tag;
            vc_community_tag(p->cm, c, k, &tag, NULL);
            json_string(&w, tag);
        }
        json_end_array(&w);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_end_object(&w);
    json_finish(&w);
}

static void print_table(const cli_pipeline *p, const char *topic)
{
    printf("%-4s %-22s %7s %6s  %s\n", "id", "name", "size", "silh", "persona / tags");
    for (size_t c = 0; c < vc_communities_count(p->cm); c++) {
        if (!selected(p->cm, c, topic))
            continue;
        printf("%-4zu %-22.22s %7zu %6.2f  %s\n", c, vc_community_name(p->cm, c),
               vc_community_size(p->cm, c), vc_community_silhouette(p->cm, c),
               vc_community_persona(p->cm, c));
        if (vc_community_tag_count(p->cm, c)) {
            printf("%42s", "tags:");
            for (size_t k = 0; k < vc_community_tag_count(p->cm, c); k++) {
                const char *tag;
                float share;
                vc_community_tag(p->cm, c, k, &tag, &share);
                printf("%s %s (%.0f%%)", k ? "," : "", tag, 100.0 * share);
            }
            printf("\n");
        }
    }
}

static bool topic_exists(const vc_communities *cm, const char *topic)
{
    for (size_t c = 0; c < vc_communities_count(cm); c++)
        if (selected(cm, c, topic))
            return true;
    return false;
}

static int run(cli_ctx *ctx)
{
    const char *topic = cli_get(ctx, "--topic");
    const char *k = cli_get(ctx, "--k");
    if (k && vc_options_set(ctx->opts, topic ? "community.topic_k" : "community.k", k) != VC_OK)
        return cli_usage_error(ctx, "--k: %s", vc_last_error());
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_COMMUNITIES, false);
    if (rc != CLI_OK)
        return rc;
    if (topic && !topic_exists(p.cm, topic)) {
        fprintf(stderr, "vcomm communities: no topic community '%s' (a topic needs "
                        "community.min_members engaged users)\n", topic);
        rc = CLI_DATA;
    }
    const char *out = cli_get(ctx, "--assignments");
    if (rc == CLI_OK && out)
        rc = write_assignments(ctx, &p, out, topic);
    if (rc == CLI_OK) {
        if (ctx->json)
            print_json(&p, topic);
        else
            print_table(&p, topic);
    }
    cli_pipeline_close(&p);
    return rc;
}

static const cli_flag flags[] = {
    {"--topic", NULL, "NAME", "sub-communities of one topic community"},
    {"--k", NULL, "K", "number of communities (sets community.k or community.topic_k)"},
    {"--assignments", NULL, "FILE.csv", "write user,community,strength"},
    {NULL, NULL, NULL, NULL}};

const cli_command cmd_communities = {
    "communities", "global segments or the sub-communities of a topic",
    "vcomm communities (--data PATH | --model FILE) [--topic NAME] [--k K] "
    "[--assignments FILE.csv] [--json]",
    "vcomm communities --data ../shared/data/ml-100k --topic Drama --k 4",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, flags, run};
