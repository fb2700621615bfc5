/* Kernel threads: creating a TCB and its kernel stack, exit and join, yield,
   sleep, priorities, and the thread tables. Scheduling itself is in sched/. */
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/policy.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sched/events.h"
#include "kernel/sync/donation.h"
#include "kernel/sync/mutex.h"
#include "kernel/mm/kheap.h"
#include "kernel/kstack.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/abi.h"
#include "lib/string.h"
#include "lib/format.h"
#include "lib/thread_format.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/usermode.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/interrupts.h"

/* Every thread, and a hash table from tid to thread; both under sched_lock. */
static struct list all_threads = LIST_INIT(all_threads);
#define TID_BUCKETS 256
static struct list tid_table[TID_BUCKETS];
static int next_tid = 1;
static int nthreads;

/* Exited threads whose kernel stacks are still to be freed: a thread
   cannot free the stack it stands on, so someone else does it later. */
static struct list reap_list = LIST_INIT(reap_list);

/* The boot thread runs on the boot stack (boot.S), which has no guard page. */
extern char boot_stack[], boot_stack_top[];
static struct thread boot_thread;

const char *thread_state_name(enum thread_state s)
{
    switch (s) {
    case THREAD_RUNNABLE: return "runnable";
    case THREAD_RUNNING: return "running";
    case THREAD_BLOCKED: return "blocked";
    case THREAD_SLEEPING: return "sleeping";
    case THREAD_ZOMBIE: return "zombie";
    }
    return "?";
}

struct thread *thread_current(void)
{
    return this_cpu()->current;
}

/* The thread with this tid, or NULL. sched_lock held. */
static struct thread *find_thread(int tid)
{
    if (tid <= 0)
        return 0;                       /* tids start at 1; idle threads have 0 */
    list_for_each(n, &tid_table[tid % TID_BUCKETS]) {
        struct thread *t = list_entry(n, struct thread, tid_node);
        if (t->tid == tid)
            return t;
    }
    return 0;
}

/* Fills in a new TCB and enters it in the tables. sched_lock held. */
static void register_thread(struct thread *t, const char *name, struct process *p)
{
    t->magic = THREAD_MAGIC;
    t->tid = next_tid++;
    strlcpy(t->name, name, sizeof t->name);
    t->process = p;
    t->priority = t->base_priority = PRIORITY_DEFAULT;
    t->donated_priority = -1;
    t->tickets = TICKETS_DEFAULT;
    if (!t->affinity)
        t->affinity = ~0ull;            /* unless set before: every CPU */
    t->cpu = -1;                        /* never ran: any CPU is as good */
    list_node_init(&t->run_node);
    list_node_init(&t->wait_node);
    list_node_init(&t->sleep_node);
    mutex_thread_init(t);
    list_push_back(&all_threads, &t->all_node);
    list_push_back(&tid_table[t->tid % TID_BUCKETS], &t->tid_node);
    list_push_back(&p->threads, &t->process_node);
    p->nthreads++;
    nthreads++;
}

/* Takes a thread out of the tables. sched_lock held. */
static void unregister_thread(struct thread *t)
{
    list_remove(&t->all_node);
    list_remove(&t->tid_node);
    list_remove(&t->process_node);
    t->process->nthreads--;
    nthreads--;
}

/* Where every new thread begins, on its own stack, with sched_lock held
   by the switch that brought it here (sched_switch). */
static void thread_start(struct thread *t)
{
    /* The new thread owns the CPU now: it releases the lock the previous
       thread took, with interrupts on once it is released. */
    this_cpu()->irq_enabled_before = true;
    spin_unlock(&sched_lock);
    thread_exit(t->fn(t->arg));
}

/*
 * A thread's memory is one vmap area (an unmapped guard page below it):
 *
 *     base                                         base + KSTACK_SIZE
 *     | kernel stack, growing down <---   | struct thread (the TCB) |
 *
 * The TCB sits at the top, so that a switch touches one page per thread
 * (its TCB and the top of its stack), not two: with 1,000 threads that
 * keeps switching as cheap as with 10. An overflowing stack runs down
 * into the guard page, away from the TCB.
 */
static struct thread *thread_alloc_memory(void)
{
    uint8_t *base = kstack_alloc();             /* zeroed */
    if (!base)
        return 0;
    uint64_t top = (uint64_t)base + KSTACK_SIZE;
    struct thread *t = (struct thread *)((top - sizeof(struct thread)) & ~63ull);
    t->kstack_base = base;
    t->kstack_size = (uint64_t)t - (uint64_t)base;
    return t;
}

