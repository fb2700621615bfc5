/* Test: every thread's x87/SSE registers survive yields, preemption and
   migration under lazy FPU switching, whether it uses the FPU always, now and then, or never. */
// test: args=quantum=1 hz=1000
// test: timeout=120
// test: expect=^fpu: 4 threads, \d+ rounds x 100 holds on \d+ CPUs?, registers intact
// test: expect=^PASS
#include <stdbool.h>
#include <thread.h>
#include <sync.h>
#include "utest.h"

/*
 * The kernel loads a thread's FPU state only when the thread first uses
 * the FPU after getting the CPU (a #NM trap), or at once when it used the
 * FPU in its last few time slices (arch/x86_64/fpu.c). Three kinds of
 * threads cover those paths:
 *   ALWAYS     uses the FPU in every slice: after a few it is loaded eagerly;
 *              over 256 slices its streak counter wraps and it traps again
 *   SOMETIMES  every third slice: always loaded through the trap
 *   NEVER      no FPU until it looks, once a round, whether its registers
 *              hold another thread's values (they must not)
 * Each "hold" fills all 16 XMM registers, an x87 register and MXCSR with
 * values unique to the thread, round and hold, gives the CPU away (a yield,
 * or waiting until another thread has run: a preemption), and checks that
 * every register came back. All threads move to the next CPU every round.
 */

#define NTHREADS 4
#define HOLDS 100
#define PREEMPT_EVERY 10            /* every 10th hold waits for a preemption */
#define MARK 0xF00Dull              /* top 16 bits of every XMM pattern qword */

enum { ALWAYS, SOMETIMES, NEVER };
static const int kinds[NTHREADS] = { ALWAYS, ALWAYS, SOMETIMES, NEVER };

struct fpu_pattern {
    uint64_t xmm[16][2];            /* offset 0 */
    uint64_t x87;                   /* offset 256: the bits of a double */
    uint32_t mxcsr;                 /* offset 264 */
    uint32_t pad;
} __attribute__((aligned(16)));

_Static_assert(__builtin_offsetof(struct fpu_pattern, x87) == 256, "fpu_hold's offsets");
_Static_assert(__builtin_offsetof(struct fpu_pattern, mxcsr) == 264, "fpu_hold's offsets");

#define XSTR(x) STR(x)
#define STR(x) #x

/*
 * int fpu_hold(const struct fpu_pattern *p %rdi, struct turns *t %rsi,
 *              int me %edx, int preempt %ecx, int done_goal %r8d)
 * Loads p into the registers, writes me to t->last, then either yields
 * (preempt 0) or spins until another thread has written t->last (1) --
 * or until t->done reaches done_goal: everybody else has left the round --
 * and compares the registers with p: 0 if all match, 1..16 for the first
 * XMM register that does not (+1), 17 for the x87 register, 18 for MXCSR.
 * In assembly so that no compiled code can touch a register in between.
 */
__asm__(
    "    .text\n"
    "    .type fpu_hold, @function\n"
    "fpu_hold:\n"
    "    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "    movdqa \\i*16(%rdi), %xmm\\i\n"
    "    .endr\n"
    "    fldl 256(%rdi)\n"
    "    ldmxcsr 264(%rdi)\n"
    "    movl %edx, (%rsi)\n"
    "    testl %ecx, %ecx\n"
    "    jnz 2f\n"
    "    pushq %rdi\n"
    "    pushq %rsi\n"
    "    pushq %rdx\n"
    "    movl $" XSTR(SYS_yield) ", %eax\n"
    "    syscall\n"                 /* the kernel keeps every register but rax, rcx, r11 */
    "    popq %rdx\n"
    "    popq %rsi\n"
    "    popq %rdi\n"
    "    jmp 3f\n"
    "2:  cmpl %edx, (%rsi)\n"
    "    jne 3f\n"
    "    cmpl %r8d, 4(%rsi)\n"
    "    jge 3f\n"
    "    pause\n"
    "    jmp 2b\n"
    "3:  subq $8, %rsp\n"
    "    stmxcsr (%rsp)\n"
    "    movl (%rsp), %eax\n"
    "    fstpl (%rsp)\n"            /* pops: the x87 stack is as it was */
    "    movq (%rsp), %rcx\n"
    "    addq $8, %rsp\n"
    "    cmpl 264(%rdi), %eax\n"
    "    movl $18, %eax\n"
    "    jne 9f\n"
    "    cmpq 256(%rdi), %rcx\n"
    "    movl $17, %eax\n"
    "    jne 9f\n"
    "    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "    pcmpeqb \\i*16(%rdi), %xmm\\i\n"
    "    pmovmskb %xmm\\i, %eax\n"
    "    cmpl $0xffff, %eax\n"
    "    movl $(\\i+1), %eax\n"
    "    jne 9f\n"
    "    .endr\n"
    "    xorl %eax, %eax\n"
    "9:  ret\n"
    "    .size fpu_hold, . - fpu_hold\n");
struct turns {
    volatile int last;              /* offset 0: the thread that last started a hold */
    volatile int done;              /* offset 4: threads that finished their holds, all rounds */
};
int fpu_hold(const struct fpu_pattern *p, struct turns *t, int me, int preempt, int done_goal);

static struct turns turns;
static barrier_t barrier;
static int ncpus, rounds;

