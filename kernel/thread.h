/* The thread control block (TCB) and the kernel-thread API: create, exit,
   join, yield, sleep, priority. One TCB per thread; the PCB is in process.h. */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <stdint.h>
#include <stdbool.h>
#include "lib/list.h"
#include "kernel/spinlock.h"

struct process;
struct wait_queue;
struct mutex;

/* Every state a thread can be in; docs/threads.md draws the transitions. */
enum thread_state {
    THREAD_RUNNABLE,    /* ready, in a run queue, waiting for a CPU */
    THREAD_RUNNING,     /* on a CPU now */
    THREAD_BLOCKED,     /* waiting on a wait queue (lock, semaphore, join...) */
    THREAD_SLEEPING,    /* waiting for a tick (thread_sleep) */
    THREAD_ZOMBIE,      /* exited; keeps its exit value until joined */
};

#define THREAD_NAME_MAX   32
#define THREAD_MAGIC      0x5350494eu   /* "SPIN": a TCB not overwritten */
#define KSTACK_PAGES      4             /* 16 KiB kernel stack per thread */
#define KSTACK_SIZE       (KSTACK_PAGES * 4096)

#define PRIORITY_MIN      0
#define PRIORITY_DEFAULT  31
#define PRIORITY_MAX      63

#define NICE_MIN          (-20)         /* the kindest to itself */
#define NICE_MAX          20            /* the kindest to others */

/* Lottery and stride scheduling: a thread's share is its tickets over the
   total of the threads competing with it (docs/labs/lottery-stride.md).
   A new thread gets TICKETS_DEFAULT, whatever its creator holds. */
#define TICKETS_MIN       1
#define TICKETS_DEFAULT   100
#define TICKETS_MAX       10000

/* The function a thread runs; its return value is the thread's exit value. */
typedef long (*thread_fn)(void *arg);

/* Why a thread left the CPU: the reason in scheduler events and traces. */
enum switch_reason {
    SWITCH_PREEMPT,     /* its time slice ran out, or a better thread woke */
    SWITCH_YIELD,       /* thread_yield */
    SWITCH_BLOCK,       /* blocked or went to sleep */
    SWITCH_EXIT,        /* thread_exit */
};

struct thread {
    uint64_t kernel_sp;         /* saved %rsp while not running (switch.S) */
    uint32_t magic;             /* THREAD_MAGIC */
    int tid;                    /* unique, never reused */
    char name[THREAD_NAME_MAX];
    struct process *process;    /* the PCB: address space, pid */
    enum thread_state state;

    /* The kernel stack: kstack_size bytes at kstack_base, an unmapped guard
       page just below (mm/vmap.c). Each thread runs kernel code on it. */
    void *kstack_base;
    uint64_t kstack_size;

    /* Scheduling. The policy (kernel/sched/) owns run_node, queue_next and
       policy_data: a list node for list-based queues, a link for the
       singly linked struct thread_queue (sched/thread_queue.h). */
    int priority;               /* effective: PRIORITY_MIN .. PRIORITY_MAX, higher runs first;
                                   max(base_priority, the highest donation) */
    int tickets;                /* TICKETS_MIN .. TICKETS_MAX: share under lottery, stride */
    int time_slice;             /* ticks left in this slice (policies that use one) */
    int cpu;                    /* CPU it runs on, or last ran on */
    uint64_t affinity;          /* bit i set: may run on CPU i (default: all) */
    struct list_node run_node;  /* in a policy's run queue (list-based) */
    struct thread *queue_next;  /* in a struct thread_queue */
    uint64_t policy_data[8];    /* private to the policy (MLFQ's recent_cpu, ...) */
    int nice;                   /* NICE_MIN .. NICE_MAX, inherited; mlfq uses it */
    bool is_idle;               /* a CPU's idle thread: never in a run queue */

    /* Waiting. */
    const char *wait_channel;   /* what it waits for (a lock's name, "sleep", "join") */
    struct list_node wait_node; /* in a wait_queue (or, once exited, the reap list) */
    struct list_node sleep_node;    /* in the sleep queue */
    uint64_t wake_tick;         /* THREAD_SLEEPING: the tick to wake on */

    /* Exit and join. */
    long exit_value;
    struct thread *joiner;      /* the thread waiting in thread_join, if any */
    bool detached;              /* nobody will join: free everything at exit */

    /* Statistics, for the thread dump, tests and benchmarks. */
    uint64_t ticks_run;         /* timer ticks while RUNNING */
    uint64_t times_scheduled;   /* switches to this thread */
    uint64_t voluntary_switches;    /* left the CPU by yield, block or sleep */
    uint64_t involuntary_switches;  /* preempted */
    uint64_t syscalls;          /* system calls it made (counted on entry: syscall_run) */
    uint64_t runnable_ns;       /* total time spent RUNNABLE */
    uint64_t runnable_since;    /* clock_ns() when it last became RUNNABLE */
    uint64_t last_run_ns;       /* clock_ns() when it last got a CPU */
    uint64_t last_run_tick;     /* timer_ticks() then */

