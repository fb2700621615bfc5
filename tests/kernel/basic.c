/* Kernel tests of the boot path itself: the banner test that every other
   test relies on, and the framework's own assertions. */
#include "kernel/ktest.h"

KTEST(test_boot_kernel, "boot-kernel")
{
    /* Reaching here means boot.S, long mode, the higher half, the console
       and the command line all worked; the runner checks the banner. */
}

KTEST(test_assert_fails, "ktest-assert-fails", .expect_fail = "expected two + 2 == 5, but two + 2 = 4 (0x4), 5 = 5 (0x5)")
{
    int two = 2;
    KT_ASSERT_EQ(two + 2, 5);
}
