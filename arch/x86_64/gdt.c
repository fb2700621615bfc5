/* Per-CPU GDT and TSS: the five flat segments long mode still needs, the
   task-state segment with the IST stacks for double fault, NMI and machine check. */
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tss.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"
#include <stddef.h>

/* Segment descriptors (Intel SDM vol. 3A, 3.4.5, figure 3-8). In 64-bit
   mode base and limit are ignored for code and data; what matters is
   P (present, bit 47), DPL (bits 45-46), S (code/data, bit 44), the type
   (bits 40-43: 0xA execute/read code, 0x2 read/write data) and, for code,
   L (bit 53, 64-bit) with D (bit 54) clear. G and the 0xFFFFF limit make
   the data segments flat for the instant a 32-bit view would matter. */
#define DESC_KERNEL_CODE 0x00AF9A000000FFFFull   /* P, DPL 0, code, L */
#define DESC_KERNEL_DATA 0x00CF92000000FFFFull   /* P, DPL 0, data */
#define DESC_USER_DATA   0x00CFF2000000FFFFull   /* P, DPL 3, data */
#define DESC_USER_CODE   0x00AFFA000000FFFFull   /* P, DPL 3, code, L */

/* The 64-bit TSS descriptor is 16 bytes (SDM vol. 3A, 8.2.3, figure 8-4):
   type 0x9 = available 64-bit TSS, P = bit 47, base in bits 16-39 and
   56-63 of the first quadword and the upper 32 bits in the second. */
#define DESC_TSS_TYPE    0x9ull
#define DESC_PRESENT     (1ull << 47)

#define GDT_INDEX(sel)   ((sel) >> 3)

_Static_assert(GDT_INDEX(GDT_TSS) + 2 == sizeof(((struct cpu *)0)->gdt) / sizeof(uint64_t),
               "the TSS descriptor must be the last two GDT slots");
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes (SDM vol. 3A, figure 8-11)");

/* Dedicated stacks for the exceptions that must not trust the current
   stack: a double fault is often a kernel stack overflow, and an NMI or
   machine check can arrive at any instruction (SDM vol. 3A, 6.14.5).
   Static until the heap exists; 16-byte aligned so that each top is. */
#define IST_STACK_SIZE GDT_IST_STACK_SIZE
#define IST_STACKS     3
static uint8_t ist_stacks[MAX_CPUS][IST_STACKS][IST_STACK_SIZE] __attribute__((aligned(16)));

/* The operand of lgdt: a 16-bit limit and a 64-bit linear base. */
struct gdt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static void tss_init(struct cpu *c)
{
    struct tss *t = &c->tss;
    uint8_t *bytes = (uint8_t *)t;
    for (size_t i = 0; i < sizeof *t; i++)
        bytes[i] = 0;
    /* rsp0 (the stack for entries from ring 3) is set by the thread switch;
       until user mode exists nothing enters from ring 3. */
    for (int slot = 1; slot <= IST_STACKS; slot++)
        t->ist[slot - 1] = (uint64_t)&ist_stacks[c->id][slot - 1][IST_STACK_SIZE];
    /* An I/O bitmap offset at or past the limit means "no bitmap": with
       IOPL 0, ring 3 may not touch any port (SDM vol. 1, 19.5.2). */
    t->iomap_base = sizeof *t;
}

static void gdt_set_tss(struct cpu *c)
{
    uint64_t base = (uint64_t)&c->tss;
    uint64_t limit = sizeof c->tss - 1;
    c->gdt[GDT_INDEX(GDT_TSS)] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
                                 (DESC_TSS_TYPE << 40) | DESC_PRESENT |
                                 (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    c->gdt[GDT_INDEX(GDT_TSS) + 1] = base >> 32;
}

uint64_t gdt_ist_stack_top(struct cpu *c, int ist)
{
    ASSERT(ist >= 1 && ist <= IST_STACKS);
    return (uint64_t)&ist_stacks[c->id][ist - 1][IST_STACK_SIZE];
}

void gdt_init_cpu(struct cpu *c)
{
    ASSERT(c && c->id >= 0 && c->id < MAX_CPUS);
    c->gdt[0] = 0;
    c->gdt[GDT_INDEX(GDT_KERNEL_CODE)] = DESC_KERNEL_CODE;
    c->gdt[GDT_INDEX(GDT_KERNEL_DATA)] = DESC_KERNEL_DATA;
    c->gdt[GDT_INDEX(GDT_USER_DATA)] = DESC_USER_DATA;
    c->gdt[GDT_INDEX(GDT_USER_CODE)] = DESC_USER_CODE;
    tss_init(c);
    gdt_set_tss(c);

    struct gdt_pointer ptr = { sizeof c->gdt - 1, (uint64_t)c->gdt };
    /* lgdt, then reload CS with a far return (there is no far jump to an
       immediate in 64-bit mode), then the data segments. FS and GS are left
       alone: loading a selector into GS would zero the GS base that
       cpu_init_percpu wrote to MSR_GS_BASE (SDM vol. 3A, 3.4.4), and the
       null selectors boot.S left there are valid in 64-bit mode. */
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ds\n\t"
        "movw %w2, %%es\n\t"
        "movw %w2, %%ss\n\t"
        : : "m"(ptr), "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA) : "rax", "memory");
    /* ltr marks the descriptor busy in the GDT (type 0xB); the descriptor
       was just rebuilt as available, so calling this again is safe. */
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS) : "memory");
}