    thread_fn fn;               /* what it runs, and the argument */
    void *arg;

    /* User threads (of a process other than the kernel's). */
    void *fpu_state;            /* saved x87/SSE registers (arch/x86_64/fpu.h), or NULL */
    uint8_t fpu_streak;         /* time slices in a row it used them (wraps; fpu.c) */
    uint64_t user_entry;        /* where it enters user mode first, */
    uint64_t user_arg;          /* with this in %rdi, */
    uint64_t user_stack;        /* and this in %rsp */
    bool kill_pending;          /* its process is ending: exit at the next chance */
    bool interruptible;         /* blocked in a wait that a kill may cut short */
    struct process *futex_process;  /* the futex it waits on: its process ... */
    uint64_t futex_addr;            /* ... and user address (kernel/futex.c) */
    uint64_t fs_base;           /* its FS base, the TLS thread pointer: loaded into
                                   MSR_FS_BASE when it is switched in (context.c) */
    uint64_t user_stack_low;    /* its user stack as far as the kernel knows it */
    uint64_t user_stack_high;   /* (the mapping it lies in; 0, 0 if unknown) */

    struct list_node all_node;      /* in the list of every thread */
    struct list_node tid_node;      /* in the tid hash table */
    struct list_node process_node;  /* in its process's thread list */
    struct list held_mutexes;       /* mutexes it holds (sync/mutex.c) */
    struct spinlock held_lock;      /* guards held_mutexes, so that another CPU can
                                       list them (ps -T, Ctrl-P) while it changes */

    /* Priority donation through mutexes (kernel/sync/donation.c), all under
       sched_lock. A thread blocked on a mutex gives its effective priority
       to the owner; the owner counts what it is given per level. */
    int base_priority;              /* its own, as set by thread_set_priority */
    struct mutex *blocked_on;       /* the mutex it waits for, or NULL */
    int donated_priority;           /* the level it is counted at in blocked_on's owner, or -1 */
    uint64_t donation_levels;       /* bit p: donations[p] > 0 */
    uint16_t donations[PRIORITY_MAX + 1];   /* how many waiters donate each level */
};

/* Creates a kernel thread running fn(arg) and makes it runnable. Returns
   its tid (> 0), -EINVAL for a NULL fn, or -ENOMEM. */
int thread_create(const char *name, thread_fn fn, void *arg);

/* thread_create, for a thread that may run only on the CPUs in affinity
   (bit i: CPU i) from its very start. */
int thread_create_on(const char *name, thread_fn fn, void *arg, uint64_t affinity);

/* thread_create_on, with the new thread's (base) priority given instead of
   inherited from the caller: a higher one may run before this returns.
   -EINVAL if priority is outside PRIORITY_MIN .. PRIORITY_MAX. */
int thread_create_priority(const char *name, thread_fn fn, void *arg, uint64_t affinity,
                           int priority);

/* Creates a thread of process p that enters user mode at entry with %rdi =
   arg and %rsp = stack, and makes it runnable. Returns its tid or -ENOMEM.
   (The threads of user processes are made by this.) */
int thread_create_user(struct process *p, const char *name, uint64_t entry, uint64_t arg,
                       uint64_t stack);

/* Everything a new user thread starts with. */
struct user_thread_start {
    uint64_t entry, arg, stack;         /* %rip, %rdi, %rsp */
    uint64_t fs_base;                   /* its TLS thread pointer (a user address: the caller checks) */
    uint64_t stack_low, stack_high;     /* the stack's range, for thread dumps (0, 0: unknown) */
};

/* thread_create_user with every field of *start. */
int thread_create_user_with(struct process *p, const char *name, const struct user_thread_start *start);

/* Before returning to user mode (after a system call or an interrupt):
   exits the calling thread if its process is ending. Interrupts off. */
void thread_user_return(void);

/* Ends the calling thread with value (returned to thread_join). */
__attribute__((noreturn)) void thread_exit(long value);

/* Waits for thread tid to exit; stores its exit value in *value (if not
   NULL) and frees it. Returns 0, -ESRCH (no such thread, or it was already
   joined), -EDEADLK (tid is the caller) or -EINVAL (another thread is
   already joining it, or it is detached). Must not hold a spinlock. */
int thread_join(int tid, long *value);

/* Like thread_join, but only for threads of process p (-ESRCH otherwise),
   and cut short with -EINTR if the caller's process is being killed. */
int thread_join_in(struct process *p, int tid, long *value);

