/* Test: the PCB is shared and the TCB private, as SYS_process_info and
   SYS_thread_list report them; then the tcb program's table says the same. */
// test: expect=^tcb: pcb: the same in 3 threads: pid, page tables, code, globals, heap, TLS template
// test: expect=^tcb: tcb: different in 3 threads: tids, stacks, kernel stacks, TLS bases, errno
// test: expect=^tcb: process_info: children, threads, mmap pages and bad pointers as expected
// test: expect=^pid +PCB +(\d+) +\1 +\1 +same\r?$
// test: expect=^page-table root +PCB +([0-9a-f]+) +\1 +\1 +same\r?$
// test: expect=^  a global is at +PCB +(0x[0-9a-f]+) +\1 +\1 +same\r?$
// test: expect=^tid +TCB +(\d+) +(?!\1 )(\d+) +(?!\1 |\2 )\d+ +differs\r?$
// test: expect=^errno is at +TCB +(0x[0-9a-f]+) +(?!\1 )(0x[0-9a-f]+) +(?!\1 |\2 )0x[0-9a-f]+ +differs\r?$
// test: expect=^  its value +TCB +34 ERANGE +12 ENOMEM +22 EINVAL +differs\r?$
// test: expect=^state +TCB +running +blocked +blocked
// test: expect=^tcb: \d+ checked rows, all as the textbook says
// test: expect=^PASS
#include <tls.h>
#include <errno.h>
#include "utest.h"

#define THREADS 3                   /* main and two more */

/* What each thread records about itself. */
struct seen {
    int tid, pid;
    struct process_info process;
    uint64_t local;                 /* the address of a local: on its stack */
    uint64_t tls;                   /* %fs:0 */
    uint64_t errno_address;
    struct thread_info info;        /* its TCB, from the kernel (main fills it in) */
};

static struct seen seen[THREADS];
static int a_global = 1;
static int *a_heap_block;
static volatile uint32_t release;
static volatile int recorded;

int main(void);

static void record(int i)
{
    volatile int local = 0;
    seen[i].tid = sys_gettid();
    seen[i].pid = sys_getpid();
    UT_CHECK_EQ(sys_process_info(&seen[i].process), 0);
    seen[i].local = (uint64_t)&local;
    seen[i].tls = (uint64_t)tls_self();
    seen[i].errno_address = (uint64_t)&errno;
}

static void *worker(void *arg)
{
    int i = (int)(long)arg;
    /* Record only once every thread exists, so that the thread counts match. */
    while (__atomic_load_n(&recorded, __ATOMIC_ACQUIRE) < 1)
        sys_yield();
    record(i);
    __atomic_add_fetch(&recorded, 1, __ATOMIC_ACQ_REL);
    while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
        sys_futex_wait((uint32_t *)&release, 0, -1);
    return NULL;
}

static int in_range(uint64_t x, uint64_t lo, uint64_t hi)
{
    return lo <= x && x < hi;
}

/* Both threads are asleep on the futex `release`; fills seen[].info. */
static void read_tcbs(void)
{
    for (int i = 1; i < THREADS; i++)
        UT_CHECK_MSG(ut_wait_blocked(seen[i].tid, 10000), "thread %d never blocked", seen[i].tid);
    struct thread_info *all;
    int n = ut_thread_list(&all);
    for (int i = 0; i < THREADS; i++) {
        int found = 0;
        for (int j = 0; j < n; j++)
            if (all[j].tid == seen[i].tid) {
                seen[i].info = all[j];
                found = 1;
            }
        UT_CHECK_MSG(found, "thread %d is not in the thread list", seen[i].tid);
    }
}

static void check_shared(void)
{
    const struct process_info *p0 = &seen[0].process;
    for (int i = 0; i < THREADS; i++) {
        const struct process_info *p = &seen[i].process;
        UT_CHECK_EQ(seen[i].pid, seen[0].pid);
        UT_CHECK_EQ(p->pid, seen[i].pid);
        UT_CHECK_STR(p->name, "user-tcb");
        UT_CHECK_EQ(p->parent_pid, 1);              /* init started us */
        UT_CHECK_EQ(p->threads, THREADS);
        UT_CHECK_EQ(p->live_threads, THREADS);
        UT_CHECK_EQ(p->open_fds, 3);
        UT_CHECK_EQ(p->exiting, 0);
        UT_CHECK(p->page_table_root != 0 && p->page_table_root % 4096 == 0);
        UT_CHECK_EQ(p->page_table_root, p0->page_table_root);
        UT_CHECK_EQ(p->code_start, p0->code_start);
        UT_CHECK_EQ(p->code_end, p0->code_end);
        UT_CHECK_EQ(p->data_start, p0->data_start);
        UT_CHECK_EQ(p->data_end, p0->data_end);
        UT_CHECK_EQ(p->mmap_start, p0->mmap_start);
        UT_CHECK_EQ(p->tls_image, p0->tls_image);
        UT_CHECK_EQ(p->tls_memsz, p0->tls_memsz);
    }
    /* The ranges hold what they say: code, a global, the heap, the main
       stack, the TLS template (errno is a __thread variable: memsz >= 4). */
    UT_CHECK_EQ(p0->code_start, USER_CODE_BASE);
    UT_CHECK(in_range((uint64_t)main, p0->code_start, p0->code_end));
    UT_CHECK(in_range((uint64_t)&a_global, p0->data_start, p0->data_end));
    UT_CHECK(!in_range((uint64_t)&a_global, p0->code_start, p0->code_end));
    UT_CHECK(in_range((uint64_t)a_heap_block, p0->mmap_start, p0->mmap_next));
    UT_CHECK(in_range(seen[0].local, p0->stack_low, p0->stack_high));
    UT_CHECK_EQ(p0->stack_high, USER_STACK_TOP);
    UT_CHECK(p0->tls_memsz >= sizeof(int) && p0->tls_align >= 1);
    UT_CHECK(p0->tls_image != 0 && p0->tls_filesz <= p0->tls_memsz);
    printf("tcb: pcb: the same in %d threads: pid, page tables, code, globals, heap, TLS template\n",
           THREADS);
}