__attribute__((noinline)) static void make_pattern(struct fpu_pattern *p, int me, int round, int hold)
{
    uint64_t tag = ((uint64_t)me << 32) | ((uint64_t)round << 16) | (uint64_t)hold;
    for (uint64_t r = 0; r < 16; r++) {
        p->xmm[r][0] = (MARK << 48) | (r << 40) | tag;
        p->xmm[r][1] = (MARK << 48) | (1ull << 47) | (r << 40) | tag;
    }
    /* A normal double (exponent 0x400): x87 loads and stores it exactly. */
    p->x87 = 0x4000000000000000ull | tag;
    /* Default MXCSR with the rounding mode (bits 13-14) and flush-to-zero
       (bit 15) varied: valid bits only (Intel SDM vol. 1, 10.2.3). */
    p->mxcsr = 0x1F80u | ((uint32_t)(me + round + hold) & 3u) << 13 | ((uint32_t)hold & 1u) << 15;
}

/* A hold without the FPU: give the CPU away the same two ways. */
static void integer_hold(int me, int preempt, int done_goal)
{
    turns.last = me;
    if (!preempt)
        sys_yield();
    else
        while (turns.last == me && turns.done < done_goal)
            __asm__ volatile("pause");
}

/* The NEVER thread's registers, as fxsave writes them: its first FPU
   instruction in the round, so the kernel loads its own state first. */
__attribute__((noinline)) static void save_registers(uint8_t *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

/* For the NEVER thread: its registers must not hold any other thread's
   values. Its code is kept apart from make_pattern's: the compiler may
   keep the pattern's constants in XMM registers of whoever runs it. */
__attribute__((noinline)) static void check_not_leaked(int me, int round)
{
    static uint8_t area[512] __attribute__((aligned(16)));
    save_registers(area);
    for (int r = 0; r < 16; r++) {
        uint64_t q[2];
        memcpy(q, &area[160 + 16 * r], sizeof q);    /* XMM r (Intel SDM vol. 1, table 10-2) */
        for (int k = 0; k < 2; k++)
            UT_CHECK_MSG(q[k] >> 48 != MARK, "thread %d round %d: xmm%d holds 0x%lx, a value of thread %d",
                         me, round, r, (unsigned long)q[k], (int)((q[k] >> 32) & 0xff));
    }
}

/* The NEVER thread: the same turns, integer holds only. */
__attribute__((noinline)) static void never_run(int me)
{
    for (int round = 0; round < rounds; round++) {
        int cpu = round % ncpus;
        UT_CHECK_EQ(sys_set_affinity(0, 1ull << cpu), 0);
        barrier_wait(&barrier);
        int done_goal = round * NTHREADS + NTHREADS - 1;
        for (int hold = 0; hold < HOLDS; hold++)
            integer_hold(me, hold % PREEMPT_EVERY == PREEMPT_EVERY - 1, done_goal);
        __atomic_fetch_add(&turns.done, 1, __ATOMIC_SEQ_CST);
        check_not_leaked(me, round);
        barrier_wait(&barrier);
    }
}

static void *run(void *arg)
{
    int me = (int)(intptr_t)arg;
    if (kinds[me] == NEVER) {
        never_run(me);
        return NULL;
    }
    struct fpu_pattern p;
    int preempted = 0;
    for (int round = 0; round < rounds; round++) {
        int cpu = round % ncpus;
        UT_CHECK_EQ(sys_set_affinity(0, 1ull << cpu), 0);
        barrier_wait(&barrier);         /* all on this round's CPU */
        /* A preemption wait also ends when the others have all finished
           the round: then nobody else will run before the barrier. */
        int done_goal = round * NTHREADS + NTHREADS - 1;
        for (int hold = 0; hold < HOLDS; hold++) {
            int preempt = hold % PREEMPT_EVERY == PREEMPT_EVERY - 1;
            bool fpu = kinds[me] == ALWAYS || hold % 3 == 0;
            if (!fpu) {
                integer_hold(me, preempt, done_goal);
                continue;
            }
            make_pattern(&p, me, round, hold);
            int bad = fpu_hold(&p, &turns, me, preempt, done_goal);
            char reg[8];
            snprintf(reg, sizeof reg, bad <= 16 ? "xmm%d" : bad == 17 ? "st0" : "mxcsr", bad - 1);
            UT_CHECK_MSG(bad == 0, "thread %d round %d hold %d (%s): %s lost its value", me, round, hold,
                         preempt ? "preempted" : "yielded", reg);
            if (preempt && turns.last != me)
                preempted++;            /* another thread ran while we held */
            UT_CHECK_EQ(sys_getcpu(), cpu);
        }
        __atomic_fetch_add(&turns.done, 1, __ATOMIC_SEQ_CST);
        barrier_wait(&barrier);         /* nobody leaves while others still hold */
    }
    /* The waits for a preemption must mostly have ended in one (the rest
       ended because everybody else had finished the round). */
    UT_CHECK_MSG(preempted >= rounds, "thread %d: only %d holds were preempted", me, preempted);
    return NULL;
}

int main(void)
{
    ncpus = ut_online_cpus();
    /* At least 4 rounds: the ALWAYS threads then use the FPU in over 256
       slices in a row, so that their streak counter wraps. */
    rounds = ncpus < 2 ? 4 : 2 * ncpus;
    barrier_init(&barrier, NTHREADS);
    ut_run_threads(NTHREADS, run);
    printf("fpu: %d threads, %d rounds x %d holds on %d CPU%s, registers intact\n", NTHREADS, rounds,
           HOLDS, ncpus, ncpus == 1 ? "" : "s");
    printf("PASS\n");
    return 0;
}