/* Frees tid by itself when it exits; it cannot be joined afterwards. */
int thread_detach(int tid);

/* Gives up the CPU; the caller stays runnable. */
void thread_yield(void);

/* Sleeps for ticks timer ticks (or ms milliseconds) without using the CPU.
   Zero or negative durations return at once. */
void thread_sleep_ticks(int64_t ticks);
void thread_sleep_ms(int64_t ms);
/* Sleeps until the tick count (timer_ticks) reaches tick; returns at once
   if it already has. Use it for "every N ticks" loops: computing a relative
   duration from an absolute tick races with the tick itself. */
void thread_sleep_until(uint64_t tick);

/* The calling thread. */
struct thread *thread_current(void);

/* Sets a thread's base priority (tid 0 = the caller) and returns the old
   base priority, -ESRCH for no such thread, -EINVAL out of range. A higher
   priority donated through a mutex stays in effect until it is released.
   Gets a thread's effective priority (base or donated, whichever is
   higher), or -ESRCH. */
int thread_set_priority(int tid, int priority);
int thread_get_priority(int tid);

/* Sets thread tid's (0: the caller) nice value, NICE_MIN..NICE_MAX, which
   the mlfq policy turns into a lower priority for higher nice. Returns the
   old value, -EINVAL out of range, -ESRCH for no such thread. */
int thread_set_nice(int tid, int nice);
/* Stores tid's (0: the caller) nice value in *nice; 0 or -ESRCH. (A
   return value could not tell nice -3 from -ESRCH.) */
int thread_get_nice(int tid, int *nice);

/* Calls fn(t, ctx) for every thread in the thread tables (zombies not yet
   freed included, idle threads not), in creation order. sched_lock held;
   fn must not add or remove threads. O(threads): for once-a-second work
   such as the mlfq policy's, never for picking the next thread. */
void thread_for_each(void (*fn)(struct thread *t, void *ctx), void *ctx);

/* Sets/gets a thread's tickets (tid 0 = the caller), its share under the
   lottery and stride policies (kept, and unused, under the others).
   Returns the old tickets / the tickets, -ESRCH for no such thread,
   -EINVAL for tickets outside TICKETS_MIN .. TICKETS_MAX. */
int thread_set_tickets(int tid, int tickets);
int thread_get_tickets(int tid);

/* Sets the CPUs thread tid (0: the caller) may run on: bit i for CPU i.
   Returns 0, -ESRCH, or -EINVAL if the mask names no CPU that is online.
   A thread running or queued on a CPU it may no longer use moves at once. */
int thread_set_affinity(int tid, uint64_t mask);
/* The affinity mask of tid (0: the caller) in *mask; 0 or -ESRCH. */
int thread_get_affinity(int tid, uint64_t *mask);

/* True if t may run on cpu. */
static inline bool thread_can_run_on(const struct thread *t, int cpu)
{
    return (t->affinity >> cpu) & 1;
}

/* Fills *out with a snapshot of thread tid's TCB; 0 or -ESRCH. */
int thread_snapshot(int tid, struct thread *out);

/* Prints every thread (tid, pid, name, state, CPU, ticks, wait channel):
   the Ctrl-P dump. Safe from interrupt context. */
void thread_dump(void);

/* Fills up to max entries of out (struct thread_info of lib/abi.h) with
   every thread; returns how many threads there are. */
struct thread_info;
int thread_list(struct thread_info *out, int max);

/* Number of threads that exist (not yet freed). */
int thread_count(void);

/* Name of a state, for dumps and traces. */
const char *thread_state_name(enum thread_state s);

/* Switches now if a preemption is pending on this CPU (a policy asked for
   one outside an interrupt, e.g. after a priority change or a wake-up).
   Does nothing with interrupts off (in an interrupt handler, or holding a
   spinlock): the preemption then happens at the next interrupt exit. */
void thread_preempt_point(void);

/* Unregisters zombie t, which nobody will join, and queues it to be freed.
   sched_lock held. */
void thread_discard_zombie(struct thread *t);

/* Frees the stacks and TCBs of exited detached threads. No spinlock held. */
void thread_reap(void);

/* thread_reap, and then waits until no CPU is still freeing an exited
   thread, and empties the kernel-stack cache (kstack.h): afterwards the
   free-frame count is settled (leak checks). */
void thread_reap_all(void);

/* Creates (but does not queue) the idle thread of a CPU. */
struct thread *thread_create_idle(int cpu);

/* If addr lies in the guard page below the running thread's kernel stack
   (or just past its bottom), returns that thread: its stack overflowed. */
struct thread *thread_stack_overflowed(uint64_t addr);

/* Boot: turns the code running kmain into the first thread ("main") of the
   kernel process on CPU 0, and creates the idle thread. */
void thread_init(void);

#endif
