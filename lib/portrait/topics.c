/*
 * topics.c - what "category" means to portraits and communities.
 *
 * A data set with categories (MovieLens genres, a merchant's category
 * column) uses them as they are. Without categories (the Online Retail set
 * has only descriptions), topics are derived from item text: titles are
 * split into upper-cased alphabetic words of at least 3 letters; stop words
 * and words that appear in more than portrait.topic_max_df of the items
 * are dropped; the portrait.topics words carried by the most events become
 * the topics (ties by word), and an item belongs to every topic word of its
 * title. Items without a topic word have no topic.
 *
 * Invariant: the item CSR has nitems + 1 starts; topic ids < ntopics.
 */
#include <ctype.h>
#include <stdlib.h>

#include "portrait.h"

static const char *const stop_words[] = {
    "AND", "THE", "FOR", "WITH", "SET",
    "PACK", "DESIGN", "SMALL", "LARGE", "MINI", "BOX", "NEW", "ASSORTED",
    "SIZE", "PCS", "LOT", "FROM",
};

static bool is_stop_word(const char *w, size_t n)
{
    for (size_t i = 0; i < VCI_ARRAY_LEN(stop_words); i++)
        if (strlen(stop_words[i]) == n && memcmp(stop_words[i], w, n) == 0)
            return true;
    return false;
}

/* Call fn for each keyword of text (upper-cased into buf). */
typedef vc_status (*word_fn)(void *ctx, const char *w, size_t n);

static vc_status for_each_word(const char *text, word_fn fn, void *ctx)
{
    char buf[64];
    size_t n = 0;
    for (const char *p = text;; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch && isalpha(ch) && ch < 128) {
            if (n < sizeof buf)
                buf[n] = (char)toupper(ch);
            n++;
            continue;
        }
        if (n >= 3 && n <= sizeof buf && !is_stop_word(buf, n))
            VCI_CHECK(fn(ctx, buf, n));
        n = 0;
        if (!ch)
            return VC_OK;
    }
}

typedef struct word_count {
    vci_idmap words;          /* word -> index */
    uint64_t *events;         /* events on items carrying the word */
    uint32_t *items;          /* items carrying the word */
    uint32_t *last_item;      /* +1 of the last item counted (dedup) */
    size_t cap;
    uint32_t item;
    uint64_t item_events;
} word_count;

static vc_status count_word(void *ctx, const char *w, size_t n)
{
    word_count *wc = ctx;
    uint32_t idx;
    bool added;
    uint32_t fresh = (uint32_t)wc->words.count;
    VCI_CHECK(vci_idmap_get_or_add(&wc->words, w, n, fresh, &idx, NULL, &added));
    if (added) {
        size_t cap = wc->cap;
        VCI_CHECK(vci_reserve((void **)&wc->events, &cap, idx + 1, sizeof *wc->events));
        cap = wc->cap;
        VCI_CHECK(vci_reserve((void **)&wc->items, &cap, idx + 1, sizeof *wc->items));
        cap = wc->cap;
        VCI_CHECK(vci_reserve((void **)&wc->last_item, &cap, idx + 1, sizeof *wc->last_item));
        wc->cap = cap;
        wc->events[idx] = 0;
        wc->items[idx] = 0;
        wc->last_item[idx] = 0;
    }
    if (wc->last_item[idx] != wc->item + 1) {
        wc->last_item[idx] = wc->item + 1;
        wc->items[idx]++;
        wc->events[idx] += wc->item_events;
    }
    return VC_OK;
}

typedef struct ranked { uint64_t events; uint32_t word; const char *text; } ranked;

static int by_events_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->events != y->events)
        return x->events > y->events ? -1 : 1;
    return strcmp(x->text, y->text);
}

typedef struct assign_ctx {
    const vci_idmap *chosen;      /* word -> topic */
    uint32_t *list;               /* topics of the current item */
    size_t n, cap;
} assign_ctx;

static vc_status assign_word(void *ctx, const char *w, size_t n)
{
    assign_ctx *a = ctx;
    uint32_t topic;
    if (!vci_idmap_get(a->chosen, w, n, &topic))
        return VC_OK;
    for (size_t i = 0; i < a->n; i++)
        if (a->list[i] == topic)
            return VC_OK;
    VCI_CHECK(vci_reserve((void **)&a->list, &a->cap, a->n + 1, sizeof *a->list));
    a->list[a->n++] = topic;
    return VC_OK;
}

