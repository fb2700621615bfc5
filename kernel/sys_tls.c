/* System calls for thread-local storage: setting and reading the calling
   thread's FS base, the thread pointer of x86-64 TLS (docs/user.md). */
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "arch/x86_64/fsbase.h"
#include "lib/errno.h"

long sys_set_fsbase(const struct syscall_args *a)
{
    uint64_t base = a->arg[0];
    if (!fsbase_valid_for_user(base))
        return -EINVAL;
    /* The TCB first, then the register: a switch in between loads the
       TCB's value anyway, on whichever CPU the thread comes back on. */
    struct thread *t = thread_current();
    t->fs_base = base;
    fsbase_load(base);
    return 0;
}

long sys_get_fsbase(const struct syscall_args *a)
{
    (void)a;
    return (long)thread_current()->fs_base;
}
