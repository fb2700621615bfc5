/* tcb: the textbook's table "in the PCB (per process) / in the TCB (per
   thread)", filled in from the live kernel by this process and two threads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <spindle.h>
#include <thread.h>
#include <tls.h>
#include <sync.h>

/*
 * What it does (docs/tcb.md): main starts two threads; the three meet at a
 * barrier and each records, from inside itself, what it sees -- its pid and
 * the PCB as SYS_process_info reports it, its tid, its stack pointer, its
 * FS base, the address and value of a __thread variable and of errno (each
 * thread makes a different library call fail), the address of a global and
 * of a heap block. Then the two threads block on a futex, and main reads
 * their TCBs from the kernel (SYS_thread_list) while they wait. One row per
 * field, one column per thread; the last column checks the textbook's
 * claim: a PCB field has one value in every thread ("same"), a TCB field
 * that names a place (stack, TLS, errno) has a different one in each
 * ("differs"). Exit status 0 if every checked row agrees, 1 if not.
 */

#define NVIEWS      3           /* main and the two threads it starts */
#define CELL        19          /* a column: 18 characters and a space */
#define LIST_MAX    256

/* What one thread saw of itself and its process. */
struct view {
    int tid, pid, cpu;
    struct process_info process;        /* the PCB, as this thread asked for it */
    uint64_t rsp, rip;                  /* two of its registers */
    uint64_t fs_base;                   /* a third: the TLS thread pointer */
    int *errno_address;
    int errno_value;
    int *tls_address;                   /* a __thread variable of ours */
    int tls_value;
    void *global_address;
    void *heap_block;                   /* the block main malloc'd, as this thread finds it */
    uint64_t heap_word;                 /* its first word, as this thread reads it */
    const char *user_mutexes;           /* the user mutexes it holds (our own bookkeeping) */
    struct thread_info info;            /* its TCB as the kernel reports it (filled by main) */
    char waiting[CELL];                 /* what info says it waits on */
};

static struct view views[NVIEWS];
static uint64_t shared_global = 42;     /* in .data: one copy for the process */
static uint64_t *heap_block;            /* one block on the heap, shared by every thread */
static __thread int tls_variable = 7;   /* one copy per thread, each starting at 7 */
static barrier_t everybody;
static mutex_t demo_lock = MUTEX_INITIALIZER;   /* a user mutex thread 1 holds while blocked */
static volatile uint32_t release;       /* the futex word the threads wait on */
static int checked, wrong;

int main(void);

/* Records what thread `index` sees, from inside it. */
static __attribute__((noinline)) void record(int index)
{
    struct view *v = &views[index];
    v->tid = sys_gettid();
    v->pid = sys_getpid();
    v->cpu = sys_getcpu();
    if (sys_process_info(&v->process) < 0)
        memset(&v->process, 0, sizeof v->process);
    __asm__ volatile("mov %%rsp, %0" : "=r"(v->rsp));
    __asm__ volatile("lea 0(%%rip), %0" : "=r"(v->rip));     /* the same code in every thread */
    v->fs_base = sys_get_fsbase();
    /* A failure of a different library call in each thread: its own errno. */
    errno = 0;
    if (index == 0)
        (void)strtol("99999999999999999999999", NULL, 10);     /* ERANGE */
    else if (index == 1)
        (void)malloc((size_t)1 << 60);                          /* ENOMEM */
    else
        (void)strtol("12", NULL, 99);                           /* EINVAL: no such base */
    v->errno_value = errno;
    v->errno_address = &errno;
    tls_variable += 100 * index;        /* 7, 107, 207: each thread changes only its own */
    v->tls_address = &tls_variable;
    v->tls_value = tls_variable;
    v->global_address = &shared_global;
    v->heap_block = heap_block;
    v->heap_word = *heap_block;
    v->user_mutexes = "-";
}

static void *thread_main(void *arg)
{
    int index = (int)(long)arg;
    barrier_wait(&everybody);           /* every thread exists: the counts agree */
    record(index);
    if (index == 1) {
        mutex_lock(&demo_lock);         /* held while it waits: invisible to the kernel */
        views[index].user_mutexes = "demo_lock";
    }
    barrier_wait(&everybody);
    while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
        sys_futex_wait((uint32_t *)&release, 0, -1);
    if (index == 1)
        mutex_unlock(&demo_lock);
    return NULL;
}

/* True once thread tid is blocked in the kernel on the futex `release`. */
static int waits_on_release(const struct thread_info *all, int n, int tid)
{
    for (int i = 0; i < n; i++)
        if (all[i].tid == tid)
            return all[i].state == 2 && all[i].wait_futex == (uint64_t)&release;
    return 0;
}

