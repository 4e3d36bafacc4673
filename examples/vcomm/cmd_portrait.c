/*
 * cmd_portrait.c - `vcomm portrait --data PATH --user ID [--json]`: one
 * user's three-layer portrait and tags (CLI.md). JSON: {"user", "fact":
 * {attribute: value}, "model": {group: {column: value}}, "predictive":
 * {...}, "tags": [{"tag", "weight"}]}. The table shows, per group of
 * many columns, the five largest values.
 */
#include <stdlib.h>

#include "pipeline.h"

static void json_layer(json_writer *w, const vc_portraits *pt,
                       const float *row, const char *layer)
{
    const char *open_group = NULL;
    json_key(w, layer);
    json_begin_object(w);
    for (size_t c = 0; c < vc_portraits_column_count(pt); c++) {
        const char *l, *g, *n;
        vc_portraits_column(pt, c, &l, &g, &n);
        if (strcmp(l, layer) != 0)
            continue;
        if (!open_group || strcmp(open_group, g) != 0) {
            if (open_group)
                json_end_object(w);
            json_key(w, g);
            json_begin_object(w);
            open_group = g;
        }
        json_key(w, n);
        json_double(w, row[c]);
    }
    if (open_group)
        json_end_object(w);
    json_end_object(w);
}

typedef struct ranked { size_t col; float v; } ranked;

static int by_value_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

static void table_layer(const vc_portraits *pt, const float *row,
                        const char *layer, ranked *buf)
{
    size_t nc = vc_portraits_column_count(pt);
    printf("%s\n", layer);
    for (size_t b = 0; b < nc;) {
        const char *l, *g, *n;
        vc_portraits_column(pt, b, &l, &g, NULL);
        size_t e = b, m = 0;
        for (; e < nc; e++) {
            const char *l2, *g2;
            vc_portraits_column(pt, e, &l2, &g2, NULL);
            if (strcmp(l2, l) != 0 || strcmp(g2, g) != 0)
                break;
            buf[m++] = (ranked){e, row[e]};
        }
        if (strcmp(l, layer) == 0) {
            if (m > 6)
                qsort(buf, m, sizeof *buf, by_value_desc);
            printf("  %-18s", g);
            for (size_t i = 0; i < m && i < 6; i++) {
                vc_portraits_column(pt, buf[i].col, NULL, NULL, &n);
                printf(" %s=%.4g", n, (double)buf[i].v);
            }
            printf("\n");
        }
        b = e;
    }
}

static int run(cli_ctx *ctx)
{
    const char *id = cli_get(ctx, "--user");
    if (!id)
        return cli_usage_error(ctx, "needs --user ID");
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_PORTRAITS, false);
    if (rc != CLI_OK)
        return rc;
    size_t u;
    rc = cli_user_index(ctx, p.ds, id, &u);
    size_t nc = vc_portraits_column_count(p.pt);
    float *row = calloc(nc + 1, sizeof *row);
    ranked *buf = calloc(nc + 1, sizeof *buf);
    if (rc == CLI_OK && (!row || !buf)) {
        fprintf(stderr, "vcomm portrait: out of memory\n");
        rc = CLI_DATA;
    }
    if (rc == CLI_OK)
        vc_portraits_row(p.pt, u, row, nc);
    if (rc == CLI_OK && ctx->json) {
        json_writer w;
        json_init(&w, stdout);
        json_begin_object(&w);
        json_key(&w, "user");
        json_string(&w, id);
        json_key(&w, "fact");
        json_begin_object(&w);
        for (size_t a = 0; a < vc_dataset_attr_count(p.ds); a++) {
            const char *v = vc_dataset_user_attr(p.ds, u, a);
            if (v) {
                json_key(&w, vc_dataset_attr_name(p.ds, a));
                json_string(&w, v);
            }
        }
        json_end_object(&w);
        json_layer(&w, p.pt, row, "model");
        json_layer(&w, p.pt, row, "predictive");
        json_key(&w, "tags");
        json_begin_array(&w);
        for (size_t k = 0; k < vc_portraits_tag_count(p.pt, u); k++) {
            const char *tag;
            float weight;
            vc_portraits_tag(p.pt, u, k, &tag, &weight);
            json_begin_object(&w);
            json_key(&w, "tag");
            json_string(&w, tag);
            json_key(&w, "weight");
            json_double(&w, weight);
            json_end_object(&w);
        }
        json_end_array(&w);
        json_end_object(&w);
        json_finish(&w);
    } else if (rc == CLI_OK) {
        printf("user %s\nfact              ", id);
        for (size_t a = 0; a < vc_dataset_attr_count(p.ds); a++) {
            const char *v = vc_dataset_user_attr(p.ds, u, a);
            if (v)
                printf(" %s=%s", vc_dataset_attr_name(p.ds, a), v);
        }
        printf("\n");
        table_layer(p.pt, row, "model", buf);
        table_layer(p.pt, row, "predictive", buf);
        printf("tags              ");
        for (size_t k = 0; k < vc_portraits_tag_count(p.pt, u); k++) {
            const char *tag;
            float weight;
            vc_portraits_tag(p.pt, u, k, &tag, &weight);
            printf("%s%s (%.2f)", k ? ", " : " ", tag, weight);
        }
        printf("\n");
    }
    free(row);
    free(buf);
    cli_pipeline_close(&p);
    return rc;
}

static const cli_flag flags[] = {
    {"--user", NULL, "ID", "the user's external id"}, {NULL, NULL, NULL, NULL}};

const cli_command cmd_portrait = {
    "portrait", "one user's three-layer portrait and tags",
    "vcomm portrait (--data PATH | --model FILE) --user ID [--json]",
    "vcomm portrait --data ../shared/data/ml-100k --user 196 --json",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, flags, run};
