/*
 * report.c - see report.h. Sections: the data at a glance, the community
 * map (users' portraits projected by the library's PCA, coloured by global
 * segment), segment sizes, the segment x category preference heatmap,
 * persona cards, the topic communities, and the evaluation against the
 * baselines. Everything the page shows comes from the public API.
 */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "charts.h"
#include "report.h"
#include "svg.h"

enum { HEAT_COLS = 20, CARD_TAGS = 5, CARD_PREFS = 3 };

static const char *const style =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
    "sans-serif;color:#222;background:#f6f7f9;margin:0}\n"
    "main{max-width:1040px;margin:0 auto;padding:24px 28px 48px;background:#fff}\n"
    "h1{font-size:28px;margin:8px 0 4px}h2{font-size:21px;margin:36px 0 6px;"
    "border-bottom:2px solid #e4e6ea;padding-bottom:4px}\n"
    "p.lead{color:#555;margin:0 0 16px}p.note{color:#555;font-size:14px;margin:6px 0 10px}\n"
    ".facts{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}\n"
    ".fact{background:#f1f3f6;border-radius:8px;padding:10px 16px;min-width:120px}\n"
    ".fact b{display:block;font-size:22px}.fact span{color:#555;font-size:13px}\n"
    "svg{display:block;max-width:100%;height:auto;margin:8px 0}\n"
    "svg text{font-family:inherit;fill:#333}\n"
    "svg .tick{font-size:11px;fill:#666}svg .axl{font-size:13px;font-weight:600}\n"
    "svg .lbl{font-size:13px}svg .leg{font-size:13px}svg .val{font-size:12px;fill:#444}\n"
    "svg .small{font-size:10px}svg .cell{font-size:11px}svg .light{fill:#fff}\n"
    "svg .grid{stroke:#e6e6e6;stroke-width:1}svg .ax{stroke:#888;stroke-width:1}\n"
    "svg .pts circle{fill-opacity:0.55}svg .ctr{stroke:#fff;stroke-width:2.5}\n"
    "svg .ctrl{font-size:12px;font-weight:700;fill:#fff}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}\n"
    ".card{border:1px solid #e1e4e8;border-top:6px solid #999;border-radius:8px;"
    "padding:12px 14px}\n"
    ".card h3{margin:0 0 2px;font-size:17px}.card .size{color:#555;font-size:13px}\n"
    ".card p{margin:8px 0;font-size:14px}.card ul{margin:6px 0 0;padding-left:18px;"
    "font-size:13px}\n"
    ".chip{display:inline-block;background:#eef1f5;border-radius:10px;padding:1px 8px;"
    "margin:2px 4px 2px 0;font-size:12px}\n"
    "table{border-collapse:collapse;font-size:13px;margin:8px 0}\n"
    "th,td{padding:4px 10px;border-bottom:1px solid #e6e6e6;text-align:left}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "details summary{cursor:pointer;color:#335;margin:6px 0}\n"
    "footer{color:#777;font-size:12px;margin-top:36px}\n";

/* ---- small writers ------------------------------------------------------ */

static void text(FILE *out, const char *s)
{
    xml_text(out, s, 0);
}

/* An element with escaped text: <tag attrs>text</tag>. */
static void element(FILE *out, const char *tag, const char *attrs, const char *s)
{
    fprintf(out, "<%s%s%s>", tag, attrs ? " " : "", attrs ? attrs : "");
    text(out, s);
    fprintf(out, "</%s>\n", tag);
}

/* 1234567 -> "1,234,567" */
static void thousands(size_t v, char *buf, size_t size)
{
    group_digits((double)v, buf, size);
}

static void fact(FILE *out, const char *value, const char *what)
{
    fputs("<div class=\"fact\"><b>", out);
    text(out, value);
    fputs("</b><span>", out);
    text(out, what);
    fputs("</span></div>\n", out);
}

static void fact_count(FILE *out, size_t v, const char *what)
{
    char buf[32];
    thousands(v, buf, sizeof buf);
    fact(out, buf, what);
}

/* ---- what the page is made of ----------------------------------------------- */

typedef struct report {
    FILE *out;
    const cli_ctx *ctx;
    const cli_pipeline *p;
    size_t nusers, nseg, ncols;
    uint32_t *seg;        /* [nusers] global segment of each user */
    float *map;           /* [nusers * 2] */
    double explained[2];
    char **seg_names;     /* [nseg] "segment 1 · 1,536 users" */
    const char **seg_colours;
    /* preference: topic columns of the portraits (model/category_share) */
    size_t ntopics;
    size_t *topic_col;    /* [ntopics] portrait column, most engaged first */
    double *overall;      /* [ntopics] mean share over all users */
    double *index;        /* [nseg * ntopics] segment share / overall x 100 */
} report;

static void report_free(report *r)
{
    free(r->seg);
    free(r->map);
    for (size_t i = 0; r->seg_names && i < r->nseg; i++)
        free(r->seg_names[i]);
    free(r->seg_names);
    free(r->seg_colours);
    free(r->topic_col);
    free(r->overall);
    free(r->index);
}

typedef struct ranked { size_t i; double v; } ranked;

static int by_value_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Topic share columns, overall means and each segment's index. */
static vc_status preferences(report *r)
{
    const vc_portraits *pt = r->p->pt;
    size_t nc = r->ncols;
    double *mean = calloc(nc ? nc : 1, sizeof *mean);
    float *row = malloc((nc ? nc : 1) * sizeof *row);
    ranked *cols = malloc((nc ? nc : 1) * sizeof *cols);
    r->topic_col = malloc((nc ? nc : 1) * sizeof *r->topic_col);
    if (!mean || !row || !cols || !r->topic_col) {
        free(mean);
        free(row);
        free(cols);
        return VC_ERR_NOMEM;
    }
    for (size_t u = 0; u < r->nusers; u++) {
        vc_portraits_row(pt, u, row, nc);
        for (size_t c = 0; c < nc; c++)
            mean[c] += row[c] / (double)r->nusers;
    }
    for (size_t c = 0; c < nc; c++) {
        const char *layer, *group;
        vc_portraits_column(pt, c, &layer, &group, NULL);
        if (strcmp(layer, "model") == 0 && strcmp(group, "category_share") == 0 &&
            mean[c] > 0)
            cols[r->ntopics++] = (ranked){c, mean[c]};
    }
    qsort(cols, r->ntopics, sizeof *cols, by_value_desc);
    r->overall = calloc(r->ntopics ? r->ntopics : 1, sizeof *r->overall);
    r->index = calloc((r->ntopics ? r->ntopics : 1) * (r->nseg ? r->nseg : 1),
                      sizeof *r->index);
    vc_status s = r->overall && r->index ? VC_OK : VC_ERR_NOMEM;
    for (size_t t = 0; s == VC_OK && t < r->ntopics; t++) {
        r->topic_col[t] = cols[t].i;
        r->overall[t] = cols[t].v;
    }
    for (size_t g = 0; s == VC_OK && g < r->nseg; g++) {
        vc_community_centroid(r->p->cm, g, row, nc);
        for (size_t t = 0; t < r->ntopics; t++)
            r->index[g * r->ntopics + t] = row[r->topic_col[t]] / r->overall[t] * 100;
    }
    free(mean);
    free(row);
    free(cols);
    return s;
}

static const char *topic_name(const report *r, size_t t)
{
    const char *name = NULL;
    vc_portraits_column(r->p->pt, r->topic_col[t], NULL, NULL, &name);
    return name;
}

static vc_status gather(report *r)
{
    const vc_communities *cm = r->p->cm;
    r->nusers = vc_portraits_user_count(r->p->pt);
    r->nseg = vc_communities_global_count(cm);
    r->ncols = vc_portraits_column_count(r->p->pt);
    r->seg = malloc((r->nusers ? r->nusers : 1) * sizeof *r->seg);
    r->map = malloc((r->nusers ? r->nusers : 1) * 2 * sizeof *r->map);
    r->seg_names = calloc(r->nseg ? r->nseg : 1, sizeof *r->seg_names);
    r->seg_colours = calloc(r->nseg ? r->nseg : 1, sizeof *r->seg_colours);
    if (!r->seg || !r->map || !r->seg_names || !r->seg_colours)
        return VC_ERR_NOMEM;
    for (size_t g = 0; g < r->nseg; g++) {
        char size[32], buf[320];
        thousands(vc_community_size(cm, g), size, sizeof size);
        snprintf(buf, sizeof buf, "%s \xC2\xB7 %s users", vc_community_name(cm, g), size);
        r->seg_colours[g] = palette(g);
        if (!(r->seg_names[g] = malloc(strlen(buf) + 1)))
            return VC_ERR_NOMEM;
        memcpy(r->seg_names[g], buf, strlen(buf) + 1);
    }
    for (size_t u = 0; u < r->nusers; u++)
        r->seg[u] = cli_user_segment(cm, u);
    vc_status s = VC_OK;
    if (r->nusers)
        s = vc_portrait_project(r->p->pt, 2, r->ctx->opts, r->map, r->explained);
    if (s == VC_OK)
        s = preferences(r);
    return s;
}

/* ---- sections --------------------------------------------------------------- */

/* The last component of a path ("ml-100k" of "../data/ml-100k/"). */
static void short_name(const char *path, char *buf, size_t size)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/')
        b--;
    snprintf(buf, size, "%.*s", (int)(n - b), path + b);
}

