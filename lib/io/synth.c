/*
 * synth.c - vc_dataset_synthesize: MovieLens-1M-shaped data with planted
 * communities. Every community has its own genre tastes (two or three
 * favourite genres), rating habit (a bias), demographics (gender mix, an
 * age bracket, favourite occupations, a region), activity level and time
 * of day; users draw from their community's profile with personal noise.
 * Items have genres, a popularity (Zipf-like) and a quality.
 *
 * Invariants: deterministic by seed whatever the thread count (the
 * communities and items come from fixed RNG streams, user u from stream
 * USER_STREAM + u); each user's events are generated in increasing time
 * order with distinct items.
 */
#include <math.h>
#include <stdio.h>

#include "io.h"

#define NGENRES 18
#define USER_STREAM 1000u
#define T_START 956703600LL   /* 2000-04-26, as ML-1M */

static const char *const genres[NGENRES] = {
    "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical",
    "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"};
/* share of ML-1M movies per genre (primary genre weights) */
static const double genre_weight[NGENRES] = {
    503, 283, 105, 251, 1200, 211, 127, 1603, 68, 44, 343, 114,
    106, 471, 276, 492, 143, 68};

static const char *const title_a[] = {
    "Silent", "Last", "Broken", "Golden", "Hidden", "Midnight", "Wild", "Lost",
    "Crimson", "Distant", "Secret", "Burning", "Frozen", "Little", "Dark", "Bright"};
static const char *const title_b[] = {
    "River", "Empire", "Promise", "Garden", "Horizon", "Stranger", "Summer",
    "Machine", "Kingdom", "Letter", "Island", "Road", "Storm", "Heart", "City",
    "Voyage"};

typedef struct community {
    double taste[NGENRES];   /* cumulative genre choice weights */
    uint32_t fav[3];
    double bias;             /* rating habit */
    double female;           /* share of women */
    int age_bucket;          /* 0..6 (ML-1M age codes) */
    int occupation[3];
    int region;
    double activity;         /* events multiplier */
    double hour;             /* peak hour of activity */
    double weekend;          /* share of weekend activity */
    double weight;           /* relative size */
} community;

typedef struct synth {
    uint32_t nusers, nitems, ncomm;
    double events_per_user;
    uint64_t seed;
    community *comm;
    double *comm_cdf;        /* [ncomm] */
    float *quality;          /* [nitems] */
    uint8_t *item_genre;     /* [nitems * 3] */
    uint8_t *item_ngenre;    /* [nitems] */
    /* per genre: items having it and the cumulative popularity */
    uint32_t *genre_start;   /* [NGENRES + 1] */
    uint32_t *genre_items;
    double *genre_cdf;
    uint32_t *user_comm;     /* [nusers] */
    uint32_t *count;         /* [nusers] events */
    uint64_t *offset;        /* [nusers + 1] */
    vci_event_block *st;
    uint32_t **seen;         /* per worker: item -> stamp */
    uint32_t *stamp;         /* per worker */
    unsigned nworkers;
} synth;

