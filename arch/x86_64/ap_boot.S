/* The application processors' start-up trampoline: real mode -> protected
   mode -> long mode on boot_pml4, then a jump to the higher-half kernel. */
#include "arch/x86_64/smp.h"

/* smp.c copies the bytes from ap_trampoline_start to ap_trampoline_end to
   physical AP_TRAMPOLINE_PHYS and sends start-up IPIs with vector
   AP_TRAMPOLINE_PHYS >> 12: the AP begins in real mode with CS = 0x0800,
   IP = 0 (Intel SDM vol. 3A, 9.4.4 "MP Initialization Example"; 8.4.4 in
   older editions), its registers as after INIT (10.1.1, table 10-1; 9.1.1
   in older editions): real mode, no paging, interrupts off.
   The code runs at that copy, not where it is linked, so every address it
   uses inside itself is computed with TRAMP(). The copy sits in the first
   MiB, which boot_pml4 identity-maps. */
#define TRAMP(sym)      ((sym) - ap_trampoline_start + AP_TRAMPOLINE_PHYS)
#define PARAMS          (AP_TRAMPOLINE_PHYS + AP_PARAMS_OFFSET)

/* The same switches as boot/boot.S (SDM vol. 3A, "Initializing IA-32e
   Mode": 10.8.5, 9.8.5 in older editions). */
#define CR0_PE          (1 << 0)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_EFER        0xC0000080
#define EFER_LME        (1 << 8)

/* Selectors of the trampoline's own GDT (below). */
#define TRAMP_CODE32    0x08
#define TRAMP_DATA      0x10
#define TRAMP_CODE64    0x18

        .section .rodata
        .balign 16
        .global ap_trampoline_start, ap_trampoline_end

        .code16
ap_trampoline_start:
        cli
        cld
        /* DS = 0, so that the 16-bit offsets TRAMP() gives (0x8000 +
           something below 4 KiB) are physical addresses. */
        xorw    %ax, %ax
        movw    %ax, %ds
        /* lgdtl: the 32-bit form, so all 32 bits of the base are loaded. */
        lgdtl   TRAMP(ap_gdt_pointer)
        movl    %cr0, %eax
        orl     $CR0_PE, %eax
        movl    %eax, %cr0
        /* A far jump loads CS from the new GDT: from here, 32-bit code. */
        ljmpl   $TRAMP_CODE32, $TRAMP(ap_protected_mode)

        .code32
ap_protected_mode:
        movw    $TRAMP_DATA, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        /* Long mode, as the boot CPU entered it: PAE, CR3 = boot_pml4 (in
           .boot.data, linked at its physical address below 4 GiB, so its
           symbol is the value CR3 wants), EFER.LME, then paging. */
        movl    %cr4, %eax
        orl     $CR4_PAE, %eax
        movl    %eax, %cr4
        movl    $boot_pml4, %eax
        movl    %eax, %cr3
        movl    $MSR_EFER, %ecx
        rdmsr
        orl     $EFER_LME, %eax
        wrmsr
        movl    %cr0, %eax
        orl     $(CR0_PG | CR0_WP), %eax
        movl    %eax, %cr0
        /* Paging is on and EFER.LMA set; a far jump to a 64-bit code
           segment leaves compatibility mode for 64-bit mode. */
        ljmpl   $TRAMP_CODE64, $TRAMP(ap_long_mode)

        .code64
ap_long_mode:
        /* Tell the boot CPU how far we got (for its message if we never
           reach the kernel), then jump to the kernel's linked address. */
        movl    $1, PARAMS + AP_PARAM_LONG_MODE
        movabsq $ap_entry64, %rax
        jmpq    *%rax

        /* The trampoline's GDT (descriptors as in boot/boot.S and gdt.c;
           SDM vol. 3A, 3.4.5): 32-bit flat code (D = 1), flat data, and
           64-bit code (L = 1). Used only until gdt_init_cpu loads the CPU's own. */
        .balign 8
ap_gdt:
        .quad   0
        .quad   0x00CF9A000000FFFF      /* 0x08: 32-bit code, DPL 0, 4 GiB */
        .quad   0x00CF92000000FFFF      /* 0x10: data, DPL 0, 4 GiB */
        .quad   0x00AF9A000000FFFF      /* 0x18: 64-bit code, DPL 0 */
ap_gdt_end:
ap_gdt_pointer:
        .word   ap_gdt_end - ap_gdt - 1
        .long   TRAMP(ap_gdt)
ap_trampoline_end:

/* The AP's first code at the kernel's own address, still on boot_pml4,
   which maps the kernel image (1 GiB at KERNEL_VMA) and the trampoline page
   (identity) but not the vmap window where this CPU's first stack is. So,
   before touching any stack: read the parameter block through the identity
   map, set EFER.NXE if the boot CPU uses NX (the kernel's tables have NX
   bits, reserved bits without it), and load the kernel's tables. Only then
   the stack, and C. paging_init_cpu() repeats the last two steps on the C
   side; doing them twice costs one TLB flush. */
        .section .text
        .code64
        .global ap_entry64
ap_entry64:
        movl    $PARAMS, %ebx
        movl    $MSR_EFER, %ecx
        rdmsr
        orl     AP_PARAM_EFER_SET(%rbx), %eax
        orl     AP_PARAM_EFER_SET + 4(%rbx), %edx
        wrmsr
        movq    AP_PARAM_CR3(%rbx), %rax
        movq    AP_PARAM_STACK_TOP(%rbx), %rsp
        movl    AP_PARAM_CPU_INDEX(%rbx), %edi
        movl    AP_PARAM_APIC_ID(%rbx), %esi
        movq    %rax, %cr3              /* the trampoline page is unmapped from here */
        xorl    %ebp, %ebp              /* ends the frame-pointer chain (backtraces) */
        /* The stack top is 16-byte aligned; the call's return address makes
           %rsp + 8 aligned at the callee's entry, as the ABI wants. */
        call    smp_ap_main
1:      cli                             /* smp_ap_main never returns */
        hlt
        jmp     1b
