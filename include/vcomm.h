/*
 * vcomm.h - the one public header of vcomm.
 *
 * vcomm turns a merchant's own data into layered user portraits, virtual
 * communities and community-based recommendations and targeting lists.
 * Every exported symbol is declared here, prefixed vc_ (macros VC_).
 *
 * Conventions that hold for every function below unless its comment says
 * otherwise:
 *  - Fallible calls return vc_status: VC_OK (0) on success, a negative
 *    VC_ERR_* code on failure. vc_last_error() then gives a thread-local
 *    message; for bad input it names the file, line and what was wrong.
 *  - On failure, output parameters are left untouched (or set to NULL for
 *    T **out parameters, as stated), nothing leaks, and handles passed in
 *    stay as they were.
 *  - A handle returned through T **out belongs to the caller, who releases
 *    it with the matching vc_*_free(); every vc_*_free(NULL) is a no-op.
 *  - Borrowed pointers (const char * results of accessors) stay valid until
 *    the handle they came from is freed or modified; never free them.
 *  - Threads: a built handle is immutable; any number of threads may call
 *    const functions on it at once. Mutating calls need exclusive use of the
 *    handle. vc_set_allocator() is global: call it before anything else.
 *  - Determinism: the same input, options and seed give byte-identical
 *    results, whatever the thread count.
 *
 * The header is C99/C11 and compiles as C++.
 */
#ifndef VCOMM_H
#define VCOMM_H

#include <stddef.h>
#include <stdint.h>

#ifndef VC_API
#  if defined(_WIN32) && defined(VC_BUILDING_LIBRARY)
#    define VC_API __declspec(dllexport)
#  elif defined(_WIN32) && !defined(VC_STATIC)
#    define VC_API __declspec(dllimport)
#  elif defined(__GNUC__) && __GNUC__ >= 4
#    define VC_API __attribute__((visibility("default")))
#  else
#    define VC_API
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/** @name Version
 *  The library follows semantic versioning: within one major version only
 *  additions happen, the soname is libvcomm.so.<major>. @{ */

#define VC_VERSION_MAJOR 1
#define VC_VERSION_MINOR 1
#define VC_VERSION_PATCH 0
/** MAJOR*10000 + MINOR*100 + PATCH, e.g. 10000 for 1.0.0. */
#define VC_VERSION_NUMBER \
    (VC_VERSION_MAJOR * 10000 + VC_VERSION_MINOR * 100 + VC_VERSION_PATCH)
#define VC_VERSION_STRING "1.1.0"
/** True when the compiled-against header is at least maj.min.pat. */
#define VC_VERSION_CHECK(maj, min, pat) \
    (VC_VERSION_NUMBER >= ((maj) * 10000 + (min) * 100 + (pat)))

/** Version of the linked library as VC_VERSION_NUMBER; compare with the
 *  header's to detect a header/library mismatch. Thread-safe. */
VC_API unsigned vc_version(void);
/** Version of the linked library as "MAJOR.MINOR.PATCH"; static storage,
 *  never NULL. Thread-safe. */
