/* The system-call ABI shared by the kernel and user programs: call numbers,
   the structures passed across, and the calling convention. One source of truth. */
#ifndef LIB_ABI_H
#define LIB_ABI_H

#include <stdint.h>

/*
 * Calling convention (as Linux x86-64): `syscall` with the number in %rax
 * and arguments in %rdi, %rsi, %rdx, %r10, %r8, %r9; the result comes back
 * in %rax; %rcx and %r11 are clobbered (the CPU uses them), every other
 * register is preserved. Errors are returned as negative numbers from
 * lib/errno.h (-EFAULT, -EINVAL, ...). Every pointer argument is checked:
 * a bad one gives -EFAULT, never a crash.
 */
#define SYS_exit            0   /* (int status): ends the whole process, every thread */
#define SYS_write           1   /* (int fd, const void *buf, uint64_t len) -> bytes written; fd 1 or 2: console */
#define SYS_read            2   /* (int fd, void *buf, uint64_t len) -> bytes read (>= 1; waits for the first); fd 0: console */
#define SYS_getpid          3   /* () -> pid */
#define SYS_gettid          4   /* () -> tid */
#define SYS_spawn           5   /* (const char *name, const char *const *argv) -> pid of a new child running
                                   program `name` with argv (NULL-terminated, argv[0] is the name by convention) */
#define SYS_wait            6   /* (int pid, int *status) -> pid of the child that ended (pid -1: any child);
                                   *status gets its exit status; -ECHILD if there is none */
#define SYS_thread_create   7   /* (uint64_t entry, uint64_t arg, uint64_t stack_top[, uint64_t fs_base]) -> tid
                                   of a new thread of this process starting at entry(arg) with %rsp =
                                   stack_top - 8 and FS base fs_base (0 if not given: no TLS) */
#define SYS_thread_exit     8   /* (long value): ends the calling thread only */
#define SYS_thread_join     9   /* (int tid, long *value) -> 0; -ESRCH, -EDEADLK (self), -EINVAL */
#define SYS_yield          10   /* () -> 0 */
#define SYS_sleep          11   /* (int64_t ns) -> 0; ns <= 0 returns at once */
#define SYS_clock          12   /* () -> nanoseconds since boot, monotonic */
#define SYS_futex_wait     13   /* (uint32_t *addr, uint32_t expected, int64_t timeout_ns) -> 0 when woken,
                                   -EAGAIN if *addr != expected, -ETIMEDOUT; timeout_ns < 0: no timeout */
#define SYS_futex_wake     14   /* (uint32_t *addr, int count) -> number of threads woken (at most count) */
#define SYS_mmap           15   /* (uint64_t len, int prot) -> address of len bytes (rounded up to pages) of
                                   zeroed anonymous memory; prot PROT_NONE reserves without mapping */
#define SYS_munmap         16   /* (uint64_t addr, uint64_t len) -> 0; pages must come from mmap */
#define SYS_getcpu         17   /* () -> the CPU the caller runs on */
#define SYS_thread_list    18   /* (struct thread_info *buf, int max) -> threads in the system
                                   (fills min(that, max) entries) */
#define SYS_poweroff       19   /* (int status): powers the machine off (the shell's halt) */
#define SYS_sysinfo        20   /* (struct sys_info *info) -> 0: free memory and counts, for leak tests */
#define SYS_set_affinity   21   /* (int tid, uint64_t mask) -> 0: tid (0: the caller) may run only on the
                                   CPUs whose bits are set; -EINVAL if none of them is online */
#define SYS_get_affinity   22   /* (int tid, uint64_t *mask) -> 0 */
#define SYS_set_priority   23   /* (int tid, int priority) -> the old base priority of tid (0: the
                                   caller); -EINVAL outside 0..63, -ESRCH (no such thread here) */
#define SYS_get_priority   24   /* (int tid) -> effective priority of tid (0: the caller), -ESRCH */
#define SYS_set_nice       25   /* (int tid, int nice) -> the old nice value of tid (0: the caller), a thread of
                                   the caller's process; nice is NICE_MIN..NICE_MAX (-20..20), else -EINVAL */
