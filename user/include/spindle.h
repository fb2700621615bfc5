/* Raw system calls of Spindle for user programs: one function per call in
   lib/abi.h, returning the kernel's result (negative -E... on error). */
#ifndef USER_SPINDLE_H
#define USER_SPINDLE_H

#include <stdint.h>
#include <stddef.h>
#include "lib/abi.h"
#include "lib/errno.h"

__attribute__((noreturn)) void sys_exit(int status);
long sys_write(int fd, const void *buf, size_t len);
long sys_read(int fd, void *buf, size_t len);
int sys_getpid(void);
int sys_gettid(void);
int sys_spawn(const char *name, const char *const *argv);
int sys_wait(int pid, int *status);
int sys_thread_create(void (*entry)(void *), void *arg, void *stack_top);     /* FS base 0: no TLS */
int sys_thread_create_tls(void (*entry)(void *), void *arg, void *stack_top, void *fs_base);
__attribute__((noreturn)) void sys_thread_exit(long value);
int sys_thread_join(int tid, long *value);
int sys_yield(void);
int sys_sleep(int64_t ns);
uint64_t sys_clock(void);
/* The same clock as sys_clock (nanoseconds since boot, monotonic), read from
   the clock page without entering the kernel (docs/clock-page.md). */
uint64_t clock_ns(void);
int sys_futex_wait(uint32_t *addr, uint32_t expected, int64_t timeout_ns);
int sys_futex_wake(uint32_t *addr, int count);
void *sys_mmap(size_t len, int prot);       /* an error comes back as (void *)-errno */
int sys_munmap(void *addr, size_t len);
int sys_getcpu(void);
int sys_thread_list(struct thread_info *buf, int max);
__attribute__((noreturn)) void sys_poweroff(int status);
int sys_sysinfo(struct sys_info *info);
int sys_set_affinity(int tid, uint64_t mask);     /* bit i: may run on CPU i */
int sys_get_affinity(int tid, uint64_t *mask);
int sys_set_priority(int tid, int priority);      /* 0..63, higher first (sched=prio); old base */
int sys_get_priority(int tid);                    /* effective (donations included) */
int sys_set_nice(int tid, int nice);              /* -20..20; returns the old value */
int sys_get_nice(int tid, int *nice);
int sys_set_tickets(int tid, int tickets);        /* -> old tickets; sched=lottery, stride */
int sys_get_tickets(int tid);
int sys_set_fsbase(uint64_t base);      /* the caller's thread pointer (tls.h) */
uint64_t sys_get_fsbase(void);
int sys_process_info(struct process_info *info);     /* the caller's PCB (docs/tcb.md) */

/* The generic form: syscall6(SYS_x, a, b, ...). */
long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* True if a pointer returned by sys_mmap is an error. */
static inline int mmap_failed(void *p)
{
    return (uint64_t)p >= (uint64_t)-4095;
}

#endif
