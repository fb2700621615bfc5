/* Green threads' runtime: tasks, the shared run queue, the scheduler loop
   each kernel thread runs, idle parking on a futex, and shutdown. */
#include "green_internal.h"
#include "futex.h"
#include "spindle.h"
#include "stdio.h"
#include "stdlib.h"
#include "string.h"

/*
 * The shape (docs/mn-threads.md has the pictures):
 *
 * - Every kernel thread of the runtime (a "worker") runs worker_main: take
 *   a task from the run queue, switch to it (green_switch), and when the
 *   task switches back, do what it asked (task->after): requeue it after a
 *   yield, release its channel's lock after it parked, free it after it
 *   returned. Tasks never switch straight to each other: a task is put
 *   back in a queue only once it is off its stack, i.e. on the worker's
 *   side of the switch, so another worker can never resume a task whose
 *   registers are not saved yet. The price is two switches per task switch
 *   (task -> worker -> task), as Go's scheduler pays with its g0 stacks.
 *
 * - One run queue (FIFO) for all workers, under one futex mutex: simple and
 *   fair, and on a handful of kernel threads the lock is short. (Go gives
 *   each worker its own queue and steals from others to avoid that lock.)
 *
 * - A worker that finds the queue empty sleeps in the kernel on the futex
 *   word runq.wake_seq; whoever queues a task while a worker sleeps bumps
 *   the word and wakes one. The sleeper read the word under the queue lock,
 *   so a task queued between its unlock and its futex_wait changes the word
 *   and the kernel returns at once: no wake-up is lost.
 *
 * - runq.live counts tasks spawned and not yet returned. The worker that
 *   frees the last one sets shutdown and wakes every sleeper; they return
 *   and green_run joins them. If instead every worker is idle while tasks
 *   are still alive, those tasks all wait on channels and nothing that runs
 *   can wake them: that is a deadlock, reported as -EDEADLK (Go prints "all
 *   goroutines are asleep - deadlock!" in the same situation).
 */

/* Words of the frame green_switch.S saves: control words, r15..r12, rbx, rbp,
   return address. */
#define GREEN_FRAME_WORDS 8

#define MXCSR_STATUS_FLAGS 0x3f     /* exception flags: the task starts with none (SDM vol. 1, 10.2.3) */

static struct {
    mutex_t lock;
    struct green_task *head, *tail;
    volatile uint32_t wake_seq;     /* futex word of idle workers */
    int idle;                       /* workers asleep, or about to be, on wake_seq */
    int workers;                    /* how many this run has */
    bool running, shutdown, deadlock;
    long live;                      /* spawned and not yet returned */
    uint64_t spawned, finished;
} runq = { .lock = MUTEX_INITIALIZER };

static struct green_worker workers[GREEN_MAX_KERNEL_THREADS];
static uint64_t next_task_id;
static struct green_stats last_run_stats;      /* green_get_stats once a run is over */

/* --- the run queue ----------------------------------------------------------- */

/* Wakes one idle worker if there is one; called with runq.lock held.
   Returns true if the caller must futex_wake after unlocking. */
static bool need_wake_locked(void)
{
    if (runq.idle == 0)
        return false;
    futex_fetch_add(&runq.wake_seq, 1);
    return true;
}

static void push_locked(struct green_task *t)
{
    t->next = NULL;
    if (runq.tail)
        runq.tail->next = t;
    else
        runq.head = t;
    runq.tail = t;
}

static void runq_push(struct green_task *t)
{
    mutex_lock(&runq.lock);
    push_locked(t);
    bool wake = need_wake_locked();
    mutex_unlock(&runq.lock);
    if (wake)
        futex_wake(&runq.wake_seq, 1);
}

/* Stops every worker (the run is over); called with runq.lock held. */
static void shutdown_locked(void)
{
    runq.shutdown = true;
    futex_fetch_add(&runq.wake_seq, 1);
}

/* The next task for worker w, sleeping while there is none; NULL when the
   run is over. */
