/*
 * progress.c - progress reporting and cancellation through the callback
 * installed in vc_options.
 */
#include "core.h"
#include "options_internal.h"

vci_progress vci_progress_of(const vc_options *opts, const char *stage)
{
    vci_progress p = {NULL, NULL, stage};
    if (opts) {
        p.fn = opts->progress_fn;
        p.userdata = opts->progress_userdata;
    }
    return p;
}

vc_status vci_progress_report(const vci_progress *p, double fraction)
{
    if (!p || !p->fn)
        return VC_OK;
    if (fraction < 0.0)
        fraction = 0.0;
    if (fraction > 1.0)
        fraction = 1.0;
    if (p->fn(p->stage, fraction, p->userdata) != 0)
        return vci_error(VC_ERR_CANCELLED,
                         "cancelled by the progress callback during '%s'",
                         p->stage);
    return VC_OK;
}
