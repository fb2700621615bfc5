/* Kernel panic: print why, the registers and a backtrace exactly once,
   then power off (status POWEROFF_PANIC) so a test or a student sees it at once. */
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/power.h"
#include "kernel/cmdline.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/x86.h"

/* The id of the CPU that is panicking, or -1. With several CPUs, one
   panic at a time: the first CPU to claim it prints; the others stop. */
static int panicking_cpu = -1;

bool panic_in_progress(void)
{
    return __atomic_load_n(&panicking_cpu, __ATOMIC_ACQUIRE) != -1;
}

static __attribute__((noreturn)) void panic_finish(const struct trap_frame *tf)
{
    printk("registers:\n");
    regs_print(tf);
    backtrace_print(tf->rip, tf->rbp);
    printk("PANIC END\n");
    if (boot_params.panic_halt)
        cpu_halt_forever();
    power_off(POWEROFF_PANIC);
}

/* Prints the first line; returns only for the first panic on the machine. */
static void panic_begin(const char *fmt, va_list ap)
{
    cli();
    int me = this_cpu() ? this_cpu()->id : 0;
    int first = -1;
    if (!__atomic_compare_exchange_n(&panicking_cpu, &first, me, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST)) {
        if (first != me) {
            /* SMP: another CPU panicked first and is stopping every CPU
               to print its message alone: stop here, quietly. */
            smp_halt_this_cpu();
        }
        /* A second panic on this CPU (for example a fault while printing
           the first): say so briefly and stop, rather than recurse. */
        printk_panic_mode();
        printk("PANIC: nested panic while panicking: ");
        vprintk(fmt, ap);
        printk("\n");
        power_off(POWEROFF_PANIC);
    }
    /* SMP: stop the other CPUs (NMI) before printing, so that the message
       comes out once and whole, not interleaved with their output. Panic
       mode then prints without the console lock, which a stopped CPU may hold. */
    int not_stopped = smp_halt_others();
    printk_panic_mode();
    printk("\nPANIC: ");
    vprintk(fmt, ap);
    printk(" [cpu %d]\n", this_cpu() ? this_cpu()->id : -1);
    if (not_stopped)
        printk("panic: %d other CPU%s did not confirm that %s stopped\n", not_stopped,
               not_stopped == 1 ? "" : "s", not_stopped == 1 ? "it" : "they");
}

void panic(const char *fmt, ...)
{
    struct trap_frame tf;
    regs_capture(&tf);
    va_list ap;
    va_start(ap, fmt);
    panic_begin(fmt, ap);
    va_end(ap);
    panic_finish(&tf);
}

void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_begin(fmt, ap);
    va_end(ap);
    panic_finish(tf);
}