static void section_head(const report *r, const char *source)
{
    FILE *out = r->out;
    const vc_dataset *ds = r->p->ds;
    char buf[640], name[256];
    short_name(source, name, sizeof name);
    fputs("<h1>", out);
    text(out, "Users and communities: ");
    text(out, name);
    fputs("</h1>\n", out);
    int64_t first = 0, last = 0;
    vc_dataset_time_range(ds, &first, &last);
    time_t a = (time_t)first, b = (time_t)last;
    struct tm ta, tb;
    char da[32] = "?", db[32] = "?";
    if (gmtime_r(&a, &ta))
        strftime(da, sizeof da, "%Y-%m-%d", &ta);
    if (gmtime_r(&b, &tb))
        strftime(db, sizeof db, "%Y-%m-%d", &tb);
    if (strcmp(name, source) == 0)
        snprintf(buf, sizeof buf, "Format %s, events from %s to %s.", vc_dataset_format(ds),
                 da, db);
    else
        snprintf(buf, sizeof buf, "%.400s (format %s), events from %s to %s.", source,
                 vc_dataset_format(ds), da, db);
    element(out, "p", "class=\"lead\"", buf);
    fputs("<div class=\"facts\">\n", out);
    fact_count(out, vc_dataset_user_count(ds), "users");
    fact_count(out, vc_dataset_item_count(ds), "items");
    fact_count(out, vc_dataset_event_count(ds), "events");
    fact_count(out, r->ntopics, vc_dataset_category_count(ds) ? "categories" : "topics (keywords)");
    fact_count(out, r->nseg, "segments");
    fact_count(out, vc_communities_count(r->p->cm) - r->nseg, "topic communities");
    fputs("</div>\n", out);
}

