/* kmain: the machine-independent boot sequence, in the order a reader should
   follow it: console, command line, CPU tables, memory, interrupts, timer, then work. */
#include "kernel/multiboot.h"
#include "kernel/clock_page.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/power.h"
#include "kernel/ktest.h"
#include "kernel/version.h"
#include "kernel/monitor.h"
#include "kernel/programs.h"
#include "arch/x86_64/usermode.h"
#include "arch/x86_64/fpu.h"
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
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/uart.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"

static const char *loader_cmdline(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MB_INFO_CMDLINE) || !mbi->cmdline)
        return "";
    return phys_to_virt(mbi->cmdline);
}

/* Starts user space: the program init (pid 1) with the words after "--"
   as its arguments, and powers off if init ever ends. */
static __attribute__((noreturn)) void run_init(void)
{
    char *argv[CMDLINE_MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "init";
    for (int i = 0; i < boot_params.prog_argc; i++)
        argv[argc++] = boot_params.prog_argv[i];
    int pid = process_spawn("init", argc, argv, &kernel_process);
    if (pid < 0)
        panic("kmain: cannot start init: error %d", pid);
    int status = 0;
    process_wait(pid, &status);
    printk("kmain: init ended with status %d\n", status);
    power_off(status > 123 ? 123 : status);
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
    cpu_init_percpu(0, 0);
    uart_init();
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("kmain: bad multiboot magic 0x%x", magic);
    const struct multiboot_info *mbi = phys_to_virt(mbi_phys);

    bool bad_cmdline = cmdline_parse(loader_cmdline(mbi)) < 0;
    if (sched_select_policy(boot_params.sched) < 0) {
        bad_cmdline = true;
        boot_params.sched = "rr";
        sched_select_policy(boot_params.sched);
    }
    if (bad_cmdline) {
        /* A run that asked for something exact (a test, a program) stops
           with a status a script can see; a person at the shell gets the
           error and a kernel that boots with the other settings. */
        if (boot_params.test || boot_params.prog_argc > 0)
            power_off(POWEROFF_USAGE);
        printk("cmdline: booting without the settings above\n");
    }

    /* CPU tables first, so that any fault from here on is a clear panic;
       then the user-mode entry points (syscall MSRs, SSE for user code). */
    gdt_init_cpu(this_cpu());
    idt_init();
    syscall_init_cpu();
    fpu_init_cpu();

    /* Memory: frames, then page tables (which need frames), then the heap. */
    pmm_init(mbi);
    paging_init();
    kheap_init();

    /* ACPI's MADT: the CPUs to start later, and the I/O APIC's address and
       ISA overrides, which interrupts_init needs (docs/smp.md). */
    acpi_init();

    /* Interrupt controllers and the timer; interrupts are on after this. */
    interrupts_init();

    /* The clock's parameters on the page every process maps read-only
       (docs/clock-page.md): the clock runs from here on. */
    clock_page_init();

    /* Threads: the kernel process, the policy, and kmain itself becomes
       the first thread ("main"), with an idle thread beside it. */
    process_init();
    sched_init();
    thread_init();
    console_on_ctrl_p(thread_dump);

    /* The other CPUs (docs/smp.md): each joins the scheduler with its own
       idle thread; the banner below gives the number online. */
    smp_init();

    printk("Spindle %s (x86-64): %d CPU%s, %lu MiB RAM, cmdline '%s'\n", SPINDLE_VERSION,
           ncpus, ncpus == 1 ? "" : "s", pmm_ram_bytes() >> 20, boot_params.raw);

    if (boot_params.test)
        ktest_run(boot_params.test);
    if (program_find("init"))
        run_init();
    monitor_run();                      /* a kernel built without user programs */
}
