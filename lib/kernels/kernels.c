/*
 * kernels.c - kernel selection (option "kernel", VC_KERNEL, CPU), centroid
 * packing, and the vci_kern_* entry points of kernels.h over the selected
 * table; vc_kernel_name().
 *
 * Invariants: a SIMD table is returned only when compiled in and supported
 * by the CPU and OS; nothing here is compiled with ISA flags; the unpacked
 * entry points never fail: when the packing buffer cannot be allocated
 * they fall back to the scalar reference (which needs none).
 */
#include <math.h>
#include <stdlib.h>

#include "kernels_isa.h"

typedef struct isa_entry {
    const vci_kernels *kern;
    bool (*supported)(void);
} isa_entry;

static bool always(void)
{
    return true;
}

/* Best first. */
static const isa_entry isas[] = {
#if defined(VC_HAVE_AVX512) && VC_HAVE_AVX512
    {&vci_kernels_avx512, vci_cpu_has_avx512},
#endif
#if defined(VC_HAVE_AVX2) && VC_HAVE_AVX2
    {&vci_kernels_avx2, vci_cpu_has_avx2_fma},
#endif
#if defined(VC_HAVE_NEON) && VC_HAVE_NEON
    {&vci_kernels_neon, vci_cpu_has_neon},
#endif
    {&vci_kernels_scalar, always},
};

const vci_kernels *vci_kernels_get(const char *name)
{
    for (size_t i = 0; name && i < VCI_ARRAY_LEN(isas); i++)
        if (strcmp(isas[i].kern->name, name) == 0)
            return isas[i].supported() ? isas[i].kern : NULL;
    return NULL;
}

const vci_kernels *vci_kernels_best(void)
{
    for (size_t i = 0; i < VCI_ARRAY_LEN(isas); i++)
        if (isas[i].supported())
            return isas[i].kern;
    return &vci_kernels_scalar;
}

const vci_kernels *vci_kernels_select(const vc_options *opts)
{
    const char *want = vci_opt_string(opts, VCI_OPT_KERNEL);
    if (!want || strcmp(want, "auto") == 0) {
        const char *env = getenv("VC_KERNEL");
        want = env && *env ? env : "auto";
    }
    const vci_kernels *k = vci_kernels_get(want);
    return k ? k : vci_kernels_best();
}

const char *vci_kernels_name(const vci_kernels *kern)
{
    return kern ? kern->name : "scalar";
}

size_t vci_kernels_pair_width(const vci_kernels *kern)
{
    return kern->pairs ? kern->width / 2 : 0;
}

VC_API const char *vc_kernel_name(const vc_options *opts)
{
    return vci_kernels_select(opts)->name;
}

/* ---- packing ------------------------------------------------------------- */

vc_status vci_cpack_init(vci_cpack *pk, const vci_kernels *kern,
                         vci_pack_mode mode, const float *c, size_t k,
                         size_t cstride, size_t d)
{
    memset(pk, 0, sizeof *pk);
    if (mode == VCI_PACK_L2_PAIRS) {
        pk->paired = kern->pairs && k <= kern->width / 2;
        mode = VCI_PACK_L2;
    }
    pk->kern = kern;
    pk->mode = mode;
    pk->k = k;
    pk->d = d;
    pk->w = kern->width;
    if (pk->w) {
        pk->npanels = (k + pk->w - 1) / pk->w;
        size_t lanes = pk->npanels * pk->w, nfloats;
        if (!vci_mul_ok(lanes, d + 1, &nfloats))
            return vci_error(VC_ERR_NOMEM, "centroid pack of %zu x %zu too large", k, d);
        pk->panels = vci_aligned_calloc(nfloats, sizeof(float));
        if (!pk->panels)
            return VC_ERR_NOMEM;
        pk->bias = pk->panels + lanes * d; /* aligned to w floats, as VLOAD needs */
    }
    vci_cpack_update(pk, c, cstride);
    return VC_OK;
}

void vci_cpack_update(vci_cpack *pk, const float *c, size_t cstride)
{
    const size_t k = pk->k, d = pk->d, w = pk->w;
    pk->c = c;
    pk->cstride = cstride;
    pk->cnorm_max = 0;
    for (size_t j = 0; j < k; j++) {
        const float *cj = c + j * cstride;
        double nn = 0;
        for (size_t p = 0; p < d; p++)
            nn += (double)cj[p] * cj[p];
        if (nn > pk->cnorm_max)
            pk->cnorm_max = nn;
        if (!w)
            continue;
        float scale = pk->mode == VCI_PACK_L2 ? -2.0f
                    : pk->mode == VCI_PACK_DOT ? 1.0f
                    : nn > 0 ? (float)(1.0 / sqrt(nn)) : 0.0f;
        float *pan = pk->panels + (j / w) * d * w + j % w;
        for (size_t p = 0; p < d; p++)
            pan[p * w] = scale * cj[p];
        pk->bias[j] = pk->mode == VCI_PACK_L2 ? (float)nn : 0.0f;
        if (pk->paired) { /* the same centroid in the upper half */
            for (size_t p = 0; p < d; p++)
                pan[p * w + w / 2] = pan[p * w];
            pk->bias[j + w / 2] = pk->bias[j];
        }
    }
    /* padding lanes: zero panels (from calloc), never the nearest */
    for (size_t j = k; j < pk->npanels * w; j++)
        if (!pk->paired || (j < w / 2 || j >= w / 2 + k))
            pk->bias[j] = pk->mode == VCI_PACK_L2 ? INFINITY : 0.0f;
}

void vci_cpack_free(vci_cpack *pk)
{
    vci_aligned_free(pk->panels);
    pk->panels = NULL;
    pk->bias = NULL;
}

/* ---- packed entry points ---------------------------------------------------- */

