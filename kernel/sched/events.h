/* Recording scheduler events (switches and wake-ups) into a ring buffer
   that tests read, and printing them as trace lines with trace=sched. */
#ifndef KERNEL_SCHED_EVENTS_H
#define KERNEL_SCHED_EVENTS_H

/* Records one event; sched_lock held. kind is enum sched_event_kind. */
void sched_event_record(int kind, int cpu, int from, int to, int reason);

/* Name of a switch reason as traces print it. */
const char *sched_reason_name(int reason);

#endif
