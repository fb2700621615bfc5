/* User virtual memory. Memory is given eagerly: every page of a segment, a
   stack or an mmap is backed by a zeroed frame when it is created, so a
   user program never takes a page fault that is not a bug of its own. */
#include "kernel/mm/uvm.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/kheap.h"
#include "kernel/process.h"
#include "kernel/clock_page.h"
#include "kernel/panic.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/x86.h"

int uvm_init(struct process *p)
{
    p->vm_root = paging_new_root();
    if (!p->vm_root)
        return -ENOMEM;
    list_init(&p->mmap_areas);
    p->mmap_next = UVM_MMAP_BASE;
    /* The clock page, shared by all processes: readable, not writable, not
       executable. It shares its page table with the top of the stack, so
       it costs no frame per process. */
    int err = paging_map(p->vm_root, USER_CLOCK_PAGE, clock_page_frame(), VM_USER);
    if (err < 0) {
        uvm_destroy(p);
        return err;
    }
    return 0;
}

static void free_frame(uint64_t pa)
{
    if (pa != clock_page_frame())       /* every process's: never freed */
        pmm_free(pa);
}

void uvm_destroy(struct process *p)
{
    vm_root_t kernel_root = paging_kernel_root();
    /* With interrupts off nothing can switch us back onto the old root
       between these steps (context_prepare_switch reads p->vm_root). */
    cli();
    vm_root_t root = p->vm_root;
    p->vm_root = kernel_root;
    if ((read_cr3() & ~0xfffull) == root)
        write_cr3(kernel_root);
    sti();
    if (root && root != kernel_root)
        paging_free_root(root, free_frame);
    while (!list_empty(&p->mmap_areas))
        kfree(list_entry(list_pop_front(&p->mmap_areas), struct uvm_area, node));
}

#define UNMAP_BATCH 64                  /* pages freed per TLB shootdown */

/* Unmaps and frees [va, end) (pages not mapped are skipped); returns how
   many were mapped. Other threads of p may run on other CPUs right now:
   the frames are freed only after their TLBs have dropped them. */
static uint64_t unmap_range(struct process *p, uint64_t va, uint64_t end)
{
    uint64_t total = 0;
    while (va < end) {
        uint64_t frames[UNMAP_BATCH], start = va;
        int n = 0;
        for (; va < end && n < UNMAP_BATCH; va += PAGE_SIZE)
            if (paging_unmap_frame(p->vm_root, va, &frames[n]) == 0)
                n++;
        tlb_shootdown(p->vm_root, start, (va - start) / PAGE_SIZE);
        for (int i = 0; i < n; i++)
            pmm_free(frames[i]);
        total += (uint64_t)n;
    }
    return total;
}

int uvm_map_zeroed(struct process *p, uint64_t va, uint64_t len, unsigned flags)
{
    ASSERT(!(va & (PAGE_SIZE - 1)) && !(len & (PAGE_SIZE - 1)));
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t frame = pmm_alloc_zeroed();
        int err = frame ? paging_map(p->vm_root, va + off, frame, flags | VM_USER) : -ENOMEM;
        if (err < 0) {
            if (frame)
                pmm_free(frame);
            unmap_range(p, va, va + off);
            return err;
        }
    }
    return 0;
}

void uvm_poke(struct process *p, uint64_t va, const void *src, uint64_t len)
{
    const uint8_t *s = src;
    while (len > 0) {
        uint64_t pa;
        unsigned flags;
        if (!paging_query(p->vm_root, va & ~(PAGE_SIZE - 1), &pa, &flags))
            panic("uvm_poke: 0x%lx is not mapped in pid %d", va, p->pid);
        uint64_t in_page = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        uint64_t n = len < in_page ? len : in_page;
        memcpy((uint8_t *)phys_to_virt(pa) + (va & (PAGE_SIZE - 1)), s, n);
        va += n;
        s += n;
        len -= n;
    }
}

