/* Helper for the user tests (not a test itself): a process that ends while
   its other threads still spin, block and sleep (argv[1] says how it ends). */
#include <thread.h>
#include <atomic.h>
#include <sync.h>
#include "utest.h"

/*
 * t-exit-busy main-returns   main returns 17 while the others still run
 * t-exit-busy thread-exits   a non-main thread calls exit(23) while main
 *                            and the others are blocked
 * Either way the whole process must end with that status; if anything
 * comes back after that point the helper exits 99.
 */

#define NSPIN  2
#define NBLOCK 2
#define NSLEEP 1
#define NMUTEX 1

static volatile int started;
static volatile uint32_t never;         /* nobody ever changes or wakes it */
static mutex_t held = MUTEX_INITIALIZER;

static void *spinner(void *arg)
{
    volatile long n = 0;
    atomic_fetch_add_int(&started, 1);
    for (;;)
        n++;
    return arg;
}

static void *blocker(void *arg)
{
    atomic_fetch_add_int(&started, 1);
    for (;;)
        sys_futex_wait((uint32_t *)&never, 0, -1);
    return arg;
}

static void *sleeper(void *arg)
{
    atomic_fetch_add_int(&started, 1);
    sys_sleep(3600ll * 1000000000);     /* an hour */
    printf("t-exit-busy: the sleeper woke up\n");
    exit(99);
}

/* Blocks on a mutex that main holds and never releases. */
static void *locker(void *arg)
{
    atomic_fetch_add_int(&started, 1);
    mutex_lock(&held);
    printf("t-exit-busy: got a mutex that is never released\n");
    exit(99);
}

static void *exiter(void *arg)
{
    while (atomic_load(&started) < NSPIN + NBLOCK + NSLEEP + NMUTEX)
        sys_yield();
    sys_sleep(5 * 1000000);             /* let the others reach their waits */
    exit(23);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: t-exit-busy main-returns|thread-exits\n");
        return 2;
    }
    int thread_exits = !strcmp(argv[1], "thread-exits");
    thread_t t;
    mutex_lock(&held);
    for (int i = 0; i < NSPIN; i++)
        if (thread_create(&t, spinner, NULL))
            return 98;
    for (int i = 0; i < NBLOCK; i++)
        if (thread_create(&t, blocker, NULL))
            return 98;
    for (int i = 0; i < NSLEEP; i++)
        if (thread_create(&t, sleeper, NULL))
            return 98;
    for (int i = 0; i < NMUTEX; i++)
        if (thread_create(&t, locker, NULL))
            return 98;
    if (thread_exits) {
        if (thread_create(&t, exiter, NULL))
            return 98;
        for (;;)
            sys_futex_wait((uint32_t *)&never, 0, -1);
    }
    while (atomic_load(&started) < NSPIN + NBLOCK + NSLEEP + NMUTEX)
        sys_yield();
    sys_sleep(5 * 1000000);             /* let the others reach their waits */
    printf("t-exit-busy: main returns 17 with %d other threads running\n",
           NSPIN + NBLOCK + NSLEEP + NMUTEX);
    return 17;
}