static struct green_task *runq_take(struct green_worker *w)
{
    mutex_lock(&runq.lock);
    for (;;) {
        struct green_task *t = runq.head;
        if (t) {
            runq.head = t->next;
            if (!runq.head)
                runq.tail = NULL;
            mutex_unlock(&runq.lock);
            return t;
        }
        if (runq.shutdown)
            break;
        if (runq.idle + 1 == runq.workers && runq.live > 0) {
            /* No task is queued, none runs (every other worker sleeps and
               this one is between tasks), yet some are alive: all of them
               wait on channels, and only a running task could wake them. */
            runq.deadlock = true;
            shutdown_locked();
            break;
        }
        uint32_t seq = futex_load(&runq.wake_seq);
        runq.idle++;
        w->idle_sleeps++;
        mutex_unlock(&runq.lock);
        futex_wait(&runq.wake_seq, seq);
        mutex_lock(&runq.lock);
        runq.idle--;
    }
    mutex_unlock(&runq.lock);
    futex_wake(&runq.wake_seq, FUTEX_WAKE_ALL);     /* the others see shutdown too */
    return NULL;
}

/* A task returned: count it, and end the run with the last one. */
static void runq_task_done(void)
{
    mutex_lock(&runq.lock);
    runq.finished++;
    bool last = --runq.live == 0;
    if (last)
        shutdown_locked();
    mutex_unlock(&runq.lock);
    if (last)
        futex_wake(&runq.wake_seq, FUTEX_WAKE_ALL);
}

/* --- tasks ------------------------------------------------------------------- */

struct green_task *green_current(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return green_stack_owner(sp);
}

uint64_t green_self(void)
{
    struct green_task *t = green_current();
    return t ? t->id : 0;
}

