/* The thread table of Ctrl-P and ps -T (lib/thread_format.h): one layout,
   so that the kernel's dump and the shell's list read the same. */
#include "lib/thread_format.h"
#include "lib/format.h"

const char thread_format_note[] =
    "HOLDS lists kernel mutexes. A user mutex is a futex word in user memory: the kernel\n"
    "never learns who holds it, only who sleeps on it (WAITING ON: futex ADDRESS).";

const char *thread_format_state(int state)
{
    static const char *const names[] = { "runnable", "running", "blocked", "sleeping", "zombie" };
    return state >= 0 && state < (int)(sizeof names / sizeof names[0]) ? names[state] : "?";
}

int thread_format_header(char *buf, size_t size, int line)
{
    if (line == 0)
        return sformat(buf, size, "%5s %5s %-16s %-9s %3s %3s %-8s %8s %11s %6s %6s", "TID", "PID",
                       "NAME", "STATE", "CPU", "PRI", "AFFINITY", "TICKS", "LAST-RUN", "VOL",
                       "INVOL");
    return sformat(buf, size, "%11s %-22s %-25s %-12s %s", "", "KSTACK", "USTACK", "TLS",
                   "WAITING ON / HOLDS");
}

int thread_format_row(char *buf, size_t size, const struct thread_info *t, int line)
{
    if (line == 0) {
        char cpu[12], affinity[20], last_run[24];
        if (t->cpu < 0)
            sformat(cpu, sizeof cpu, "-");      /* never ran */
        else
            sformat(cpu, sizeof cpu, "%d", t->cpu);
        if (t->affinity == ~0ull)
            sformat(affinity, sizeof affinity, "all");
        else
            sformat(affinity, sizeof affinity, "%lx", (unsigned long)t->affinity);
        if (t->last_run_ns == 0)
            sformat(last_run, sizeof last_run, "-");
        else
            sformat(last_run, sizeof last_run, "%lu.%03lus",
                    (unsigned long)(t->last_run_ns / 1000000000u),
                    (unsigned long)(t->last_run_ns / 1000000u % 1000u));
        return sformat(buf, size, "%5d %5d %-16.*s %-9s %3s %3d %-8s %8lu %11s %6lu %6lu", t->tid,
                       t->pid, ABI_NAME_MAX, t->name, thread_format_state(t->state), cpu,
                       t->priority, affinity, (unsigned long)t->ticks, last_run,
                       (unsigned long)t->voluntary_switches,
                       (unsigned long)t->involuntary_switches);
    }
    char kstack[40], ustack[40], tls[20], wait[48];
    sformat(kstack, sizeof kstack, "%lx+%lu", (unsigned long)t->kstack_base,
            (unsigned long)t->kstack_size);
    if (t->user_stack_low || t->user_stack_high)
        sformat(ustack, sizeof ustack, "%lx-%lx", (unsigned long)t->user_stack_low,
                (unsigned long)t->user_stack_high);
    else
        sformat(ustack, sizeof ustack, "-");            /* a kernel thread */
    if (t->tls_base)
        sformat(tls, sizeof tls, "%lx", (unsigned long)t->tls_base);
    else
        sformat(tls, sizeof tls, "-");
    if (t->wait_futex)
        sformat(wait, sizeof wait, "futex %lx", (unsigned long)t->wait_futex);
    else
        sformat(wait, sizeof wait, "%.*s", ABI_NAME_MAX, t->wait[0] ? t->wait : "-");
    return sformat(buf, size, "%11s %-22s %-25s %-12s %s / %.*s", "", kstack, ustack, tls, wait,
                   ABI_HELD_MAX, t->held_count ? t->held : "-");
}
