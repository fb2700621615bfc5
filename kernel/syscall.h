/* The system-call table: one entry per number of lib/abi.h, each with its
   name (for traces and errors) and the function that implements it. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

/* The six arguments, in the order of the calling convention. */
struct syscall_args {
    uint64_t arg[6];
};

typedef long (*syscall_fn)(const struct syscall_args *a);

struct syscall_entry {
    const char *name;
    syscall_fn fn;
    /* Reads a field and returns, touching no user memory and taking no
       lock: runs with interrupts still off, as the CPU entered. */
    bool quick;
};

/* Runs system call nr; unknown numbers give -ENOSYS. */
long syscall_run(uint64_t nr, const struct syscall_args *a);

/* The name of call nr, or NULL. */
const char *syscall_name(uint64_t nr);

/* The implementations, grouped by subject (kernel/sys_*.c, kernel/futex.c). */
long sys_exit(const struct syscall_args *a);
long sys_write(const struct syscall_args *a);
long sys_read(const struct syscall_args *a);
long sys_getpid(const struct syscall_args *a);
long sys_gettid(const struct syscall_args *a);
long sys_spawn(const struct syscall_args *a);
long sys_wait(const struct syscall_args *a);
long sys_thread_create(const struct syscall_args *a);
long sys_thread_exit(const struct syscall_args *a);
long sys_thread_join(const struct syscall_args *a);
long sys_yield(const struct syscall_args *a);
long sys_sleep(const struct syscall_args *a);
long sys_clock(const struct syscall_args *a);
long sys_futex_wait(const struct syscall_args *a);
long sys_futex_wake(const struct syscall_args *a);
long sys_mmap(const struct syscall_args *a);
long sys_munmap(const struct syscall_args *a);
long sys_getcpu(const struct syscall_args *a);
long sys_thread_list(const struct syscall_args *a);
long sys_poweroff(const struct syscall_args *a);
long sys_sysinfo(const struct syscall_args *a);
long sys_set_affinity(const struct syscall_args *a);
long sys_get_affinity(const struct syscall_args *a);
long sys_set_priority(const struct syscall_args *a);
long sys_get_priority(const struct syscall_args *a);
long sys_set_nice(const struct syscall_args *a);
long sys_get_nice(const struct syscall_args *a);
long sys_set_tickets(const struct syscall_args *a);
long sys_get_tickets(const struct syscall_args *a);
long sys_set_fsbase(const struct syscall_args *a);
long sys_get_fsbase(const struct syscall_args *a);
long sys_process_info(const struct syscall_args *a);

#endif
