/* CPU exceptions: name the exception, say whether it came from kernel or
   user mode, decode what the CPU tells about it (error code, CR2), and panic. */
#include "arch/x86_64/exceptions.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/uaccess.h"
#include "lib/abi.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/fpu.h"
#include "kernel/panic.h"
#include "lib/format.h"
#include <stdbool.h>

/* Mnemonics and names: Intel SDM vol. 3A, table 6-1 (and AMD APM vol. 2,
   8.2, for #VC and #SX, which Intel lists as reserved). */
static const struct {
    const char *mnemonic;
    const char *name;
} exceptions[EXCEPTION_VECTORS] = {
    [0] = { "#DE", "divide error" },
    [1] = { "#DB", "debug" },
    [2] = { "NMI", "non-maskable interrupt" },
    [3] = { "#BP", "breakpoint" },
    [4] = { "#OF", "overflow" },
    [5] = { "#BR", "bound range exceeded" },
    [6] = { "#UD", "invalid opcode" },
    [7] = { "#NM", "device not available" },
    [8] = { "#DF", "double fault" },
    [9] = { "#9", "coprocessor segment overrun" },
    [10] = { "#TS", "invalid TSS" },
    [11] = { "#NP", "segment not present" },
    [12] = { "#SS", "stack-segment fault" },
    [13] = { "#GP", "general protection fault" },
    [14] = { "#PF", "page fault" },
    [16] = { "#MF", "x87 floating-point error" },
    [17] = { "#AC", "alignment check" },
    [18] = { "#MC", "machine check" },
    [19] = { "#XM", "SIMD floating-point exception" },
    [20] = { "#VE", "virtualization exception" },
    [21] = { "#CP", "control protection exception" },
    [28] = { "#HV", "hypervisor injection exception" },
    [29] = { "#VC", "VMM communication exception" },
    [30] = { "#SX", "security exception" },
};

const char *exception_mnemonic(uint64_t vector)
{
    if (vector < EXCEPTION_VECTORS && exceptions[vector].mnemonic)
        return exceptions[vector].mnemonic;
    return "#??";
}

const char *exception_name(uint64_t vector)
{
    if (vector < EXCEPTION_VECTORS && exceptions[vector].name)
        return exceptions[vector].name;
    return "reserved exception";
}

/* Page-fault error code bits (SDM vol. 3A, 4.7, figure 4-12). */
#define PF_PRESENT     (1u << 0)    /* 0: page not present; 1: protection violation */
#define PF_WRITE       (1u << 1)
#define PF_USER        (1u << 2)
#define PF_RESERVED    (1u << 3)    /* a reserved bit was set in a paging entry */
#define PF_INSTRUCTION (1u << 4)    /* instruction fetch (with NX) */
#define PF_PROT_KEY    (1u << 5)
#define PF_SHADOW_STACK (1u << 6)

/* Writes a short reading of a #PF error code, e.g. "write, not present". */
static void page_fault_decode(uint64_t error, char *buf, size_t size)
{
    const char *access = (error & PF_INSTRUCTION) ? "instruction fetch"
                         : (error & PF_WRITE)     ? "write" : "read";
    sformat(buf, size, "%s, %s%s%s%s%s", access,
            (error & PF_PRESENT) ? "protection violation" : "not present",
            (error & PF_USER) ? ", user access" : "",
            (error & PF_RESERVED) ? ", reserved bit set" : "",
            (error & PF_PROT_KEY) ? ", protection key" : "",
            (error & PF_SHADOW_STACK) ? ", shadow stack" : "");
}

/* True if this code runs on CPU c's IST stack ist. */
static bool running_on_ist(struct cpu *c, int ist)
{
    uint64_t rsp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
    uint64_t top = gdt_ist_stack_top(c, ist);
    return rsp < top && rsp >= top - GDT_IST_STACK_SIZE;
}

/* The exit status a Unix shell would show for a process killed by this
   exception: 128 + SIGILL, SIGFPE or SIGSEGV. */
static int killed_status(uint64_t vector)
{
    switch (vector) {
    case EXC_INVALID_OPCODE:
        return EXIT_KILLED_ILL;
    case EXC_DIVIDE_ERROR:
    case EXC_X87_FP:
    case EXC_SIMD_FP:
        return EXIT_KILLED_FPE;
    default:
        return EXIT_KILLED_SEGV;
    }
}

