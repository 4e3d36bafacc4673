/*
 * charts.c - see charts.h. Sizes are in SVG pixels; the page's CSS gives
 * the classes their look (ax: axis line, grid: grid line, tick: tick
 * label, axl: axis title, lbl: category label, val: value label, leg:
 * legend text, pt: a map point, ctr/ctrl: a group centre and its number).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "charts.h"
#include "svg.h"

enum { WIDTH = 1000 };
#define FONT 13.0 /* label font size (px), as the CSS's .lbl */

/* ---- shared pieces --------------------------------------------------------- */

typedef struct scale {
    double lo, hi;     /* data range shown */
    double p0, p1;     /* pixel positions of lo and hi */
} scale;

static double at(const scale *s, double v)
{
    return s->p0 + (v - s->lo) / (s->hi - s->lo) * (s->p1 - s->p0);
}

/* Grid lines and tick labels of a value axis: values along y (vertical,
 * grid from `from` to `to` in x, labels left of `from`) or along x (grid
 * from `from` to `to` in y, labels below `to`). */
static void value_axis(FILE *out, const scale *sc, double step, double from,
                       double to, bool along_y)
{
    char buf[32];
    for (double v = sc->lo; v <= sc->hi + step * 1e-6; v += step) {
        double p = at(sc, v);
        const char *cls = fabs(v) < step * 1e-6 ? "ax" : "grid";
        tick_label(v, step, buf, sizeof buf);
        if (along_y) {
            svg_line(out, from, p, to, p, cls);
            svg_text(out, from - 6, p + 4, ANCHOR_END, "tick", 0, buf, 0);
        } else {
            svg_line(out, p, from, p, to, cls);
            svg_text(out, p, to + 16, ANCHOR_MIDDLE, "tick", 0, buf, 0);
        }
    }
}

/* A legend: a colour swatch and a name per line, from (x, y). */
static void legend(FILE *out, double x, double y, size_t n,
                   const char *const *names, size_t max_chars, bool dots)
{
    for (size_t i = 0; i < n; i++) {
        double ly = y + (double)i * 22;
        if (dots)
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\"/>\n", x + 6,
                    ly - 4, palette(i));
        else
            svg_rect(out, x, ly - 10, 12, 12, palette(i), NULL);
        svg_text(out, x + 18, ly, ANCHOR_START, "leg", 0, names[i], max_chars);
    }
}

static size_t longest(const char *const *names, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = xml_chars(names[i]);
        m = c > m ? c : m;
    }
    return m;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The q-quantiles (q and 1 - q) of coordinate c of n points. */
static void quantiles(const float *xy, size_t n, int c, double q, double *lo,
                      double *hi)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        *lo = -1;
        *hi = 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = xy[2 * i + (size_t)c];
    qsort(v, n, sizeof *v, cmp_float);
    size_t k = (size_t)(q * (double)(n - 1) + 0.5);
    *lo = n ? v[k] : -1;
    *hi = n ? v[n - 1 - k] : 1;
    free(v);
}

/* ---- scatter map ----------------------------------------------------------- */

