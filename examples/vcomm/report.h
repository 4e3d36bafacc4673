/*
 * report.h - the HTML report of `vcomm report`: one self-contained page
 * (inline CSS and SVG, no scripts, no network) that reads the data set,
 * portraits and communities of a pipeline, and optionally an evaluation.
 * The page is well-formed XML (XHTML-compatible HTML5), so tests can parse
 * it whole.
 */
#ifndef VCOMM_REPORT_H
#define VCOMM_REPORT_H

#include "pipeline.h"

typedef struct report_summary {
    size_t users, segments, points_shown, points_outside;
} report_summary;

/**
 * Write the page to out.
 * @param source  what the data is ("ml-100k", a path), shown in the title.
 * @param ev      evaluation to chart, or NULL (the section says it was
 *                skipped).
 * @param max_points  users drawn on the map at most.
 * @return VC_OK, or the status of a failing library call (projection:
 *         VC_ERR_NOMEM, VC_ERR_CANCELLED), with vc_last_error() set.
 */
vc_status report_write(FILE *out, const cli_ctx *ctx, const cli_pipeline *p,
                       const vc_eval *ev, const char *source,
                       size_t max_points, report_summary *sum);

#endif
