/* Starting the application processors (INIT-SIPI-SIPI, Intel SDM vol. 3A,
   9.4) one at a time from the MADT's list, and stopping them all on a panic. */
#include "arch/x86_64/smp.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/usermode.h"
#include "arch/x86_64/x86.h"
#include "kernel/mm/vmap.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/mutex.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/string.h"

/* The trampoline's bytes (ap_boot.S), copied to AP_TRAMPOLINE_PHYS. */
extern const char ap_trampoline_start[], ap_trampoline_end[];

#define AP_STACK_PAGES  4               /* the AP's first stack, until its idle thread's */
#define APIC_ID_BROADCAST 0xFF          /* xAPIC physical destination "all" */

/* Delays of the MP initialization protocol (SDM vol. 3A, 9.4.4.1, the
   "universal start-up algorithm"): 10 ms after INIT, 200 us after each SIPI. */
#define INIT_DELAY_NS   10000000ull
#define SIPI_DELAY_NS   200000ull

/* How long a panicking CPU waits for the others to confirm they stopped. */
#define HALT_TIMEOUT_NS 1000000000ull

/* How far each CPU got, for the messages and for the NMIs of a panic:
   only a CPU with its own GDT, TSS (IST stacks) and IDT can take an NMI. */
enum ap_stage {
    STAGE_NONE,                 /* not started, or parked again after a failure */
    STAGE_KERNEL,               /* in smp_ap_main with its CPU tables loaded */
};
static int cpu_stage[MAX_CPUS];
static bool cpu_halted[MAX_CPUS];       /* set by the CPU itself in smp_halt_this_cpu */
static int halt_requester = -1;         /* the CPU that called smp_halt_others, or -1 */

/* smp_start_cpu runs one start-up at a time: they share the trampoline page. */
static struct mutex start_lock = MUTEX_INIT(start_lock, "smp-start");

static void delay_ns(uint64_t ns)
{
    uint64_t end = clock_ns() + ns;
    while (clock_ns() < end)
        cpu_relax();
}

static volatile uint8_t *trampoline_page(void)
{
    return phys_to_virt(AP_TRAMPOLINE_PHYS);
}

static volatile void *param(unsigned offset)
{
    return trampoline_page() + AP_PARAMS_OFFSET + offset;
}

/* Copies the trampoline to its page (identical every time; done before
   each start so that nothing left there by a previous one matters). */
static void trampoline_install(void)
{
    size_t size = (size_t)(ap_trampoline_end - ap_trampoline_start);
    if (size > AP_PARAMS_OFFSET)
        panic("smp: the trampoline (%lu bytes) overlaps its parameter block at 0x%x", size,
              AP_PARAMS_OFFSET);
    memcpy((void *)trampoline_page(), ap_trampoline_start, size);
}

void smp_ap_main(int index, uint32_t apic_id)
{
    /* A CPU that woke up late, after the boot CPU gave up on it and moved
       on, could find another CPU's parameters: refuse to become that CPU.
       (The local APIC pointer is global; the registers are each CPU's own.) */
    if (lapic_id() != apic_id)
        cpu_halt_forever();

    /* The order matters: GS first (everything uses this_cpu()), then the
       CPU tables, so that a fault from here on is a clear panic. */
    cpu_init_percpu(index, apic_id);
    gdt_init_cpu(this_cpu());
    idt_load();
    __atomic_store_n(&cpu_stage[index], STAGE_KERNEL, __ATOMIC_RELEASE);
    paging_init_cpu();
    syscall_init_cpu();
    fpu_init_cpu();
    lapic_init();
    time_init_this_cpu();
    /* Interrupts are still off; sched_start_cpu marks us online and
       switches to this CPU's idle thread, which turns them on. */
    sched_start_cpu();
}