static void section_map(const report *r, size_t max_points, report_summary *sum)
{
    FILE *out = r->out;
    char xl[64], yl[64], note[512], shown[32], total[32];
    element(out, "h2", NULL, "Community map");
    snprintf(xl, sizeof xl, "first principal component (%.0f%% of variance)",
             r->explained[0] * 100);
    snprintf(yl, sizeof yl, "second principal component (%.0f%% of variance)",
             r->explained[1] * 100);
    scatter_spec sp = {"Map of users coloured by segment", r->map, r->seg, r->nusers,
                       r->nseg, (const char *const *)r->seg_names, xl, yl, max_points};
    sum->points_shown = r->nusers < max_points ? r->nusers : max_points;
    sum->points_outside = chart_scatter(out, &sp);
    thousands(sum->points_shown, shown, sizeof shown);
    thousands(r->nusers, total, sizeof total);
    snprintf(note, sizeof note,
             "Each dot is a user (%s of %s shown), placed by the two directions in which "
             "portraits differ most (principal components of the standardised portrait "
             "features, computed by the library). Users close together have similar "
             "portraits. Numbered circles mark each segment's centre.%s",
             shown, total,
             sum->points_outside ? " A few outlying users fall outside the frame." : "");
    element(out, "p", "class=\"note\"", note);
}

