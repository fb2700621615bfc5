/* System calls about threads and time: thread create/exit/join, yield,
   sleep, the clock, getcpu and the thread list behind ps. */
#include "kernel/syscall.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/mm/kheap.h"
#include "kernel/mm/uvm.h"
#include "kernel/sched/sched.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/fsbase.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

long sys_gettid(const struct syscall_args *a)
{
    (void)a;
    return thread_current()->tid;
}

long sys_thread_create(const struct syscall_args *a)
{
    uint64_t entry = a->arg[0], arg = a->arg[1], stack_top = a->arg[2], fs_base = a->arg[3];
    if (entry >= USER_TOP || stack_top >= USER_TOP || stack_top < 16)
        return -EFAULT;
    if (!fsbase_valid_for_user(fs_base))
        return -EINVAL;
    struct process *p = thread_current()->process;
    /* %rsp as if entry had been called: 16-aligned minus the return address. */
    struct user_thread_start start = {
        .entry = entry, .arg = arg, .stack = (stack_top & ~15ull) - 8, .fs_base = fs_base,
    };
    /* The stack's range, for thread dumps: the mmap area it lies in. */
    uvm_area_of(p, stack_top - 1, &start.stack_low, &start.stack_high);
    return thread_create_user_with(p, p->name, &start);
}

long sys_thread_exit(const struct syscall_args *a)
{
    thread_exit((long)a->arg[0]);
}

long sys_thread_join(const struct syscall_args *a)
{
    uint64_t uvalue = a->arg[1];
    long zero = 0, value = 0;
    if (uvalue && copy_to_user(uvalue, &zero, sizeof zero) < 0)
        return -EFAULT;
    int err = thread_join_in(thread_current()->process, (int)a->arg[0], &value);
    if (err == 0 && uvalue && copy_to_user(uvalue, &value, sizeof value) < 0)
        return -EFAULT;
    return err;
}

long sys_yield(const struct syscall_args *a)
{
    (void)a;
    thread_yield();
    return 0;
}

long sys_sleep(const struct syscall_args *a)
{
    int64_t ns = (int64_t)a->arg[0];
    if (ns <= 0)
        return 0;
    /* Round up to ticks, plus one: the current tick is partly gone, and a
       sleep must never be shorter than asked. */
    uint64_t hz = (uint64_t)timer_hz();
    uint64_t ticks = ((uint64_t)ns / 1000 * hz + 999999) / 1000000 + 1;
    thread_sleep_ticks((int64_t)ticks);
    return thread_current()->kill_pending ? -EINTR : 0;
}

long sys_clock(const struct syscall_args *a)
{
    (void)a;
    return (long)clock_ns();
}

long sys_getcpu(const struct syscall_args *a)
{
    (void)a;
    return this_cpu()->id;
}

long sys_thread_list(const struct syscall_args *a)
{
    int max = (int)a->arg[1];
    if (max < 0 || max > 100000)
        return -EINVAL;
    uint64_t ubuf = a->arg[0];
    if (max > 0 && !user_range_ok(ubuf, (uint64_t)max * sizeof(struct thread_info)))
        return -EFAULT;
    struct thread_info *info = max ? kzalloc((uint64_t)max * sizeof *info) : 0;
    if (max && !info)
        return -ENOMEM;
    int total = thread_list(info, max);
    long err = max ? copy_to_user(ubuf, info, (uint64_t)(total < max ? total : max) * sizeof *info) : 0;
    kfree(info);
    return err < 0 ? err : total;
}

/* The thread tid of the caller's own process (0: the caller), or NULL. */
static bool own_thread(int tid)
{
    if (tid == 0)
        return true;
    struct thread snap;
    return thread_snapshot(tid, &snap) == 0 && snap.process == thread_current()->process;
}

long sys_set_affinity(const struct syscall_args *a)
{
    int tid = (int)a->arg[0];
    if (!own_thread(tid))
        return -ESRCH;
    return thread_set_affinity(tid, a->arg[1]);
}

long sys_get_affinity(const struct syscall_args *a)
{
    int tid = (int)a->arg[0];
    uint64_t mask = 0;
    if (!own_thread(tid))
        return -ESRCH;
    int err = thread_get_affinity(tid, &mask);
    if (err == 0 && copy_to_user(a->arg[1], &mask, sizeof mask) < 0)
        return -EFAULT;
    return err;
}