VC_API const char *vc_version_string(void);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Status codes and errors
 *  Values are pinned forever; new codes are only appended. Treat an unknown
 *  negative value as a generic error. @{ */

typedef enum vc_status {
    VC_OK               =   0,
    VC_ERR_INTERNAL     =  -1, /**< unexpected internal failure (a bug) */
    VC_ERR_NOMEM        =  -2, /**< an allocation failed */
    VC_ERR_INVALID      =  -3, /**< bad argument: NULL handle, k == 0, ... */
    VC_ERR_IO           =  -4, /**< a file could not be opened, read or written */
    VC_ERR_PARSE        =  -5, /**< malformed input file or text value */
    VC_ERR_NOT_FOUND    =  -6, /**< unknown user, item, category or index */
    VC_ERR_CANCELLED    =  -7, /**< the progress callback asked to stop */
    VC_ERR_OPTION       =  -8, /**< unknown option name or wrong option type */
    VC_ERR_RANGE        =  -9, /**< value outside its allowed range */
    VC_ERR_BUFFER       = -10, /**< caller's buffer too small; size reported */
    VC_ERR_FORMAT       = -11, /**< corrupt, foreign or wrong-version model file */
    VC_ERR_STATE        = -12, /**< call not valid in the handle's current state */
    VC_ERR_UNSUPPORTED  = -13  /**< feature not available in this build */
} vc_status;

/** A short static description of a status code ("out of memory"); never
 *  NULL, also for unknown codes. Thread-safe. */
VC_API const char *vc_status_str(int status);

/** The message of the last failed vc_ call on this thread, such as
 *  "ratings.dat:1042: expected 4 fields, got 3"; "" when the last call
 *  succeeded. Every public fallible call clears it on entry. The pointer is
 *  thread-local storage owned by the library, valid until the next vc_ call
 *  on the same thread. Never NULL. */
VC_API const char *vc_last_error(void);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Allocator hooks
 *  Every allocation the library makes goes through these hooks. @{ */

typedef void *(*vc_malloc_fn)(size_t size, void *userdata);
typedef void *(*vc_realloc_fn)(void *ptr, size_t size, void *userdata);
typedef void (*vc_free_fn)(void *ptr, void *userdata);

/**
 * Route every allocation of the library through caller functions.
 *
 * @param malloc_fn   allocates size bytes (size > 0) or returns NULL.
 * @param realloc_fn  resizes ptr (never NULL) to size bytes (> 0), or
 *                    returns NULL and leaves ptr valid.
 * @param free_fn     releases ptr (never NULL).
 * @param userdata    passed to every hook as is.
 * Pass all three as NULL to restore the C library's malloc/realloc/free.
 * Alignment of returned blocks must be at least alignof(max_align_t).
 * @return VC_OK; VC_ERR_INVALID when only some hooks are NULL.
 * Not thread-safe: call before any other vc_ function, or when no handle
 * is alive, since a block must be freed by the hooks that allocated it.
 * The hooks themselves must be thread-safe: with threads > 1 the library
 * allocates from its worker threads too (k-means, silhouettes, portrait
 * updates, batch recommendation).
 */
VC_API vc_status vc_set_allocator(vc_malloc_fn malloc_fn,
                                  vc_realloc_fn realloc_fn,
                                  vc_free_fn free_fn, void *userdata);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Progress and cancellation @{ */

/**
 * Progress callback, called from the thread that made the library call.
 * @param stage     a short stage name ("load", "kmeans", ...); borrowed for
 *                  the duration of the call.
 * @param fraction  progress of that stage in [0, 1].
 * @param userdata  as given to vc_options_set_progress().
 * @return 0 to continue; any other value cancels the running operation,
 *         which then returns VC_ERR_CANCELLED and frees what it built.
 */
typedef int (*vc_progress_fn)(const char *stage, double fraction,
                              void *userdata);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Options
 *  One vc_options object carries every tunable of every stage, set by name
 *  ("kmeans.k", "threads", "load.format"). A registry lists each option
 *  with its type, default and one-line doc; vc_option_count() and
 *  vc_option_info() walk it. Passing NULL options to any call means all
 *  defaults. An options object is not modified by the calls that read it
 *  and may be shared read-only by many threads. @{ */

typedef struct vc_options vc_options;

typedef enum vc_option_type {
    VC_OPTION_INT    = 1, /**< 64-bit signed integer */
    VC_OPTION_FLOAT  = 2, /**< double */
    VC_OPTION_BOOL   = 3, /**< 0 or 1 */
    VC_OPTION_STRING = 4  /**< UTF-8 text; some options accept a fixed set */
} vc_option_type;

/** Create an options object holding every default.
 *  @param[out] out  new object, free with vc_options_free(); NULL on error.
 *  @return VC_OK, VC_ERR_INVALID (out NULL), VC_ERR_NOMEM. */
VC_API vc_status vc_options_new(vc_options **out);

/** Copy src (NULL = defaults), progress callback included.
 *  @return VC_OK, VC_ERR_INVALID, VC_ERR_NOMEM. */
VC_API vc_status vc_options_copy(vc_options **out, const vc_options *src);

/** Free an options object; NULL is a no-op. */
VC_API void vc_options_free(vc_options *opts);

/**
 * Typed setters. The value is checked against the option's range or set of
 * allowed words.
 * @return VC_OK; VC_ERR_OPTION when the name is unknown (the message names
 *         it and the nearest known name) or the option has another type;
 *         VC_ERR_RANGE when the value is out of range; VC_ERR_INVALID for
 *         NULL arguments; VC_ERR_NOMEM (strings). On error opts is unchanged.
 * vc_options_set_int also accepts FLOAT options (exact conversion) and BOOL
 * options (0 or 1).
 */
VC_API vc_status vc_options_set_int(vc_options *opts, const char *name,
                                    int64_t value);
VC_API vc_status vc_options_set_float(vc_options *opts, const char *name,
                                      double value);
VC_API vc_status vc_options_set_bool(vc_options *opts, const char *name,
                                     int value);
/** The string is copied. */
VC_API vc_status vc_options_set_string(vc_options *opts, const char *name,
                                       const char *value);

/**
 * Set an option of any type from text, as the command line's
 * --set NAME=VALUE does: integers in decimal, floats as in C, booleans as
 * 1/0/true/false/yes/no/on/off, strings as is.
 * @return as the typed setters, plus VC_ERR_PARSE when the text is not a
 *         value of the option's type.
 */
VC_API vc_status vc_options_set(vc_options *opts, const char *name,
                                const char *text);

/** Parse "NAME=VALUE" and apply it with vc_options_set(). */
VC_API vc_status vc_options_set_pair(vc_options *opts, const char *pair);

/**
 * Typed getters; opts NULL reads the defaults.
 * @param[out] out  receives the value (for strings, a pointer borrowed from
 *                  opts or from static storage, valid until opts is changed
 *                  or freed).
 * @return VC_OK, VC_ERR_OPTION (unknown name or other type), VC_ERR_INVALID.
 * vc_options_get_float also reads INT options.
 */
VC_API vc_status vc_options_get_int(const vc_options *opts, const char *name,
                                    int64_t *out);
VC_API vc_status vc_options_get_float(const vc_options *opts,
                                      const char *name, double *out);
VC_API vc_status vc_options_get_bool(const vc_options *opts, const char *name,
                                     int *out);
VC_API vc_status vc_options_get_string(const vc_options *opts,
                                       const char *name, const char **out);

/**
 * Format the current value of any option as text (the form vc_options_set
 * accepts) into buf of size bytes, NUL-terminated.
 * @param[out] needed  if not NULL, receives the length without the NUL.
 * @return VC_OK, VC_ERR_OPTION, VC_ERR_INVALID, VC_ERR_BUFFER when size is
 *         too small (buf then holds a truncated, terminated prefix).
 */
VC_API vc_status vc_options_format(const vc_options *opts, const char *name,
                                   char *buf, size_t size, size_t *needed);

/** Install a progress callback (NULL to remove) used by every long call
 *  that reads these options. */
VC_API vc_status vc_options_set_progress(vc_options *opts, vc_progress_fn fn,
                                         void *userdata);

/** Number of options in the registry. Thread-safe. */
VC_API size_t vc_option_count(void);

/**
 * Describe registry entry index (0 <= index < vc_option_count()).
 * Any out pointer may be NULL. Strings are static; never free them.
 * @param[out] name           "kmeans.k"
 * @param[out] type           its vc_option_type
 * @param[out] default_value  the default as text ("16", "0.0001", "auto")
 * @param[out] doc            a one-line description, including the range
 *                            or allowed words
 * @return VC_OK, VC_ERR_NOT_FOUND when index is out of range.
 * Thread-safe.
 */
VC_API vc_status vc_option_info(size_t index, const char **name,
                                vc_option_type *type,
                                const char **default_value,
                                const char **doc);

/** Index of an option by name, for vc_option_info().
 *  @return VC_OK, VC_ERR_OPTION when unknown, VC_ERR_INVALID. */
VC_API vc_status vc_option_find(const char *name, size_t *index);
/** @} */


/* ------------------------------------------------------------------------ */
/** @name Data sets
 *  A vc_dataset holds users (external id, static attributes), items
 *  (external id, title, categories, optional price) and events (user, item,
 *  event type, value, amount, time). External ids are strings at the API;
 *  inside they are dense indices 0..count-1 in order of first appearance.
 *  A data set is built (loaded, synthesized, or fed and finalised) and then
 *  immutable: any number of threads may query it at once. @{ */

typedef struct vc_dataset vc_dataset;

/** The predefined event types; data sets may add custom names after them
 *  (see vc_dataset_event_type_name()). */
typedef enum vc_event_type {
    VC_EVENT_RATING   = 0, /**< value = the rating */
    VC_EVENT_VIEW     = 1,
    VC_EVENT_LIKE     = 2,
    VC_EVENT_COLLECT  = 3,
    VC_EVENT_SEARCH   = 4,
    VC_EVENT_COMMENT  = 5,
    VC_EVENT_PURCHASE = 6  /**< value = quantity, amount = money spent */
} vc_event_type;

/**
 * Load a data set from a directory (or a single file of it).
 * The format is detected from the files present (load.format overrides):
 * MovieLens 1M (users.dat, movies.dat, ratings.dat), MovieLens 100K (u.data,
 * u.user, u.item, u.genre), MovieLens latest (ratings.csv, movies.csv,
 * tags.csv), merchant CSV (events.csv with optional items.csv, users.csv; or
 * any CSV with load.columns). docs/formats.md describes each.
 * @param[out] out   the finalised data set; free with vc_dataset_free().
 * @param path       directory or file.
 * @param opts       load.* options, threads, progress; NULL = defaults.
 * @return VC_OK; VC_ERR_IO (missing/unreadable file, named); VC_ERR_PARSE
 *         ("file:line: what was wrong"; with load.on_error=skip malformed
 *         lines are counted instead); VC_ERR_FORMAT (format not detected);
 *         VC_ERR_NOMEM; VC_ERR_CANCELLED. *out is NULL on error.
 */
VC_API vc_status vc_dataset_load(vc_dataset **out, const char *path,
                                 const vc_options *opts);

/**
 * Generate a synthetic data set with planted communities (members share
 * category tastes, rating habits, demographics and activity), deterministic
 * by the seed option; synth.* options set its size. The planted label of
 * every user is available through vc_dataset_planted_community().
 * @return VC_OK, VC_ERR_NOMEM, VC_ERR_RANGE, VC_ERR_CANCELLED.
 */
VC_API vc_status vc_dataset_synthesize(vc_dataset **out,
                                       const vc_options *opts);

/**
 * Write a data set in MovieLens 1M format (users.dat, movies.dat,
 * ratings.dat) into dir (created if missing), plus truth.csv
 * ("user,community") when it has planted communities.
 * @return VC_OK, VC_ERR_IO (names the file), VC_ERR_STATE (not finalised).
 */
VC_API vc_status vc_dataset_write_ml1m(const vc_dataset *ds, const char *dir);

/** Create an empty data set to feed from a backend with vc_dataset_add_*,
 *  then vc_dataset_finalize(). */
VC_API vc_status vc_dataset_new(vc_dataset **out);

/** Free a data set; NULL is a no-op. */
VC_API void vc_dataset_free(vc_dataset *ds);

/**
 * Add a user (or find it) and set static attributes.
 * @param names, values  nattrs attribute names and values ("gender" "F",
 *                       "age" "25-34", "occupation", "zip", "country" ...);
 *                       copied. A later call for the same user overwrites
 *                       the attributes it names.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_NOMEM.
 */
VC_API vc_status vc_dataset_add_user(vc_dataset *ds, const char *user_id,
                                     const char *const *names,
                                     const char *const *values,
                                     size_t nattrs);

/**
 * Add an item (or update it).
 * @param title       may be NULL.
 * @param categories  "|"-separated category names ("Drama|Romance"), or
 *                    NULL/"" for none.
 * @param price       unit price, or NAN when unknown.
 */
VC_API vc_status vc_dataset_add_item(vc_dataset *ds, const char *item_id,
                                     const char *title,
                                     const char *categories, double price);

/**
 * Add an event. Unknown users and items are added on the fly. Events may
 * come in any order; vc_dataset_finalize() sorts each user's events by time.
 * Adding to a finalised data set is allowed: it is then un-finalised until
 * the next vc_dataset_finalize().
 * @param type    an event type name: "rating", "view", "like", "collect",
 *                "search", "comment", "purchase", or a custom name.
 * @param value   the rating, or the quantity, or 1.
 * @param amount  money spent (purchase), 0 otherwise.
 * @param time    Unix seconds.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_RANGE (non-finite value), NOMEM.
 */
VC_API vc_status vc_dataset_add_event(vc_dataset *ds, const char *user_id,
                                      const char *item_id, const char *type,
                                      double value, double amount,
                                      int64_t time);

/**
 * Append the events of a file to a data set, then finalise it. The file is
 * in the data set's own event format (ML-1M and synthetic: ratings.dat
 * lines; ML-100K: u.data lines; ML-latest: ratings.csv with its header;
 * merchant and fed data sets: a merchant CSV), or in the format load.format
 * names; a directory is read in any format vc_dataset_load reads. Users and items are matched by external id; new ones
 * are added (new items with their title, price and categories); attribute
 * values in the input overwrite the user's. The input is parsed in full
 * before anything changes, so a malformed input ("path:line: what")
 * leaves ds as it was. Then bring portraits and communities up to date
 * with vc_portrait_update() and vc_cluster_assign() / vc_cluster_refresh().
 * Options: load.* as for vc_dataset_load, threads, progress.
 * @param added  receives the number of events appended; may be NULL.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_IO, VC_ERR_PARSE, VC_ERR_FORMAT,
 *         VC_ERR_NOMEM (then ds may hold some of the new users and items
 *         but none of the events).
 */
VC_API vc_status vc_dataset_append(vc_dataset *ds, const char *path,
                                   const vc_options *opts, size_t *added);

/** Build the indexes (events by user sorted by time, by item). Queries
 *  below need a finalised data set (VC_ERR_STATE otherwise, or 0/NULL for
 *  the count and name accessors). */
VC_API vc_status vc_dataset_finalize(vc_dataset *ds);

/* Counts (0 for NULL). */
VC_API size_t vc_dataset_user_count(const vc_dataset *ds);
VC_API size_t vc_dataset_item_count(const vc_dataset *ds);
VC_API size_t vc_dataset_event_count(const vc_dataset *ds);
VC_API size_t vc_dataset_category_count(const vc_dataset *ds);
VC_API size_t vc_dataset_event_type_count(const vc_dataset *ds);
VC_API size_t vc_dataset_attr_count(const vc_dataset *ds);

/* Names by index; borrowed, valid while ds lives; NULL when out of range. */
VC_API const char *vc_dataset_user_id(const vc_dataset *ds, size_t user);
VC_API const char *vc_dataset_item_id(const vc_dataset *ds, size_t item);
VC_API const char *vc_dataset_item_title(const vc_dataset *ds, size_t item);
VC_API const char *vc_dataset_category_name(const vc_dataset *ds,
                                            size_t category);
VC_API const char *vc_dataset_event_type_name(const vc_dataset *ds,
                                              size_t type);
VC_API const char *vc_dataset_attr_name(const vc_dataset *ds, size_t attr);
/** A user's value of an attribute, NULL when missing. */
VC_API const char *vc_dataset_user_attr(const vc_dataset *ds, size_t user,
                                        size_t attr);
/** An item's unit price, NAN when unknown or out of range. */
VC_API double vc_dataset_item_price(const vc_dataset *ds, size_t item);

/** Index of an external id. @return VC_OK or VC_ERR_NOT_FOUND (named). */
VC_API vc_status vc_dataset_user_index(const vc_dataset *ds,
                                       const char *user_id, size_t *user);
VC_API vc_status vc_dataset_item_index(const vc_dataset *ds,
                                       const char *item_id, size_t *item);
/** Index of a category by name. @return VC_OK or VC_ERR_NOT_FOUND. */
VC_API vc_status vc_dataset_category_index(const vc_dataset *ds,
                                           const char *name,
                                           size_t *category);

/**
 * The categories of an item into cats[0..cap); *count receives how many
 * there are (even when more than cap: then VC_ERR_BUFFER).
 */
VC_API vc_status vc_dataset_item_categories(const vc_dataset *ds,
                                            size_t item, uint32_t *cats,
                                            size_t cap, size_t *count);

/** Number of events of a user (0 when out of range). */
VC_API size_t vc_dataset_user_event_count(const vc_dataset *ds, size_t user);

/**
 * The k-th event of a user in time order (0 <= k < event count). Any out
 * pointer may be NULL.
 * @return VC_OK, VC_ERR_RANGE, VC_ERR_STATE.
 */
VC_API vc_status vc_dataset_user_event(const vc_dataset *ds, size_t user,
                                       size_t k, size_t *item, size_t *type,
                                       double *value, double *amount,
                                       int64_t *time);

/** Number of events on an item. */
VC_API size_t vc_dataset_item_event_count(const vc_dataset *ds, size_t item);

/** Events per type (counts[type] for type < vc_dataset_event_type_count()).
 *  @return VC_OK or VC_ERR_BUFFER when cap is too small. */
VC_API vc_status vc_dataset_type_counts(const vc_dataset *ds,
                                        uint64_t *counts, size_t cap);

/** Earliest and latest event time (Unix seconds); 0, 0 when no event. */
VC_API vc_status vc_dataset_time_range(const vc_dataset *ds, int64_t *first,
                                       int64_t *last);

/** Bytes of memory the data set uses. */
VC_API size_t vc_dataset_memory_bytes(const vc_dataset *ds);

/** Lines skipped by load.on_error=skip (0 otherwise), and the first
 *  skipped line's message (NULL when none). */
VC_API uint64_t vc_dataset_skipped_lines(const vc_dataset *ds);
VC_API const char *vc_dataset_first_skip_reason(const vc_dataset *ds);
/** Rows a merchant CSV dropped by its documented rules (no user id,
 *  cancellations, zero quantity, price <= 0; docs/formats.md); 0 for
 *  other formats. */
VC_API uint64_t vc_dataset_dropped_rows(const vc_dataset *ds);

/** The detected format name ("ml-1m", "ml-100k", "ml-latest", "merchant",
 *  "synthetic", "api"). */
VC_API const char *vc_dataset_format(const vc_dataset *ds);

/** The planted community of a user of a synthetic data set (or of a loaded
 *  directory with truth.csv). @return VC_OK, VC_ERR_NOT_FOUND when the
 *  data set has no planted labels, VC_ERR_RANGE. */
VC_API vc_status vc_dataset_planted_community(const vc_dataset *ds,
                                              size_t user, uint32_t *label);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name k-means over a caller's matrix
 *  Any backend can cluster its own float vectors with the library's SIMD
 *  kernels. Options: kmeans.k, kmeans.max_iter, kmeans.tol, kmeans.n_init,
 *  kmeans.algorithm, kmeans.init, kmeans.init_trials, kmeans.batch_size,
 *  seed, threads, kernel, progress. docs/kmeans.md describes the
 *  algorithms. @{ */

/**
 * Cluster n points of dimension d.
 *
 * Seeding is greedy k-means++ (2 + ln k candidates per step, as
 * scikit-learn) or k random points (kmeans.init); then Lloyd iterations
 * (kmeans.algorithm: lloyd, or hamerly / elkan, which prune distance
 * computations with bounds and give exactly lloyd's labels and centroids;
 * auto picks by k, d and n; minibatch for very large n) until no label
 * changes, the inertia improves by less than kmeans.tol, or
 * kmeans.max_iter; the best of kmeans.n_init runs is kept. Empty clusters
 * are given the point farthest from its centroid.
 *
 * @param x          n rows of d floats, row r at x + r * stride (stride >=
 *                   d, in floats); any alignment. Not retained.
 * @param opts       options, or NULL for defaults (k = kmeans.k).
 * @param[out] centroids  k * d floats (row-major, caller-allocated), or NULL.
 * @param[out] labels     n labels in [0, k): each point's nearest final
 *                        centroid, or NULL.
 * @param[out] inertia    sum of squared distances to the nearest centroid
 *                        (computed directly in double), or NULL.
 * @param[out] iterations Lloyd iterations (mini-batch steps) of the best
 *                        run, or NULL.
 * @return VC_OK; VC_ERR_INVALID (NULL x, d = 0, stride < d, n < k);
 *         VC_ERR_RANGE (non-finite input, or values whose squares overflow
 *         float, named by row and column); VC_ERR_NOMEM; VC_ERR_CANCELLED.
 *         Outputs untouched on error.
 * Deterministic: same input, options and seed give identical output for any
 * thread count. Thread-safe: x may be shared by concurrent calls.
 */
VC_API vc_status vc_kmeans(const float *x, size_t n, size_t d, size_t stride,
                           const vc_options *opts, float *centroids,
                           uint32_t *labels, double *inertia,
                           uint32_t *iterations);

/** The distance kernel the process uses ("scalar", "avx2", "avx512",
 *  "neon") for these options (kernel option, VC_KERNEL environment); a
 *  kernel the CPU lacks falls back to the best it has. Static string.
 *  Thread-safe. */
VC_API const char *vc_kernel_name(const vc_options *opts);

/**
 * Pick k in [k_min, k_max] by clustering for every k (vc_kmeans with these
 * options) and scoring each clustering by kmeans.k_criterion: silhouette
 * (highest wins; sampled as vc_score_silhouette), calinski_harabasz
 * (highest) or davies_bouldin (lowest); ties keep the smaller k. Or gap:
 * the gap statistic against 5 copies of x with each column permuted on
 * its own, and the first k whose step to k + 1 is not significant (the
 * drop of log inertia beats the copies' mean drop by at most 2 standard
 * errors; docs/kmeans.md "Choosing k"); it clusters the copies too (6
 * times the k-means work, but no silhouette), and kmeans.n_init >= 3 keeps
 * k-means' local optima from blurring it.
 * @param[out] best_k  the chosen k.
 * @param[out] scores  k_max - k_min + 1 scores (score of k at
 *                     scores[k - k_min]; gap: the gap, +inf where k
 *                     clusters fit x exactly and NAN beyond), or NULL.
 * @return VC_OK; VC_ERR_INVALID (NULL x or best_k, d = 0, stride < d,
 *         k_min < 2, k_min > k_max, k_max >= n); VC_ERR_RANGE (non-finite
 *         input); VC_ERR_NOMEM; VC_ERR_CANCELLED. Outputs untouched on error.
 * Deterministic as vc_kmeans.
 */
VC_API vc_status vc_kmeans_choose_k(const float *x, size_t n, size_t d,
                                    size_t stride, uint32_t k_min,
                                    uint32_t k_max, const vc_options *opts,
                                    uint32_t *best_k, double *scores);

/**
 * @name Lloyd steps for distributed k-means
 * The pieces of one Lloyd iteration, so an engine that spreads the points
 * over processes or machines (MPI, Dask, Spark) can run k-means with the
 * library doing the math: every worker assigns its points to the current
 * centroids and accumulates per-centroid sums, counts and inertia
 * (vc_kmeans_assign); the accumulators travel as bytes
 * (vc_kmeans_acc_serialize / _deserialize) and are merged
 * (vc_kmeans_acc_merge); the merged one gives the new centroids
 * (vc_kmeans_acc_finish), which the driver broadcasts for the next step.
 * Sums are kept as double-double pairs, so merging in any grouping gives
 * the same centroids; docs/kmeans.md has a complete example. An
 * accumulator may be used by one thread at a time; distinct accumulators
 * in parallel. @{ */

typedef struct vc_kmeans_acc vc_kmeans_acc;

/** A zeroed accumulator for k centroids of d dimensions.
 *  @param[out] out  free with vc_kmeans_acc_free(); NULL on error.
 *  @return VC_OK, VC_ERR_INVALID (out NULL, k = 0 or >= 2^32, d = 0),
 *          VC_ERR_NOMEM. */
VC_API vc_status vc_kmeans_acc_new(vc_kmeans_acc **out, size_t k, size_t d);
/** Free an accumulator; NULL is a no-op. */
VC_API void vc_kmeans_acc_free(vc_kmeans_acc *acc);
/** Zero the sums, counts, point count and inertia (start a new step).
 *  @return VC_OK, VC_ERR_INVALID. */
VC_API vc_status vc_kmeans_acc_reset(vc_kmeans_acc *acc);

/**
 * Assign n points to their nearest centroid (lowest index on ties) and add
 * them to acc: each centroid's coordinate sums, its count, and the inertia
 * (squared distances as the distance kernel computes them).
 * @param x          n rows of acc's d floats at x + r * stride (stride >=
 *                   d); NULL allowed when n is 0.
 * @param centroids  k * d floats, row-major: the current centroids.
 * @param opts       threads, kernel; NULL for defaults. Results do not
 *                   depend on threads (each call sums fixed blocks of 4096
 *                   points in order).
 * @param[out] labels  n labels, or NULL.
 * @return VC_OK; VC_ERR_INVALID (NULL acc or centroids, stride < d);
 *         VC_ERR_RANGE (non-finite point, named by row and column, or
 *         centroid); VC_ERR_NOMEM. acc and labels untouched on error.
 */
VC_API vc_status vc_kmeans_assign(vc_kmeans_acc *acc, const float *x,
                                  size_t n, size_t stride,
                                  const float *centroids,
                                  const vc_options *opts, uint32_t *labels);

/** dst += src (same k and d; src unchanged and may not be dst).
 *  @return VC_OK, VC_ERR_INVALID (NULL, shapes differ, dst == src). */
VC_API vc_status vc_kmeans_acc_merge(vc_kmeans_acc *dst,
                                     const vc_kmeans_acc *src);

/**
 * The new centroids: each centroid's mean of the points accumulated for
 * it; a centroid that received no point keeps its value from centroids.
 * @param centroids      the k * d centroids the step assigned to.
 * @param[out] new_centroids  k * d floats; may be the same array as
 *                       centroids.
 * @param[out] counts    k point counts, or NULL (0 marks an empty cluster,
 *                       which the caller may re-seed).
 * @param[out] inertia   the accumulated inertia (of the step's centroids),
 *                       or NULL.
 * @return VC_OK, VC_ERR_INVALID (NULL acc, centroids or new_centroids).
 */
VC_API vc_status vc_kmeans_acc_finish(const vc_kmeans_acc *acc,
                                      const float *centroids,
                                      float *new_centroids, uint64_t *counts,
                                      double *inertia);

/**
 * Serialise acc into buf (two-call pattern: buf NULL sets *size only).
 * The bytes are little-endian and portable ("VCKMACC1", k, d, points,
 * inertia, counts, sums): docs/kmeans.md gives the layout.
 * @param[out] size  bytes needed.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_BUFFER (cap < *size).
 */
VC_API vc_status vc_kmeans_acc_serialize(const vc_kmeans_acc *acc, void *buf,
                                         size_t cap, size_t *size);
/** A new accumulator from size bytes of vc_kmeans_acc_serialize().
 *  @return VC_OK, VC_ERR_INVALID (NULL), VC_ERR_FORMAT (wrong magic, size
 *          or inconsistent content), VC_ERR_NOMEM. *out NULL on error. */
VC_API vc_status vc_kmeans_acc_deserialize(vc_kmeans_acc **out,
                                           const void *buf, size_t size);
/** @} */

/**
 * @name Clustering quality scores
 * Labels are any uint32 values (renumbered internally); x and labels are
 * read only and not retained; every score is deterministic and thread-safe
 * on shared inputs. The point scores need 3 <= n and 2 <= distinct labels
 * <= n - 1 (VC_ERR_INVALID otherwise) and finite values (VC_ERR_RANGE,
 * naming row and column). @{ */

/**
 * Mean silhouette coefficient in [-1, 1] (higher is better), Euclidean
 * distances from the distance kernels: exact when n <= the option
 * kmeans.silhouette_sample, else the exact silhouette of that many points
 * drawn with the seed option. A point alone in its cluster scores 0.
 * Options: kmeans.silhouette_sample, seed, threads, kernel.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_RANGE, VC_ERR_NOMEM.
 */
VC_API vc_status vc_score_silhouette(const float *x, size_t n, size_t d,
                                     size_t stride, const uint32_t *labels,
                                     const vc_options *opts, double *out);
/** Davies-Bouldin index (>= 0, lower is better), in double.
 *  @return VC_OK, VC_ERR_INVALID, VC_ERR_RANGE, VC_ERR_NOMEM. */
VC_API vc_status vc_score_davies_bouldin(const float *x, size_t n, size_t d,
                                         size_t stride,
                                         const uint32_t *labels, double *out);
/** Calinski-Harabasz score (between- over within-cluster dispersion,
 *  higher is better; 1 when every point sits on its cluster's mean).
 *  @return VC_OK, VC_ERR_INVALID, VC_ERR_RANGE, VC_ERR_NOMEM. */
VC_API vc_status vc_score_calinski_harabasz(const float *x, size_t n,
                                            size_t d, size_t stride,
                                            const uint32_t *labels,
                                            double *out);
/** Adjusted Rand index of two labelings of n points (1 = identical
 *  partitions, about 0 = chance, can be negative).
 *  @return VC_OK, VC_ERR_INVALID (NULL, n = 0), VC_ERR_NOMEM. */
VC_API vc_status vc_score_ari(const uint32_t *a, const uint32_t *b, size_t n,
                              double *out);
/** Normalised mutual information of two labelings, in [0, 1]
 *  (arithmetic mean of the entropies, as scikit-learn's default).
 *  @return VC_OK, VC_ERR_INVALID (NULL, n = 0), VC_ERR_NOMEM. */
VC_API vc_status vc_score_nmi(const uint32_t *a, const uint32_t *b, size_t n,
                              double *out);
/** @} */

/**
 * @name Principal component analysis
 * The directions of largest variance of any backend's float vectors, and
 * the points' coordinates along them (a 2-D map of n points for dims = 2).
 * @{ */

/**
 * Principal components of n points of dimension d: the eigenvectors of the
 * covariance matrix (divisor n - 1, as scikit-learn's explained_variance_)
 * with the dims largest eigenvalues, largest first, found by subspace
 * iteration with Gram-Schmidt and Rayleigh-Ritz on the covariance (in
 * double). Each component's largest coordinate is positive (the first of
 * equal ones), so the signs are reproducible.
 *
 * @param x          n rows of d floats, row r at x + r * stride (stride >=
 *                   d, in floats); not retained.
 * @param dims       number of components, 1 .. d.
 * @param opts       progress (stage "project"); NULL for defaults. Results
 *                   do not depend on seed or threads.
 * @param[out] projected   n * dims floats: (x_r - mean) . component_j at
 *                         projected[r * dims + j], or NULL.
 * @param[out] components  dims * d floats, row j the unit vector of
 *                         component j, or NULL.
 * @param[out] variance    dims doubles: the variance along each component
 *                         (its eigenvalue), or NULL.
 * @param[out] explained   dims doubles: each component's share of the total
 *                         variance, in [0, 1], or NULL.
 * @return VC_OK; VC_ERR_INVALID (NULL x, n = 0, d = 0, stride < d, dims not
 *         in 1..d); VC_ERR_RANGE (non-finite value, named by row and
 *         column); VC_ERR_NOMEM (memory grows as d * d); VC_ERR_CANCELLED.
 *         Outputs untouched on error.
 * Cost O(n d^2) plus O(d^2 dims) per iteration. Deterministic and
 * thread-safe on a shared x.
 */
VC_API vc_status vc_pca(const float *x, size_t n, size_t d, size_t stride,
                        size_t dims, const vc_options *opts, float *projected,
                        float *components, double *variance,
                        double *explained);
/** @} */
/** @} */


/* ------------------------------------------------------------------------ */
/** @name User portraits
 *  Every user's portrait is a float vector with a named schema in three
 *  layers — fact (static attributes), model (behaviour), predictive (what
 *  the user will likely do) — plus weighted readable tags. Columns are
 *  named "layer/group/name" ("model/category_share/Drama"); docs/method.md
 *  lists them. Portraits borrow the data set, which must outlive them.
 *  Portraits are safe to query from many threads; only
 *  vc_portrait_update() changes them (no other call on them may run
 *  meanwhile). @{ */

typedef struct vc_portraits vc_portraits;

/**
 * Build the portraits of every user of a finalised data set.
 * Options: portrait.* (half-life, shrinkage, weights ...), threads,
 * progress.
 * @param[out] out  free with vc_portraits_free(); NULL on error.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_STATE (data set not finalised),
 *         VC_ERR_NOMEM, VC_ERR_CANCELLED.
 */
VC_API vc_status vc_portrait_build(vc_portraits **out, const vc_dataset *ds,
                                   const vc_options *opts);
VC_API void vc_portraits_free(vc_portraits *pt);

/**
 * Bring portraits up to date after their data set grew (events, users or
 * items added, then vc_dataset_finalize()), recomputing only what changed:
 * the rows of touched users (new users, users with new events or changed
 * attributes) in full; for everyone else recency moves with the data set's
 * end and the predictive layer is refitted; feature rows keep the build's
 * standardisation, so communities stay comparable. The schema and topic
 * set stay as built: a category or attribute value that first appears
 * after the build gets no column until a rebuild (new items are mapped
 * onto the existing topics). docs/incremental.md gives the tolerance
 * against a full rebuild.
 * Options: as vc_portrait_build (use the same ones).
 * Thread safety: no other call may use pt (or communities built on it)
 * during the update. Communities built on pt must then be brought up to
 * date with vc_cluster_assign() or vc_cluster_refresh() before queries.
 * @param updated  receives the number of rows recomputed; may be NULL.
 * @return VC_OK (also when nothing changed), VC_ERR_INVALID,
 *         VC_ERR_STATE (data set not finalised, or smaller than pt),
 *         VC_ERR_NOMEM, VC_ERR_CANCELLED; on error pt is unchanged.
 */
VC_API vc_status vc_portrait_update(vc_portraits *pt, const vc_options *opts,
                                    size_t *updated);

VC_API size_t vc_portraits_user_count(const vc_portraits *pt);
VC_API size_t vc_portraits_column_count(const vc_portraits *pt);
/** The data set the portraits were built from (borrowed). */
VC_API const vc_dataset *vc_portraits_dataset(const vc_portraits *pt);

/** A column's layer ("fact", "model", "predictive"), group and name; any
 *  out pointer may be NULL; strings borrowed from pt.
 *  @return VC_OK, VC_ERR_RANGE. */
VC_API vc_status vc_portraits_column(const vc_portraits *pt, size_t col,
                                     const char **layer, const char **group,
                                     const char **name);
/** The column named "layer/group/name". @return VC_OK, VC_ERR_NOT_FOUND. */
VC_API vc_status vc_portraits_find_column(const vc_portraits *pt,
                                          const char *path, size_t *col);

/** A user's readable values (shares, days, ratings ...) into out[0..cap),
 *  cap >= vc_portraits_column_count(). @return VC_OK, VC_ERR_RANGE,
 *  VC_ERR_BUFFER. */
VC_API vc_status vc_portraits_row(const vc_portraits *pt, size_t user,
                                  float *out, size_t cap);
/** The same user's standardised, weighted features (what communities
 *  cluster). */
VC_API vc_status vc_portraits_features(const vc_portraits *pt, size_t user,
                                       float *out, size_t cap);

/**
 * The community map: every user's portrait projected onto its first dims
 * principal components (vc_pca over the standardised, weighted features of
 * vc_portraits_features(), the space communities are clustered in).
 * @param dims       1 .. vc_portraits_column_count() coordinates per user
 *                   (2 for a map).
 * @param opts       progress (stage "project"); NULL for defaults.
 * @param[out] out   vc_portraits_user_count() * dims floats, caller-
 *                   allocated: user u's coordinates at out[u * dims ..].
 * @param[out] explained  dims shares of the total variance, or NULL.
 * @return VC_OK, VC_ERR_INVALID (NULL, no user, dims out of range),
 *         VC_ERR_NOMEM, VC_ERR_CANCELLED. Outputs untouched on error.
 * Deterministic (independent of seed and threads); thread-safe on shared
 * portraits.
 */
VC_API vc_status vc_portrait_project(const vc_portraits *pt, size_t dims,
                                     const vc_options *opts, float *out,
                                     double *explained);

/** Number of tags of a user (0 when out of range). */
VC_API size_t vc_portraits_tag_count(const vc_portraits *pt, size_t user);
/** The k-th tag of a user, heaviest first: its text ("Drama lover",
 *  borrowed) and weight in (0, 1]. @return VC_OK, VC_ERR_RANGE. */
VC_API vc_status vc_portraits_tag(const vc_portraits *pt, size_t user,
                                  size_t k, const char **tag, float *weight);
/** @} */


/* ------------------------------------------------------------------------ */
/** @name Virtual communities
 *  Global segments over every user's portrait, and inside each topic (a
 *  category, or a keyword topic) with enough engaged users, the
 *  sub-communities of those users. A user belongs to several communities
 *  with a membership strength in (0, 1]. Communities borrow the portraits
 *  (which borrow the data set): free them first. Built communities are
 *  immutable and safe to query from many threads. @{ */

typedef struct vc_communities vc_communities;

/**
 * Build the communities. Options: community.* (k, topic_k, min_members,
 * topic_weight, softness ...; with community.k = 0 the number of global
 * segments is chosen by community.k_criterion: the gap statistic by
 * default, or silhouette; topics by community.topic_k_criterion),
 * kmeans.*, seed, threads, kernel, progress (docs/kmeans.md "Choosing k").
 * @param[out] out  free with vc_communities_free(); NULL on error.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_NOMEM, VC_ERR_CANCELLED.
 */
VC_API vc_status vc_cluster_run(vc_communities **out, const vc_portraits *pt,
                                const vc_options *opts);
VC_API void vc_communities_free(vc_communities *cm);

/** All communities: the global segments come first (indices
 *  0..vc_communities_global_count()-1), then each topic's. */
VC_API size_t vc_communities_count(const vc_communities *cm);
VC_API size_t vc_communities_global_count(const vc_communities *cm);
VC_API const vc_portraits *vc_communities_portraits(const vc_communities *cm);
/** Index of a community by name ("segment 2", "Drama 1").
 *  @return VC_OK, VC_ERR_NOT_FOUND. */
VC_API vc_status vc_communities_find(const vc_communities *cm,
                                     const char *name, size_t *c);

/* Per community c (NULL / 0 / NAN when out of range; strings borrowed). */
VC_API const char *vc_community_name(const vc_communities *cm, size_t c);
/** The topic of a topic sub-community, NULL for a global segment. */
VC_API const char *vc_community_topic(const vc_communities *cm, size_t c);
/** A readable description: "212 users (23%), 61% women, aged 25-34;
 *  Romance and Drama; rates generously". */
VC_API const char *vc_community_persona(const vc_communities *cm, size_t c);
/** Members whose nearest community it is. */
VC_API size_t vc_community_size(const vc_communities *cm, size_t c);
/** Mean silhouette of (a sample of) its members, in [-1, 1]. */
VC_API double vc_community_silhouette(const vc_communities *cm, size_t c);
VC_API size_t vc_community_tag_count(const vc_communities *cm, size_t c);
/** The k-th tag of a community and the share of members carrying it. */
VC_API vc_status vc_community_tag(const vc_communities *cm, size_t c,
                                  size_t k, const char **tag, float *share);

/**
 * Members of community c, strongest first: users[i] (user indices) and
 * strengths[i] for i < min(count, cap); either array may be NULL (then
 * only *count is set).
 * @return VC_OK, VC_ERR_RANGE, VC_ERR_BUFFER (cap too small; *count tells
 *         how many there are and the arrays hold the first cap).
 */
VC_API vc_status vc_community_members(const vc_communities *cm, size_t c,
                                      uint32_t *users, float *strengths,
                                      size_t cap, size_t *count);
/** The communities of a user, strongest first (same conventions). */
VC_API vc_status vc_user_communities(const vc_communities *cm, size_t user,
                                     uint32_t *comms, float *strengths,
                                     size_t cap, size_t *count);
/** The mean readable portrait of a community's members (one value per
 *  portrait column). @return VC_OK, VC_ERR_RANGE, VC_ERR_BUFFER. */
VC_API vc_status vc_community_centroid(const vc_communities *cm, size_t c,
                                       float *out, size_t cap);

/**
 * Place the users whose portraits vc_portrait_update() recomputed (and new
 * users) into the existing communities: soft memberships from their
 * distances to the unchanged centroids, and the topic sub-communities of
 * the topics they are now engaged in. Other users keep their memberships.
 * Sizes, shares, mean portraits, personas and tags follow; centroids,
 * community ids and silhouettes stay. A recommender index already built
 * (or loaded from a model file) is refitted, keeping its item factors.
 * Memory: the membership indexes and the index's arrays are rewritten in
 * place; the extra memory is a few bytes per user plus what the users
 * placed need (docs/incremental.md).
 * Options: community.* and recommend.* as when built (use the same ones).
 * Thread safety: no other call may use cm meanwhile.
 * @param assigned  receives the number of users placed anew; may be NULL.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_STATE (portraits not up to date
 *         with their data set), VC_ERR_NOMEM; on error cm is unchanged.
 */
VC_API vc_status vc_cluster_assign(vc_communities *cm, const vc_options *opts,
                                   size_t *assigned);
/**
 * Re-run every clustering of cm over the current portraits, warm-started
 * from its current centroids: one k-means per clustering with the same
 * topics and k, so community j stays community j (ids are stable; the
 * largest-first order of a fresh build may no longer hold). Memberships,
 * centroids, silhouettes, personas are recomputed; a built recommender
 * index is refitted keeping its item factors.
 * Options, thread safety, errors: as vc_cluster_assign().
 */
VC_API vc_status vc_cluster_refresh(vc_communities *cm, const vc_options *opts);

/** A drift report: how communities changed between a snapshot
 *  (vc_drift_begin) and a later state of the same communities
 *  (vc_drift_end), e.g. around vc_cluster_assign / vc_cluster_refresh. */
typedef struct vc_drift vc_drift;

/** Flags of a community in a drift report (docs/incremental.md). */
enum {
    VC_DRIFT_GREW = 1,    /**< size up by >= drift.change of its size before */
    VC_DRIFT_SHRANK = 2,  /**< size down by >= drift.change */
    VC_DRIFT_SPLIT = 4,   /**< >= drift.split of its members went to one
                               other community, >= drift.split stayed */
    VC_DRIFT_NEW = 8      /**< no members before, some now */
};

/** Snapshot the hard memberships (each user's strongest community per
 *  clustering) of cm. @param[out] out free with vc_drift_free().
 *  @return VC_OK, VC_ERR_INVALID, VC_ERR_NOMEM. */
VC_API vc_status vc_drift_begin(vc_drift **out, const vc_communities *cm);
/** Compare the snapshot with cm now (the same communities, updated) using
 *  drift.change and drift.split from opts (NULL = defaults).
 *  @return VC_OK, VC_ERR_INVALID, VC_ERR_STATE (community count differs,
 *  or already ended), VC_ERR_NOMEM. */
VC_API vc_status vc_drift_end(vc_drift *dr, const vc_communities *cm,
                              const vc_options *opts);
VC_API void vc_drift_free(vc_drift *dr);
/** Users whose hard community in some clustering changed (a user moving
 *  in two clusterings counts twice); 0 before vc_drift_end. */
VC_API size_t vc_drift_mover_count(const vc_drift *dr);
/** Mover i (ordered by user): user index and the community it
 *  left and joined (UINT32_MAX = none: joined or left the clustering).
 *  Out pointers may be NULL. @return VC_OK, VC_ERR_RANGE. */
VC_API vc_status vc_drift_mover(const vc_drift *dr, size_t i, size_t *user,
                                uint32_t *from, uint32_t *to);
/** Communities in the report (0 before vc_drift_end). */
VC_API size_t vc_drift_community_count(const vc_drift *dr);
/** Community c: hard members before and after, VC_DRIFT_* flags, and for
 *  a split the community most of its movers joined (else UINT32_MAX).
 *  Out pointers may be NULL. @return VC_OK, VC_ERR_RANGE. */
VC_API vc_status vc_drift_community(const vc_drift *dr, size_t c, size_t *before,
                                    size_t *after, unsigned *flags,
                                    uint32_t *split_into);
/** @} */


/* ------------------------------------------------------------------------ */
/** @name Recommendation and targeting
 *  Queries read the communities (and derive a recommender index from them
 *  on the first query, with that query's recommend.* options); they are
 *  safe to run from many threads at once on one vc_communities. @{ */

/** A ranked list: items (vc_recommend) or users (vc_target_*), best first,
 *  each with a score and a readable reason. */
typedef struct vc_recs vc_recs;

/**
 * Top-n items the user has not interacted with, scored from the user's
 * communities and its nearest neighbours inside them.
 * @param user      user index (vc_dataset_user_index()).
 * @param n         1..100000 items wanted (fewer when fewer are eligible).
 * @param exclude   nexclude item indices never to recommend (may be NULL
 *                  when nexclude is 0).
 * @param opts      recommend.* (neighbour_weight, neighbours, pool,
 *                  category filter ...), threads.
 * @param[out] out  free with vc_recs_free().
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_RANGE (user), VC_ERR_NOT_FOUND
 *         (recommend.category unknown), VC_ERR_NOMEM.
 */
VC_API vc_status vc_recommend(vc_recs **out, const vc_communities *cm,
                              size_t user, size_t n, const uint32_t *exclude,
                              size_t nexclude, const vc_options *opts);

/** Called for every recommendation of vc_recommend_all, in user order then
 *  rank order (rank from 1); return non-zero to stop (VC_ERR_CANCELLED). */
typedef int (*vc_rec_fn)(size_t user, size_t rank, size_t item, double score,
                         void *userdata);

/** Top-n for every user, computed on the thread pool; fn is called from the
 *  calling thread, in user order, so output is deterministic. */
VC_API vc_status vc_recommend_all(const vc_communities *cm, size_t n,
                                  const vc_options *opts, vc_rec_fn fn,
                                  void *userdata);

/** vc_recommend_all into a CSV file with header "user,rank,item,score"
 *  (external ids). @return also VC_ERR_IO (the file is removed). */
VC_API vc_status vc_recommend_all_csv(const vc_communities *cm, size_t n,
                                      const char *path,
                                      const vc_options *opts);

/**
 * The n users most likely to respond to an item (users who already have it
 * are excluded) or to a category, each with a score and a reason
 * (community, predicted affinity). Option target.affinity_weight.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_RANGE (item), VC_ERR_NOT_FOUND
 *         (category), VC_ERR_NOMEM.
 */
VC_API vc_status vc_target_item(vc_recs **out, const vc_communities *cm,
                                size_t item, size_t n,
                                const vc_options *opts);
VC_API vc_status vc_target_category(vc_recs **out, const vc_communities *cm,
                                    const char *category, size_t n,
                                    const vc_options *opts);

/** Number of entries of a result (0 for NULL). */
VC_API size_t vc_recs_count(const vc_recs *r);
/**
 * Entry k (0 = best): id (an item index for recommendations, a user index
 * for targeting), score, reason (borrowed from r). Out pointers may be NULL.
 * @return VC_OK, VC_ERR_RANGE.
 */
VC_API vc_status vc_recs_get(const vc_recs *r, size_t k, size_t *id,
                             double *score, const char **reason);
VC_API void vc_recs_free(vc_recs *r);
/** @} */


/* ------------------------------------------------------------------------ */
/** @name Evaluation
 *  Offline proof that communities pay off: split a data set (eval.split),
 *  build portraits and communities on the training part, and compare the
 *  community recommender with popularity, global user-kNN and item-kNN on
 *  the held-out part (docs/evaluation.md). @{ */

typedef struct vc_eval vc_eval;

/**
 * Run an evaluation. Options: eval.* (split, k, relevant_rating,
 * max_users, target_items) and every option of the stages it runs.
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_STATE, VC_ERR_OPTION (bad split
 *         spec), VC_ERR_NOMEM, VC_ERR_CANCELLED.
 */
VC_API vc_status vc_eval_run(vc_eval **out, const vc_dataset *ds,
                             const vc_options *opts);
VC_API void vc_eval_free(vc_eval *ev);
/** Methods compared: "community", "popularity", "user-knn", "item-knn"
 *  (the last only for data sets with at most 6000 items). */
VC_API size_t vc_eval_method_count(const vc_eval *ev);
VC_API const char *vc_eval_method_name(const vc_eval *ev, size_t m);
/** Metric names: "precision", "recall", "ndcg", "hit_rate", "map",
 *  "coverage", "novelty", "query_us". */
VC_API size_t vc_eval_metric_count(void);
VC_API const char *vc_eval_metric_name(size_t metric);
/** A metric of method m. @return VC_OK, VC_ERR_RANGE, VC_ERR_NOT_FOUND. */
VC_API vc_status vc_eval_metric(const vc_eval *ev, size_t m,
                                const char *metric, double *value);
/** Users evaluated (those with relevant held-out items). */
VC_API size_t vc_eval_user_count(const vc_eval *ev);
/** Targeting: future users of an item among the 50 users vc_target_item
 *  picks, relative to 50 random users lacking the item. */
VC_API double vc_eval_target_lift(const vc_eval *ev);
/** @} */


/* ------------------------------------------------------------------------ */
/** @name Model files
 *  One file holds what serving needs: the data set, portraits, communities,
 *  the recommender index and the options used (docs/model-format.md). A
 *  backend builds offline and serves the file from another process; queries
 *  on a loaded model give exactly the results of the in-memory build. @{ */

typedef struct vc_model vc_model;

/**
 * Save communities (with their portraits and data set) to path,
 * atomically: a temporary file in the same directory, then rename.
 * opts are recorded in the file (and used to build the recommender index
 * if no query built it yet).
 * @return VC_OK, VC_ERR_INVALID, VC_ERR_IO (names the file), VC_ERR_NOMEM.
 */
VC_API vc_status vc_model_save(const vc_communities *cm, const char *path,
                               const vc_options *opts);

/**
 * Load a model file. Checks the header, version, every section's CRC-32C
 * and the structures' invariants. The file is mapped, and its sections are
 * copied and checked by `threads` threads (a 1.7 GB model loads at about
 * 1.1-1.3 GB/s on two cores: docs/performance.md).
 * @param[out] out  free with vc_model_free(); NULL on error.
 * @param opts      threads; NULL = defaults. The options the model was
 *                  built with are read from the file (vc_model_options).
 * @return VC_OK; VC_ERR_IO (missing / unreadable); VC_ERR_FORMAT (not a
 *         model, wrong version, truncated, corrupted — the message says
 *         which); VC_ERR_UNSUPPORTED (other byte order); VC_ERR_NOMEM.
 */
VC_API vc_status vc_model_load(vc_model **out, const char *path,
                               const vc_options *opts);
VC_API void vc_model_free(vc_model *m);

/* The parts of a loaded model, borrowed: valid until vc_model_free(). */
VC_API const vc_dataset *vc_model_dataset(const vc_model *m);
VC_API const vc_portraits *vc_model_portraits(const vc_model *m);
VC_API const vc_communities *vc_model_communities(const vc_model *m);
/** The options the model was built with. */
VC_API const vc_options *vc_model_options(const vc_model *m);

/** vc_model_update flag: re-run the clusterings warm-started
 *  (vc_cluster_refresh) instead of assigning into them. */
#define VC_UPDATE_REFRESH 1u

/**
 * The feedback loop on a loaded model: append the events of a file
 * (vc_dataset_append: the data set's own event format, or load.format's),
 * recompute the touched portraits (vc_portrait_update), then place the
 * touched users into the existing communities (vc_cluster_assign) or, with
 * VC_UPDATE_REFRESH, re-run the clusterings from their current centroids
 * (vc_cluster_refresh). The recommender index is refitted, so the model
 * can be queried and saved (vc_model_save with vc_model_communities(m))
 * at once. docs/incremental.md has the details and the tolerances.
 * @param opts     NULL: the options the model was built with.
 * @param drift    receives the drift report (free with vc_drift_free);
 *                 NULL when not wanted.
 * @param added    events appended; may be NULL.
 * @param updated  portrait rows recomputed; may be NULL.
 * Thread safety: no other call may use m meanwhile.
 * @return VC_OK; the errors of vc_dataset_append (then m is unchanged),
 *         VC_ERR_NOMEM (then queries fail with VC_ERR_STATE until a
 *         successful update).
 */
VC_API vc_status vc_model_update(vc_model *m, const char *events,
                                 const vc_options *opts, unsigned flags,
                                 vc_drift **drift, size_t *added,
                                 size_t *updated);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* VCOMM_H */
