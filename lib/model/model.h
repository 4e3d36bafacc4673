/*
 * model.h - the model file: everything serving needs (the data set,
 * portraits, communities and the recommender index) in one little-endian,
 * versioned, checksummed file (docs/model-format.md).
 *
 * Layout: a 64-byte header, a section table, then sections, each starting
 * at a multiple of 64 bytes. Section 0 holds the scalars (counts and
 * flags, as uint64 words), which fix the size of every other section; the
 * other sections are the arrays of the in-memory structures, in the order
 * vci_model_layout() lists them. Every section carries a CRC-32C.
 */
#ifndef VCOMM_MODEL_H
#define VCOMM_MODEL_H

#include "community.h"
#include "core.h"
#include "recommend.h"

#define VCI_MODEL_MAGIC "VCOMMMDL"
#define VCI_MODEL_VERSION 3u
/* the oldest format this library reads (2: no index sums) */
#define VCI_MODEL_VERSION_MIN 2u
#define VCI_MODEL_ALIGN 64

/** CRC-32C (Castagnoli) of n bytes, continuing from crc (start with 0);
 *  the crc32 instruction where the CPU has it. */
uint32_t vci_crc32c(uint32_t crc, const void *data, size_t n);
/** The same, table-driven on every CPU (the reference of the tests). */
uint32_t vci_crc32c_reference(uint32_t crc, const void *data, size_t n);

/* One array of the model: where it lives in memory and its size. */
typedef struct vci_blob {
    void **ptr;       /* address of the struct field holding the array */
    size_t elem;      /* bytes per element */
    uint64_t count;   /* elements */
    bool aligned;     /* allocate with vci_aligned_calloc */
    bool room;        /* grown in place later (event columns, tags,
                         memberships): allocate vci_ev_room(count) */
} vci_blob;

#define VCI_MODEL_MAX_BLOBS 96

/* The scalars of section 0 (all uint64 words, little-endian). */
typedef struct vci_model_scalars {
    uint64_t words[64];
} vci_model_scalars;

/* Everything a loaded model owns. */
struct vc_model {
    vc_dataset *ds;
    vc_portraits *pt;
    vc_communities *cm;
    vc_options *opts;     /* the options the model was built with */
};

/** Fill scalars from the in-memory structures (save). */
void vci_model_scalars_get(const vc_communities *cm,
                           const vci_rec_index *ix, vci_model_scalars *sc);
/** Set the structures' scalar fields from sc (load); fails on impossible
 *  values. ix may be NULL when the file has no index. */
vc_status vci_model_scalars_set(vc_communities *cm, vci_rec_index *ix,
                                const vci_model_scalars *sc);
/** The arrays of the model, in file order; counts from the scalar fields
 *  of the structures. Returns the number of blobs. */
size_t vci_model_layout(vc_communities *cm, vci_rec_index *ix,
                        const vci_model_scalars *sc, vci_blob *blobs);
/** The lengths of the arrays the CSR starts index into, as the scalars
 *  give them: each CSR's last start must equal its count. */
typedef struct vci_model_links {
    uint64_t cats, topics, tags, members;
} vci_model_links;
vci_model_links vci_model_links_of(const vci_model_scalars *sc);
/** Whether the scalars say the file carries a recommender index. */
bool vci_model_has_index(const vci_model_scalars *sc);

/** Fill the (empty) structures of m from a model file's bytes (load.c);
 *  on error the caller frees m. path names the file in messages; opts:
 *  the threads that copy and check the sections. */
vc_status vci_model_assemble(vc_model *m, const unsigned char *data,
                             uint64_t size, const char *path, const vc_options *opts);
/** Map a file read-only; release with munmap. */
vc_status vci_model_map(const char *path, const unsigned char **data,
                        uint64_t *size);
/** An empty model (structures initialised, nothing loaded). */
vc_status vci_model_new(vc_model **out);

#endif /* VCOMM_MODEL_H */
