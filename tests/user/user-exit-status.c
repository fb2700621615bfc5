/* Test: the status a program's main returns (42) is the exit status the
   kernel powers off with when the program runs alone under init. */
// test: status=42
// test: expect=^user-exit-status: returning 42
#include "utest.h"

int main(void)
{
    printf("user-exit-status: returning 42\n");
    return 42;
}
