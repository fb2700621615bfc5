/* System calls about nice values (the mlfq policy's input): set_nice and
   get_nice, for the threads of the caller's own process. */
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/uaccess.h"
#include "lib/errno.h"

/* True if tid (0: the caller) is a thread of the caller's process: a
   program may change only its own threads. */
static bool own_thread(int tid)
{
    if (tid == 0)
        return true;
    struct thread snap;
    return thread_snapshot(tid, &snap) == 0 && snap.process == thread_current()->process;
}

long sys_set_nice(const struct syscall_args *a)
{
    int tid = (int)a->arg[0];
    int64_t nice = (int64_t)a->arg[1];
    /* Checked as 64 bits: 2^32 + 5 must not pass as 5. */
    if (nice < NICE_MIN || nice > NICE_MAX)
        return -EINVAL;
    if ((int64_t)a->arg[0] != tid || !own_thread(tid))
        return -ESRCH;
    return thread_set_nice(tid, (int)nice);
}

long sys_get_nice(const struct syscall_args *a)
{
    int tid = (int)a->arg[0];
    int nice = 0;
    if ((int64_t)a->arg[0] != tid || !own_thread(tid))
        return -ESRCH;
    int err = thread_get_nice(tid, &nice);
    if (err == 0 && copy_to_user(a->arg[1], &nice, sizeof nice) < 0)
        return -EFAULT;
    return err;
}
