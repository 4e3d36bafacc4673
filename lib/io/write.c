/*
 * write.c - vc_dataset_write_ml1m: a data set as MovieLens 1M files
 * (users.dat, movies.dat, ratings.dat, and truth.csv when it has planted
 * communities), so that vc_dataset_load reads back the same users, items,
 * attributes, categories and events.
 *
 * Each file is written to a temporary name and renamed into place, so a
 * failed write never leaves a half-written file under the real name.
 * ML-1M needs integer ids, ML-1M age and occupation codes, and "::"-free
 * text: anything else is refused with VC_ERR_INVALID naming it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "io.h"

typedef struct out_file {
    FILE *f;
    char *path, *tmp;
} out_file;

static vc_status out_open(out_file *o, const char *dir, const char *name)
{
    memset(o, 0, sizeof *o);
    o->path = vci_path_join(dir, name);
    size_t n = o->path ? strlen(o->path) : 0;
    o->tmp = o->path ? vci_malloc(n + 5) : NULL;
    if (!o->path || !o->tmp) {
        vci_free(o->path);
        vci_free(o->tmp);
        return VC_ERR_NOMEM;
    }
    memcpy(o->tmp, o->path, n);
    memcpy(o->tmp + n, ".tmp", 5);
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        vc_status s = vci_error(VC_ERR_IO, "%s: cannot create: %s", o->tmp, strerror(errno));
        vci_free(o->path);
        vci_free(o->tmp);
        return s;
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return VC_OK;
}

/* Close; on success rename into place, else remove the temporary file. */
static vc_status out_close(out_file *o, vc_status s)
{
    if (!o->f)
        return s;
    bool bad = ferror(o->f) != 0;
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = true;
        e = errno;
    }
    if (s == VC_OK && bad)
        s = vci_error(VC_ERR_IO, "%s: cannot write: %s", o->tmp, strerror(e));
    if (s == VC_OK && rename(o->tmp, o->path) != 0)
        s = vci_error(VC_ERR_IO, "%s: cannot rename to %s: %s", o->tmp, o->path,
                      strerror(errno));
    if (s != VC_OK)
        remove(o->tmp);
    vci_free(o->path);
    vci_free(o->tmp);
    o->f = NULL;
    return s;
}

static bool is_int_id(const char *s)
{
    int64_t v;
    return s && vci_parse_int(s, strlen(s), &v) && v >= 0;
}

static vc_status check_text(const char *what, const char *s)
{
    if (s && (strstr(s, "::") || strchr(s, '\n') || strchr(s, '\r')))
        return vci_error(VC_ERR_INVALID, "%s '%s' holds '::' or a line break, which "
                                         "ML-1M files cannot store", what, s);
    return VC_OK;
}

static int attr_index(const vc_dataset *ds, const char *name)
{
    for (uint32_t a = 0; a < ds->nattrs; a++)
        if (strcmp(vci_ds_str(ds, ds->attr_name[a]), name) == 0)
            return (int)a;
    return -1;
}

static const char *attr_of(const vc_dataset *ds, uint32_t u, int a)
{
    return a < 0 ? NULL : vci_ds_str(ds, ds->user_attr[(size_t)u * ds->nattrs + (size_t)a]);
}

/* An age attribute as an ML-1M code: a label, a code, or years. */
static int age_code(const char *v)
{
    if (!v)
        return 25;
    int c = vci_ml1m_age_code(v);
    if (c >= 0)
        return c;
    int64_t years;
    if (!vci_parse_int(v, strlen(v), &years))
        return -1;
    if (vci_ml1m_age_label(years))
        return (int)years;
    static const int upper[] = {18, 25, 35, 45, 50, 56};
    static const int codes[] = {1, 18, 25, 35, 45, 50, 56};
    for (int i = 0; i < 6; i++)
        if (years < upper[i])
            return codes[i];
    return 56;
}

/* An external id (never absent; "" keeps printf's %s defined regardless). */
static const char *key_of(const vc_dataset *ds, size_t off)
{
    const char *s = vci_ds_str(ds, off);
    return s ? s : "";
}

static vc_status write_users(const vc_dataset *ds, const char *dir)
{
    int ag = attr_index(ds, "gender"), aa = attr_index(ds, "age"),
        ao = attr_index(ds, "occupation"), az = attr_index(ds, "zip");
    for (uint32_t u = 0; u < ds->nusers; u++) {
        const char *id = vci_ds_str(ds, ds->user_key[u]);
        if (!is_int_id(id))
            return vci_error(VC_ERR_INVALID, "user id '%s' is not a whole number, which "
                                             "ML-1M files need", id);
        const char *g = attr_of(ds, u, ag), *a = attr_of(ds, u, aa);
        const char *o = attr_of(ds, u, ao), *z = attr_of(ds, u, az);
        if (g && strcmp(g, "M") != 0 && strcmp(g, "F") != 0)
            return vci_error(VC_ERR_INVALID, "user %s: gender '%s' is not M or F", id, g);
        if (age_code(a) < 0)
            return vci_error(VC_ERR_INVALID, "user %s: age '%s' is not an ML-1M age", id, a);
        int64_t oc = o ? vci_ml1m_occupation_code(o) : 0;
        if (oc < 0 && !(o && vci_parse_int(o, strlen(o), &oc) &&
                        vci_ml1m_occupation_label(oc)))
            return vci_error(VC_ERR_INVALID, "user %s: occupation '%s' is not an ML-1M "
                                             "occupation", id, o);
        VCI_CHECK(check_text("zip-code", z));
    }
    out_file o;
    VCI_CHECK(out_open(&o, dir, "users.dat"));
    for (uint32_t u = 0; u < ds->nusers; u++) {
        const char *g = attr_of(ds, u, ag), *a = attr_of(ds, u, aa);
        const char *oc = attr_of(ds, u, ao), *z = attr_of(ds, u, az);
        int64_t occ = oc ? vci_ml1m_occupation_code(oc) : 0;
        if (occ < 0)
            vci_parse_int(oc, strlen(oc), &occ);
        fprintf(o.f, "%s::%s::%d::%lld::%s\n", key_of(ds, ds->user_key[u]),
                g ? g : "M", age_code(a), (long long)occ, z ? z : "00000");
    }
    return out_close(&o, VC_OK);
}