static void section_sizes(const report *r)
{
    size_t n = r->nseg, total = 0;
    double *v = calloc(n ? n : 1, sizeof *v);
    char **vt = calloc(n ? n : 1, sizeof *vt);
    const char **names = calloc(n ? n : 1, sizeof *names);
    for (size_t g = 0; g < n; g++)
        total += vc_community_size(r->p->cm, g);
    for (size_t g = 0; v && vt && names && g < n; g++) {
        size_t size = vc_community_size(r->p->cm, g);
        char num[32];
        thousands(size, num, sizeof num);
        v[g] = (double)size;
        names[g] = vc_community_name(r->p->cm, g);
        if ((vt[g] = malloc(48)))
            snprintf(vt[g], 48, "%s (%.0f%%)", num,
                     total ? 100.0 * (double)size / (double)total : 0.0);
    }
    element(r->out, "h2", NULL, "Segment sizes");
    if (v && vt && names) {
        hbar_spec sp = {"Users per segment", n, names, v, (const char *const *)vt,
                        r->seg_colours, "users whose nearest segment it is"};
        chart_hbars(r->out, &sp);
    }
    for (size_t g = 0; vt && g < n; g++)
        free(vt[g]);
    free(vt);
    free(v);
    free(names);
}

static void section_heatmap(const report *r)
{
    FILE *out = r->out;
    element(out, "h2", NULL, "What each segment prefers");
    if (!r->ntopics || !r->nseg) {
        element(out, "p", "class=\"note\"", "The data has no categories or topics to compare.");
        return;
    }
    size_t cols = r->ntopics < HEAT_COLS ? r->ntopics : HEAT_COLS;
    const char **cn = calloc(cols, sizeof *cn);
    const char **rn = calloc(r->nseg, sizeof *rn);
    double *v = calloc(r->nseg * cols, sizeof *v);
    if (cn && rn && v) {
        for (size_t t = 0; t < cols; t++)
            cn[t] = topic_name(r, t);
        for (size_t g = 0; g < r->nseg; g++) {
            rn[g] = vc_community_name(r->p->cm, g);
            for (size_t t = 0; t < cols; t++)
                v[g * cols + t] = r->index[g * r->ntopics + t];
        }
        heatmap_spec sp = {"Preference index of each segment for each category", r->nseg,
                           cols, rn, cn, r->seg_colours, v, 100, 3,
                           "preference index: 100 = the average user"};
        chart_heatmap(out, &sp);
        char note[256];
        snprintf(note, sizeof note,
                 "Share of each segment's activity that goes to a %s, relative to all users "
                 "(200 = twice the average share, 50 = half). %s by overall activity%s.",
                 vc_dataset_category_count(r->p->ds) ? "category" : "topic",
                 r->ntopics > cols ? "The most active ones" : "Ordered",
                 r->ntopics > cols ? " are shown" : "");
        element(out, "p", "class=\"note\"", note);
    }
    free(cn);
    free(rn);
    free(v);
}

