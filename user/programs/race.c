/* race: T threads increment one shared counter N times each, without
   protection and with four kinds of protection, and count lost updates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spindle.h>
#include <thread.h>
#include <atomic.h>
#include <sync.h>
#include <ticketlock.h>

#define THREADS_MAX 64
#define ITERS_MAX   100000000L

enum race_mode { MODE_UNSAFE, MODE_ATOMIC, MODE_SPINLOCK, MODE_MUTEX, MODE_TICKET, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = { "unsafe", "atomic", "spinlock", "mutex",
                                                    "ticket" };

/* The shared state of one run; the threads only read the parameters. */
static volatile long counter;
static volatile int ready;          /* the start gate: threads that have arrived */
static int run_threads;
static long run_iters;
static enum race_mode run_mode;
static spinlock_t counter_spinlock = SPINLOCK_INITIALIZER;
static mutex_t counter_mutex = MUTEX_INITIALIZER;
static ticket_lock_t counter_ticket_lock = TICKET_LOCK_INITIALIZER;

/*
 * Why the unsafe increment calls a function between its load and its store:
 * on x86 `count++` can compile to a single `add` to memory, which one CPU
 * cannot be interrupted in the middle of -- while it is still not atomic
 * across CPUs (another CPU can read the old value between its read and its
 * write). Under QEMU TCG, a virtual CPU takes interrupts only between
 * translated blocks, and a block ends at a branch, call or return, so a
 * load-add-store loop with no call in it is never preempted between its
 * load and its store, and with one CPU it would never lose an update. The
 * call ends a block right there, so a timer interrupt (and a switch to
 * another thread, which then increments the same old value) can fall
 * between the load and the store, as it does in real code that computes
 * something between reading and writing a shared variable.
 *
 * The call also does a little work (a few dozen instructions), standing
 * for that computation: it makes 1,000,000 increments last several timer
 * ticks, so that even at hz=100 every thread is preempted many times in
 * the middle of its increments, with one CPU as well as with many.
 */
#define WORK_STEPS 24

__attribute__((noinline)) static void between_load_and_store(void)
{
    volatile unsigned work = 0;             /* volatile: the loop is not optimised away */
    for (int i = 0; i < WORK_STEPS; i++)
        work = work * 31 + (unsigned)i;
}

static void *worker(void *unused)
{
    /* Start together: a thread created early would otherwise finish its
       share before the last one is even running, and nothing would race. */
    atomic_fetch_add_int(&ready, 1);
    while (atomic_load(&ready) < run_threads)
        thread_yield();

    long n = run_iters;
    switch (run_mode) {
    case MODE_UNSAFE:
        for (long i = 0; i < n; i++) {
            long value = counter;           /* load */
            between_load_and_store();
            counter = value + 1;            /* store: may overwrite others' updates */
        }
        break;
    case MODE_ATOMIC:
        for (long i = 0; i < n; i++)
            atomic_fetch_add(&counter, 1);  /* lock xadd (lock add: the old value is unused) */
        break;
    case MODE_SPINLOCK:
        for (long i = 0; i < n; i++) {
            spin_lock(&counter_spinlock);
            counter = counter + 1;
            spin_unlock(&counter_spinlock);
        }
        break;
    case MODE_MUTEX:
        for (long i = 0; i < n; i++) {
            mutex_lock(&counter_mutex);
            counter = counter + 1;
            mutex_unlock(&counter_mutex);
        }
        break;
    case MODE_TICKET:
        for (long i = 0; i < n; i++) {
            ticket_lock(&counter_ticket_lock);
            counter = counter + 1;
            ticket_unlock(&counter_ticket_lock);
        }
        break;
    case MODE_COUNT:
        break;
    }
    return NULL;
}

/* One run: threads threads, iters increments each, in mode; prints its line. */
static void race_run(int threads, long iters, enum race_mode mode)
{
    thread_t tids[THREADS_MAX];
    counter = 0;
    ready = 0;
    run_threads = threads;
    run_iters = iters;
    run_mode = mode;

    uint64_t start = sys_clock();
    for (int i = 0; i < threads; i++) {
        int err = thread_create(&tids[i], worker, NULL);
        if (err < 0) {
            printf("race: cannot create thread %d: %s\n", i, strerror(err));
            exit(1);
        }
    }
    for (int i = 0; i < threads; i++) {
        int err = thread_join(tids[i], NULL);
        if (err < 0) {
            printf("race: cannot join thread %d: %s\n", tids[i], strerror(err));
            exit(1);
        }
    }
    uint64_t end = sys_clock();

    long expected = (long)threads * iters;
    long actual = counter;
    printf("race: mode=%s threads=%d iters=%ld expected=%ld actual=%ld lost=%ld time_ms=%lu\n",
           mode_names[mode], threads, iters, expected, actual, expected - actual,
           (unsigned long)((end - start) / 1000000));
}

/* Parses a whole decimal argument in [min, max] into *out; 0 or -EINVAL. */
static int parse_number(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < min || v > max)
        return -EINVAL;
    *out = v;
    return 0;
}

static int usage(void)
{
    printf("usage: race [THREADS [ITERS [MODE]]]  (MODE: unsafe atomic spinlock mutex ticket all)\n");
    return 2;
}

int main(int argc, char **argv)
{
    long threads = 2, iters = 1000000;
    int mode = -1;                  /* -1: all, in turn */
    if (argc > 4)
        return usage();
    if (argc > 1 && parse_number(argv[1], 1, THREADS_MAX, &threads) < 0)
        return usage();
    if (argc > 2 && parse_number(argv[2], 1, ITERS_MAX, &iters) < 0)
        return usage();
    if (argc > 3 && strcmp(argv[3], "all") != 0) {
        for (int m = 0; m < MODE_COUNT; m++)
            if (!strcmp(argv[3], mode_names[m]))
                mode = m;
        if (mode < 0)
            return usage();
    }

    /* `all` is every mode but ticket: a strictly fair spinlock is slow
       when threads outnumber CPUs, or virtual CPUs the host's cores
       (docs/race.md), and `race 4 1000000 all` is the quick demonstration. */
    for (int m = 0; m < MODE_COUNT; m++)
        if (mode == m || (mode < 0 && m != MODE_TICKET))
            race_run((int)threads, iters, (enum race_mode)m);
    return 0;
}
