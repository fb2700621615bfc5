/* Test: SYS_set_fsbase / SYS_get_fsbase. Non-canonical and kernel bases are
   refused with -EINVAL and change nothing; a base of our own making becomes
   the thread pointer (and survives switches to another thread); 0 is
   allowed; SYS_thread_create starts a thread with FS base 0, or with the
   base it is given, and refuses a bad one. */
// test: expect=^fsbase: 9 bad bases refused
// test: expect=^fsbase: own block used across 200 switches
// test: expect=^PASS
#include <thread.h>
#include <tls.h>
#include <errno.h>
#include "utest.h"

static __thread long t_value = 4242;    /* .tdata */
static __thread int t_zero;             /* .tbss */

/* Bases a user thread must never get: the first address past the user
   half and other non-canonical ones (bits 63..47 not all equal: Intel SDM
   vol. 1, 3.3.7.1), the start of the kernel half, the kernel image, -1. */
static const uint64_t bad_bases[] = {
    0x0000800000000000ull, 0x0000800000001000ull, 0x00ff000000000000ull,
    0x8000000000000000ull, 0x7fff800000000000ull,
    0xffff800000000000ull, 0xffffffff80000000ull, 0xfffffffffffff000ull, ~0ull,
};
#define NBAD (sizeof bad_bases / sizeof bad_bases[0])

static volatile int stop;

/* The other thread of the switch test: yields, checking its own TLS. */
static void *yielder(void *arg)
{
    (void)arg;
    t_value = 7;
    struct tls_tcb *mine = tls_self();
    while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
        UT_CHECK(tls_self() == mine && t_value == 7);
        sys_yield();
    }
    return NULL;
}

/* A thread made by the raw SYS_thread_create: it must not touch TLS (errno,
   printf's failure paths, __thread variables) -- it has none. */
static volatile uint64_t raw_seen = 1;
static void raw_entry(void *arg)
{
    (void)arg;
    raw_seen = sys_get_fsbase();
    sys_thread_exit(0);
}

int main(void)
{
    uint64_t original = sys_get_fsbase();
    UT_CHECK_MSG(original != 0 && original == (uint64_t)tls_self(),
                 "FS base %lx, %%fs:0 %p: crt0 did not set up main's TLS", (unsigned long)original,
                 (void *)tls_self());

    /* 1. Bad bases: -EINVAL, and the base stays what it was. */
    for (unsigned i = 0; i < NBAD; i++) {
        int r = sys_set_fsbase(bad_bases[i]);
        UT_CHECK_MSG(r == -EINVAL, "set_fsbase(%lx) returned %d", (unsigned long)bad_bases[i], r);
        UT_CHECK_EQ(sys_get_fsbase(), original);
        UT_CHECK(tls_self() == (struct tls_tcb *)original && t_value == 4242);
    }
    printf("fsbase: %u bad bases refused\n", (unsigned)NBAD);

    /* 2. 0 is a valid base ("no TLS"): no library call in between, since
       any of them may touch errno. */
    int r0 = sys_set_fsbase(0);
    uint64_t got0 = sys_get_fsbase();
    int back = sys_set_fsbase(original);
    UT_CHECK_EQ(r0, 0);
    UT_CHECK_EQ(got0, 0);
    UT_CHECK_EQ(back, 0);
    UT_CHECK(tls_self() == (struct tls_tcb *)original && t_value == 4242);

    /* 3. A block of our own (as a user-level runtime makes one): the
       thread's __thread variables move to it, fresh from the template,
       and stay there while another thread runs in between. */
    t_value = 99;
    t_zero = 5;
    size_t size = tls_area_size();
    char *area = malloc(size);
    UT_CHECK(area != NULL);
    memset(area, 0xee, size);
    struct tls_tcb *own = tls_area_init(area, area + size);
    UT_CHECK(own != NULL);
    UT_CHECK_EQ(sys_set_fsbase((uint64_t)own), 0);
    UT_CHECK_EQ(sys_get_fsbase(), (uint64_t)own);
    UT_CHECK(tls_self() == own);
    UT_CHECK_EQ(t_value, 4242);             /* the template's value, not 99 */
    UT_CHECK_EQ(t_zero, 0);                 /* .tbss zeroed over the 0xee */
    UT_CHECK((char *)&t_value >= area && (char *)&t_value < (char *)own);
    t_value = 11;
    thread_t y;
    UT_CHECK_EQ(thread_create(&y, yielder, NULL), 0);
    for (int i = 0; i < 200; i++) {
        sys_yield();
        UT_CHECK_MSG(tls_self() == own && t_value == 11, "after yield %d: %%fs:0 %p, t_value %ld", i,
                     (void *)tls_self(), t_value);
    }
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    UT_CHECK_EQ(thread_join(y, NULL), 0);
    printf("fsbase: own block used across 200 switches\n");
    UT_CHECK_EQ(sys_set_fsbase(original), 0);
    UT_CHECK(tls_self() == (struct tls_tcb *)original);
    UT_CHECK_EQ(t_value, 99);               /* the first block kept its values */
    UT_CHECK_EQ(t_zero, 5);

    /* 4. New threads: the raw call gives FS base 0; with a base given, a
       bad one is refused and nothing starts. */
    char *stack = malloc(16384);
    UT_CHECK(stack != NULL);
    int tid = sys_thread_create(raw_entry, NULL, stack + 16384);
    UT_CHECK_GT(tid, 0);
    UT_CHECK_EQ(sys_thread_join(tid, NULL), 0);
    UT_CHECK_MSG(raw_seen == 0, "a raw thread started with FS base %lx", (unsigned long)raw_seen);
    int threads_before;
    ut_threads_of(sys_getpid(), &threads_before);
    for (unsigned i = 0; i < NBAD; i++) {
        int r = sys_thread_create_tls(raw_entry, NULL, stack + 16384, (void *)bad_bases[i]);
        UT_CHECK_MSG(r == -EINVAL, "thread_create with FS base %lx returned %d", (unsigned long)bad_bases[i], r);
    }
    int threads_after;
    ut_threads_of(sys_getpid(), &threads_after);
    UT_CHECK_EQ(threads_after, threads_before);
    raw_seen = 1;
    tid = sys_thread_create_tls(raw_entry, NULL, stack + 16384, own);
    UT_CHECK_GT(tid, 0);
    UT_CHECK_EQ(sys_thread_join(tid, NULL), 0);
    UT_CHECK_EQ(raw_seen, (uint64_t)own);
    printf("PASS\n");
    return 0;
}