void vci_kern_nearest_rows(const vci_cpack *pk, const float *const *rows,
                           size_t m, const float *xnorm, uint32_t *label,
                           float *dist)
{
    if (m && pk->k)
        pk->kern->nearest(pk, rows, m, xnorm, label, dist);
}

void vci_kern_top2_rows(const vci_cpack *pk, const float *const *rows,
                        size_t m, const float *xnorm, uint32_t *label,
                        float *d1, float *d2)
{
    if (m && pk->k)
        pk->kern->top2(pk, rows, m, xnorm, label, d1, d2);
}

void vci_kern_block_rows(const vci_cpack *pk, const float *const *rows,
                         size_t m, const float *xnorm, float *out, size_t ldo)
{
    if (m && pk->k)
        pk->kern->block(pk, rows, m, xnorm, out, ldo);
}

void vci_kern_potential_rows(const vci_cpack *pk, const float *const *rows,
                             size_t m, const float *xnorm, float *d2,
                             bool fold0, float *cand, size_t ldc, double *pot)
{
    if (m && pk->k)
        pk->kern->potential(pk, rows, m, xnorm, d2, fold0, cand, ldc, pot);
}

void vci_kern_sqnorms(const vci_kernels *kern, const float *const *rows,
                      size_t m, size_t d, float *out)
{
    kern->sqnorms(rows, m, d, out);
}

double vci_kern_sqdist_direct(const vci_kernels *kern, const float *x,
                              const float *c, size_t d)
{
    return kern->sqdist_direct(x, c, d);
}

void vci_kern_accumulate(const vci_kernels *kern, double *sums, size_t d,
                         const float *const *rows, const uint32_t *labels,
                         size_t m)
{
    kern->accumulate(sums, d, rows, labels, m);
}

/* ---- unpacked entry points (the contract of kernels.h) --------------------- */

enum { ROWS_BLOCK = 256 };

typedef enum op_kind { OP_NEAREST, OP_TOP2, OP_BLOCK } op_kind;

typedef struct op_out {
    uint32_t *label;
    float *d1, *d2, *out;
    size_t ldo;
} op_out;

static void run_unpacked(const vci_kernels *kern, vci_pack_mode mode,
                         op_kind op, const float *x, size_t n, size_t xstride,
                         const float *c, size_t k, size_t cstride, size_t d,
                         const op_out *o)
{
    if (n == 0 || k == 0)
        return;
    vci_cpack pk;
    if (vci_cpack_init(&pk, kern, mode, c, k, cstride, d) != VC_OK) {
        vci_clear_error(); /* recovered: the reference needs no buffer */
        kern = &vci_kernels_scalar;
        vci_cpack_init(&pk, kern, mode, c, k, cstride, d);
    }
    const float *rows[ROWS_BLOCK];
    float xn[ROWS_BLOCK];
    for (size_t b = 0; b < n; b += ROWS_BLOCK) {
        size_t m = VCI_MIN((size_t)ROWS_BLOCK, n - b);
        for (size_t i = 0; i < m; i++)
            rows[i] = x + (b + i) * xstride;
        kern->sqnorms(rows, m, d, xn);
        switch (op) {
        case OP_NEAREST:
            kern->nearest(&pk, rows, m, xn, o->label ? o->label + b : NULL,
                          o->d1 ? o->d1 + b : NULL);
            break;
        case OP_TOP2:
            kern->top2(&pk, rows, m, xn, o->label ? o->label + b : NULL,
                       o->d1 ? o->d1 + b : NULL, o->d2 ? o->d2 + b : NULL);
            break;
        case OP_BLOCK:
            kern->block(&pk, rows, m, xn, o->out + b * o->ldo, o->ldo);
            break;
        }
    }
    vci_cpack_free(&pk);
}

void vci_kern_sqdist(const vci_kernels *kern, const float *x, size_t n,
                     size_t xstride, const float *c, size_t k,
                     size_t cstride, size_t d, float *out, size_t ldo)
{
    op_out o = {NULL, NULL, NULL, out, ldo};
    run_unpacked(kern, VCI_PACK_L2, OP_BLOCK, x, n, xstride, c, k, cstride, d, &o);
}

void vci_kern_dot(const vci_kernels *kern, const float *x, size_t n,
                  size_t xstride, const float *c, size_t k, size_t cstride,
                  size_t d, float *out, size_t ldo)
{
    op_out o = {NULL, NULL, NULL, out, ldo};
    run_unpacked(kern, VCI_PACK_DOT, OP_BLOCK, x, n, xstride, c, k, cstride, d, &o);
}

void vci_kern_cosine(const vci_kernels *kern, const float *x, size_t n,
                     size_t xstride, const float *c, size_t k,
                     size_t cstride, size_t d, float *out, size_t ldo)
{
    op_out o = {NULL, NULL, NULL, out, ldo};
    run_unpacked(kern, VCI_PACK_COS, OP_BLOCK, x, n, xstride, c, k, cstride, d, &o);
}

void vci_kern_nearest(const vci_kernels *kern, const float *x, size_t n,
                      size_t xstride, const float *c, size_t k,
                      size_t cstride, size_t d, uint32_t *label, float *dist)
{
    op_out o = {label, dist, NULL, NULL, 0};
    run_unpacked(kern, VCI_PACK_L2, OP_NEAREST, x, n, xstride, c, k, cstride, d, &o);
}

void vci_kern_top2(const vci_kernels *kern, const float *x, size_t n,
                   size_t xstride, const float *c, size_t k, size_t cstride,
                   size_t d, uint32_t *label, float *d1, float *d2)
{
    op_out o = {label, d1, d2, NULL, 0};
    run_unpacked(kern, VCI_PACK_L2, OP_TOP2, x, n, xstride, c, k, cstride, d, &o);
}
