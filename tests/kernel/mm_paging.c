/* Kernel tests of the page tables: map/unmap/query, freeing of empty tables,
   errors, the kernel's W^X layout, the MMIO window and NX. */
#include "kernel/ktest.h"
#include "kernel/mm/pmm.h"
#include "kernel/panic.h"
#include "kernel/thread.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"
#include "lib/errno.h"

#define NOT_TAIL_CALL() __asm__ volatile("" ::: "memory")

/* A lower-half address whose PDPT, PD and PT do not exist in the kernel
   root (the kernel's lower half is empty once the identity map is gone). */
#define TEST_VA 0x123456789000UL
#define NX_VA   0x40000000UL

extern char __text_start[], __ktests_start[], __bss_start[], __bss_end[];
static uint64_t some_data = 42;
static uint64_t some_bss;

/* The flags paging_query reports for a mapping made without VM_EXEC. */
static unsigned no_exec(unsigned flags)
{
    return paging_nx_supported() ? flags : flags | VM_EXEC;
}

KTEST(test_paging_map_unmap, "paging-map-unmap",
      .expect_panic = "#PF page fault in kernel mode, error 0x0, cr2=0x123456789000 ")
{
    vm_root_t root = paging_kernel_root();
    KT_ASSERT_EQ(read_cr3() & ~0xFFFUL, root);
    KT_ASSERT(!paging_query(root, TEST_VA, 0, 0));

    uint64_t start = pmm_free_count();
    uint64_t frame = pmm_alloc_zeroed();
    KT_ASSERT_NE(frame, 0);
    KT_ASSERT_EQ(paging_map(root, TEST_VA, frame, VM_WRITE), 0);
    /* The frame and three new tables (PDPT, PD, PT). */
    KT_ASSERT_EQ(pmm_free_count(), start - 4);

    uint64_t pa = 0;
    unsigned flags = 0;
    KT_ASSERT(paging_query(root, TEST_VA, &pa, &flags));
    KT_ASSERT_EQ(pa, frame);
    KT_ASSERT_EQ(flags, no_exec(VM_WRITE));
    /* The last byte of the page answers for the page. */
    KT_ASSERT(paging_query(root, TEST_VA + PAGE_SIZE - 1, &pa, 0));
    KT_ASSERT_EQ(pa, frame);
    KT_ASSERT(!paging_query(root, TEST_VA + PAGE_SIZE, 0, 0));

    volatile uint64_t *mapped = (volatile uint64_t *)TEST_VA;
    volatile uint64_t *direct = phys_to_virt(frame);
    mapped[0] = 0x1122334455667788UL;
    KT_ASSERT_EQ(direct[0], 0x1122334455667788UL);
    direct[511] = 0xCAFEF00DUL;
    KT_ASSERT_EQ(mapped[511], 0xCAFEF00DUL);

    KT_ASSERT_EQ(paging_unmap(root, TEST_VA), 0);
    KT_ASSERT(!paging_query(root, TEST_VA, 0, 0));
    KT_ASSERT_EQ(paging_unmap(root, TEST_VA), -ENOENT);
    /* The three tables went back to pmm with the mapping. */
    KT_ASSERT_EQ(pmm_free_count(), start - 1);
    pmm_free(frame);
    KT_ASSERT_EQ(pmm_free_count(), start);

    /* The TLB was flushed: this read faults. */
    (void)*mapped;
    NOT_TAIL_CALL();
}

KTEST(test_paging_errors, "paging-errors")
{
    vm_root_t root = paging_kernel_root();
    uint64_t frame = pmm_alloc();
    KT_ASSERT_NE(frame, 0);
    uint64_t start = pmm_free_count();

    /* Inside a 2 MiB page of the direct map (the first 2 MiB are always one). */
    KT_ASSERT_EQ(paging_map(root, PHYS_MAP_BASE + 0x1000, frame, VM_WRITE), -EINVAL);
    KT_ASSERT_EQ(paging_unmap(root, PHYS_MAP_BASE + 0x1000), -EINVAL);
    uint64_t pa = 0;
    unsigned flags = 0;
    KT_ASSERT(paging_query(root, PHYS_MAP_BASE + 0x1000, &pa, &flags));
    KT_ASSERT_EQ(pa, 0x1000);
    KT_ASSERT_EQ(flags, no_exec(VM_WRITE));
    /* Unaligned, non-canonical, unknown flags, user pages in the kernel half. */
    KT_ASSERT_EQ(paging_map(root, TEST_VA + 8, frame, VM_WRITE), -EINVAL);
    KT_ASSERT_EQ(paging_map(root, TEST_VA, frame + 8, VM_WRITE), -EINVAL);
    KT_ASSERT_EQ(paging_map(root, 0x0000800000000000UL, frame, VM_WRITE), -EINVAL);
    KT_ASSERT_EQ(paging_map(root, TEST_VA, frame, 1u << 7), -EINVAL);
    KT_ASSERT_EQ(paging_map(root, KERNEL_VMAP_BASE + KERNEL_VMAP_SIZE, frame, VM_USER), -EINVAL);
    KT_ASSERT_EQ(paging_unmap(root, TEST_VA), -ENOENT);
    KT_ASSERT_EQ(pmm_free_count(), start);

    /* Mapping twice; user pages; unmap_frame gives the frame back. */
    KT_ASSERT_EQ(paging_map(root, TEST_VA, frame, VM_USER | VM_EXEC), 0);
    KT_ASSERT_EQ(paging_map(root, TEST_VA, frame, VM_WRITE), -EEXIST);
    KT_ASSERT(paging_query(root, TEST_VA, &pa, &flags));
    KT_ASSERT_EQ(flags, VM_USER | VM_EXEC);
    pa = 0;
    KT_ASSERT_EQ(paging_unmap_frame(root, TEST_VA, &pa), 0);
    KT_ASSERT_EQ(pa, frame);
    KT_ASSERT_EQ(pmm_free_count(), start);
    pmm_free(frame);
}

