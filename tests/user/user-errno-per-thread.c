/* Test: errno is per thread. 8 threads and main make library calls that
   fail, each with its own error (ERANGE, EINVAL, EBADF, ENOMEM), at the same
   time; after all have failed, each still reads its own errno. */
// test: expect=^errno: 9 threads x 30 turns, each saw its own errno
// test: expect=^PASS
#include <thread.h>
#include <sync.h>
#include <errno.h>
#include "utest.h"

#define NTHREADS 8                  /* plus the main thread, index NTHREADS */
#define TURNS 30

static barrier_t barrier;
static int done;

/*
 * Thread me's failing call for this turn, and the error it must leave in
 * errno (C's and POSIX's rules for these functions: user/include/errno.h):
 * strtol of a number beyond LONG_MAX is ERANGE, strtol with base 1 is
 * EINVAL, writing to a file descriptor that does not exist is EBADF (the
 * kernel's SYS_write takes only 1 and 2), and calloc of 2^62 x 16 bytes
 * (which overflows) is ENOMEM. The kind rotates with the turn so that
 * every thread makes every kind of call.
 */
static int fail_once(int me, int turn)
{
    switch ((me + turn) % 4) {
    case 0: {
        long v = strtol("99999999999999999999999", NULL, 10);
        UT_CHECK_MSG(v == 0x7fffffffffffffffL, "strtol overflow returned %ld", v);
        return ERANGE;
    }
    case 1: {
        char *end;
        strtol("12", &end, 1);
        return EINVAL;
    }
    case 2: {
        int r = dprintf(77, "nobody reads this\n");
        UT_CHECK_MSG(r < 0, "dprintf to fd 77 returned %d", r);
        return EBADF;
    }
    default: {
        void *p = calloc(1ull << 62, 16);
        UT_CHECK_MSG(p == NULL, "calloc(2^62, 16) returned %p", p);
        return ENOMEM;
    }
    }
}

static void *run(void *arg)
{
    int me = (int)(intptr_t)arg;
    UT_CHECK_MSG(errno == 0, "thread %d: errno = %d at start", me, errno);
    for (int turn = 0; turn < TURNS; turn++) {
        errno = 0;
        int want = fail_once(me, turn);
        /* Every thread has failed (and written its errno) before anyone
           looks: with one errno for all, all but the last writer would
           see a wrong value here, whatever the interleaving. */
        barrier_wait(&barrier);
        UT_CHECK_MSG(errno == want, "thread %d turn %d: errno %d, its call set %d", me, turn, errno, want);
        /* A program's own write is per thread too. */
        errno = 1000 + me;
        barrier_wait(&barrier);
        UT_CHECK_MSG(errno == 1000 + me, "thread %d turn %d: errno %d after writing %d", me, turn, errno,
                     1000 + me);
        barrier_wait(&barrier);
    }
    __atomic_fetch_add(&done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

int main(void)
{
    thread_t t[NTHREADS];
    barrier_init(&barrier, NTHREADS + 1);
    for (int i = 0; i < NTHREADS; i++)
        UT_CHECK_EQ(thread_create(&t[i], run, (void *)(intptr_t)i), 0);
    run((void *)(intptr_t)NTHREADS);
    for (int i = 0; i < NTHREADS; i++)
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);
    printf("errno: %d threads x %d turns, each saw its own errno\n", done, TURNS);
    printf("PASS\n");
    return 0;
}