#define SYS_get_nice       26   /* (int tid, int *nice) -> 0, with tid's nice value in *nice (a return value
                                   could not tell nice -3 from -ESRCH) */
#define SYS_set_tickets    27   /* (int tid, int tickets) -> the old tickets: tid (0: the caller, else a
                                   thread of the caller's process) gets tickets (1..10000), its share
                                   under sched=lottery and sched=stride; -EINVAL out of range, -ESRCH */
#define SYS_get_tickets    28   /* (int tid) -> tid's tickets (0: the caller's); -ESRCH */
#define SYS_set_fsbase     29   /* (uint64_t base) -> 0: the caller's FS base (thread pointer, docs/user.md TLS);
                                   -EINVAL for a non-canonical or kernel address */
#define SYS_get_fsbase     30   /* () -> the caller's FS base */
#define SYS_process_info   31   /* (struct process_info *info) -> 0: the caller's PCB (docs/tcb.md) */
#define SYS_COUNT          32

#define PROT_NONE   0
#define PROT_READ   1
#define PROT_WRITE  2
#define PROT_EXEC   4

#define ABI_NAME_MAX 32
#define ABI_HELD_MAX 64         /* struct thread_info.held */

/* One thread, as SYS_thread_list reports it (for ps). */
struct thread_info {
    int32_t tid;
    int32_t pid;
    char name[ABI_NAME_MAX];    /* the thread's name (a process's main thread: the program) */
    int32_t state;              /* 0 runnable, 1 running, 2 blocked, 3 sleeping, 4 zombie */
    int32_t cpu;
    int32_t priority;
    int32_t pad;
    uint64_t ticks;             /* timer ticks it has run */
    char wait[ABI_NAME_MAX];    /* what it waits on, or "" */
    /* More of the TCB (docs/threads.md): */
    uint64_t tls_base;          /* its FS base: the TLS thread pointer (0: none) */
    uint64_t user_stack_low;    /* its user stack: the mapping it lies in, */
    uint64_t user_stack_high;   /* [low, high); 0, 0 if unknown (kernel threads) */
    uint64_t kstack_base;       /* its kernel stack: lowest address ... */
    uint64_t kstack_size;       /* ... and usable bytes (the TCB sits above them) */
    uint64_t last_run_tick;     /* timer tick (of CPU 0's count) when it last got a CPU */
    uint64_t last_run_ns;       /* the same as nanoseconds since boot (SYS_clock) */
    uint64_t voluntary_switches;    /* left the CPU by yield, block or sleep */
    uint64_t involuntary_switches;  /* preempted */
    uint64_t affinity;          /* bit i: may run on CPU i */
    /* The rest of the TCB, for ps -T, Ctrl-P and the tcb program (docs/tcb.md): */
    int32_t held_count;         /* kernel mutexes it holds (a user futex mutex has no
                                   owner the kernel can see: not counted) */
    int32_t nice;               /* NICE_MIN..NICE_MAX (the mlfq policy uses it) */
    char held[ABI_HELD_MAX];    /* their names, comma-separated ("" if none; "..." if cut) */
    uint64_t wait_futex;        /* blocked in SYS_futex_wait: the user address of the word */
    uint64_t times_scheduled;   /* switches to it */
    uint64_t runnable_ns;       /* time spent RUNNABLE, waiting for a CPU */
    uint64_t syscalls;          /* system calls it has made, the one reading this included */
};

/*
 * The caller's process, as SYS_process_info reports it: the PCB, what
 * every thread of the process shares (docs/tcb.md). Every thread of one
 * process gets the same values (but for the counts, which change as
 * threads come and go).
 */