/* Leaves exactly two free frames, so that a map needing three new tables
   runs out after making two: they must be given back. */
KTEST(test_paging_map_enomem, "paging-map-enomem", .timeout = 120)
{
    vm_root_t root = paging_kernel_root();
    uint64_t frame = pmm_alloc();
    KT_ASSERT_NE(frame, 0);
    uint64_t head = 0;
    while (pmm_free_count() > 2) {
        uint64_t f = pmm_alloc();
        KT_ASSERT_NE(f, 0);
        *(uint64_t *)phys_to_virt(f) = head;
        head = f;
    }
    KT_ASSERT_EQ(paging_map(root, TEST_VA, frame, VM_WRITE), -ENOMEM);
    KT_ASSERT_EQ(pmm_free_count(), 2);
    KT_ASSERT(!paging_query(root, TEST_VA, 0, 0));
    while (head) {
        uint64_t next = *(uint64_t *)phys_to_virt(head);
        pmm_free(head);
        head = next;
    }
    KT_ASSERT_EQ(paging_map(root, TEST_VA, frame, VM_WRITE), 0);
    KT_ASSERT_EQ(paging_unmap(root, TEST_VA), 0);
    pmm_free(frame);
}

KTEST(test_paging_kernel_layout, "paging-kernel-layout")
{
    vm_root_t root = paging_kernel_root();
    unsigned flags = 0;
    uint64_t pa = 0;

    /* W^X per section of the image, at KERNEL_VMA + physical address. */
    KT_ASSERT(paging_query(root, (uint64_t)__text_start, &pa, &flags));
    KT_ASSERT_EQ(pa, (uint64_t)__text_start - KERNEL_VMA);
    KT_ASSERT_EQ(flags, VM_EXEC);
    KT_ASSERT(paging_query(root, (uint64_t)__ktests_start, &pa, &flags));
    KT_ASSERT_EQ(flags, no_exec(0));
    KT_ASSERT(paging_query(root, (uint64_t)&some_data, &pa, &flags));
    KT_ASSERT_EQ(flags, no_exec(VM_WRITE));
    KT_ASSERT(paging_query(root, (uint64_t)&some_bss, &pa, &flags));
    KT_ASSERT_EQ(flags, no_exec(VM_WRITE));
    KT_ASSERT_EQ(pa, (uint64_t)&some_bss - KERNEL_VMA - ((uint64_t)&some_bss & 0xFFF));
    /* Nothing else of the boot's 1 GiB window at KERNEL_VMA. */
    KT_ASSERT(!paging_query(root, KERNEL_VMA, 0, 0));
    KT_ASSERT(!paging_query(root, ((uint64_t)__bss_end + 0xFFF) & ~0xFFFUL, 0, 0));

    /* No identity map any more. */
    KT_ASSERT(!paging_query(root, 0, 0, 0));
    KT_ASSERT(!paging_query(root, KERNEL_LOAD_PHYS, 0, 0));

    /* Direct map: every managed frame, writable, NX, write-back. */
    uint64_t f = pmm_alloc();
    KT_ASSERT(paging_query(root, (uint64_t)phys_to_virt(f), &pa, &flags));
    KT_ASSERT_EQ(pa, f);
    KT_ASSERT_EQ(flags, no_exec(VM_WRITE));
    pmm_free(f);

    /* The MMIO window: local APIC and IOAPIC pages uncached, writable, NX. */
    KT_ASSERT(paging_query(root, PHYS_MAP_BASE + 0xFEE00000UL, &pa, &flags));
    KT_ASSERT_EQ(pa, 0xFEE00000UL);
    KT_ASSERT_EQ(flags, no_exec(VM_WRITE | VM_NOCACHE));
    KT_ASSERT(paging_query(root, PHYS_MAP_BASE + 0xFEC00000UL, &pa, &flags));
    KT_ASSERT_EQ(flags, no_exec(VM_WRITE | VM_NOCACHE));
    KT_ASSERT(paging_query(root, PHYS_MAP_BASE + 0xC0000000UL, &pa, &flags));
    KT_ASSERT(paging_query(root, PHYS_MAP_BASE + 0xFFFFF000UL, &pa, &flags));

    /* Every upper-half PML4 slot has its PDPT; the lower half is empty. */
    const uint64_t *pml4 = phys_to_virt(root);
    for (int i = 0; i < 256; i++)
        KT_ASSERT_EQ(pml4[i], 0);
    for (int i = 256; i < 512; i++)
        KT_ASSERT_EQ(pml4[i] & 1, 1);

    /* NX: on iff the CPU has it (CPUID 0x80000001 EDX bit 20). */
    uint32_t a, b, c, d;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    KT_ASSERT_EQ(paging_nx_supported(), (d >> 20) & 1);
    KT_ASSERT_EQ((rdmsr(MSR_EFER) & EFER_NXE) != 0, paging_nx_supported());
}

