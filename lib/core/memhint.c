/*
 * memhint.c - a hint to the kernel that a large block will be used densely
 * (transparent huge pages where the system leaves them to madvise): a
 * 100 MB array then costs a few hundred page faults instead of tens of
 * thousands. Advisory only: it never changes the block's contents or
 * ownership, and does nothing where the call or the flag is missing.
 */
#define _DEFAULT_SOURCE 1
#include <stdint.h>
#include <sys/mman.h>

#include "core.h"

#define HUGE_PAGE ((uintptr_t)2 << 20)

void vci_advise_huge(void *ptr, size_t size)
{
#if defined(MADV_HUGEPAGE)
    if (size < 4 * HUGE_PAGE)
        return;
    uintptr_t b = ((uintptr_t)ptr + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t e = ((uintptr_t)ptr + size) & ~(HUGE_PAGE - 1);
    if (e > b)
        (void)madvise((void *)b, (size_t)(e - b), MADV_HUGEPAGE);
#else
    (void)ptr;
    (void)size;
#endif
}
