/*
 * test_model_bad.c - the bad-input catalogue of model files: a valid model
 * (tiny synthetic pipeline) is saved once, then forged copies are loaded:
 * truncated, extended, empty, bad magic, wrong version, other byte order,
 * a flipped bit in the header and in a section (CRC mismatch), a section
 * table out of bounds, and contents that pass every checksum but break an
 * invariant (resealed with tests/modelfile.h). Each must fail with its
 * status and a message naming the file and what was wrong, leave *out
 * NULL and leak nothing (the sanitizer build checks); the intact file
 * still loads after all of them. The section checksum (CRC-32C, by the
 * crc32 instruction where the CPU has it) equals the table-driven
 * reference on every length and alignment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures.h"
#include "modelfile.h"
#include "testutil.h"
#include "model.h"
#include "vcomm.h"

static struct {
    char *dir, *path;
    unsigned char *bytes;
    size_t size;
} g;

/* Load path; expect status and a message holding both path and what. */
static void expect_load(const char *path, vc_status status, const char *what)
{
    vc_model *m = (vc_model *)&m;
    vc_status s = vc_model_load(&m, path, NULL);
    const char *err = vc_last_error();
    printf("# %-28s %s\n", strrchr(path, '/') + 1, err);
    if (s != status)
        fail_msg("%s: expected status %d, got %d (%s)", path, status, s, err);
    if (!strstr(err, what) || !strstr(err, path))
        fail_msg("%s: message '%s' lacks '%s' or the path", path, err, what);
    assert_null(m);
}

/* Write n bytes (an edited copy of the model) as name and load it. */
static void forged(const char *name, const unsigned char *b, size_t n, vc_status status,
                   const char *what)
{
    char *p = tu_write(g.dir, name, (const char *)b, n);
    expect_load(p, status, what);
    free(p);
}

static unsigned char *copy(void)
{
    unsigned char *b = malloc(g.size + 64);
    assert_non_null(b);
    memcpy(b, g.bytes, g.size);
    return b;
}

static void put32(unsigned char *b, size_t at, uint32_t v)
{
    memcpy(b + at, &v, 4);
}

static void test_header(void **state)
{
    (void)state;
    unsigned char *b = copy();
    forged("empty", b, 0, VC_ERR_FORMAT, "empty file, not a vcomm model");
    forged("short", b, 10, VC_ERR_FORMAT, "no model header");
    forged("truncated", b, g.size / 2, VC_ERR_FORMAT, "truncated or extended model");
    forged("truncated_by_one", b, g.size - 1, VC_ERR_FORMAT, "truncated or extended model");
    memset(b + g.size, 0, 64);
    forged("extended", b, g.size + 64, VC_ERR_FORMAT, "truncated or extended model");
    b[MF_MAGIC] = 'X';
    forged("bad_magic", b, g.size, VC_ERR_FORMAT, "no model header (wrong file type?)");
    free(b);

    b = copy();
    put32(b, MF_VERSION, 4);
    forged("version_unresealed", b, g.size, VC_ERR_FORMAT, "header checksum mismatch");
    mf_reseal(b, g.size);
    forged("wrong_version", b, g.size, VC_ERR_FORMAT,
           "model format version 4, this library reads versions 2 to 3");
    put32(b, MF_VERSION, 1);
    mf_reseal(b, g.size);
    forged("old_version", b, g.size, VC_ERR_FORMAT,
           "model format version 1, this library reads versions 2 to 3");
    free(b);

    b = copy();
    put32(b, MF_ENDIAN, 0x04030201u);
    mf_reseal(b, g.size);
    forged("other_byte_order", b, g.size, VC_ERR_UNSUPPORTED, "other byte order");
    free(b);

    b = copy();
    b[MF_HEADER_CRC] ^= 1;
    forged("flipped_header_crc", b, g.size, VC_ERR_FORMAT, "header checksum mismatch");
    free(b);

    b = copy();
    put32(b, MF_NSEC, 100000);
    mf_reseal(b, g.size);
    forged("table_out_of_bounds", b, g.size, VC_ERR_FORMAT, "section table out of bounds");
    free(b);
}