static __attribute__((noreturn)) void kill_for_user_fault(struct trap_frame *tf, uint64_t cr2)
{
    char what[160];
    uint64_t vector = tf->vector;
    if (vector == EXC_PAGE_FAULT) {
        char decoded[96];
        page_fault_decode(tf->error_code & ~(uint64_t)PF_USER, decoded, sizeof decoded);
        sformat(what, sizeof what, "%s at 0x%lx (%s) rip=0x%lx", exception_name(vector), cr2,
                decoded, tf->rip);
    } else if (tf->error_code) {
        sformat(what, sizeof what, "%s (error 0x%lx) rip=0x%lx", exception_name(vector),
                tf->error_code, tf->rip);
    } else {
        sformat(what, sizeof what, "%s rip=0x%lx", exception_name(vector), tf->rip);
    }
    sti();
    process_kill_for_fault(what, killed_status(vector));
}

void exception_handle(struct trap_frame *tf)
{
    /* CR2 first: it holds the faulting address only until the next #PF. */
    uint64_t cr2 = read_cr2();
    /* SMP: an NMI sent by a panicking CPU (smp_halt_others): stop this
       CPU for good instead of reporting an NMI. */
    if (tf->vector == EXC_NMI && smp_halt_requested())
        smp_halt_this_cpu();
    uint64_t vector = tf->vector;
    bool user = (tf->cs & 3) == 3;

    if (user && vector == EXC_DEVICE_NOT_AVAILABLE) {
        fpu_trap();                     /* the thread's first FPU use since it got the CPU */
        return;
    }
    if (user && vector != EXC_NMI && vector != EXC_DOUBLE_FAULT && vector != EXC_MACHINE_CHECK) {
        /* A fault in user mode is the program's bug, not the kernel's: the
           process dies with one line saying why, and everything else goes on. */
        kill_for_user_fault(tf, cr2);
    }
    if (!user && vector == EXC_PAGE_FAULT && uaccess_fixup(tf))
        return;                         /* a bad user pointer: -EFAULT */
    const char *mode = user ? "user" : "kernel";

    /* A kernel stack overflow runs into the unmapped guard page below the
       stack: a #PF at a guard address, or -- when the CPU cannot even push
       the #PF frame on the full stack -- a #DF with rsp down there. */
    if (!user && (vector == EXC_PAGE_FAULT || vector == EXC_DOUBLE_FAULT)) {
        struct thread *t = thread_stack_overflowed(vector == EXC_PAGE_FAULT ? cr2 : tf->rsp);
        if (t)
            panic_frame(tf, "kernel stack overflow in thread '%s' (tid %d): %s %s, rsp=0x%lx cr2=0x%lx",
                        t->name, t->tid, exception_mnemonic(vector), exception_name(vector),
                        tf->rsp, cr2);
    }

    if (vector == EXC_PAGE_FAULT) {
        char decoded[96];
        page_fault_decode(tf->error_code, decoded, sizeof decoded);
        panic_frame(tf, "%s %s in %s mode, error 0x%lx, cr2=0x%lx (%s)", exception_mnemonic(vector),
                    exception_name(vector), mode, tf->error_code, cr2, decoded);
    }
    if (vector == EXC_DEVICE_NOT_AVAILABLE)
        panic_frame(tf, "%s %s in kernel mode: the kernel used an FPU/SSE instruction "
                    "(it is built without them; user state may be in the registers)",
                    exception_mnemonic(vector), exception_name(vector));
    if (vector == EXC_DOUBLE_FAULT) {
        /* The saved rip of a double fault is undefined (SDM vol. 3A, 6.15,
           interrupt 8); under QEMU and most CPUs it is the instruction whose
           fault could not be delivered. Say which stack we are on: a double
           fault from a stack overflow only gets here on its own IST stack. */
        panic_frame(tf, "%s %s in %s mode, error 0x%lx (%s)", exception_mnemonic(vector),
                    exception_name(vector), mode, tf->error_code,
                    running_on_ist(this_cpu(), IST_DOUBLE_FAULT) ? "running on IST stack 1"
                                                                 : "NOT on its IST stack");
    }
    panic_frame(tf, "%s %s in %s mode, error 0x%lx", exception_mnemonic(vector),
                exception_name(vector), mode, tf->error_code);
}
