/* The kernel command line (DESIGN.md section 3): key=value settings and an
   optional "-- PROGRAM ARGS" tail, parsed once at boot into boot_params. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>

#define CMDLINE_MAX      1024
#define CMDLINE_MAX_ARGS 32

struct boot_params {
    const char *sched;          /* sched=NAME: scheduling policy (default "rr") */
    int hz;                     /* hz=N: timer interrupts per second (default 100) */
    int quantum;                /* quantum=N: time slice in ticks (default 1) */
    int idle_poll_us;           /* idlepoll=N: an idle CPU polls at most N us before it halts (default 200) */
    unsigned long seed;         /* seed=N: lottery's random draws (default 1) */
    bool trace_sched;           /* trace=sched */
    bool panic_halt;            /* panic=halt: halt instead of powering off */
    const char *test;           /* test=NAME, or NULL */
    int prog_argc;              /* words after "--": the program and its args */
    char *prog_argv[CMDLINE_MAX_ARGS + 1];
    const char *raw;            /* the whole command line as given */
};

extern struct boot_params boot_params;

/* Parses line (the loader's command line, which may start with the kernel's
   own path). Returns 0, or -1 after printing an error for each bad key or
   value (the good settings are applied all the same). Needs only the console. */
int cmdline_parse(const char *line);

#endif