/* The boot CPU's half of one start-up, with start_lock held. */
static int start_locked(int index, uint32_t apic_id)
{
    void *stack = vmap_alloc(AP_STACK_PAGES);
    if (!stack)
        return -ENOMEM;
    uint64_t stack_top = (uint64_t)stack + AP_STACK_PAGES * PAGE_SIZE;

    memset(&cpus[index], 0, sizeof cpus[index]);
    __atomic_store_n(&cpu_stage[index], STAGE_NONE, __ATOMIC_RELAXED);
    trampoline_install();
    *(volatile uint64_t *)param(AP_PARAM_STACK_TOP) = stack_top;
    *(volatile uint64_t *)param(AP_PARAM_CR3) = paging_kernel_root();
    *(volatile uint64_t *)param(AP_PARAM_EFER_SET) = paging_nx_supported() ? EFER_NXE : 0;
    *(volatile uint32_t *)param(AP_PARAM_CPU_INDEX) = (uint32_t)index;
    *(volatile uint32_t *)param(AP_PARAM_APIC_ID) = apic_id;
    *(volatile uint32_t *)param(AP_PARAM_LONG_MODE) = 0;
    /* x86 keeps stores in order (the uncached ICR write that sends the
       INIT comes after these), but the compiler need not: the fence stops
       it from sinking them past the send. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    uint64_t start = clock_ns();
    /* INIT, 10 ms, SIPI, 200 us, SIPI (SDM vol. 3A, 9.4.4.1). A CPU that
       took the first SIPI ignores the second, which is there for CPUs that
       miss one; skip it if this one already reached long mode. */
    lapic_send_init(apic_id);
    delay_ns(INIT_DELAY_NS);
    lapic_send_startup(apic_id, AP_TRAMPOLINE_PHYS);
    delay_ns(SIPI_DELAY_NS);
    if (!*(volatile uint32_t *)param(AP_PARAM_LONG_MODE))
        lapic_send_startup(apic_id, AP_TRAMPOLINE_PHYS);

    uint64_t deadline = start + SMP_START_TIMEOUT_MS * 1000000ull;
    while (!__atomic_load_n(&cpus[index].online, __ATOMIC_ACQUIRE)) {
        if (clock_ns() > deadline) {
            bool long_mode = *(volatile uint32_t *)param(AP_PARAM_LONG_MODE);
            int stage = __atomic_load_n(&cpu_stage[index], __ATOMIC_ACQUIRE);
            /* Park it again (INIT works whatever the CPU is doing) so that
               it cannot wake up later and run on a slot we hand to another. */
            __atomic_store_n(&cpu_stage[index], STAGE_NONE, __ATOMIC_RELEASE);
            lapic_send_init(apic_id);
            printk("smp: cpu %d (apic %u) did not start within %d ms (%s); skipped\n", index,
                   apic_id, SMP_START_TIMEOUT_MS,
                   stage == STAGE_KERNEL ? "it entered the kernel but never came online"
                   : long_mode           ? "it reached long mode but not the kernel"
                                         : "no sign of life");
            /* Its stack is not freed: if it was running, it may still use
               it until the INIT lands. 16 KiB per failure, which is rare. */
            memset(&cpus[index], 0, sizeof cpus[index]);
            return -ETIMEDOUT;
        }
        cpu_relax();
    }
    __atomic_store_n(&ncpus, index + 1, __ATOMIC_RELEASE);
    printk("smp: cpu %d: apic %u online (%lu us)\n", index, apic_id,
           (clock_ns() - start) / 1000);
    return 0;
}

int smp_start_cpu(int index, uint32_t apic_id)
{
    if (apic_id == APIC_ID_BROADCAST || apic_id > 0xFF)
        return -EINVAL;
    mutex_lock(&start_lock);
    int err = 0;
    if (index != ncpus || index >= MAX_CPUS)
        err = -EINVAL;
    for (int i = 0; i < ncpus && !err; i++)
        if (cpus[i].apic_id == apic_id)
            err = -EINVAL;
    if (!err)
        err = start_locked(index, apic_id);
    mutex_unlock(&start_lock);
    return err;
}

