/* Test: __thread variables. Each of 8 threads and the main thread finds its
   own copy of every variable at its initial value (.tdata copied, .tbss
   zeroed), writes its own values and never sees another thread's, in two
   rounds (the second on reused stacks whose TLS the first round dirtied). */
// test: expect=^tls: template align=64
// test: expect=^tls: round 1: 9 threads saw their own values
// test: expect=^tls: round 2: 9 threads saw their own values
// test: expect=^PASS
#include <thread.h>
#include <sync.h>
#include <tls.h>
#include <errno.h>
#include "utest.h"

#define NTHREADS 8                  /* plus the main thread, index NTHREADS */
#define TURNS 20                    /* write, check, at every barrier */

/* Several sizes and alignments, initialised (.tdata) and zero (.tbss). */
static __thread int t_int = 12345;
static __thread char t_char = 'x';
static __thread uint64_t t_u64 = 0x1122334455667788ull;
static __thread char t_name[13] = "initial-name";       /* odd size */
static __thread long t_zero_long;
static __thread char t_zero_buf[100];
static __thread short t_zero_short;
/* The strictest alignment of the block: 64, so the thread pointer must be
   aligned to 64 and the block's start rounded as the ELF TLS ABI says. */
static __thread int t_aligned __attribute__((aligned(64))) = 77;

static barrier_t barrier;
static void *addresses[NTHREADS + 1];   /* each thread's &t_int */
static int who_checked;                 /* threads that finished their checks */

/* Everything at its initial value, as the program's source says. */
static void check_initial(int me)
{
    UT_CHECK_MSG(t_int == 12345, "thread %d: t_int = %d at start", me, t_int);
    UT_CHECK_MSG(t_char == 'x', "thread %d: t_char = %d at start", me, t_char);
    UT_CHECK_MSG(t_u64 == 0x1122334455667788ull, "thread %d: t_u64 = %lx", me, (unsigned long)t_u64);
    UT_CHECK_MSG(memcmp(t_name, "initial-name", 13) == 0, "thread %d: t_name = %.13s", me, t_name);
    UT_CHECK_MSG(t_zero_long == 0, "thread %d: t_zero_long = %ld at start", me, t_zero_long);
    UT_CHECK_MSG(t_zero_short == 0, "thread %d: t_zero_short = %d at start", me, t_zero_short);
    for (int i = 0; i < (int)sizeof t_zero_buf; i++)
        UT_CHECK_MSG(t_zero_buf[i] == 0, "thread %d: t_zero_buf[%d] = %d at start", me, i, t_zero_buf[i]);
    UT_CHECK_MSG(t_aligned == 77, "thread %d: t_aligned = %d at start", me, t_aligned);
    UT_CHECK_MSG(errno == 0, "thread %d: errno = %d at start", me, errno);
}

/* Where the block is: %fs:0 is the thread pointer, which the kernel says
   is our FS base; every variable lies in the area just below it. */
static void check_layout(int me)
{
    struct tls_tcb *tp = tls_self();
    UT_CHECK_MSG(tp->self == tp, "thread %d: %%fs:0 = %p is not the TCB's own address", me, (void *)tp);
    UT_CHECK_MSG((uint64_t)tp == sys_get_fsbase(), "thread %d: %%fs:0 = %p, FS base %lx", me,
                 (void *)tp, (unsigned long)sys_get_fsbase());
    UT_CHECK_MSG((uintptr_t)tp % 64 == 0, "thread %d: thread pointer %p not 64-aligned", me, (void *)tp);
    UT_CHECK_MSG((uintptr_t)&t_aligned % 64 == 0, "thread %d: &t_aligned = %p", me, (void *)&t_aligned);
    uintptr_t low = (uintptr_t)tp - tls_area_size();
    void *vars[] = { &t_int, &t_char, &t_u64, t_name, &t_zero_long, t_zero_buf, &t_zero_short,
                     &t_aligned, &errno };
    for (unsigned i = 0; i < sizeof vars / sizeof vars[0]; i++)
        UT_CHECK_MSG((uintptr_t)vars[i] >= low && (uintptr_t)vars[i] < (uintptr_t)tp,
                     "thread %d: variable %u at %p, outside its block [%lx, %p)", me, i, vars[i],
                     (unsigned long)low, (void *)tp);
    addresses[me] = &t_int;
}

