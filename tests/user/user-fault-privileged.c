/* Test: the privileged instructions cli, hlt, in and out in ring 3 raise a
   #GP (SDM 3A 6.15), which kills the program with status 139; the kernel goes on. */
// test: expect=^t-crash: cli\r?\nspindle: pid \d+ \(t-crash\) killed: general protection fault.* rip=0x[0-9a-f]+
// test: expect=^t-crash: hlt\r?\nspindle: pid \d+ \(t-crash\) killed: general protection fault.* rip=0x[0-9a-f]+
// test: expect=^t-crash: in\r?\nspindle: pid \d+ \(t-crash\) killed: general protection fault.* rip=0x[0-9a-f]+
// test: expect=^t-crash: out\r?\nspindle: pid \d+ \(t-crash\) killed: general protection fault.* rip=0x[0-9a-f]+
// test: expect=^ok: t-crash cli ended with status 139
// test: expect=^ok: t-crash hlt ended with status 139
// test: expect=^ok: t-crash in ended with status 139
// test: expect=^ok: t-crash out ended with status 139
// test: expect=^PASS
#include "utest.h"

int main(void)
{
    /* cli and hlt need CPL 0; in and out need CPL <= IOPL (0) or a TSS
       I/O bitmap that allows the port (there is none). */
    static const char *const modes[] = { "cli", "hlt", "in", "out" };
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        ut_expect_killed(modes[i], EXIT_KILLED_SEGV);
        ut_expect_system_works();
    }
    printf("PASS\n");
    return 0;
}
