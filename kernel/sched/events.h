/* Recording scheduler events (switches and wake-ups) into a ring buffer
   that tests read, and printing them as trace lines with trace=sched. */
#ifndef KERNEL_SCHED_EVENTS_H
#define KERNEL_SCHED_EVENTS_H

/* Records one event; sched_lock held. kind is enum sched_event_kind. */
void sched_event_record(int kind, int cpu, int from, int to, int reason);

/* Name of a switch reason as traces print it. */
const char *sched_reason_name(int reason);

struct thread;
/* Records that thread t was queued on CPU t->cpu: kind SCHED_EV_WAKE (from
   is the waker) or SCHED_EV_NEW (from is the creator; the trace line also
   names t). Call after sched_make_runnable; sched_lock held. */
void sched_event_record_queued(int kind, int cpu, int from, const struct thread *t);

#endif