static size_t draw_cdf(const double *cdf, size_t n, double u)
{
    size_t lo = 0, hi = n;
    double x = u * cdf[n - 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cdf[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return VCI_MIN(lo, n - 1);
}

/* ---- communities and items ----------------------------------------------------- */

static void make_communities(synth *sy)
{
    vci_rng rng;
    vci_rng_seed(&rng, sy->seed, 0);
    uint32_t order[NGENRES];
    for (uint32_t g = 0; g < NGENRES; g++)
        order[g] = g;
    double cum = 0;
    for (uint32_t c = 0; c < sy->ncomm; c++) {
        community *k = &sy->comm[c];
        /* favourites: walk a shuffled genre order so communities differ */
        if (c % NGENRES == 0)
            vci_rng_shuffle_u32(&rng, order, NGENRES);
        uint32_t nfav = 2 + (uint32_t)vci_rng_below(&rng, 2);
        k->fav[0] = order[c % NGENRES];
        for (uint32_t f = 1; f < 3; f++)
            k->fav[f] = (uint32_t)vci_rng_below(&rng, NGENRES);
        for (uint32_t g = 0; g < NGENRES; g++)
            k->taste[g] = 0.2 * genre_weight[g] / 1600.0;
        k->taste[k->fav[0]] += 6.0;
        for (uint32_t f = 1; f < nfav; f++)
            k->taste[k->fav[f]] += 1.5 + vci_rng_uniform(&rng);
        for (uint32_t f = nfav; f < 3; f++)
            k->fav[f] = k->fav[0];
        for (uint32_t g = 1; g < NGENRES; g++)
            k->taste[g] += k->taste[g - 1];
        k->bias = (vci_rng_uniform(&rng) - 0.5) * 1.4;
        k->female = 0.1 + 0.8 * vci_rng_uniform(&rng);
        k->age_bucket = (int)vci_rng_below(&rng, 7);
        for (int o = 0; o < 3; o++)
            k->occupation[o] = (int)vci_rng_below(&rng, 21);
        k->region = (int)vci_rng_below(&rng, 10);
        k->activity = 0.4 + 1.2 * vci_rng_uniform(&rng);   /* mean 1 */
        k->hour = 8 + 15 * vci_rng_uniform(&rng);
        k->weekend = 0.1 + 0.6 * vci_rng_uniform(&rng);
        k->weight = 0.5 + vci_rng_uniform(&rng);
        cum += k->weight;
        sy->comm_cdf[c] = cum;
    }
}

static vc_status make_items(synth *sy, vc_dataset *ds)
{
    vci_rng rng;
    vci_rng_seed(&rng, sy->seed, 1);
    double gcdf[NGENRES];
    double cum = 0;
    uint32_t cat[NGENRES];
    for (uint32_t g = 0; g < NGENRES; g++) {
        cum += genre_weight[g];
        gcdf[g] = cum;
        VCI_CHECK(vci_ds_category(ds, genres[g], strlen(genres[g]), &cat[g]));
    }
    uint32_t *perm = vci_calloc(sy->nitems, sizeof *perm);
    uint8_t *gen = sy->item_genre, *ngen = sy->item_ngenre;
    vc_status s = perm ? VC_OK : VC_ERR_NOMEM;
    for (uint32_t i = 0; i < sy->nitems; i++)
        perm[i] = i;
    if (s == VC_OK)
        vci_rng_shuffle_u32(&rng, perm, sy->nitems);
    char id[16], title[96];
    for (uint32_t i = 0; i < sy->nitems && s == VC_OK; i++) {
        uint32_t idx;
        int n = snprintf(id, sizeof id, "%u", i + 1);
        s = vci_ds_item(ds, id, (size_t)n, &idx, NULL);
        /* genres: a primary by ML-1M frequency, maybe one or two more */
        uint32_t list[3];
        uint8_t k = 0;
        list[k++] = (uint32_t)draw_cdf(gcdf, NGENRES, vci_rng_uniform(&rng));
        while (k < 3 && vci_rng_uniform(&rng) < 0.45) {
            uint32_t g = (uint32_t)draw_cdf(gcdf, NGENRES, vci_rng_uniform(&rng));
            bool dup = false;
            for (uint8_t j = 0; j < k; j++)
                dup = dup || list[j] == g;
            if (!dup)
                list[k++] = g;
        }
        ngen[i] = k;
        uint32_t cats[3];
        for (uint8_t j = 0; j < k; j++) {
            gen[(size_t)i * 3 + j] = (uint8_t)list[j];
            cats[j] = cat[list[j]];
        }
        sy->quality[i] = (float)(3.5 + 0.55 * vci_rng_normal(&rng));
        n = snprintf(title, sizeof title, "%s %s (%u)",
                     title_a[vci_rng_below(&rng, VCI_ARRAY_LEN(title_a))],
                     title_b[vci_rng_below(&rng, VCI_ARRAY_LEN(title_b))],
                     1930 + (unsigned)vci_rng_below(&rng, 71));
        if (s == VC_OK)
            s = vci_ds_set_item_title(ds, idx, title, (size_t)n);
        if (s == VC_OK)
            s = vci_ds_set_item_category_list(ds, idx, cats, k);
    }
    /* per-genre item lists with Zipf-like popularity by a random rank */
    if (s == VC_OK) {
        uint32_t total = 0;
        for (uint32_t i = 0; i < sy->nitems; i++)
            total += ngen[i];
        sy->genre_items = vci_calloc(total, sizeof *sy->genre_items);
        sy->genre_cdf = vci_calloc(total, sizeof *sy->genre_cdf);
        if (!sy->genre_items || !sy->genre_cdf)
            s = VC_ERR_NOMEM;
    }
    if (s == VC_OK) {
        uint32_t fill[NGENRES + 1] = {0};
        for (uint32_t i = 0; i < sy->nitems; i++)
            for (uint8_t j = 0; j < ngen[i]; j++)
                sy->genre_start[gen[(size_t)i * 3 + j] + 1]++;
        for (uint32_t g = 0; g < NGENRES; g++)
            sy->genre_start[g + 1] += sy->genre_start[g];
        memcpy(fill, sy->genre_start, sizeof fill);
        for (uint32_t i = 0; i < sy->nitems; i++)
            for (uint8_t j = 0; j < ngen[i]; j++)
                sy->genre_items[fill[gen[(size_t)i * 3 + j]]++] = i;
        for (uint32_t g = 0; g < NGENRES; g++) {
            double c = 0;
            for (uint32_t k = sy->genre_start[g]; k < sy->genre_start[g + 1]; k++) {
                uint32_t i = sy->genre_items[k];
                c += 1.0 / pow(1.0 + perm[i], 0.85);
                sy->genre_cdf[k] = c;
            }
        }
    }
    vci_free(perm);
    return s;
}

/* ---- users -------------------------------------------------------------------------- */

static vc_status make_users(synth *sy, vc_dataset *ds)
{
    static const int age_codes[7] = {1, 18, 25, 35, 45, 50, 56};
    uint32_t ag, ao, az, agend;
    VCI_CHECK(vci_ds_attr(ds, "gender", 6, &agend));
    VCI_CHECK(vci_ds_attr(ds, "age", 3, &ag));
    VCI_CHECK(vci_ds_attr(ds, "occupation", 10, &ao));
    VCI_CHECK(vci_ds_attr(ds, "zip", 3, &az));
    VCI_CHECK(vci_idmap_reserve(&ds->user_map, sy->nusers));
    char id[16], zip[8];
    for (uint32_t u = 0; u < sy->nusers; u++) {
        vci_rng rng;
        vci_rng_seed(&rng, sy->seed, USER_STREAM + u);
        uint32_t c = (uint32_t)draw_cdf(sy->comm_cdf, sy->ncomm, vci_rng_uniform(&rng));
        const community *k = &sy->comm[c];
        sy->user_comm[u] = c;
        uint32_t idx;
        int n = snprintf(id, sizeof id, "%u", u + 1);
        VCI_CHECK(vci_ds_user(ds, id, (size_t)n, &idx, NULL));
        const char *g = vci_rng_uniform(&rng) < k->female ? "F" : "M";
        int bucket = vci_rng_uniform(&rng) < 0.75 ? k->age_bucket
                     : (int)vci_rng_below(&rng, 7);
        int occ = vci_rng_uniform(&rng) < 0.7 ? k->occupation[vci_rng_below(&rng, 3)]
                                              : (int)vci_rng_below(&rng, 21);
        int region = vci_rng_uniform(&rng) < 0.6 ? k->region : (int)vci_rng_below(&rng, 10);
        const char *age = vci_ml1m_age_label(age_codes[bucket]);
        const char *occl = vci_ml1m_occupation_label(occ);
        snprintf(zip, sizeof zip, "%d%04u", region, (unsigned)vci_rng_below(&rng, 10000));
        VCI_CHECK(vci_ds_set_user_attr(ds, idx, agend, g, 1));
        VCI_CHECK(vci_ds_set_user_attr(ds, idx, ag, age, strlen(age)));
        VCI_CHECK(vci_ds_set_user_attr(ds, idx, ao, occl, strlen(occl)));
        VCI_CHECK(vci_ds_set_user_attr(ds, idx, az, zip, 5));
        /* how many events: at least lo, a long tail above */
        double mean = sy->events_per_user * k->activity;
        double lo = VCI_MIN(20.0, VCI_MAX(1.0, sy->events_per_user / 2));
        double x = lo - log(1.0 - vci_rng_uniform(&rng)) * VCI_MAX(mean - lo, 0.0);
        double cap = VCI_MAX(1.0, sy->nitems / 2.0);
        sy->count[u] = (uint32_t)VCI_MIN(VCI_MAX(floor(x), 1.0), cap);
    }
    return VC_OK;
}

/* ---- events, in parallel -------------------------------------------------------------- */

#define USERS_PER_TASK 256

/* An item the user has not drawn yet: a genre from the community's taste
 * (or any genre, 15% of the time), then an item of it by popularity; when
 * the popular ones are taken, the next unseen item of the genre. */
static uint32_t draw_item(const synth *sy, const community *k, vci_rng *rng,
                          const uint32_t *seen, uint32_t stamp)
{
    for (int tries = 0; tries < 8; tries++) {
        uint32_t g = vci_rng_uniform(rng) < 0.85
                         ? (uint32_t)draw_cdf(k->taste, NGENRES, vci_rng_uniform(rng))
                         : (uint32_t)vci_rng_below(rng, NGENRES);
        uint32_t b = sy->genre_start[g], e = sy->genre_start[g + 1];
        if (b == e)
            continue;
        for (int attempt = 0; attempt < 8; attempt++) {
            uint32_t i = sy->genre_items[b + draw_cdf(sy->genre_cdf + b, e - b,
                                                      vci_rng_uniform(rng))];
            if (seen[i] != stamp)
                return i;
        }
        uint32_t start = (uint32_t)vci_rng_below(rng, e - b);
        for (uint32_t off = 0; off < e - b; off++) {
            uint32_t i = sy->genre_items[b + (start + off) % (e - b)];
            if (seen[i] != stamp)
                return i;
        }
    }
    uint32_t start = (uint32_t)vci_rng_below(rng, sy->nitems);
    for (uint32_t off = 0; off < sy->nitems; off++) {
        uint32_t i = (start + off) % sy->nitems;
        if (seen[i] != stamp)
            return i;
    }
    return start;   /* unreachable: a user has at most nitems / 2 events */
}

static bool is_favourite(const synth *sy, const community *k, uint32_t item)
{
    for (uint8_t j = 0; j < sy->item_ngenre[item]; j++) {
        uint8_t g = sy->item_genre[(size_t)item * 3 + j];
        if (g == k->fav[0] || g == k->fav[1] || g == k->fav[2])
            return true;
    }
    return false;
}

static vc_status events_task(void *ctx, size_t task, unsigned worker)
{
    synth *sy = ctx;
    uint32_t *seen = sy->seen[worker];
    vci_event_block *st = sy->st;
    size_t u0 = task * USERS_PER_TASK;
    size_t u1 = VCI_MIN((size_t)sy->nusers, u0 + USERS_PER_TASK);
    for (size_t u = u0; u < u1; u++) {
        vci_rng rng;
        /* a stream of its own, apart from the draws of make_users */
        vci_rng_seed(&rng, sy->seed ^ 0x9E3779B97F4A7C15ull, USER_STREAM + u);
        const community *k = &sy->comm[sy->user_comm[u]];
        uint32_t stamp = ++sy->stamp[worker];
        double ubias = 0.35 * vci_rng_normal(&rng);
        int64_t day = (T_START + (int64_t)(vci_rng_uniform(&rng) * 2.5 * 365 * 86400)) / 86400;
        double gap_days = 60.0 / VCI_MAX(1.0, (double)sy->count[u]) + 0.2;
        int64_t prev = INT64_MIN;
        uint64_t e = sy->offset[u];
        for (uint32_t j = 0; j < sy->count[u]; j++, e++) {
            uint32_t item = draw_item(sy, k, &rng, seen, stamp);
            seen[item] = stamp;
            double r = sy->quality[item] + k->bias + ubias +
                       (is_favourite(sy, k, item) ? 0.6 : -0.2) + 0.6 * vci_rng_normal(&rng);
            r = VCI_MIN(5.0, VCI_MAX(1.0, floor(r + 0.5)));
            /* when: days apart, on a weekend as often as the community likes,
             * around its peak hour */
            day += (int64_t)floor(-log(1.0 - vci_rng_uniform(&rng)) * gap_days);
            if (vci_rng_uniform(&rng) < k->weekend) {
                int64_t wd = (day + 4) % 7;           /* 0 = Sunday */
                day += wd == 0 ? 0 : 6 - wd;
            }
            double hour = fmod(k->hour + 2.5 * vci_rng_normal(&rng) + 48.0, 24.0);
            int64_t t = day * 86400 + (int64_t)(hour * 3600.0);
            if (t <= prev)
                t = prev + 1;
            prev = t;
            st->user[e] = (uint32_t)u;
            st->item[e] = item;
            st->value[e] = (float)r;
            st->time[e] = t;
        }
    }
    return VC_OK;
}

static void synth_free(synth *sy)
{
    vci_free(sy->comm);
    vci_free(sy->comm_cdf);
    vci_free(sy->quality);
    vci_free(sy->item_genre);
    vci_free(sy->item_ngenre);
    vci_free(sy->genre_start);
    vci_free(sy->genre_items);
    vci_free(sy->genre_cdf);
    vci_free(sy->user_comm);
    vci_free(sy->count);
    vci_free(sy->offset);
    for (unsigned w = 0; sy->seen && w < sy->nworkers; w++)
        vci_free(sy->seen[w]);
    vci_free(sy->seen);
    vci_free(sy->stamp);
}

static vc_status synth_alloc(synth *sy, unsigned nworkers)
{
    sy->nworkers = nworkers;
    sy->comm = vci_calloc(sy->ncomm, sizeof *sy->comm);
    sy->comm_cdf = vci_calloc(sy->ncomm, sizeof *sy->comm_cdf);
    sy->quality = vci_calloc(sy->nitems, sizeof *sy->quality);
    sy->item_genre = vci_calloc((size_t)sy->nitems * 3, 1);
    sy->item_ngenre = vci_calloc(sy->nitems, 1);
    sy->genre_start = vci_calloc(NGENRES + 1, sizeof *sy->genre_start);
    sy->user_comm = vci_calloc(sy->nusers, sizeof *sy->user_comm);
    sy->count = vci_calloc(sy->nusers, sizeof *sy->count);
    sy->offset = vci_calloc((size_t)sy->nusers + 1, sizeof *sy->offset);
    sy->seen = vci_calloc(nworkers, sizeof *sy->seen);
    sy->stamp = vci_calloc(nworkers, sizeof *sy->stamp);
    if (!sy->comm || !sy->comm_cdf || !sy->quality || !sy->item_genre ||
        !sy->item_ngenre || !sy->genre_start || !sy->user_comm || !sy->count ||
        !sy->offset || !sy->seen || !sy->stamp)
        return VC_ERR_NOMEM;
    for (unsigned w = 0; w < nworkers; w++)
        if (!(sy->seen[w] = vci_calloc(sy->nitems, sizeof(uint32_t))))
            return VC_ERR_NOMEM;
    return VC_OK;
}

static vc_status synthesize(synth *sy, vc_dataset *ds, vci_pool *pool,
                            const vci_progress *progress)
{
    VCI_CHECK(synth_alloc(sy, vci_pool_size(pool)));
    make_communities(sy);
    VCI_CHECK(make_items(sy, ds));
    VCI_CHECK(make_users(sy, ds));
    for (uint32_t u = 0; u < sy->nusers; u++)
        sy->offset[u + 1] = sy->offset[u] + sy->count[u];
    uint64_t total = sy->offset[sy->nusers];
    if (total > UINT32_MAX - 2)
        return vci_error(VC_ERR_RANGE, "synthetic data of %llu events is too big (at most "
                         "%u)", (unsigned long long)total, UINT32_MAX - 2);
    vci_event_block block;
    VCI_CHECK(vci_event_block_alloc(&block, (size_t)total, false, false,
                                    VC_EVENT_RATING));
    sy->st = &block;
    size_t ntasks = (sy->nusers + USERS_PER_TASK - 1) / USERS_PER_TASK;
    vc_status s = vci_parallel_for(pool, ntasks, events_task, sy, progress);
    if (s != VC_OK) {
        vci_event_block_free(&block);
        return s;
    }
    VCI_CHECK(vci_ds_stage_block(ds, &block));
    return vci_ds_set_planted(ds, sy->user_comm);
}

VC_API vc_status vc_dataset_synthesize(vc_dataset **out, const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_dataset_synthesize: out is NULL");
    *out = NULL;
    synth sy;
    memset(&sy, 0, sizeof sy);
    sy.nusers = (uint32_t)vci_opt_int(opts, VCI_OPT_SYNTH_USERS);
    sy.nitems = (uint32_t)vci_opt_int(opts, VCI_OPT_SYNTH_ITEMS);
    sy.ncomm = (uint32_t)vci_opt_int(opts, VCI_OPT_SYNTH_COMMUNITIES);
    sy.events_per_user = (double)vci_opt_int(opts, VCI_OPT_SYNTH_EVENTS_PER_USER);
    sy.seed = (uint64_t)vci_opt_int(opts, VCI_OPT_SEED);
    vc_dataset *ds = NULL;
    vci_pool *pool = NULL;
    vci_progress progress = vci_progress_of(opts, "synthesize");
    vc_status s = vci_dataset_create(&ds, "synthetic");
    if (s == VC_OK)
        s = vci_pool_for_options(&pool, opts);
    if (s == VC_OK)
        s = synthesize(&sy, ds, pool, &progress);
    if (s == VC_OK) {
        vci_progress fin = vci_progress_of(opts, "index");
        s = vci_dataset_finalize(ds, pool, &fin);
    }
    synth_free(&sy);
    vci_pool_free(pool);
    if (s != VC_OK) {
        vc_dataset_free(ds);
        return s;
    }
    *out = ds;
    return VC_OK;
}