static void check_private(void)
{
    for (int i = 0; i < THREADS; i++) {
        const struct seen *s = &seen[i];
        /* The kernel's TCB agrees with what the thread saw. */
        UT_CHECK_EQ(s->info.pid, s->pid);
        UT_CHECK_EQ(s->info.tls_base, s->tls);
        UT_CHECK(in_range(s->local, s->info.user_stack_low, s->info.user_stack_high));
        UT_CHECK(in_range(s->errno_address, s->info.user_stack_low, s->info.user_stack_high));
        UT_CHECK_EQ(s->info.held_count, 0);         /* no kernel mutex held in user mode */
        UT_CHECK_EQ(s->info.held[0], '\0');
        UT_CHECK_EQ(s->info.state, i == 0 ? UT_STATE_RUNNING : UT_STATE_BLOCKED);
        UT_CHECK_EQ(s->info.wait_futex, i == 0 ? 0 : (uint64_t)&release);
        UT_CHECK_GT(s->info.times_scheduled, 0);
        for (int j = 0; j < i; j++) {
            const struct seen *o = &seen[j];
            UT_CHECK_NE(s->tid, o->tid);
            UT_CHECK_NE(s->tls, o->tls);
            UT_CHECK_NE(s->errno_address, o->errno_address);
            UT_CHECK_NE(s->info.kstack_base, o->info.kstack_base);
            /* Stacks do not overlap. */
            UT_CHECK(s->info.user_stack_high <= o->info.user_stack_low ||
                     o->info.user_stack_high <= s->info.user_stack_low);
        }
    }
    printf("tcb: tcb: different in %d threads: tids, stacks, kernel stacks, TLS bases, errno\n",
           THREADS);
}

/* The counts of the PCB follow what the process does; bad pointers are refused. */
static void check_counts(void)
{
    struct process_info before, during, after;
    UT_CHECK_EQ(sys_process_info(&before), 0);
    UT_CHECK_EQ(before.children, 0);
    const char *argv[] = { "t-child", "3", "0", "5", "w0", NULL };
    int pid = sys_spawn("t-child", argv);
    UT_CHECK_GT(pid, 0);
    void *pages = sys_mmap(3 * 4096, PROT_READ | PROT_WRITE);
    UT_CHECK(!mmap_failed(pages));
    UT_CHECK_EQ(sys_process_info(&during), 0);
    UT_CHECK_EQ(during.children, 1);                /* until we wait for it, ended or not */
    UT_CHECK_EQ(during.mmap_areas, before.mmap_areas + 1);
    UT_CHECK_EQ(during.mmap_pages, before.mmap_pages + 3);
    UT_CHECK(in_range((uint64_t)pages, during.mmap_start, during.mmap_next));
    int status;
    UT_CHECK_EQ(sys_wait(pid, &status), pid);
    UT_CHECK_EQ(status, 3);
    UT_CHECK_EQ(sys_munmap(pages, 3 * 4096), 0);
    UT_CHECK_EQ(sys_process_info(&after), 0);
    UT_CHECK_EQ(after.children, 0);
    UT_CHECK_EQ(after.mmap_pages, before.mmap_pages);
    UT_CHECK_EQ(after.threads, 1);                  /* the workers were joined */
    UT_CHECK_EQ(sys_process_info(NULL), -EFAULT);
    UT_CHECK_EQ(sys_process_info((struct process_info *)0xffffffff80100000ull), -EFAULT);
    UT_CHECK_EQ(sys_process_info((struct process_info *)main), -EFAULT);     /* read-only code */
    printf("tcb: process_info: children, threads, mmap pages and bad pointers as expected\n");
}

int main(void)
{
    a_heap_block = malloc(sizeof *a_heap_block);
    UT_CHECK(a_heap_block != NULL);
    thread_t t[THREADS];
    for (int i = 1; i < THREADS; i++)
        UT_CHECK_EQ(thread_create(&t[i], worker, (void *)(long)i), 0);
    record(0);
    __atomic_store_n(&recorded, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&recorded, __ATOMIC_ACQUIRE) != THREADS)
        sys_yield();
    read_tcbs();
    check_shared();
    check_private();
    __atomic_store_n(&release, 1, __ATOMIC_RELEASE);
    sys_futex_wake((uint32_t *)&release, THREADS);
    for (int i = 1; i < THREADS; i++)
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);
    check_counts();

    /* The program itself: its table (checked by the expect lines above)
       and its own verdict. */
    const char *argv[] = { "tcb", NULL };
    UT_CHECK_EQ(ut_run("tcb", argv), 0);
    printf("PASS\n");
    return 0;
}
