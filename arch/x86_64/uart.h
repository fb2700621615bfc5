/* 16550 UART driver for COM1: the serial console.
   Output is polled; input arrives by interrupt and goes to kernel/console.c. */
#ifndef ARCH_X86_64_UART_H
#define ARCH_X86_64_UART_H

#include <stdbool.h>

#define UART_IRQ 4          /* COM1's ISA interrupt line */

void uart_init(void);
void uart_putc(char c);
/* Route the receive interrupt (after the IOAPIC is up) and enable it. */
void uart_enable_rx_irq(void);
/* Called by the interrupt handler: passes received bytes to the console
   (kernel/console.c: console_receive). */
void uart_handle_irq(void);
/* The same, polled, for when interrupts are off (early boot, panics). */
void uart_poll(void);

#endif
