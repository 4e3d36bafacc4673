/*
 * cmd_stats.c - `vcomm stats`: what a data set holds. Counts of users,
 * items, events (per type), categories with their item and event counts,
 * attributes, time range, events per user, memory, and the lines skipped
 * or rows dropped while loading.
 * JSON keys: users, items, events, format, event_types, categories,
 * attributes, time_range, events_per_user, bytes, skipped_lines,
 * first_skip, dropped_rows.
 */
#include <stdlib.h>
#include <time.h>

#include "pipeline.h"

typedef struct cat_count {
    size_t cat, items, events;
} cat_count;

static int by_events(const void *a, const void *b)
{
    const cat_count *x = a, *y = b;
    if (x->events != y->events)
        return x->events > y->events ? -1 : 1;
    return x->cat < y->cat ? -1 : x->cat > y->cat;
}

static int by_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void iso_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        snprintf(buf, size, "%lld", (long long)t);
}

/* Per category: items having it and events on those items, most events
 * first. */
static cat_count *count_categories(const vc_dataset *ds)
{
    size_t nc = vc_dataset_category_count(ds);
    cat_count *c = calloc(nc ? nc : 1, sizeof *c);
    if (!c)
        return NULL;
    for (size_t k = 0; k < nc; k++)
        c[k].cat = k;
    uint32_t cats[256];
    for (size_t i = 0; i < vc_dataset_item_count(ds); i++) {
        size_t n = 0;
        vc_dataset_item_categories(ds, i, cats, 256, &n);
        size_t ev = vc_dataset_item_event_count(ds, i);
        for (size_t k = 0; k < n && k < 256; k++) {
            c[cats[k]].items++;
            c[cats[k]].events += ev;
        }
    }
    qsort(c, nc, sizeof *c, by_events);
    return c;
}

typedef struct user_spread {
    size_t min, median, max;
    double mean;
} user_spread;

static int spread_of(const vc_dataset *ds, user_spread *sp)
{
    size_t nu = vc_dataset_user_count(ds);
    memset(sp, 0, sizeof *sp);
    if (!nu)
        return 0;
    size_t *n = malloc(nu * sizeof *n);
    if (!n)
        return -1;
    double sum = 0;
    for (size_t u = 0; u < nu; u++) {
        n[u] = vc_dataset_user_event_count(ds, u);
        sum += (double)n[u];
    }
    qsort(n, nu, sizeof *n, by_size);
    sp->min = n[0];
    sp->max = n[nu - 1];
    sp->median = n[nu / 2];
    sp->mean = sum / (double)nu;
    free(n);
    return 0;
}

static void print_json(const vc_dataset *ds, const cat_count *cats,
                       const user_spread *sp, const uint64_t *types,
                       int64_t first, int64_t last)
{
    json_writer w;
    char buf[64];
    json_init(&w, stdout);
    json_begin_object(&w);
    cli_json_counts(&w, ds);
    json_key(&w, "format");
    json_string(&w, vc_dataset_format(ds));
    json_key(&w, "event_types");
    json_begin_object(&w);
    for (size_t t = 0; t < vc_dataset_event_type_count(ds); t++) {
        if (!types[t] && t > VC_EVENT_PURCHASE)
            continue;
        json_key(&w, vc_dataset_event_type_name(ds, t));
        json_uint(&w, types[t]);
    }
    json_end_object(&w);
    json_key(&w, "categories");
    json_begin_array(&w);
    for (size_t k = 0; k < vc_dataset_category_count(ds); k++) {
        json_begin_object(&w);
        json_key(&w, "name");
        json_string(&w, vc_dataset_category_name(ds, cats[k].cat));
        json_key(&w, "items");
        json_uint(&w, cats[k].items);
        json_key(&w, "events");
        json_uint(&w, cats[k].events);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "attributes");
    json_begin_array(&w);
    for (size_t a = 0; a < vc_dataset_attr_count(ds); a++)
        json_string(&w, vc_dataset_attr_name(ds, a));
    json_end_array(&w);
    json_key(&w, "time_range");
    json_begin_object(&w);
    json_key(&w, "first");
    iso_time(first, buf, sizeof buf);
    json_string(&w, buf);
    json_key(&w, "last");
    iso_time(last, buf, sizeof buf);
    json_string(&w, buf);
    json_end_object(&w);
    json_key(&w, "events_per_user");
    json_begin_object(&w);
    json_key(&w, "min");
    json_uint(&w, sp->min);
    json_key(&w, "median");
    json_uint(&w, sp->median);
    json_key(&w, "mean");
    json_double(&w, sp->mean);
    json_key(&w, "max");
    json_uint(&w, sp->max);
    json_end_object(&w);
    json_key(&w, "bytes");
    json_uint(&w, vc_dataset_memory_bytes(ds));
    json_key(&w, "skipped_lines");
    json_uint(&w, vc_dataset_skipped_lines(ds));
    json_key(&w, "first_skip");
    if (vc_dataset_first_skip_reason(ds))
        json_string(&w, vc_dataset_first_skip_reason(ds));
    else
        json_null(&w);
    json_key(&w, "dropped_rows");
    json_uint(&w, vc_dataset_dropped_rows(ds));
    json_end_object(&w);
    json_finish(&w);
}

