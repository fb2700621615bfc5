/* The first code that runs: the multiboot header, the 32-bit entry, the
   switch to long mode and the jump into the higher-half kernel (kmain). */
#include "arch/x86_64/memlayout.h"
#include "kernel/power.h"

/* Multiboot 1 specification, section 3.1.1: header magic and flags.
   bit 0: align modules on pages; bit 1: give us the memory map;
   bit 16: the address fields below are valid. QEMU's -kernel refuses an
   ELF64 image unless bit 16 is set, and GRUB then loads by these fields. */
#define MB_MAGIC      0x1BADB002
#define MB_FLAGS      ((1 << 0) | (1 << 1) | (1 << 16))
#define MB_BOOT_MAGIC 0x2BADB002   /* what the loader leaves in %eax */

#define COM1          0x3F8
#define DEBUG_EXIT    0xF4          /* QEMU isa-debug-exit port */

#define EFER_MSR      0xC0000080
#define EFER_LME      (1 << 8)
#define CR0_PG        (1 << 31)
#define CR0_WP        (1 << 16)
#define CR4_PAE       (1 << 5)
/* Page-table entry bits (Intel SDM vol. 3A, 4.5): present, writable, 2 MiB page. */
#define PTE_P         0x1
#define PTE_W         0x2
#define PTE_PS        0x80
#define PTE_PWT       0x8
#define PTE_PCD       0x10

        .section .boot.header, "a"
        .align 4
mb_header:
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)
        .long mb_header          /* header_addr */
        .long _load_start_phys   /* load_addr: first byte of the image */
        .long _load_end_phys     /* load_end_addr: end of .data */
        .long _bss_end_phys      /* bss_end_addr: the loader zeroes up to here */
        .long _start32           /* entry_addr */

        .section .boot.text, "ax"
        .code32
        .global _start32
_start32:
        cli
        cld
        mov     $boot32_stack_top, %esp
        mov     %eax, %edi              /* keep magic and info pointer: they   */
        mov     %ebx, %esi              /* become kmain's two arguments (SysV) */

        cmp     $MB_BOOT_MAGIC, %eax
        jne     .Lno_multiboot

        /* CPUID is present if EFLAGS.ID (bit 21) can be toggled. */
        pushfl
        pop     %eax
        mov     %eax, %ecx
        xor     $(1 << 21), %eax
        push    %eax
        popfl
        pushfl
        pop     %eax
        push    %ecx
        popfl
        cmp     %eax, %ecx
        je      .Lno_long_mode

        /* Long mode: CPUID 0x80000001, EDX bit 29 (Intel SDM vol. 2A, CPUID). */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      .Lno_long_mode
        mov     $0x80000001, %eax
        cpuid
        test    $(1 << 29), %edx
        jz      .Lno_long_mode

        /* Enter long mode (Intel SDM vol. 3A, 9.8.5): PAE, CR3, EFER.LME, paging. */
        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $boot_pml4, %eax
        mov     %eax, %cr3
        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     %cr0, %eax
        or      $(CR0_PG | CR0_WP), %eax
        mov     %eax, %cr0
        lgdt    boot_gdt_ptr
        ljmp    $0x08, $start64

.Lno_multiboot:
        mov     $msg_no_multiboot, %ebx
        jmp     .Lfail
.Lno_long_mode:
        mov     $msg_no_long_mode, %ebx
.Lfail:
        /* Poll the 16550 line-status register (THR empty, bit 5) and send
           each byte; the UART needs no set-up to transmit under QEMU/BIOS. */
1:      movb    (%ebx), %al
        test    %al, %al
        jz      2f
        mov     %al, %ah
        mov     $(COM1 + 5), %dx
3:      inb     %dx, %al
        test    $0x20, %al
        jz      3b
        mov     $COM1, %dx
        mov     %ah, %al
        outb    %al, %dx
        inc     %ebx
        jmp     1b
2:      mov     $(POWEROFF_EARLY_FAIL + 1), %eax /* under QEMU: power off (see power.h) */
        mov     $DEBUG_EXIT, %dx
        outl    %eax, %dx
4:      hlt                             /* elsewhere: stop here for good */
        jmp     4b

        .code64
start64:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        xor     %ax, %ax
        mov     %ax, %fs
        mov     %ax, %gs
        movabs  $high64, %rax
        jmp     *%rax

        .section .boot.rodata, "a"
msg_no_multiboot:
        .asciz  "spindle: not started by a multiboot loader (bad magic in eax); halting.\r\n"
msg_no_long_mode:
        .asciz  "spindle: this CPU has no 64-bit long mode (CPUID 0x80000001 EDX bit 29); halting.\r\n"

        .align 8
boot_gdt:
        .quad   0                       /* null */
        .quad   0x00AF9A000000FFFF      /* 0x08: 64-bit code, DPL 0 (L=1, D=0) */
        .quad   0x00CF92000000FFFF      /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
        .word   boot_gdt_end - boot_gdt - 1
        .long   boot_gdt

/* Boot page tables, filled in by the assembler so no code has to build
   them: the first 4 GiB of physical memory mapped with 2 MiB pages, seen
   three ways: identity (for the instant after paging is turned on),
   at PHYS_MAP_BASE (the direct map) and the first 1 GiB at KERNEL_VMA. */
        .section .boot.data, "aw", @progbits
        .align 4096
        .global boot_pml4
boot_pml4:
        .quad   boot_pdpt_low + PTE_P + PTE_W           /* [0]   identity */
        .fill   255, 8, 0
        .quad   boot_pdpt_low + PTE_P + PTE_W           /* [256] direct map */
        .fill   254, 8, 0
        .quad   boot_pdpt_high + PTE_P + PTE_W          /* [511] kernel */
boot_pdpt_low:
        .quad   boot_pd + PTE_P + PTE_W
        .quad   boot_pd + 0x1000 + PTE_P + PTE_W
        .quad   boot_pd + 0x2000 + PTE_P + PTE_W
        .quad   boot_pd + 0x3000 + PTE_P + PTE_W
        .fill   508, 8, 0
boot_pdpt_high:
        .fill   510, 8, 0
        .quad   boot_pd + PTE_P + PTE_W                 /* [510] = -2 GiB */
        .quad   0
boot_pd:
        .set    i, 0
        .rept   1536                    /* 0-3 GiB: RAM, write-back */
        .quad   (i << 21) + PTE_P + PTE_W + PTE_PS
        .set    i, i + 1
        .endr
        .rept   512                     /* 3-4 GiB: MMIO (APICs), uncached */
        .quad   (i << 21) + PTE_P + PTE_W + PTE_PS + PTE_PCD + PTE_PWT
        .set    i, i + 1
        .endr
        .space  256                     /* the 32-bit code's small stack */
boot32_stack_top:

/* From here on we run at the kernel's linked (higher-half) address. */
        .section .text
        .code64
high64:
        mov     %edi, %r12d             /* zero-extends: multiboot magic */
        mov     %esi, %r13d             /* multiboot info, physical */
        /* Clear the BSS ourselves rather than trust every loader to. */
        movabs  $__bss_start, %rdi
        movabs  $__bss_end, %rcx
        sub     %rdi, %rcx
        xor     %eax, %eax
        rep stosb
        movabs  $boot_stack_top, %rsp
        xor     %ebp, %ebp              /* ends the frame-pointer chain */
        mov     %r12, %rdi
        mov     %r13, %rsi
        call    kmain
1:      cli
        hlt
        jmp     1b

        .section .bss
        .align  4096
        .global boot_stack, boot_stack_top
boot_stack:
        .space  16384                   /* CPU 0's first kernel stack */
boot_stack_top:
