/* Helper for the user-library tests (not a test itself): misuses the heap
   or aborts, named by argv[1], so that the parent can check the process
   is stopped with status 134 and a message. */
#include "utest.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: t-ulib double-free|bad-free|bad-realloc|abort\n");
        return 2;
    }
    const char *mode = argv[1];
    if (!strcmp(mode, "double-free")) {
        char *p = malloc(40);
        free(p);
        free(p);
    } else if (!strcmp(mode, "bad-free")) {
        static long not_from_malloc[8];
        free(&not_from_malloc[4]);
    } else if (!strcmp(mode, "bad-realloc")) {
        static long not_from_malloc[8];
        (void)realloc(&not_from_malloc[4], 100);
    } else if (!strcmp(mode, "abort")) {
        abort();
    } else {
        printf("t-ulib: unknown mode %s\n", mode);
        return 2;
    }
    printf("t-ulib: %s: still alive\n", mode);
    return 0;
}
