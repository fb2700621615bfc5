/* System calls about processes: exit, getpid, spawn, wait, and the two
   whole-machine calls poweroff and sysinfo. */
#include "kernel/syscall.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/uaccess.h"
#include "kernel/power.h"
#include "kernel/mm/kheap.h"
#include "kernel/mm/pmm.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

long sys_exit(const struct syscall_args *a)
{
    process_exit((int)(a->arg[0] & 0xff));
}

long sys_getpid(const struct syscall_args *a)
{
    (void)a;
    return thread_current()->process->pid;
}

/* The arguments of spawn, copied in from user memory. */
struct spawn_args {
    char name[PROCESS_NAME_MAX];
    int argc;
    char *argv[PROCESS_ARGS_MAX + 1];
};

static void free_args(struct spawn_args *s)
{
    for (int i = 0; i < s->argc; i++)
        kfree(s->argv[i]);
    kfree(s);
}

/* Copies argv (a NULL-terminated user array of user strings). */
static int copy_args(struct spawn_args *s, uint64_t uargv)
{
    for (;;) {
        uint64_t ptr;
        if (copy_from_user(&ptr, uargv + 8 * (uint64_t)s->argc, sizeof ptr) < 0)
            return -EFAULT;
        if (!ptr)
            return 0;
        if (s->argc == PROCESS_ARGS_MAX)
            return -E2BIG;
        char *arg = kmalloc(PROCESS_ARG_LEN);
        if (!arg)
            return -ENOMEM;
        s->argv[s->argc++] = arg;
        long len = string_from_user(arg, ptr, PROCESS_ARG_LEN);
        if (len < 0)
            return (int)len;
    }
}

long sys_spawn(const struct syscall_args *a)
{
    struct spawn_args *s = kzalloc(sizeof *s);
    if (!s)
        return -ENOMEM;
    long err = string_from_user(s->name, a->arg[0], sizeof s->name);
    if (err == -E2BIG)
        err = -ENOENT;                  /* longer than any program's name */
    if (err >= 0 && a->arg[1])
        err = copy_args(s, a->arg[1]);
    if (err >= 0 && s->argc == 0) {     /* no argv: argv[0] is the name */
        s->argv[0] = kmalloc(PROCESS_ARG_LEN);
        if (!s->argv[0])
            err = -ENOMEM;
        else
            strlcpy(s->argv[s->argc++], s->name, PROCESS_ARG_LEN);
    }
    if (err >= 0)
        err = process_spawn(s->name, s->argc, s->argv, thread_current()->process);
    free_args(s);
    return err;
}

long sys_wait(const struct syscall_args *a)
{
    int pid = (int)a->arg[0];
    uint64_t ustatus = a->arg[1];
    int zero = 0;
    /* Check the status pointer first: once a child is reaped, its status
       must not be lost to a bad pointer. */
    if (ustatus && copy_to_user(ustatus, &zero, sizeof zero) < 0)
        return -EFAULT;
    if (pid < -1 || pid == 0)
        return -EINVAL;
    int status = 0;
    int got = process_wait(pid, &status);
    if (got > 0 && ustatus && copy_to_user(ustatus, &status, sizeof status) < 0)
        return -EFAULT;
    return got;
}

long sys_poweroff(const struct syscall_args *a)
{
    int status = (int)a->arg[0];
    /* 124 and up belong to the test tools (tools/qemu_run.py). */
    if (status < 0 || status > 123)
        return -EINVAL;
    power_off(status);
}

long sys_sysinfo(const struct syscall_args *a)
{
    /* Give the heap's cached empty pages back first, so that the count
       shows what is really in use (leak tests compare it). */
    thread_reap_all();
    kheap_trim();
    struct sys_info info = {
        .free_frames = pmm_free_count(),
        .total_frames = pmm_total_count(),
        .threads = thread_count(),
        .processes = process_count(),
    };
    return copy_to_user(a->arg[0], &info, sizeof info);
}
