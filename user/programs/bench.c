/* The user-mode benchmark behind `make bench`: the Linux anchor's thread
   benchmarks (../shared/bench/linux-anchor/bench.c), same method and names. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spindle.h>
#include <thread.h>
#include <atomic.h>
#include <sync.h>

/*
 * Output, one line per figure (DESIGN.md section 3, as the reference):
 *   metric=NAME value=MEDIAN unit=UNIT min=.. max=.. reps=N tsc=.. [k=v ...]
 * plus lines starting with "info ". value, min and max are per-operation
 * figures over the repetitions inside this one run, each repetition timed
 * with clock_ns (the clock page); tsc= is the median of rdtsc ticks per operation (under
 * QEMU TCG rdtsc counts the host's TSC, see "info tsc_mhz"). Numbers have
 * at most 4 significant digits, as printf's %.4g writes them (the user
 * library's printf has no floating point: fmt_sig4 does it with integers).
 *
 * Metrics (as the reference; counts for scale=1):
 *   clock_gettime       one clock_ns, read from the clock page without a system
 *                       call (the reference's clock_gettime, from Linux's vDSO
 *                       where its clock allows), ns; 7 x 100,000
 *   syscall_getpid      one SYS_getpid, ns; 7 x 100,000
 *   thread_create_join  thread_create of a thread that returns at once + thread_join,
 *                       us per pair, 5 x 1,000 pairs; pair_pNN_us = percentiles of
 *                       single pairs over all 5,000 (rdtsc)
 *   ctxsw_yield         2 threads each call SYS_yield 10,000 times; ns per yield
 *                       (switch_per_yield = share of yields after which the other
 *                       thread had run)
 *   ctxsw_futex         2 threads pass a token with futex_wait/futex_wake 10,000
 *                       times each; ns per hand-off
 *   race_K_tT           T threads (2, 4) x N = 1,000,000 increments of one shared
 *                       int; K = unsafe (volatile load, add, store), atomic (lock
 *                       xadd), spinlock (spinlock_t), mutex (mutex_t); 5 reps; ns per
 *                       increment = wall time from the first thread's start to the
 *                       last one's end / (T*N); final= expected= of rep 0, lost= per
 *                       rep. The threads pass a yield start gate first.
 *
 *   xcpu_futex          (2 or more CPUs) as ctxsw_futex, the threads pinned to
 *                       CPUs 0 and 1: the wake-up crosses CPUs (a reschedule IPI)
 *   race_K_tT_pin       (2 or more CPUs) as race_K_tT, thread i pinned to CPU
 *                       i % ncpu
 * Then Spindle's own (no Linux anchor): race_K_t1 for K = unsafe, atomic,
 * spinlock: one thread, so no contention at all -- the floor under race_K_tT,
 * set by QEMU (with more than one CPU it emulates every lock-prefixed
 * instruction with a host atomic operation; docs/benchmarks.md);
 * process_spawn_wait, ctxsw_yield_process,
 * mem_per_thread, mem_per_process and tvp_ratio_* (process / thread), threads
 * versus processes (section 5, docs/threads-vs-processes.md).
 *
 * The ctxsw tests pin both threads to CPU 0 with set_affinity, as the
 * reference does. There are no pipes, so no ctxsw_pipe.
 *
 * boot_to_init (the host's time from QEMU's launch to this program's first
 * line) is measured by tests/run.py --bench, which prints it after these.
 *
 * Arguments: scale=F multiplies the non-race counts (default 1), n=N sets
 * the race's increments per thread (default 1000000), part=tvp runs only the
 * threads-versus-processes figures (with clock, thread_create_join and
 * ctxsw_yield, which they are compared with), part=kernel only the figures
 * that measure the kernel's paths (clock to xcpu_futex: no races), part=race
 * only the races.
 */

#define MAXREPS 16
#define MAX_RACE_THREADS 4

static uint64_t scale_milli = 1000;     /* scale=F, in thousandths */
static uint64_t tsc_khz;                /* TSC ticks per millisecond, calibrated */

