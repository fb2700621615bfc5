/* Test: the words after "-- PROGRAM" on the kernel command line arrive as
   argc and argv, in order, with argv[0] the program's name and argv[argc] NULL. */
// test: argv=one two 3 key=value --x
// test: expect=^argv\[4\]="key=value"
// test: expect=^PASS
#include "utest.h"

int main(int argc, char **argv)
{
    static const char *const want[] = { "user-args", "one", "two", "3", "key=value", "--x" };
    const int nwant = (int)(sizeof want / sizeof want[0]);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=\"%s\"\n", i, argv[i]);
    UT_CHECK_EQ(argc, nwant);
    for (int i = 0; i < nwant; i++)
        UT_CHECK_STR(argv[i], want[i]);
    UT_CHECK(argv[argc] == NULL);
    /* The strings are the program's own, writable memory. */
    argv[1][0] = 'O';
    UT_CHECK_STR(argv[1], "One");
    printf("PASS\n");
    return 0;
}
