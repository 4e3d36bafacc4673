/*
 * behaviour.c - the model (behaviour) layer: what each user's events say.
 *
 * Columns (groups in this order; "explicit" = rating data, "purchases" =
 * data with purchase events or amounts):
 *   category_share/<topic>   time-decayed share of the user's events on the
 *                            topic (an item with m topics gives 1/m to each)
 *   category_rating/<topic>  explicit: mean deviation of the user's ratings
 *                            on the topic from the user's own mean, shrunk
 *                            toward the topic's population deviation with
 *                            portrait.shrinkage pseudo-ratings
 *   activity/events          log(1 + events)
 *   activity/per_week        events per active week
 *   activity/recency_days    days from the last event to the data set's end
 *   activity/tenure_days     days from the first to the last event
 *   rating/mean, rating/spread   explicit: mean and standard deviation
 *   rfm/frequency, rfm/monetary, rfm/basket_value, rfm/quantity
 *                            purchases: distinct purchase days,
 *                            log(1 + money spent), money per purchase day,
 *                            mean quantity per purchase
 *   concentration/entropy    entropy of the topic shares / log(topics)
 *   time_of_day/night|morning|afternoon|evening  share of events in
 *                            [0,6) [6,12) [12,18) [18,24) h UTC
 *   weekday/weekend          share of events on Saturday or Sunday
 * Decay: an event t seconds before the data set's end weighs
 * 2^(-t / half_life) (portrait.half_life_days; 0 = no decay).
 * Users without events: zeros, recency = the whole time span, rating mean
 * = the population mean.
 */
#include <math.h>

#include "portrait.h"

#define DAY 86400.0
#define USERS_PER_TASK 1024

typedef struct fill_ctx {
    const vc_portraits *pt;
    const vci_behaviour_pop *pop;
    double half_life;     /* seconds, 0 = none */
    double shrinkage;
    double *scratch;      /* [workers * 3 * ntopics] */
    const uint32_t *users; /* the users to fill, NULL = every user */
    size_t nusers;
    float *rows;          /* row i: the i-th user filled */
} fill_ctx;

static vc_status add_group(vc_portraits *pt, const char *group,
                           const char *const *names, size_t n, float weight,
                           uint32_t *first)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t idx;
        VCI_CHECK(vci_schema_add(&pt->schema, VCI_LAYER_MODEL, group, names[i], &idx));
        pt->schema.cols[idx].weight = weight;
        if (i == 0 && first)
            *first = idx;
    }
    return VC_OK;
}

static vc_status add_topic_group(vc_portraits *pt, const char *group,
                                 float weight, uint32_t *first)
{
    *first = pt->schema.ncols;
    for (uint32_t k = 0; k < pt->topics.ntopics; k++) {
        uint32_t idx;
        VCI_CHECK(vci_schema_add(&pt->schema, VCI_LAYER_MODEL, group,
                                 vci_topic_name(&pt->topics, k), &idx));
        pt->schema.cols[idx].weight = weight;
    }
    return VC_OK;
}

vc_status vci_behaviour_plan(vc_portraits *pt, const vc_options *opts)
{
    float wcat = (float)vci_opt_float(opts, VCI_OPT_PORTRAIT_WEIGHT_CATEGORY);
    vci_column_map *m = &pt->map;
    m->rating = m->rating_mean = m->rating_spread = UINT32_MAX;
    m->monetary = m->frequency = UINT32_MAX;
    VCI_CHECK(add_topic_group(pt, "category_share", wcat, &m->share));
    if (pt->explicit_ratings)
        VCI_CHECK(add_topic_group(pt, "category_rating", 1.0f, &m->rating));
    static const char *const activity[] = {"events", "per_week", "recency_days",
                                           "tenure_days"};
    VCI_CHECK(add_group(pt, "activity", activity, 4, 1.0f, &m->events));
    m->per_week = m->events + 1;
    m->recency = m->events + 2;
    m->tenure = m->events + 3;
    if (pt->explicit_ratings) {
        static const char *const rating[] = {"mean", "spread"};
        VCI_CHECK(add_group(pt, "rating", rating, 2, 1.0f, &m->rating_mean));
        m->rating_spread = m->rating_mean + 1;
    }
    if (pt->purchases) {
        static const char *const rfm[] = {"frequency", "monetary", "basket_value",
                                          "quantity"};
        VCI_CHECK(add_group(pt, "rfm", rfm, 4, 1.0f, &m->frequency));
        m->monetary = m->frequency + 1;
    }
    static const char *const entropy[] = {"entropy"};
    VCI_CHECK(add_group(pt, "concentration", entropy, 1, 0.5f, &m->entropy));
    static const char *const tod[] = {"night", "morning", "afternoon", "evening"};
    VCI_CHECK(add_group(pt, "time_of_day", tod, 4, 0.5f, &m->night));
    static const char *const wk[] = {"weekend"};
    return add_group(pt, "weekday", wk, 1, 0.5f, &m->weekend);
}