static inline uint64_t now_ns(void)
{
    return clock_ns();              /* from the clock page: no system call */
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static long scaled(long n)
{
    long v = (long)((uint64_t)n * scale_milli / 1000);
    return v < 1 ? 1 : v;
}

/* --- numbers ---------------------------------------------------------------- */

/* Writes num/den (den > 0) into buf as printf's "%.4g" writes a double:
   4 significant digits (halfway cases to even), trailing zeros dropped,
   exponent form below 1e-4 or from 1e4 up. (printf rounds the nearest
   double rather than the exact quotient, which can differ in the last
   digit when the quotient is within a double's error of a halfway point.) */
static void fmt_sig4(char *buf, size_t size, uint64_t num, uint64_t den)
{
    if (num == 0 || den == 0) {
        snprintf(buf, size, "%s", den ? "0" : "nan");
        return;
    }
    /* The first 5 significant digits of num/den, and the decimal exponent
       of the first one. */
    int digits[5], nd = 0, exp10;
    bool beyond = false;                /* a nonzero digit after the fifth */
    uint64_t whole = num / den, rem = num % den;
    if (whole > 0) {
        char w[24];
        int len = snprintf(w, sizeof w, "%lu", (unsigned long)whole);
        exp10 = len - 1;
        for (int i = 0; i < len; i++) {
            if (nd < 5)
                digits[nd++] = w[i] - '0';
            else if (w[i] != '0')
                beyond = true;
        }
    } else {
        exp10 = -1;
        while (rem * 10 < den) {        /* leading zeros after the point */
            rem *= 10;
            exp10--;
        }
    }
    while (nd < 5) {                    /* long division: rem < den, so rem * 10 fits */
        rem *= 10;
        digits[nd++] = (int)(rem / den);
        rem %= den;
    }
    if (rem)
        beyond = true;
    /* Round to 4 digits, halfway to even. */
    int d = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
    if (digits[4] > 5 || (digits[4] == 5 && (beyond || (d & 1))))
        d++;
    if (d == 10000) {
        d = 1000;
        exp10++;
    }
    char sig[5];
    snprintf(sig, sizeof sig, "%04d", d);
    int keep = 4;
    if (exp10 < -4 || exp10 >= 4) {
        while (keep > 1 && sig[keep - 1] == '0')
            keep--;
        snprintf(buf, size, "%c%s%.*se%c%02d", sig[0], keep > 1 ? "." : "", keep - 1, sig + 1,
                 exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
        return;
    }
    /* Fixed: 3 - exp10 decimals, then without trailing zeros. */
    char out[16];
    int o = 0;
    if (exp10 < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = -1; i > exp10; i--)
            out[o++] = '0';
        for (int i = 0; i < 4; i++)
            out[o++] = sig[i];
    } else {
        for (int i = 0; i < 4; i++) {
            out[o++] = sig[i];
            if (i == exp10 && i < 3)
                out[o++] = '.';
        }
    }
    out[o] = 0;
    if (strchr(out, '.')) {
        while (o > 0 && out[o - 1] == '0')
            out[--o] = 0;
        if (o > 0 && out[o - 1] == '.')
            out[--o] = 0;
    }
    snprintf(buf, size, "%s", out);
}

/* Fixed point with `decimals` decimals of num/den (rounded half up). */
static void fmt_fixed(char *buf, size_t size, uint64_t num, uint64_t den, int decimals)
{
    uint64_t pow = 1;
    for (int i = 0; i < decimals; i++)
        pow *= 10;
    uint64_t v = (num * pow + den / 2) / den;
    if (decimals == 0)
        snprintf(buf, size, "%lu", (unsigned long)v);
    else
        snprintf(buf, size, "%lu.%0*lu", (unsigned long)(v / pow), decimals,
                 (unsigned long)(v % pow));
}

static void sort_u64(uint64_t *v, long n)
{
    /* Shell sort: n is at most a few thousand. */
    for (long gap = n / 2; gap > 0; gap /= 2)
        for (long i = gap; i < n; i++)
            for (long j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
                uint64_t t = v[j];
                v[j] = v[j - gap];
                v[j - gap] = t;
            }
}

/* Median of an odd number of values (the reps are 5 or 7). */
static uint64_t median_u64(const uint64_t *v, int n)
{
    uint64_t s[MAXREPS];
    memcpy(s, v, (size_t)n * sizeof *s);
    sort_u64(s, n);
    return s[n / 2];
}

/* The median total and the operation count of the last metric reported. */
static uint64_t last_report_total, last_report_ops;
/* Medians (total, ops) of the thread [0] and process [1] figures, for the
   ratios of section 5. */
static uint64_t tvp_create[2][2], tvp_switch[2][2], tvp_mem[2][2];

/*
 * Prints one metric line. total[r] is repetition r's total (ns, or ticks
 * for tsc[r]) over ops operations; a value is total / (ops * div), so div
 * is 1 for ns and 1000 for us. extra (may be NULL) is appended.
 */
static void report(const char *name, const char *unit, uint64_t div, const uint64_t *total,
                   const uint64_t *tsc, int reps, uint64_t ops, const char *extra)
{
    uint64_t lo = total[0], hi = total[0];
    for (int r = 1; r < reps; r++) {
        if (total[r] < lo)
            lo = total[r];
        if (total[r] > hi)
            hi = total[r];
    }
    char v[24], mn[24], mx[24], tk[24];
    fmt_sig4(v, sizeof v, median_u64(total, reps), ops * div);
    fmt_sig4(mn, sizeof mn, lo, ops * div);
    fmt_sig4(mx, sizeof mx, hi, ops * div);
    fmt_sig4(tk, sizeof tk, median_u64(tsc, reps), ops);
    printf("metric=%s value=%s unit=%s min=%s max=%s reps=%d tsc=%s%s%s\n", name, v, unit, mn, mx,
           reps, tk, extra ? " " : "", extra ? extra : "");
    last_report_total = median_u64(total, reps);    /* for the ratios of section 5 */
    last_report_ops = ops;
}

/* --- 0. the clock, and the TSC's rate ------------------------------------------- */

static void bench_clock(void)
{
    /* TSC against the clock over 200 ms. */
    uint64_t n0 = now_ns(), t0 = rdtsc(), n1;
    do {
        n1 = now_ns();
    } while (n1 - n0 < 200000000ull);
    uint64_t t1 = rdtsc();
    tsc_khz = (t1 - t0) * 1000000 / (n1 - n0);
    char mhz[24];
    fmt_fixed(mhz, sizeof mhz, tsc_khz, 1000, 1);
    printf("info tsc_mhz=%s\n", mhz);

    const int reps = 7;
    long iters = scaled(100000);
    uint64_t ns[MAXREPS], tk[MAXREPS];
    for (int r = 0; r < reps; r++) {
        uint64_t a = now_ns(), ta = rdtsc();
        for (long i = 0; i < iters; i++)
            (void)now_ns();
        uint64_t b = now_ns(), tb = rdtsc();
        ns[r] = b - a;
        tk[r] = tb - ta;
    }
    report("clock_gettime", "ns", 1, ns, tk, reps, (uint64_t)iters, NULL);
}

/* --- 1. thread create + join ------------------------------------------------------ */

static void *noop_thread(void *arg)
{
    return arg;
}

static void bench_create_join(void)
{
    const int reps = 5;
    long pairs = scaled(1000);
    uint64_t ns[MAXREPS], tk[MAXREPS];
    uint64_t *pair_ticks = malloc(sizeof(uint64_t) * (size_t)pairs * reps);
    long np = 0;
    thread_t t;
    if (!pair_ticks || thread_create(&t, noop_thread, NULL) != 0) {
        printf("info error what=thread_create_join setup\n");
        free(pair_ticks);
        return;
    }
    thread_join(t, NULL);               /* warm up */
    for (int r = 0; r < reps; r++) {
        uint64_t a = now_ns(), ta = rdtsc();
        for (long i = 0; i < pairs; i++) {
            uint64_t p0 = rdtsc();
            int err = thread_create(&t, noop_thread, NULL);
            if (err) {
                printf("info error what=thread_create err=%d\n", err);
                free(pair_ticks);
                return;
            }
            thread_join(t, NULL);
            pair_ticks[np++] = rdtsc() - p0;
        }
        uint64_t b = now_ns(), tb = rdtsc();
        ns[r] = b - a;
        tk[r] = tb - ta;
    }
    /* Per-pair percentiles, ticks converted to us with the calibrated rate. */
    sort_u64(pair_ticks, np);
    char p50[24], p90[24], p99[24], pmax[24], extra[160];
    fmt_sig4(p50, sizeof p50, pair_ticks[np / 2] * 1000, tsc_khz);
    fmt_sig4(p90, sizeof p90, pair_ticks[np * 9 / 10] * 1000, tsc_khz);
    fmt_sig4(p99, sizeof p99, pair_ticks[np * 99 / 100] * 1000, tsc_khz);
    fmt_sig4(pmax, sizeof pmax, pair_ticks[np - 1] * 1000, tsc_khz);
    snprintf(extra, sizeof extra, "pairs=%ld pair_p50_us=%s pair_p90_us=%s pair_p99_us=%s pair_max_us=%s",
             pairs, p50, p90, p99, pmax);
    free(pair_ticks);
    report("thread_create_join", "us", 1000, ns, tk, reps, (uint64_t)pairs, extra);
    tvp_create[0][0] = last_report_total;
    tvp_create[0][1] = last_report_ops;
}

/* --- 2. context switches: yield and futex ping-pong ---------------------------- */

struct pingpong_arg {
    long iters;
    int id;
    int cpu;                            /* pinned to this CPU */
    barrier_t *start;
    uint64_t t_start, t_end, tsc_start, tsc_end;
};

static volatile int yield_last;
static volatile long yield_switches;

static void *yield_thread(void *arg)
{
    struct pingpong_arg *p = arg;
    long switches = 0;
    sys_set_affinity(0, 1ull << p->cpu);
    barrier_wait(p->start);
    p->t_start = now_ns();
    p->tsc_start = rdtsc();
    for (long i = 0; i < p->iters; i++) {
        sys_yield();
        if (yield_last != p->id) {      /* the other thread ran since our last yield */
            yield_last = p->id;
            switches++;
        }
    }
    p->t_end = now_ns();
    p->tsc_end = rdtsc();
    atomic_fetch_add(&yield_switches, switches);
    return NULL;
}

static volatile uint32_t futex_word __attribute__((aligned(64)));

static void *futex_thread(void *arg)
{
    struct pingpong_arg *p = arg;
    uint32_t me = (uint32_t)p->id, other = !p->id;
    sys_set_affinity(0, 1ull << p->cpu);
    barrier_wait(p->start);
    p->t_start = now_ns();
    p->tsc_start = rdtsc();
    for (long i = 0; i < p->iters; i++) {
        while (__atomic_load_n(&futex_word, __ATOMIC_ACQUIRE) != me)
            sys_futex_wait((uint32_t *)&futex_word, other, -1);
        __atomic_store_n(&futex_word, other, __ATOMIC_RELEASE);
        sys_futex_wake((uint32_t *)&futex_word, 1);
    }
    p->t_end = now_ns();
    p->tsc_end = rdtsc();
    return NULL;
}

/* kind 0: yield, 1: futex. The threads are pinned to cpu0 and cpu1 (as the
   reference: both on CPU 0 for ctxsw_*, CPUs 0 and 1 for xcpu_futex). */
static void pingpong(const char *name, int kind, int cpu0, int cpu1, long iters)
{
    const int reps = 5;
    uint64_t ns[MAXREPS], tk[MAXREPS], switch_milli[MAXREPS];
    for (int r = 0; r < reps; r++) {
        barrier_t start;
        barrier_init(&start, 2);
        struct pingpong_arg a = { .iters = iters, .id = 0, .cpu = cpu0, .start = &start };
        struct pingpong_arg b = { .iters = iters, .id = 1, .cpu = cpu1, .start = &start };
        yield_last = -1;
        yield_switches = 0;
        futex_word = 0;
        void *(*fn)(void *) = kind == 0 ? yield_thread : futex_thread;
        thread_t ta, tb;
        if (thread_create(&ta, fn, &a) || thread_create(&tb, fn, &b)) {
            printf("info error what=%s thread_create\n", name);
            return;
        }
        thread_join(ta, NULL);
        thread_join(tb, NULL);
        uint64_t s = a.t_start < b.t_start ? a.t_start : b.t_start;
        uint64_t e = a.t_end > b.t_end ? a.t_end : b.t_end;
        uint64_t ts = a.tsc_start < b.tsc_start ? a.tsc_start : b.tsc_start;
        uint64_t te = a.tsc_end > b.tsc_end ? a.tsc_end : b.tsc_end;
        /* yield: 2*iters yields; futex: each iteration of each thread is
           one hand-off, 2*iters in all (= switches when they share a CPU). */
        ns[r] = e - s;
        tk[r] = te - ts;
        switch_milli[r] = kind == 0 ? (uint64_t)yield_switches * 1000 / (2 * (uint64_t)iters) : 1000;
    }
    char frac[24], extra[96];
    fmt_fixed(frac, sizeof frac, median_u64(switch_milli, reps), 1000, 3);
    snprintf(extra, sizeof extra, "iters=%ld cpus=%d,%d %s=%s", iters, cpu0, cpu1,
             kind == 0 ? "switch_per_yield" : "handoff_per_op", frac);
    report(name, "ns", 1, ns, tk, reps, 2 * (uint64_t)iters, extra);
    if (kind == 0) {
        tvp_switch[0][0] = last_report_total;
        tvp_switch[0][1] = last_report_ops;
    }
}

/* --- 3. null system call ----------------------------------------------------------- */

static void bench_syscall(void)
{
    const int reps = 7;
    long iters = scaled(100000);
    uint64_t ns[MAXREPS], tk[MAXREPS];
    for (int r = 0; r < reps; r++) {
        uint64_t a = now_ns(), ta = rdtsc();
        for (long i = 0; i < iters; i++)
            sys_getpid();
        uint64_t b = now_ns(), tb = rdtsc();
        ns[r] = b - a;
        tk[r] = tb - ta;
    }
    char extra[32];
    snprintf(extra, sizeof extra, "iters=%ld", iters);
    report("syscall_getpid", "ns", 1, ns, tk, reps, (uint64_t)iters, extra);
}

/* --- 4. the lost-update race -------------------------------------------------------- */

static struct {
    volatile int counter __attribute__((aligned(64)));
    spinlock_t spin __attribute__((aligned(64)));
    mutex_t mutex __attribute__((aligned(64)));
    volatile long sink __attribute__((aligned(64)));
} R;

static volatile int race_gate;

enum { RACE_UNSAFE, RACE_ATOMIC, RACE_SPIN, RACE_MUTEX };
static const char *const race_names[] = { "unsafe", "atomic", "spinlock", "mutex" };

struct race_arg {
    int kind;
    int nthreads;
    long n;
    int cpu;                            /* pinned to this CPU, or -1 */
    uint64_t t_start, t_end, tsc_start, tsc_end;
};

/* A read-modify-write in three instructions: load, add, store. */
static inline void unsafe_increment(void)
{
    int v = R.counter;
    v = v + 1;
    R.counter = v;
}

static void *race_thread(void *arg)
{
    struct race_arg *ra = arg;
    long n = ra->n;
    if (ra->cpu >= 0)
        sys_set_affinity(0, 1ull << ra->cpu);
    /* Start gate: spin with yield until all T threads are running, so that
       on more than one CPU the loops overlap (with a blocking barrier the
       waker can finish its loop before the woken thread gets a CPU). */
    atomic_fetch_add_int(&race_gate, 1);
    while (atomic_load(&race_gate) < ra->nthreads)
        sys_yield();
    ra->t_start = now_ns();
    ra->tsc_start = rdtsc();
    switch (ra->kind) {
    case RACE_UNSAFE:
        for (long i = 0; i < n; i++)
            unsafe_increment();
        break;
    case RACE_ATOMIC: {
        long s = 0;                     /* use the result, so that the compiler emits lock xadd */
        for (long i = 0; i < n; i++)
            s += atomic_fetch_add_int(&R.counter, 1);
        R.sink = s;
        break;
    }
    case RACE_SPIN:
        for (long i = 0; i < n; i++) {
            spin_lock(&R.spin);
            unsafe_increment();
            spin_unlock(&R.spin);
        }
        break;
    case RACE_MUTEX:
        for (long i = 0; i < n; i++) {
            mutex_lock(&R.mutex);
            unsafe_increment();
            mutex_unlock(&R.mutex);
        }
        break;
    }
    ra->t_end = now_ns();
    ra->tsc_end = rdtsc();
    return NULL;
}

/* pinned: thread i runs only on CPU i % ncpu (the reference's _pin). */
static void bench_race(int kind, int nthreads, long n, int pinned, int ncpu)
{
    const int reps = 5;
    uint64_t ns[MAXREPS], tk[MAXREPS];
    long lost[MAXREPS];
    int final0 = 0;
    long expected = (long)nthreads * n;
    for (int r = 0; r < reps; r++) {
        race_gate = 0;
        R.spin = (spinlock_t)SPINLOCK_INITIALIZER;
        R.mutex = (mutex_t)MUTEX_INITIALIZER;
        R.counter = 0;
        thread_t th[MAX_RACE_THREADS];
        struct race_arg ra[MAX_RACE_THREADS];
        memset(ra, 0, sizeof ra);
        for (int i = 0; i < nthreads; i++) {
            ra[i] = (struct race_arg){ .kind = kind, .nthreads = nthreads, .n = n,
                                       .cpu = pinned ? i % ncpu : -1 };
            int err = thread_create(&th[i], race_thread, &ra[i]);
            if (err) {
                printf("info error what=thread_create err=%d\n", err);
                exit(1);
            }
        }
        for (int i = 0; i < nthreads; i++)
            thread_join(th[i], NULL);
        /* Wall time from the first thread's start to the last one's end. */
        uint64_t a = ra[0].t_start, b = ra[0].t_end, ta = ra[0].tsc_start, tb = ra[0].tsc_end;
        for (int i = 1; i < nthreads; i++) {
            if (ra[i].t_start < a)
                a = ra[i].t_start;
            if (ra[i].t_end > b)
                b = ra[i].t_end;
            if (ra[i].tsc_start < ta)
                ta = ra[i].tsc_start;
            if (ra[i].tsc_end > tb)
                tb = ra[i].tsc_end;
        }
        ns[r] = b - a;
        tk[r] = tb - ta;
        lost[r] = expected - R.counter;
        if (r == 0)
            final0 = R.counter;
    }
    char name[48], extra[160];
    snprintf(name, sizeof name, "race_%s_t%d%s", race_names[kind], nthreads, pinned ? "_pin" : "");
    int off = snprintf(extra, sizeof extra, "final=%d expected=%ld lost=", final0, expected);
    for (int r = 0; r < reps && off < (int)sizeof extra; r++)
        off += snprintf(extra + off, sizeof extra - (size_t)off, "%s%ld", r ? "," : "", lost[r]);
    report(name, "ns", 1, ns, tk, reps, (uint64_t)expected, extra);
}

/* --- 5. threads versus processes (docs/threads-vs-processes.md) ------------------- */

/*
 * The same three costs for a thread of this process and for a process:
 *   process_spawn_wait   SYS_spawn of bench-child (exits at once) + SYS_wait, us
 *                        per pair; compare thread_create_join
 *   ctxsw_yield_process  2 bench-child processes pinned to CPU 0 each call
 *                        SYS_yield N = 10,000 times; ns per yield; compare
 *                        ctxsw_yield. Timed by this process (pinned to CPU 0
 *                        too), from opening the children's start gate to
 *                        reaping both, so it also holds two process exits
 *                        (under 1% of it with N = 10,000)
 *   mem_per_thread       frames in use per thread / per process, with 100
 *   mem_per_process      of them alive and blocked (SYS_sysinfo before and
 *                        during), KiB; leak_frames = frames not back after
 * then the ratios process / thread of the medians: tvp_ratio_create,
 * tvp_ratio_switch and tvp_ratio_memory (unit x).
 *
 * Processes share no memory and there are no pipes, so the children wait
 * for a gate: a thread of ours that they watch through SYS_thread_list, and
 * that we end to let them go (user/programs/bench-child.c).
 */

#define TVP_CHILD "bench-child"
#define TVP_MEM_COUNT 100
#define TVP_MEM_REPS 3
#define TVP_LIST_MAX 1024
#define TVP_STATE_BLOCKED 2             /* struct thread_info.state */
#define TVP_STATE_SLEEPING 3
#define TVP_GIVE_UP_NS 120000000000ull  /* waiting for children to get ready */

static struct thread_info tvp_list[TVP_LIST_MAX];
static volatile uint32_t tvp_gate_word;
static volatile uint32_t tvp_hold_word;

static void *tvp_gate_thread(void *arg)
{
    if (arg)
        sys_set_affinity(0, 1);         /* tvp_yield_process: all on CPU 0 */
    while (__atomic_load_n(&tvp_gate_word, __ATOMIC_ACQUIRE) == 0)
        sys_futex_wait((uint32_t *)&tvp_gate_word, 0, -1);
    return arg;
}

/* Creates the gate thread, blocked until tvp_gate_release; pinned to CPU 0
   with on_cpu0. */
static int tvp_gate_create(thread_t *gate, bool on_cpu0)
{
    tvp_gate_word = 0;
    return thread_create(gate, tvp_gate_thread, on_cpu0 ? (void *)1 : NULL);
}

/* Opens the gate: the thread ends, and children watching it go on. */
static void tvp_gate_release(thread_t gate)
{
    __atomic_store_n(&tvp_gate_word, 1, __ATOMIC_RELEASE);
    sys_futex_wake((uint32_t *)&tvp_gate_word, 1);
    thread_join(gate, NULL);
}

/* The thread of process pid in the list (its only one), or NULL. */
static const struct thread_info *tvp_find_pid(int n, int pid)
{
    for (int i = 0; i < n && i < TVP_LIST_MAX; i++)
        if (tvp_list[i].pid == pid)
            return &tvp_list[i];
    return NULL;
}

/* Waits until each of the n pids (or tids, with by_tid) has left the CPU
   voluntarily at least once (it has reached its first block, sleep or
   yield) and, with pinned, runs pinned to CPU 0. Returns 0 or -ETIMEDOUT. */
static int tvp_wait_ready(const int *ids, int n, bool by_tid, bool pinned)
{
    uint64_t deadline = now_ns() + TVP_GIVE_UP_NS;
    for (;;) {
        int listed = sys_thread_list(tvp_list, TVP_LIST_MAX), ready = 0;
        for (int k = 0; k < n; k++) {
            const struct thread_info *t = NULL;
            if (by_tid) {
                for (int i = 0; i < listed && i < TVP_LIST_MAX && !t; i++)
                    if (tvp_list[i].tid == ids[k])
                        t = &tvp_list[i];
            } else {
                t = tvp_find_pid(listed, ids[k]);
            }
            if (t && t->voluntary_switches >= 1 && (!pinned || t->affinity == 1))
                ready++;
        }
        if (ready == n)
            return 0;
        if (now_ns() > deadline)
            return -ETIMEDOUT;
        sys_sleep(1000000);
    }
}

static void tvp_spawn_wait(void)
{
    const int reps = 5;
    long pairs = scaled(200);
    uint64_t ns[MAXREPS], tk[MAXREPS];
    const char *argv[] = { TVP_CHILD, NULL };
    int status = -1;
    int pid = sys_spawn(TVP_CHILD, argv);           /* warm up */
    if (pid < 0 || sys_wait(pid, &status) != pid || status != 0) {
        printf("info error what=process_spawn_wait spawn=%d status=%d\n", pid, status);
        return;
    }
    for (int r = 0; r < reps; r++) {
        uint64_t a = now_ns(), ta = rdtsc();
        for (long i = 0; i < pairs; i++) {
            pid = sys_spawn(TVP_CHILD, argv);
            if (pid < 0 || sys_wait(pid, &status) != pid || status != 0) {
                printf("info error what=process_spawn_wait spawn=%d status=%d\n", pid, status);
                return;
            }
        }
        uint64_t b = now_ns(), tb = rdtsc();
        ns[r] = b - a;
        tk[r] = tb - ta;
    }
    char extra[64];
    snprintf(extra, sizeof extra, "pairs=%ld program=%s", pairs, TVP_CHILD);
    report("process_spawn_wait", "us", 1000, ns, tk, reps, (uint64_t)pairs, extra);
    tvp_create[1][0] = last_report_total;
    tvp_create[1][1] = last_report_ops;
}

static void tvp_yield_process(long iters)
{
    const int reps = 5;
    uint64_t ns[MAXREPS], tk[MAXREPS], switch_milli[MAXREPS];
    /* Everything on CPU 0 -- this thread, the gate, the children: opening
       the gate and reaping the children then wake nothing on another CPU,
       whose wake-up (an IPI to a halted virtual CPU) can take milliseconds
       on a busy host and would swamp the window. */
    uint64_t old_mask = ~0ull;
    sys_get_affinity(0, &old_mask);
    sys_set_affinity(0, 1);
    for (int r = 0; r < reps; r++) {
        thread_t gate;
        if (tvp_gate_create(&gate, true) != 0) {
            printf("info error what=ctxsw_yield_process gate\n");
            sys_set_affinity(0, old_mask);
            return;
        }
        char n[24], g[24];
        snprintf(n, sizeof n, "%ld", iters);
        snprintf(g, sizeof g, "%d", gate);
        const char *argv[] = { TVP_CHILD, "yield", n, g, NULL };
        int pids[2];
        pids[0] = sys_spawn(TVP_CHILD, argv);
        pids[1] = sys_spawn(TVP_CHILD, argv);
        int ready = pids[0] > 0 && pids[1] > 0 ? tvp_wait_ready(pids, 2, false, true) : -1;
        uint64_t a = now_ns(), ta = rdtsc();
        tvp_gate_release(gate);
        int st[2] = { -1, -1 };
        for (int k = 0; k < 2; k++)
            if (pids[k] > 0)
                sys_wait(pids[k], &st[k]);
        uint64_t b = now_ns(), tb = rdtsc();
        if (ready != 0 || st[0] < 0 || st[0] > 200 || st[1] < 0 || st[1] > 200) {
            printf("info error what=ctxsw_yield_process spawn=%d,%d ready=%d status=%d,%d\n",
                   pids[0], pids[1], ready, st[0], st[1]);
            sys_set_affinity(0, old_mask);
            return;
        }
        ns[r] = b - a;
        tk[r] = tb - ta;
        switch_milli[r] = (uint64_t)(st[0] + st[1]) * 1000 / 400;
    }
    sys_set_affinity(0, old_mask);
    char frac[24], extra[96];
    fmt_fixed(frac, sizeof frac, median_u64(switch_milli, reps), 1000, 3);
    snprintf(extra, sizeof extra, "iters=%ld cpus=0 switch_per_yield=%s", iters, frac);
    report("ctxsw_yield_process", "ns", 1, ns, tk, reps, 2 * (uint64_t)iters, extra);
    tvp_switch[1][0] = last_report_total;
    tvp_switch[1][1] = last_report_ops;
}

/* Reaps what has ended (sysinfo does) until the kernel counts as many
   threads and processes as *base; returns the sysinfo then. Our joined
   threads' stacks wait in the library's cache: flushed first. */
static int tvp_settle(const struct sys_info *base, struct sys_info *now)
{
    uint64_t deadline = now_ns() + TVP_GIVE_UP_NS;
    for (;;) {
        thread_stack_cache_flush();
        if (sys_sysinfo(now) != 0)
            return -EFAULT;
        if (now->threads == base->threads && now->processes == base->processes)
            return 0;
        if (now_ns() > deadline)
            return -ETIMEDOUT;
        sys_sleep(1000000);
    }
}

static void *tvp_hold_thread(void *arg)
{
    while (__atomic_load_n(&tvp_hold_word, __ATOMIC_ACQUIRE) == 0)
        sys_futex_wait((uint32_t *)&tvp_hold_word, 0, -1);
    return arg;
}

/* One measurement: frames in use by TVP_MEM_COUNT threads (processes: 0)
   alive and blocked, into *used, and frames not free after they ended
   into *leak. Returns 0 or an error. */
static int tvp_mem_once(int processes, uint64_t *used, int64_t *leak)
{
    int ids[TVP_MEM_COUNT];
    struct sys_info base, during, after;
    thread_stack_cache_flush();
    if (sys_sysinfo(&base) != 0)
        return -EFAULT;
    thread_t gate = 0;
    if (processes && tvp_gate_create(&gate, false) != 0)
        return -ENOMEM;
    struct sys_info with_gate;
    if (sys_sysinfo(&with_gate) != 0)
        return -EFAULT;
    tvp_hold_word = 0;
    char g[24];
    snprintf(g, sizeof g, "%d", gate);
    const char *argv[] = { TVP_CHILD, "hold", g, NULL };
    int made = 0, err = 0;
    for (; made < TVP_MEM_COUNT; made++) {
        int id;
        if (processes)
            err = id = sys_spawn(TVP_CHILD, argv);
        else
            err = thread_create(&id, tvp_hold_thread, NULL);
        if (err < 0)
            break;
        ids[made] = id;
        err = 0;
    }
    if (!err)
        err = tvp_wait_ready(ids, made, !processes, false);
    if (!err && sys_sysinfo(&during) != 0)
        err = -EFAULT;
    /* Let them all go, whatever happened. */
    if (processes) {
        tvp_gate_release(gate);
        for (int i = 0; i < made; i++) {
            int st = -1;
            sys_wait(ids[i], &st);
            if (st != 0 && !err)
                err = -ECHILD;
        }
    } else {
        __atomic_store_n(&tvp_hold_word, 1, __ATOMIC_RELEASE);
        sys_futex_wake((uint32_t *)&tvp_hold_word, TVP_MEM_COUNT);
        for (int i = 0; i < made; i++)
            thread_join(ids[i], NULL);
    }
    int settled = tvp_settle(&base, &after);
    if (err)
        return err;
    if (settled)
        return settled;
    *used = with_gate.free_frames - during.free_frames;
    *leak = (int64_t)base.free_frames - (int64_t)after.free_frames;
    return 0;
}

static void tvp_memory(int processes)
{
    const char *name = processes ? "mem_per_process" : "mem_per_thread";
    uint64_t used[MAXREPS];
    int64_t leak = 0;
    for (int r = 0; r < TVP_MEM_REPS; r++) {
        int64_t l;
        int err = tvp_mem_once(processes, &used[r], &l);
        if (err) {
            printf("info error what=%s err=%d\n", name, err);
            return;
        }
        if (l > leak)
            leak = l;
    }
    uint64_t lo = used[0], hi = used[0], med = median_u64(used, TVP_MEM_REPS);
    for (int r = 1; r < TVP_MEM_REPS; r++) {
        lo = used[r] < lo ? used[r] : lo;
        hi = used[r] > hi ? used[r] : hi;
    }
    char v[24], mn[24], mx[24], fr[24];
    fmt_sig4(v, sizeof v, med * 4, TVP_MEM_COUNT);           /* 4 KiB frames */
    fmt_sig4(mn, sizeof mn, lo * 4, TVP_MEM_COUNT);
    fmt_sig4(mx, sizeof mx, hi * 4, TVP_MEM_COUNT);
    fmt_sig4(fr, sizeof fr, med, TVP_MEM_COUNT);
    printf("metric=%s value=%s unit=KiB min=%s max=%s reps=%d count=%d frames_per=%s leak_frames=%ld\n",
           name, v, mn, mx, TVP_MEM_REPS, TVP_MEM_COUNT, fr, (long)leak);
    tvp_mem[processes][0] = med;
    tvp_mem[processes][1] = TVP_MEM_COUNT;
}

/* a / b of two (total, ops) medians, as text; "nan" if either is missing. */
static void tvp_ratio(char *buf, size_t size, const uint64_t proc[2], const uint64_t thread[2])
{
    if (!proc[1] || !thread[1] || !thread[0] || !proc[0]) {
        snprintf(buf, size, "nan");
        return;
    }
    /* (p0 / p1) / (t0 / t1) = p0 * t1 / (p1 * t0), in 128 bits. */
    unsigned __int128 num = (unsigned __int128)proc[0] * thread[1];
    unsigned __int128 den = (unsigned __int128)proc[1] * thread[0];
    while (num >> 63 || den >> 63) {
        num >>= 1;
        den >>= 1;
    }
    fmt_sig4(buf, size, (uint64_t)num, den ? (uint64_t)den : 1);
}

/* The thread figures come from bench_create_join and pingpong, run before. */
static void bench_threads_vs_processes(void)
{
    tvp_spawn_wait();
    tvp_yield_process(scaled(10000));
    tvp_memory(0);
    tvp_memory(1);
    char c[24], s[24], m[24];
    tvp_ratio(c, sizeof c, tvp_create[1], tvp_create[0]);
    tvp_ratio(s, sizeof s, tvp_switch[1], tvp_switch[0]);
    tvp_ratio(m, sizeof m, tvp_mem[1], tvp_mem[0]);
    printf("metric=tvp_ratio_create value=%s unit=x of=process_spawn_wait/thread_create_join\n", c);
    printf("metric=tvp_ratio_switch value=%s unit=x of=ctxsw_yield_process/ctxsw_yield\n", s);
    printf("metric=tvp_ratio_memory value=%s unit=x of=mem_per_process/mem_per_thread\n", m);
}

/* --- main -------------------------------------------------------------------------- */

/* Parses "F" (a decimal like 0.25 or 2) into thousandths; 0 if malformed. */
static uint64_t parse_milli(const char *s)
{
    uint64_t whole = 0, frac = 0, scale = 1000;
    for (; *s >= '0' && *s <= '9'; s++)
        whole = whole * 10 + (uint64_t)(*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            if (scale > 1) {
                scale /= 10;
                frac += (uint64_t)(*s - '0') * scale;
            }
    return *s ? 0 : whole * 1000 + frac;
}

/* The number of CPUs: those set_affinity accepts one at a time (it refuses
   a mask with no online CPU). The caller's mask is put back. */
static int count_cpus(void)
{
    uint64_t saved;
    if (sys_get_affinity(0, &saved) < 0)
        return 1;
    int cpus = 0;
    for (int i = 0; i < 64; i++)
        if (sys_set_affinity(0, 1ull << i) == 0)
            cpus++;
    sys_set_affinity(0, saved);
    return cpus ? cpus : 1;
}

int main(int argc, char **argv)
{
    /* First line: the host times the boot up to here (boot_to_init). */
    char boot_ms[24];
    fmt_fixed(boot_ms, sizeof boot_ms, now_ns(), 1000000, 1);
    printf("info event=init_start pid=%d guest_boottime_ms=%s\n", sys_getpid(), boot_ms);

    long race_n = 1000000;
    bool only_tvp = false, only_kernel = false, only_race = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "part=tvp")) {
            only_tvp = true;
        } else if (!strcmp(argv[i], "part=kernel")) {
            only_kernel = true;
        } else if (!strcmp(argv[i], "part=race")) {
            only_race = true;
        } else if (!strncmp(argv[i], "scale=", 6) && parse_milli(argv[i] + 6) > 0) {
            scale_milli = parse_milli(argv[i] + 6);
        } else if (!strncmp(argv[i], "n=", 2) && atoi(argv[i] + 2) > 0) {
            race_n = atoi(argv[i] + 2);
        } else {
            printf("usage: bench [scale=F] [n=N] [part=tvp|part=kernel|part=race]\n");
            return 2;
        }
    }
    char scale[24];
    fmt_fixed(scale, sizeof scale, scale_milli, 1000, 3);
    int ncpu = count_cpus();
    printf("info kernel=spindle ncpu=%d scale=%s race_n=%ld\n", ncpu, scale, race_n);
    printf("info pinning: ctxsw_yield and ctxsw_futex pin both threads to CPU 0, xcpu_futex "
           "to CPUs 0 and 1; _pin races bind thread i to CPU i %% ncpu; no pipes, so no ctxsw_pipe\n");
    uint64_t t_all = now_ns();

    if (only_tvp) {
        /* Threads versus processes only, with the thread figures it compares. */
        bench_clock();
        bench_create_join();
        pingpong("ctxsw_yield", 0, 0, 0, scaled(10000));
        bench_threads_vs_processes();
        printf("info event=done\n");
        return 0;
    }
    if (!only_race) {
        bench_clock();
        bench_syscall();
        bench_create_join();
        pingpong("ctxsw_yield", 0, 0, 0, scaled(10000));
        pingpong("ctxsw_futex", 1, 0, 0, scaled(10000));
        if (ncpu >= 2)
            pingpong("xcpu_futex", 1, 0, 1, scaled(10000));
    }
    if (only_kernel) {
        printf("info event=done\n");
        return 0;
    }
    static const int thread_counts[] = { 2, 4 };
    for (int pinned = 0; pinned <= (ncpu >= 2); pinned++)
        for (unsigned ti = 0; ti < sizeof thread_counts / sizeof thread_counts[0]; ti++)
            for (int k = RACE_UNSAFE; k <= RACE_MUTEX; k++)
                bench_race(k, thread_counts[ti], race_n, pinned, ncpu);
    for (int k = RACE_UNSAFE; k <= RACE_SPIN; k++)
        bench_race(k, 1, race_n, 0, ncpu);
    if (!only_race)
        bench_threads_vs_processes();

    char secs[24];
    fmt_fixed(secs, sizeof secs, now_ns() - t_all, 1000000000, 2);
    printf("info event=done bench_s=%s\n", secs);
    return 0;
}
