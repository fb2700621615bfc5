/* TSC to nanoseconds: ns = (tsc - base) * mult >> 32 with a 128-bit product,
   where mult = 10^9 * 2^32 / tsc_hz was computed once, at calibration. */
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"
#include "lib/abi.h"

#define TSC_SHIFT 32
_Static_assert(TSC_SHIFT == CLOCK_PAGE_SHIFT, "user code reads this clock through the clock page");

static uint64_t tsc_base;       /* TSC value at time 0 */
static uint64_t tsc_mult;       /* nanoseconds per tick, times 2^TSC_SHIFT; 0 = not started */
static uint64_t tsc_hz;

void tsc_clock_init(uint64_t hz)
{
    ASSERT(hz > 0);
    /* 10^9 * 2^32 < 2^62 fits; the quotient keeps about 31 significant bits
       for a 2 GHz TSC: a relative error below 10^-9. */
    tsc_hz = hz;
    tsc_base = rdtsc();
    __atomic_store_n(&tsc_mult, (1000000000ull << TSC_SHIFT) / hz, __ATOMIC_RELEASE);
}

uint64_t tsc_clock_ns(void)
{
    uint64_t mult = __atomic_load_n(&tsc_mult, __ATOMIC_ACQUIRE);
    if (!mult)
        return 0;
    uint64_t now = rdtsc();
    /* TSCs of different CPUs are synchronized on current CPUs and under
       QEMU; a CPU a little behind the one that set the base reads 0. */
    if (now < tsc_base)
        return 0;
    return (uint64_t)(((unsigned __int128)(now - tsc_base) * mult) >> TSC_SHIFT);
}

void tsc_clock_params(uint64_t *base, uint64_t *mult)
{
    *mult = __atomic_load_n(&tsc_mult, __ATOMIC_ACQUIRE);
    *base = tsc_base;
}

uint64_t tsc_clock_hz(void)
{
    return tsc_hz;
}