/* Frees a thread's TCB, its kernel stack and its FPU state. The thread must
   be off its stack for good (a zombie seen under sched_lock). Must not
   hold sched_lock: freeing memory takes other locks. */
static void thread_free(struct thread *t)
{
    ASSERT(t != &boot_thread);
    kfree(t->fpu_state);
    t->magic = 0;
    kstack_free(t->kstack_base);
}

/* Allocates a TCB and a guarded kernel stack; NULL when out of memory. */
static struct thread *thread_alloc(thread_fn fn, void *arg)
{
    struct thread *t = thread_alloc_memory();
    if (!t)
        return 0;
    t->fn = fn;
    t->arg = arg;
    t->kernel_sp = context_init_stack((uint64_t)t, thread_start, t);
    return t;
}

/* Allocates, registers in p and makes runnable a new thread running fn(arg);
   before it becomes runnable, setup(t) (if not NULL) may fill in fields.
   Its priority is priority, or (if -1) the caller's base priority.
   Returns its tid or a negative error. */
static int thread_spawn(struct process *p, const char *name, thread_fn fn, void *arg,
                        void (*setup)(struct thread *t, void *ctx), void *ctx, int priority)
{
    thread_reap();
    struct thread *t = thread_alloc(fn, arg);
    if (!t)
        return -ENOMEM;
    if (p != &kernel_process) {
        /* A user thread: it gets its own FPU/SSE registers. */
        t->fpu_state = kmalloc(FPU_STATE_SIZE);
        if (!t->fpu_state) {
            thread_free(t);
            return -ENOMEM;
        }
        fpu_init_state(t->fpu_state);
    }
    if (setup)
        setup(t, ctx);
    struct thread *parent = thread_current();
    spin_lock(&sched_lock);
    register_thread(t, name, p);
    if (p != &kernel_process)
        p->live_threads++;
    if (priority < 0 && parent)
        priority = parent->base_priority;   /* not a donation it may have now */
    if (priority >= 0)
        t->priority = t->base_priority = priority;
    t->nice = parent ? parent->nice : 0;    /* before thread_init: mlfq reads it */
    if (sched_policy->thread_init)
        sched_policy->thread_init(t, parent);
    int tid = t->tid;
    sched_make_runnable(t, ENQUEUE_NEW);
    sched_event_record_queued(SCHED_EV_NEW, this_cpu()->id, parent ? parent->tid : 0, t);
    spin_unlock(&sched_lock);
    /* The policy may want the new thread to run before us (sched=prio). */
    thread_preempt_point();
    return tid;
}

int thread_create(const char *name, thread_fn fn, void *arg)
{
    if (!fn || !name)
        return -EINVAL;
    return thread_spawn(&kernel_process, name, fn, arg, 0, 0, -1);
}

static void set_affinity(struct thread *t, void *mask)
{
    t->affinity = *(uint64_t *)mask;
}

int thread_create_on(const char *name, thread_fn fn, void *arg, uint64_t affinity)
{
    if (!fn || !name || !affinity)
        return -EINVAL;
    return thread_spawn(&kernel_process, name, fn, arg, set_affinity, &affinity, -1);
}

int thread_create_priority(const char *name, thread_fn fn, void *arg, uint64_t affinity,
                           int priority)
{
    if (!fn || !name || !affinity || priority < PRIORITY_MIN || priority > PRIORITY_MAX)
        return -EINVAL;
    return thread_spawn(&kernel_process, name, fn, arg, set_affinity, &affinity, priority);
}

/* A user thread's first code: it leaves the kernel for good (system calls
   and interrupts come back in at the top of its kernel stack). */
static long enter_user_mode(void *arg)
{
    (void)arg;
    struct thread *t = thread_current();
    usermode_enter(t->user_entry, t->user_arg, t->user_stack);
}

static void set_user_start(struct thread *t, void *ctx)
{
    const struct user_thread_start *u = ctx;
    t->user_entry = u->entry;
    t->user_arg = u->arg;
    t->user_stack = u->stack;
    t->fs_base = u->fs_base;
    t->user_stack_low = u->stack_low;
    t->user_stack_high = u->stack_high;
}