/* The topics of items first..nitems-1 from their titles, appended to the
 * CSR (start[first] set; *topic has *cap entries). */
static vc_status assign_items(const vc_dataset *ds, assign_ctx *a, uint32_t first,
                              uint32_t *start, uint32_t **topic, size_t *cap)
{
    size_t len = start[first];
    vc_status s = VC_OK;
    for (uint32_t i = first; i < ds->nitems && s == VC_OK; i++) {
        const char *title = vci_ds_str(ds, ds->item_title[i]);
        a->n = 0;
        if (title)
            s = for_each_word(title, assign_word, a);
        if (s == VC_OK)
            s = vci_reserve((void **)topic, cap, len + a->n + 1, sizeof **topic);
        if (s == VC_OK) {
            if (a->n)
                memcpy(*topic + len, a->list, a->n * sizeof *a->list);
            len += a->n;
            start[i + 1] = (uint32_t)len;
        }
    }
    return s;
}

static vc_status derive(vci_topics *t, const vc_dataset *ds,
                        const vc_options *opts)
{
    word_count wc = {0};
    vci_idmap_init(&wc.words);
    vci_idmap chosen;
    vci_idmap_init(&chosen);
    assign_ctx a = {&chosen, NULL, 0, 0};
    ranked *rank = NULL;
    vc_status s = VC_OK;

    for (uint32_t i = 0; i < ds->nitems && s == VC_OK; i++) {
        const char *title = vci_ds_str(ds, ds->item_title[i]);
        if (!title)
            continue;
        wc.item = i;
        wc.item_events = ds->item_start[i + 1] - ds->item_start[i];
        s = for_each_word(title, count_word, &wc);
    }
    size_t nwords = wc.words.count;
    double max_df = vci_opt_float(opts, VCI_OPT_PORTRAIT_TOPIC_MAX_DF);
    uint32_t want = (uint32_t)vci_opt_int(opts, VCI_OPT_PORTRAIT_TOPICS);
    if (s == VC_OK && !(rank = vci_calloc(nwords ? nwords : 1, sizeof *rank)))
        s = VC_ERR_NOMEM;
    size_t nrank = 0;
    if (s == VC_OK) {
        /* recover each word's text through the map's key pool */
        for (size_t slot = 0; slot <= wc.words.mask && wc.words.slots; slot++) {
            const vci_idmap_slot *sl = &wc.words.slots[slot];
            if (!sl->key)
                continue;
            uint32_t w = sl->value;
            if ((double)wc.items[w] > max_df * (double)ds->nitems || wc.events[w] == 0)
                continue;
            rank[nrank++] = (ranked){wc.events[w], w,
                                     vci_strpool_str(&wc.words.keys, sl->key)};
        }
        qsort(rank, nrank, sizeof *rank, by_events_desc);
        if (nrank > want)
            nrank = want;
        t->ntopics = (uint32_t)nrank;
        t->name = vci_calloc(nrank ? nrank : 1, sizeof *t->name);
        if (!t->name)
            s = VC_ERR_NOMEM;
    }
    for (size_t k = 0; k < nrank && s == VC_OK; k++) {
        /* title-case the keyword for display: "HEART" -> "Heart" */
        char word[64];
        size_t n = strlen(rank[k].text);
        for (size_t c = 0; c < n; c++)
            word[c] = c ? (char)tolower((unsigned char)rank[k].text[c]) : rank[k].text[c];
        s = vci_strpool_add(&t->own_names, word, n, &t->name[k]);
        if (s == VC_OK)
            s = vci_idmap_put(&chosen, rank[k].text, n, (uint32_t)k);
    }
    if (s == VC_OK && !(t->item_start = vci_calloc(ds->nitems + 1, sizeof *t->item_start)))
        s = VC_ERR_NOMEM;
    size_t cap = 0;
    if (s == VC_OK)
        s = assign_items(ds, &a, 0, t->item_start, &t->item_topic, &cap);
    t->pool = &t->own_names;
    t->derived = true;
    vci_free(rank);
    vci_free(a.list);
    vci_idmap_free(&chosen);
    vci_idmap_free(&wc.words);
    vci_free(wc.events);
    vci_free(wc.items);
    vci_free(wc.last_item);
    return s;
}