static vc_status write_movies(const vc_dataset *ds, const char *dir)
{
    for (uint32_t i = 0; i < ds->nitems; i++) {
        const char *id = vci_ds_str(ds, ds->item_key[i]);
        if (!is_int_id(id))
            return vci_error(VC_ERR_INVALID, "item id '%s' is not a whole number, which "
                                             "ML-1M files need", id);
        VCI_CHECK(check_text("title", vci_ds_str(ds, ds->item_title[i])));
        for (uint32_t k = ds->item_cat_start[i]; k < ds->item_cat_start[i + 1]; k++) {
            const char *c = vci_ds_str(ds, ds->cat_name[ds->item_cats[k]]);
            VCI_CHECK(check_text("category", c));
            if (strchr(c, '|'))
                return vci_error(VC_ERR_INVALID, "category '%s' holds '|'", c);
        }
    }
    out_file o;
    VCI_CHECK(out_open(&o, dir, "movies.dat"));
    for (uint32_t i = 0; i < ds->nitems; i++) {
        const char *title = vci_ds_str(ds, ds->item_title[i]);
        fprintf(o.f, "%s::%s::", key_of(ds, ds->item_key[i]), title ? title : "");
        for (uint32_t k = ds->item_cat_start[i]; k < ds->item_cat_start[i + 1]; k++)
            fprintf(o.f, "%s%s", k > ds->item_cat_start[i] ? "|" : "",
                    vci_ds_str(ds, ds->cat_name[ds->item_cats[k]]));
        if (ds->item_cat_start[i] == ds->item_cat_start[i + 1])
            fputs("(no genres listed)", o.f);
        fputc('\n', o.f);
    }
    return out_close(&o, VC_OK);
}

/* Append the decimal text of v to p. */
static char *put_uint(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static vc_status write_ratings(const vc_dataset *ds, const char *dir)
{
    for (size_t e = 0; e < ds->nevents; e++)
        if (!(ds->ev_value[e] >= 0.5f && ds->ev_value[e] <= 5.0f))
            return vci_error(VC_ERR_INVALID, "an event's value %g is not a rating "
                                             "0.5..5, which ML-1M files need",
                             (double)ds->ev_value[e]);
    out_file o;
    VCI_CHECK(out_open(&o, dir, "ratings.dat"));
    char line[128];
    for (uint32_t u = 0; u < ds->nusers; u++) {
        const char *uid = vci_ds_str(ds, ds->user_key[u]);
        size_t ul = strlen(uid);
        for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
            char *p = line;
            memcpy(p, uid, ul);
            p += ul;
            *p++ = ':';
            *p++ = ':';
            const char *iid = vci_ds_str(ds, ds->item_key[ds->ev_item[e]]);
            size_t il = strlen(iid);
            memcpy(p, iid, il);
            p += il;
            float v = ds->ev_value[e];
            if (v == floorf(v) && v >= 0 && v < 1e9f)
                p += snprintf(p, 24, "::%u::", (unsigned)v);
            else
                p += snprintf(p, 40, "::%.9g::", (double)v);
            int64_t t = vci_ds_time(ds, e);
            if (t < 0) {
                *p++ = '-';
                p = put_uint(p, (uint64_t)(-t));
            } else {
                p = put_uint(p, (uint64_t)t);
            }
            *p++ = '\n';
            fwrite(line, 1, (size_t)(p - line), o.f);
        }
    }
    return out_close(&o, VC_OK);
}

static vc_status write_truth(const vc_dataset *ds, const char *dir)
{
    if (!ds->planted)
        return VC_OK;
    out_file o;
    VCI_CHECK(out_open(&o, dir, "truth.csv"));
    fputs("user,community\n", o.f);
    for (uint32_t u = 0; u < ds->nusers; u++)
        fprintf(o.f, "%s,%u\n", key_of(ds, ds->user_key[u]), ds->planted[u]);
    return out_close(&o, VC_OK);
}

VC_API vc_status vc_dataset_write_ml1m(const vc_dataset *ds, const char *dir)
{
    vci_clear_error();
    VCI_REQUIRE(ds && dir, "vc_dataset_write_ml1m: NULL data set or directory");
    if (!ds->finalised)
        return vci_error(VC_ERR_STATE, "vc_dataset_write_ml1m: the data set is not "
                                       "finalised");
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return vci_error(VC_ERR_IO, "%s: cannot create the directory: %s", dir,
                         strerror(errno));
    if (!vci_path_is_dir(dir))
        return vci_error(VC_ERR_IO, "%s: not a directory", dir);
    VCI_CHECK(write_users(ds, dir));
    VCI_CHECK(write_movies(ds, dir));
    VCI_CHECK(write_ratings(ds, dir));
    return write_truth(ds, dir);
}
