/* Test: the amdahl program prints a row for 1, 2 and 4 threads, in order,
   with the law's predictions right for the serial fraction given. */
// test: timeout=120
// test: expect=^amdahl: serial fraction s = 25\.00%; work 8 units \(2 serial, 6 parallel\)
// test: expect=^amdahl: serial fraction s = 10\.00%; work 8 units \(1 serial, 7 parallel\)
// test: expect=^ +threads +CPUs +time_ms +speedup +Amdahl S\(n\) +best here +efficiency\r?\n +1 .*\r?\n +2 .*\r?\n +4 .*\r?$
// test: expect=^ +1 +1 +[0-9]+\.[0-9] +1\.00 +1\.00 +1\.00 +100%\r?$
// test: expect=^ +2 +(1 +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +1\.60 +1\.00|2 +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +1\.60 +1\.60) +[0-9]+%\r?$
// test: expect=^ +4 +(1 +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +2\.29 +1\.00|[23] +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +2\.29 +1\.60|4 +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +2\.29 +2\.29) +[0-9]+%\r?$
// test: expect=^ +2 +(1 +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +1\.82 +1\.00|2 +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +1\.82 +1\.82) +[0-9]+%\r?$
// test: expect=^ +4 +(1 +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +3\.08 +1\.00|[23] +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +3\.08 +1\.82|4 +[0-9]+\.[0-9] +[0-9]+\.[0-9][0-9] +3\.08 +3\.08) +[0-9]+%\r?$
// test: expect=^usage: amdahl
// test: expect=^user-amdahl: statuses 0 0 2 2\r?$
#include "utest.h"

/*
 * The predictions, worked out by hand from S(n) = 1 / (s + (1 - s) / n):
 *   s = 0.25: S(1) = 1, S(2) = 1 / (0.25 + 0.375) = 1.6,
 *             S(4) = 1 / (0.25 + 0.1875) = 2.2857... -> 2.29
 *   s = 0.10: S(2) = 1 / (0.1 + 0.45) = 1.8181... -> 1.82,
 *             S(4) = 1 / (0.1 + 0.225) = 3.0769... -> 3.08
 * "best here" is the law with the busiest CPU running ceil(n / c) chunks of
 * n: on c = 1 CPU always 1.00; 4 threads on 2 or 3 CPUs are as good as 2
 * threads (1.60, 1.82); on 4 CPUs it is S(n). The CPUs column is how many
 * distinct CPUs the threads ran on (threads are pinned), min(n, c), which
 * the patterns above tie to the "best here" value.
 *
 * A tiny job (8 units) once per count: no timing is asserted, only the
 * table's shape and its computed numbers. s is given once as a fraction
 * (s=0.25) and once as a percentage (10); 150% and a missing s are refused.
 */
int main(void)
{
    const char *quarter[] = { "amdahl", "s=0.25", "work=8", "reps=1", NULL };
    const char *tenth[] = { "amdahl", "10", "work=8", "reps=1", NULL };
    const char *too_much[] = { "amdahl", "150", NULL };
    const char *none[] = { "amdahl", "work=8", NULL };
    int a = ut_run("amdahl", quarter);
    int b = ut_run("amdahl", tenth);
    int c = ut_run("amdahl", too_much);
    int d = ut_run("amdahl", none);
    printf("user-amdahl: statuses %d %d %d %d\n", a, b, c, d);
    UT_CHECK_EQ(a, 0);
    UT_CHECK_EQ(b, 0);
    UT_CHECK_EQ(c, 2);
    UT_CHECK_EQ(d, 2);
    printf("PASS\n");
    return 0;
}
