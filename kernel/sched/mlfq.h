/* What the mlfq policy (kernel/sched/mlfq.c) shows to tests and dumps: the
   load average, a thread's recent CPU, and a record of the per-second updates. */
#ifndef KERNEL_SCHED_MLFQ_H
#define KERNEL_SCHED_MLFQ_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/sched/fixed_point.h"

struct thread;

#define MLFQ_LEVELS     64      /* priorities PRIORITY_MIN (0) .. PRIORITY_MAX (63) */
#define MLFQ_RECOMPUTE  4       /* the running thread's priority: every 4th tick */

/* One per-second update, as recorded right after it was made. */
struct mlfq_second {
    uint64_t second;            /* 1, 2, 3 ...: updates since boot */
    uint64_t tick;              /* timer_ticks() when it was made */
    int ready;                  /* ready_threads used: running + queued, all CPUs */
    struct fixed load_avg;      /* the new load average */
    bool watched_found;         /* the watched thread (mlfq_watch) existed: */
    struct fixed watched_recent_cpu;    /* its recent_cpu after the update */
    int watched_priority;       /* and its priority */
};

#define MLFQ_HISTORY 128        /* per-second updates kept (a ring) */

/* True if sched=mlfq is the policy in force. */
bool mlfq_active(void);

/* The load average now. */
struct fixed mlfq_load_avg(void);

/* Per-second updates made since boot. */
uint64_t mlfq_seconds(void);

/* The recent_cpu of a thread, from its TCB or a snapshot of it
   (thread_snapshot). */
struct fixed mlfq_recent_cpu(const struct thread *t);

/* Copies the recorded updates with second > after (at most max, oldest
   first, only those still in the ring) into out; returns how many. */
int mlfq_history(uint64_t after, struct mlfq_second *out, int max);

/* From now on, each per-second update records thread tid's recent_cpu and
   priority as well (0: none). For tests. */
void mlfq_watch(int tid);

#endif
