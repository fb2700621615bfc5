/* Test: every system call that takes a pointer refuses bad ones (NULL, kernel,
   non-canonical, unmapped, running off a mapping) with -EFAULT or -EINVAL, without harm. */
// test: expect=^ok: \d+ calls with bad pointers refused
// test: expect=^PASS
// test: timeout=90
#include <thread.h>
#include <atomic.h>
#include "utest.h"

#define PAGE 4096ull
#define MS 1000000ll

struct bad {
    const char *what;
    uint64_t addr;
};

/* Filled in by main: the bad addresses every pointer argument is tried with. */
static struct bad bads[6];
static int nbads;
static char *page_end;          /* the first byte past a mapped page; the page after is unmapped */
static char *gone;              /* a page that mmap gave and munmap took back */
static int refused;
static const char *volatile trying = "", *volatile trying_with = "";  /* for a hang's report */

/* Checks that r (what call returned for pointer `what`) is -EFAULT or -EINVAL. */
#define EXPECT_BAD(call, what) \
    do { \
        trying = #call; \
        trying_with = what; \
        long r_ = (long)(call); \
        UT_CHECK_MSG(r_ == -EFAULT || r_ == -EINVAL, "%s with %s returned %ld, expected -EFAULT (%d) " \
                     "or -EINVAL (%d)", #call, what, r_, -EFAULT, -EINVAL); \
        refused++; \
    } while (0)

static void check_write(void)
{
    for (int i = 0; i < nbads; i++) {
        EXPECT_BAD(sys_write(1, (void *)bads[i].addr, 16), bads[i].what);
        EXPECT_BAD(sys_write(2, (void *)bads[i].addr, 16), bads[i].what);
    }
    /* 10 good bytes, then the unmapped page. */
    EXPECT_BAD(sys_write(1, page_end - 10, 100), "a buffer running off its mapping");
    /* The top of the main stack, then the unmapped page at USER_STACK_TOP. */
    char *stack_top = (char *)USER_STACK_TOP;
    EXPECT_BAD(sys_write(1, stack_top - 16, 2 * PAGE), "a buffer running off the stack's top");
    /* From the last user page into non-canonical addresses. */
    EXPECT_BAD(sys_write(1, (void *)0x00007ffffffffff0ull, 0x20), "a buffer crossing 0x800000000000");
    /* A length that wraps the address around. */
    char good[16] = "0123456789abcdef";
    EXPECT_BAD(sys_write(1, good, (size_t)-1), "a length that wraps around");
    EXPECT_BAD(sys_write(1, good, (size_t)-8), "a length that wraps around");
}

static volatile int read_checks_done;

/* read() must check its buffer before it waits for input: nothing is ever
   typed during this test, so a read that waited would never return. */
static void *read_checks(void *arg)
{
    (void)arg;
    for (int i = 0; i < nbads; i++)
        EXPECT_BAD(sys_read(0, (void *)bads[i].addr, 16), bads[i].what);
    EXPECT_BAD(sys_read(0, page_end - 10, 100), "a buffer running off its mapping");
    EXPECT_BAD(sys_read(0, (void *)0x00007ffffffffff0ull, 0x20), "a buffer crossing 0x800000000000");
    char buf[16];
    EXPECT_BAD(sys_read(0, buf, (size_t)-1), "a length that wraps around");
    atomic_store(&read_checks_done, 1);
    return NULL;
}

static void check_read(void)
{
    thread_t t;
    UT_CHECK_EQ(thread_create(&t, read_checks, NULL), 0);
    uint64_t deadline = sys_clock() + 10000 * MS;
    while (!atomic_load(&read_checks_done)) {
        UT_CHECK_MSG(sys_clock() < deadline, "%s with %s did not return within 10 s: read must "
                     "check the buffer before waiting for input", trying, trying_with);
        sys_sleep(1 * MS);
    }
    UT_CHECK_EQ(thread_join(t, NULL), 0);
}

static void check_spawn(void)
{
    const char *good_argv[] = { "t-child", "0", "0", "4", NULL };
    for (int i = 0; i < nbads; i++) {
        EXPECT_BAD(sys_spawn((const char *)bads[i].addr, good_argv), bads[i].what);
        if (bads[i].addr != 0)          /* argv NULL may mean "no arguments": tried below */
            EXPECT_BAD(sys_spawn("t-child", (const char *const *)bads[i].addr), bads[i].what);
        const char *bad_arg[] = { "t-child", (const char *)bads[i].addr, "0", "4", NULL };
        if (bads[i].addr != 0)          /* NULL here just ends argv early */
            EXPECT_BAD(sys_spawn("t-child", bad_arg), bads[i].what);
    }
    /* A name with no NUL before the end of its mapping. */
    char *name = page_end - 7;
    memcpy(name, "t-child", 7);
    EXPECT_BAD(sys_spawn(name, good_argv), "a name running off its mapping");
    /* An argv array with no NULL before the end of its mapping. */
    const char **argv_end = (const char **)(page_end - 3 * sizeof(char *));
    argv_end[0] = "t-child";
    argv_end[1] = "0";
    argv_end[2] = "0";
    EXPECT_BAD(sys_spawn("t-child", argv_end), "an argv array running off its mapping");
    /* An argument string running off its mapping (argv_end overwrote the name). */
    memcpy(name, "t-child", 7);
    const char *arg_off[] = { "t-child", name, "0", "4", NULL };
    EXPECT_BAD(sys_spawn("t-child", arg_off), "an argument running off its mapping");
    /* None of those made a child. */
    int status;
    UT_CHECK_EQ(sys_wait(-1, &status), -ECHILD);
    /* argv NULL: either refused, or a child with no arguments (t-child then exits 99). */
    int pid = sys_spawn("t-child", NULL);
    if (pid > 0)
        UT_CHECK_EQ(sys_wait(pid, &status), pid);
    else
        UT_CHECK_MSG(pid == -EFAULT || pid == -EINVAL, "spawn with argv NULL returned %d", pid);
}

/* wait with a bad status pointer, for a child that exists: refused. The
   child may have been reaped anyway (then a second wait finds none). */
static void check_wait(void)
{
    const char *argv[] = { "t-child", "0", "0", "4", NULL };
    int reaped_anyway = 0;
    for (int i = 0; i < nbads + 1; i++) {
        int *where = i < nbads ? (int *)bads[i].addr : (int *)(page_end - 2);
        const char *what = i < nbads ? bads[i].what : "a status running off its mapping";
        if (where == NULL)
            continue;                   /* NULL status: allowed, tried below */
        int pid = sys_spawn("t-child", argv);
        UT_CHECK_GT(pid, 0);
        EXPECT_BAD(sys_wait(pid, where), what);
        int status = -1;
        int r = sys_wait(pid, &status);
        UT_CHECK_MSG(r == pid || r == -ECHILD, "wait after a refused wait returned %d", r);
        if (r == pid)
            UT_CHECK_EQ(status, 0);
        else
            reaped_anyway++;
    }
    if (reaped_anyway)
        printf("note: a wait with a bad status pointer reaped the child anyway (%d times)\n",
               reaped_anyway);
    int pid = sys_spawn("t-child", argv);
    UT_CHECK_GT(pid, 0);
    UT_CHECK_EQ(sys_wait(pid, NULL), pid);
}

static void *returns_seven(void *arg)
{
    (void)arg;
    return (void *)7;
}

static void check_join(void)
{
    for (int i = 0; i < nbads + 1; i++) {
        long *where = i < nbads ? (long *)bads[i].addr : (long *)(page_end - 4);
        const char *what = i < nbads ? bads[i].what : "a value running off its mapping";
        if (where == NULL)
            continue;                   /* NULL: "don't store the value", allowed */
        thread_t t;
        UT_CHECK_EQ(thread_create(&t, returns_seven, NULL), 0);
        EXPECT_BAD(sys_thread_join(t, where), what);
        void *ret = NULL;
        int r = thread_join(t, &ret);
        UT_CHECK_MSG(r == 0 || r == -ESRCH, "join after a refused join returned %d", r);
        if (r == 0)
            UT_CHECK_EQ((long)ret, 7);
    }
}

static void check_futex(void)
{
    for (int i = 0; i < nbads; i++) {
        /* With a timeout, so that a kernel that waits instead of refusing
           is reported (-ETIMEDOUT) rather than hanging the test. */
        EXPECT_BAD(sys_futex_wait((uint32_t *)bads[i].addr, 0, 100 * MS), bads[i].what);
        EXPECT_BAD(sys_futex_wake((uint32_t *)bads[i].addr, 1), bads[i].what);
    }
    EXPECT_BAD(sys_futex_wait((uint32_t *)(page_end - 2), 0, 100 * MS), "a word running off its mapping");
    EXPECT_BAD(sys_futex_wake((uint32_t *)(page_end - 2), 1), "a word running off its mapping");
}

static void check_munmap(void)
{
    /* (Not the page mmap gave and munmap took back: unmapping it again
       may succeed and do nothing, as on Linux.) */
    for (int i = 0; i < nbads; i++)
        if (bads[i].addr != (uint64_t)gone)
            EXPECT_BAD(sys_munmap((void *)bads[i].addr, PAGE), bads[i].what);
    /* Memory that mmap did not hand out: the program's code, the stack. */
    EXPECT_BAD(sys_munmap((void *)USER_CODE_BASE, PAGE), "the program's code");
    EXPECT_BAD(sys_munmap((void *)(USER_STACK_TOP - PAGE), PAGE), "the main stack");
    /* A range that runs off the end of a mapping. */
    char *m = sys_mmap(PAGE, PROT_READ | PROT_WRITE);
    UT_CHECK(!mmap_failed(m));
    EXPECT_BAD(sys_munmap(m, 3 * PAGE), "a range running off its mapping");
    /* An address inside a page. */
    EXPECT_BAD(sys_munmap(m + 1, PAGE), "an address that is not page-aligned");
    /* Still here, and the kernel still works (the code was not unmapped:
       we are running it). Whether m survived the refused calls is not
       specified, so it is not touched. */
}

static void check_thread_list(void)
{
    for (int i = 0; i < nbads; i++)
        EXPECT_BAD(sys_thread_list((struct thread_info *)bads[i].addr, 8), bads[i].what);
    /* Room for one entry before the unmapped page; there are at least two
       threads (init and us). */
    struct thread_info *last = (struct thread_info *)(page_end - sizeof(struct thread_info));
    EXPECT_BAD(sys_thread_list(last, 2), "a buffer running off its mapping");
    UT_CHECK_EQ(sys_thread_list(last, 1) >= 1, 1);
}

static void check_sysinfo(void)
{
    for (int i = 0; i < nbads; i++)
        EXPECT_BAD(sys_sysinfo((struct sys_info *)bads[i].addr), bads[i].what);
    EXPECT_BAD(sys_sysinfo((struct sys_info *)(page_end - 8)), "a buffer running off its mapping");
}

int main(void)
{
    /* Two mapped pages, then give the second back: page_end is followed
       by an unmapped page. A third page, unmapped, gives an address that
       was user memory and is no more. */
    char *two = sys_mmap(2 * PAGE, PROT_READ | PROT_WRITE);
    UT_CHECK(!mmap_failed(two));
    UT_CHECK_EQ(sys_munmap(two + PAGE, PAGE), 0);
    page_end = two + PAGE;
    gone = sys_mmap(PAGE, PROT_READ | PROT_WRITE);
    UT_CHECK(!mmap_failed(gone));
    gone[0] = 1;
    UT_CHECK_EQ(sys_munmap(gone, PAGE), 0);

    bads[nbads++] = (struct bad){ "NULL", 0 };
    bads[nbads++] = (struct bad){ "a kernel address", 0xffffffff80100000ull };
    bads[nbads++] = (struct bad){ "the direct map", 0xffff800000100000ull };
    bads[nbads++] = (struct bad){ "a non-canonical address", 0x8000000000000000ull };
    bads[nbads++] = (struct bad){ "an unmapped page", (uint64_t)gone };
    bads[nbads++] = (struct bad){ "page 1 (never mapped)", 0x1000 };

    check_write();
    check_read();
    check_spawn();
    check_wait();
    check_join();
    check_futex();
    check_munmap();
    check_thread_list();
    check_sysinfo();

    printf("\nok: %d calls with bad pointers refused\n", refused);
    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
