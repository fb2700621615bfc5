/* System calls for user memory: anonymous mmap and munmap (kernel/mm/uvm.c). */
#include "kernel/syscall.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/mm/uvm.h"

long sys_mmap(const struct syscall_args *a)
{
    return uvm_mmap(thread_current()->process, a->arg[0], (int)a->arg[1]);
}

long sys_munmap(const struct syscall_args *a)
{
    return uvm_munmap(thread_current()->process, a->arg[0], a->arg[1]);
}
