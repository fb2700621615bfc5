/* Green threads: many lightweight tasks run on a few kernel threads (M:N),
   switched in user space, cooperative, talking over channels (docs/mn-threads.md). */
#ifndef USER_GREEN_H
#define USER_GREEN_H

#include <stddef.h>
#include <stdint.h>

/*
 * A program spawns tasks (green_spawn), then calls green_run, which starts
 * `kernel_threads` kernel threads (thread_create), each running a
 * scheduler loop that takes tasks from one shared run queue and switches
 * to them in user space. A task runs until it returns, yields
 * (green_yield) or waits on a channel (green_chan_send/recv); nothing
 * preempts it, and a system call that blocks (sys_sleep, futex_wait, a
 * read of the console) blocks its whole kernel thread with every task
 * queued behind it. green_run returns when every task has returned.
 *
 * Stacks: a task gets a stack the first time it runs and gives it back
 * when it returns (recycled for the next task), so tasks not yet started
 * cost only their descriptor. Stack slots are a power of two, aligned to
 * their size, carved from 256 KiB chunks of mmap'ed memory. A slot of
 * 8 KiB or more starts with an unmapped guard page (an overflow that runs
 * past the bottom faults: the process is killed with SIGSEGV, status 139);
 * every slot has a canary word at the bottom of its usable part, checked
 * at every switch, so an overflow that stops short of the guard page, or
 * any overflow of a slot too small for a guard page, ends the process with
 * "green: task N overflowed its stack" and status 134 (abort). Small slots
 * (1 KiB to 4 KiB) are what makes 100,000 live tasks fit in 256 MiB; the
 * price is that an overflow writes into the neighbouring slot before the
 * canary catches it.
 */

#define GREEN_STACK_DEFAULT (16 * 1024)     /* 4 KiB guard page + 12 KiB of stack */
#define GREEN_STACK_MIN 1024                /* no guard page below 8 KiB */
#define GREEN_STACK_MAX (256 * 1024)        /* the chunk size */
#define GREEN_MAX_KERNEL_THREADS 64

/* Queues fn(arg) as a new task. Callable before green_run (from one
   thread) and from tasks while it runs. Returns 0 or -ENOMEM. */
int green_spawn(void (*fn)(void *), void *arg);

/* Runs every spawned task (and those they spawn) on `kernel_threads` new
   kernel threads (1..GREEN_MAX_KERNEL_THREADS) with stacks of `stack_size`
   bytes (a power of two from GREEN_STACK_MIN to GREEN_STACK_MAX; 0 for
   GREEN_STACK_DEFAULT) and returns when all of them have returned: 0.
   Returns -EDEADLK if every task left is waiting on a channel that no
   running task can ever serve (they are abandoned, as their channels'
   queues: destroy those channels without using them), -EINVAL for bad
   arguments or a call from a task, -EBUSY if it is already running,
   -ENOMEM or -EAGAIN if the kernel threads cannot be made. Every stack
   chunk is unmapped before it returns; it may be called again. */
int green_run(int kernel_threads, size_t stack_size);

/* Puts the calling task at the back of the run queue and runs others.
   Does nothing when called outside a task. */
void green_yield(void);

/* The calling task's id (1, 2, ... in spawn order; 0 outside a task). */
uint64_t green_self(void);

/* Counters of the current or last green_run (exact once it has returned). */
struct green_stats {
    uint64_t spawned;           /* tasks spawned (before and during the run) */
    uint64_t finished;          /* tasks that returned */
    uint64_t switches;          /* switches from a scheduler loop into a task */
    uint64_t yields;            /* green_yield calls from tasks */
    uint64_t parks;             /* times a task went to sleep on a channel */
    uint64_t idle_sleeps;       /* futex waits of kernel threads that found no work */
    uint64_t stacks_made;       /* stack slots carved (the most stacks in use at once, at most) */
    uint64_t stack_chunk_bytes; /* memory mapped for stacks, guard pages included */
    int kernel_threads;
    int deadlock;               /* green_run returned -EDEADLK */
    int kernel_tids[GREEN_MAX_KERNEL_THREADS];           /* the scheduler threads' tids */
    uint64_t switches_on[GREEN_MAX_KERNEL_THREADS];      /* switches made by each of them */
};
void green_get_stats(struct green_stats *stats);

/*
 * Channels carry longs (cast pointers) between tasks. With capacity 0 a
 * send waits until a receiver takes the value (a rendezvous); with
 * capacity n a send waits only while n values are queued. A task that
 * waits is parked: it leaves its kernel thread, which runs other tasks,
 * and is queued to run again only when a partner task arrives. Only tasks
 * may send and receive (-EPERM from anything else).
 */
struct green_chan;

/* NULL when out of memory. */
struct green_chan *green_chan_create(size_t capacity);

/* Frees c. No task may be waiting on it or use it afterwards. */
void green_chan_destroy(struct green_chan *c);

/* 0 once value is delivered (or queued); -EPIPE if c is closed. */
int green_chan_send(struct green_chan *c, long value);

/* 0 with the next value in *value; -EPIPE once c is closed and empty. */
int green_chan_recv(struct green_chan *c, long *value);

/* Wakes every waiting task (with -EPIPE); queued values can still be received. */
void green_chan_close(struct green_chan *c);

#endif
