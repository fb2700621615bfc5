/* clock_ns: the kernel's clock computed in user space from the clock page
   (lib/abi.h, docs/clock-page.md), as Linux's vDSO answers clock_gettime. */
#include "spindle.h"
#include "clock_page.h"
#include <stdint.h>

const struct clock_page *clock_page;

uint64_t clock_ns(void)
{
    const struct clock_page *cp = clock_page;
    if (!cp || !cp->tsc_mult)
        return sys_clock();             /* no clock page, or no TSC clock */
    /* rdtsc is allowed in ring 3 while CR4.TSD is clear (Intel SDM vol. 2B,
       RDTSC), which Spindle leaves it. The arithmetic is the kernel's
       (arch/x86_64/tsc.c), so both give the same value at the same moment. */
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    uint64_t now = (uint64_t)hi << 32 | lo;
    if (now < cp->tsc_base)
        return 0;
    return (uint64_t)(((unsigned __int128)(now - cp->tsc_base) * cp->tsc_mult) >> CLOCK_PAGE_SHIFT);
}
