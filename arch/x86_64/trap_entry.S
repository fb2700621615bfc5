/* The entry and exit of every interrupt and exception: 256 small stubs that
   push the vector (and a 0 error code where the CPU pushes none), then one
   common path that builds a struct trap_frame, calls trap_dispatch and irets. */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/trap_regs.h"

/* Vectors for which the CPU pushes an error code (Intel SDM vol. 3A,
   table 6-1): #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17,
   #CP 21, #VC 29, #SX 30. Every other vector gets a 0 pushed in its place,
   so that the frame has the same layout for all of them. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

/* Vectors that run on an IST stack (see idt.c): NMI 2, #DF 8, #MC 18. They
   can interrupt the kernel between an entry's first instruction and its
   swapgs, where CS already says "kernel" but GS is still the user's, so
   they decide by the GS base itself (the "paranoid" entry below). */
#define IS_PARANOID(v)    ((v) == 2 || (v) == 8 || (v) == 18)

#define MSR_GS_BASE  0xC0000101   /* Intel SDM vol. 4, table 2-2 */
#define STUB_SIZE    16           /* bytes per stub: idt.c relies on it */


/* Calls trap_dispatch(frame at %rsp). Before the call it pushes a fake
   stack frame (the interrupted rip as a return address and the interrupted
   rbp) so that a backtrace taken inside a handler walks on into the
   interrupted function. The two pushes keep %rsp 16-byte aligned: the CPU
   aligned it before pushing its part of the frame (SDM vol. 3A, 6.14.2)
   and the frame is TF_SIZE bytes, a multiple of 16. */
.macro CALL_DISPATCH
        cld                             /* the C ABI wants DF clear */
        movq    %rsp, %rdi
        pushq   TF_RIP(%rdi)
        pushq   %rbp
        movq    %rsp, %rbp
        call    trap_dispatch
        addq    $16, %rsp
.endm

        .section .text
        .code64

/* The stubs, one per vector, each STUB_SIZE bytes long: IDT entry v points
   at trap_stubs + v * STUB_SIZE. The .org after each stub stops the
   assembly with an error if a stub ever grows past its slot. */
        .balign STUB_SIZE
        .global trap_stubs
trap_stubs:
        .set    vec, 0
        .rept   256
        .if     !HAS_ERROR_CODE(vec)
        pushq   $0                      /* error code: keep the layout */
        .endif
        pushq   $vec
        .if     IS_PARANOID(vec)
        jmp     trap_common_paranoid
        .else
        jmp     trap_common
        .endif
        .org    trap_stubs + (vec + 1) * STUB_SIZE, 0xcc
        .set    vec, vec + 1
        .endr

/* The common path. On entry: %rsp -> vector, error code, then the CPU's
   rip, cs, rflags, rsp, ss. An entry from ring 3 (RPL of the saved CS)
   still has the user's GS base: swapgs makes %gs:0 this CPU's struct cpu. */
trap_common:
        testb   $3, 24(%rsp)            /* saved CS: vector, error, rip, cs */
        jz      1f
        swapgs
1:      PUSH_REGS
        CALL_DISPATCH

/* The one way back: %rsp points at a struct trap_frame. Code that builds a
   frame by hand (a new thread's first return, the first entry to user
   mode) jumps here with interrupts off. */
        .global trap_return
trap_return:
        POP_REGS
        testb   $3, 24(%rsp)            /* returning to ring 3? */
        jz      2f
        swapgs
2:      addq    $16, %rsp               /* drop vector and error code */
        iretq

/* NMI, double fault and machine check: the GS base, not CS, says whether
   to swapgs. A kernel GS base is a higher-half address (negative as a
   signed number); anything else is the user's. %r12 remembers the choice
   across the C call (callee-saved; its own value is already in the frame). */
trap_common_paranoid:
        PUSH_REGS
        movl    $MSR_GS_BASE, %ecx
        rdmsr
        xorl    %r12d, %r12d
        testl   %edx, %edx
        js      1f
        swapgs
        movl    $1, %r12d
1:      CALL_DISPATCH
        testl   %r12d, %r12d
        jz      2f
        swapgs
2:      POP_REGS
        addq    $16, %rsp
        iretq
