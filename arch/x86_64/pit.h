/* The 8254 programmable interval timer, used only as a known clock
   (1.193182 MHz) to measure the TSC and the local APIC timer against. */
#ifndef ARCH_X86_64_PIT_H
#define ARCH_X86_64_PIT_H

#include <stdbool.h>
#include <stdint.h>

/* The PIT's input clock: 1.193182 MHz (a third of the NTSC colour-burst
   crystal's 3.579545 MHz; Intel 8254 data sheet and every PC since 1981). */
#define PIT_HZ 1193182u

/* Starts channel 2 counting down from count, once (mode 0), with its gate
   opened through port 0x61 and the speaker disconnected. */
void pit_channel2_start(uint16_t count);

/* Channel 2's current count (latched, so both bytes belong together). */
uint16_t pit_channel2_count(void);

/* True once channel 2 has counted down to 0 (its OUT line, read back
   through port 0x61 bit 5, goes high in mode 0 at terminal count). */
bool pit_channel2_expired(void);

/* Closes channel 2's gate again. */
void pit_channel2_stop(void);

#endif
