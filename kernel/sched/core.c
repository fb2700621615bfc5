/* The scheduler core: the part a scheduling lab never changes. It keeps
   thread states, calls the policy to queue and pick threads, and switches. */
#include "kernel/sched/sched.h"
#include "kernel/sched/policy.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sched/events.h"
#include "kernel/thread.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/cmdline.h"
#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/interrupts.h"

struct spinlock sched_lock = SPINLOCK_INIT("sched");
const struct sched_policy *sched_policy = &sched_policy_rr;

/* Every policy that sched=NAME can choose. Add yours here. */
static const struct sched_policy *const policies[] = {
    &sched_policy_rr,
    &sched_policy_fifo,
    &sched_policy_mlfq,
    &sched_policy_prio,
    &sched_policy_lottery,
    &sched_policy_stride,
};
#define NPOLICIES (sizeof policies / sizeof policies[0])

int sched_select_policy(const char *name)
{
    for (unsigned i = 0; i < NPOLICIES; i++) {
        if (!strcmp(policies[i]->name, name)) {
            sched_policy = policies[i];
            return 0;
        }
    }
    printk("cmdline: unknown scheduling policy sched=%s; known policies:\n", name);
    for (unsigned i = 0; i < NPOLICIES; i++)
        printk("  %-8s %s\n", policies[i]->name, policies[i]->description);
    return -1;
}

/* A reschedule IPI only has to interrupt: the switch happens at the
   preemption point at the end of trap_dispatch. */
static void resched_ipi(struct trap_frame *tf)
{
    (void)tf;
}

void sched_init(void)
{
    sched_policy->init();
    interrupt_register(VEC_IPI_RESCHED, resched_ipi);
}

/* How busy cpu is: threads waiting in its queue, plus one if it runs one. */
static int cpu_load(int cpu)
{
    struct cpu *c = &cpus[cpu];
    int load = sched_policy->queue_length(cpu);
    if (c->current && !c->current->is_idle)
        load++;
    return load;
}

static bool cpu_usable(int cpu)
{
    return __atomic_load_n(&cpus[cpu].online, __ATOMIC_ACQUIRE);
}

/* The CPU a runnable thread is queued on: the least loaded CPU it may run
   on, preferring the one it ran on last (its cache is warm there), then
   the one asking. Reading every CPU's load is O(CPUs), not O(threads). */
static int select_cpu(struct thread *t)
{
    int here = this_cpu()->id;
    int best = -1, best_load = 0;
    int prefer[2] = { t->cpu, here };
    for (int k = 0; k < 2; k++) {
        int cpu = prefer[k];
        if (cpu >= 0 && cpu < ncpus && cpu_usable(cpu) && thread_can_run_on(t, cpu)) {
            int load = cpu_load(cpu);
            if (best < 0 || load < best_load) {
                best = cpu;
                best_load = load;
            }
        }
    }
    for (int cpu = 0; cpu < ncpus; cpu++) {
        if (!cpu_usable(cpu) || !thread_can_run_on(t, cpu))
            continue;
        int load = cpu_load(cpu);
        if (best < 0 || load < best_load) {
            best = cpu;
            best_load = load;
        }
    }
    /* An affinity that names no online CPU is refused when it is set, so
       this only happens for a thread of a CPU still starting: run here. */
    return best >= 0 ? best : here;
}

/* Asks cpu to run the scheduler at its next interrupt exit; if that is
   another CPU, interrupts it now (a reschedule IPI) instead of waiting
   for its next tick. */
static void kick_cpu(int cpu)
{
    struct cpu *c = &cpus[cpu];
    /* need_resched, then (full barrier) polling: an idle CPU that is
       polling will see need_resched without an interrupt; one that has
       stopped polling re-checks need_resched before it halts (idle_wait). */
    __atomic_store_n(&c->need_resched, true, __ATOMIC_SEQ_CST);
    if (cpu != this_cpu()->id && !__atomic_load_n(&c->idle_polling, __ATOMIC_SEQ_CST))
        lapic_send_ipi(c->apic_id, VEC_IPI_RESCHED);
}

