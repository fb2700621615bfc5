/* kmain: the machine-independent boot sequence, in the order a reader should
   follow it: console, command line, CPU tables, memory, interrupts, timer, then work. */
#include "kernel/multiboot.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/power.h"
#include "kernel/ktest.h"
#include "kernel/version.h"
#include "kernel/monitor.h"
#include "kernel/console.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/kheap.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/uart.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"

static const char *loader_cmdline(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MB_INFO_CMDLINE) || !mbi->cmdline)
        return "";
    return phys_to_virt(mbi->cmdline);
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
    cpu_init_percpu(0, 0);
    uart_init();
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("kmain: bad multiboot magic 0x%x", magic);
    const struct multiboot_info *mbi = phys_to_virt(mbi_phys);

    if (cmdline_parse(loader_cmdline(mbi)) < 0 || sched_select_policy(boot_params.sched) < 0)
        power_off(POWEROFF_USAGE);

    /* CPU tables first, so that any fault from here on is a clear panic. */
    gdt_init_cpu(this_cpu());
    idt_init();

    /* Memory: frames, then page tables (which need frames), then the heap. */
    pmm_init(mbi);
    paging_init();
    kheap_init();

    /* Interrupt controllers and the timer; interrupts are on after this. */
    interrupts_init();

    /* Threads: the kernel process, the policy, and kmain itself becomes
       the first thread ("main"), with an idle thread beside it. */
    process_init();
    sched_init();
    thread_init();
    console_on_ctrl_p(thread_dump);

    printk("Spindle %s (x86-64): %d CPU%s, %lu MiB RAM, cmdline '%s'\n", SPINDLE_VERSION,
           ncpus, ncpus == 1 ? "" : "s", pmm_ram_bytes() >> 20, boot_params.raw);

    if (boot_params.test)
        ktest_run(boot_params.test);
    monitor_run();
}
