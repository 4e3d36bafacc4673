/*
 * cpu.c - which SIMD instruction sets this CPU and OS support, detected
 * once per process (pthread_once) from CPUID and XGETBV.
 *
 * Invariants: compiled WITHOUT any -m flag, so it runs on every CPU of the
 * target; a feature is reported only when the CPUID bits are set AND the
 * OS saves the matching register state (XCR0), as a CPU may have AVX-512
 * that the kernel has not enabled.
 */
#include <pthread.h>

#include "kernels_isa.h"

#if defined(__x86_64__) || defined(__i386__)
#  include <cpuid.h>
#  define VCI_X86 1
#else
#  define VCI_X86 0
#endif

static struct {
    bool avx2_fma, avx512, neon, sse42;
} features;
static pthread_once_t detect_once = PTHREAD_ONCE_INIT;

#if VCI_X86
static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    /* xgetbv with ecx = 0; spelled as bytes so no -mxsave is needed */
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static void detect_x86(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return;
    features.sse42 = (c >> 20) & 1; /* no register state beyond SSE */
    bool fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx)
        return;
    uint64_t xcr0 = read_xcr0();
    bool ymm_state = (xcr0 & 0x6) == 0x6;         /* SSE + AVX state */
    bool zmm_state = (xcr0 & 0xe6) == 0xe6;       /* + opmask, ZMM_Hi256, Hi16_ZMM */
    if (!ymm_state || __get_cpuid_max(0, NULL) < 7)
        return;
    __cpuid_count(7, 0, a, b, c, d);
    bool avx2 = (b >> 5) & 1;
    bool avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1;
    bool avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    features.avx2_fma = avx2 && fma;
    features.avx512 = features.avx2_fma && zmm_state && avx512f && avx512dq &&
                      avx512bw && avx512vl;
}
#endif

static void detect(void)
{
#if VCI_X86
    detect_x86();
#elif defined(__aarch64__)
    features.neon = true; /* Advanced SIMD is mandatory on AArch64 */
#endif
}

bool vci_cpu_has_avx2_fma(void)
{
    pthread_once(&detect_once, detect);
    return features.avx2_fma;
}

bool vci_cpu_has_avx512(void)
{
    pthread_once(&detect_once, detect);
    return features.avx512;
}

bool vci_cpu_has_sse42(void)
{
    pthread_once(&detect_once, detect);
    return features.sse42;
}

bool vci_cpu_has_neon(void)
{
    pthread_once(&detect_once, detect);
    return features.neon;
}