static void print_table(const vc_dataset *ds, const cat_count *cats,
                        const user_spread *sp, const uint64_t *types,
                        int64_t first, int64_t last)
{
    char a[64], b[64];
    size_t ne = vc_dataset_event_count(ds);
    printf("format      %s\n", vc_dataset_format(ds));
    printf("users       %zu\nitems       %zu\nevents      %zu\n",
           vc_dataset_user_count(ds), vc_dataset_item_count(ds), ne);
    for (size_t t = 0; t < vc_dataset_event_type_count(ds); t++)
        if (types[t])
            printf("  %-10s %llu\n", vc_dataset_event_type_name(ds, t),
                   (unsigned long long)types[t]);
    iso_time(first, a, sizeof a);
    iso_time(last, b, sizeof b);
    printf("time range  %s .. %s\n", a, b);
    printf("per user    min %zu, median %zu, mean %.1f, max %zu events\n", sp->min,
           sp->median, sp->mean, sp->max);
    printf("attributes ");
    for (size_t k = 0; k < vc_dataset_attr_count(ds); k++)
        printf(" %s", vc_dataset_attr_name(ds, k));
    printf("%s\n", vc_dataset_attr_count(ds) ? "" : " (none)");
    printf("categories  %zu%s\n", vc_dataset_category_count(ds),
           vc_dataset_category_count(ds) ? " (items, events):" : "");
    for (size_t k = 0; k < vc_dataset_category_count(ds); k++)
        printf("  %-20s %7zu %9zu\n", vc_dataset_category_name(ds, cats[k].cat),
               cats[k].items, cats[k].events);
    size_t bytes = vc_dataset_memory_bytes(ds);
    printf("memory      %.1f MB (%.1f bytes per event)\n", (double)bytes / 1e6,
           ne ? (double)bytes / (double)ne : 0.0);
    if (vc_dataset_skipped_lines(ds))
        printf("skipped     %llu malformed lines; first: %s\n",
               (unsigned long long)vc_dataset_skipped_lines(ds),
               vc_dataset_first_skip_reason(ds) ? vc_dataset_first_skip_reason(ds) : "?");
    if (vc_dataset_dropped_rows(ds))
        printf("dropped     %llu rows by the purchase rules (no customer, "
               "cancellations, zero quantity or price)\n",
               (unsigned long long)vc_dataset_dropped_rows(ds));
}

static int run(cli_ctx *ctx)
{
    cli_pipeline p;
    int rc = cli_pipeline_open(ctx, &p, CLI_STAGE_DATA, false);
    if (rc != CLI_OK)
        return rc;
    const vc_dataset *ds = p.ds;
    uint64_t types[256] = {0};
    int64_t first = 0, last = 0;
    user_spread sp;
    cat_count *cats = count_categories(ds);
    vc_status s = vc_dataset_type_counts(ds, types, 256);
    if (s == VC_OK)
        s = vc_dataset_time_range(ds, &first, &last);
    if (s != VC_OK)
        rc = cli_library_error(ctx, s);
    else if (!cats || spread_of(ds, &sp) != 0)
        rc = cli_usage_error(ctx, "out of memory");
    else if (ctx->json)
        print_json(ds, cats, &sp, types, first, last);
    else
        print_table(ds, cats, &sp, types, first, last);
    free(cats);
    cli_pipeline_close(&p);
    return rc;
}

static const cli_flag flags[] = {{NULL, NULL, NULL, NULL}};

const cli_command cmd_stats = {
    "stats", "counts and summary of a data set",
    "vcomm stats (--data PATH | --model FILE) [--json]",
    "vcomm stats --data ../shared/data/ml-100k --json",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, flags, run};
