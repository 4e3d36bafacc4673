/*
 * alloc.c - every allocation of the library, routed through the hooks of
 * vc_set_allocator().
 *
 * Invariants: the vci_* allocators never return NULL for a successful
 * request (size 0 is served as 1 byte); on failure they set VC_ERR_NOMEM's
 * message. Aligned blocks keep the offset to the raw block just before the
 * returned pointer.
 */
#include <stdlib.h>

#include "core.h"

static void *default_malloc(size_t size, void *ud)
{
    (void)ud;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *ud)
{
    (void)ud;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *ud)
{
    (void)ud;
    free(ptr);
}

static struct {
    vc_malloc_fn malloc_fn;
    vc_realloc_fn realloc_fn;
    vc_free_fn free_fn;
    void *userdata;
} hooks = {default_malloc, default_realloc, default_free, NULL};

VC_API vc_status vc_set_allocator(vc_malloc_fn malloc_fn,
                                  vc_realloc_fn realloc_fn,
                                  vc_free_fn free_fn, void *userdata)
{
    vci_clear_error();
    if (!malloc_fn && !realloc_fn && !free_fn) {
        hooks.malloc_fn = default_malloc;
        hooks.realloc_fn = default_realloc;
        hooks.free_fn = default_free;
        hooks.userdata = NULL;
        return VC_OK;
    }
    VCI_REQUIRE(malloc_fn && realloc_fn && free_fn,
                "vc_set_allocator: give all three hooks, or none");
    hooks.malloc_fn = malloc_fn;
    hooks.realloc_fn = realloc_fn;
    hooks.free_fn = free_fn;
    hooks.userdata = userdata;
    return VC_OK;
}

static void *out_of_memory(size_t size)
{
    vci_error(VC_ERR_NOMEM, "out of memory allocating %zu bytes", size);
    return NULL;
}

void *vci_malloc(size_t size)
{
    if (size == 0)
        size = 1;
    void *p = hooks.malloc_fn(size, hooks.userdata);
    if (!p)
        return out_of_memory(size);
    vci_advise_huge(p, size);
    return p;
}

bool vci_mul_ok(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return false;
    *out = a * b;
    return true;
}

void *vci_calloc(size_t count, size_t size)
{
    size_t total;
    if (!vci_mul_ok(count, size, &total))
        return out_of_memory(SIZE_MAX);
    void *p = vci_malloc(total);
    if (p)
        memset(p, 0, total);
    return p;
}

void *vci_realloc(void *ptr, size_t size)
{
    if (!ptr)
        return vci_malloc(size);
    if (size == 0)
        size = 1;
    void *p = hooks.realloc_fn(ptr, size, hooks.userdata);
    if (!p)
        return out_of_memory(size);
    vci_advise_huge(p, size);
    return p;
}

void *vci_array_realloc(void *ptr, size_t count, size_t size)
{
    size_t total;
    if (!vci_mul_ok(count, size, &total))
        return out_of_memory(SIZE_MAX);
    return vci_realloc(ptr, total);
}

void vci_free(void *ptr)
{
    if (ptr)
        hooks.free_fn(ptr, hooks.userdata);
}

char *vci_strndup(const char *s, size_t n)
{
    char *p = vci_malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *vci_strdup(const char *s)
{
    return vci_strndup(s, strlen(s));
}

void *vci_aligned_calloc(size_t count, size_t size)
{
    size_t total;
    const size_t slack = VCI_ALIGN + sizeof(void *);
    if (!vci_mul_ok(count, size, &total) || total > SIZE_MAX - slack)
        return out_of_memory(SIZE_MAX);
    unsigned char *raw = vci_malloc(total + slack);
    if (!raw)
        return NULL;
    /* at least sizeof(void *) bytes before the aligned start hold raw */
    uintptr_t start = ((uintptr_t)raw + sizeof(void *) + VCI_ALIGN - 1) &
                      ~(uintptr_t)(VCI_ALIGN - 1);
    unsigned char *p = (unsigned char *)start;
    memcpy(p - sizeof(void *), &raw, sizeof raw);
    memset(p, 0, total);
    return p;
}

void *vci_aligned_resize(void *ptr, size_t old_count, size_t count, size_t size)
{
    if (!ptr)
        return vci_aligned_calloc(count, size);
    size_t total, old_total;
    const size_t slack = VCI_ALIGN + sizeof(void *);
    if (!vci_mul_ok(count, size, &total) || total > SIZE_MAX - slack)
        return out_of_memory(SIZE_MAX);
    old_total = VCI_MIN(old_count, count) * size;
    unsigned char *raw;
    memcpy(&raw, (unsigned char *)ptr - sizeof(void *), sizeof raw);
    size_t offset = (size_t)((unsigned char *)ptr - raw);
    unsigned char *grown = vci_realloc(raw, total + slack);
    if (!grown)
        return NULL; /* ptr is untouched */
    /* realloc kept the bytes at the same offset from the block's start,
     * which need not be aligned any more */
    uintptr_t start = ((uintptr_t)grown + sizeof(void *) + VCI_ALIGN - 1) &
                      ~(uintptr_t)(VCI_ALIGN - 1);
    unsigned char *p = (unsigned char *)start;
    if (p != grown + offset)
        memmove(p, grown + offset, old_total);
    memcpy(p - sizeof(void *), &grown, sizeof grown);
    memset(p + old_total, 0, total - old_total);
    return p;
}

void vci_aligned_free(void *ptr)
{
    if (!ptr)
        return;
    void *raw;
    memcpy(&raw, (unsigned char *)ptr - sizeof(void *), sizeof raw);
    vci_free(raw);
}

vc_status vci_reserve(void **ptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return VC_OK;
    size_t grown = *cap < 8 ? 8 : *cap + *cap / 2;
    if (grown < need)
        grown = need;
    void *p = vci_array_realloc(*ptr, grown, size);
    if (!p)
        return VC_ERR_NOMEM;
    *ptr = p;
    *cap = grown;
    return VC_OK;
}
