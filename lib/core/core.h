/*
 * core.h - internal services every lib/ folder uses: errors, allocation,
 * options access, progress, RNG, hashing, string pool, id map, thread pool.
 *
 * Invariants: every non-static internal function is named vci_* and hidden;
 * all memory goes through vci_malloc/vci_realloc/vci_free (and so through
 * the vc_set_allocator hooks); functions that fail set the thread-local
 * error with vci_error() and return its status.
 */
#ifndef VCOMM_CORE_H
#define VCOMM_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vcomm.h"

#if defined(__GNUC__)
#  define VCI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#  define VCI_LIKELY(x) __builtin_expect(!!(x), 1)
#  define VCI_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#  define VCI_PRINTF(f, a)
#  define VCI_LIKELY(x) (x)
#  define VCI_UNLIKELY(x) (x)
#endif

#define VCI_MIN(a, b) ((a) < (b) ? (a) : (b))
#define VCI_MAX(a, b) ((a) > (b) ? (a) : (b))
#define VCI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors (error.c) --------------------------------------------------- */

/** Longest message kept; longer ones are truncated with "...". */
#define VCI_ERROR_MAX 1024

/** Clear this thread's error message; every public fallible call starts so. */
void vci_clear_error(void);
/** Set this thread's message from a printf format and return status. */
vc_status vci_error(vc_status status, const char *fmt, ...) VCI_PRINTF(2, 3);
vc_status vci_verror(vc_status status, const char *fmt, va_list ap);
/** "file:line: message" (line 0 omits it) with VC_ERR_PARSE. */
vc_status vci_parse_error(const char *file, uint64_t line, const char *fmt,
                          ...) VCI_PRINTF(3, 4);
/** Prefix the current message with "prefix: " (keeps the status). */
vc_status vci_error_prefix(vc_status status, const char *prefix);

/** Propagate a failing status. */
#define VCI_CHECK(expr)                         \
    do {                                        \
        vc_status vci_check_s_ = (expr);        \
        if (VCI_UNLIKELY(vci_check_s_ != VC_OK)) \
            return vci_check_s_;                \
    } while (0)

/** Validate an argument of a public call. */
#define VCI_REQUIRE(cond, ...)                          \
    do {                                                \
        if (VCI_UNLIKELY(!(cond)))                      \
            return vci_error(VC_ERR_INVALID, __VA_ARGS__); \
    } while (0)

/* ---- allocation (alloc.c) ----------------------------------------------- */

/* Each returns NULL and sets VC_ERR_NOMEM's message on failure. Size 0 is
 * treated as 1 so that NULL always means failure. */
void *vci_malloc(size_t size);
void *vci_calloc(size_t count, size_t size);   /* zeroed, overflow-checked */
void *vci_realloc(void *ptr, size_t size);      /* ptr stays valid on failure */
void *vci_array_realloc(void *ptr, size_t count, size_t size);
void vci_free(void *ptr);
char *vci_strdup(const char *s);
char *vci_strndup(const char *s, size_t n);
/** 64-byte (VCI_ALIGN) aligned block, zeroed; free with vci_aligned_free. */
#define VCI_ALIGN 64
void *vci_aligned_calloc(size_t count, size_t size);
/** Resize an aligned block of old_count elements of size bytes to count:
 *  the first min(old_count, count) kept, the rest zeroed (NULL ptr: a new
 *  zeroed block). On failure NULL, and ptr stays valid and unchanged. */
void *vci_aligned_resize(void *ptr, size_t old_count, size_t count, size_t size);
void vci_aligned_free(void *ptr);
/** Hint that a large block will be used densely (huge pages); advisory.
 *  vci_malloc and vci_realloc call it for blocks of 8 MB and more. */
void vci_advise_huge(void *ptr, size_t size);
/** Make room for need elements in *ptr (capacity *cap, elements of size
 *  bytes), growing geometrically. *ptr and *cap are unchanged on failure. */
vc_status vci_reserve(void **ptr, size_t *cap, size_t need, size_t size);
/** size_t multiply with overflow detection: false on overflow. */
bool vci_mul_ok(size_t a, size_t b, size_t *out);

/* ---- options (options.c, options_table.h) -------------------------------- */

typedef enum vci_option_id {
#define VCI_OPTION(id, name, type, def, lo, hi, words, doc) VCI_OPT_##id,
#include "options_table.h"
#undef VCI_OPTION
    VCI_OPT_COUNT
} vci_option_id;

/* Fast typed reads by id for library code; opts NULL reads the defaults.
 * The id's type must match (checked in debug builds). */
int64_t vci_opt_int(const vc_options *opts, vci_option_id id);
double vci_opt_float(const vc_options *opts, vci_option_id id);
bool vci_opt_bool(const vc_options *opts, vci_option_id id);
const char *vci_opt_string(const vc_options *opts, vci_option_id id);

/* ---- progress (progress.c) ---------------------------------------------- */

typedef struct vci_progress {
    vc_progress_fn fn;
    void *userdata;
    const char *stage;
} vci_progress;

/** The progress callback of opts (may be none) for one stage. */
vci_progress vci_progress_of(const vc_options *opts, const char *stage);
/** Report a fraction; VC_ERR_CANCELLED (with its message) when the
 *  callback asks to stop. Call only from the thread of the public call. */
vc_status vci_progress_report(const vci_progress *p, double fraction);

/* ---- deterministic RNG (rng.c): xoshiro256** seeded by splitmix64 -------- */

typedef struct vci_rng {
    uint64_t s[4];
} vci_rng;

/** Seed; distinct streams of one seed are independent sequences, so a task
 *  can own the stream of its index and results never depend on threads. */
