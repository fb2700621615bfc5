/* A minimal host unit-test harness for lib/: CHECK macros that count and
   report failures, and the spl_-prefixed names of lib/ functions under test. */
#ifndef TESTS_HOST_HOST_TEST_H
#define TESTS_HOST_HOST_TEST_H
#include <stdio.h>
#include <string.h>
static int host_failures, host_checks;
#define CHECK(cond)                                                           \
    do {                                                                      \
        host_checks++;                                                        \
        if (!(cond)) {                                                        \
            host_failures++;                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                     \
    } while (0)
#define HOST_TEST_END(name)                                                   \
    do {                                                                      \
        printf("%s: %d checks, %d failed\n", name, host_checks, host_failures); \
        return host_failures ? 1 : 0;                                         \
    } while (0)
#endif
