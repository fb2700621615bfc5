/* SYS_process_info: the caller's PCB as user space may see it -- what every
   thread of a process shares (the tcb program, docs/tcb.md). */
#include "kernel/syscall.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/uaccess.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/uvm.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

/* The console descriptors every process has: 0 (read), 1 and 2 (write);
   kernel/sys_console.c. There is no file table to count. */
#define PROCESS_CONSOLE_FDS 3

long sys_process_info(const struct syscall_args *a)
{
    struct process *p = thread_current()->process;
    struct process_info info;
    memset(&info, 0, sizeof info);

    /* Identity, threads, family and exit: under sched_lock, as the
       thread and process tables are. */
    spin_lock(&sched_lock);
    info.pid = p->pid;
    info.parent_pid = p->parent ? p->parent->pid : -1;
    strlcpy(info.name, p->name, sizeof info.name);
    info.threads = p->nthreads;
    info.live_threads = p->live_threads;
    list_for_each(n, &p->children)
        info.children++;
    info.exiting = p->exiting;
    info.exit_status = p->exiting ? p->exit_status : 0;
    spin_unlock(&sched_lock);

    /* Memory: fixed since the program was loaded (elf_load), but the mmap
       areas, which are under vm_lock. */
    info.open_fds = PROCESS_CONSOLE_FDS;
    info.page_table_root = p->vm_root;
    info.code_start = p->code_start;
    info.code_end = p->code_end;
    info.data_start = p->data_start;
    info.data_end = p->data_end;
    info.stack_low = USER_STACK_TOP - USER_STACK_SIZE;
    info.stack_high = USER_STACK_TOP;
    info.tls_image = p->tls.addr;
    info.tls_filesz = p->tls.filesz;
    info.tls_memsz = p->tls.memsz;
    info.tls_align = p->tls.align;
    info.mmap_start = UVM_MMAP_BASE;
    mutex_lock(&p->vm_lock);
    info.mmap_next = p->mmap_next;
    list_for_each(n, &p->mmap_areas) {
        info.mmap_areas++;
        info.mmap_pages += list_entry(n, struct uvm_area, node)->mapped_pages;
    }
    mutex_unlock(&p->vm_lock);
    return copy_to_user(a->arg[0], &info, sizeof info);
}
