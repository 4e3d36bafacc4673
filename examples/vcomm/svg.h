/*
 * svg.h - a small writer of well-formed XML/SVG for `vcomm report`: text
 * escaping that always yields valid UTF-8 XML (bytes that are not UTF-8
 * are read as Latin-1, control characters dropped), truncation by
 * characters, SVG primitives, "nice" axis ticks and the colour scales the
 * charts share. Chart kinds live in charts.c.
 */
#ifndef VCOMM_SVG_H
#define VCOMM_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- XML text ---------------------------------------------------------- */

/* Write s escaped for XML text or attribute values (&, <, >, ", '), as
 * valid UTF-8, at most max_chars characters (0 = all); a longer text ends
 * with an ellipsis. */
void xml_text(FILE *out, const char *s, size_t max_chars);
/* Characters xml_text would write for s (before truncation). */
size_t xml_chars(const char *s);
/* Estimated width in pixels of n characters of sans-serif at size px. */
double text_width(size_t n, double size);

/* ---- SVG primitives ------------------------------------------------------ */

/* <svg> with a viewBox of w x h and an accessible label (escaped). */
void svg_begin(FILE *out, double w, double h, const char *label);
void svg_end(FILE *out);

typedef enum text_anchor { ANCHOR_START, ANCHOR_MIDDLE, ANCHOR_END } text_anchor;

/* Text at (x, y) (baseline), CSS class cls (NULL for none), rotated by
 * rotate degrees around (x, y), cut to max_chars (0 = all); a cut text
 * keeps its full wording in a <title> tooltip. */
void svg_text(FILE *out, double x, double y, text_anchor anchor,
              const char *cls, double rotate, const char *text,
              size_t max_chars);
void svg_rect(FILE *out, double x, double y, double w, double h,
              const char *fill, const char *cls);
void svg_line(FILE *out, double x1, double y1, double x2, double y2,
              const char *cls);

/* ---- scales -------------------------------------------------------------- */

/* Ticks for [lo, hi]: about target steps of 1, 2 or 5 x 10^k; *first and
 * *last are multiples of *step covering [lo, hi]. */
void nice_ticks(double lo, double hi, int target, double *first,
                double *last, double *step);
/* A whole number with thousands separators ("1,536"). */
void group_digits(double v, char *buf, size_t size);
/* A tick value as short text ("0.25", "2000", "15,000", "-3"). */
void tick_label(double v, double step, char *buf, size_t size);

/* Categorical colour i (cycles after 12), "#rrggbb". */
const char *palette(size_t i);
/* Diverging colour for t in [-1, 1]: light blue (below), white (0), red
 * (above), into buf (8 bytes); *dark_text tells whether black text reads
 * on it. */
void diverging(double t, char *buf, bool *dark_text);

#endif
