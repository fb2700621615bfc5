/* Test: the hello program prints its greeting and each argument, and
   exits 0; a program's argv arrives as the spawner gave it. */
// test: expect=^hello, world\r?$
// test: expect=^argv\[1\] = "first"\r?\nargv\[2\] = "with space"\r?\nargv\[3\] = ""\r?$
// test: expect=^PASS
#include "utest.h"

int main(void)
{
    const char *plain[] = { "hello", NULL };
    UT_CHECK_EQ(ut_run("hello", plain), 0);
    const char *args[] = { "hello", "first", "with space", "", NULL };
    UT_CHECK_EQ(ut_run("hello", args), 0);
    printf("PASS\n");
    return 0;
}