static void test_sections(void **state)
{
    (void)state;
    uint64_t off, size;
    unsigned char *b = copy();
    assert_int_equal(mf_section(b, g.size, 3, &off, &size), 0);
    assert_true(size > 0 && off + size <= g.size);
    b[off + size / 2] ^= 0x10;
    forged("flipped_section_bit", b, g.size, VC_ERR_FORMAT, "section 3 checksum mismatch");
    free(b);

    b = copy(); /* fewer event types than the predefined seven */
    assert_int_equal(mf_section(b, g.size, 0, &off, &size), 0);
    uint64_t ntypes = 3;
    memcpy(b + off + 4 * 8, &ntypes, 8); /* scalar word 4: event types */
    mf_reseal(b, g.size);
    forged("few_event_types", b, g.size, VC_ERR_FORMAT, "model scalars out of range");
    free(b);

    b = copy(); /* a section pointing past the end */
    uint64_t far = g.size + 4096;
    uint32_t nsec;
    uint64_t table;
    memcpy(&nsec, b + MF_NSEC, 4);
    memcpy(&table, b + MF_TABLE, 8);
    memcpy(b + table + 2 * MF_ENTRY + 8, &far, 8);
    mf_reseal(b, g.size);
    forged("section_out_of_bounds", b, g.size, VC_ERR_FORMAT, "section 2 out of bounds");
    free(b);

    b = copy(); /* a section of the wrong size, checksums right */
    memcpy(&size, b + table + 1 * MF_ENTRY + 16, 8);
    size -= 1;
    memcpy(b + table + 1 * MF_ENTRY + 16, &size, 8);
    mf_reseal(b, g.size);
    forged("section_wrong_size", b, g.size, VC_ERR_FORMAT, "section 1 has");
    free(b);

    /* every section's every byte set to 0xFF, one at a time, checksums
     * right: never a crash or leak, only clean refusals or clean loads */
    for (uint32_t i = 1; i + 1 < nsec; i++) {
        if (mf_section(g.bytes, g.size, i, &off, &size) != 0 || size == 0)
            continue;
        b = copy();
        memset(b + off, 0xFF, (size_t)size);
        mf_reseal(b, g.size);
        char *p = tu_write(g.dir, "saturated", (const char *)b, g.size);
        vc_model *m = NULL;
        vc_status s = vc_model_load(&m, p, NULL);
        if (s != VC_OK && s != VC_ERR_FORMAT)
            fail_msg("section %u saturated: status %d (%s)", i, s, vc_last_error());
        if (s == VC_OK) /* e.g. a title pool of 0xFF bytes: still consistent */
            assert_true(tu_fp_communities(vc_model_communities(m)) != 0);
        vc_model_free(m);
        free(p);
        free(b);
    }
    assert_int_equal(tu_fp_errors, 0);
}

static void test_missing(void **state)
{
    (void)state;
    char *p = tu_path(g.dir, "absent.vcm");
    expect_load(p, VC_ERR_IO, "cannot open");
    free(p);
    expect_load(g.dir, VC_ERR_IO, "not a regular file");
    /* and the intact file still loads */
    vc_model *m = NULL;
    assert_int_equal(vc_model_load(&m, g.path, NULL), VC_OK);
    assert_true(vc_communities_count(vc_model_communities(m)) > 0);
    vc_model_free(m);
}

static int setup(void **state)
{
    (void)state;
    vc_options *o = fixture_tiny_options();
    vc_dataset *ds = fixture_synth_sized(40, 20, 6, 2, 3);
    vc_portraits *pt = NULL;
    vc_communities *cm = NULL;
    g.dir = tu_mkdtemp();
    g.path = tu_path(g.dir, "model.vcm");
    if (vc_portrait_build(&pt, ds, o) != VC_OK || vc_cluster_run(&cm, pt, o) != VC_OK ||
        vc_model_save(cm, g.path, o) != VC_OK)
        return -1;
    vc_communities_free(cm);
    vc_portraits_free(pt);
    vc_dataset_free(ds);
    vc_options_free(o);
    FILE *f = fopen(g.path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    g.size = (size_t)ftell(f);
    rewind(f);
    g.bytes = malloc(g.size);
    size_t got = g.bytes ? fread(g.bytes, 1, g.size, f) : 0;
    fclose(f);
    return got == g.size ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmdir(g.dir, 1);
    free(g.path);
    free(g.bytes);
    return 0;
}


/* CRC-32C: the check value, and the dispatched implementation (the crc32
 * instruction on x86-64 with SSE4.2) equal to the table-driven reference
 * for every length 0..300 at every alignment 0..7, and for long buffers
 * (the three-stream path), in one call or continued across a split. */
static void test_crc32c(void **state)
{
    (void)state;
    assert_int_equal(vci_crc32c(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(vci_crc32c_reference(0, "123456789", 9), 0xE3069283u);
    static unsigned char buf[320];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    for (size_t align = 0; align < 8; align++)
        for (size_t n = 0; n + align <= 308; n++) {
            uint32_t want = vci_crc32c_reference(0, buf + align, n);
            assert_int_equal(vci_crc32c(0, buf + align, n), want);
            size_t half = n / 3;
            uint32_t first = vci_crc32c(0, buf + align, half);
            assert_int_equal(vci_crc32c(first, buf + align + half, n - half), want);
        }
    /* long buffers (three streams of 4 KiB blocks joined), cut anywhere */
    size_t big = 5 * 3 * 4096 + 77;
    unsigned char *long_buf = malloc(big + 8);
    assert_non_null(long_buf);
    for (size_t i = 0; i < big + 8; i++) {
        x = x * 1103515245u + 12345u;
        long_buf[i] = (unsigned char)(x >> 16);
    }
    for (size_t align = 0; align < 8; align += 3)
        for (size_t n = big - 3 * 4096 - 9; n <= big; n += 4099) {
            uint32_t want = vci_crc32c_reference(0, long_buf + align, n);
            assert_int_equal(vci_crc32c(0, long_buf + align, n), want);
            for (size_t cut = 1; cut < n; cut += 12289) {
                uint32_t first = vci_crc32c(0, long_buf + align, cut);
                assert_int_equal(vci_crc32c(first, long_buf + align + cut, n - cut), want);
            }
        }
    free(long_buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_crc32c),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
