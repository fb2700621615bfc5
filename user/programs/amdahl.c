/* amdahl: Amdahl's law, measured. A CPU-bound job with a chosen serial
   fraction runs on 1, 2 and 4 threads pinned to CPUs; speedup beside the law. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spindle.h>
#include <thread.h>

/*
 * amdahl PERCENT [work=UNITS] [reps=R]     e.g. amdahl 10, amdahl 2.5
 * amdahl s=FRACTION [work=UNITS] [reps=R]  e.g. amdahl s=0.1
 *
 * The job is `work` units (default 400) of the same CPU-bound computation.
 * A share s of them is serial: the main thread does them while every other
 * thread is blocked. The rest is split into n equal chunks, one per thread,
 * run at the same time. Thread i is pinned to CPU i mod (CPUs online), the
 * main thread being thread 0 on CPU 0. A run is timed from the start of the
 * serial part to the moment the last chunk is done; each thread count runs
 * `reps` times (default 5), in rounds 1, 2, 4, 1, 2, 4, ... so that a change
 * of load on the host hits every count alike, and the median time is shown.
 *
 * Amdahl's law: with a serial fraction s, n processors can speed a job up
 * at most S(n) = 1 / (s + (1 - s) / n). The column "best here" is what the
 * law allows with the CPUs this machine has: with c CPUs and n threads
 * pinned round robin, the busiest CPU runs ceil(n / c) chunks, so the time
 * is at least s + (1 - s) * ceil(n / c) / n of one thread's.
 *
 * The computation keeps its state in registers and each thread writes its
 * result once, into its own cache line: no two CPUs fight over a line.
 * Predictions are computed with integers from s in hundredths of a percent
 * (exact to the last digit shown); the user library's printf has no
 * floating point.
 */

#define THREADS_MAX 4
#define UNIT_ITERS 500000           /* xorshift steps per unit of work (~1.5 ms under QEMU TCG) */
#define BP_ONE 10000                /* s is kept in basis points: 1/100 of a percent */

static const int thread_counts[] = { 1, 2, 4 };
#define NCOUNTS ((int)(sizeof thread_counts / sizeof thread_counts[0]))

/* One thread's part of a run, in a cache line of its own. */
struct worker {
    int index;
    int cpu;                        /* where it is pinned */
    uint64_t units;                 /* its chunk */
    uint64_t result;                /* the computation's result, written once */
    int ran_on;                     /* sys_getcpu after its chunk */
} __attribute__((aligned(64)));

static struct worker workers[THREADS_MAX];

/* The start gate and the finish count, each in its own line too. */
static struct {
    volatile uint32_t go __attribute__((aligned(64)));
    volatile uint32_t ready __attribute__((aligned(64)));
    volatile uint32_t done __attribute__((aligned(64)));
} gate;

static int ncpus;

/* units of work: a xorshift64 generator summed, all in registers. */
static uint64_t compute(uint64_t units, uint64_t seed)
{
    uint64_t x = seed | 1, acc = 0;
    for (uint64_t u = 0; u < units; u++)
        for (int i = 0; i < UNIT_ITERS; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            acc += x;
        }
    return acc;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    sys_set_affinity(0, 1ull << w->cpu);    /* moves at the next switch: the wait below */
    __atomic_fetch_add(&gate.ready, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&gate.go, __ATOMIC_ACQUIRE) == 0)
        sys_futex_wait((uint32_t *)&gate.go, 0, -1);
    w->result = compute(w->units, (uint64_t)w->index + 1);
    w->ran_on = sys_getcpu();
    __atomic_fetch_add(&gate.done, 1, __ATOMIC_RELEASE);
    sys_futex_wake((uint32_t *)&gate.done, 1);
    return NULL;
}

/*
 * One run with n threads: returns its time in ns (0 on error) and the
 * number of distinct CPUs its threads ended on in *cpus_used.
 */
