/* The 64-bit task-state segment: where the CPU finds the kernel stack on an
   interrupt from user mode (rsp0) and the dedicated stacks of the IST. */
#ifndef ARCH_X86_64_TSS_H
#define ARCH_X86_64_TSS_H

#include <stdint.h>

/* Layout: Intel SDM vol. 3A, figure 8-11 (64-bit TSS format). */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];            /* rsp0: stack for entries from ring 3 */
    uint64_t reserved1;
    uint64_t ist[7];            /* IST1..IST7 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

#endif