void vci_behaviour_pop_free(vci_behaviour_pop *pop)
{
    vci_free(pop->topic_dev);
    pop->topic_dev = NULL;
}

/* The population loop visits every event's topics. An item has one to a
 * few topics, so a loop over them mispredicts its exit at almost every
 * event; instead each item lists SLOTS topic slots, the unused ones
 * pointing at spare accumulators (rotating with the event, so they build
 * no long chain of dependent additions), and only items with more topics
 * loop over the rest. Each topic still gets its additions in event order,
 * so the sums are the ones the plain loop gives, to the bit. */
#define SLOTS 3
#define SPARES 8

/* slot[it * (SLOTS + 1) ..]: the item's first SLOTS topics (UINT32_MAX:
 * none), then its number of topics. */
static void topic_slots(const vci_topics *tp, uint32_t nitems, uint32_t *slot)
{
    for (uint32_t it = 0; it < nitems; it++) {
        uint32_t b = tp->item_start[it], n = tp->item_start[it + 1] - b;
        uint32_t *sl = slot + (size_t)it * (SLOTS + 1);
        for (uint32_t j = 0; j < SLOTS; j++)
            sl[j] = j < n ? tp->item_topic[b + j] : UINT32_MAX;
        sl[SLOTS] = n;
    }
}

vc_status vci_behaviour_population(const vc_portraits *pt, vci_behaviour_pop *pop)
{
    const vc_dataset *ds = pt->ds;
    const vci_topics *tp = &pt->topics;
    uint32_t nt = tp->ntopics;
    pop->rating_mean = 0;
    pop->topic_dev = vci_calloc(nt ? nt : 1, sizeof *pop->topic_dev);
    double *dev = vci_calloc((size_t)nt + SPARES, sizeof *dev);
    double *count = vci_calloc(nt ? nt : 1, sizeof *count);
    uint32_t *slot = vci_malloc(((size_t)ds->nitems + 1) * (SLOTS + 1) * sizeof *slot);
    vc_status s = pop->topic_dev && dev && count && slot ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK && pt->explicit_ratings) {
        topic_slots(tp, ds->nitems, slot);
        /* events per topic: whole numbers, the same in any order */
        for (uint32_t it = 0; it < ds->nitems; it++)
            for (uint32_t k = tp->item_start[it]; k < tp->item_start[it + 1]; k++)
                count[tp->item_topic[k]] += (double)(ds->item_start[it + 1] - ds->item_start[it]);
        double total = 0, n = 0;
        for (uint32_t u = 0; u < ds->nusers; u++) {
            uint64_t b = ds->user_start[u], e = ds->user_start[u + 1];
            if (b == e)
                continue;
            double sum = 0;
            for (uint64_t i = b; i < e; i++)
                sum += ds->ev_value[i];
            double mean = sum / (double)(e - b);
            total += sum;
            n += (double)(e - b);
            for (uint64_t i = b; i < e; i++) {
                uint32_t it = ds->ev_item[i];
                const uint32_t *sl = slot + (size_t)it * (SLOTS + 1);
                uint32_t spare = nt + (uint32_t)(i % SPARES);
                double d = ds->ev_value[i] - mean;
                for (uint32_t j = 0; j < SLOTS; j++)
                    dev[sl[j] != UINT32_MAX ? sl[j] : spare] += d;
                if (sl[SLOTS] > SLOTS) /* the other topics of a many-topic item */
                    for (uint32_t k = tp->item_start[it] + SLOTS; k < tp->item_start[it + 1]; k++)
                        dev[tp->item_topic[k]] += d;
            }
        }
        for (uint32_t k = 0; k < nt; k++)
            pop->topic_dev[k] = count[k] > 0 ? dev[k] / count[k] : 0;
        pop->rating_mean = n > 0 ? total / n : 0;
    }
    vci_free(dev);
    vci_free(count);
    vci_free(slot);
    if (s != VC_OK)
        vci_behaviour_pop_free(pop);
    return s;
}