size_t chart_scatter(FILE *out, const scatter_spec *sp)
{
    const double height = 600, left = 64, top = 20, right = 720, bottom = 540;
    svg_begin(out, WIDTH, height, sp->label);
    double xlo, xhi, ylo, yhi;
    quantiles(sp->xy, sp->n, 0, 0.005, &xlo, &xhi);
    quantiles(sp->xy, sp->n, 1, 0.005, &ylo, &yhi);
    double xs, ys, xf, xl, yf, yl;
    nice_ticks(xlo, xhi, 8, &xf, &xl, &xs);
    nice_ticks(ylo, yhi, 8, &yf, &yl, &ys);
    scale x = {xf, xl, left, right}, y = {yf, yl, bottom, top};
    value_axis(out, &y, ys, left, right, true);
    value_axis(out, &x, xs, top, bottom, false);
    svg_text(out, (left + right) / 2, bottom + 40, ANCHOR_MIDDLE, "axl", 0, sp->xlabel, 0);
    svg_text(out, 18, (top + bottom) / 2, ANCHOR_MIDDLE, "axl", -90, sp->ylabel, 0);

    size_t shown = sp->n < sp->max_points ? sp->n : sp->max_points, outside = 0;
    fputs("<g class=\"pts\">\n", out);
    for (size_t i = 0; i < shown; i++) {
        size_t u = shown == sp->n ? i : (size_t)((double)i * (double)sp->n / (double)shown);
        double px = sp->xy[2 * u], py = sp->xy[2 * u + 1];
        if (px < x.lo || px > x.hi || py < y.lo || py > y.hi) {
            outside++;
            continue;
        }
        uint32_t g = sp->group[u];
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"%s\"/>\n", at(&x, px),
                at(&y, py), g < sp->ngroups ? palette(g) : "#999999");
    }
    fputs("</g>\n", out);

    /* group centres over every point, numbered as the legend */
    for (size_t g = 0; g < sp->ngroups; g++) {
        double sx = 0, sy = 0;
        size_t m = 0;
        for (size_t i = 0; i < sp->n; i++)
            if (sp->group[i] == g) {
                sx += sp->xy[2 * i];
                sy += sp->xy[2 * i + 1];
                m++;
            }
        if (!m)
            continue;
        double cx = at(&x, fmin(fmax(sx / (double)m, x.lo), x.hi));
        double cy = at(&y, fmin(fmax(sy / (double)m, y.lo), y.hi));
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"11\" fill=\"%s\" class=\"ctr\"><title>",
                cx, cy, palette(g));
        xml_text(out, sp->group_names[g], 0);
        fputs("</title></circle>\n", out);
        char num[24];
        snprintf(num, sizeof num, "%zu", g + 1);
        svg_text(out, cx, cy + 4, ANCHOR_MIDDLE, "ctrl", 0, num, 0);
    }
    svg_text(out, right + 24, top + 10, ANCHOR_START, "axl", 0, "Segments", 0);
    legend(out, right + 24, top + 36, sp->ngroups, sp->group_names, 34, true);
    svg_end(out);
    return outside;
}

/* ---- horizontal bars --------------------------------------------------------- */

void chart_hbars(FILE *out, const hbar_spec *sp)
{
    const size_t max_chars = 32;
    size_t chars = longest(sp->names, sp->n);
    double left = text_width(chars < max_chars ? chars : max_chars, FONT) + 16;
    double right = WIDTH - 150, top = 16, row = 28;
    double bottom = top + row * (double)sp->n, height = bottom + 46;
    double vmax = 0;
    for (size_t i = 0; i < sp->n; i++)
        vmax = fmax(vmax, sp->values[i]);
    double first, last, step;
    nice_ticks(0, vmax, 6, &first, &last, &step);
    scale x = {0, last, left, right};
    svg_begin(out, WIDTH, height, sp->label);
    value_axis(out, &x, step, top, bottom, false);
    for (size_t i = 0; i < sp->n; i++) {
        double y = top + row * (double)i;
        svg_rect(out, left, y + 5, at(&x, sp->values[i]) - left, row - 10,
                 sp->colours ? sp->colours[i] : palette(0), NULL);
        svg_text(out, left - 8, y + row / 2 + 4.5, ANCHOR_END, "lbl", 0, sp->names[i],
                 max_chars);
        if (sp->value_text)
            svg_text(out, at(&x, sp->values[i]) + 6, y + row / 2 + 4.5, ANCHOR_START, "val",
                     0, sp->value_text[i], 0);
    }
    svg_text(out, (left + right) / 2, bottom + 40, ANCHOR_MIDDLE, "axl", 0, sp->axis_label, 0);
    svg_end(out);
}

/* ---- heatmap -------------------------------------------------------------- */

