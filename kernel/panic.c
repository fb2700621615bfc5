/* Kernel panic: print why, the registers and a backtrace exactly once,
   then power off (status POWEROFF_PANIC) so a test or a student sees it at once. */
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/power.h"
#include "kernel/cmdline.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"

static volatile int panicking;

bool panic_in_progress(void)
{
    return __atomic_load_n(&panicking, __ATOMIC_ACQUIRE) != 0;
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
    if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
        /* A second panic (for example a fault while printing the first):
           say so briefly and stop, rather than recurse. */
        printk_panic_mode();
        printk("PANIC: nested panic while panicking: ");
        vprintk(fmt, ap);
        printk("\n");
        power_off(POWEROFF_PANIC);
    }
    printk_panic_mode();
    printk("\nPANIC: ");
    vprintk(fmt, ap);
    printk(" [cpu %d]\n", this_cpu() ? this_cpu()->id : -1);
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
