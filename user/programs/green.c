/* green: spawns 100,000 green tasks (M:N user-level threads) and compares
   their creation, switch, hand-off and memory costs with kernel threads'. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spindle.h>
#include <thread.h>
#include <atomic.h>
#include <sync.h>
#include <green.h>

/*
 * Usage: green [TASKS [KERNEL_THREADS]]   (defaults 100000 and 1)
 *
 * Method (as user/programs/bench.c): each figure is the median of REPS
 * repetitions timed with SYS_clock, printed as
 *   metric=NAME value=V unit=U min=.. max=.. reps=N [k=v ...]
 * followed by a table. Green figures (KERNEL_THREADS kernel threads for the
 * create and live-task runs, one for the switch figures, so that they are
 * comparable with the kernel's, whose two threads are pinned to CPU 0 as
 * bench's ctxsw_* are):
 *
 *   green_spawn          one green_spawn of a task not yet run (a descriptor,
 *                        queued), ns; TASKS per repetition
 *   green_create_run     spawn + first switch + run + return + free of a task
 *                        that returns at once, us per task; TASKS per repetition
 *   thread_create_join   the same for a kernel thread: thread_create of a thread
 *                        that returns at once + thread_join, us per pair; 1000
 *   green_yield          2 tasks on one kernel thread each green_yield YIELDS
 *                        times, ns per yield (one yield is a switch out of a task
 *                        and one into the other, through the scheduler loop)
 *   green_yield_live     TASKS tasks alive at once each yield 20 times, ns per yield
 *   ctxsw_yield          2 kernel threads on CPU 0 each SYS_yield YIELDS times
 *   green_chan_handoff   2 tasks pass a value back and forth over unbuffered
 *                        channels, ns per hand-off
 *   ctxsw_futex          2 kernel threads on CPU 0 pass a token with futex
 *                        wait/wake, ns per hand-off
 *   green_task_memory    bytes of physical memory per live task (free frames
 *                        before and while TASKS tasks wait on a channel, 1 KiB stacks)
 *   thread_memory        bytes per live kernel thread (100 threads waiting on a futex)
 */

#define REPS 5
#define YIELDS 20000
#define HANDOFFS 20000
#define KERNEL_PAIRS 1000
#define LIVE_YIELDS 20
#define MEMORY_THREADS 100
#define SMALL_STACK 1024

static long ntasks = 100000;
static int kernel_threads = 1;

static inline uint64_t now_ns(void)
{
    return sys_clock();
}

