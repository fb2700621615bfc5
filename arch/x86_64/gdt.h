/* The per-CPU global descriptor table and task-state segment.
   Selector layout is fixed by syscall/sysret (see gdt.c). */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

/* Selectors. sysret requires user data right below user code (Intel SDM
   vol. 2B, SYSRET: SS = STAR[63:48] + 8, CS = STAR[63:48] + 16). */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA   0x1B    /* 0x18 | RPL 3 */
#define GDT_USER_CODE   0x23    /* 0x20 | RPL 3 */
#define GDT_TSS         0x28    /* 16-byte system descriptor */

/* IST slots (1-based, as in the IDT gate's IST field). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3

#ifndef __ASSEMBLER__
#include <stdint.h>
struct cpu;
/* Builds and loads this CPU's GDT and TSS (with its IST stacks) and reloads
   the segment registers. c must be this CPU's struct cpu. */
void gdt_init_cpu(struct cpu *c);

/* Size of each IST stack (static, per CPU). */
#define GDT_IST_STACK_SIZE 16384

/* The top (initial %rsp) of IST stack ist (IST_DOUBLE_FAULT...) of CPU c;
   the stack spans [top - GDT_IST_STACK_SIZE, top). */
uint64_t gdt_ist_stack_top(struct cpu *c, int ist);
#endif

#endif
