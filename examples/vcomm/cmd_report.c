/*
 * cmd_report.c - `vcomm report`: builds portraits and communities (from
 * --data, --model, or the demo's built-in synthetic data), runs the
 * evaluation unless --no-eval, and writes the self-contained HTML page of
 * report.c. The page goes to FILE.html.tmp first and is renamed when
 * complete, so a failed or cancelled run leaves no half-written report.
 * JSON: {"out", "bytes", "users", "segments", "points_shown", "eval"}.
 */
#include <errno.h>
#include <stdlib.h>

#include "report.h"

static int write_page(cli_ctx *ctx, const cli_pipeline *p, const vc_eval *ev,
                      const char *out, long long max_points, report_summary *sum,
                      long *bytes)
{
    const char *source = cli_get(ctx, "--data");
    if (!source)
        source = cli_get(ctx, "--model");
    if (!source)
        source = "built-in synthetic data";
    size_t len = strlen(out) + 5;
    char *tmp = malloc(len);
    if (!tmp) {
        fprintf(stderr, "vcomm report: out of memory\n");
        return CLI_DATA;
    }
    snprintf(tmp, len, "%s.tmp", out);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "vcomm report: cannot write %s: %s\n", tmp, strerror(errno));
        free(tmp);
        return CLI_DATA;
    }
    vc_status s = report_write(f, ctx, p, ev, source, (size_t)max_points, sum);
    *bytes = ftell(f);
    int failed = ferror(f);
    failed |= fclose(f) != 0;
    int rc = CLI_OK;
    if (s != VC_OK) {
        rc = cli_library_error(ctx, s);
    } else if (failed || rename(tmp, out) != 0) {
        fprintf(stderr, "vcomm report: cannot write %s: %s\n", out, strerror(errno));
        rc = CLI_DATA;
    }
    if (rc != CLI_OK)
        remove(tmp);
    free(tmp);
    return rc;
}

static int run(cli_ctx *ctx)
{
    const char *out = cli_get(ctx, "--out");
    long long max_points;
    if (!out)
        return cli_usage_error(ctx, "needs --out FILE.html");
    if (!cli_get_int(ctx, "--max-points", 100, 1000000, 4000, &max_points))
        return CLI_USAGE;
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_COMMUNITIES, true);
    if (rc != CLI_OK)
        return rc;
    vc_eval *ev = NULL;
    if (!cli_has(ctx, "--no-eval")) {
        vc_status s = vc_eval_run(&ev, p.ds, ctx->opts);
        cli_progress_clear();
        if (s != VC_OK)
            rc = cli_library_error(ctx, s);
    }
    report_summary sum;
    long bytes = 0;
    if (rc == CLI_OK)
        rc = write_page(ctx, &p, ev, out, max_points, &sum, &bytes);
    cli_progress_clear();
    if (rc == CLI_OK && ctx->json) {
        json_writer w;
        json_init(&w, stdout);
        json_begin_object(&w);
        json_key(&w, "out");
        json_string(&w, out);
        json_key(&w, "bytes");
        json_int(&w, bytes);
        json_key(&w, "users");
        json_uint(&w, sum.users);
        json_key(&w, "segments");
        json_uint(&w, sum.segments);
        json_key(&w, "points_shown");
        json_uint(&w, sum.points_shown);
        json_key(&w, "eval");
        json_bool(&w, ev != NULL);
        json_end_object(&w);
        json_finish(&w);
    } else if (rc == CLI_OK) {
        printf("wrote %s (%.0f kB): %zu users, %zu segments, %zu shown on the map%s\n", out,
               (double)bytes / 1024, sum.users, sum.segments, sum.points_shown,
               ev ? ", evaluation included" : "");
    }
    vc_eval_free(ev);
    cli_pipeline_close(&p);
    return rc;
}

static const cli_flag flags[] = {
    {"--out", NULL, "FILE.html", "the report to write"},
    {"--no-eval", NULL, NULL, "skip the held-out evaluation (faster)"},
    {"--max-points", NULL, "N", "users drawn on the map at most (default 4000)"},
    {NULL, NULL, NULL, NULL}};

const cli_command cmd_report = {
    "report", "self-contained HTML report with figures",
    "vcomm report [--data PATH | --model FILE] --out FILE.html [--no-eval] [--json]",
    "vcomm report --data ../shared/data/ml-100k --out report.html",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, flags, run};
