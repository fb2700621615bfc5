/* The halt window of cpu_park: check that it is not yet our turn, then hlt.
   An NMI anywhere in the window skips the hlt (nmi_park_wake). */

/* void park_wait(const volatile uint32_t *serving [rdi], uint32_t ticket [esi])
   Interrupts are off: only an NMI (or INIT) ends the hlt (Intel SDM vol. 2A,
   HLT; vol. 3A 6.7: NMIs are not masked by IF). If the NMI arrives before
   the hlt executes, returning to the hlt would sleep through the kick;
   the NMI handler therefore moves a rip inside [window_start, window_end)
   to window_end. */
    .text
    .globl park_wait, park_window_start, park_window_end
park_wait:
park_window_start:
    movl (%rdi), %eax
    cmpl %esi, %eax
    je park_window_end
    hlt
park_window_end:
    ret

    .section .note.GNU-stack, "", @progbits
