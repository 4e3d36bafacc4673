/*
 * svg.c - see svg.h: XML escaping to valid UTF-8, SVG primitives, axis
 * ticks and colour scales for the report's charts.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "svg.h"

/* ---- XML text ---------------------------------------------------------- */

/* The next character of s as valid UTF-8 bytes into enc (1 to 4 bytes, 0
 * when the character is dropped); returns the bytes of s consumed. A byte
 * that does not start a valid sequence is read as Latin-1. */
static size_t next_char(const unsigned char *s, unsigned char enc[4],
                        size_t *len)
{
    unsigned c = s[0];
    if (c < 0x80) {
        bool keep = c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
        enc[0] = (unsigned char)c;
        *len = keep;
        return 1;
    }
    size_t n = c >= 0xF5 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    uint32_t cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    size_t i = 1;
    for (; n && i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            break;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    bool valid = n && i == n && !(n == 3 && cp < 0x800) &&
                 !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
                 !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    if (valid) {
        memcpy(enc, s, n);
        *len = n;
        return n;
    }
    enc[0] = (unsigned char)(0xC0 | c >> 6); /* Latin-1 */
    enc[1] = (unsigned char)(0x80 | (c & 0x3F));
    *len = 2;
    return 1;
}

size_t xml_chars(const char *s)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned char enc[4];
        size_t len;
        p += next_char(p, enc, &len);
        n += len > 0;
    }
    return n;
}

void xml_text(FILE *out, const char *s, size_t max_chars)
{
    size_t total = xml_chars(s), keep = total;
    if (max_chars && total > max_chars)
        keep = max_chars > 1 ? max_chars - 1 : 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    for (size_t written = 0; *p && written < keep;) {
        unsigned char enc[4];
        size_t len;
        p += next_char(p, enc, &len);
        if (!len)
            continue;
        written++;
        switch (enc[0]) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fwrite(enc, 1, len, out);
        }
    }
    if (keep < total)
        fputs("\xE2\x80\xA6", out); /* U+2026 ellipsis */
}

double text_width(size_t n, double size)
{
    return (double)n * size * 0.58;
}

/* ---- SVG primitives ------------------------------------------------------ */

void svg_begin(FILE *out, double w, double h, const char *label)
{
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
            "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"",
            w, h, w, h);
    xml_text(out, label, 0);
    fputs("\">\n", out);
}

void svg_end(FILE *out)
{
    fputs("</svg>\n", out);
}

void svg_text(FILE *out, double x, double y, text_anchor anchor,
              const char *cls, double rotate, const char *text,
              size_t max_chars)
{
    static const char *const anchors[] = {"start", "middle", "end"};
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\"", x, y);
    if (anchor != ANCHOR_START)
        fprintf(out, " text-anchor=\"%s\"", anchors[anchor]);
    if (cls)
        fprintf(out, " class=\"%s\"", cls);
    if (rotate != 0)
        fprintf(out, " transform=\"rotate(%.0f %.1f %.1f)\"", rotate, x, y);
    fputc('>', out);
    if (max_chars && xml_chars(text) > max_chars) {
        fputs("<title>", out);
        xml_text(out, text, 0);
        fputs("</title>", out);
    }
    xml_text(out, text, max_chars);
    fputs("</text>\n", out);
}

void svg_rect(FILE *out, double x, double y, double w, double h,
              const char *fill, const char *cls)
{
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", x, y,
            w < 0 ? 0 : w, h < 0 ? 0 : h);
    if (fill)
        fprintf(out, " fill=\"%s\"", fill);
    if (cls)
        fprintf(out, " class=\"%s\"", cls);
    fputs("/>\n", out);
}

void svg_line(FILE *out, double x1, double y1, double x2, double y2,
              const char *cls)
{
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>\n",
            x1, y1, x2, y2, cls);
}

/* ---- scales -------------------------------------------------------------- */

void nice_ticks(double lo, double hi, int target, double *first,
                double *last, double *step)
{
    if (!(hi > lo)) {
        double pad = fabs(lo) > 0 ? fabs(lo) * 0.5 : 1;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / (target > 0 ? target : 1);
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double s = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    *step = s;
    *first = floor(lo / s + 1e-9) * s;
    *last = ceil(hi / s - 1e-9) * s;
}

void group_digits(double v, char *buf, size_t size)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits), o = 0;
    if (v <= -0.5 && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        buf[o++] = digits[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n)
            buf[o++] = ',';
    }
    buf[o] = '\0';
}

void tick_label(double v, double step, char *buf, size_t size)
{
    int decimals = 0;
    while (decimals < 6 && fabs(step * pow(10, decimals) -
                                round(step * pow(10, decimals))) > 1e-6)
        decimals++;
    if (fabs(v) < step * 1e-6)
        v = 0;
    if (decimals == 0 && fabs(v) >= 10000)
        group_digits(v, buf, size);
    else
        snprintf(buf, size, "%.*f", decimals, v);
}

const char *palette(size_t i)
{
    static const char *const colours[] = {
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
        "#b07aa1", "#ff9da7", "#9c755f", "#8cd17d", "#499894", "#bab0ac"};
    return colours[i % (sizeof colours / sizeof colours[0])];
}

void diverging(double t, char *buf, bool *dark_text)
{
    if (isnan(t))
        t = 0;
    t = t < -1 ? -1 : t > 1 ? 1 : t;
    /* white -> #2166ac (below, at most 60%: below average matters less)
     * or -> #d6604d (above) */
    double r = 255, g = 255, b = 255, a = t < 0 ? -0.6 * t : t;
    double to[3] = {t < 0 ? 0x21 : 0xd6, t < 0 ? 0x66 : 0x60, t < 0 ? 0xac : 0x4d};
    r += (to[0] - r) * a;
    g += (to[1] - g) * a;
    b += (to[2] - b) * a;
    snprintf(buf, 8, "#%02x%02x%02x", (unsigned)lround(r), (unsigned)lround(g),
             (unsigned)lround(b));
    *dark_text = t < 0 || a < 0.6;
}
