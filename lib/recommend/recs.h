/*
 * recs.h - the layout of vc_recs (recs.c) shared by recommendation and
 * targeting.
 */
#ifndef VCOMM_RECS_H
#define VCOMM_RECS_H

#include "core.h"

typedef struct vci_rec_entry {
    uint32_t id;
    float score;
    size_t reason;   /* offset in reasons */
} vci_rec_entry;

struct vc_recs {
    vci_rec_entry *entry;
    size_t n;
    vci_strpool reasons;
};

/** A result with room for cap entries. */
vc_status vci_recs_new(vc_recs **out, size_t cap);
/** Append (the caller keeps n within the capacity). */
vc_status vci_recs_add(vc_recs *r, uint32_t id, float score,
                       const char *reason);

#endif /* VCOMM_RECS_H */
