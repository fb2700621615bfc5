/* The process control block (PCB): what threads of one program share --
   the address space, the pid, the list of threads, the exit status. */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <stdint.h>
#include <stdbool.h>
#include "lib/list.h"
#include "kernel/spinlock.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/waitqueue.h"
#include "arch/x86_64/paging.h"
#include "kernel/elf.h"

#define PROCESS_NAME_MAX 32
#define PROCESS_ARGS_MAX 32         /* argv entries, program name included */
#define PROCESS_ARG_LEN  256        /* bytes per argument, NUL included */

enum process_state {
    PROCESS_ALIVE,          /* has at least one thread that has not exited */
    PROCESS_ZOMBIE,         /* every thread exited; keeps its status for wait */
};

/* A range of user address space handed out by mmap. munmap may leave holes
   in it; once none of its pages is mapped any more it is forgotten. */
struct uvm_area {
    uint64_t start, end;
    uint64_t mapped_pages;          /* pages of it still mapped */
    struct list_node node;
};

struct process {
    int pid;                            /* 0 is the kernel process */
    char name[PROCESS_NAME_MAX];        /* the program it runs */
    enum process_state state;
    vm_root_t vm_root;                  /* page-table root: the address space */

    /* Threads: the list and counts are under sched_lock. */
    struct list threads;                /* through thread.process_node */
    int nthreads;                       /* TCBs not yet freed */
    int live_threads;                   /* threads that have not exited */

    /* Ending: set once, under sched_lock, by exit, a fault or the last
       thread; every other thread is then told to exit (kill_pending). */
    bool exiting;
    int exit_status;

    /* Family: under sched_lock, like every thread and process table. */
    struct process *parent;             /* NULL: nobody waits for it */
    struct list children;               /* through child_node */
    struct list_node child_node;
    struct list_node all_node;          /* in the list of every process */
    struct wait_queue child_exited;     /* its wait() sleeps here (sched_lock) */

    /* User memory (kernel/mm/uvm.c), under vm_lock. */
    struct mutex vm_lock;
    struct list mmap_areas;             /* struct uvm_area, sorted */
    uint64_t mmap_next;                 /* where the next mmap goes */

    /* The program's TLS template (PT_TLS), for the auxiliary vector. */
    struct elf_tls tls;

    /* Where elf_load put the program, for SYS_process_info (docs/tcb.md):
       the executable and the writable PT_LOAD segments, [start, end). */
    uint64_t code_start, code_end;
    uint64_t data_start, data_end;
};

struct thread;

/* The process every kernel thread belongs to (pid 0, the kernel's page tables). */
extern struct process kernel_process;

/* Sets up the kernel process. */
void process_init(void);

/* Starts program name (embedded in the kernel) as a new process, child of
   parent (NULL: no parent), with argc arguments (argv[0] is the name by
   convention). Returns its pid, -ENOENT (no such program), -ENOEXEC (bad
   image), -E2BIG (arguments too long) or -ENOMEM. */
int process_spawn(const char *name, int argc, char *const argv[], struct process *parent);

/* Waits for a child of the calling process (pid, or any if pid is -1) to
   end; stores its exit status and frees it. Returns its pid, -ECHILD (no
   such child), or -EINTR (the caller is being killed). */
int process_wait(int pid, int *status);

/* Ends the current process with status: every thread of it exits. Never returns. */
__attribute__((noreturn)) void process_exit(int status);

/* Called by thread_exit (sched_lock held) for a thread of a user process:
   it no longer counts as live. Returns true if it was the last one, which
   ends the process (status 0 unless an exit or a fault set one). */
bool process_thread_exiting(struct thread *t);

/* The last thread, without sched_lock: frees p's address space. */
void process_release_memory(struct process *p);

/* The last thread, sched_lock held: every other thread of p is a zombie
   nobody can join any more; they are freed, and `last` will be too. */
void process_discard_threads(struct process *p, struct thread *last);

/* Called by thread_exit with sched_lock held, after the last thread of p
   was unregistered: p becomes a zombie and its parent is told. */
void process_became_zombie(struct process *p);

/* Prints the one-line report of a user-mode fault and ends the process
   with status (EXIT_KILLED_*). Never returns. */
__attribute__((noreturn)) void process_kill_for_fault(const char *what, int status);

/* Frees the PCBs of processes that ended with nobody to wait for them.
   No spinlock held. */
void process_reap(void);

/* The process with this pid (alive or zombie), or NULL. sched_lock held. */
struct process *process_find(int pid);

/* Number of processes that exist (including zombies). */
int process_count(void);

#endif
