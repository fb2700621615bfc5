/* Test: printf and friends -- return values, snprintf truncation, output
   longer than the stack buffer, other file descriptors, and one write per
   call: lines printed by 4 threads at once never interleave. */
// test: args=quantum=1 hz=1000
// test: expect=^stdio: x{3000} end\r?$
// test: expect=^stdio: on fd 2\r?$
// test: expect=^stdio: puts\r?$
// test: expect=^stdio: ab\r?$
// test: reject=stdio-thread.*stdio-thread
// test: reject=^stdio-thread [0-3] line \d+ [a-z]{60}(?! done\r?$)
// test: expect=^PASS
// test: timeout=120
#include <thread.h>
#include "utest.h"

#define THREADS 4
#define LINES   200

static void *printer(void *arg)
{
    int id = (int)(long)arg;
    for (int i = 0; i < LINES; i++) {
        int n = printf("stdio-thread %d line %d %s done\n", id, i,
                       "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh");
        if (n <= 0)
            return (void *)1;
    }
    return NULL;
}

int main(void)
{
    char buf[16];

    /* snprintf: the full length comes back; the output is cut and ends in NUL. */
    UT_CHECK_EQ(snprintf(buf, sizeof buf, "%d-%s", 42, "abc"), 6);
    UT_CHECK_STR(buf, "42-abc");
    UT_CHECK_EQ(snprintf(buf, 5, "%s", "truncated"), 9);
    UT_CHECK_STR(buf, "trun");
    buf[0] = 'Q';
    UT_CHECK_EQ(snprintf(buf, 0, "%d", 12345), 5);
    UT_CHECK_EQ(buf[0], 'Q');                           /* size 0: nothing written */
    UT_CHECK_EQ(snprintf(buf, sizeof buf, "%5.2x|%-3c|", 10, 'z'), 10);
    UT_CHECK_STR(buf, "   0a|z  |");

    /* Longer than printf's stack buffer: one piece of output all the same. */
    static char xs[3001];
    memset(xs, 'x', 3000);
    UT_CHECK_EQ(printf("stdio: %s end\n", xs), 7 + 3000 + 5);

    UT_CHECK_EQ(dprintf(2, "stdio: on fd %d\n", 2), 15);
    UT_CHECK(puts("stdio: puts") >= 0);
    UT_CHECK_EQ(printf("stdio: "), 7);
    UT_CHECK_EQ(putchar('a'), 'a');
    UT_CHECK_EQ(putchar('b'), 'b');
    UT_CHECK_EQ(putchar('\n'), '\n');

    thread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        UT_CHECK_EQ(thread_create(&t[i], printer, (void *)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *ret;
        UT_CHECK_EQ(thread_join(t[i], &ret), 0);
        UT_CHECK(ret == NULL);
    }
    printf("PASS\n");
    return 0;
}
