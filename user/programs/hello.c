/* hello: the smallest user program; prints a greeting and its arguments,
   to show that a program starts, gets its argv and exits. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello, world\n");
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}
