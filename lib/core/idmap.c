/*
 * idmap.c - byte-string key -> uint32 value map (external id -> dense index).
 *
 * Open addressing, linear probing, power-of-two capacity, load <= 1/2.
 * Deletion shifts later members of the probe run back (no tombstones), so
 * lookups stay short after many deletes. Invariant: every key in a run sits
 * at or after its home slot, cyclically, with no empty slot in between.
 */
#include "core.h"

static const uint64_t HASH_SEED = 0x5851F42D4C957F2Dull;

void vci_idmap_init(vci_idmap *map)
{
    map->slots = NULL;
    map->mask = 0;
    map->count = 0;
    vci_strpool_init(&map->keys);
}

void vci_idmap_free(vci_idmap *map)
{
    vci_free(map->slots);
    vci_strpool_free(&map->keys);
    vci_idmap_init(map);
}

static bool key_equals(const vci_idmap *map, const vci_idmap_slot *s,
                       const char *key, size_t n)
{
    return vci_strpool_strlen(&map->keys, s->key) == n &&
           memcmp(vci_strpool_str(&map->keys, s->key), key, n) == 0;
}

static vc_status rehash(vci_idmap *map, size_t capacity)
{
    vci_idmap_slot *slots = vci_calloc(capacity, sizeof *slots);
    if (!slots)
        return VC_ERR_NOMEM;
    size_t mask = capacity - 1;
    for (size_t i = 0; map->mask && i <= map->mask; i++) {
        vci_idmap_slot s = map->slots[i];
        if (!s.key)
            continue;
        size_t j = s.hash & mask;
        while (slots[j].key)
            j = (j + 1) & mask;
        slots[j] = s;
    }
    vci_free(map->slots);
    map->slots = slots;
    map->mask = mask;
    return VC_OK;
}

vc_status vci_idmap_reserve(vci_idmap *map, size_t n)
{
    size_t capacity = 16;
    while (capacity / 2 < n) {
        if (capacity > SIZE_MAX / 4)
            return vci_error(VC_ERR_NOMEM, "id map of %zu keys is too big", n);
        capacity *= 2;
    }
    if (map->mask && capacity <= map->mask + 1)
        return VC_OK;
    return rehash(map, capacity);
}

/* Slot holding the key, or the empty slot where it would go. */
static size_t probe(const vci_idmap *map, const char *key, size_t n,
                    uint32_t hash)
{
    size_t i = hash & map->mask;
    for (;;) {
        const vci_idmap_slot *s = &map->slots[i];
        if (!s->key || (s->hash == hash && key_equals(map, s, key, n)))
            return i;
        i = (i + 1) & map->mask;
    }
}

bool vci_idmap_get(const vci_idmap *map, const char *key, size_t n,
                   uint32_t *value)
{
    if (!map->mask)
        return false;
    uint32_t hash = (uint32_t)vci_hash_bytes(key, n, HASH_SEED);
    const vci_idmap_slot *s = &map->slots[probe(map, key, n, hash)];
    if (!s->key)
        return false;
    *value = s->value;
    return true;
}

vc_status vci_idmap_get_or_add(vci_idmap *map, const char *key, size_t n,
                               uint32_t fresh, uint32_t *value,
                               size_t *key_offset, bool *added)
{
    VCI_CHECK(vci_idmap_reserve(map, map->count + 1));
    uint32_t hash = (uint32_t)vci_hash_bytes(key, n, HASH_SEED);
    vci_idmap_slot *s = &map->slots[probe(map, key, n, hash)];
    bool is_new = !s->key;
    if (is_new) {
        size_t off;
        VCI_CHECK(vci_strpool_add(&map->keys, key, n, &off));
        s->key = off;
        s->hash = hash;
        s->value = fresh;
        map->count++;
    }
    *value = s->value;
    if (key_offset)
        *key_offset = (size_t)s->key;
    if (added)
        *added = is_new;
    return VC_OK;
}

vc_status vci_idmap_put(vci_idmap *map, const char *key, size_t n,
                        uint32_t value)
{
    uint32_t stored;
    bool added;
    VCI_CHECK(vci_idmap_get_or_add(map, key, n, value, &stored, NULL, &added));
    if (!added) {
        uint32_t hash = (uint32_t)vci_hash_bytes(key, n, HASH_SEED);
        map->slots[probe(map, key, n, hash)].value = value;
    }
    return VC_OK;
}

bool vci_idmap_remove(vci_idmap *map, const char *key, size_t n)
{
    if (!map->mask)
        return false;
    uint32_t hash = (uint32_t)vci_hash_bytes(key, n, HASH_SEED);
    size_t hole = probe(map, key, n, hash);
    if (!map->slots[hole].key)
        return false;
    /* backward shift: move later run members whose home is not in
     * (hole, j] into the hole */
    size_t j = hole;
    for (;;) {
        j = (j + 1) & map->mask;
        vci_idmap_slot *s = &map->slots[j];
        if (!s->key)
            break;
        size_t home = s->hash & map->mask;
        bool home_in_gap = hole <= j ? (home > hole && home <= j)
                                     : (home > hole || home <= j);
        if (!home_in_gap) {
            map->slots[hole] = *s;
            hole = j;
        }
    }
    map->slots[hole].key = 0;
    map->count--;
    return true;
}