static uint64_t run(int n, uint64_t serial_units, uint64_t parallel_units, int *cpus_used)
{
    thread_t tids[THREADS_MAX];
    gate.go = 0;
    gate.ready = 0;
    gate.done = 0;
    for (int i = 0; i < n; i++) {
        workers[i] = (struct worker){
            .index = i,
            .cpu = i % ncpus,
            .units = parallel_units / (uint64_t)n + ((uint64_t)i < parallel_units % (uint64_t)n),
        };
    }
    /* Threads 1..n-1 are made before the clock starts and wait at the gate. */
    for (int i = 1; i < n; i++) {
        int err = thread_create(&tids[i], worker_main, &workers[i]);
        if (err) {
            printf("amdahl: thread_create failed (%d)\n", err);
            exit(1);
        }
    }
    while (__atomic_load_n(&gate.ready, __ATOMIC_ACQUIRE) < (uint32_t)(n - 1))
        sys_yield();

    uint64_t t0 = sys_clock();
    /* The serial part: only this thread runs; the others are blocked. */
    uint64_t serial = compute(serial_units, 12345);
    /* The parallel part: open the gate, do chunk 0, wait for the rest. */
    __atomic_store_n(&gate.go, 1, __ATOMIC_RELEASE);
    sys_futex_wake((uint32_t *)&gate.go, n);
    workers[0].result = compute(workers[0].units, 1);
    workers[0].ran_on = sys_getcpu();
    uint32_t d;
    while ((d = __atomic_load_n(&gate.done, __ATOMIC_ACQUIRE)) < (uint32_t)(n - 1))
        sys_futex_wait((uint32_t *)&gate.done, d, -1);
    uint64_t t1 = sys_clock();

    for (int i = 1; i < n; i++)
        thread_join(tids[i], NULL);
    /* Use every result, so that no computation can be left out. */
    uint64_t sum = serial;
    for (int i = 0; i < n; i++)
        sum += workers[i].result;
    if (sum == 42)
        printf("(a one in 2^64 coincidence)\n");
    int used = 0;
    for (int i = 0; i < n; i++) {
        bool first = true;              /* the first thread seen on its CPU */
        for (int j = 0; j < i; j++)
            if (workers[j].ran_on == workers[i].ran_on)
                first = false;
        used += first;
    }
    *cpus_used = used;
    return t1 - t0;
}

/* 100 * n / (s*n + (1-s)*k), rounded half up: the law's speedup in
   hundredths when the parallel part takes k of the n chunk-times
   (k = 1: n processors; k = ceil(n/c): n threads on c CPUs). s in BP. */
static uint64_t law_hundredths(uint64_t s_bp, uint64_t n, uint64_t k)
{
    uint64_t num = 100 * BP_ONE * n;
    uint64_t den = s_bp * n + (BP_ONE - s_bp) * k;
    return (2 * num + den) / (2 * den);
}

static void print_hundredths(char *buf, size_t size, uint64_t v)
{
    snprintf(buf, size, "%lu.%02lu", (unsigned long)(v / 100), (unsigned long)(v % 100));
}

/* Parses a decimal with at most `decimals` digits after the point into an
   integer scaled by 10^decimals; -1 if malformed. */
static long parse_decimal(const char *s, int decimals)
{
    long whole = 0, frac = 0;
    int digits = 0, seen = 0;
    for (; *s >= '0' && *s <= '9'; s++, seen++)
        if ((whole = whole * 10 + (*s - '0')) > 1000000)
            return -1;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, seen++) {
            if (digits == decimals)
                return -1;
            frac = frac * 10 + (*s - '0');
            digits++;
        }
    if (*s || !seen)
        return -1;
    for (; digits < decimals; digits++)
        frac *= 10;
    long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    return whole * scale + frac;
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

static int usage(void)
{
    printf("usage: amdahl PERCENT|s=FRACTION [work=UNITS] [reps=R]\n"
           "  e.g. amdahl 10  (10%% of the work serial), amdahl s=0.05 work=200\n");
    return 2;
}

#define REPS_MAX 15