/* Fills views[].info from one SYS_thread_list call once both threads wait. */
static int read_tcbs(void)
{
    static struct thread_info all[LIST_MAX];
    uint64_t deadline = sys_clock() + 10000000000ull;      /* 10 s: only if something broke */
    int n;
    for (;;) {
        n = sys_thread_list(all, LIST_MAX);
        if (n < 0)
            return n;
        if (n > LIST_MAX)
            n = LIST_MAX;
        if (waits_on_release(all, n, views[1].tid) && waits_on_release(all, n, views[2].tid))
            break;
        if (sys_clock() > deadline)
            return -ETIMEDOUT;
        sys_sleep(1000000);
    }
    int found = 0;
    for (int v = 0; v < NVIEWS; v++)
        for (int i = 0; i < n; i++)
            if (all[i].tid == views[v].tid) {
                struct view *w = &views[v];
                w->info = all[i];
                if (w->info.wait_futex)
                    snprintf(w->waiting, sizeof w->waiting, "futex %lx", (unsigned long)w->info.wait_futex);
                else
                    snprintf(w->waiting, sizeof w->waiting, "%s", w->info.wait[0] ? w->info.wait : "-");
                found++;
            }
    return found == NVIEWS ? 0 : -ESRCH;
}

enum expect { SAME, DIFFERS, OWN };

/* Prints one row and checks it: SAME (one value for the process), DIFFERS
   (each thread its own place), OWN (per thread, but values may match). */
static void row(const char *field, const char *where, enum expect expect, char cells[NVIEWS][CELL])
{
    int equal_pairs = 0;
    for (int i = 0; i < NVIEWS; i++)
        for (int j = i + 1; j < NVIEWS; j++)
            equal_pairs += !strcmp(cells[i], cells[j]);
    const char *verdict = "";
    if (expect == SAME) {
        checked++;
        verdict = equal_pairs == NVIEWS * (NVIEWS - 1) / 2 ? "same" : (wrong++, "NOT SAME");
    } else if (expect == DIFFERS) {
        checked++;
        verdict = equal_pairs == 0 ? "differs" : (wrong++, "NOT DIFFERENT");
    }
    char line[160];
    int n = snprintf(line, sizeof line, "%-20s %-4s", field, where);
    for (int i = 0; i < NVIEWS; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, " %-*s", CELL - 1, cells[i]);
    n += snprintf(line + n, sizeof line - (size_t)n, " %s", verdict);
    while (n > 0 && line[n - 1] == ' ')
        line[--n] = '\0';              /* no trailing blanks when CHECK is empty */
    printf("%s\n", line);
}

/* A row whose cells are fmt applied to expr, with v bound to each view. */
#define ROW(field, where, expect, fmt, ...) \
    do { \
        char cells_[NVIEWS][CELL]; \
        for (int i_ = 0; i_ < NVIEWS; i_++) { \
            const struct view *v = &views[i_]; \
            (void)v; \
            snprintf(cells_[i_], CELL, fmt, __VA_ARGS__); \
        } \
        row(field, where, expect, cells_); \
    } while (0)

static const char *errno_name(int e)
{
    switch (e) {
    case ERANGE: return "ERANGE";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case 0: return "none";
    }
    return "?";
}

static const char *state_name(int state)
{
    static const char *const names[] = { "runnable", "running", "blocked", "sleeping", "zombie" };
    return state >= 0 && state < 5 ? names[state] : "?";
}

