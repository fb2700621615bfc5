/* Helpers shared by the user-mode test programs in tests/user/: checks that
   print "FAIL: file:line: ..." and end the process, and spawn/thread queries. */
#ifndef TESTS_USER_UTEST_H
#define TESTS_USER_UTEST_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spindle.h>
#include <thread.h>

/*
 * A test program prints "PASS" as its last line when every check held, and
 * exits 0. A failed check prints one line "FAIL: file:line: what" (formatted
 * first and written with one printf, so lines of several threads do not
 * interleave) and ends the whole process with status 1 -- from any thread.
 * tests/run.py fails a test whose output has a line starting with "FAIL".
 */

#define UT_UNUSED __attribute__((unused))

__attribute__((noreturn, format(printf, 3, 4), unused))
static void ut_fail(const char *file, int line, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    printf("FAIL: %s:%d: %s\n", file, line, what);
    exit(1);
}

/* Fails unless cond holds. */
#define UT_CHECK(cond) \
    do { \
        if (!(cond)) \
            ut_fail(__FILE__, __LINE__, "check failed: %s", #cond); \
    } while (0)

/* Fails unless cond holds, with a printf-style explanation. */
#define UT_CHECK_MSG(cond, ...) \
    do { \
        if (!(cond)) \
            ut_fail(__FILE__, __LINE__, __VA_ARGS__); \
    } while (0)

/* Compares two integers (as long), printing both values on failure. */
#define UT_CHECK_CMP(a, op, b) \
    do { \
        long ut_a_ = (long)(a), ut_b_ = (long)(b); \
        if (!(ut_a_ op ut_b_)) \
            ut_fail(__FILE__, __LINE__, "expected %s %s %s, but %s = %ld, %s = %ld", #a, #op, #b, \
                    #a, ut_a_, #b, ut_b_); \
    } while (0)
#define UT_CHECK_EQ(a, b) UT_CHECK_CMP(a, ==, b)
#define UT_CHECK_NE(a, b) UT_CHECK_CMP(a, !=, b)
#define UT_CHECK_LT(a, b) UT_CHECK_CMP(a, <, b)
#define UT_CHECK_LE(a, b) UT_CHECK_CMP(a, <=, b)
#define UT_CHECK_GT(a, b) UT_CHECK_CMP(a, >, b)
#define UT_CHECK_GE(a, b) UT_CHECK_CMP(a, >=, b)

/* Fails unless s1 and s2 are equal strings. */
#define UT_CHECK_STR(s1, s2) \
    do { \
        const char *ut_s1_ = (s1), *ut_s2_ = (s2); \
        if (!ut_s1_ || !ut_s2_ || strcmp(ut_s1_, ut_s2_) != 0) \
            ut_fail(__FILE__, __LINE__, "expected %s == \"%s\", got \"%s\"", #s1, \
                    ut_s2_ ? ut_s2_ : "(null)", ut_s1_ ? ut_s1_ : "(null)"); \
    } while (0)

/* Thread states of struct thread_info (lib/abi.h). */
#define UT_STATE_RUNNABLE 0
#define UT_STATE_RUNNING  1
#define UT_STATE_BLOCKED  2
#define UT_STATE_SLEEPING 3
#define UT_STATE_ZOMBIE   4

/* Room for every thread in the system in one SYS_thread_list call. */
#define UT_THREAD_LIST_MAX 4096

/* The system's threads, in a buffer of UT_THREAD_LIST_MAX entries that
   stays valid until the next call (not thread-safe: call from one thread).
   Returns how many were filled. */
UT_UNUSED static int ut_thread_list(struct thread_info **out)
{
    static struct thread_info *buf;
    if (!buf) {
        buf = malloc(sizeof *buf * UT_THREAD_LIST_MAX);
        UT_CHECK_MSG(buf != NULL, "malloc of the thread list buffer failed");
    }
    int n = sys_thread_list(buf, UT_THREAD_LIST_MAX);
    UT_CHECK_MSG(n >= 0, "thread_list returned %d", n);
    *out = buf;
    return n < UT_THREAD_LIST_MAX ? n : UT_THREAD_LIST_MAX;
}

/* Thread tid as SYS_thread_list reports it, in *out. Returns 1, or 0 if
   it is not listed (it ended and was freed). */
UT_UNUSED static int ut_thread_info(int tid, struct thread_info *out)
{
    struct thread_info *t;
    int n = ut_thread_list(&t);
    for (int i = 0; i < n; i++)
        if (t[i].tid == tid) {
            *out = t[i];
            return 1;
        }
    return 0;
}

/* System calls the calling thread, whose tid is me, has made so far, this
   look included (it is one system call: SYS_thread_list; the tid is the
   caller's to find once, as finding it is a system call too). Two looks
   in a row differ by 1. */
UT_UNUSED static uint64_t ut_my_syscalls(int me)
{
    struct thread_info info;
    UT_CHECK_MSG(ut_thread_info(me, &info), "the calling thread is not listed");
    return info.syscalls;
}

/* The state of thread tid (UT_STATE_...), or -1 if it is not listed. */
UT_UNUSED static int ut_thread_state(int tid)
{
    struct thread_info info;
    return ut_thread_info(tid, &info) ? info.state : -1;
}

/* How many listed threads belong to process pid; *live gets how many of
   them are not zombies. */
UT_UNUSED static int ut_threads_of(int pid, int *live)
{
    struct thread_info *t;
    int n = ut_thread_list(&t), count = 0, alive = 0;
    for (int i = 0; i < n; i++)
        if (t[i].pid == pid) {
            count++;
            if (t[i].state != UT_STATE_ZOMBIE)
                alive++;
        }
    if (live)
        *live = alive;
    return count;
}

/* Waits (sleeping 1 ms between looks, at most timeout_ms) until thread tid
   is blocked or asleep in the kernel. Returns 1 if it is, 0 on timeout. */
UT_UNUSED static int ut_wait_blocked(int tid, int timeout_ms)
{
    uint64_t deadline = sys_clock() + (uint64_t)timeout_ms * 1000000;
    for (;;) {
        int s = ut_thread_state(tid);
        if (s == UT_STATE_BLOCKED || s == UT_STATE_SLEEPING)
            return 1;
        if (sys_clock() > deadline)
            return 0;
        sys_sleep(1000000);
    }
}

/* Spawns program name with argv (NULL-terminated) and waits for it; returns
   its exit status. Fails the test if the spawn or the wait fails. */
UT_UNUSED static int ut_run(const char *name, const char *const *argv)
{
    int pid = sys_spawn(name, argv);
    UT_CHECK_MSG(pid > 0, "spawn(%s) returned %d", name, pid);
    int status = -1;
    int r = sys_wait(pid, &status);
    UT_CHECK_MSG(r == pid, "wait(%d) for %s returned %d", pid, name, r);
    return status;
}

/* Runs the helper t-crash MODE (tests/user/t-crash.c) and checks that it
   was killed with status want; prints one line saying so. */
UT_UNUSED static void ut_expect_killed(const char *mode, int want)
{
    const char *argv[] = { "t-crash", mode, NULL };
    int status = ut_run("t-crash", argv);
    UT_CHECK_MSG(status == want, "t-crash %s: exit status %d, expected %d", mode, status, want);
    printf("ok: t-crash %s ended with status %d\n", mode, status);
}

/* Checks that the system still works after a child was killed: a new
   child runs and passes back its status. */
UT_UNUSED static void ut_expect_system_works(void)
{
    const char *argv[] = { "t-child", "5", "0", "6", "w0", "w1", NULL };
    int status = ut_run("t-child", argv);
    UT_CHECK_MSG(status == 5, "after the crash, t-child exited with %d, expected 5", status);
}

/* What SYS_sysinfo reports now. */
UT_UNUSED static struct sys_info ut_sysinfo(void)
{
    struct sys_info info;
    int r = sys_sysinfo(&info);
    UT_CHECK_MSG(r == 0, "sysinfo returned %d", r);
    return info;
}

static void *ut_returns_arg(void *arg)
{
    return arg;
}

/*
 * Waits (up to 10 s) until the kernel counts as many threads and processes
 * as base does, then returns what sysinfo says: for leak checks, which
 * compare free frames once everything that ended has been freed.
 *
 * A kernel cannot free the stack of a thread while the thread still runs
 * on it, so it may free an exited thread's memory only when it next
 * creates or ends a thread (Spindle's thread_reap). Each look therefore
 * starts by creating and joining one thread of our own.
 */
UT_UNUSED static struct sys_info ut_settle(const struct sys_info *base)
{
    uint64_t deadline = sys_clock() + 10000000000ull;
    for (;;) {
        thread_t t;
        int r = thread_create(&t, ut_returns_arg, NULL);
        UT_CHECK_MSG(r == 0, "thread_create returned %d", r);
        UT_CHECK_EQ(thread_join(t, NULL), 0);
        /* Our own thread must leave nothing behind: not even its stack in
           the library's cache, which would count as frames in use. */
        thread_stack_cache_flush();
        struct sys_info now = ut_sysinfo();
        if (now.threads == base->threads && now.processes == base->processes)
            return now;
        UT_CHECK_MSG(sys_clock() < deadline, "after 10 s the kernel still counts %d threads and "
                     "%d processes, not %d and %d", now.threads, now.processes, base->threads,
                     base->processes);
        sys_sleep(5000000);
    }
}

/* How many CPUs are online: SYS_set_affinity refuses a mask of none of
   them. Leaves the caller allowed on all of them. */
UT_UNUSED static int ut_online_cpus(void)
{
    int n;
    for (n = 1; n < 64 && sys_set_affinity(0, 1ull << n) == 0; n++)
        ;
    UT_CHECK_EQ(sys_set_affinity(0, ~0ull >> (64 - n)), 0);
    return n;
}

/* Runs fn in n threads at once, with arguments 0 .. n-1, and joins them. */
UT_UNUSED static void ut_run_threads(int n, void *(*fn)(void *))
{
    thread_t t[64];
    UT_CHECK(n <= 64);
    for (int i = 0; i < n; i++)
        UT_CHECK_EQ(thread_create(&t[i], fn, (void *)(intptr_t)i), 0);
    for (int i = 0; i < n; i++)
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);
}

#endif
