/*
 * parse.c - field values: integers, numbers, times in the formats merchant
 * exports use, UTF-8 validation and ISO-8859-1 conversion. No locale is
 * consulted; nothing reads past the n bytes given.
 */
#include <math.h>
#include <stdlib.h>

#include "io.h"

vci_span vci_trim(vci_span v)
{
    while (v.n && (v.s[0] == ' ' || v.s[0] == '\t')) {
        v.s++;
        v.n--;
    }
    while (v.n && (v.s[v.n - 1] == ' ' || v.s[v.n - 1] == '\t'))
        v.n--;
    return v;
}

bool vci_parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n || n - i > 19)
        return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool vci_parse_number(const char *s, size_t n, double *out)
{
    /* fast path: [-+]digits[.digits] with at most 15 significant digits */
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    uint64_t mant = 0;
    int digits = 0, frac = 0;
    bool dot = false, simple = i < n;
    for (; i < n && simple; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            if (digits < 15) {
                mant = mant * 10 + (unsigned)(ch - '0');
                if (mant)
                    digits++;
                frac += dot;
            } else {
                simple = false;
            }
        } else if (ch == '.' && !dot) {
            dot = true;
        } else {
            simple = false;
        }
    }
    if (simple && !(n == 1 + (size_t)(s[0] == '-' || s[0] == '+') && dot)) {
        static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                       1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        if (frac < (int)VCI_ARRAY_LEN(pow10)) {
            double v = (double)mant / pow10[frac];
            *out = neg ? -v : v;
            return true;
        }
    }
    /* general path: strtod on a bounded copy */
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    for (size_t k = 0; k < n; k++) {
        char ch = s[k];
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' ||
              ch == 'e' || ch == 'E'))
            return false;   /* no hex, inf, nan, spaces */
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + n || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* ---- dates --------------------------------------------------------------- */

int64_t vci_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* H. Hinnant's algorithm */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void vci_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Read exactly width digits (or 1..width when flexible). */
static bool digits(const char *s, size_t n, size_t *i, unsigned lo_width,
                   unsigned hi_width, unsigned *out)
{
    unsigned v = 0, w = 0;
    while (*i < n && w < hi_width && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (unsigned)(s[*i] - '0');
        (*i)++;
        w++;
    }
    if (w < lo_width)
        return false;
    *out = v;
    return true;
}

static bool expect(const char *s, size_t n, size_t *i, char ch)
{
    if (*i < n && s[*i] == ch) {
        (*i)++;
        return true;
    }
    return false;
}

/* HH:MM[:SS[.fff]] into seconds of the day. */
static bool clock_time(const char *s, size_t n, size_t *i, bool flexible_hour,
                       int64_t *secs)
{
    unsigned h, mi, se = 0;
    if (!digits(s, n, i, flexible_hour ? 1 : 2, 2, &h) || !expect(s, n, i, ':') ||
        !digits(s, n, i, 2, 2, &mi))
        return false;
    if (expect(s, n, i, ':')) {
        if (!digits(s, n, i, 2, 2, &se))
            return false;
        if (expect(s, n, i, '.') || expect(s, n, i, ',')) {
            unsigned frac;
            if (!digits(s, n, i, 1, 9, &frac))
                return false;
        }
    }
    if (h > 24 || mi > 59 || se > 60 || (h == 24 && (mi || se)))
        return false;
    *secs = (int64_t)h * 3600 + mi * 60 + VCI_MIN(se, 59u);
    return true;
}

static bool date_ok(int64_t y, unsigned m, unsigned d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][Z|(+|-)HH[:]MM] */
static bool iso_time(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    unsigned y, m, d;
    if (!digits(s, n, &i, 4, 4, &y) || !expect(s, n, &i, '-') ||
        !digits(s, n, &i, 2, 2, &m) || !expect(s, n, &i, '-') ||
        !digits(s, n, &i, 2, 2, &d) || !date_ok(y, m, d))
        return false;
    int64_t secs = 0;
    if (i < n && (s[i] == 'T' || s[i] == ' ')) {
        i++;
        if (!clock_time(s, n, &i, false, &secs))
            return false;
        if (expect(s, n, &i, 'Z')) {
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1;
            unsigned oh, om = 0;
            if (!digits(s, n, &i, 2, 2, &oh))
                return false;
            expect(s, n, &i, ':');
            if (i < n && !digits(s, n, &i, 2, 2, &om))
                return false;
            if (oh > 23 || om > 59)
                return false;
            secs -= sign * ((int64_t)oh * 3600 + om * 60);
        }
    }
    if (i != n)
        return false;
    *out = vci_days_from_civil(y, m, d) * 86400 + secs;
    return true;
}

/* M/D/YYYY[ H:MM[:SS]] (US spreadsheets) */
static bool us_time(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    unsigned m, d, y;
    if (!digits(s, n, &i, 1, 2, &m) || !expect(s, n, &i, '/') ||
        !digits(s, n, &i, 1, 2, &d) || !expect(s, n, &i, '/') ||
        !digits(s, n, &i, 4, 4, &y) || !date_ok(y, m, d))
        return false;
    int64_t secs = 0;
    if (i < n) {
        if (s[i] != ' ')
            return false;
        while (i < n && s[i] == ' ')
            i++;
        if (!clock_time(s, n, &i, true, &secs))
            return false;
        if (i + 3 <= n && s[i] == ' ' && (s[i + 1] == 'A' || s[i + 1] == 'P' ||
                                          s[i + 1] == 'a' || s[i + 1] == 'p') &&
            (s[i + 2] == 'M' || s[i + 2] == 'm')) {
            int64_t h = secs / 3600;
            if (h < 1 || h > 12)
                return false;
            bool pm = s[i + 1] == 'P' || s[i + 1] == 'p';
            secs = (h % 12 + (pm ? 12 : 0)) * 3600 + secs % 3600;
            i += 3;
        }
    }
    if (i != n)
        return false;
    *out = vci_days_from_civil(y, m, d) * 86400 + secs;
    return true;
}

bool vci_parse_time(const char *s, size_t n, int64_t *out)
{
    vci_span v = vci_trim((vci_span){s, n});
    s = v.s;
    n = v.n;
    if (n == 0)
        return false;
    if (n >= 10 && s[4] == '-')
        return iso_time(s, n, out);
    if (memchr(s, '/', n))
        return us_time(s, n, out);
    double x;
    int64_t iv;
    if (vci_parse_int(s, n, &iv)) {
        *out = iv;
        return true;
    }
    if (vci_parse_number(s, n, &x) && fabs(x) < 9.2e18) {
        *out = (int64_t)floor(x);
        return true;
    }
    return false;
}

/* ---- text ---------------------------------------------------------------- */

size_t vci_utf8_check(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0)
                return i;
            i++;
            continue;
        }
        size_t len;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            min = 0x10000;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        unsigned cp = c & (0xFF >> (len + 1));
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return n;
}

vc_status vci_latin1_text(const char *s, size_t n, char **buf, size_t *cap,
                          vci_span *out)
{
    if (vci_utf8_check(s, n) == n) {
        *out = (vci_span){s, n};
        return VC_OK;
    }
    VCI_CHECK(vci_reserve((void **)buf, cap, 2 * n + 1, 1));
    char *o = *buf;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            o[k++] = (char)c;
        } else {
            o[k++] = (char)(0xC0 | (c >> 6));
            o[k++] = (char)(0x80 | (c & 0x3F));
        }
    }
    *out = (vci_span){o, k};
    return VC_OK;
}
