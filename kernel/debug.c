/* debug_stop_here: stopping the whole machine at a known point for GDB
   (the gdb-target test and docs/debugging.md use it). */
#include "kernel/debug.h"
#include "kernel/printk.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/x86.h"

void debug_stop_here(const char *why)
{
    cli();
    /* The other CPUs first, so that once the line below is out nothing in
       the machine changes any more: a debugger that attaches after seeing
       it finds the same state however long it takes to start. */
    smp_halt_others();
    /* A stopped CPU may have held the console lock: print without it, as
       a panic does (the machine never prints anything else again). */
    printk_panic_mode();
    struct cpu *c = this_cpu();
    printk("debug: stopped (%s) on cpu %d: every CPU halted\n", why, c ? c->id : 0);
    cpu_halt_forever();
}