void chart_heatmap(FILE *out, const heatmap_spec *sp)
{
    const size_t row_chars = 24, col_chars = 18;
    size_t rc = longest(sp->row_names, sp->rows), cc = longest(sp->col_names, sp->cols);
    double left = text_width(rc < row_chars ? rc : row_chars, FONT) + 30;
    double cw = (WIDTH - left - 40) / (double)(sp->cols ? sp->cols : 1);
    cw = cw > 64 ? 64 : cw < 30 ? 30 : cw;
    double ch = 30;
    /* column labels at -45 degrees need about 0.71 x their length upwards */
    double top = text_width(cc < col_chars ? cc : col_chars, FONT) * 0.71 + 20;
    double width = fmax(left + cw * (double)sp->cols + 60, 480);
    double bottom = top + ch * (double)sp->rows, height = bottom + 70;
    svg_begin(out, width, height, sp->label);
    for (size_t j = 0; j < sp->cols; j++) {
        double cx = left + cw * ((double)j + 0.5);
        svg_text(out, cx + 4, top - 8, ANCHOR_START, "lbl", -45, sp->col_names[j], col_chars);
    }
    double lsat = log(sp->saturate);
    for (size_t i = 0; i < sp->rows; i++) {
        double y = top + ch * (double)i;
        if (sp->row_colours)
            svg_rect(out, left - 18, y + ch / 2 - 6, 12, 12, sp->row_colours[i], NULL);
        svg_text(out, left - (sp->row_colours ? 24 : 8), y + ch / 2 + 4.5, ANCHOR_END, "lbl",
                 0, sp->row_names[i], row_chars);
        for (size_t j = 0; j < sp->cols; j++) {
            double v = sp->value[i * sp->cols + j];
            char fill[8] = "#eeeeee", text[16] = "";
            bool dark = true;
            if (isfinite(v) && v > 0) {
                diverging(log(v / sp->centre) / lsat, fill, &dark);
                snprintf(text, sizeof text, "%.0f", v);
            }
            double x = left + cw * (double)j;
            svg_rect(out, x, y, cw - 1, ch - 1, fill, NULL);
            svg_text(out, x + cw / 2, y + ch / 2 + 4, ANCHOR_MIDDLE, dark ? "cell" : "cell light",
                     0, text, 0);
        }
    }
    /* legend: a strip from centre / saturate to centre * saturate */
    double lx = left, ly = bottom + 22, lw = 240;
    for (int k = 0; k < 24; k++) {
        char fill[8];
        bool dark;
        diverging(-1 + 2 * (k + 0.5) / 24, fill, &dark);
        svg_rect(out, lx + lw * k / 24, ly, lw / 24 + 0.5, 12, fill, NULL);
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%.0f", sp->centre / sp->saturate);
    svg_text(out, lx, ly + 28, ANCHOR_MIDDLE, "tick", 0, buf, 0);
    snprintf(buf, sizeof buf, "%.0f", sp->centre);
    svg_text(out, lx + lw / 2, ly + 28, ANCHOR_MIDDLE, "tick", 0, buf, 0);
    snprintf(buf, sizeof buf, "%.0f+", sp->centre * sp->saturate);
    svg_text(out, lx + lw, ly + 28, ANCHOR_MIDDLE, "tick", 0, buf, 0);
    svg_text(out, lx + lw + 24, ly + 11, ANCHOR_START, "leg", 0, sp->legend_label, 0);
    svg_end(out);
}

/* ---- grouped bars ----------------------------------------------------------- */

void chart_grouped_bars(FILE *out, const groupbar_spec *sp)
{
    const double height = 420, left = 64, top = 20, bottom = 360;
    double right = WIDTH - 190;
    double vmax = 0;
    for (size_t i = 0; i < sp->groups * sp->series; i++)
        if (isfinite(sp->value[i]))
            vmax = fmax(vmax, sp->value[i]);
    double first, last, step;
    nice_ticks(0, vmax * 1.08, 6, &first, &last, &step);
    scale y = {0, last, bottom, top};
    svg_begin(out, WIDTH, height, sp->label);
    value_axis(out, &y, step, left, right, true);
    svg_text(out, 18, (top + bottom) / 2, ANCHOR_MIDDLE, "axl", -90, sp->ylabel, 0);
    double gw = (right - left) / (double)(sp->groups ? sp->groups : 1);
    double bw = gw * 0.8 / (double)(sp->series ? sp->series : 1);
    for (size_t g = 0; g < sp->groups; g++) {
        double gx = left + gw * (double)g + gw * 0.1;
        for (size_t s = 0; s < sp->series; s++) {
            double v = sp->value[g * sp->series + s];
            if (!isfinite(v))
                continue;
            double x = gx + bw * (double)s, py = at(&y, v);
            svg_rect(out, x, py, bw - 2, bottom - py, palette(s), NULL);
            if (bw >= 24) {
                char buf[16];
                snprintf(buf, sizeof buf, v < 0.995 ? "%.2f" : "%.1f", v);
                svg_text(out, x + (bw - 2) / 2, py - 4, ANCHOR_MIDDLE, "val small", 0, buf, 0);
            }
        }
        size_t max_chars = (size_t)(gw / (FONT * 0.58));
        svg_text(out, left + gw * ((double)g + 0.5), bottom + 20, ANCHOR_MIDDLE, "lbl", 0,
                 sp->group_names[g], max_chars > 3 ? max_chars : 3);
    }
    svg_text(out, right + 24, top + 10, ANCHOR_START, "axl", 0, "Method", 0);
    legend(out, right + 24, top + 36, sp->series, sp->series_names, 22, false);
    svg_end(out);
}
