/*
 * charts.h - the chart kinds of `vcomm report`, each written as one inline
 * SVG from plain arrays (no library types): a scatter map coloured by
 * group with group centres, horizontal bars, a heatmap on a diverging
 * scale, and grouped vertical bars. Labels are truncated (with the full
 * text as a tooltip) or rotated so that they do not overlap.
 */
#ifndef VCOMM_CHARTS_H
#define VCOMM_CHARTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct scatter_spec {
    const char *label;              /* accessible description */
    const float *xy;                /* n points: x at xy[2i], y at xy[2i+1] */
    const uint32_t *group;          /* n groups < ngroups (others grey) */
    size_t n, ngroups;
    const char *const *group_names; /* legend lines */
    const char *xlabel, *ylabel;
    size_t max_points;              /* draw at most this many, evenly spaced */
} scatter_spec;

/* Returns how many of the drawn points fell outside the frame (the frame
 * spans the 0.5% to 99.5% quantiles of each axis) and were left out. */
size_t chart_scatter(FILE *out, const scatter_spec *sp);

typedef struct hbar_spec {
    const char *label;
    size_t n;
    const char *const *names;      /* bar labels, left */
    const double *values;
    const char *const *value_text; /* right of each bar, or NULL */
    const char *const *colours;    /* per bar, or NULL for one colour */
    const char *axis_label;
} hbar_spec;

void chart_hbars(FILE *out, const hbar_spec *sp);

typedef struct heatmap_spec {
    const char *label;
    size_t rows, cols;
    const char *const *row_names, *const *col_names;
    const char *const *row_colours; /* a swatch per row, or NULL */
    const double *value;            /* rows * cols; NAN = no data */
    double centre;                  /* neutral value (white) */
    double saturate;                /* centre * saturate and centre /
                                       saturate get the full colours */
    const char *legend_label;
} heatmap_spec;

void chart_heatmap(FILE *out, const heatmap_spec *sp);

typedef struct groupbar_spec {
    const char *label;
    size_t groups, series;
    const char *const *group_names;  /* along the x axis */
    const char *const *series_names; /* the legend */
    const double *value;             /* [group * series + s] */
    const char *ylabel;
} groupbar_spec;

void chart_grouped_bars(FILE *out, const groupbar_spec *sp);

#endif