void vci_rng_seed(vci_rng *rng, uint64_t seed, uint64_t stream);
uint64_t vci_rng_next(vci_rng *rng);
/** Uniform double in [0, 1) with 53 random bits. */
double vci_rng_uniform(vci_rng *rng);
/** Uniform integer in [0, bound), bound > 0, without modulo bias. */
uint64_t vci_rng_below(vci_rng *rng, uint64_t bound);
/** Standard normal deviate. */
double vci_rng_normal(vci_rng *rng);
/** Fisher-Yates shuffle of n uint32 values. */
void vci_rng_shuffle_u32(vci_rng *rng, uint32_t *v, size_t n);
/** splitmix64 step: a good 64-bit mixer for seeds and hashes. */
uint64_t vci_splitmix64(uint64_t *state);

/* ---- selection (select.c) ------------------------------------------------ */

/** The k-th smallest (0-based, k < n) of v[0..n), no NaN among them: the
 *  value v[k] would hold once sorted. Reorders v. */
double vci_select(double *v, size_t n, size_t k);

/* ---- hashing (hash.c) ---------------------------------------------------- */

/** 64-bit hash of n bytes; stable across runs and platforms of one
 *  endianness. */
uint64_t vci_hash_bytes(const void *data, size_t n, uint64_t seed);
/** 64-bit finaliser (murmur3 fmix64). */
uint64_t vci_hash_u64(uint64_t x);

/* ---- string pool (strpool.c) --------------------------------------------- */

/* Append-only storage of byte strings. Each string is stored behind a
 * 4-byte length and followed by a NUL, and is addressed by the offset of
 * its first byte; offsets stay valid as the pool grows. Offset 0 is never a
 * string (it means "none"). */
typedef struct vci_strpool {
    char *data;
    size_t len;
    size_t cap;
} vci_strpool;

void vci_strpool_init(vci_strpool *pool);
void vci_strpool_free(vci_strpool *pool);
/** Copy n bytes (n < 2^32) and give their offset. */
vc_status vci_strpool_add(vci_strpool *pool, const char *s, size_t n,
                          size_t *offset);
static inline const char *vci_strpool_str(const vci_strpool *pool,
                                          size_t offset)
{
    return pool->data + offset;
}
static inline uint32_t vci_strpool_strlen(const vci_strpool *pool,
                                          size_t offset)
{
    uint32_t n;
    memcpy(&n, pool->data + offset - sizeof n, sizeof n);
    return n;
}

/* ---- id map (idmap.c): byte-string key -> uint32 value -------------------- */

/* Open addressing with linear probing and backward-shift deletion (no
 * tombstones); load factor kept at or below 1/2 (growth doubles). Keys are
 * copied into the map's own string pool; a removed key's bytes stay there
 * until the map is freed. */
typedef struct vci_idmap_slot {
    uint64_t key;   /* offset in pool, 0 = empty */
    uint32_t hash;  /* low 32 bits of the key's hash */
    uint32_t value;
} vci_idmap_slot;

typedef struct vci_idmap {
    vci_idmap_slot *slots;
    size_t mask;   /* capacity - 1 (capacity a power of two) or 0 */
    size_t count;
    vci_strpool keys;
} vci_idmap;

void vci_idmap_init(vci_idmap *map);
void vci_idmap_free(vci_idmap *map);
/** Room for n keys without growth. */
vc_status vci_idmap_reserve(vci_idmap *map, size_t n);
/** True and *value when the key is present. */
bool vci_idmap_get(const vci_idmap *map, const char *key, size_t n,
                   uint32_t *value);
/** Insert or overwrite. */
vc_status vci_idmap_put(vci_idmap *map, const char *key, size_t n,
                        uint32_t value);
/** When absent, insert with value fresh and set *added; in both cases
 *  *value is the stored value and *key_offset (if not NULL) the offset of
 *  the stored key in map->keys. */
vc_status vci_idmap_get_or_add(vci_idmap *map, const char *key, size_t n,
                               uint32_t fresh, uint32_t *value,
                               size_t *key_offset, bool *added);
/** Remove; false when absent. */
bool vci_idmap_remove(vci_idmap *map, const char *key, size_t n);

/* ---- thread pool (threadpool.c) ------------------------------------------ */

typedef struct vci_pool vci_pool;

/** Task function: task is in [0, ntasks), worker in [0, pool size); a
 *  task must write its results to task-indexed storage so that results
 *  never depend on which worker ran it. */
typedef vc_status (*vci_task_fn)(void *ctx, size_t task, unsigned worker);

/** Number of threads that threads = n means (0 = online cores). */
unsigned vci_thread_count(int64_t n);
/** A pool of nthreads workers (the calling thread counts as one; 0 = all
 *  cores). nthreads == 1 creates no thread. */
vc_status vci_pool_new(vci_pool **out, unsigned nthreads);
/** A pool sized by the "threads" option. */
vc_status vci_pool_for_options(vci_pool **out, const vc_options *opts);
void vci_pool_free(vci_pool *pool);
unsigned vci_pool_size(const vci_pool *pool);  /* NULL -> 1 */

/**
 * Run fn for every task in [0, ntasks) across the pool (NULL = inline).
 * Tasks are claimed in increasing order; after a failure no new task
 * starts, and the status and message returned are those of the lowest
 * failing task index, so failures are deterministic too. progress (may be
 * NULL) is reported from the calling thread as tasks complete; its
 * cancellation stops the loop with VC_ERR_CANCELLED.
 */
vc_status vci_parallel_for(vci_pool *pool, size_t ntasks, vci_task_fn fn,
                           void *ctx, const vci_progress *progress);

#endif /* VCOMM_CORE_H */
