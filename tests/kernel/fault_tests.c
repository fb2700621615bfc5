/* Tests of the exception path: each test faults on purpose inside its own
   function and must panic with the exception's name, mode and details. The
   runner also checks that the panic's backtrace names the test function. */
#include "kernel/ktest.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/x86.h"
#include <stdint.h>

/* Canonical, lower half, and unmapped in the boot page tables (which map
   only 0-4 GiB there) and in the kernel's own tables (user space is empty). */
#define UNMAPPED_ADDR 0x0000700000000000ull
/* Bits 63-47 not all equal: any access is a #GP, not a #PF (SDM vol. 3A, 3.3.7.1). */
#define NONCANONICAL_ADDR 0x8000000000000000ull

KTEST(test_fault_divide, "fault-divide",
      .expect_panic = "PANIC: #DE divide error in kernel mode, error 0x0")
{
    uint64_t zero = 0;
    /* div by a register the compiler cannot see is zero. */
    __asm__ volatile("mov $1, %%eax; xor %%edx, %%edx; divq %0" : : "r"(zero) : "rax", "rdx");
}

KTEST(test_fault_pagefault, "fault-pagefault",
      .expect_panic = "PANIC: #PF page fault in kernel mode, error 0x2, cr2=0x700000000000 (write, not present)")
{
    __asm__ volatile("movq $0x5a, (%0)" : : "r"(UNMAPPED_ADDR) : "memory");
}

KTEST(test_fault_invalid_opcode, "fault-invalid-opcode",
      .expect_panic = "PANIC: #UD invalid opcode in kernel mode, error 0x0")
{
    __asm__ volatile("ud2");
}

KTEST(test_fault_gpf, "fault-gpf",
      .expect_panic = "PANIC: #GP general protection fault in kernel mode, error 0x0")
{
    uint64_t value;
    __asm__ volatile("movq (%1), %0" : "=r"(value) : "r"(NONCANONICAL_ADDR) : "memory");
}

/* A kernel stack overflow in miniature: %rsp points at unmapped memory and
   the next push faults. Delivering that #PF pushes onto the same unmapped
   stack and faults again, a page fault during a page fault: #DF (SDM vol.
   3A, table 6-5). Only because #DF switches to its IST stack can the
   handler run at all; without it the CPU would triple-fault and reset.
   The frame pointer is untouched, so the backtrace still starts in this
   function (QEMU saves the rip of the push that faulted) and walks on into
   its callers: no .panic_in needed. */
KTEST(test_fault_double, "fault-double",
      .expect_panic = "PANIC: #DF double fault in kernel mode, error 0x0 (running on IST stack 1)")
{
    __asm__ volatile("mov %0, %%rsp; pushq $0" : : "r"(UNMAPPED_ADDR + 0x1000) : "memory");
}

/* An NMI (sent by this CPU's local APIC to itself) arrives through the
   "paranoid" entry on IST stack 2, which must find the kernel GS base and
   leave it alone (or this_cpu() in the panic would read through a zero GS
   base). QEMU takes the NMI at the first block boundary after the ICR write
   that sends it, inside lapic_send_nmi; GCC gives that function no frame on
   its fast path (the push of %rbp is shrink-wrapped onto its panic path), so
   the walk from there goes to ktest_run and skips this function: hence
   .panic_in names the sender. */
KTEST(test_fault_nmi, "fault-nmi",
      .expect_panic = "PANIC: NMI non-maskable interrupt in kernel mode, error 0x0",
      .panic_in = "lapic_send_nmi")
{
    lapic_send_nmi(lapic_id());
    for (;;)
        cpu_relax();
}
