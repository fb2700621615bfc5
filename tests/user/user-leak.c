/* Test: 1,000 spawn/exit cycles, 10,000 thread create/join cycles, killed
   threads and mmap/munmap cycles leave the kernel's free-frame count where it was. */
// test: expect=^leak: .* after 1000 spawn/exit cycles: 0 frames lost
// test: expect=^leak: .* after 10000 thread create/join cycles: 0 frames lost
// test: expect=^leak: .* after 50 busy-process exit cycles: 0 frames lost
// test: expect=^leak: .* after 1000 mmap/munmap cycles: 0 frames lost
// test: expect=^PASS
// test: timeout=300
#include <thread.h>
#include "utest.h"

#define MS 1000000ll

static void *returns_arg(void *arg)
{
    return arg;
}

static const char *const child_argv[] = { "t-child", "0", "0", "4", NULL };
static const char *const busy_argv[] = { "t-exit-busy", "main-returns", NULL };

static void spawn_cycles(int n)
{
    for (int i = 0; i < n; i++) {
        int status = ut_run("t-child", child_argv);
        UT_CHECK_MSG(status == 0, "cycle %d: t-child exited with %d", i, status);
    }
}

static void thread_cycles(int n)
{
    for (long i = 0; i < n; i++) {
        thread_t t;
        void *ret = NULL;
        int r = thread_create(&t, returns_arg, (void *)i);
        UT_CHECK_MSG(r == 0, "cycle %ld: thread_create returned %d", i, r);
        UT_CHECK_EQ(thread_join(t, &ret), 0);
        UT_CHECK_EQ((long)ret, i);
    }
}

/* Processes that end while 6 other threads spin, block and sleep. */
static void busy_exit_cycles(int n)
{
    for (int i = 0; i < n; i++) {
        int status = ut_run("t-exit-busy", busy_argv);
        UT_CHECK_MSG(status == 17, "cycle %d: t-exit-busy exited with %d", i, status);
    }
}

static void mmap_cycles(int n)
{
    for (int i = 0; i < n; i++) {
        char *p = sys_mmap(64 * 1024, PROT_READ | PROT_WRITE);
        UT_CHECK_MSG(!mmap_failed(p), "cycle %d: mmap returned %ld", i, (long)p);
        for (int off = 0; off < 64 * 1024; off += 4096)
            p[off] = (char)i;           /* make sure each page really exists */
        UT_CHECK_EQ(sys_munmap(p, 64 * 1024), 0);
    }
}


static struct sys_info first;          /* at the start: no children, no other threads */
static int leaky;                       /* kinds of cycles that lost frames */

static void check(const char *what, void (*cycles)(int), int n)
{
    struct sys_info before = ut_settle(&first);
    uint64_t start = sys_clock();
    cycles(n);
    struct sys_info after = ut_settle(&first);
    long lost = (long)before.free_frames - (long)after.free_frames;
    printf("leak: free frames %lu before, %lu after %d %s cycles: %ld frames lost (%lu ms)\n",
           (unsigned long)before.free_frames, (unsigned long)after.free_frames, n, what, lost,
           (unsigned long)((sys_clock() - start) / MS));
    if (lost != 0) {                    /* go on: the other kinds may show where it leaks */
        printf("leak: %ld frames lost in %d %s cycles\n", lost, n, what);
        leaky++;
    }
}

int main(void)
{
    first = ut_sysinfo();
    printf("sysinfo: %lu of %lu frames free, %d threads, %d processes\n",
           (unsigned long)first.free_frames, (unsigned long)first.total_frames, first.threads,
           first.processes);
    UT_CHECK_GT(first.free_frames, 0);
    UT_CHECK_LE(first.free_frames, first.total_frames);
    UT_CHECK_GE(first.threads, 2);      /* init and us, at least */
    UT_CHECK_GE(first.processes, 2);

    /* One of each first: caches in the kernel and the user library fill up
       once, and are not leaks. */
    spawn_cycles(2);
    thread_cycles(2);
    busy_exit_cycles(1);
    mmap_cycles(2);

    check("spawn/exit", spawn_cycles, 1000);
    check("thread create/join", thread_cycles, 10000);
    check("busy-process exit", busy_exit_cycles, 50);
    check("mmap/munmap", mmap_cycles, 1000);
    UT_CHECK_MSG(leaky == 0, "frames were lost in %d kinds of cycles (the lines above)", leaky);
    printf("PASS\n");
    return 0;
}
