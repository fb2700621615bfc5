/* The user-space ticket lock (user/include/ticketlock.h): fetch-and-add
   hands out tickets, and the lock serves them in order. */
#include "ticketlock.h"
#include "atomic.h"
#include "spindle.h"

/*
 * Why it is fair: `lock xadd` on `next` gives every caller a different
 * ticket, in the order in which their xadds reached the cache line (Intel
 * SDM vol. 3A, 9.1.2.2: a locked instruction is one indivisible access),
 * and each unlock admits exactly the next ticket. A test-and-set lock
 * instead lets whoever happens to try first after the release win, and on
 * a busy machine that is often the thread that just released it.
 */
void ticket_lock(ticket_lock_t *l)
{
    /* LAB sync BEGIN: ticket_lock: take a ticket (fetch-and-add on next), then wait until serving reaches it: pause while you are next, yield when others are ahead or after TICKET_SPINS_BEFORE_YIELD pauses */
    uint32_t ticket = atomic_fetch_add_u32(&l->next, 1);
    unsigned spins = 0;
    for (;;) {
        /* An acquire load: the critical section's accesses cannot move
           above the moment we see our number. */
        uint32_t serving = atomic_load_u32(&l->serving);
        if (serving == ticket)
            return;
        if (ticket - serving > 1 || ++spins == TICKET_SPINS_BEFORE_YIELD) {
            /* Others are ahead of us (their turns come first), or we have
               spun long enough that the holder is probably not running:
               the thread that must run next may be waiting for our CPU. */
            sys_yield();
            spins = 0;
        } else {
            cpu_pause();    /* a spin-loop hint: Intel SDM vol. 2B, PAUSE */
        }
    }
    /* LAB sync STUB
    (void)l;
    */
    /* LAB sync END */
}

int ticket_trylock(ticket_lock_t *l)
{
    /* LAB sync BEGIN: ticket_trylock: take the ticket being served if nobody holds the lock (next == serving), with one compare-and-swap on next */
    /* Free means next == serving. Taking ticket `serving` then makes us
       the holder; the compare-and-swap fails if anybody took a ticket
       since we looked, and then we leave without one. */
    uint32_t serving = atomic_load_u32(&l->serving);
    return atomic_cas_u32(&l->next, serving, serving + 1) ? 1 : 0;
    /* LAB sync STUB
    (void)l;
    return 1;
    */
    /* LAB sync END */
}

void ticket_unlock(ticket_lock_t *l)
{
    /* LAB sync BEGIN: ticket_unlock: serve the next ticket (serving + 1) */
    /* Only the holder writes `serving`, so a plain read and a release
       store suffice: no locked instruction. The release keeps the
       critical section's stores before it (x86 never reorders stores). */
    atomic_store_u32(&l->serving, l->serving + 1);
    /* LAB sync STUB
    (void)l;
    */
    /* LAB sync END */
}