void sched_resched(int cpu)
{
    ASSERT(spin_holding(&sched_lock));
    kick_cpu(cpu);
}

void sched_make_runnable(struct thread *t, int reason)
{
    ASSERT(spin_holding(&sched_lock));
    ASSERT(!t->is_idle);
    int cpu = select_cpu(t);
    t->state = THREAD_RUNNABLE;
    t->cpu = cpu;
    t->runnable_since = clock_ns();
    sched_policy->enqueue(cpu, t, (enum enqueue_reason)reason);

    struct thread *running = cpus[cpu].current;
    if (running && (running->is_idle ||
                    (sched_policy->should_preempt && sched_policy->should_preempt(cpu, running, t))))
        kick_cpu(cpu);
}

bool sched_wake_locked(struct thread *t)
{
    ASSERT(spin_holding(&sched_lock));
    if (t->state != THREAD_BLOCKED && t->state != THREAD_SLEEPING)
        return false;
    sleepq_remove(t);                   /* if it also had a timeout */
    t->wait_channel = 0;
    struct thread *waker = this_cpu()->current;
    sched_make_runnable(t, ENQUEUE_WAKEUP);
    /* After: the event names the CPU the thread was queued on. */
    sched_event_record_queued(SCHED_EV_WAKE, this_cpu()->id, waker ? waker->tid : 0, t);
    return true;
}

/* An idle CPU takes a thread queued on the busiest other CPU (that may
   run here). sched_lock held: the thread is off its old CPU for sure. */
static struct thread *steal_work(int cpu)
{
    if (!sched_policy->steal)
        return 0;
    int busiest = -1, most = 0;
    for (int other = 0; other < ncpus; other++) {
        int waiting = other == cpu ? 0 : sched_policy->queue_length(other);
        if (waiting > most) {
            busiest = other;
            most = waiting;
        }
    }
    if (busiest < 0)
        return 0;
    struct thread *t = sched_policy->steal(busiest, cpu);
    if (t)
        t->cpu = cpu;
    return t;
}

/* True if some other CPU has threads waiting that an idle cpu could take. */
static bool work_elsewhere(int cpu)
{
    for (int other = 0; other < ncpus; other++)
        if (other != cpu && sched_policy->queue_length(other) > 0)
            return true;
    return false;
}

/* Preconditions every switch checks, as Chickadee's scheduler does: the
   scheduler lock is the only lock held, interrupts are off, and we stand on
   the current thread's own stack. */
static void assert_switch_invariants(struct cpu *c, struct thread *prev)
{
    if (!spin_holding(&sched_lock))
        panic("sched: switch without the scheduler lock");
    const char *other = spin_held_other_than(&sched_lock);
    if (other)
        panic("sched: thread '%s' blocked or switched while holding spinlock '%s'",
              prev->name, other);
    if (c->irq_off_depth != 1 || interrupts_enabled())
        panic("sched: switch with interrupt-disable depth %d", c->irq_off_depth);
    uint64_t sp = (uint64_t)__builtin_frame_address(0);
    uint64_t base = (uint64_t)prev->kstack_base;
    if (sp < base || sp >= base + prev->kstack_size)
        panic("sched: thread '%s' is not on its own kernel stack (rsp %lx)", prev->name, sp);
    if (prev->magic != THREAD_MAGIC)
        panic("sched: thread control block of '%s' is corrupt", prev->name);
}

