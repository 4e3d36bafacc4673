/*
 * modelfile.h - byte-level helpers for tests that forge model files
 * (test_model_bad.c, fuzz/fuzz_model.c): where the header fields sit and
 * how to recompute the checksums after editing bytes, so that a test can
 * reach the checks behind the CRCs. The layout is lib/model/model.h's
 * (docs/model-format.md); these helpers only write inside [data, data+n).
 */
#ifndef VCOMM_TEST_MODELFILE_H
#define VCOMM_TEST_MODELFILE_H

#include <stddef.h>
#include <stdint.h>

/* Header fields (byte offsets). */
#define MF_MAGIC 0          /* 8 bytes "VCOMMMDL" */
#define MF_VERSION 8        /* uint32 */
#define MF_ENDIAN 16        /* uint32 0x01020304 */
#define MF_NSEC 20          /* uint32 sections */
#define MF_SIZE 24          /* uint64 file size */
#define MF_TABLE 32         /* uint64 offset of the section table */
#define MF_HEADER_CRC 40    /* uint32 CRC-32C of bytes 0..39 */
#define MF_ENTRY 32         /* bytes per table entry: id, crc, offset, size, reserved */

/* Set the size field to n, every in-bounds section's CRC and the header
 * CRC, as vc_model_save would have written them. A buffer without the
 * magic is left as it is. */
void mf_reseal(unsigned char *data, size_t n);

/* Offset and size of section i from the table (no checks beyond n). */
int mf_section(const unsigned char *data, size_t n, uint32_t i, uint64_t *offset,
               uint64_t *size);

#endif