static void persona_card(const report *r, size_t g)
{
    FILE *out = r->out;
    const vc_communities *cm = r->p->cm;
    fprintf(out, "<div class=\"card\" style=\"border-top-color:%s\">\n", r->seg_colours[g]);
    element(out, "h3", NULL, vc_community_name(cm, g));
    const char *persona = vc_community_persona(cm, g);
    size_t size_len;
    const char *traits = cli_persona_traits(persona, &size_len);
    char size[64];
    snprintf(size, sizeof size, "%.*s", (int)size_len, persona);
    element(out, "div", "class=\"size\"", size);
    if (*traits)
        element(out, "p", NULL, traits);
    size_t ntags = vc_community_tag_count(cm, g);
    if (ntags) {
        fputs("<div>", out);
        for (size_t k = 0; k < ntags && k < CARD_TAGS; k++) {
            const char *tag;
            float share;
            vc_community_tag(cm, g, k, &tag, &share);
            char chip[160];
            snprintf(chip, sizeof chip, "%s %.0f%%", tag, share * 100);
            element(out, "span", "class=\"chip\"", chip);
        }
        fputs("</div>\n", out);
    }
    ranked *top = malloc((r->ntopics ? r->ntopics : 1) * sizeof *top);
    size_t ntop = 0;
    for (size_t t = 0; top && t < r->ntopics; t++) /* clearly above average, not tiny */
        if (r->index[g * r->ntopics + t] >= 115 && r->overall[t] >= 0.005)
            top[ntop++] = (ranked){t, r->index[g * r->ntopics + t]};
    if (top)
        qsort(top, ntop, sizeof *top, by_value_desc);
    ntop = ntop < CARD_PREFS ? ntop : CARD_PREFS;
    if (ntop) {
        fputs("<ul>", out);
        for (size_t k = 0; k < ntop; k++) {
            char line[200];
            snprintf(line, sizeof line, "%s: %.1fx the average share", topic_name(r, top[k].i),
                     top[k].v / 100);
            element(out, "li", NULL, line);
        }
        fputs("</ul>\n", out);
    }
    free(top);
    fputs("</div>\n", out);
}

static void section_personas(const report *r)
{
    element(r->out, "h2", NULL, "Personas");
    element(r->out, "p", "class=\"note\"",
            "Who is in each segment: its size, what sets its members apart, the tags most "
            "of them carry, and the categories they favour most.");
    fputs("<div class=\"cards\">\n", r->out);
    for (size_t g = 0; g < r->nseg; g++)
        persona_card(r, g);
    fputs("</div>\n", r->out);
}

static void section_topics(const report *r)
{
    FILE *out = r->out;
    const vc_communities *cm = r->p->cm;
    size_t n = vc_communities_count(cm);
    if (n <= r->nseg)
        return;
    element(out, "h2", NULL, "Topic communities");
    element(out, "p", "class=\"note\"",
            "Inside each topic with enough engaged users, those users form sub-communities "
            "of their own. A user can belong to several.");
    fputs("<details><summary>", out);
    char buf[96];
    snprintf(buf, sizeof buf, "Show all %zu topic communities", n - r->nseg);
    text(out, buf);
    fputs("</summary>\n<table>\n<tr><th>community</th><th class=\"num\">users</th>"
          "<th>persona</th></tr>\n", out);
    for (size_t c = r->nseg; c < n; c++) {
        char size[32];
        thousands(vc_community_size(cm, c), size, sizeof size);
        fputs("<tr>", out);
        element(out, "td", NULL, vc_community_name(cm, c));
        element(out, "td", "class=\"num\"", size);
        element(out, "td", NULL, vc_community_persona(cm, c));
        fputs("</tr>\n", out);
    }
    fputs("</table>\n</details>\n", out);
}

