/*
 * schema.c - the named columns of a portrait: layer, group, name, weight.
 *
 * Invariant: a column's weight starts as its group's weight (set by the
 * layer that adds it); vci_schema_balance() then divides by the square root
 * of the group's column count and multiplies by the layer weight, so a
 * group of many one-hot columns weighs no more than a single number.
 */
#include <math.h>

#include "portrait.h"

const char *const vci_layer_names[3] = {"fact", "model", "predictive"};

void vci_schema_init(vci_schema *s)
{
    memset(s, 0, sizeof *s);
    vci_strpool_init(&s->strings);
}

void vci_schema_free(vci_schema *s)
{
    vci_free(s->cols);
    vci_strpool_free(&s->strings);
    memset(s, 0, sizeof *s);
}

vc_status vci_schema_add(vci_schema *s, vci_layer layer, const char *group,
                         const char *name, uint32_t *index)
{
    size_t cap = s->cap;
    VCI_CHECK(vci_reserve((void **)&s->cols, &cap, (size_t)s->ncols + 1,
                          sizeof *s->cols));
    s->cap = (uint32_t)cap;
    vci_column c = {layer, 0, 0, 1.0f};
    /* consecutive columns of one group share the group string */
    if (s->ncols > 0 && s->cols[s->ncols - 1].layer == layer &&
        strcmp(vci_strpool_str(&s->strings, s->cols[s->ncols - 1].group), group) == 0)
        c.group = s->cols[s->ncols - 1].group;
    else
        VCI_CHECK(vci_strpool_add(&s->strings, group, strlen(group), &c.group));
    VCI_CHECK(vci_strpool_add(&s->strings, name, strlen(name), &c.name));
    if (index)
        *index = s->ncols;
    /* field by field into a zeroed slot: the padding is saved in model
     * files, which must not carry indeterminate bytes */
    vci_column *slot = &s->cols[s->ncols++];
    memset(slot, 0, sizeof *slot);
    slot->layer = c.layer;
    slot->group = c.group;
    slot->name = c.name;
    slot->weight = c.weight;
    return VC_OK;
}

void vci_schema_balance(vci_schema *s, const double layer_weight[3])
{
    for (uint32_t b = 0; b < s->ncols;) {
        uint32_t e = b + 1;
        while (e < s->ncols && s->cols[e].group == s->cols[b].group)
            e++;
        double scale = layer_weight[s->cols[b].layer] / sqrt((double)(e - b));
        for (uint32_t c = b; c < e; c++)
            s->cols[c].weight = (float)(s->cols[c].weight * scale);
        b = e;
    }
}
