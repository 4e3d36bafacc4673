/*
 * reason.c - the readable evidence behind a recommended item:
 *   "liked by 7 of your 30 nearest neighbours in Drama 2" when the
 *   neighbour part of the score dominates, otherwise
 *   "popular in segment 3: 41% of members, mean rating 4.2" (explicit) /
 *   "popular in segment 3: 12% of members" (implicit).
 */
#include <stdio.h>

#include "recommend.h"

void vci_rec_reason(const vc_communities *cm, const vci_rec_index *ix,
                    const vci_rec_item *r, char *buf, size_t size)
{
    const char *name = r->community != UINT32_MAX
                           ? vci_strpool_str(&cm->strings, cm->comm[r->community].name)
                           : "your communities";
    if (r->by_neighbours || r->community == UINT32_MAX) {
        snprintf(buf, size, "liked by %u similar users in %s", r->neighbours, name);
        return;
    }
    size_t cell = (size_t)r->community * ix->nitems + r->item;
    double pop = 100.0 * ix->pop[cell];
    if (ix->mean)
        snprintf(buf, size, "popular in %s: %.0f%% of members, mean rating %.1f",
                 name, pop, ix->mean[cell]);
    else
        snprintf(buf, size, "popular in %s: %.0f%% of members", name, pop);
}
