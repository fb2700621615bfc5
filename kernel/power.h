/* Powering the machine off with a status, so that tests and `make run`
   learn how the kernel ended. The statuses are part of the tools' contract. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/* Kernel exit statuses, as tools/qemu_run.py reports them. The kernel
   writes status + 1 to the isa-debug-exit port, because QEMU exits with
   (value << 1) | 1 and plain 1 is also what QEMU returns on its own errors;
   so the kernel can report 0-126, and 124-127 are reserved for the wrapper. */
#define POWEROFF_OK            0     /* test passed / program exited 0 */
#define POWEROFF_TEST_FAILED   1     /* a kernel test's assertion failed */
#define POWEROFF_USAGE         2     /* bad kernel command line */
#define POWEROFF_EARLY_FAIL    3     /* no multiboot / no long mode (boot/boot.S) */
#define POWEROFF_PANIC         125   /* kernel panic */
/* The wrapper adds: 124 timeout, 126 reset or triple fault, 127 QEMU failed. */

#ifndef __ASSEMBLER__
/* Ends the machine with status (0-127). Under QEMU this writes the
   isa-debug-exit port; elsewhere it halts. Never returns. */
__attribute__((noreturn)) void power_off(int status);
#endif

#endif
