/* Tests of interrupt dispatch: a vector with no handler is reported and
   acknowledged, the kernel (and its timer) keeps running, and a panic in a
   handler has a backtrace through the interrupted code. */
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/x86.h"

#define UNUSED_SOFTWARE_VECTOR 0x80
#define UNUSED_APIC_VECTOR     0x50     /* priority class 5: above the timer's 4 */

KTEST(test_interrupt_unhandled, "interrupt-unhandled")
{
    KT_ASSERT(interrupts_enabled());
    uint64_t before = interrupt_count(UNUSED_SOFTWARE_VECTOR);
    /* A software interrupt: not from the APIC, so it must get no EOI. */
    __asm__ volatile("int $0x80" ::: "memory");
    __asm__ volatile("int $0x80" ::: "memory");
    KT_ASSERT_EQ(interrupt_count(UNUSED_SOFTWARE_VECTOR), before + 2);
    KT_ASSERT(interrupts_enabled());        /* iretq restored IF */

    /* The same vector number delivered by the local APIC: it is in
       service until an EOI. Without the EOI the APIC would hold back every
       interrupt of equal or lower priority, the timer (0x40) included. */
    lapic_send_self_ipi(UNUSED_APIC_VECTOR);
    uint64_t deadline = clock_ns() + 2000000000ull;
    while (interrupt_count(UNUSED_APIC_VECTOR) == 0 && clock_ns() < deadline)
        cpu_relax();
    KT_ASSERT_EQ(interrupt_count(UNUSED_APIC_VECTOR), 1);

    uint64_t ticks = timer_ticks();
    while (timer_ticks() < ticks + 3 && clock_ns() < deadline)
        cpu_relax();
    KT_ASSERT_GE(timer_ticks(), ticks + 3);
}

#define PANICKING_VECTOR 0x51

static void panicking_handler(struct trap_frame *tf)
{
    panic("interrupt-backtrace: handler of vector 0x%lx", tf->vector);
}

/* A panic inside an interrupt handler: the entry code links a frame for
   the interrupted rip into the frame-pointer chain, so the backtrace walks
   handler -> trap_dispatch -> the interrupted function (this test, which
   the runner requires it to name) -> its callers. */
KTEST(test_interrupt_backtrace, "interrupt-backtrace",
      .expect_panic = "PANIC: interrupt-backtrace: handler of vector 0x51")
{
    interrupt_register(PANICKING_VECTOR, panicking_handler);
    __asm__ volatile("int $0x51" ::: "memory");
}
