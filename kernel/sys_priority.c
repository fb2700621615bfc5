/* System calls about priorities: set a thread's base priority, read its
   effective one. Only sched=prio schedules by them; every policy keeps them. */
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "lib/errno.h"

/* tid 0 (the caller) or a thread of the caller's own process: a program may
   not change, nor look at, the threads of other processes. */
static bool thread_is_ours(int tid)
{
    if (tid == 0)
        return true;
    struct thread snap;
    return thread_snapshot(tid, &snap) == 0 && snap.process == thread_current()->process;
}

long sys_set_priority(const struct syscall_args *a)
{
    int64_t tid = (int64_t)a->arg[0], priority = (int64_t)a->arg[1];
    if (priority < PRIORITY_MIN || priority > PRIORITY_MAX)
        return -EINVAL;
    if (tid < 0 || tid > 0x7fffffff || !thread_is_ours((int)tid))
        return -ESRCH;
    return thread_set_priority((int)tid, (int)priority);
}

long sys_get_priority(const struct syscall_args *a)
{
    int64_t tid = (int64_t)a->arg[0];
    if (tid < 0 || tid > 0x7fffffff || !thread_is_ours((int)tid))
        return -ESRCH;
    return thread_get_priority((int)tid);
}