static void print_table(void)
{
    printf("tcb: what the kernel keeps per process (PCB) and per thread (TCB), seen by\n"
           "main and the two threads it started (docs/tcb.md maps each row to the source)\n\n");
    printf("%-20s %-4s", "FIELD", "IN");
    for (int i = 0; i < NVIEWS; i++) {
        char head[CELL];
        snprintf(head, sizeof head, "%s (tid %d)", i ? (i == 1 ? "thread 1" : "thread 2") : "main",
                 views[i].tid);
        printf(" %-*s", CELL - 1, head);
    }
    printf(" CHECK\n");

    printf("-- shared by the process: struct process (kernel/process.h) --\n");
    ROW("pid", "PCB", SAME, "%d", v->pid);
    ROW("program", "PCB", SAME, "%s", v->process.name);
    ROW("parent pid", "PCB", SAME, "%d", v->process.parent_pid);
    ROW("page-table root", "PCB", SAME, "%lx", (unsigned long)v->process.page_table_root);
    ROW("code (text)", "PCB", SAME, "%lx-%lx", (unsigned long)v->process.code_start,
        (unsigned long)v->process.code_end);
    ROW("  main() is at", "PCB", SAME, "%p", (void *)main);
    ROW("globals (data,bss)", "PCB", SAME, "%lx-%lx", (unsigned long)v->process.data_start,
        (unsigned long)v->process.data_end);
    ROW("  a global is at", "PCB", SAME, "%p", v->global_address);
    ROW("heap (mmap area)", "PCB", SAME, "%lx+%luK", (unsigned long)v->process.mmap_start,
        (unsigned long)((v->process.mmap_next - v->process.mmap_start) / 1024));
    ROW("  a heap block", "PCB", SAME, "%p", v->heap_block);
    ROW("  its first word", "PCB", SAME, "%lx", (unsigned long)v->heap_word);
    ROW("open files", "PCB", SAME, "fd 0-%d: console", v->process.open_fds - 1);
    ROW("threads (live)", "PCB", SAME, "%d (%d)", v->process.threads, v->process.live_threads);
    ROW("children", "PCB", SAME, "%d", v->process.children);
    ROW("TLS template", "PCB", SAME, "%lx+%lu", (unsigned long)v->process.tls_image,
        (unsigned long)v->process.tls_memsz);
    ROW("exit status", "PCB", SAME, "%s", v->process.exiting ? "set" : "(still running)");

    printf("-- private to each thread: struct thread (kernel/thread.h) --\n");
    ROW("tid", "TCB", DIFFERS, "%d", v->tid);
    ROW("state", "TCB", OWN, "%s", state_name(v->info.state));
    ROW("waiting on", "TCB", OWN, "%s", v->waiting);
    ROW("priority / nice", "TCB", OWN, "%d / %d", v->info.priority, v->info.nice);
    ROW("CPU / affinity", "TCB", OWN, "%d / %s", v->info.cpu,
        v->info.affinity == ~0ull ? "all" : "some");
    ROW("rsp (stack pointer)", "TCB", DIFFERS, "%lx", (unsigned long)v->rsp);
    ROW("rip (same code)", "TCB", OWN, "%lx", (unsigned long)v->rip);
    ROW("fs base (TLS)", "TCB", DIFFERS, "%lx", (unsigned long)v->fs_base);
    ROW("  kernel's copy", "TCB", DIFFERS, "%lx", (unsigned long)v->info.tls_base);
    ROW("user stack", "TCB", DIFFERS, "%lx+%luK", (unsigned long)v->info.user_stack_low,
        (unsigned long)((v->info.user_stack_high - v->info.user_stack_low) / 1024));
    ROW("kernel stack", "TCB", DIFFERS, "%lx", (unsigned long)v->info.kstack_base);
    ROW("  its size", "TCB", OWN, "%lu", (unsigned long)v->info.kstack_size);
    ROW("a __thread var at", "TCB", DIFFERS, "%p", (void *)v->tls_address);
    ROW("  its value", "TCB", DIFFERS, "%d", v->tls_value);
    ROW("errno is at", "TCB", DIFFERS, "%p", (void *)v->errno_address);
    ROW("  its value", "TCB", DIFFERS, "%d %s", v->errno_value, errno_name(v->errno_value));
    ROW("ticks run", "TCB", OWN, "%lu", (unsigned long)v->info.ticks);
    ROW("switches vol/invol", "TCB", OWN, "%lu / %lu", (unsigned long)v->info.voluntary_switches,
        (unsigned long)v->info.involuntary_switches);
    ROW("last ran (s)", "TCB", OWN, "%lu.%03lu", (unsigned long)(v->info.last_run_ns / 1000000000),
        (unsigned long)(v->info.last_run_ns / 1000000 % 1000));
    ROW("kernel mutexes", "TCB", OWN, "%s", v->info.held_count ? v->info.held : "-");
    ROW("user mutexes", "TCB", OWN, "%s", v->user_mutexes);
    printf("\nCHECK: \"same\" = one value for the whole process, as the PCB keeps it;\n"
           "\"differs\" = each thread its own, as the TCB (or its stack and TLS) keeps it;\n"
           "blank = per thread, but the values may happen to match. main is running (it\n"
           "prints); the threads sleep on the futex word at %p. \"user mutexes\"\n"
           "is this program's own record: a user mutex is a word in user memory, and the\n"
           "kernel cannot tell who holds it (it sees only who sleeps on it).\n",
           (void *)&release);
}

int main(void)
{
    heap_block = malloc(64);
    if (!heap_block) {
        printf("tcb: out of memory\n");
        return 1;
    }
    *heap_block = 0x5eed;
    barrier_init(&everybody, NVIEWS);
    thread_t threads[NVIEWS];
    for (int i = 1; i < NVIEWS; i++) {
        int err = thread_create(&threads[i], thread_main, (void *)(long)i);
        if (err < 0) {
            printf("tcb: thread_create: %s\n", strerror(err));
            return 1;
        }
    }
    barrier_wait(&everybody);
    record(0);
    barrier_wait(&everybody);

    int err = read_tcbs();
    if (err < 0) {
        printf("tcb: reading the threads' TCBs: %s\n", strerror(err));
        return 1;
    }
    print_table();

    __atomic_store_n(&release, 1, __ATOMIC_RELEASE);
    sys_futex_wake((uint32_t *)&release, NVIEWS);
    for (int i = 1; i < NVIEWS; i++)
        thread_join(threads[i], NULL);
    if (wrong) {
        printf("tcb: %d of %d checked rows contradict the textbook\n", wrong, checked);
        return 1;
    }
    printf("tcb: %d checked rows, all as the textbook says\n", checked);
    return 0;
}
