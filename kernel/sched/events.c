/* The scheduler's event record. With trace=sched each event is also printed:
     sched: tick=T cpu=C event=switch from=TID to=TID reason=preempt|yield|block|exit
     sched: tick=T cpu=C event=wake from=TID to=TID            (waker, woken)
   docs/scheduler.md documents the format; tools parse it. */
#include "kernel/sched/events.h"
#include "kernel/sched/sched.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/panic.h"

static struct sched_event ring[SCHED_EVENTS];
static uint64_t last_seq;

const char *sched_reason_name(int reason)
{
    switch (reason) {
    case SWITCH_PREEMPT: return "preempt";
    case SWITCH_YIELD: return "yield";
    case SWITCH_BLOCK: return "block";
    case SWITCH_EXIT: return "exit";
    default: return "?";
    }
}

void sched_event_record(int kind, int cpu, int from, int to, int reason)
{
    struct sched_event *e = &ring[last_seq % SCHED_EVENTS];
    e->seq = ++last_seq;
    e->tick = timer_ticks();
    e->cpu = cpu;
    e->from = from;
    e->to = to;
    e->kind = (uint8_t)kind;
    e->reason = (uint8_t)reason;
    if (!boot_params.trace_sched)
        return;
    if (kind == SCHED_EV_SWITCH)
        printk("sched: tick=%lu cpu=%d event=switch from=%d to=%d reason=%s\n",
               e->tick, cpu, from, to, sched_reason_name(reason));
    else
        printk("sched: tick=%lu cpu=%d event=wake from=%d to=%d\n", e->tick, cpu, from, to);
}

int sched_events_since(uint64_t after, struct sched_event *out, int max)
{
    int n = 0;
    spin_lock(&sched_lock);
    uint64_t first = last_seq > SCHED_EVENTS ? last_seq - SCHED_EVENTS + 1 : 1;
    if (after + 1 > first)
        first = after + 1;
    for (uint64_t s = first; s <= last_seq && n < max; s++)
        out[n++] = ring[(s - 1) % SCHED_EVENTS];
    spin_unlock(&sched_lock);
    return n;
}

uint64_t sched_events_last(void)
{
    return __atomic_load_n(&last_seq, __ATOMIC_RELAXED);
}
