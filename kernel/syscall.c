/* The system-call table and dispatcher. To add a call: a number in
   lib/abi.h, a function in a kernel/sys_*.c file, a line here, and a stub
   in user/lib (docs/syscalls.md walks through it). */
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "arch/x86_64/x86.h"

static const struct syscall_entry table[SYS_COUNT] = {
    [SYS_exit] = { "exit", sys_exit, false },
    [SYS_write] = { "write", sys_write, false },
    [SYS_read] = { "read", sys_read, false },
    [SYS_getpid] = { "getpid", sys_getpid, true },
    [SYS_gettid] = { "gettid", sys_gettid, true },
    [SYS_spawn] = { "spawn", sys_spawn, false },
    [SYS_wait] = { "wait", sys_wait, false },
    [SYS_thread_create] = { "thread_create", sys_thread_create, false },
    [SYS_thread_exit] = { "thread_exit", sys_thread_exit, false },
    [SYS_thread_join] = { "thread_join", sys_thread_join, false },
    [SYS_yield] = { "yield", sys_yield, false },
    [SYS_sleep] = { "sleep", sys_sleep, false },
    [SYS_clock] = { "clock", sys_clock, true },
    [SYS_futex_wait] = { "futex_wait", sys_futex_wait, false },
    [SYS_futex_wake] = { "futex_wake", sys_futex_wake, false },
    [SYS_mmap] = { "mmap", sys_mmap, false },
    [SYS_munmap] = { "munmap", sys_munmap, false },
    [SYS_getcpu] = { "getcpu", sys_getcpu, true },
    [SYS_thread_list] = { "thread_list", sys_thread_list, false },
    [SYS_poweroff] = { "poweroff", sys_poweroff, false },
    [SYS_sysinfo] = { "sysinfo", sys_sysinfo, false },
    [SYS_set_affinity] = { "set_affinity", sys_set_affinity, false },
    [SYS_get_affinity] = { "get_affinity", sys_get_affinity, false },
    [SYS_set_priority] = { "set_priority", sys_set_priority, false },
    [SYS_get_priority] = { "get_priority", sys_get_priority, false },
    [SYS_set_nice] = { "set_nice", sys_set_nice, false },
    [SYS_get_nice] = { "get_nice", sys_get_nice, false },
    [SYS_set_tickets] = { "set_tickets", sys_set_tickets, false },
    [SYS_get_tickets] = { "get_tickets", sys_get_tickets, false },
    [SYS_set_fsbase] = { "set_fsbase", sys_set_fsbase, false },
    [SYS_get_fsbase] = { "get_fsbase", sys_get_fsbase, true },
    [SYS_process_info] = { "process_info", sys_process_info, false },
};

long syscall_run(uint64_t nr, const struct syscall_args *a)
{
    /* Only this thread writes its count (tests check that a fast path
       makes none: docs/labs/sync.md). */
    thread_current()->syscalls++;
    if (nr >= SYS_COUNT || !table[nr].fn)
        return -ENOSYS;
    /* The CPU entered with interrupts off (the SYSCALL mask clears IF).
       Every call that may take a while turns them on, so that ticks and
       IPIs are not held up; the quick ones have no need, and under QEMU's
       TCG `sti` ends a translated block: syscall_getpid 155 -> 144 ns
       without it (docs/syscalls.md). */
    if (!table[nr].quick)
        sti();
    return table[nr].fn(a);
}

const char *syscall_name(uint64_t nr)
{
    return nr < SYS_COUNT ? table[nr].name : 0;
}
