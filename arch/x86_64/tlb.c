/* TLB shootdown through non-maskable interrupts. An NMI reaches a CPU even
   when it runs with interrupts off (for example spinning on a lock the
   requester holds), so a shootdown can never deadlock, whatever is held. */
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/park.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"
#include "kernel/spinlock.h"

/* Above this many pages a CPU reloads CR3 instead (kernel mappings are not
   global, so that flushes everything, Intel SDM vol. 3A, 4.10.4.1). */
#define INVLPG_MAX 32

/* One mailbox per CPU; the requester fills it, the target empties it. */
struct tlb_request {
    vm_root_t root;
    uint64_t start, pages;
    volatile int pending;
};

static struct tlb_request requests[MAX_CPUS];
/* One shootdown at a time; those waiting for it still take NMIs. */
static struct spinlock shootdown_lock = SPINLOCK_INIT("tlb-shootdown");

static void flush(vm_root_t root, uint64_t start, uint64_t pages)
{
    bool user = start < USER_TOP;
    if (user && (read_cr3() & ~0xfffull) != root)
        return;                         /* not running that address space */
    if (pages > INVLPG_MAX) {
        write_cr3(read_cr3());
        return;
    }
    for (uint64_t i = 0; i < pages; i++)
        invlpg(start + i * PAGE_SIZE);
}

void tlb_shootdown(vm_root_t root, uint64_t start, uint64_t pages)
{
    if (ncpus == 1 || pages == 0)
        return;
    spin_lock(&shootdown_lock);
    int me = this_cpu()->id;
    for (int i = 0; i < ncpus; i++) {
        if (i == me || !__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
            continue;
        requests[i].root = root;
        requests[i].start = start;
        requests[i].pages = pages;
        __atomic_store_n(&requests[i].pending, 1, __ATOMIC_RELEASE);
        nmi_send(i);
    }
    for (int i = 0; i < ncpus; i++) {
        uint64_t resend = 0;
        while (__atomic_load_n(&requests[i].pending, __ATOMIC_ACQUIRE)) {
            if (nmi_resend_due(&resend))
                nmi_send(i);            /* the first one may have been lost */
            cpu_relax();
        }
    }
    spin_unlock(&shootdown_lock);
}

bool tlb_nmi(void)
{
    struct tlb_request *r = &requests[this_cpu()->id];
    if (!__atomic_load_n(&r->pending, __ATOMIC_ACQUIRE))
        return false;
    flush(r->root, r->start, r->pages);
    __atomic_store_n(&r->pending, 0, __ATOMIC_RELEASE);
    return true;
}
