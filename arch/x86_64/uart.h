/* 16550 UART driver for COM1: the serial console.
   Output is polled; input arrives by interrupt into a small ring buffer. */
#ifndef ARCH_X86_64_UART_H
#define ARCH_X86_64_UART_H

#include <stdbool.h>

#define UART_IRQ 4          /* COM1's ISA interrupt line */

void uart_init(void);
void uart_putc(char c);
/* Route the receive interrupt (after the IOAPIC is up) and enable it. */
void uart_enable_rx_irq(void);
/* Called by the interrupt handler: moves received bytes into the ring. */
void uart_handle_irq(void);
/* Next received byte, or -1 if none is waiting. Never blocks. */
int uart_getc(void);
/* Like uart_getc, but polls the UART first; only with interrupts off
   (early boot, panics), when the interrupt handler cannot run. */
int uart_getc_polled(void);

#endif