void sched_switch(enum switch_reason reason)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->current;
    assert_switch_invariants(c, prev);
    uint64_t now = clock_ns();

    if (prev->state == THREAD_RUNNING) {
        /* Preempted or yielding: it stays runnable -- here, unless its
           affinity changed and it may no longer run on this CPU. */
        prev->state = THREAD_RUNNABLE;
        prev->runnable_since = now;
        if (!prev->is_idle) {
            enum enqueue_reason why = reason == SWITCH_YIELD ? ENQUEUE_YIELD : ENQUEUE_PREEMPT;
            if (thread_can_run_on(prev, c->id))
                sched_policy->enqueue(c->id, prev, why);
            else
                sched_make_runnable(prev, ENQUEUE_MIGRATE);
        }
    }
    c->need_resched = false;

    struct thread *next = sched_policy->pick_next(c->id);
    if (!next)
        next = steal_work(c->id);
    if (!next)
        next = c->idle;
    if (next == prev) {
        prev->state = THREAD_RUNNING;   /* nothing better to run: carry on */
        return;
    }

    if (reason == SWITCH_PREEMPT)
        prev->involuntary_switches++;
    else if (reason != SWITCH_EXIT)
        prev->voluntary_switches++;
    next->state = THREAD_RUNNING;
    next->cpu = c->id;
    next->times_scheduled++;
    next->runnable_ns += now - next->runnable_since;
    next->last_run_ns = now;
    next->last_run_tick = timer_ticks();
    sched_event_record(SCHED_EV_SWITCH, c->id, prev->tid, next->tid, reason);

    c->current = next;
    context_prepare_switch(c, prev, next);
    /* Whether interrupts were on before sched_lock was taken belongs to
       this thread, not to the CPU: keep it across the switch (xv6's intena). */
    bool irq_enabled_before = c->irq_enabled_before;
    context_switch(&prev->kernel_sp, next->kernel_sp);
    /* Back in prev, maybe on another CPU, with sched_lock held. */
    this_cpu()->irq_enabled_before = irq_enabled_before;
}

void sched_block(enum thread_state state, const char *channel, struct spinlock *lock)
{
    sched_block_until(state, channel, lock, 0);
}

void sched_block_until(enum thread_state state, const char *channel, struct spinlock *lock,
                       uint64_t wake_tick)
{
    struct thread *t = this_cpu()->current;
    ASSERT(state == THREAD_BLOCKED || state == THREAD_SLEEPING);
    ASSERT(spin_holding(lock));
    const char *other = spin_held_other_than(lock);
    if (other)
        panic("sched: thread '%s' blocked on '%s' while holding spinlock '%s'",
              t->name, channel, other);
    if (lock != &sched_lock) {
        /* Take sched_lock before letting go of lock: a waker needs lock to
           find us and then sched_lock to wake us, so it cannot slip in
           between and be lost. */
        spin_lock(&sched_lock);
        spin_unlock(lock);
    }
    /* A kill sets kill_pending under sched_lock, so checking here, with
       it held, cannot miss one that comes just before we sleep. */
    bool killed = t->interruptible && t->kill_pending;
    bool expired = wake_tick && wake_tick <= timer_ticks();
    if (!killed && !expired) {
        if (wake_tick)
            sleepq_add(t, wake_tick);
        t->state = state;
        t->wait_channel = channel;
        sched_switch(SWITCH_BLOCK);
    }
    if (lock != &sched_lock) {
        spin_unlock(&sched_lock);
        spin_lock(lock);
    }
}

void sched_tick(void)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    if (!t)
        return;                 /* before the first thread exists */
    spin_lock(&sched_lock);
    if (c->id == 0)
        sleepq_wake_expired(timer_ticks());
    if (t->is_idle) {
        c->idle_ticks++;
        /* Load balancing: an idle CPU looks for waiting threads on every
           tick (new and woken threads are placed well already; this
           catches queues that grew while it slept). */
        if (work_elsewhere(c->id))
            c->need_resched = true;
    } else {
        t->ticks_run++;
        if (sched_policy->tick(c->id, t))
            c->need_resched = true;
    }
    if (sched_policy->cpu_tick)
        sched_policy->cpu_tick(c->id);
    spin_unlock(&sched_lock);
}

