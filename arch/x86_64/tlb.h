/* TLB shootdown: after a mapping is removed, every other CPU that may have
   cached it is made to forget it before the unmapping call returns. */
#ifndef ARCH_X86_64_TLB_H
#define ARCH_X86_64_TLB_H

#include <stdint.h>
#include <stdbool.h>
#include "arch/x86_64/paging.h"

/* Flushes [start, start + pages * 4 KiB) of address space root from the
   TLB of every other online CPU (root's user half matters only to CPUs
   running it; the kernel half to all), and waits until each has done it.
   May be called with spinlocks held and interrupts off. */
void tlb_shootdown(vm_root_t root, uint64_t start, uint64_t pages);

/* The NMI handler's part: does a pending flush request for this CPU and
   returns true, or returns false if there was none. */
bool tlb_nmi(void);

#endif
