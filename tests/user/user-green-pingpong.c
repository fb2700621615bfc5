/* Test: two green tasks pass a token back and forth over unbuffered channels
   in strict alternation; every wait is a park (never a busy wait); each task
   keeps its own MXCSR and x87 control word across switches; a buffered
   channel keeps order and stops a sender that is a full buffer ahead. */
// test: expect=^PASS
// test: timeout=120
#include <stdbool.h>
#include <green.h>
#include "utest.h"

/*
 * Why the counts below are exact: on an unbuffered channel, whichever of
 * sender and receiver arrives first parks and the other one completes the
 * rendezvous without parking, so every message costs exactly one park.
 * Every time a worker switches into a task the task is either new or
 * coming back from a park or a yield, so switches = tasks + parks + yields.
 * A channel that made its waiter spin, or yield in a loop, would change
 * parks or yields; one that did not wait at all would break the
 * alternation or lose values.
 */
#define ROUNDS 3000
#define BUFFERED_ITEMS 2000
#define BUFFER_CAPACITY 4

/* MXCSR round-toward-zero (RC = 11b, bits 13-14, Intel SDM vol. 1, 10.2.3.3)
   and x87 single precision (PC = 00b, bits 8-9, SDM vol. 1, 8.1.5.2). */
#define MXCSR_RC_MASK 0x6000
#define X87_PC_MASK 0x0300

static struct green_chan *ping, *pong;
static volatile int turn;               /* 0: the pinger's, 1: the ponger's */
static uint32_t main_mxcsr;
static uint16_t main_fpu_cw;

static uint32_t read_mxcsr(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v & ~0x3fu;                  /* without the exception flags */
}

static uint16_t read_fpu_cw(void)
{
    uint16_t v;
    __asm__ volatile("fnstcw %0" : "=m"(v));
    return v;
}

static void write_control(uint32_t mxcsr, uint16_t cw)
{
    __asm__ volatile("ldmxcsr %0" ::"m"(mxcsr));
    __asm__ volatile("fldcw %0" ::"m"(cw));
}

/* The pinger runs with its own rounding mode and precision. */
static void pinger(void *arg)
{
    uint32_t my_mxcsr = main_mxcsr | MXCSR_RC_MASK;
    uint16_t my_cw = (uint16_t)(main_fpu_cw & ~X87_PC_MASK);
    UT_CHECK_EQ(read_mxcsr(), main_mxcsr);          /* inherited from the spawner */
    UT_CHECK_EQ(read_fpu_cw(), main_fpu_cw);
    write_control(my_mxcsr, my_cw);
    for (long i = 0; i < ROUNDS; i++) {
        UT_CHECK_EQ(turn, 0);
        turn = 1;
        UT_CHECK_EQ(green_chan_send(ping, i), 0);
        long v = -1;
        UT_CHECK_EQ(green_chan_recv(pong, &v), 0);
        UT_CHECK_EQ(v, i + 1000000);
        UT_CHECK_EQ(turn, 0);
        UT_CHECK_EQ(read_mxcsr(), my_mxcsr);
        UT_CHECK_EQ(read_fpu_cw(), my_cw);
    }
}

/* The ponger keeps the defaults it inherited. */
static void ponger(void *arg)
{
    for (long i = 0; i < ROUNDS; i++) {
        long v = -1;
        UT_CHECK_EQ(green_chan_recv(ping, &v), 0);
        UT_CHECK_EQ(v, i);
        UT_CHECK_EQ(turn, 1);
        UT_CHECK_EQ(read_mxcsr(), main_mxcsr);
        UT_CHECK_EQ(read_fpu_cw(), main_fpu_cw);
        turn = 0;
        UT_CHECK_EQ(green_chan_send(pong, v + 1000000), 0);
    }
}

/* With one kernel thread the run queue is FIFO, so the task spawned first
   runs first: ponger first means every message finds its receiver already
   waiting (each park is a receiver's), pinger first that every message
   waits for its receiver (each park is a sender's). */