void smp_init(void)
{
    struct cpu *boot = this_cpu();
    ASSERT(boot->id == 0 && interrupts_enabled());
    /* kmain named the boot CPU apic 0 before the APIC was up; now ask it. */
    boot->apic_id = lapic_id();
    boot->online = true;
    __atomic_store_n(&cpu_stage[0], STAGE_KERNEL, __ATOMIC_RELEASE);
    printk("smp: cpu 0: apic %u online (boot CPU)\n", boot->apic_id);

    const struct acpi_madt_info *madt = acpi_madt();
    if (!madt) {
        printk("smp: 1 CPU online (no MADT: only the boot CPU runs)\n");
        return;
    }
    bool boot_listed = false;
    int wanted = 0;                     /* CPUs of the MADT that Spindle may start */
    for (int i = 0; i < madt->ncpus; i++) {
        uint32_t id = madt->apic_ids[i];
        if (id == boot->apic_id) {
            boot_listed = true;
            continue;
        }
        if (wanted + 1 >= MAX_CPUS) {
            printk("smp: the MADT lists %d CPUs; Spindle runs at most %d (MAX_CPUS)\n",
                   madt->ncpus, MAX_CPUS);
            break;
        }
        wanted++;
        if (id == APIC_ID_BROADCAST) {
            printk("smp: apic %u is the broadcast ID and cannot be started; skipped\n", id);
            continue;
        }
        smp_start_cpu(ncpus, id);
    }
    if (!boot_listed)
        printk("smp: the MADT does not list the boot CPU (apic %u)\n", boot->apic_id);
    int expected = wanted + 1;
    printk("smp: %d CPU%s online", ncpus, ncpus == 1 ? "" : "s");
    if (ncpus != expected)
        printk(" -- but the MADT lists %d: %d did not start", expected, expected - ncpus);
    printk("\n");
}

/* --- halting every CPU on a panic --------------------------------------- */

bool smp_halt_requested(void)
{
    /* Not for the requester itself: an NMI from elsewhere (a watchdog,
       LINT1) during its own panic must not silence the panic. */
    int requester = __atomic_load_n(&halt_requester, __ATOMIC_ACQUIRE);
    return requester >= 0 && (!this_cpu() || requester != this_cpu()->id);
}

void smp_halt_this_cpu(void)
{
    cli();
    /* GS is right even in an NMI: its entry is the paranoid one (trap_entry.S). */
    struct cpu *c = this_cpu();
    if (c && c->id >= 0 && c->id < MAX_CPUS)
        __atomic_store_n(&cpu_halted[c->id], true, __ATOMIC_RELEASE);
    /* The local APIC timer would only wake hlt to find IF clear; NMIs
       (a second halt request) come back here. */
    cpu_halt_forever();
}

int smp_halt_others(void)
{
    struct cpu *self = this_cpu();
    int me = self ? self->id : 0;
    __atomic_store_n(&halt_requester, me, __ATOMIC_RELEASE);
    bool sent[MAX_CPUS] = { false };
    for (int i = 0; i < MAX_CPUS; i++) {
        if (i == me || __atomic_load_n(&cpu_stage[i], __ATOMIC_ACQUIRE) != STAGE_KERNEL)
            continue;
        lapic_send_nmi(cpus[i].apic_id);
        sent[i] = true;
    }
    /* Wait for each to confirm, but not for ever: a CPU that cannot take
       the NMI (or a clock that does not run) must not hide the panic. */
    int missing = 0;
    uint64_t deadline = clock_ns() + HALT_TIMEOUT_NS;
    for (int i = 0; i < MAX_CPUS; i++) {
        if (!sent[i])
            continue;
        while (!__atomic_load_n(&cpu_halted[i], __ATOMIC_ACQUIRE) && clock_ns() < deadline)
            cpu_relax();
        if (!__atomic_load_n(&cpu_halted[i], __ATOMIC_ACQUIRE))
            missing++;
    }
    return missing;
}