void sched_preempt_if_needed(void)
{
    struct cpu *c = this_cpu();
    /* An interrupt can only arrive with interrupts on, so no spinlock is
       held here; the check is for the record (and for callers other than
       the interrupt exit). */
    if (!c->need_resched || !c->current || c->spinlocks_held != 0)
        return;
    spin_lock(&sched_lock);
    sched_switch(SWITCH_PREEMPT);
    spin_unlock(&sched_lock);
}

void sched_start_cpu(void)
{
    struct cpu *c = this_cpu();
    struct thread *idle = thread_create_idle(c->id);
    spin_lock(&sched_lock);
    c->idle = idle;
    c->current = idle;
    idle->state = THREAD_RUNNING;
    context_prepare_switch(c, 0, idle);
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    /* Leave the start-up stack for the idle thread's own; it releases
       sched_lock and turns interrupts on (idle_start in thread.c). */
    uint64_t abandoned_sp;
    context_switch(&abandoned_sp, idle->kernel_sp);
    panic("sched_start_cpu: returned to the start-up stack of CPU %d", c->id);
}

/*
 * Waits for a reason to run the scheduler. Under a hypervisor (QEMU here)
 * `hlt` puts the virtual CPU's host thread to sleep, and waking it costs
 * tens of microseconds -- often more than the work the CPU is woken for
 * (a thread on another CPU handing over a futex). So an idle CPU may first
 * poll need_resched, marked as polling so that a waker need not send an
 * IPI; only then does it halt.
 *
 * Polling costs host CPU, which hurts when the host has fewer cores than
 * there are virtual CPUs: a polling CPU keeps a busy one off the host. So
 * the window adapts per CPU, as Linux's haltpoll does: it doubles (up to
 * idlepoll= us) when work came while polling, or during a halt shorter
 * than the window would have been, and halves when a poll ran out with
 * nothing to do. A CPU that is handed work back and forth polls; one that
 * waits long does not.
 */
#define POLL_GROW_START_NS 4000         /* the window after it had shrunk to 0 */

static void idle_wait(struct cpu *c)
{
    uint64_t max_ns = (uint64_t)boot_params.idle_poll_us * 1000;
    uint64_t window = c->idle_poll_ns < max_ns ? c->idle_poll_ns : max_ns;
    /* Interrupts off while polling (an interrupt waits at most one window):
       an interrupt could otherwise switch this CPU to a thread while it is
       still marked polling, and wakers would skip the IPI it then needs. */
    cli();
    if (window) {
        __atomic_store_n(&c->idle_polling, true, __ATOMIC_SEQ_CST);
        uint64_t until = clock_ns() + window;
        while (!__atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE) && clock_ns() < until)
            cpu_relax();
        /* Stop polling, then (full barrier) check once more: a waker that
           saw us polling set need_resched first (kick_cpu). */
        __atomic_store_n(&c->idle_polling, false, __ATOMIC_SEQ_CST);
    }
    if (__atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE)) {
        sti();
        if (window)                     /* the poll paid off */
            c->idle_poll_ns = window * 2 < max_ns ? window * 2 : max_ns;
        return;
    }
    uint64_t halted = clock_ns();
    /* sti takes effect after the next instruction, so no interrupt can
       slip in between the check and the hlt (Intel SDM vol. 2B, STI). */
    __asm__ volatile("sti; hlt" ::: "memory");
    halted = clock_ns() - halted;
    if (max_ns && halted < max_ns && __atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE)) {
        /* Work came soon after we halted: a longer poll would have caught it. */
        uint64_t grown = window ? window * 2 : POLL_GROW_START_NS;
        c->idle_poll_ns = grown < max_ns ? grown : max_ns;
    } else if (window) {
        c->idle_poll_ns = window / 2 >= 1000 ? window / 2 : 0;     /* polled for nothing */
    }
}

void sched_idle_loop(void)
{
    for (;;) {
        thread_reap();
        struct cpu *c = this_cpu();
        if (__atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE)) {
            spin_lock(&sched_lock);
            sched_switch(SWITCH_YIELD);
            spin_unlock(&sched_lock);
        } else {
            idle_wait(c);
        }
    }
}