int green_spawn(void (*fn)(void *), void *arg)
{
    if (!fn)
        return -EINVAL;
    if (__atomic_load_n(&runq.running, __ATOMIC_ACQUIRE) && !green_current())
        return -EPERM;      /* a thread outside the runtime could race with its end */
    struct green_task *t = malloc(sizeof *t);
    if (!t)
        return -ENOMEM;
    memset(t, 0, sizeof *t);
    t->fn = fn;
    t->arg = arg;
    t->id = __atomic_add_fetch(&next_task_id, 1, __ATOMIC_RELAXED);
    /* Like a POSIX thread, a task starts with its creator's floating-point
       control settings (rounding, exception masks, x87 precision). */
    __asm__ volatile("stmxcsr %0" : "=m"(t->mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(t->fpu_cw));
    t->mxcsr &= ~(uint32_t)MXCSR_STATUS_FLAGS;

    mutex_lock(&runq.lock);
    runq.live++;
    runq.spawned++;
    push_locked(t);
    bool wake = need_wake_locked();
    mutex_unlock(&runq.lock);
    if (wake)
        futex_wake(&runq.wake_seq, 1);
    return 0;
}

void green_task_main(struct green_task *t)
{
    t->fn(t->arg);
    t->after = GREEN_AFTER_EXIT;
    green_switch(&t->saved_sp, t->worker->sched_sp);    /* its worker frees it */
    __builtin_unreachable();
}

void green_yield(void)
{
    struct green_task *t = green_current();
    if (!t)
        return;
    t->after = GREEN_AFTER_YIELD;
    t->worker->yields++;
    green_switch(&t->saved_sp, t->worker->sched_sp);
}

void green_park(struct green_task *t, mutex_t *lock)
{
    t->after = GREEN_AFTER_PARK;
    t->park_lock = lock;
    t->worker->parks++;
    green_switch(&t->saved_sp, t->worker->sched_sp);
}

void green_wake(struct green_task *t)
{
    runq_push(t);
}

/* --- the workers --------------------------------------------------------------- */

/* Lays out on t's new stack the frame green_switch would have left there,
   so that the first switch to t "returns" into green_task_trampoline with
   t in %r12 and %rsp 16-byte aligned. */
static void build_first_frame(struct green_task *t)
{
    uint64_t *top = (uint64_t *)(t->stack + green_stack_slot_size());  /* slots are aligned */
    top[-1] = top[-2] = 0;          /* where the trampoline's %rsp points; nothing returns there */
    uint64_t *frame = top - 2 - GREEN_FRAME_WORDS;
    frame[0] = t->mxcsr | ((uint64_t)t->fpu_cw << 32);
    frame[1] = frame[2] = frame[3] = 0;             /* r15 r14 r13 */
    frame[4] = (uint64_t)(uintptr_t)t;              /* r12: the trampoline's argument */
    frame[5] = 0;                                   /* rbx */
    frame[6] = 0;                                   /* rbp: end of the frame chain */
    frame[7] = (uint64_t)(uintptr_t)green_task_trampoline;
    t->saved_sp = frame;
}

__attribute__((noreturn)) static void stack_overflowed(struct green_task *t)
{
    printf("green: task %lu overflowed its stack (%lu bytes; its canary at %p is overwritten)\n",
           (unsigned long)t->id, (unsigned long)green_stack_slot_size(), (void *)t->stack);
    abort();
}

static void *worker_main(void *arg)
{
    struct green_worker *w = arg;
    struct green_task *t;
    while ((t = runq_take(w)) != NULL) {
        if (!t->stack) {
            if (green_stack_get(t) < 0) {
                printf("green: no memory for the stack of task %lu (%lu bytes)\n",
                       (unsigned long)t->id, (unsigned long)green_stack_slot_size());
                abort();
            }
            build_first_frame(t);
        }
        t->worker = w;
        w->current = t;
        w->switches++;
        green_switch(&w->sched_sp, t->saved_sp);
        w->current = NULL;
        if (!green_stack_intact(t))
            stack_overflowed(t);
        switch (t->after) {
        case GREEN_AFTER_YIELD:
            runq_push(t);
            break;
        case GREEN_AFTER_PARK:
            /* From this unlock on a waker may requeue t and another worker
               run it: t is not ours any more. */
            mutex_unlock(t->park_lock);
            break;
        case GREEN_AFTER_EXIT:
            green_stack_put(t->stack);
            free(t);
            runq_task_done();
            break;
        }
    }
    return NULL;
}

int green_run(int kernel_threads, size_t stack_size)
{
    if (kernel_threads < 1 || kernel_threads > GREEN_MAX_KERNEL_THREADS || green_current())
        return -EINVAL;
    mutex_lock(&runq.lock);
    if (runq.running) {
        mutex_unlock(&runq.lock);
        return -EBUSY;
    }
    int err = green_stack_configure(stack_size);
    if (err < 0) {
        mutex_unlock(&runq.lock);
        return err;
    }
    runq.running = true;
    runq.shutdown = runq.deadlock = false;
    runq.idle = 0;
    runq.workers = kernel_threads;
    bool nothing_to_do = runq.live == 0;
    memset(workers, 0, sizeof workers);
    mutex_unlock(&runq.lock);

    int made = 0;
    err = 0;
    if (!nothing_to_do) {
        for (; made < kernel_threads; made++) {
            workers[made].index = made;
            err = thread_create(&workers[made].tid, worker_main, &workers[made]);
            if (err < 0)
                break;
        }
        if (made < kernel_threads) {
            /* Run with the workers there are (the deadlock test counts them). */
            mutex_lock(&runq.lock);
            runq.workers = made;
            if (made == 0)
                runq.running = false;
            futex_fetch_add(&runq.wake_seq, 1);
            mutex_unlock(&runq.lock);
            futex_wake(&runq.wake_seq, FUTEX_WAKE_ALL);
            if (made == 0)
                return err;
        }
        for (int i = 0; i < made; i++)
            thread_join(workers[i].tid, NULL);
    }

    green_stack_release_all();
    struct green_stats stats;
    green_get_stats(&stats);
    mutex_lock(&runq.lock);
    last_run_stats = stats;
    bool deadlock = runq.deadlock;
    runq.spawned = runq.finished = 0;      /* the next run counts its own */
    runq.live = 0;              /* after a deadlock: the abandoned tasks */
    runq.head = runq.tail = NULL;
    runq.running = false;
    mutex_unlock(&runq.lock);
    return deadlock ? -EDEADLK : 0;
}

void green_get_stats(struct green_stats *s)
{
    memset(s, 0, sizeof *s);
    mutex_lock(&runq.lock);
    if (!runq.running && runq.spawned == 0) {
        *s = last_run_stats;        /* between runs (or before the first: zeros) */
        mutex_unlock(&runq.lock);
        return;
    }
    s->spawned = runq.spawned;
    s->finished = runq.finished;
    s->kernel_threads = runq.workers;
    s->deadlock = runq.deadlock;
    mutex_unlock(&runq.lock);
    for (int i = 0; i < s->kernel_threads; i++) {
        const struct green_worker *w = &workers[i];
        s->switches += w->switches;
        s->yields += w->yields;
        s->parks += w->parks;
        s->idle_sleeps += w->idle_sleeps;
        s->kernel_tids[i] = w->tid;
        s->switches_on[i] = w->switches;
    }
    s->stacks_made = green_stack_slots_made();
    s->stack_chunk_bytes = green_stack_chunk_bytes();
}
