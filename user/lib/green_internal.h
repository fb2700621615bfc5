/* Private to the green-thread library (green.c, green_stack.c, green_chan.c,
   green_switch.S): the task descriptor, the per-kernel-thread worker, and the
   calls between the files. */
#ifndef USER_LIB_GREEN_INTERNAL_H
#define USER_LIB_GREEN_INTERNAL_H

#include <stdint.h>
#include <stdbool.h>
#include "green.h"
#include "sync.h"
#include "thread.h"

/* What a worker does with a task once the task has switched back to it. */
enum green_after {
    GREEN_AFTER_YIELD,      /* put it at the back of the run queue */
    GREEN_AFTER_PARK,       /* release task->park_lock; a channel will requeue it */
    GREEN_AFTER_EXIT,       /* give its stack back and free it */
};

struct green_worker;

/* One task (the TCB of a green thread). */
struct green_task {
    struct green_task *next;        /* in the run queue or a channel's wait queue */
    void *saved_sp;                 /* while it does not run: its stack pointer (green_switch.S) */
    char *stack;                    /* its stack slot; NULL until it first runs */
    void (*fn)(void *);
    void *arg;
    uint64_t id;
    struct green_worker *worker;    /* the worker running it, while it runs */
    enum green_after after;         /* set by the task just before it switches away */
    mutex_t *park_lock;             /* GREEN_AFTER_PARK: released once it is off its stack */
    long value;                     /* a channel's value in transit */
    int result;                     /* a channel operation's result, set by its waker */
    uint32_t mxcsr;                 /* SSE control/status and x87 control word it starts */
    uint16_t fpu_cw;                /* with: the spawner's, as POSIX threads inherit them */
};

/* One scheduler kernel thread. */
struct green_worker {
    void *sched_sp;                 /* the scheduler loop's stack pointer while a task runs */
    struct green_task *current;
    int index;
    thread_t tid;
    uint64_t switches, yields, parks, idle_sleeps;  /* written only by this worker's thread */
} __attribute__((aligned(64)));     /* one cache line each: no false sharing of counters */

/* green_switch.S: saves the callee-saved registers, MXCSR and the x87
   control word on the current stack, stores %rsp in *save_sp, loads
   load_sp and restores the same from there. Returns when something
   switches back to *save_sp. */
void green_switch(void **save_sp, void *load_sp);

/* green_switch.S: where a new task's first switch returns to; calls
   green_task_main(%r12). */
void green_task_trampoline(void);

/* green.c: runs the task's function, then leaves for good. */
__attribute__((noreturn)) void green_task_main(struct green_task *task);

/* green.c: the calling task, or NULL outside a task. */
struct green_task *green_current(void);

/* green.c: parks the calling task, which holds *lock (and has queued
   itself where a waker will find it); lock is released by its worker once
   the task is off its stack, so no waker can run it before it is saved. */
void green_park(struct green_task *task, mutex_t *lock);

/* green.c: makes a parked task runnable again. */
void green_wake(struct green_task *task);

/* green_stack.c: stack slots. */
int green_stack_configure(size_t slot_size);     /* at green_run's start */
int green_stack_get(struct green_task *task);     /* gives task a slot: 0 or -ENOMEM */
void green_stack_put(char *slot);
struct green_task *green_stack_owner(uintptr_t sp);     /* the task on this stack, or NULL */
bool green_stack_intact(struct green_task *task);       /* its canary and owner are intact */
void green_stack_release_all(void);               /* at green_run's end */
uint64_t green_stack_slots_made(void);
uint64_t green_stack_chunk_bytes(void);
size_t green_stack_slot_size(void);

#endif
