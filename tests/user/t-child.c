/* Helper for the user tests (not a test itself): a child that checks the
   argv it was given, optionally sleeps, and exits with a chosen status. */
#include "utest.h"

/*
 * t-child STATUS SLEEP_MS ARGC [w0 w1 ...]
 *
 * Checks that argv[0] is "t-child", that argc equals ARGC, and that the
 * words after the first four arguments are "w0", "w1", ... in order; then
 * sleeps SLEEP_MS milliseconds and exits with STATUS. A wrong argv exits
 * with 99 instead (after saying why), so a parent that checks the status
 * also checks that its argv arrived intact.
 */
int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[0], "t-child") != 0) {
        printf("t-child: bad argv (argc=%d)\n", argc);
        return 99;
    }
    if (argv[argc] != NULL) {
        printf("t-child: argv[argc] is not NULL\n");
        return 99;
    }
    int status = atoi(argv[1]);
    int sleep_ms = atoi(argv[2]);
    int want_argc = atoi(argv[3]);
    if (argc != want_argc) {
        printf("t-child: argc=%d, expected %d\n", argc, want_argc);
        return 99;
    }
    for (int i = 4; i < argc; i++) {
        char word[16];
        snprintf(word, sizeof word, "w%d", i - 4);
        if (strcmp(argv[i], word) != 0) {
            printf("t-child: argv[%d]=\"%s\", expected \"%s\"\n", i, argv[i], word);
            return 99;
        }
    }
    if (sleep_ms > 0)
        sys_sleep((int64_t)sleep_ms * 1000000);
    return status;
}