int thread_create_user(struct process *p, const char *name, uint64_t entry, uint64_t arg,
                       uint64_t stack)
{
    struct user_thread_start u = { .entry = entry, .arg = arg, .stack = stack };
    return thread_create_user_with(p, name, &u);
}

int thread_create_user_with(struct process *p, const char *name, const struct user_thread_start *start)
{
    return thread_spawn(p, name, enter_user_mode, 0, set_user_start, (void *)start, -1);
}

void thread_user_return(void)
{
    struct thread *t = thread_current();
    if (t->kill_pending) {
        sti();
        thread_exit(0);
    }
}

/* Threads taken off reap_list whose memory is still being freed (on any
   CPU): freeing a stack waits for other CPUs' TLBs, so it takes a while.
   Both under sched_lock; thread_reap_all sleeps on reaps_done until none
   is left. */
static int reaps_in_flight;
static struct wait_queue reaps_done = WAIT_QUEUE_INIT(reaps_done);

void thread_reap(void)
{
    process_reap();
    bool freed = false;
    for (;;) {
        spin_lock(&sched_lock);
        if (freed && --reaps_in_flight == 0)
            waitqueue_wake_all_locked(&reaps_done);
        struct list_node *n = list_pop_front(&reap_list);
        if (n)
            reaps_in_flight++;
        spin_unlock(&sched_lock);
        if (!n)
            return;
        struct thread *t = list_entry(n, struct thread, wait_node);
        /* Being in reap_list means it was detached: free the whole thread.
           (It went on the list with sched_lock held, while it was still
           running; taking sched_lock above proves it has left the CPU.) */
        thread_free(t);
        freed = true;
    }
}

void thread_reap_all(void)
{
    thread_reap();
    /* Another CPU may be freeing a thread right now -- or this one: an idle
       thread preempted half-way through thread_reap. Sleeping (not yielding)
       lets that idle thread run again and finish. */
    spin_lock(&sched_lock);
    while (reaps_in_flight > 0)
        waitqueue_wait(&reaps_done, &sched_lock, "reap");
    spin_unlock(&sched_lock);
    kstack_cache_drain();               /* so that every freed frame counts as free */
}

void thread_exit(long value)
{
    struct thread *t = thread_current();
    ASSERT(!t->is_idle);
    /* A mutex is released only by its owner: one still held now would stay
       locked for ever, and every thread that wants it would hang without a
       word. Say so here, where the culprit is on the stack. */
    char held[96];
    if (mutex_held_names(t, held, sizeof held) > 0)
        panic("thread %d '%s' exited holding mutex %s", t->tid, t->name, held);
    thread_reap();
    struct process *p = t->process;
    spin_lock(&sched_lock);
    t->exit_value = value;
    /* A thread of a user process stops counting as live and becomes a
       zombie in one step under sched_lock: so when the last one goes, every
       other thread of its process is a zombie already. */
    if (p != &kernel_process && process_thread_exiting(t)) {
        /* The last thread frees the address space (outside the lock: it is
           long work), then the zombies nobody can join any more. */
        spin_unlock(&sched_lock);
        process_release_memory(p);
        spin_lock(&sched_lock);
        process_discard_threads(p, t);
    }
    t->state = THREAD_ZOMBIE;
    if (t->detached) {
        unregister_thread(t);
        list_push_back(&reap_list, &t->wait_node);
        if (p != &kernel_process && p->nthreads == 0)
            process_became_zombie(p);
    } else if (t->joiner) {
        sched_wake_locked(t->joiner);
    }
    sched_switch(SWITCH_EXIT);
    panic("thread_exit: zombie '%s' ran again", t->name);
}

int thread_join(int tid, long *value)
{
    return thread_join_in(&kernel_process, tid, value);
}

int thread_join_in(struct process *p, int tid, long *value)
{
    struct thread *self = thread_current();
    if (tid == self->tid)
        return -EDEADLK;
    spin_lock(&sched_lock);
    struct thread *t = find_thread(tid);
    if (!t || t->process != p) {
        spin_unlock(&sched_lock);
        return -ESRCH;
    }
    if (t->joiner || t->detached) {
        spin_unlock(&sched_lock);
        return -EINVAL;
    }
    t->joiner = self;
    if (sched_policy->join_wait)
        sched_policy->join_wait(self, t);   /* e.g. lottery lends t our tickets */
    while (t->state != THREAD_ZOMBIE) {
        if (self->kill_pending) {
            t->joiner = 0;
            if (sched_policy->join_done)
                sched_policy->join_done(self, t);
            spin_unlock(&sched_lock);
            return -EINTR;
        }
        self->interruptible = true;
        sched_block(THREAD_BLOCKED, "join", &sched_lock);
        self->interruptible = false;
    }
    if (sched_policy->join_done)
        sched_policy->join_done(self, t);
    /* t is a zombie and, since we hold sched_lock, off its CPU for good. */
    if (value)
        *value = t->exit_value;
    unregister_thread(t);
    spin_unlock(&sched_lock);
    thread_free(t);
    return 0;
}