static void run_pingpong(int kernel_threads, bool ponger_first)
{
    ping = green_chan_create(0);
    pong = green_chan_create(0);
    UT_CHECK(ping && pong);
    turn = 0;
    if (ponger_first)
        UT_CHECK_EQ(green_spawn(ponger, NULL), 0);
    UT_CHECK_EQ(green_spawn(pinger, NULL), 0);
    if (!ponger_first)
        UT_CHECK_EQ(green_spawn(ponger, NULL), 0);
    UT_CHECK_EQ(green_run(kernel_threads, 0), 0);
    struct green_stats s;
    green_get_stats(&s);
    printf("pingpong on %d kernel threads, %s first: %lu switches, %lu parks, %lu yields, "
           "%lu idle sleeps\n", kernel_threads, ponger_first ? "receiver" : "sender",
           (unsigned long)s.switches, (unsigned long)s.parks,
           (unsigned long)s.yields, (unsigned long)s.idle_sleeps);
    UT_CHECK_EQ(s.spawned, 2);
    UT_CHECK_EQ(s.finished, 2);
    UT_CHECK_EQ(s.parks, 2 * ROUNDS);           /* one per message */
    UT_CHECK_EQ(s.yields, 0);
    UT_CHECK_EQ(s.switches, 2 + s.parks);
    UT_CHECK_EQ(s.kernel_threads, kernel_threads);
    /* The main thread's own control words are untouched by the tasks'. */
    UT_CHECK_EQ(read_mxcsr(), main_mxcsr);
    UT_CHECK_EQ(read_fpu_cw(), main_fpu_cw);
    green_chan_destroy(ping);
    green_chan_destroy(pong);
}

/* --- a buffered channel ------------------------------------------------------- */

static struct green_chan *queue;
static volatile long sends_done;

static void producer(void *arg)
{
    for (long i = 0; i < BUFFERED_ITEMS; i++) {
        UT_CHECK_EQ(green_chan_send(queue, i), 0);
        __atomic_store_n(&sends_done, i + 1, __ATOMIC_RELEASE);
        if (i % 7 == 0)
            green_yield();              /* let the consumer catch up sometimes */
    }
    green_chan_close(queue);
}

static void consumer(void *arg)
{
    long v, expected = 0;
    while (green_chan_recv(queue, &v) == 0) {
        UT_CHECK_EQ(v, expected);
        /* Having taken value v, at most BUFFER_CAPACITY more can be
           queued; no send can have completed beyond that. */
        UT_CHECK_LE(__atomic_load_n(&sends_done, __ATOMIC_ACQUIRE), v + 1 + BUFFER_CAPACITY);
        expected++;
    }
    UT_CHECK_EQ(expected, BUFFERED_ITEMS);
    UT_CHECK_EQ(green_chan_send(queue, 1), -EPIPE);     /* closed */
}

static void run_buffered(int kernel_threads)
{
    queue = green_chan_create(BUFFER_CAPACITY);
    UT_CHECK(queue);
    sends_done = 0;
    UT_CHECK_EQ(green_spawn(consumer, NULL), 0);
    UT_CHECK_EQ(green_spawn(producer, NULL), 0);
    UT_CHECK_EQ(green_run(kernel_threads, 0), 0);
    struct green_stats s;
    green_get_stats(&s);
    UT_CHECK_EQ(s.finished, 2);
    UT_CHECK_EQ(s.switches, 2 + s.parks + s.yields);
    green_chan_destroy(queue);
}

int main(void)
{
    main_mxcsr = read_mxcsr();
    main_fpu_cw = read_fpu_cw();
    UT_CHECK_EQ(main_mxcsr & MXCSR_RC_MASK, 0);         /* round to nearest, as crt0 leaves it */
    /* One kernel thread: both tasks share it, so only green_switch keeps
       their control words apart. Then three: the token crosses threads. */
    run_pingpong(1, true);
    run_pingpong(1, false);
    run_pingpong(3, true);
    run_pingpong(3, false);
    run_buffered(1);
    run_buffered(2);
    /* Not from outside a task. */
    long v;
    struct green_chan *c = green_chan_create(0);
    UT_CHECK_EQ(green_chan_send(c, 1), -EPERM);
    UT_CHECK_EQ(green_chan_recv(c, &v), -EPERM);
    green_chan_destroy(c);
    printf("PASS\n");
    return 0;
}
