/* Kernel stack overflow must end in a clear panic naming the thread,
   caught by the guard page below the stack, never a triple fault. */
#include "kernel/ktest.h"
#include "kernel/thread.h"

/* Deeper than any stack: volatile, so the compiler cannot see the end. */
static volatile long depth_limit = 1L << 40;

/* Each call uses about 1 KiB of stack; the stack is KSTACK_SIZE. */
__attribute__((noinline)) static long recurse(volatile char *prev, long depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    frame[1023] = prev ? prev[0] : 0;
    if (depth >= depth_limit)
        return frame[0];
    return recurse(frame, depth + 1) + frame[1023];
}

static long dive(void *arg)
{
    (void)arg;
    return recurse(0, 0);
}

KTEST(test_kstack_overflow, "kstack-overflow",
      .expect_panic = "kernel stack overflow in thread 'deep-diver'", .panic_in = "recurse")
{
    int tid = thread_create("deep-diver", dive, 0);
    thread_join(tid, 0);
}
