/* The system-call stubs: one C function per call of lib/abi.h, each a
   `syscall` instruction with the Linux x86-64 register convention. */
#include "spindle.h"

/*
 * `syscall` takes the number in %rax and up to six arguments in %rdi, %rsi,
 * %rdx, %r10, %r8, %r9 (not %rcx: the CPU overwrites it with the return
 * address, and %r11 with RFLAGS -- Intel SDM vol. 2B, SYSCALL). The result
 * comes back in %rax. The "memory" clobber tells the compiler that the
 * kernel may read or write any memory we gave it a pointer to.
 */
static inline long syscall_raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    return syscall_raw(nr, a1, a2, a3, a4, a5, a6);
}

#define SYSCALL0(nr)             syscall_raw(nr, 0, 0, 0, 0, 0, 0)
#define SYSCALL1(nr, a)          syscall_raw(nr, (long)(a), 0, 0, 0, 0, 0)
#define SYSCALL2(nr, a, b)       syscall_raw(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define SYSCALL3(nr, a, b, c)    syscall_raw(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYSCALL4(nr, a, b, c, d) syscall_raw(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

void sys_exit(int status)
{
    SYSCALL1(SYS_exit, status);
    for (;;)                    /* the kernel never returns here */
        __asm__ volatile("ud2");
}

long sys_write(int fd, const void *buf, size_t len) { return SYSCALL3(SYS_write, fd, buf, len); }
long sys_read(int fd, void *buf, size_t len) { return SYSCALL3(SYS_read, fd, buf, len); }
int sys_getpid(void) { return (int)SYSCALL0(SYS_getpid); }
int sys_gettid(void) { return (int)SYSCALL0(SYS_gettid); }

int sys_spawn(const char *name, const char *const *argv)
{
    return (int)SYSCALL2(SYS_spawn, name, argv);
}

int sys_wait(int pid, int *status) { return (int)SYSCALL2(SYS_wait, pid, status); }

int sys_thread_create(void (*entry)(void *), void *arg, void *stack_top)
{
    return (int)SYSCALL3(SYS_thread_create, entry, arg, stack_top);
}

int sys_thread_create_tls(void (*entry)(void *), void *arg, void *stack_top, void *fs_base)
{
    return (int)SYSCALL4(SYS_thread_create, entry, arg, stack_top, fs_base);
}

void sys_thread_exit(long value)
{
    SYSCALL1(SYS_thread_exit, value);
    for (;;)
        __asm__ volatile("ud2");
}

int sys_thread_join(int tid, long *value) { return (int)SYSCALL2(SYS_thread_join, tid, value); }
int sys_yield(void) { return (int)SYSCALL0(SYS_yield); }
int sys_sleep(int64_t ns) { return (int)SYSCALL1(SYS_sleep, ns); }
uint64_t sys_clock(void) { return (uint64_t)SYSCALL0(SYS_clock); }

int sys_futex_wait(uint32_t *addr, uint32_t expected, int64_t timeout_ns)
{
    return (int)SYSCALL3(SYS_futex_wait, addr, expected, timeout_ns);
}

int sys_futex_wake(uint32_t *addr, int count) { return (int)SYSCALL2(SYS_futex_wake, addr, count); }
void *sys_mmap(size_t len, int prot) { return (void *)SYSCALL2(SYS_mmap, len, prot); }
int sys_munmap(void *addr, size_t len) { return (int)SYSCALL2(SYS_munmap, addr, len); }
int sys_getcpu(void) { return (int)SYSCALL0(SYS_getcpu); }

int sys_thread_list(struct thread_info *buf, int max)
{
    return (int)SYSCALL2(SYS_thread_list, buf, max);
}

void sys_poweroff(int status)
{
    SYSCALL1(SYS_poweroff, status);
    for (;;)
        __asm__ volatile("ud2");
}

int sys_sysinfo(struct sys_info *info) { return (int)SYSCALL1(SYS_sysinfo, info); }
int sys_set_affinity(int tid, uint64_t mask) { return (int)SYSCALL2(SYS_set_affinity, tid, mask); }
int sys_get_affinity(int tid, uint64_t *mask) { return (int)SYSCALL2(SYS_get_affinity, tid, mask); }
int sys_set_priority(int tid, int priority) { return (int)SYSCALL2(SYS_set_priority, tid, priority); }
int sys_get_priority(int tid) { return (int)SYSCALL1(SYS_get_priority, tid); }
int sys_set_nice(int tid, int nice) { return (int)SYSCALL2(SYS_set_nice, tid, nice); }
int sys_get_nice(int tid, int *nice) { return (int)SYSCALL2(SYS_get_nice, tid, nice); }
int sys_set_tickets(int tid, int tickets) { return (int)SYSCALL2(SYS_set_tickets, tid, tickets); }
int sys_get_tickets(int tid) { return (int)SYSCALL1(SYS_get_tickets, tid); }
int sys_set_fsbase(uint64_t base) { return (int)SYSCALL1(SYS_set_fsbase, base); }
uint64_t sys_get_fsbase(void) { return (uint64_t)SYSCALL0(SYS_get_fsbase); }
int sys_process_info(struct process_info *info) { return (int)SYSCALL1(SYS_process_info, info); }
