/* trap_dispatch: where every interrupt and exception arrives in C. Exceptions
   go to exceptions.c; interrupts to the handler registered for their vector. */
#include "arch/x86_64/trap.h"
#include "kernel/sched/sched.h"
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/park.h"
#include "kernel/thread.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/exceptions.h"
#include "arch/x86_64/lapic.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/ksyms.h"
#include <stddef.h>

_Static_assert(offsetof(struct trap_frame, vector) == TF_VECTOR, "TF_VECTOR");
_Static_assert(offsetof(struct trap_frame, error_code) == TF_ERROR_CODE, "TF_ERROR_CODE");
_Static_assert(offsetof(struct trap_frame, rip) == TF_RIP, "TF_RIP");
_Static_assert(offsetof(struct trap_frame, cs) == TF_CS, "TF_CS");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");
_Static_assert(TF_SIZE % 16 == 0, "the trap frame must keep the stack 16-byte aligned");

#define VECTORS 256

/* Written at boot (before the vector can fire), read by every CPU. */
static interrupt_handler_t handlers[VECTORS];
static uint64_t counts[VECTORS];
static uint8_t reported[VECTORS];   /* unhandled vectors already printed */

void interrupt_register(uint8_t vector, interrupt_handler_t fn)
{
    ASSERT(vector >= EXCEPTION_VECTORS && vector != VEC_SPURIOUS);
    ASSERT(!handlers[vector] || handlers[vector] == fn);
    __atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
}

uint64_t interrupt_count(uint8_t vector)
{
    return __atomic_load_n(&counts[vector], __ATOMIC_RELAXED);
}

/* An interrupt nobody asked for: say so once per vector and go on. A
   device interrupt that is never acknowledged at the device may come
   again; the count in `stats` shows that without flooding the console. */
static void interrupt_unhandled(struct trap_frame *tf)
{
    if (!__atomic_exchange_n(&reported[tf->vector], 1, __ATOMIC_RELAXED)) {
        uint64_t offset;
        const char *where = ksym_lookup(tf->rip, &offset);
        printk("interrupt: vector 0x%lx has no handler (at %s+0x%lx); ignored, reported once\n",
               tf->vector, where ? where : "??", where ? offset : tf->rip);
    }
    /* Only an interrupt the local APIC delivered is in service there and
       wants an EOI; a software `int n` is not, and an EOI now would end
       some other interrupt's service instead. */
    if (lapic_in_service((uint8_t)tf->vector))
        lapic_eoi();
}

void trap_dispatch(struct trap_frame *tf)
{
    uint64_t vector = tf->vector;
    /* NMIs carry TLB shootdown requests (arch/x86_64/tlb.c) and wake CPUs
       parked on a spinlock (park.c). One NMI may stand for several
       senders, so every reason is checked; a panic elsewhere goes on to
       exception_handle, which halts this CPU, and so does an NMI nobody
       sent, which is reported. */
    if (vector == EXC_NMI) {
        bool woken = nmi_park_wake(tf);
        bool flushed = tlb_nmi();
        if (!panic_in_progress() && (woken || flushed || nmi_expected()))
            return;
    }
    if (vector < EXCEPTION_VECTORS) {
        exception_handle(tf);
        return;
    }
    __atomic_fetch_add(&counts[vector], 1, __ATOMIC_RELAXED);
    if (vector == VEC_SPURIOUS) {
        /* The APIC withdrew an interrupt it had begun to deliver; a
           spurious interrupt is not in service and gets no EOI
           (SDM vol. 3A, "Spurious Interrupt"). */
        return;
    }
    interrupt_handler_t fn = __atomic_load_n(&handlers[vector], __ATOMIC_ACQUIRE);
    if (fn) {
        fn(tf);
        lapic_eoi();
    } else {
        interrupt_unhandled(tf);
    }

    /* The preemption point. On the way out of an interrupt, after the EOI
       (so the next tick can come while another thread runs): if the timer
       tick asked for it (this_cpu()->need_resched) and this CPU holds no
       spinlock, the scheduler switches threads here. The frame stays on
       this thread's kernel stack and is resumed by trap_return when it
       runs again. */
    sched_preempt_if_needed();
    if ((tf->cs & 3) == 3)
        thread_user_return();       /* its process may be ending */
}
