/* Per-CPU structures and the interrupt-disable nesting that spinlocks use.
   Each CPU's GS base points at its own struct cpu (MSR_GS_BASE, Intel SDM vol. 3A, 3.4.4). */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"
#include <stddef.h>

_Static_assert(offsetof(struct cpu, self) == CPU_SELF, "cpu.self offset");
_Static_assert(offsetof(struct cpu, user_rsp_scratch) == CPU_USER_RSP, "cpu.user_rsp offset");
_Static_assert(offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "cpu.kernel_rsp offset");
_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "cpu.current offset");

struct cpu cpus[MAX_CPUS];
int ncpus = 1;

void cpu_init_percpu(int id, uint32_t apic_id)
{
    struct cpu *c = &cpus[id];
    c->self = c;
    c->id = id;
    c->apic_id = apic_id;
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    /* Kernel code always runs with the kernel GS base; swapgs at the user
       boundary exchanges it with MSR_KERNEL_GS_BASE. */
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void cpu_irq_push(void)
{
    bool was_enabled = interrupts_enabled();
    cli();
    struct cpu *c = this_cpu();
    if (c->irq_off_depth == 0)
        c->irq_enabled_before = was_enabled;
    c->irq_off_depth++;
}

void cpu_irq_pop(void)
{
    struct cpu *c = this_cpu();
    if (interrupts_enabled())
        panic("cpu_irq_pop: interrupts are enabled inside a push");
    if (c->irq_off_depth < 1)
        panic("cpu_irq_pop: more pops than pushes");
    c->irq_off_depth--;
    if (c->irq_off_depth == 0 && c->irq_enabled_before)
        sti();
}

void cpu_halt_forever(void)
{
    for (;;) {
        cli();
        hlt();
    }
}