static vc_status copy_categories(vci_topics *t, const vc_dataset *ds)
{
    size_t nlinks = ds->item_cat_start ? ds->item_cat_start[ds->nitems] : 0;
    t->ntopics = ds->ncats;
    t->pool = &ds->strings;
    t->name = vci_calloc(ds->ncats ? ds->ncats : 1, sizeof *t->name);
    t->item_start = vci_calloc(ds->nitems + 1, sizeof *t->item_start);
    t->item_topic = vci_calloc(nlinks ? nlinks : 1, sizeof *t->item_topic);
    if (!t->name || !t->item_start || !t->item_topic)
        return VC_ERR_NOMEM;
    memcpy(t->name, ds->cat_name, ds->ncats * sizeof *t->name);
    if (nlinks) {
        memcpy(t->item_start, ds->item_cat_start, (ds->nitems + 1) * sizeof *t->item_start);
        memcpy(t->item_topic, ds->item_cats, nlinks * sizeof *t->item_topic);
    }
    return VC_OK;
}

vc_status vci_topics_build(vci_topics *t, const vc_dataset *ds,
                           const vc_options *opts)
{
    memset(t, 0, sizeof *t);
    vci_strpool_init(&t->own_names);
    vc_status s = ds->ncats > 0 ? copy_categories(t, ds) : derive(t, ds, opts);
    if (s != VC_OK)
        vci_topics_free(t);
    return s;
}

/* The word -> topic map of derived topics, from their (title-cased) names. */
static vc_status chosen_words(const vci_topics *t, vci_idmap *chosen)
{
    for (uint32_t k = 0; k < t->ntopics; k++) {
        char word[64];
        const char *name = vci_topic_name(t, k);
        size_t n = VCI_MIN(strlen(name), sizeof word);
        for (size_t c = 0; c < n; c++)
            word[c] = (char)toupper((unsigned char)name[c]);
        VCI_CHECK(vci_idmap_put(chosen, word, n, k));
    }
    return VC_OK;
}

vc_status vci_topics_extend(const vci_topics *t, uint32_t old_nitems,
                            const vc_dataset *ds, uint32_t **start_out,
                            uint32_t **topic_out)
{
    uint32_t links = t->item_start[old_nitems];
    uint32_t *start = vci_calloc((size_t)ds->nitems + 1, sizeof *start);
    size_t cap = (size_t)links + 1;
    uint32_t *topic = vci_calloc(cap, sizeof *topic);
    vci_idmap chosen;
    vci_idmap_init(&chosen);
    assign_ctx a = {&chosen, NULL, 0, 0};
    vc_status s = start && topic ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK) {
        memcpy(start, t->item_start, ((size_t)old_nitems + 1) * sizeof *start);
        memcpy(topic, t->item_topic, links * sizeof *topic);
    }
    if (s == VC_OK && t->derived) {
        s = chosen_words(t, &chosen);
        if (s == VC_OK)
            s = assign_items(ds, &a, old_nitems, start, &topic, &cap);
    }
    for (uint32_t i = old_nitems; i < ds->nitems && s == VC_OK && !t->derived; i++) {
        /* categories: those that existed when the topics were made */
        uint32_t len = start[i];
        for (uint32_t k = ds->item_cat_start[i]; k < ds->item_cat_start[i + 1] && s == VC_OK; k++) {
            if (ds->item_cats[k] >= t->ntopics)
                continue;
            s = vci_reserve((void **)&topic, &cap, (size_t)len + 1, sizeof *topic);
            if (s == VC_OK)
                topic[len++] = ds->item_cats[k];
        }
        start[i + 1] = len;
    }
    vci_free(a.list);
    vci_idmap_free(&chosen);
    if (s != VC_OK) {
        vci_free(start);
        vci_free(topic);
        return s;
    }
    *start_out = start;
    *topic_out = topic;
    return VC_OK;
}

void vci_topics_free(vci_topics *t)
{
    vci_free(t->name);
    vci_free(t->item_start);
    vci_free(t->item_topic);
    vci_strpool_free(&t->own_names);
    memset(t, 0, sizeof *t);
}