static void section_eval(const report *r, const vc_eval *ev)
{
    FILE *out = r->out;
    element(out, "h2", NULL, "Does it pay off?");
    if (!ev) {
        element(out, "p", "class=\"note\"",
                "The evaluation was skipped (--no-eval). Run 'vcomm eval' or drop the flag.");
        return;
    }
    static const char *const shown[] = {"precision", "recall", "ndcg", "hit_rate", "map",
                                        "coverage"};
    enum { NSHOWN = sizeof shown / sizeof shown[0] };
    size_t nm = vc_eval_method_count(ev), nmet = vc_eval_metric_count();
    const char **methods = calloc(nm ? nm : 1, sizeof *methods);
    double *v = calloc(NSHOWN * (nm ? nm : 1), sizeof *v);
    if (methods && v) {
        for (size_t m = 0; m < nm; m++) {
            methods[m] = vc_eval_method_name(ev, m);
            for (size_t i = 0; i < NSHOWN; i++)
                vc_eval_metric(ev, m, shown[i], &v[i * nm + m]);
        }
        groupbar_spec sp = {"Recommendation quality of each method", NSHOWN, nm, shown,
                            methods, v, "score (higher is better)"};
        chart_grouped_bars(out, &sp);
    }
    const char *split;
    int64_t k;
    vc_options_get_string(r->ctx->opts, "eval.split", &split);
    vc_options_get_int(r->ctx->opts, "eval.k", &k);
    char note[512], users[32];
    thousands(vc_eval_user_count(ev), users, sizeof users);
    snprintf(note, sizeof note,
             "Held-out evaluation (split %s): portraits and communities are rebuilt on the "
             "earlier part of the data and each method recommends %lld items to each of %s "
             "users; the chart scores them against what those users did next. Coverage is "
             "the share of the catalogue recommended to anyone. Targeting: the 50 users "
             "picked for an item hold %.1fx the item's future users that 50 random users "
             "would.",
             split, (long long)k, users, vc_eval_target_lift(ev));
    element(out, "p", "class=\"note\"", note);
    /* every metric but the timing (query_us), which would make the page
     * differ from run to run */
    fputs("<table>\n<tr><th>method</th>", out);
    for (size_t i = 0; i < nmet; i++)
        if (strcmp(vc_eval_metric_name(i), "query_us") != 0)
            element(out, "th", "class=\"num\"", vc_eval_metric_name(i));
    fputs("</tr>\n", out);
    for (size_t m = 0; m < nm; m++) {
        fputs("<tr>", out);
        element(out, "td", NULL, vc_eval_method_name(ev, m));
        for (size_t i = 0; i < nmet; i++) {
            double x;
            char buf[32];
            if (strcmp(vc_eval_metric_name(i), "query_us") == 0)
                continue;
            vc_eval_metric(ev, m, vc_eval_metric_name(i), &x);
            snprintf(buf, sizeof buf, "%.4f", x);
            element(out, "td", "class=\"num\"", buf);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
    free(methods);
    free(v);
}

vc_status report_write(FILE *out, const cli_ctx *ctx, const cli_pipeline *p,
                       const vc_eval *ev, const char *source,
                       size_t max_points, report_summary *sum)
{
    report r;
    memset(&r, 0, sizeof r);
    memset(sum, 0, sizeof *sum);
    r.out = out;
    r.ctx = ctx;
    r.p = p;
    vc_status s = gather(&r);
    if (s != VC_OK) {
        report_free(&r);
        return s;
    }
    sum->users = r.nusers;
    sum->segments = r.nseg;
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
          "<head>\n<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n",
          out);
    fputs("<title>", out);
    text(out, "vcomm report: ");
    text(out, source);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", style);
    section_head(&r, source);
    section_map(&r, max_points, sum);
    section_sizes(&r);
    section_heatmap(&r);
    section_personas(&r);
    section_topics(&r);
    section_eval(&r, ev);
    fprintf(out, "<footer>Made by vcomm %s. Self-contained: no scripts, no network.</footer>\n",
            vc_version_string());
    fputs("</main>\n</body>\n</html>\n", out);
    report_free(&r);
    return VC_OK;
}
