/* Register dumps and frame-pointer backtraces for panics. Every function is
   compiled with a frame pointer, so [rbp] is the caller's rbp and [rbp+8] the return address. */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/paging.h"
#include "kernel/printk.h"
#include "kernel/ksyms.h"

#define BACKTRACE_MAX 32

__attribute__((noinline)) void regs_capture(struct trap_frame *tf)
{
    __asm__ volatile(
        "mov %%r15, 0(%0);  mov %%r14, 8(%0);   mov %%r13, 16(%0); mov %%r12, 24(%0)\n"
        "mov %%r11, 32(%0); mov %%r10, 40(%0);  mov %%r9, 48(%0);  mov %%r8, 56(%0)\n"
        "mov %%rbp, 64(%0); mov %%rdi, 72(%0);  mov %%rsi, 80(%0); mov %%rdx, 88(%0)\n"
        "mov %%rcx, 96(%0); mov %%rbx, 104(%0); mov %%rax, 112(%0)\n"
        : : "r"(tf) : "memory");
    tf->vector = 0;
    tf->error_code = 0;
    /* rip and rsp as the caller sees them: just after its call instruction. */
    tf->rip = (uint64_t)__builtin_return_address(0);
    tf->rsp = (uint64_t)__builtin_frame_address(0) + 16;
    tf->rbp = *(uint64_t *)__builtin_frame_address(0);
    tf->rflags = read_rflags();
    uint16_t cs, ss;
    __asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
    tf->cs = cs;
    tf->ss = ss;
}

void regs_print(const struct trap_frame *tf)
{
    printk("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
    printk("  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->rsp);
    printk("  r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
    printk("  r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n", tf->r12, tf->r13, tf->r14, tf->r15);
    printk("  rip=%016lx cs=%04lx rflags=%016lx ss=%04lx\n", tf->rip, tf->cs, tf->rflags, tf->ss);
    printk("  cr0=%016lx cr2=%016lx cr3=%016lx cr4=%016lx\n", read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static void print_frame(int depth, uint64_t pc)
{
    uint64_t off;
    const char *name = ksym_lookup(pc, &off);
    if (name)
        printk("backtrace: #%d %s+0x%lx [%016lx]\n", depth, name, off, pc);
    else
        printk("backtrace: #%d ?? [%016lx]\n", depth, pc);
}

/* A frame pointer we are willing to dereference: 8-aligned and inside the
   kernel's image, the direct map or the area of kernel stacks (vmap), where
   a wild value cannot point into user memory or a device. */
static int plausible_frame(uint64_t rbp)
{
    if (rbp & 7)
        return 0;
    if (rbp >= KERNEL_VMA)
        return rbp < (uint64_t)-16;
    if (rbp >= KERNEL_VMAP_BASE && rbp < KERNEL_VMAP_BASE + KERNEL_VMAP_SIZE) {
        /* Stacks there have unmapped guard pages: look before touching,
           without the page-table lock, which the panicking code may hold. */
        uint64_t pa;
        unsigned flags;
        return paging_query_unlocked(paging_kernel_root(), rbp & ~(PAGE_SIZE - 1), &pa, &flags) &&
               paging_query_unlocked(paging_kernel_root(), (rbp + 8) & ~(PAGE_SIZE - 1), &pa, &flags);
    }
    return rbp >= PHYS_MAP_BASE && rbp < PHYS_MAP_BASE + BOOT_DIRECT_MAP_SIZE * 64;
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
    int depth = 0;
    print_frame(depth++, rip);
    while (depth < BACKTRACE_MAX && plausible_frame(rbp)) {
        uint64_t *frame = (uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (!ret)
            break;
        /* A return address points after the call; the call is one byte earlier
           at least, which keeps the symbol right for calls ending a function. */
        print_frame(depth++, ret - 1);
        if (frame[0] <= rbp)            /* stacks grow down: callers live higher */
            break;
        rbp = frame[0];
    }
}
