/* 8254 PIT channel 2 as a one-shot stopwatch. Channel 2 is the one whose
   gate software controls (port 0x61 bit 0) and whose output it can read
   (port 0x61 bit 5); channel 0 (IRQ 0) stays masked at the I/O APIC. */
#include "arch/x86_64/pit.h"
#include "arch/x86_64/x86.h"

/* Ports and control words: Intel 8254 data sheet, "Control Word Format"
   and "Counter Latch Command". */
#define PIT_CHANNEL2   0x42
#define PIT_COMMAND    0x43
#define CMD_CHANNEL2   (2u << 6)      /* SC1 SC0 = 10: counter 2 */
#define CMD_LOBYTE_HIBYTE (3u << 4)   /* RW1 RW0 = 11: low byte, then high byte */
#define CMD_LATCH      (0u << 4)      /* RW1 RW0 = 00: counter latch command */
#define CMD_MODE0      (0u << 1)      /* mode 0: interrupt on terminal count */
#define CMD_BINARY     0u

/* Port 0x61, the PC's "system control port B" (the 8255 PPI's port B on the
   original PC): bit 0 gates PIT channel 2, bit 1 connects its output to the
   speaker, bit 5 reads channel 2's OUT line back. */
#define PORT_B         0x61
#define PORT_B_GATE2   0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2    0x20

void pit_channel2_start(uint16_t count)
{
    uint8_t b = inb(PORT_B);
    /* Gate open, speaker off; keep the NMI-control bits (2-3) as they are.
       Bits 4-7 read status and are ignored on write. */
    outb(PORT_B, (uint8_t)((b & 0x0C) | PORT_B_GATE2));
    outb(PIT_COMMAND, CMD_CHANNEL2 | CMD_LOBYTE_HIBYTE | CMD_MODE0 | CMD_BINARY);
    outb(PIT_CHANNEL2, count & 0xFF);
    /* In mode 0 counting starts on the clock after the high byte arrives. */
    outb(PIT_CHANNEL2, count >> 8);
}

uint16_t pit_channel2_count(void)
{
    outb(PIT_COMMAND, CMD_CHANNEL2 | CMD_LATCH);
    uint8_t lo = inb(PIT_CHANNEL2);
    uint8_t hi = inb(PIT_CHANNEL2);
    return (uint16_t)(lo | (hi << 8));
}

bool pit_channel2_expired(void)
{
    return inb(PORT_B) & PORT_B_OUT2;
}

void pit_channel2_stop(void)
{
    uint8_t b = inb(PORT_B);
    outb(PORT_B, (uint8_t)(b & 0x0C));
}
