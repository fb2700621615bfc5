/* Test: the TCB fields SYS_thread_list reports beyond tid..wait: TLS base,
   user-stack range, kernel stack, last run tick and time, voluntary and
   involuntary switches, affinity -- each checked against what the thread
   knows about itself or caused. */
// test: args=quantum=1 hz=1000
// test: expect=^info: main and a thread: stacks, TLS, kernel stacks as expected
// test: expect=^info: 10 yields: \d+ voluntary switches of the yielder, \d+ involuntary of the spinner
// test: expect=^PASS
#include <thread.h>
#include <tls.h>
#include "utest.h"

#define YIELDS 10

/* Our own entry in the thread list (a copy). */
static struct thread_info info_of(int tid)
{
    struct thread_info *t;
    int n = ut_thread_list(&t);
    for (int i = 0; i < n; i++)
        if (t[i].tid == tid)
            return t[i];
    ut_fail(__FILE__, __LINE__, "thread %d is not in the thread list", tid);
}

/* What a thread can check about its own entry. */
static void check_self(const char *who, uint64_t stack_low, uint64_t stack_high)
{
    volatile int local = 0;
    struct thread_info me = info_of(sys_gettid());
    UT_CHECK_MSG(me.tls_base == (uint64_t)tls_self(), "%s: tls_base %lx, %%fs:0 %p", who,
                 (unsigned long)me.tls_base, (void *)tls_self());
    UT_CHECK_MSG(me.user_stack_low <= (uint64_t)&local && (uint64_t)&local < me.user_stack_high,
                 "%s: a local at %p is outside the reported stack %lx-%lx", who, (void *)&local,
                 (unsigned long)me.user_stack_low, (unsigned long)me.user_stack_high);
    if (stack_high)
        UT_CHECK_MSG(me.user_stack_low == stack_low && me.user_stack_high == stack_high,
                     "%s: stack %lx-%lx, expected %lx-%lx", who, (unsigned long)me.user_stack_low,
                     (unsigned long)me.user_stack_high, (unsigned long)stack_low, (unsigned long)stack_high);
    /* The TLS block sits at the top of the stack's mapping (thread.c, crt0). */
    UT_CHECK_MSG(me.tls_base > me.user_stack_low && me.tls_base < me.user_stack_high,
                 "%s: TLS at %lx, outside the stack %lx-%lx", who, (unsigned long)me.tls_base,
                 (unsigned long)me.user_stack_low, (unsigned long)me.user_stack_high);
    /* A kernel stack in the kernel half, of a size a kernel thread uses
       (4 pages minus the TCB at its top: kernel/thread.c). */
    UT_CHECK_MSG(me.kstack_base >= 0xffff800000000000ull, "%s: kernel stack at %lx", who,
                 (unsigned long)me.kstack_base);
    UT_CHECK_MSG(me.kstack_size > 8192 && me.kstack_size <= 16384, "%s: kernel stack size %lu", who,
                 (unsigned long)me.kstack_size);
    UT_CHECK_MSG(me.last_run_ns > 0 && me.last_run_ns <= sys_clock(), "%s: last_run_ns %lu", who,
                 (unsigned long)me.last_run_ns);
    uint64_t mask;
    UT_CHECK_EQ(sys_get_affinity(0, &mask), 0);
    UT_CHECK_EQ(me.affinity, mask);
}

static volatile int spinner_stop;
static volatile int spinner_tid;

/* Spins without ever yielding or blocking: it leaves the CPU only when
   preempted. */
static void *spinner(void *arg)
{
    (void)arg;
    UT_CHECK_EQ(sys_set_affinity(0, 1), 0);
    __atomic_store_n(&spinner_tid, sys_gettid(), __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&spinner_stop, __ATOMIC_SEQ_CST))
        ;
    return NULL;
}

static void *checker(void *arg)
{
    (void)arg;
    check_self("thread", 0, 0);
    return NULL;
}

int main(void)
{
    /* The main thread's stack is the one the kernel made (lib/abi.h). */
    check_self("main", USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP);
    thread_t t;
    UT_CHECK_EQ(thread_create(&t, checker, NULL), 0);
    UT_CHECK_EQ(thread_join(t, NULL), 0);
    printf("info: main and a thread: stacks, TLS, kernel stacks as expected\n");

    /* Switch counts: main and a spinner share CPU 0. Each yield of main
       gives the CPU to the spinner (always runnable there), and main runs
       again only after the spinner is preempted. So YIELDS yields are at
       least YIELDS voluntary switches of main and YIELDS involuntary ones
       of the spinner. */
    UT_CHECK_EQ(sys_set_affinity(0, 1), 0);
    UT_CHECK_EQ(thread_create(&t, spinner, NULL), 0);
    while (!__atomic_load_n(&spinner_tid, __ATOMIC_SEQ_CST))
        sys_yield();
    struct thread_info me0 = info_of(sys_gettid()), spin0 = info_of(spinner_tid);
    for (int i = 0; i < YIELDS; i++)
        sys_yield();
    struct thread_info me1 = info_of(sys_gettid()), spin1 = info_of(spinner_tid);
    __atomic_store_n(&spinner_stop, 1, __ATOMIC_SEQ_CST);
    UT_CHECK_EQ(thread_join(t, NULL), 0);
    uint64_t vol = me1.voluntary_switches - me0.voluntary_switches;
    uint64_t invol = spin1.involuntary_switches - spin0.involuntary_switches;
    UT_CHECK_MSG(vol >= YIELDS, "main yielded %d times to a runnable thread: %lu voluntary switches", YIELDS,
                 (unsigned long)vol);
    UT_CHECK_MSG(invol >= YIELDS, "main ran again %d times after the spinner: %lu involuntary switches",
                 YIELDS, (unsigned long)invol);
    UT_CHECK_EQ(spin1.voluntary_switches, spin0.voluntary_switches);  /* it never yields or blocks */
    /* Main got the CPU back after each yield: a later tick and time. */
    UT_CHECK_GT(me1.last_run_ns, me0.last_run_ns);
    UT_CHECK_GE(me1.last_run_tick, me0.last_run_tick);
    UT_CHECK_GT(me1.last_run_tick, 0);
    printf("info: %d yields: %lu voluntary switches of the yielder, %lu involuntary of the spinner\n", YIELDS,
           (unsigned long)vol, (unsigned long)invol);
    printf("PASS\n");
    return 0;
}
