/* The clock page: one frame holding struct clock_page (lib/abi.h), shared
   read-only by every process (mapped by uvm_init; docs/clock-page.md). */
#include "kernel/clock_page.h"
#include "kernel/mm/pmm.h"
#include "kernel/panic.h"
#include "lib/abi.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/tsc.h"

static uint64_t frame;

void clock_page_init(void)
{
    uint64_t pa = pmm_alloc_zeroed();
    if (!pa)
        panic("clock_page_init: no free frame");
    struct clock_page *cp = phys_to_virt(pa);
    /* Written once, before any process exists; from then on the page only
       ever read (user mappings are read-only), so it needs no lock and no
       sequence counter. A kernel whose clock could be adjusted would need
       one, as Linux's vDSO data has. */
    tsc_clock_params(&cp->tsc_base, &cp->tsc_mult);
    frame = pa;
}

uint64_t clock_page_frame(void)
{
    return frame;
}
