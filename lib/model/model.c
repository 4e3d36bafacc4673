/*
 * model.c - the vc_model handle: load a model file into a data set,
 * portraits and communities that the model owns, and give them out
 * read-only.
 */
#include <sys/mman.h>

#include "model.h"

vc_status vci_model_new(vc_model **out)
{
    vc_model *m = vci_calloc(1, sizeof *m);
    if (!m)
        return VC_ERR_NOMEM;
    m->ds = vci_calloc(1, sizeof *m->ds);
    m->pt = vci_calloc(1, sizeof *m->pt);
    m->cm = vci_calloc(1, sizeof *m->cm);
    vc_status s = m->ds && m->pt && m->cm ? vc_options_new(&m->opts) : VC_ERR_NOMEM;
    if (m->ds) {
        vci_strpool_init(&m->ds->strings);
        vci_idmap_init(&m->ds->user_map);
        vci_idmap_init(&m->ds->item_map);
        vci_idmap_init(&m->ds->cat_map);
        m->ds->finalised = true;
    }
    if (m->pt) {
        m->pt->ds = m->ds;
        vci_schema_init(&m->pt->schema);
        vci_strpool_init(&m->pt->tag_names);
        vci_strpool_init(&m->pt->topics.own_names);
    }
    if (m->cm) {
        m->cm->pt = m->pt;
        vci_strpool_init(&m->cm->strings);
        pthread_mutex_init(&m->cm->lazy_mu, NULL);
    }
    if (s != VC_OK) {
        vc_model_free(m);
        return s;
    }
    *out = m;
    return VC_OK;
}

VC_API void vc_model_free(vc_model *m)
{
    if (!m)
        return;
    if (m->cm)
        vc_communities_free(m->cm);
    if (m->pt)
        vc_portraits_free(m->pt);
    if (m->ds)
        vc_dataset_free(m->ds);
    vc_options_free(m->opts);
    vci_free(m);
}

VC_API vc_status vc_model_load(vc_model **out, const char *path,
                               const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out && path, "vc_model_load: NULL argument");
    *out = NULL;
    const unsigned char *data;
    uint64_t size;
    VCI_CHECK(vci_model_map(path, &data, &size));
    vc_model *m = NULL;
    vc_status s = vci_model_new(&m);
    if (s == VC_OK)
        s = vci_model_assemble(m, data, size, path, opts);
    munmap((void *)data, (size_t)size);
    if (s != VC_OK) {
        vc_model_free(m);
        return s;
    }
    *out = m;
    return VC_OK;
}

VC_API const vc_dataset *vc_model_dataset(const vc_model *m)
{
    return m ? m->ds : NULL;
}

VC_API const vc_portraits *vc_model_portraits(const vc_model *m)
{
    return m ? m->pt : NULL;
}

VC_API const vc_communities *vc_model_communities(const vc_model *m)
{
    return m ? m->cm : NULL;
}

VC_API const vc_options *vc_model_options(const vc_model *m)
{
    return m ? m->opts : NULL;
}