/* num/den with one decimal, rounded, into buf. */
static const char *fixed1(char *buf, size_t size, uint64_t num, uint64_t den)
{
    uint64_t tenths = den ? (num * 10 + den / 2) / den : 0;
    snprintf(buf, size, "%lu.%lu", (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
    return buf;
}

static void sort_u64(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* A figure: its median per operation, in tenths of its unit (kept for the table). */
struct figure {
    uint64_t total[REPS];       /* ns per repetition */
    uint64_t ops;               /* operations per repetition */
    uint64_t div;               /* 1: ns, 1000: us */
};

/* Prints the metric line of f and returns its median total. */
static uint64_t report(const char *name, const char *unit, struct figure *f, const char *extra)
{
    uint64_t s[REPS];
    memcpy(s, f->total, sizeof s);
    sort_u64(s, REPS);
    char v[24], mn[24], mx[24];
    fixed1(v, sizeof v, s[REPS / 2], f->ops * f->div);
    fixed1(mn, sizeof mn, s[0], f->ops * f->div);
    fixed1(mx, sizeof mx, s[REPS - 1], f->ops * f->div);
    printf("metric=%s value=%s unit=%s min=%s max=%s reps=%d%s%s\n", name, v, unit, mn, mx, REPS,
           extra ? " " : "", extra ? extra : "");
    return s[REPS / 2];
}

static void must(int err, const char *what)
{
    if (err < 0) {
        printf("green: %s failed: %s\n", what, strerror(err));
        exit(1);
    }
}

/* --- green: spawn, and spawn + run + exit ------------------------------------------ */

static void noop_task(void *arg)
{
    (void)arg;
}

static struct figure fig_spawn, fig_create_run;
static int rep;

/* Spawns ntasks tasks that return at once, timing the spawns alone. */
static void spawner_task(void *arg)
{
    uint64_t t0 = now_ns();
    for (long i = 0; i < ntasks; i++)
        must(green_spawn(noop_task, NULL), "green_spawn");
    fig_spawn.total[rep] = now_ns() - t0;
}

static void bench_green_create(void)
{
    fig_spawn.ops = fig_create_run.ops = (uint64_t)ntasks;
    fig_spawn.div = 1;
    fig_create_run.div = 1000;
    for (rep = 0; rep < REPS; rep++) {
        must(green_spawn(spawner_task, NULL), "green_spawn");
        uint64_t t0 = now_ns();
        must(green_run(kernel_threads, 0), "green_run");
        fig_create_run.total[rep] = now_ns() - t0;
    }
}

/* --- kernel threads: create + join ------------------------------------------------ */

static void *noop_thread(void *arg)
{
    return arg;
}

static struct figure fig_thread;

static void bench_thread_create(void)
{
    fig_thread.ops = KERNEL_PAIRS;
    fig_thread.div = 1000;
    thread_t t;
    must(thread_create(&t, noop_thread, NULL), "thread_create");
    thread_join(t, NULL);
    for (int r = 0; r < REPS; r++) {
        uint64_t t0 = now_ns();
        for (int i = 0; i < KERNEL_PAIRS; i++) {
            must(thread_create(&t, noop_thread, NULL), "thread_create");
            thread_join(t, NULL);
        }
        fig_thread.total[r] = now_ns() - t0;
    }
}

/* --- green: yield ----------------------------------------------------------------- */

static struct figure fig_yield, fig_yield_live;
static volatile uint64_t yield_start, yield_end;
static volatile long yield_started, yield_tasks;

/* The clock starts when the last task starts (all of them are alive from
   then on) and stops when the last one's yields are done; the window also
   holds the other tasks' returns, small beside their yields. */
static void yield_task(void *arg)
{
    long n = (long)arg;
    if (atomic_fetch_add(&yield_started, 1) + 1 == yield_tasks)
        yield_start = now_ns();
    for (long i = 0; i < n; i++)
        green_yield();
    yield_end = now_ns();
}

static void green_yield_run(struct figure *f, long tasks, long yields, size_t stack)
{
    f->ops = (uint64_t)tasks * (uint64_t)yields;
    f->div = 1;
    for (int r = 0; r < REPS; r++) {
        yield_started = 0;
        yield_tasks = tasks;
        for (long i = 0; i < tasks; i++)
            must(green_spawn(yield_task, (void *)yields), "green_spawn");
        must(green_run(1, stack), "green_run");
        f->total[r] = yield_end - yield_start;
    }
}

static void bench_green_yield(void)
{
    green_yield_run(&fig_yield, 2, YIELDS, 0);
    green_yield_run(&fig_yield_live, ntasks, LIVE_YIELDS, SMALL_STACK);
}

/* --- kernel threads: yield and futex hand-off (as bench.c) ------------------------ */

static struct figure fig_ctx_yield, fig_ctx_futex;
static volatile uint32_t futex_word;

struct kernel_pair_arg {
    barrier_t *start;
    int id, kind;               /* kind 0: yield, 1: futex */
    uint64_t t0, t1;
};

static void *kernel_pair_thread(void *p)
{
    struct kernel_pair_arg *a = p;
    uint32_t me = (uint32_t)a->id, other = !a->id;
    sys_set_affinity(0, 1);             /* both on CPU 0 */
    barrier_wait(a->start);
    a->t0 = now_ns();
    long n = a->kind == 0 ? YIELDS : HANDOFFS;
    for (long i = 0; i < n; i++) {
        if (a->kind == 0) {
            sys_yield();
            continue;
        }
        while (__atomic_load_n(&futex_word, __ATOMIC_ACQUIRE) != me)
            sys_futex_wait((uint32_t *)&futex_word, other, -1);
        __atomic_store_n(&futex_word, other, __ATOMIC_RELEASE);
        sys_futex_wake((uint32_t *)&futex_word, 1);
    }
    a->t1 = now_ns();
    return NULL;
}

static void kernel_pair(struct figure *f, int kind)
{
    f->ops = 2 * (uint64_t)(kind == 0 ? YIELDS : HANDOFFS);
    f->div = 1;
    for (int r = 0; r < REPS; r++) {
        barrier_t start;
        barrier_init(&start, 2);
        futex_word = 0;
        struct kernel_pair_arg a = { &start, 0, kind, 0, 0 }, b = { &start, 1, kind, 0, 0 };
        thread_t ta, tb;
        must(thread_create(&ta, kernel_pair_thread, &a), "thread_create");
        must(thread_create(&tb, kernel_pair_thread, &b), "thread_create");
        thread_join(ta, NULL);
        thread_join(tb, NULL);
        uint64_t t0 = a.t0 < b.t0 ? a.t0 : b.t0, t1 = a.t1 > b.t1 ? a.t1 : b.t1;
        f->total[r] = t1 - t0;
    }
}

/* --- green: channel hand-off ---------------------------------------------------- */

static struct figure fig_handoff;
static struct green_chan *ping, *pong;
static volatile uint64_t handoff_start, handoff_end;

static void ping_task(void *arg)
{
    handoff_start = now_ns();
    long v;
    for (long i = 0; i < HANDOFFS; i++) {
        green_chan_send(ping, i);
        green_chan_recv(pong, &v);
    }
    handoff_end = now_ns();
}

static void pong_task(void *arg)
{
    long v;
    for (long i = 0; i < HANDOFFS; i++) {
        green_chan_recv(ping, &v);
        green_chan_send(pong, v);
    }
}

static void bench_green_handoff(void)
{
    fig_handoff.ops = 2 * HANDOFFS;
    fig_handoff.div = 1;
    ping = green_chan_create(0);
    pong = green_chan_create(0);
    if (!ping || !pong)
        must(-ENOMEM, "green_chan_create");
    for (int r = 0; r < REPS; r++) {
        must(green_spawn(pong_task, NULL), "green_spawn");
        must(green_spawn(ping_task, NULL), "green_spawn");
        must(green_run(1, 0), "green_run");
        fig_handoff.total[r] = handoff_end - handoff_start;
    }
    green_chan_destroy(ping);
    green_chan_destroy(pong);
}

/* --- memory per live task / thread -------------------------------------------------- */

static uint64_t free_frames(void)
{
    struct sys_info info;
    sys_sysinfo(&info);
    return info.free_frames;
}

static struct green_chan *gate;
static volatile long waiting;
static uint64_t frames_before, frames_all_alive;
static uint64_t green_bytes_per_task, thread_bytes_per_thread;

static void waiting_task(void *arg)
{
    long v;
    atomic_fetch_add(&waiting, 1);
    green_chan_recv(gate, &v);
}

static void gate_keeper(void *arg)
{
    for (long i = 0; i < ntasks; i++)
        must(green_spawn(waiting_task, NULL), "green_spawn");
    while (atomic_fetch_add(&waiting, 0) < ntasks)
        green_yield();              /* one look per round of the queue */
    frames_all_alive = free_frames();
    for (long i = 0; i < ntasks; i++)
        green_chan_send(gate, 0);
}

static volatile uint32_t thread_gate;

static void *waiting_thread(void *arg)
{
    atomic_fetch_add(&waiting, 1);
    while (__atomic_load_n(&thread_gate, __ATOMIC_ACQUIRE) == 0)
        sys_futex_wait((uint32_t *)&thread_gate, 0, -1);
    return NULL;
}

static void bench_memory(void)
{
    gate = green_chan_create(0);
    if (!gate)
        must(-ENOMEM, "green_chan_create");
    /* A first run leaves malloc's arenas for the descriptors in place, so
       the measured run sees the cost of live tasks, not of growing the heap
       (the descriptors are counted: 128 bytes from malloc each). */
    waiting = 0;
    must(green_spawn(gate_keeper, NULL), "green_spawn");
    must(green_run(1, SMALL_STACK), "green_run");
    waiting = 0;
    frames_before = free_frames();
    must(green_spawn(gate_keeper, NULL), "green_spawn");
    must(green_run(1, SMALL_STACK), "green_run");
    green_bytes_per_task = (frames_before - frames_all_alive) * 4096 / (uint64_t)ntasks;
    green_bytes_per_task += 128;            /* the descriptor, from the warm heap */
    green_chan_destroy(gate);

    static thread_t t[MEMORY_THREADS];
    waiting = 0;
    thread_gate = 0;
    thread_stack_cache_flush();
    uint64_t before = free_frames();
    for (int i = 0; i < MEMORY_THREADS; i++)
        must(thread_create(&t[i], waiting_thread, NULL), "thread_create");
    while (atomic_fetch_add(&waiting, 0) < MEMORY_THREADS)
        sys_yield();
    uint64_t during = free_frames();
    __atomic_store_n(&thread_gate, 1, __ATOMIC_RELEASE);
    sys_futex_wake((uint32_t *)&thread_gate, MEMORY_THREADS);
    for (int i = 0; i < MEMORY_THREADS; i++)
        thread_join(t[i], NULL);
    thread_stack_cache_flush();
    thread_bytes_per_thread = (before - during) * 4096 / MEMORY_THREADS;
}

/* --- main ------------------------------------------------------------------------ */

static void table_row(const char *what, uint64_t green, uint64_t kernel, uint64_t den_g,
                      uint64_t den_k, const char *unit)
{
    char g[24], k[24], r[24];
    fixed1(g, sizeof g, green, den_g);
    fixed1(k, sizeof k, kernel, den_k);
    /* ratio = (kernel / den_k) / (green / den_g) */
    fixed1(r, sizeof r, kernel * den_g, green * den_k);
    printf("%-30s %12s %-4s %12s %-4s %8sx\n", what, g, unit, k, unit, r);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        ntasks = strtol(argv[1], NULL, 10);
    if (argc > 2)
        kernel_threads = (int)strtol(argv[2], NULL, 10);
    if (argc > 3 || ntasks < 2 || ntasks > 1000000 || kernel_threads < 1 ||
        kernel_threads > GREEN_MAX_KERNEL_THREADS) {
        printf("usage: green [TASKS [KERNEL_THREADS]]  (TASKS 2..1000000, KERNEL_THREADS 1..%d)\n",
               GREEN_MAX_KERNEL_THREADS);
        return 2;
    }
    printf("info green tasks=%ld kernel_threads=%d reps=%d\n", ntasks, kernel_threads, REPS);

    bench_green_create();
    struct green_stats s;
    green_get_stats(&s);
    char extra[96];
    snprintf(extra, sizeof extra, "tasks=%ld", ntasks);
    uint64_t spawn = report("green_spawn", "ns", &fig_spawn, extra);
    snprintf(extra, sizeof extra, "tasks=%ld kernel_threads=%d stacks_made=%lu", ntasks,
             kernel_threads, (unsigned long)s.stacks_made);
    uint64_t create_run = report("green_create_run", "us", &fig_create_run, extra);
    bench_thread_create();
    snprintf(extra, sizeof extra, "pairs=%d", KERNEL_PAIRS);
    uint64_t thread_create = report("thread_create_join", "us", &fig_thread, extra);

    bench_green_yield();
    snprintf(extra, sizeof extra, "tasks=2 kernel_threads=1 yields=%d", YIELDS);
    uint64_t yield = report("green_yield", "ns", &fig_yield, extra);
    snprintf(extra, sizeof extra, "tasks=%ld kernel_threads=1 yields=%d stack=%d", ntasks,
             LIVE_YIELDS, SMALL_STACK);
    uint64_t yield_live = report("green_yield_live", "ns", &fig_yield_live, extra);
    kernel_pair(&fig_ctx_yield, 0);
    snprintf(extra, sizeof extra, "iters=%d cpus=0", YIELDS);
    uint64_t ctx_yield = report("ctxsw_yield", "ns", &fig_ctx_yield, extra);

    bench_green_handoff();
    snprintf(extra, sizeof extra, "tasks=2 kernel_threads=1 handoffs=%d", 2 * HANDOFFS);
    uint64_t handoff = report("green_chan_handoff", "ns", &fig_handoff, extra);
    kernel_pair(&fig_ctx_futex, 1);
    snprintf(extra, sizeof extra, "iters=%d cpus=0", HANDOFFS);
    uint64_t ctx_futex = report("ctxsw_futex", "ns", &fig_ctx_futex, extra);

    bench_memory();
    printf("metric=green_task_memory value=%lu unit=bytes tasks=%ld stack=%d\n",
           (unsigned long)green_bytes_per_task, ntasks, SMALL_STACK);
    printf("metric=thread_memory value=%lu unit=bytes threads=%d\n",
           (unsigned long)thread_bytes_per_thread, MEMORY_THREADS);

    printf("\n%-30s %17s %17s %9s\n", "", "green task", "kernel thread", "ratio");
    table_row("create + run + exit (+ join)", create_run, thread_create,
              fig_create_run.ops * 1000, fig_thread.ops * 1000, "us");
    table_row("switch: yield", yield, ctx_yield, fig_yield.ops, fig_ctx_yield.ops, "ns");
    table_row("switch: yield, all tasks alive", yield_live, ctx_yield, fig_yield_live.ops,
              fig_ctx_yield.ops, "ns");
    table_row("hand-off: channel / futex", handoff, ctx_futex, fig_handoff.ops, fig_ctx_futex.ops,
              "ns");
    table_row("memory per live one (KiB)", green_bytes_per_task, thread_bytes_per_thread, 1024,
              1024, "KiB");
    char sp[24];
    printf("(green_spawn alone: %s ns per task; green tasks on %d kernel thread(s) for creation, 1 "
           "for switches; kernel threads pinned to CPU 0)\n",
           fixed1(sp, sizeof sp, spawn, fig_spawn.ops), kernel_threads);
    return 0;
}
