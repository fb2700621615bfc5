/* The scheduler's event record. With trace=sched each event is also printed:
     sched: tick=T cpu=C event=switch from=TID to=TID reason=preempt|yield|block|exit seq=S ns=N
     sched: tick=T cpu=C event=wake from=TID to=TID target=CPU seq=S ns=N   (waker, woken)
     sched: tick=T cpu=C event=new from=TID to=TID target=CPU name=NAME seq=S ns=N
   docs/scheduler.md documents the format; tools/viz.py and tests parse it. */
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

/* Fills the next slot of the ring; sched_lock held. */
static struct sched_event *record(int kind, int cpu, int from, int to, int reason, int target)
{
    ASSERT(spin_holding(&sched_lock));
    struct sched_event *e = &ring[last_seq % SCHED_EVENTS];
    e->seq = ++last_seq;
    e->tick = timer_ticks();
    e->cpu = cpu;
    e->from = from;
    e->to = to;
    e->target = target;
    e->kind = (uint8_t)kind;
    e->reason = (uint8_t)reason;
    return e;
}

void sched_event_record(int kind, int cpu, int from, int to, int reason)
{
    struct sched_event *e = record(kind, cpu, from, to, reason, -1);
    if (!boot_params.trace_sched)
        return;
    /* seq= and ns= let the visualiser place events within a tick and see
       whether a line went missing (tools/viz.py). */
    if (kind == SCHED_EV_SWITCH)
        printk("sched: tick=%lu cpu=%d event=switch from=%d to=%d reason=%s seq=%lu ns=%lu\n",
               e->tick, cpu, from, to, sched_reason_name(reason), e->seq, clock_ns());
    else
        printk("sched: tick=%lu cpu=%d event=wake from=%d to=%d seq=%lu ns=%lu\n", e->tick, cpu,
               from, to, e->seq, clock_ns());
}

void sched_event_record_queued(int kind, int cpu, int from, const struct thread *t)
{
    ASSERT(kind == SCHED_EV_WAKE || kind == SCHED_EV_NEW);
    struct sched_event *e = record(kind, cpu, from, t->tid, 0, t->cpu);
    if (!boot_params.trace_sched)
        return;
    if (kind == SCHED_EV_WAKE) {
        printk("sched: tick=%lu cpu=%d event=wake from=%d to=%d target=%d seq=%lu ns=%lu\n",
               e->tick, cpu, from, t->tid, t->cpu, e->seq, clock_ns());
        return;
    }
    /* One word per field: a space in a name would split it. */
    char name[THREAD_NAME_MAX];
    int i;
    for (i = 0; i < THREAD_NAME_MAX - 1 && t->name[i]; i++)
        name[i] = t->name[i] > ' ' && t->name[i] < 127 && t->name[i] != '=' ? t->name[i] : '_';
    name[i] = 0;
    printk("sched: tick=%lu cpu=%d event=new from=%d to=%d target=%d name=%s seq=%lu ns=%lu\n",
           e->tick, cpu, from, t->tid, t->cpu, i ? name : "_", e->seq, clock_ns());
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