int thread_detach(int tid)
{
    spin_lock(&sched_lock);
    struct thread *t = find_thread(tid);
    int err = 0;
    if (!t)
        err = -ESRCH;
    else if (t->joiner || t->detached)
        err = -EINVAL;
    else if (t->state == THREAD_ZOMBIE) {
        /* Already exited: nobody will join, so it can go now. */
        unregister_thread(t);
        list_push_back(&reap_list, &t->wait_node);
    } else
        t->detached = true;
    spin_unlock(&sched_lock);
    thread_reap();
    return err;
}

void thread_yield(void)
{
    spin_lock(&sched_lock);
    sched_switch(SWITCH_YIELD);
    spin_unlock(&sched_lock);
}

void thread_sleep_until(uint64_t tick)
{
    struct thread *t = thread_current();
    spin_lock(&sched_lock);
    t->interruptible = true;            /* a kill cuts a sleep short */
    sched_block_until(THREAD_SLEEPING, "sleep", &sched_lock, tick);   /* at once if past */
    t->interruptible = false;
    spin_unlock(&sched_lock);
}

void thread_sleep_ticks(int64_t ticks)
{
    if (ticks > 0)
        thread_sleep_until(timer_ticks() + (uint64_t)ticks);
}

void thread_sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    /* Round up: sleeping at least ms milliseconds. */
    thread_sleep_ticks((ms * timer_hz() + 999) / 1000);
}

int thread_set_priority(int tid, int priority)
{
    if (priority < PRIORITY_MIN || priority > PRIORITY_MAX)
        return -EINVAL;
    spin_lock(&sched_lock);
    struct thread *t = tid ? find_thread(tid) : thread_current();
    if (!t || t->state == THREAD_ZOMBIE) {
        spin_unlock(&sched_lock);
        return -ESRCH;
    }
    int old = t->base_priority;
    t->base_priority = priority;
    /* The effective priority follows, unless a donation keeps it higher;
       the policy hears of any change from there. */
    donation_refresh(t);
    spin_unlock(&sched_lock);
    /* A policy may have asked to preempt us (we lowered ourselves). */
    thread_preempt_point();
    return old;
}

