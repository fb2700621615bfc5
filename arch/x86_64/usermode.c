/* Ring 3: building the interrupt frame that takes a new thread to user mode,
   and setting up the syscall instruction (Intel SDM vol. 2B, SYSCALL/SYSRET). */
#include "arch/x86_64/usermode.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/x86.h"
#include "lib/string.h"

#define RFLAGS_RESERVED (1u << 1)   /* bit 1 always reads as 1 */
#define RFLAGS_TF (1u << 8)
#define RFLAGS_DF (1u << 10)
#define RFLAGS_AC (1u << 18)

extern void syscall_entry(void);

void usermode_enter(uint64_t entry, uint64_t arg, uint64_t stack)
{
    /* The frame can live anywhere on this stack: once iretq has run, the
       CPU enters the kernel again at TSS.rsp0, the top of the stack. */
    struct trap_frame tf;
    memset(&tf, 0, sizeof tf);
    tf.rip = entry;
    tf.cs = GDT_USER_CODE;
    tf.rflags = RFLAGS_IF | RFLAGS_RESERVED;
    tf.rsp = stack;
    tf.ss = GDT_USER_DATA;
    tf.rdi = arg;
    cli();
    __asm__ volatile("movq %0, %%rsp\n\tjmp trap_return" : : "r"(&tf) : "memory");
    __builtin_unreachable();
}

void syscall_init_cpu(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* STAR[47:32]: kernel CS (SS = CS + 8). STAR[63:48]: a base from which
       sysret takes user SS = base + 8 and user CS = base + 16, so base is
       the selector just below user data (gdt.h: user data, then user code). */
    uint64_t user_base = (GDT_USER_DATA & ~3ull) - 8;
    wrmsr(MSR_STAR, ((uint64_t)GDT_KERNEL_CODE << 32) | (user_base << 48));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* Flags cleared on entry: interrupts stay off until the kernel stack
       is set up; no single-step, no string-direction or alignment surprises. */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
}
