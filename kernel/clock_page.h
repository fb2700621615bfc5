/* The clock page: the clock's parameters on one read-only page mapped into
   every process, so that user code reads the time without a system call. */
#ifndef KERNEL_CLOCK_PAGE_H
#define KERNEL_CLOCK_PAGE_H

#include <stdint.h>

/* Fills the page (struct clock_page, lib/abi.h) once the clock runs (after
   time_init). Panics if there is no frame for it: it is the first process's. */
void clock_page_init(void);

/* The page's physical frame (0 before clock_page_init). Every process maps
   this one frame; it is never freed with a process. */
uint64_t clock_page_frame(void);

#endif