/* QEMU's default qemu64 CPU has NX. The fault happens at NX_VA itself, so
   the backtrace's next frame is the test's caller. */
KTEST(test_paging_nx, "paging-nx", .panic_in = "ktest_run",
      .expect_panic = "#PF page fault in kernel mode, error 0x11, cr2=0x40000000 ")
{
    KT_ASSERT(paging_nx_supported());
    vm_root_t root = paging_kernel_root();
    uint64_t frame = pmm_alloc_zeroed();
    KT_ASSERT_EQ(paging_map(root, NX_VA, frame, VM_WRITE), 0);
    *(volatile uint8_t *)NX_VA = 0xC3;          /* ret */
    ((void (*)(void))NX_VA)();
    NOT_TAIL_CALL();
}

/* The same page mapped executable runs: the fault above is NX's doing. */
KTEST(test_paging_exec, "paging-exec")
{
    vm_root_t root = paging_kernel_root();
    uint64_t frame = pmm_alloc_zeroed();
    KT_ASSERT_EQ(paging_map(root, NX_VA, frame, VM_EXEC), 0);
    *(volatile uint8_t *)phys_to_virt(frame) = 0xC3;   /* ret, written via the direct map */
    ((void (*)(void))NX_VA)();
    KT_ASSERT_EQ(paging_unmap(root, NX_VA), 0);
    pmm_free(frame);
}

KTEST(test_paging_text_readonly, "paging-text-readonly",
      .expect_panic = "#PF page fault in kernel mode, error 0x3, cr2=0xffffffff8")
{
    volatile uint8_t *code = (volatile uint8_t *)(void *)__text_start;
    *code = *code;
    NOT_TAIL_CALL();
}

KTEST(test_paging_rodata_readonly, "paging-rodata-readonly",
      .expect_panic = "#PF page fault in kernel mode, error 0x3, cr2=0xffffffff8")
{
    volatile char *rodata = (volatile char *)__ktests_start;
    *rodata = *rodata;
    NOT_TAIL_CALL();
}

/* Executing kernel data faults: data pages are NX. */
KTEST(test_paging_data_nx, "paging-data-nx", .panic_in = "ktest_run",
      .expect_panic = "#PF page fault in kernel mode, error 0x11, cr2=0xffffffff8")
{
    static uint8_t code_in_bss[16];
    code_in_bss[0] = 0xC3;
    ((void (*)(void))(void *)code_in_bss)();
    NOT_TAIL_CALL();
}

/* A panic with the page-table lock held still prints its whole backtrace:
   the walk looks up kernel-stack pages without taking that lock (it used
   to take it, and the panic became a nested panic after one frame). The
   thread runs on a kernel stack in the vmap area, where the walk looks. */
static void panic_in_free(uint64_t pa)
{
    (void)pa;
    panic("test: a panic with the paging lock held");
}

static long free_root_and_panic(void *arg)
{
    (void)arg;
    vm_root_t root = paging_new_root();
    KT_ASSERT(root);
    KT_ASSERT_EQ(paging_map(root, TEST_VA, pmm_alloc_zeroed(), VM_USER), 0);
    paging_free_root(root, panic_in_free);      /* calls back with paging_lock held */
    NOT_TAIL_CALL();
    return 0;
}

KTEST(test_paging_panic_locked, "paging-panic-locked",
      .expect_panic = "test: a panic with the paging lock held", .panic_in = "free_root_and_panic")
{
    thread_join(thread_create("free-and-panic", free_root_and_panic, 0), 0);
    NOT_TAIL_CALL();
}
