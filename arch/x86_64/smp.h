/* Multiprocessor bring-up: start every CPU the ACPI MADT lists (INIT-SIPI-SIPI
   through a real-mode trampoline), and stop them all when one panics. */
#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

/* The trampoline page (docs/smp.md has the picture). A start-up IPI makes
   a CPU start in real mode at a 4 KiB page below 1 MiB; pmm never hands
   out frames below 1 MiB, and 0x8000 is conventional memory that neither
   the BIOS data (0x400-0x4FF), the EBDA (just below 0xA0000) nor QEMU's
   multiboot information (0x9000) uses. Its SIPI vector is 0x08. */
#define AP_TRAMPOLINE_PHYS  0x8000
#define AP_TRAMPOLINE_SIZE  0x1000

/* The parameter block, at this offset in the trampoline page: written by
   the boot CPU before each start-up, read by the AP's assembly. */
#define AP_PARAMS_OFFSET    0xF00
#define AP_PARAM_STACK_TOP  0x00    /* u64: the AP's first kernel stack (top) */
#define AP_PARAM_CR3        0x08    /* u64: the kernel's page tables (paging_kernel_root) */
#define AP_PARAM_EFER_SET   0x10    /* u64: EFER bits to set before that CR3 (NXE) */
#define AP_PARAM_CPU_INDEX  0x18    /* u32: the struct cpu index it becomes */
#define AP_PARAM_APIC_ID    0x1C    /* u32: its local APIC ID */
#define AP_PARAM_LONG_MODE  0x20    /* u32: the AP sets it to 1 once in long mode */
#define AP_PARAMS_SIZE      0x24

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* Starts every other CPU the ACPI MADT lists, one at a time, and prints one
   line per CPU ("smp: cpu 1: apic 1 online") and the total; sets ncpus to
   the number online. A CPU that does not come online within
   SMP_START_TIMEOUT_MS is reported and skipped. Without a valid MADT only
   the boot CPU runs. Call once, on the boot CPU, from the first thread
   (thread_init and the scheduler are up), interrupts on. */
void smp_init(void);

#define SMP_START_TIMEOUT_MS 1000

/* Starts the CPU with local APIC ID apic_id as cpus[index] (index ==
   ncpus, the next free slot) and waits until it is online (then ncpus is
   one more) or SMP_START_TIMEOUT_MS have passed. Returns 0, -ETIMEDOUT (it
   did not come online; it is parked again with INIT and the slot stays
   free), -EINVAL (bad index, or apic_id is 0xFF, the broadcast ID, or a
   CPU's already), -ENOMEM (no stack). Used by smp_init and the tests;
   callers are serialised inside. */
int smp_start_cpu(int index, uint32_t apic_id);

/* --- stopping every CPU on a panic (kernel/panic.c) ---------------------- */

/* Called by the panicking CPU, interrupts off: sends an NMI to every other
   CPU that has been started and waits (at most 1 s in all) until each says
   it has stopped, so that the panic's message is printed alone. Returns
   how many did not confirm. Prints nothing (a stopped CPU may hold the
   console lock: print only in panic mode, after this). */
int smp_halt_others(void);

/* True once another CPU has called smp_halt_others: the NMI handler then
   stops this CPU instead of reporting the NMI. */
bool smp_halt_requested(void);

/* Stops this CPU for good (interrupts off, hlt forever; NMIs that still
   come end here again) and tells the panicking CPU it has stopped. */
__attribute__((noreturn)) void smp_halt_this_cpu(void);

/* The C entry of an application processor, called by ap_boot.S on its
   first stack with the kernel's page tables loaded. Never returns. */
__attribute__((noreturn)) void smp_ap_main(int index, uint32_t apic_id);

#endif /* !__ASSEMBLER__ */

#endif