struct process_info {
    int32_t pid;
    int32_t parent_pid;         /* -1: no parent (nobody waits for it) */
    char name[ABI_NAME_MAX];    /* the program it runs */
    int32_t threads;            /* TCBs not yet freed (zombies included) */
    int32_t live_threads;       /* threads that have not exited */
    int32_t children;           /* children not yet waited for */
    int32_t exiting;            /* 1 once exit, a fault or the last thread ended it */
    int32_t exit_status;        /* its status then (valid when exiting) */
    int32_t open_fds;           /* descriptors it may use: 0, 1, 2, the console for
                                   every process (there is no file table) */
    uint64_t page_table_root;   /* physical address of its top-level page table (CR3) */
    uint64_t code_start;        /* its executable PT_LOAD segments: [start, end) */
    uint64_t code_end;
    uint64_t data_start;        /* its writable ones: globals, .data and .bss */
    uint64_t data_end;
    uint64_t mmap_start;        /* the mmap area (heap arenas, thread stacks): */
    uint64_t mmap_next;         /* [start, next) handed out so far */
    uint64_t mmap_areas;        /* mappings in it, */
    uint64_t mmap_pages;        /* and their pages still mapped */
    uint64_t stack_low;         /* the main thread's stack, made by the kernel */
    uint64_t stack_high;
    uint64_t tls_image;         /* the TLS template (PT_TLS): .tdata's address, */
    uint64_t tls_filesz;        /* its size, */
    uint64_t tls_memsz;         /* a thread's block (.tdata + .tbss), */
    uint64_t tls_align;         /* its alignment */
};

/*
 * The auxiliary vector: (type, value) pairs of 64-bit words that follow
 * argv's NULL and the (empty) environment's NULL on a new process's stack,
 * ended by AT_NULL (docs/user.md, "What a program finds when it starts").
 * AT_PAGESZ has Linux's number; the AT_TLS_* entries are Spindle's own and
 * describe the program's PT_TLS segment, checked by the kernel (all 0, and
 * align 1, when the program has none): crt0 builds the main thread's TLS
 * block from it and thread_create every other thread's.
 */
#define AT_NULL         0
#define AT_PAGESZ       6
#define AT_TLS_ADDR     0x100       /* address of the initialisation image (.tdata) */
#define AT_TLS_FILESZ   0x101       /* its size: bytes copied into each block */
#define AT_TLS_MEMSZ    0x102       /* size of a block (.tdata + .tbss; the rest zeroed) */
#define AT_TLS_ALIGN    0x103       /* alignment of a block: a power of two */
#define AT_CLOCK_PAGE   0x104       /* address of the clock page (below) */

/*
 * The clock page (docs/clock-page.md): one page of kernel data, the same
 * physical frame in every process, mapped read-only at USER_CLOCK_PAGE, so
 * that reading the clock needs no system call (as Linux's vDSO does). The
 * time in nanoseconds since boot, exactly as SYS_clock computes it, is
 *     rdtsc() < tsc_base ? 0 : (rdtsc() - tsc_base) * tsc_mult >> 32
 * with a 128-bit product. tsc_mult 0 means the kernel has no TSC clock:
 * use SYS_clock. Neither field changes once a process runs.
 */
struct clock_page {
    uint64_t tsc_base;          /* the TSC at time 0 */
    uint64_t tsc_mult;          /* nanoseconds per TSC tick, times 2^CLOCK_PAGE_SHIFT */
};
#define CLOCK_PAGE_SHIFT 32

/* The largest PT_TLS segment the kernel accepts: each thread's block is
   carved from the top of its stack (THREAD_STACK_SIZE, 64 KiB). */
#define TLS_MEMSZ_MAX   (16 * 1024ull)
#define TLS_ALIGN_MAX   4096ull

/* What SYS_sysinfo reports. */
struct sys_info {
    uint64_t free_frames;       /* 4 KiB physical frames free now */
    uint64_t total_frames;
    int32_t threads;            /* threads that exist (not yet freed) */
    int32_t processes;
};

/* Exit status of a process killed by a CPU exception: 128 + the signal a
   Unix kernel would send (SIGILL 4, SIGFPE 8, SIGSEGV 11), as shells show it. */
#define EXIT_KILLED_ILL   (128 + 4)
#define EXIT_KILLED_FPE   (128 + 8)
#define EXIT_KILLED_SEGV  (128 + 11)

/* User address space (x86-64 lower half). */
#define USER_CODE_BASE  0x400000ull          /* programs are linked here */
#define USER_STACK_TOP  0x7ffffffff000ull    /* the main thread's stack grows down from here */
#define USER_STACK_SIZE (256 * 1024ull)      /* the main thread's stack, with a guard page below */
#define USER_CLOCK_PAGE 0x7ffffffff000ull    /* the clock page: the last user page, above the stack */

#endif