static void fill_user(const fill_ctx *c, uint32_t u, float *row, double *share,
                      double *dev, double *wsum)
{
    const vc_portraits *pt = c->pt;
    const vc_dataset *ds = pt->ds;
    const vci_column_map *m = &pt->map;
    const vci_topics *tp = &pt->topics;
    uint32_t nt = tp->ntopics;
    uint64_t b = ds->user_start[u], e = ds->user_start[u + 1];
    double span = (double)(ds->time_last - ds->time_base);

    if (b == e) {
        row[m->recency] = (float)(span / DAY);
        if (m->rating_mean != UINT32_MAX)
            row[m->rating_mean] = (float)c->pop->rating_mean;
        return;
    }
    for (uint32_t k = 0; k < nt; k++)
        share[k] = dev[k] = wsum[k] = 0;

    double n = (double)(e - b), rsum = 0, rsq = 0;
    for (uint64_t i = b; i < e; i++) {
        rsum += ds->ev_value[i];
        rsq += (double)ds->ev_value[i] * ds->ev_value[i];
    }
    double own_mean = rsum / n;
    double topic_total = 0, tod[4] = {0}, weekend = 0;
    double spent = 0, quantity = 0, purchases = 0, days = 0;
    int64_t last_day = INT64_MIN, last_week = INT64_MIN;
    double weeks = 0;
    for (uint64_t i = b; i < e; i++) {
        int64_t t = vci_ds_time(ds, i);
        double w = c->half_life > 0
                       ? exp2(-(double)(ds->time_last - t) / c->half_life) : 1.0;
        uint32_t it = ds->ev_item[i];
        uint32_t tb = tp->item_start[it], te = tp->item_start[it + 1];
        for (uint32_t k = tb; k < te; k++) {
            uint32_t topic = tp->item_topic[k];
            share[topic] += w / (double)(te - tb);
            dev[topic] += ds->ev_value[i] - own_mean;
            wsum[topic] += 1;
        }
        if (te > tb)
            topic_total += w;
        int64_t sec = ((t % 86400) + 86400) % 86400;
        tod[sec / 21600]++;
        int64_t day = (t >= 0 ? t : t - 86399) / 86400;
        int64_t wd = ((day + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
        weekend += wd == 0 || wd == 6;
        int64_t week = (day + 3) / 7;
        weeks += week != last_week;
        last_week = week;
        uint32_t type = vci_ds_type(ds, i);
        if (type == VC_EVENT_PURCHASE || vci_ds_amount(ds, i) != 0) {
            purchases++;
            spent += vci_ds_amount(ds, i);
            quantity += ds->ev_value[i];
            days += day != last_day;
            last_day = day;
        }
    }

    double entropy = 0;
    for (uint32_t k = 0; k < nt; k++) {
        double s = topic_total > 0 ? share[k] / topic_total : 0;
        row[m->share + k] = (float)s;
        if (s > 0)
            entropy -= s * log(s);
        if (m->rating != UINT32_MAX)
            row[m->rating + k] = (float)((dev[k] + c->shrinkage * c->pop->topic_dev[k]) /
                                         (wsum[k] + c->shrinkage));
    }
    row[m->entropy] = nt > 1 ? (float)(entropy / log((double)nt)) : 0.0f;
    int64_t first = vci_ds_time(ds, b), last = vci_ds_time(ds, e - 1);
    row[m->events] = (float)log1p(n);
    row[m->per_week] = (float)(n / VCI_MAX(weeks, 1.0));
    row[m->recency] = (float)((double)(ds->time_last - last) / DAY);
    row[m->tenure] = (float)((double)(last - first) / DAY);
    if (m->rating_mean != UINT32_MAX) {
        row[m->rating_mean] = (float)own_mean;
        row[m->rating_spread] = (float)sqrt(VCI_MAX(rsq / n - own_mean * own_mean, 0.0));
    }
    if (m->frequency != UINT32_MAX) {
        row[m->frequency] = (float)days;
        row[m->monetary] = (float)log1p(VCI_MAX(spent, 0.0));
        row[m->monetary + 1] = (float)(days > 0 ? spent / days : 0);
        row[m->monetary + 2] = (float)(purchases > 0 ? quantity / purchases : 0);
    }
    for (int q = 0; q < 4; q++)
        row[m->night + q] = (float)(tod[q] / n);
    row[m->weekend] = (float)(weekend / n);
}

static vc_status fill_task(void *ctx, size_t task, unsigned worker)
{
    const fill_ctx *c = ctx;
    uint32_t nt = c->pt->topics.ntopics;
    double *share = c->scratch + (size_t)worker * 3 * (nt + 1);
    size_t end = VCI_MIN((task + 1) * USERS_PER_TASK, c->nusers);
    for (size_t i = task * USERS_PER_TASK; i < end; i++)
        fill_user(c, c->users ? c->users[i] : (uint32_t)i,
                  c->rows + i * c->pt->ncols, share, share + nt + 1, share + 2 * (nt + 1));
    return VC_OK;
}

vc_status vci_behaviour_fill(const vc_portraits *pt, const vc_options *opts,
                             vci_pool *pool, const vci_progress *progress,
                             const vci_behaviour_pop *pop, const uint32_t *users,
                             size_t nusers, float *rows)
{
    fill_ctx c = {pt, pop, 0, 0, NULL, users, users ? nusers : pt->nusers, rows};
    c.half_life = vci_opt_float(opts, VCI_OPT_PORTRAIT_HALF_LIFE_DAYS) * DAY;
    c.shrinkage = vci_opt_float(opts, VCI_OPT_PORTRAIT_SHRINKAGE);
    size_t per = 3 * ((size_t)pt->topics.ntopics + 1);
    c.scratch = vci_calloc((size_t)vci_pool_size(pool) * per, sizeof *c.scratch);
    vc_status s = VC_ERR_NOMEM;
    if (c.scratch) {
        size_t ntasks = (c.nusers + USERS_PER_TASK - 1) / USERS_PER_TASK;
        s = vci_parallel_for(pool, ntasks, fill_task, &c, progress);
    }
    vci_free(c.scratch);
    return s;
}
