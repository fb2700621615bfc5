/* Test: the race program (user/programs/race.c) -- its one line per run,
   in every mode, updates lost only when unprotected, and its usage
   message with status 2 for every kind of bad argument. */
// test: args=quantum=1 hz=1000
// test: expect=^race: mode=unsafe threads=3 iters=20000 expected=60000 actual=\d+ lost=\d+ time_ms=\d+\r?$
// test: expect=^race: mode=atomic threads=3 iters=20000 expected=60000 actual=60000 lost=0 time_ms=\d+\r?$
// test: expect=^race: mode=spinlock threads=3 iters=20000 expected=60000 actual=60000 lost=0 time_ms=\d+\r?$
// test: expect=^race: mode=mutex threads=3 iters=20000 expected=60000 actual=60000 lost=0 time_ms=\d+\r?$
// test: expect=^race: mode=ticket threads=2 iters=2000 expected=4000 actual=4000 lost=0 time_ms=\d+\r?$
// test: expect=^race: mode=unsafe threads=2 iters=1000000 expected=2000000 actual=\d+ lost=[1-9]\d* time_ms=\d+\r?$
// test: expect=^race: mode=mutex threads=1 iters=1 expected=1 actual=1 lost=0 time_ms=\d+\r?$
// test: expect=^race: mode=atomic threads=64 iters=1000 expected=64000 actual=64000 lost=0 time_ms=\d+\r?$
// test: expect=^usage: race \[THREADS \[ITERS \[MODE\]\]\]  \(MODE: unsafe atomic spinlock mutex ticket all\)\r?$
// test: reject=^race: mode=(atomic|spinlock|mutex|ticket) .* lost=[1-9]
// test: expect=^PASS
// test: timeout=120
#include "utest.h"

static int race(const char *a1, const char *a2, const char *a3, const char *a4)
{
    const char *argv[] = { "race", a1, a2, a3, a4, NULL };
    return ut_run("race", argv);
}

int main(void)
{
    /* Each mode in turn (all, then ticket, which all leaves out), one mode,
       the smallest and the most threads. */
    UT_CHECK_EQ(race("3", "20000", "all", NULL), 0);
    /* The ticket lock hands the lock to one particular thread each time;
       with more virtual CPUs than host cores that thread's CPU is often
       not running, so keep this run short (docs/race.md). */
    UT_CHECK_EQ(race("2", "2000", "ticket", NULL), 0);
    UT_CHECK_EQ(race("2", "1000000", "unsafe", NULL), 0);
    UT_CHECK_EQ(race("1", "1", "mutex", NULL), 0);
    UT_CHECK_EQ(race("64", "1000", "atomic", NULL), 0);

    /* Bad arguments: usage and status 2, and no run. */
    static const char *const bad[][4] = {
        { "0", NULL }, { "65", NULL }, { "-1", NULL }, { "two", NULL }, { "2x", NULL },
        { "", NULL }, { "2", "0", NULL }, { "2", "100000001", NULL }, { "2", "1e3", NULL },
        { "2", "10", "fast", NULL }, { "2", "10", "mutex", "extra" },
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int status = race(bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
        UT_CHECK_MSG(status == 2, "race %s %s %s %s: status %d, expected 2 (usage)", bad[i][0],
                     bad[i][1] ? bad[i][1] : "", bad[i][2] ? bad[i][2] : "",
                     bad[i][3] ? bad[i][3] : "", status);
    }
    printf("PASS\n");
    return 0;
}
