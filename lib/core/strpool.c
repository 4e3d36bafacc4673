/*
 * strpool.c - append-only string storage addressed by offsets.
 *
 * Layout per string: [uint32 length][bytes][NUL]; the offset points at the
 * bytes. The pool starts with one padding byte so offset 0 means "none".
 */
#include "core.h"

void vci_strpool_init(vci_strpool *pool)
{
    pool->data = NULL;
    pool->len = 0;
    pool->cap = 0;
}

void vci_strpool_free(vci_strpool *pool)
{
    vci_free(pool->data);
    vci_strpool_init(pool);
}

vc_status vci_strpool_add(vci_strpool *pool, const char *s, size_t n,
                          size_t *offset)
{
    if (n > UINT32_MAX - 8)
        return vci_error(VC_ERR_RANGE, "string of %zu bytes is too long", n);
    size_t start = pool->len ? pool->len : 1;
    size_t need = start + sizeof(uint32_t) + n + 1;
    if (need < start)
        return vci_error(VC_ERR_NOMEM, "string pool overflow");
    VCI_CHECK(vci_reserve((void **)&pool->data, &pool->cap, need, 1));
    if (pool->len == 0)
        pool->data[0] = '\0';
    uint32_t len32 = (uint32_t)n;
    memcpy(pool->data + start, &len32, sizeof len32);
    size_t off = start + sizeof len32;
    if (n)
        memcpy(pool->data + off, s, n);
    pool->data[off + n] = '\0';
    pool->len = need;
    *offset = off;
    return VC_OK;
}