int thread_set_affinity(int tid, uint64_t mask)
{
    uint64_t online = 0;
    for (int i = 0; i < ncpus; i++)
        if (__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
            online |= 1ull << i;
    if (!(mask & online))
        return -EINVAL;
    spin_lock(&sched_lock);
    struct thread *t = tid ? find_thread(tid) : thread_current();
    if (!t || t->state == THREAD_ZOMBIE || t->is_idle) {
        spin_unlock(&sched_lock);
        return -ESRCH;
    }
    t->affinity = mask;
    if (t->state == THREAD_RUNNABLE && !thread_can_run_on(t, t->cpu)) {
        /* Queued where it may not run: move it now. */
        sched_policy->dequeue(t->cpu, t);
        sched_make_runnable(t, ENQUEUE_MIGRATE);
    } else if (t->state == THREAD_RUNNING && !thread_can_run_on(t, t->cpu)) {
        /* Running where it may not run: it moves at its next switch,
           which we ask for now (sched_switch re-places it). */
        cpus[t->cpu].need_resched = true;
        if (t->cpu != this_cpu()->id)
            lapic_send_ipi(cpus[t->cpu].apic_id, VEC_IPI_RESCHED);
    }
    spin_unlock(&sched_lock);
    thread_preempt_point();             /* if it was us */
    return 0;
}

int thread_get_affinity(int tid, uint64_t *mask)
{
    spin_lock(&sched_lock);
    struct thread *t = tid ? find_thread(tid) : thread_current();
    if (t)
        *mask = t->affinity;
    spin_unlock(&sched_lock);
    return t ? 0 : -ESRCH;
}

int thread_get_priority(int tid)
{
    spin_lock(&sched_lock);
    struct thread *t = tid ? find_thread(tid) : thread_current();
    int p = t ? t->priority : -ESRCH;
    spin_unlock(&sched_lock);
    return p;
}

int thread_set_tickets(int tid, int tickets)
{
    if (tickets < TICKETS_MIN || tickets > TICKETS_MAX)
        return -EINVAL;
    spin_lock(&sched_lock);
    struct thread *t = tid ? find_thread(tid) : thread_current();
    if (!t || t->state == THREAD_ZOMBIE) {
        spin_unlock(&sched_lock);
        return -ESRCH;
    }
    int old = t->tickets;
    t->tickets = tickets;
    if (sched_policy->tickets_changed)
        sched_policy->tickets_changed(t->cpu, t, old);
    spin_unlock(&sched_lock);
    return old;
}

int thread_get_tickets(int tid)
{
    spin_lock(&sched_lock);
    struct thread *t = tid ? find_thread(tid) : thread_current();
    int tickets = t && t->state != THREAD_ZOMBIE ? t->tickets : -ESRCH;
    spin_unlock(&sched_lock);
    return tickets;
}

void thread_preempt_point(void)
{
    if (!interrupts_enabled())
        return;                         /* the interrupt exit will do it */
    cpu_irq_push();
    bool want = this_cpu()->need_resched;
    cpu_irq_pop();
    if (want) {
        spin_lock(&sched_lock);
        sched_switch(SWITCH_PREEMPT);
        spin_unlock(&sched_lock);
    }
}

int thread_snapshot(int tid, struct thread *out)
{
    spin_lock(&sched_lock);
    struct thread *t = find_thread(tid);
    if (t)
        *out = *t;
    spin_unlock(&sched_lock);
    return t ? 0 : -ESRCH;
}

/* Fills *i with what thread_info reports of t. sched_lock held, so t
   cannot go away or change state meanwhile. */
static void fill_info(const struct thread *t, struct thread_info *i)
{
    i->tid = t->tid;
    i->pid = t->process->pid;
    strlcpy(i->name, t->name, sizeof i->name);
    i->state = (int32_t)t->state;
    i->cpu = t->cpu;
    i->priority = t->priority;
    i->ticks = t->ticks_run;
    strlcpy(i->wait, t->wait_channel ? t->wait_channel : "", sizeof i->wait);
    i->tls_base = t->fs_base;
    i->user_stack_low = t->user_stack_low;
    i->user_stack_high = t->user_stack_high;
    i->kstack_base = (uint64_t)t->kstack_base;
    i->kstack_size = t->kstack_size;
    i->last_run_tick = t->last_run_tick;
    i->last_run_ns = t->last_run_ns;
    i->voluntary_switches = t->voluntary_switches;
    i->involuntary_switches = t->involuntary_switches;
    i->affinity = t->affinity;
    /* The TCB block of ps -T (docs/tcb.md). futex_addr stays set after a
       wake-up; wait_channel is cleared then, so it tells whether it still waits. */
    i->held_count = mutex_held_names((struct thread *)t, i->held, sizeof i->held);
    i->nice = t->nice;
    i->wait_futex = t->state == THREAD_BLOCKED && t->wait_channel &&
                    !strcmp(t->wait_channel, "futex") ? t->futex_addr : 0;
    i->times_scheduled = t->times_scheduled;
    i->runnable_ns = t->runnable_ns;
    i->syscalls = t->syscalls;
}

int thread_list(struct thread_info *out, int max)
{
    int n = 0;
    spin_lock(&sched_lock);
    list_for_each(node, &all_threads) {
        struct thread *t = list_entry(node, struct thread, all_node);
        if (n < max)
            fill_info(t, &out[n]);
        n++;
    }
    spin_unlock(&sched_lock);
    return n;
}

int thread_count(void)
{
    return __atomic_load_n(&nthreads, __ATOMIC_RELAXED);
}

void thread_dump(void)
{
    /* Static: this may run on a small interrupt stack; under sched_lock,
       only one CPU at a time uses them. */
    static struct thread_info info;
    static char line[160];
    spin_lock(&sched_lock);
    printk("\n");
    for (int l = 0; l < 2; l++) {
        thread_format_header(line, sizeof line, l);
        printk("%s\n", line);
    }
    list_for_each(n, &all_threads) {
        struct thread *t = list_entry(n, struct thread, all_node);
        memset(&info, 0, sizeof info);
        fill_info(t, &info);
        for (int l = 0; l < 2; l++) {
            thread_format_row(line, sizeof line, &info, l);
            printk("%s\n", line);
        }
    }
    for (int i = 0; i < ncpus; i++) {
        struct thread *idle = cpus[i].idle;
        if (idle)
            printk("%5s %5d %-16s %-9s %3d %3s %-8s %8lu idle ticks\n", "-", 0, idle->name,
                   thread_state_name(idle->state), i, "-", "-", cpus[i].idle_ticks);
    }
    printk("%s\n", thread_format_note);
    spin_unlock(&sched_lock);
}

void thread_discard_zombie(struct thread *t)
{
    ASSERT(spin_holding(&sched_lock) && t->state == THREAD_ZOMBIE);
    unregister_thread(t);
    list_push_back(&reap_list, &t->wait_node);
}

struct thread *thread_stack_overflowed(uint64_t addr)
{
    struct thread *t = this_cpu()->current;
    if (!t || t == &boot_thread)
        return 0;                       /* the boot stack has no guard page */
    uint64_t base = (uint64_t)t->kstack_base;
    return addr >= base - 4096 && addr < base + 64 ? t : 0;
}

/* The idle thread of a CPU runs sched_idle_loop (sched/core.c). */
static void idle_start(struct thread *t)
{
    (void)t;
    this_cpu()->irq_enabled_before = true;
    spin_unlock(&sched_lock);
    sched_idle_loop();
}

struct thread *thread_create_idle(int cpu)
{
    struct thread *t = thread_alloc_memory();
    if (!t)
        panic("thread: no memory for the idle thread of CPU %d", cpu);
    t->magic = THREAD_MAGIC;
    t->tid = 0;                         /* idle threads are not in the tables */
    sformat(t->name, sizeof t->name, "idle%d", cpu);
    t->process = &kernel_process;
    t->is_idle = true;
    t->cpu = cpu;
    t->state = THREAD_RUNNABLE;
    t->priority = t->base_priority = PRIORITY_MIN;
    t->donated_priority = -1;
    list_node_init(&t->run_node);
    list_node_init(&t->wait_node);
    list_node_init(&t->sleep_node);
    mutex_thread_init(t);
    t->kernel_sp = context_init_stack((uint64_t)t, idle_start, t);
    return t;
}

void thread_init(void)
{
    for (int i = 0; i < TID_BUCKETS; i++)
        list_init(&tid_table[i]);
    struct cpu *c = this_cpu();
    struct thread *t = &boot_thread;
    spin_lock(&sched_lock);
    register_thread(t, "main", &kernel_process);
    t->kstack_base = boot_stack;
    t->kstack_size = (uint64_t)(boot_stack_top - boot_stack);
    t->state = THREAD_RUNNING;
    t->cpu = c->id;
    t->last_run_ns = clock_ns();
    t->last_run_tick = timer_ticks();
    t->times_scheduled = 1;
    if (sched_policy->thread_init)
        sched_policy->thread_init(t, 0);
    c->current = t;
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);     /* the boot CPU */
    spin_unlock(&sched_lock);
    c->idle = thread_create_idle(c->id);
    context_prepare_switch(c, 0, t);
}

int thread_set_nice(int tid, int nice)
{
    if (nice < NICE_MIN || nice > NICE_MAX)
        return -EINVAL;
    spin_lock(&sched_lock);
    struct thread *t = tid ? find_thread(tid) : thread_current();
    if (!t || t->state == THREAD_ZOMBIE) {
        spin_unlock(&sched_lock);
        return -ESRCH;
    }
    int old = t->nice;
    t->nice = nice;
    if (sched_policy->nice_changed)
        sched_policy->nice_changed(t->cpu, t, old);
    spin_unlock(&sched_lock);
    /* A policy may have asked to preempt us (we became nicer). */
    thread_preempt_point();
    return old;
}

int thread_get_nice(int tid, int *nice)
{
    spin_lock(&sched_lock);
    struct thread *t = tid ? find_thread(tid) : thread_current();
    if (t)
        *nice = t->nice;
    spin_unlock(&sched_lock);
    return t ? 0 : -ESRCH;
}

void thread_for_each(void (*fn)(struct thread *t, void *ctx), void *ctx)
{
    ASSERT(spin_holding(&sched_lock));
    list_for_each(n, &all_threads)
        fn(list_entry(n, struct thread, all_node), ctx);
}
