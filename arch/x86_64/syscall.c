/* The C side of the syscall entry: run the call (syscall_run turns
   interrupts on for all but the quick ones), then the work due before
   returning to user mode, and choose sysret or iretq. */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/memlayout.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/sched/sched.h"

int syscall_dispatch(struct trap_frame *tf);

/* Returns 0 to leave by sysret, 1 to leave by iretq (trap_return). */
int syscall_dispatch(struct trap_frame *tf)
{
    struct syscall_args a = { { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 } };
    tf->rax = (uint64_t)syscall_run(tf->rax, &a);
    cli();
    /* Both checks inline, and the calls only when there is work: under
       QEMU's TCG a call and its return cost more than the tests
       (syscall_getpid 168 -> 155 ns). */
    if (this_cpu()->need_resched)
        sched_preempt_if_needed();
    if (thread_current()->kill_pending)
        thread_user_return();
    /* sysret to a non-canonical rip would fault in ring 0 with the user's
       stack (Intel SDM vol. 2B, SYSRET); iretq faults in ring 3 instead. */
    return tf->rip >= USER_TOP;
}