int uvm_setup_stack(struct process *p, int argc, char *const argv[], uint64_t *rsp)
{
    uint64_t bottom = USER_STACK_TOP - USER_STACK_SIZE;
    int err = uvm_map_zeroed(p, bottom, USER_STACK_SIZE, VM_WRITE);
    if (err < 0)
        return err;
    /* From the top: the strings, then (16-aligned) argc, argv[], NULL. */
    uint64_t sp = USER_STACK_TOP;
    uint64_t ptrs[PROCESS_ARGS_MAX];
    if (argc > PROCESS_ARGS_MAX)
        return -E2BIG;
    for (int i = argc - 1; i >= 0; i--) {
        uint64_t len = strlen(argv[i]) + 1;
        sp -= len;
        uvm_poke(p, sp, argv[i], len);
        ptrs[i] = sp;
    }
    sp &= ~15ull;
    /* The auxiliary vector (lib/abi.h, AT_*): the page size and the TLS
       template that elf_load checked, for crt0. */
    const uint64_t auxv[] = {
        AT_PAGESZ, PAGE_SIZE,
        AT_TLS_ADDR, p->tls.addr,
        AT_TLS_FILESZ, p->tls.filesz,
        AT_TLS_MEMSZ, p->tls.memsz,
        AT_TLS_ALIGN, p->tls.align,
        AT_CLOCK_PAGE, USER_CLOCK_PAGE,
        AT_NULL, 0,
    };
    /* argc, argv[0..argc-1], NULL, the environment's NULL, the auxv. */
    uint64_t words = 1 + (uint64_t)argc + 1 + 1 + sizeof auxv / 8;
    sp -= words * 8;
    sp &= ~15ull;                               /* %rsp 16-aligned at _start */
    uint64_t value = (uint64_t)argc;
    uvm_poke(p, sp, &value, 8);
    for (int i = 0; i < argc; i++)
        uvm_poke(p, sp + 8 + 8 * (uint64_t)i, &ptrs[i], 8);
    value = 0;
    uvm_poke(p, sp + 8 + 8 * (uint64_t)argc, &value, 8);          /* argv's NULL */
    uvm_poke(p, sp + 16 + 8 * (uint64_t)argc, &value, 8);         /* no environment */
    uvm_poke(p, sp + 24 + 8 * (uint64_t)argc, auxv, sizeof auxv);
    *rsp = sp;
    return 0;
}

long uvm_mmap(struct process *p, uint64_t len, int prot)
{
    if (len == 0 || len > UVM_MMAP_LIMIT - UVM_MMAP_BASE || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    struct uvm_area *a = kmalloc(sizeof *a);
    if (!a)
        return -ENOMEM;
    mutex_lock(&p->vm_lock);
    if (p->mmap_next + len > UVM_MMAP_LIMIT) {
        mutex_unlock(&p->vm_lock);
        kfree(a);
        return -ENOMEM;
    }
    uint64_t va = p->mmap_next;
    if (prot != PROT_NONE) {
        unsigned flags = (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
        int err = uvm_map_zeroed(p, va, len, flags);
        if (err < 0) {
            mutex_unlock(&p->vm_lock);
            kfree(a);
            return err;
        }
    }
    p->mmap_next += len;
    a->start = va;
    a->end = va + len;
    a->mapped_pages = prot != PROT_NONE ? len / PAGE_SIZE : 0;
    list_push_back(&p->mmap_areas, &a->node);   /* in address order: addresses only grow */
    mutex_unlock(&p->vm_lock);
    return (long)va;
}

bool uvm_area_of(struct process *p, uint64_t addr, uint64_t *start, uint64_t *end)
{
    bool found = false;
    mutex_lock(&p->vm_lock);
    list_for_each(n, &p->mmap_areas) {
        struct uvm_area *a = list_entry(n, struct uvm_area, node);
        if (addr >= a->start && addr < a->end) {
            *start = a->start;
            *end = a->end;
            found = true;
            break;
        }
    }
    mutex_unlock(&p->vm_lock);
    return found;
}

/* True if every page of [start, end) lies in some area mmap handed out. */
static bool from_mmap(struct process *p, uint64_t start, uint64_t end)
{
    list_for_each(n, &p->mmap_areas) {
        struct uvm_area *a = list_entry(n, struct uvm_area, node);
        if (a->end <= start)
            continue;
        if (a->start > start)
            return false;               /* a gap before the rest */
        start = a->end;
        if (start >= end)
            return true;
    }
    return false;
}

int uvm_munmap(struct process *p, uint64_t addr, uint64_t len)
{
    if ((addr & (PAGE_SIZE - 1)) || len == 0 || !(addr < USER_TOP && len <= USER_TOP - addr))
        return -EINVAL;
    uint64_t end = (addr + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    mutex_lock(&p->vm_lock);
    if (!from_mmap(p, addr, end)) {
        mutex_unlock(&p->vm_lock);
        return -EINVAL;
    }
    /* Freed address space is never handed out again (mmap only moves up),
       so a stale pointer faults instead of hitting new data. An area with
       no page left is forgotten, so that its record does not leak either. */
    list_for_each_safe(n, &p->mmap_areas) {
        struct uvm_area *a = list_entry(n, struct uvm_area, node);
        if (a->end <= addr || a->start >= end)
            continue;
        uint64_t from = a->start > addr ? a->start : addr;
        uint64_t to = a->end < end ? a->end : end;
        a->mapped_pages -= unmap_range(p, from, to);
        if (a->mapped_pages == 0) {
            list_remove(&a->node);
            kfree(a);
        }
    }
    mutex_unlock(&p->vm_lock);
    return 0;
}
