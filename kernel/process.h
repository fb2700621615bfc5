/* The process control block (PCB): what threads of one program share --
   the address space, the pid, the list of threads, the exit status. */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <stdint.h>
#include "lib/list.h"
#include "kernel/spinlock.h"
#include "arch/x86_64/paging.h"

#define PROCESS_NAME_MAX 32

struct process {
    int pid;                            /* 0 is the kernel process */
    char name[PROCESS_NAME_MAX];
    vm_root_t vm_root;                  /* page-table root: the address space */
    struct list threads;                /* its threads, through thread.process_node */
    int nthreads;                       /* threads not yet reaped */
    int exit_status;
    struct spinlock lock;               /* protects threads, nthreads */
};

/* The process every kernel thread belongs to (pid 0, the kernel's page tables). */
extern struct process kernel_process;

/* Sets up the kernel process. */
void process_init(void);

#endif
