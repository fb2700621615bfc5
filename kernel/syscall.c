/* The system-call table and dispatcher. To add a call: a number in
   lib/abi.h, a function in a kernel/sys_*.c file, a line here, and a stub
   in user/lib (docs/syscalls.md walks through it). */
#include "kernel/syscall.h"
#include <stdbool.h>
#include "kernel/thread.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "arch/x86_64/x86.h"

static const struct syscall_entry table[SYS_COUNT] = {
    [SYS_exit] = { "exit", sys_exit },
    [SYS_write] = { "write", sys_write },
    [SYS_read] = { "read", sys_read },
    [SYS_getpid] = { "getpid", sys_getpid },
    [SYS_gettid] = { "gettid", sys_gettid },
    [SYS_spawn] = { "spawn", sys_spawn },
    [SYS_wait] = { "wait", sys_wait },
    [SYS_thread_create] = { "thread_create", sys_thread_create },
    [SYS_thread_exit] = { "thread_exit", sys_thread_exit },
    [SYS_thread_join] = { "thread_join", sys_thread_join },
    [SYS_yield] = { "yield", sys_yield },
    [SYS_sleep] = { "sleep", sys_sleep },
    [SYS_clock] = { "clock", sys_clock },
    [SYS_futex_wait] = { "futex_wait", sys_futex_wait },
    [SYS_futex_wake] = { "futex_wake", sys_futex_wake },
    [SYS_mmap] = { "mmap", sys_mmap },
    [SYS_munmap] = { "munmap", sys_munmap },
    [SYS_getcpu] = { "getcpu", sys_getcpu },
    [SYS_thread_list] = { "thread_list", sys_thread_list },
    [SYS_poweroff] = { "poweroff", sys_poweroff },
    [SYS_sysinfo] = { "sysinfo", sys_sysinfo },
    [SYS_set_affinity] = { "set_affinity", sys_set_affinity },
    [SYS_get_affinity] = { "get_affinity", sys_get_affinity },
    [SYS_set_priority] = { "set_priority", sys_set_priority },
    [SYS_get_priority] = { "get_priority", sys_get_priority },
    [SYS_set_nice] = { "set_nice", sys_set_nice },
    [SYS_get_nice] = { "get_nice", sys_get_nice },
    [SYS_set_tickets] = { "set_tickets", sys_set_tickets },
    [SYS_get_tickets] = { "get_tickets", sys_get_tickets },
    [SYS_set_fsbase] = { "set_fsbase", sys_set_fsbase },
    [SYS_get_fsbase] = { "get_fsbase", sys_get_fsbase },
    [SYS_process_info] = { "process_info", sys_process_info },
};

/* The calls that read one field and return, touching no user memory and
   taking no lock: they run with interrupts still off, as the CPU entered. */
static const bool quick[SYS_COUNT] = {
    [SYS_getpid] = true, [SYS_gettid] = true, [SYS_clock] = true,
    [SYS_getcpu] = true, [SYS_get_fsbase] = true,
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
    if (!quick[nr])
        sti();
    return table[nr].fn(a);
}

const char *syscall_name(uint64_t nr)
{
    return nr < SYS_COUNT ? table[nr].name : 0;
}
