/* The interrupt descriptor table: 256 interrupt gates, each pointing at its
   stub in trap_entry.S; one table shared by every CPU (each CPU loads it). */
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/gdt.h"
#include "kernel/panic.h"
#include <stdint.h>

/* A 64-bit IDT gate descriptor (Intel SDM vol. 3A, 6.14.1, figure 6-8). */
struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;          /* code segment the handler runs in */
    uint8_t ist;                /* bits 0-2: IST slot, 0 = current/rsp0 stack */
    uint8_t type_attr;          /* P, DPL, type */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gates are 16 bytes");

/* P = 1, DPL = 0, type 0xE = 64-bit interrupt gate. An interrupt gate
   clears IF on entry (SDM vol. 3A, 6.12.1.3), so every handler starts with
   interrupts off; DPL 0 means ring 3 cannot raise these with `int n`
   (it gets #GP instead), which user mode has no business doing. */
#define GATE_INTERRUPT_DPL0 0x8E

#define IDT_VECTORS 256
#define STUB_SIZE   16          /* keep equal to trap_entry.S */

extern const char trap_stubs[];

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

struct idt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static void idt_set_gate(int vector, uint64_t handler, int ist)
{
    struct idt_gate *g = &idt[vector];
    g->offset_low = handler & 0xFFFF;
    g->selector = GDT_KERNEL_CODE;
    g->ist = (uint8_t)ist;
    g->type_attr = GATE_INTERRUPT_DPL0;
    g->offset_mid = (handler >> 16) & 0xFFFF;
    g->offset_high = handler >> 32;
    g->reserved = 0;
}

/* The IST slot each vector runs on (0: the interrupted stack, or rsp0 from
   ring 3). These three must not trust the stack they interrupted. */
static int vector_ist(int vector)
{
    switch (vector) {
    case 2:  return IST_NMI;
    case 8:  return IST_DOUBLE_FAULT;
    case 18: return IST_MACHINE_CHECK;
    default: return 0;
    }
}

/* Loads the IDT on this CPU (every CPU shares the one table). */
void idt_load(void)
{
    struct idt_pointer ptr = { sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}

void idt_init(void)
{
    for (int v = 0; v < IDT_VECTORS; v++)
        idt_set_gate(v, (uint64_t)(trap_stubs + v * STUB_SIZE), vector_ist(v));
    idt_load();
}
