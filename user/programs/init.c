/* init: the first user process. Runs the program named on the kernel
   command line (after `--`) or else the shell, then powers the machine off
   with the program's exit status. */
#include <stdio.h>
#include <string.h>
#include <spindle.h>

/* Statuses 124 and up belong to the QEMU wrapper (tools/qemu_run.py:
   timeout, panic, reset, QEMU failure), so a program's status there is
   reported as this one, with a message. */
#define STATUS_MAX_PASSED  123
#define STATUS_CANNOT_RUN  2

/* Waits for child pid, reaping any other child that ends first. Returns
   its exit status, or a negative error. */
static int wait_for(int pid)
{
    for (;;) {
        int status;
        int ended = sys_wait(-1, &status);
        if (ended < 0)
            return ended;
        if (ended == pid)
            return status;
    }
}

/* Runs argv[0] with argv; returns its exit status, or powers off with
   STATUS_CANNOT_RUN if it cannot be started. */
static int run(const char *const *argv)
{
    int pid = sys_spawn(argv[0], argv);
    if (pid < 0) {
        printf("init: cannot run %s: %s\n", argv[0],
               pid == -ENOENT ? "no such program" : strerror(pid));
        sys_poweroff(STATUS_CANNOT_RUN);
    }
    int status = wait_for(pid);
    if (status < 0) {
        printf("init: waiting for %s failed: %s\n", argv[0], strerror(status));
        sys_poweroff(STATUS_CANNOT_RUN);
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        /* No program given: the interactive shell, until it exits. */
        static const char *const shell[] = { "sh", NULL };
        run(shell);
        sys_poweroff(0);
    }
    /* argv[1..] is "PROG ARGS...", NULL-terminated: the child's argv. */
    int status = run((const char *const *)&argv[1]);
    if (status < 0 || status > STATUS_MAX_PASSED) {
        printf("init: %s ended with status %d\n", argv[1], status);
        status = STATUS_MAX_PASSED;
    }
    sys_poweroff(status);
}
