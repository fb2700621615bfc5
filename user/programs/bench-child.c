/* bench-child: the tiny process that the benchmark's threads-versus-processes
   part spawns (docs/threads-vs-processes.md): exits at once, holds, or yields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <spindle.h>

/*
 * bench-child                       exit 0 at once (process_spawn_wait)
 * bench-child hold GATE             sleep until thread GATE is gone, exit 0
 *                                   (mem_per_process: the process stays alive,
 *                                   blocked, while the parent counts frames)
 * bench-child yield N GATE          pin to CPU 0, wait for GATE to go while
 *                                   yielding, then call SYS_yield N times
 *                                   (ctxsw_yield_process)
 *
 * Processes in Spindle share no memory and have no pipes, so the parent
 * signals "go" (or "you may end") the only way another process can see: a
 * thread of its own (GATE, a tid) that it ends. A child looks at the
 * system's thread list: the gate is open once the thread is gone or a zombie.
 *
 * Exit status: hold 0; yield: the share of yields after which the other
 * process had run, in 1/200 units (0..200) -- the kernel's voluntary-switch
 * count of this thread, read before and after the loop, grows only when a
 * yield switched to another thread (kernel/sched/core.c, sched_switch).
 * Errors: STATUS_BAD_ARGS, STATUS_NO_GATE (the gate is not among the first
 * LIST_MAX threads), STATUS_NO_SELF, STATUS_TIMEOUT.
 *
 * It keeps no static buffers (each would add frames to every process and
 * so to mem_per_process): its thread list lives on the stack, which the
 * kernel maps in full at spawn anyway.
 */

#define STATUS_BAD_ARGS 240
#define STATUS_NO_GATE  241
#define STATUS_NO_SELF  242
#define STATUS_TIMEOUT  243

#define LIST_MAX 64                     /* thread_info entries looked at (11 KiB of stack) */
#define STATE_ZOMBIE 4                  /* struct thread_info.state */
#define HOLD_POLL_NS 50000000ll         /* hold: look every 50 ms (100 children polling the
                                           thread list every 5 ms swamped a loaded host) */
#define GIVE_UP_NS 120000000000ull      /* never wait for a gate more than 2 minutes */

/* Finds thread tid among the first LIST_MAX threads of the system's list
   (threads are appended as they are made, so an old thread stays among the
   first). Returns 1 and fills *out, or 0 if it is not there. */
static int find_thread(int tid, struct thread_info *out)
{
    struct thread_info list[LIST_MAX];
    int n = sys_thread_list(list, LIST_MAX);
    for (int i = 0; i < n && i < LIST_MAX; i++)
        if (list[i].tid == tid) {
            *out = list[i];
            return 1;
        }
    return 0;
}

static int gate_open(int gate)
{
    struct thread_info t;
    return !find_thread(gate, &t) || t.state == STATE_ZOMBIE;
}

/* Waits until the gate opens, sleeping (hold) or yielding (yield) between
   looks. Returns 0, or STATUS_TIMEOUT. */
static int wait_gate(int gate, int sleep)
{
    uint64_t deadline = sys_clock() + GIVE_UP_NS;
    while (!gate_open(gate)) {
        if (sys_clock() > deadline)
            return STATUS_TIMEOUT;
        if (sleep)
            sys_sleep(HOLD_POLL_NS);
        else
            sys_yield();
    }
    return 0;
}

static int yield_loop(long n, int gate)
{
    /* Pin to CPU 0 first, so that the parent sees the affinity change and
       knows this process is in the waiting loop. */
    sys_set_affinity(0, 1);
    int err = wait_gate(gate, 0);
    if (err)
        return err;
    struct thread_info before, after;
    int self = sys_gettid();
    if (!find_thread(self, &before))
        return STATUS_NO_SELF;
    for (long i = 0; i < n; i++)
        sys_yield();
    if (!find_thread(self, &after))
        return STATUS_NO_SELF;
    uint64_t switches = after.voluntary_switches - before.voluntary_switches;
    /* The last find_thread ran after the loop: no switch is counted
       outside it except by a preemption, which is involuntary. */
    return (int)(switches * 200 / (uint64_t)n);
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return 0;
    if (argc == 3 && !strcmp(argv[1], "hold")) {
        int gate = atoi(argv[2]);
        struct thread_info t;
        if (gate <= 0)
            return STATUS_BAD_ARGS;
        if (!find_thread(gate, &t))
            return STATUS_NO_GATE;
        return wait_gate(gate, 1);
    }
    if (argc == 4 && !strcmp(argv[1], "yield")) {
        long n = atoi(argv[2]);
        int gate = atoi(argv[3]);
        struct thread_info t;
        if (n <= 0 || gate <= 0)
            return STATUS_BAD_ARGS;
        if (!find_thread(gate, &t))
            return STATUS_NO_GATE;
        return yield_loop(n, gate);
    }
    return STATUS_BAD_ARGS;
}
