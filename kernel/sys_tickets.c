/* System calls about lottery and stride tickets: set_tickets and
   get_tickets, limited to the threads of the caller's own process. */
#include "kernel/syscall.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "lib/errno.h"

/* True if tid is 0 (the caller) or a thread of the caller's process. */
static bool own_thread(int tid)
{
    if (tid == 0)
        return true;
    struct thread snap;
    return thread_snapshot(tid, &snap) == 0 && snap.process == thread_current()->process;
}

long sys_set_tickets(const struct syscall_args *a)
{
    int64_t tickets = (int64_t)a->arg[1];
    int tid = (int)a->arg[0];
    /* Range first, on the full 64 bits: 2^32 + 100 must not pass as 100. */
    if (tickets < TICKETS_MIN || tickets > TICKETS_MAX)
        return -EINVAL;
    if ((int64_t)a->arg[0] != tid || !own_thread(tid))
        return -ESRCH;
    return thread_set_tickets(tid, (int)tickets);
}

long sys_get_tickets(const struct syscall_args *a)
{
    int tid = (int)a->arg[0];
    if ((int64_t)a->arg[0] != tid || !own_thread(tid))
        return -ESRCH;
    return thread_get_tickets(tid);
}