int main(int argc, char **argv)
{
    long s_bp = -1, work = 400, reps = 5;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "s=", 2))
            s_bp = parse_decimal(argv[i] + 2, 4);               /* a fraction: 0.1 -> 1000 */
        else if (!strncmp(argv[i], "work=", 5))
            work = atoi(argv[i] + 5);
        else if (!strncmp(argv[i], "reps=", 5))
            reps = atoi(argv[i] + 5);
        else if (s_bp < 0 && argv[i][0] >= '0' && argv[i][0] <= '9')
            s_bp = parse_decimal(argv[i], 2);                   /* a percentage: 10 -> 1000 */
        else
            return usage();
    }
    if (s_bp < 0 || s_bp > BP_ONE || work < 1 || work > 1000000 || reps < 1 || reps > REPS_MAX)
        return usage();

    /* The CPUs online: SYS_set_affinity refuses a mask of none of them. */
    for (ncpus = 1; ncpus < 64 && sys_set_affinity(0, 1ull << ncpus) == 0; ncpus++)
        ;
    sys_set_affinity(0, 1);         /* the main thread is thread 0, on CPU 0 */

    uint64_t serial_units = ((uint64_t)work * (uint64_t)s_bp + BP_ONE / 2) / BP_ONE;
    uint64_t parallel_units = (uint64_t)work - serial_units;
    char s_pct[24];
    snprintf(s_pct, sizeof s_pct, "%ld.%02ld%%", s_bp / 100, s_bp % 100);
    printf("amdahl: serial fraction s = %s; work %ld units (%lu serial, %lu parallel); "
           "%d CPU%s; median of %ld run%s\n", s_pct, work, (unsigned long)serial_units,
           (unsigned long)parallel_units, ncpus, ncpus == 1 ? "" : "s", reps, reps == 1 ? "" : "s");

    uint64_t times[NCOUNTS][REPS_MAX];
    int cpus_used[NCOUNTS] = { 0 };
    for (long r = 0; r < reps; r++)
        for (int c = 0; c < NCOUNTS; c++)
            times[c][r] = run(thread_counts[c], serial_units, parallel_units, &cpus_used[c]);

    uint64_t median[NCOUNTS];
    for (int c = 0; c < NCOUNTS; c++) {
        sort_u64(times[c], (int)reps);
        median[c] = times[c][reps / 2];
        if (median[c] == 0)
            median[c] = 1;
    }

    printf("\n threads  CPUs  time_ms  speedup  Amdahl S(n)  best here  efficiency\n");
    for (int c = 0; c < NCOUNTS; c++) {
        uint64_t n = (uint64_t)thread_counts[c];
        uint64_t k = (n + (uint64_t)ncpus - 1) / (uint64_t)ncpus;    /* chunks on the busiest CPU */
        uint64_t speedup = (median[0] * 100 + median[c] / 2) / median[c];
        char ms[24], sp[24], law[24], best[24];
        snprintf(ms, sizeof ms, "%lu.%lu", (unsigned long)(median[c] / 1000000),
                 (unsigned long)(median[c] / 100000 % 10));
        print_hundredths(sp, sizeof sp, speedup);
        print_hundredths(law, sizeof law, law_hundredths((uint64_t)s_bp, n, 1));
        print_hundredths(best, sizeof best, law_hundredths((uint64_t)s_bp, n, k));
        printf(" %7lu  %4d  %7s  %7s  %11s  %9s  %9lu%%\n", (unsigned long)n, cpus_used[c], ms, sp,
               law, best, (unsigned long)((speedup + n / 2) / n));
    }
    printf("\nS(n) = 1 / (s + (1 - s) / n). best here: the law when the busiest CPU runs "
           "ceil(n / c) of the n chunks, c = %d CPU%s here.\n", ncpus, ncpus == 1 ? "" : "s");
    for (int c = 0; c < NCOUNTS; c++)
        if (thread_counts[c] > ncpus)
            printf("note: %d threads on %d CPU%s: threads share CPUs, so they cannot reach S(%d)\n",
                   thread_counts[c], ncpus, ncpus == 1 ? "" : "s", thread_counts[c]);
    return 0;
}
