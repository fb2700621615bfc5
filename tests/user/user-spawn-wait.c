/* Test: spawn starts a named program with argv, wait returns its pid and
   exit status, in any order; errors for unknown programs and missing children. */
// test: expect=^PASS
#include "utest.h"

#define NCHILDREN 4

int main(void)
{
    int status = -1;

    /* No children yet. */
    UT_CHECK_EQ(sys_wait(-1, &status), -ECHILD);

    /* One child with a status and argv (t-child checks its argv and exits 99 if it is wrong). */
    const char *argv1[] = { "t-child", "7", "0", "7", "w0", "w1", "w2", NULL };
    int pid = sys_spawn("t-child", argv1);
    UT_CHECK_GT(pid, 0);
    UT_CHECK_NE(pid, sys_getpid());
    UT_CHECK_EQ(sys_wait(pid, &status), pid);
    UT_CHECK_EQ(status, 7);
    /* It has been reaped: no second wait for it. */
    UT_CHECK_EQ(sys_wait(pid, &status), -ECHILD);
    UT_CHECK_EQ(sys_wait(-1, &status), -ECHILD);

    /* A longer argv (32 words) arrives whole and in order. */
    static const char *argv_long[33];
    static char words[28][8];
    argv_long[0] = "t-child";
    argv_long[1] = "0";
    argv_long[2] = "0";
    argv_long[3] = "32";
    for (int i = 0; i < 28; i++) {
        snprintf(words[i], sizeof words[i], "w%d", i);
        argv_long[4 + i] = words[i];
    }
    argv_long[32] = NULL;
    UT_CHECK_EQ(ut_run("t-child", argv_long), 0);

    /* Several children, waited for with -1: each pid comes back exactly
       once, with its own status. The slow ones end after the fast ones. */
    int pids[NCHILDREN], seen[NCHILDREN] = { 0 };
    char st[NCHILDREN][4], ms[NCHILDREN][8];
    for (int i = 0; i < NCHILDREN; i++) {
        snprintf(st[i], sizeof st[i], "%d", 10 + i);
        snprintf(ms[i], sizeof ms[i], "%d", (i % 2) * 30);
        const char *argv[] = { "t-child", st[i], ms[i], "4", NULL };
        pids[i] = sys_spawn("t-child", argv);
        UT_CHECK_GT(pids[i], 0);
        for (int j = 0; j < i; j++)
            UT_CHECK_NE(pids[i], pids[j]);
    }
    for (int n = 0; n < NCHILDREN; n++) {
        int r = sys_wait(-1, &status);
        int which = -1;
        for (int i = 0; i < NCHILDREN; i++)
            if (pids[i] == r)
                which = i;
        UT_CHECK_MSG(which >= 0, "wait(-1) returned %d, not one of the children", r);
        UT_CHECK_MSG(!seen[which], "wait(-1) returned pid %d twice", r);
        seen[which] = 1;
        UT_CHECK_EQ(status, 10 + which);
    }
    UT_CHECK_EQ(sys_wait(-1, &status), -ECHILD);

    /* Waiting for a given pid while another child ends first. */
    const char *slow[] = { "t-child", "21", "40", "4", NULL };
    const char *fast[] = { "t-child", "22", "0", "4", NULL };
    int pid_slow = sys_spawn("t-child", slow);
    int pid_fast = sys_spawn("t-child", fast);
    UT_CHECK_GT(pid_slow, 0);
    UT_CHECK_GT(pid_fast, 0);
    UT_CHECK_EQ(sys_wait(pid_slow, &status), pid_slow);
    UT_CHECK_EQ(status, 21);
    UT_CHECK_EQ(sys_wait(pid_fast, &status), pid_fast);
    UT_CHECK_EQ(status, 22);

    /* A pid that is not our child (ourselves, init's, one never used). */
    UT_CHECK_EQ(sys_wait(sys_getpid(), &status), -ECHILD);
    UT_CHECK_EQ(sys_wait(1, &status), -ECHILD);
    UT_CHECK_EQ(sys_wait(999999, &status), -ECHILD);

    /* A program that does not exist: an error, and no child. */
    const char *nosuch[] = { "no-such-program", NULL };
    int r = sys_spawn("no-such-program", nosuch);
    UT_CHECK_MSG(r < 0, "spawn of a nonexistent program returned %d", r);
    UT_CHECK_NE(r, -ENOSYS);
    printf("spawn(no-such-program) = %d\n", r);
    r = sys_spawn("", nosuch);
    UT_CHECK_MSG(r < 0, "spawn of the empty name returned %d", r);
    UT_CHECK_EQ(sys_wait(-1, &status), -ECHILD);

    printf("PASS\n");
    return 0;
}
