/* Host tests of lib/thread_format.c, the table of Ctrl-P and ps -T: exact
   lines for two threads worked out by hand from the layout, and alignment. */
#include "host_test.h"
#include "lib/abi.h"

/* lib/thread_format.h under the host build's spl_ names. */
int spl_thread_format_header(char *buf, size_t size, int line);
int spl_thread_format_row(char *buf, size_t size, const struct thread_info *t, int line);
const char *spl_thread_format_state(int state);

static char line[256];

static const char *row(const struct thread_info *t, int l)
{
    spl_thread_format_row(line, sizeof line, t, l);
    return line;
}

#define CHECK_LINE(got, want) CHECK_MSG(strcmp((got), (want)) == 0, "\n got  '%s'\n want '%s'", (got), (want))

int main(void)
{
    /* A user thread asleep on a futex (the example of lib/thread_format.h):
       TID %5d, PID %5d, NAME %-16s, STATE %-9s, CPU %3s, PRI %3d,
       AFFINITY %-8s, TICKS %8lu, LAST-RUN %11s (seconds.milliseconds),
       VOL %6lu, INVOL %6lu, one space between each. */
    struct thread_info u;
    memset(&u, 0, sizeof u);
    u.tid = 5;
    u.pid = 3;
    strcpy(u.name, "tcb");
    u.state = 2;
    u.cpu = 0;
    u.priority = 31;
    u.affinity = ~0ull;
    u.ticks = 3;
    u.last_run_ns = 1234567890;             /* 1.234 s: milliseconds truncated */
    u.voluntary_switches = 4;
    u.involuntary_switches = 1;
    u.kstack_base = 0xffffc00000050000ull;
    u.kstack_size = 15872;
    u.user_stack_low = 0x100000030000ull;
    u.user_stack_high = 0x100000040000ull;
    u.tls_base = 0x10000003ff00ull;
    strcpy(u.wait, "futex");
    u.wait_futex = 0x4030a0;
    CHECK_LINE(row(&u, 0),
               "    5     3 tcb              blocked     0  31 all             3      1.234s      4      1");
    CHECK_LINE(row(&u, 1),
               "            ffffc00000050000+15872 100000030000-100000040000 10000003ff00 futex 4030a0 / -");

    /* Each column lines up under its header: same length, and the header's
       words end where the row's values do (right-aligned numbers). */
    char header0[256], header1[256];
    spl_thread_format_header(header0, sizeof header0, 0);
    spl_thread_format_header(header1, sizeof header1, 1);
    CHECK_LINE(header0,
               "  TID   PID NAME             STATE     CPU PRI AFFINITY    TICKS    LAST-RUN    VOL  INVOL");
    CHECK_LINE(header1,
               "            KSTACK                 USTACK                    TLS          WAITING ON / HOLDS");
    CHECK_EQ(strlen(header0), strlen(row(&u, 0)));
    CHECK(strlen(header0) <= 100 && strlen(header1) <= 100);

    /* A kernel thread that never ran, pinned to CPUs 0 and 2, holding two
       kernel mutexes, asleep: "-" for CPU, last run, user stack and TLS. */
    struct thread_info k;
    memset(&k, 0, sizeof k);
    k.tid = 12;
    k.pid = 0;
    strcpy(k.name, "worker");
    k.state = 3;
    k.cpu = -1;
    k.priority = 63;
    k.affinity = 0x5;
    k.kstack_base = 0xffffc00000100000ull;
    k.kstack_size = 15808;
    strcpy(k.wait, "sleep");
    k.held_count = 2;
    strcpy(k.held, "tcb-first,tcb-second");
    CHECK_LINE(row(&k, 0),
               "   12     0 worker           sleeping    -  63 5               0           -      0      0");
    CHECK_LINE(row(&k, 1),
               "            ffffc00000100000+15808 -                         -            sleep / tcb-first,tcb-second");

    /* A state out of range is "?", not a read past the table. */
    CHECK_LINE(spl_thread_format_state(4), "zombie");
    CHECK_LINE(spl_thread_format_state(5), "?");
    CHECK_LINE(spl_thread_format_state(-1), "?");

    /* A truncating buffer: NUL-terminated, and the full length returned. */
    char small[10];
    size_t full = strlen(row(&u, 0));
    int n = spl_thread_format_row(small, sizeof small, &u, 0);
    CHECK_EQ(n, (long long)full);
    CHECK_EQ(strlen(small), 9);
    HOST_TEST_END("thread-format");
}