/* Values only thread me (and turn) writes. */
static void write_mine(int me, int turn)
{
    t_int = 1000 * me + turn;
    t_char = (char)('a' + me);
    t_u64 = 0xabcd000000000000ull + (uint64_t)me * 0x10000 + (uint64_t)turn;
    snprintf(t_name, sizeof t_name, "thr-%d-%d", me, turn);
    t_zero_long = -me - 1;
    memset(t_zero_buf, me + 1, sizeof t_zero_buf);
    t_zero_short = (short)(me * 7 + 1);
    t_aligned = me * 100 + turn;
    errno = 500 + me;
}

static void check_mine(int me, int turn)
{
    char name[13];
    snprintf(name, sizeof name, "thr-%d-%d", me, turn);
    UT_CHECK_MSG(t_int == 1000 * me + turn, "thread %d turn %d: t_int = %d: another thread's", me, turn, t_int);
    UT_CHECK_MSG(t_char == 'a' + me, "thread %d: t_char = %c", me, t_char);
    UT_CHECK_MSG(t_u64 == 0xabcd000000000000ull + (uint64_t)me * 0x10000 + (uint64_t)turn,
                 "thread %d: t_u64 = %lx", me, (unsigned long)t_u64);
    UT_CHECK_MSG(strcmp(t_name, name) == 0, "thread %d: t_name = %s", me, t_name);
    UT_CHECK_MSG(t_zero_long == -me - 1, "thread %d: t_zero_long = %ld", me, t_zero_long);
    for (int i = 0; i < (int)sizeof t_zero_buf; i++)
        UT_CHECK_MSG(t_zero_buf[i] == me + 1, "thread %d: t_zero_buf[%d] = %d", me, i, t_zero_buf[i]);
    UT_CHECK_MSG(t_zero_short == me * 7 + 1, "thread %d: t_zero_short = %d", me, t_zero_short);
    UT_CHECK_MSG(t_aligned == me * 100 + turn, "thread %d: t_aligned = %d", me, t_aligned);
    UT_CHECK_MSG(errno == 500 + me, "thread %d: errno = %d", me, errno);
}

/* One thread's part: all threads write at once between two barriers, then
   all check at once, so a shared copy would show the last writer's values
   to everyone else. */
static void *run(void *arg)
{
    int me = (int)(intptr_t)arg;
    check_initial(me);
    check_layout(me);
    for (int turn = 0; turn < TURNS; turn++) {
        write_mine(me, turn);
        barrier_wait(&barrier);
        check_mine(me, turn);
        barrier_wait(&barrier);
    }
    __atomic_fetch_add(&who_checked, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void round_of(int round)
{
    thread_t t[NTHREADS];
    barrier_init(&barrier, NTHREADS + 1);
    who_checked = 0;
    for (int i = 0; i < NTHREADS; i++)
        UT_CHECK_EQ(thread_create(&t[i], run, (void *)(intptr_t)i), 0);
    run((void *)(intptr_t)NTHREADS);
    for (int i = 0; i < NTHREADS; i++)
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);
    for (int i = 0; i <= NTHREADS; i++)
        for (int j = i + 1; j <= NTHREADS; j++)
            UT_CHECK_MSG(addresses[i] != addresses[j], "threads %d and %d share t_int at %p", i, j,
                         addresses[i]);
    printf("tls: round %d: %d threads saw their own values\n", round, who_checked);
}

int main(void)
{
    const struct tls_template *tt = tls_template();
    printf("tls: template align=%lu memsz=%lu filesz=%lu\n", (unsigned long)tt->align,
           (unsigned long)tt->memsz, (unsigned long)tt->filesz);
    round_of(1);
    /* The main thread reruns the same code, so it must start from its
       initial values again: put them back as the template has them. */
    t_int = 12345;
    t_char = 'x';
    t_u64 = 0x1122334455667788ull;
    memcpy(t_name, "initial-name", 13);
    t_zero_long = 0;
    memset(t_zero_buf, 0, sizeof t_zero_buf);
    t_zero_short = 0;
    t_aligned = 77;
    errno = 0;
    /* The new threads reuse the joined threads' stacks (thread_create's
       cache), whose TLS blocks hold round 1's values: they must be built
       again from the template, not inherited. */
    round_of(2);
    printf("PASS\n");
    return 0;
}
