/* Kernel stacks, and the cache that spares a TLB shootdown per thread exit
   (docs/smp.md, "TLB shootdown"). */
#include "kernel/kstack.h"
#include "kernel/thread.h"
#include "kernel/spinlock.h"
#include "kernel/mm/vmap.h"
#include "lib/string.h"

/*
 * Unmapping a stack changes the kernel half of every address space, so
 * vmap_free must have every other CPU flush it from its TLB (an NMI each,
 * and a wait for each to answer) before the frames can be reused. A CPU
 * that is halted has to wake up for it: with QEMU running more virtual CPUs
 * than the host has cores, that took most of a thread_create + join at 4
 * CPUs (100 us, against 17 us at 1). A freed stack kept mapped and handed
 * to the next thread needs no flush at all: nothing was unmapped. Linux
 * keeps a couple of freed thread stacks per CPU for the same reason.
 *
 * The cache is a stack (LIFO) of up to KSTACK_CACHE_MAX ranges, linked
 * through their first word. A cached stack holds at most
 * KSTACK_CACHE_MAX * KSTACK_PAGES frames out of the free count; SYS_sysinfo
 * drains it (thread_reap_all), so leak tests see every frame come back.
 */
#define KSTACK_CACHE_MAX 8

static struct spinlock cache_lock = SPINLOCK_INIT("kstack-cache");
static void *cache_top;                 /* the last stack freed; its first word links on */
static int cache_count;

/* Takes the most recently freed stack out of the cache, or NULL. */
static void *cache_pop(void)
{
    spin_lock(&cache_lock);
    void *base = cache_top;
    if (base) {
        cache_top = *(void **)base;
        cache_count--;
    }
    spin_unlock(&cache_lock);
    return base;
}

void *kstack_alloc(void)
{
    void *base = cache_pop();
    if (!base)
        return vmap_alloc(KSTACK_PAGES);   /* zeroed */
    /* As vmap_alloc would give it: the TCB at the top starts all zero, and
       no old thread's data lingers below it. */
    memset(base, 0, KSTACK_SIZE);
    return base;
}

void kstack_free(void *base)
{
    spin_lock(&cache_lock);
    if (cache_count < KSTACK_CACHE_MAX) {
        *(void **)base = cache_top;
        cache_top = base;
        cache_count++;
        base = 0;
    }
    spin_unlock(&cache_lock);
    if (base)
        vmap_free(base, KSTACK_PAGES);
}

void kstack_cache_drain(void)
{
    void *base;
    while ((base = cache_pop()))
        vmap_free(base, KSTACK_PAGES);     /* outside the lock: it waits for other CPUs */
}
