/* 16550 UART on COM1 at 115200 baud, 8 data bits, no parity, 1 stop bit.
   Register offsets and bits: National Semiconductor PC16550D data sheet, table 2. */
#include "arch/x86_64/uart.h"
#include "arch/x86_64/x86.h"
#include "kernel/console.h"

#define COM1 0x3F8
#define REG_DATA 0      /* RBR (read) / THR (write); DLL when DLAB=1 */
#define REG_IER  1      /* interrupt enable; DLM when DLAB=1 */
#define REG_FCR  2      /* FIFO control */
#define REG_LCR  3      /* line control */
#define REG_MCR  4      /* modem control */
#define REG_LSR  5      /* line status */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define LCR_DLAB 0x80
#define LCR_8N1  0x03
#define IER_RX   0x01
#define MCR_DTR_RTS_OUT2 0x0B   /* OUT2 gates the UART's IRQ line on PCs */
#define BAUD_DIVISOR 1          /* 115200 / 115200: the 1.8432 MHz clock / 16 */

void uart_init(void)
{
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, BAUD_DIVISOR & 0xFF);
    outb(COM1 + REG_IER, BAUD_DIVISOR >> 8);
    outb(COM1 + REG_LCR, LCR_8N1);
    /* A byte typed before now sits in the receive register; turning the FIFO
       on clears it, so keep it first. */
    uart_handle_irq();
    outb(COM1 + REG_FCR, 0xC7);     /* enable and clear FIFOs, 14-byte threshold */
    outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
}

void uart_putc(char c)
{
    /* Under QEMU the transmitter is always ready; on hardware this waits
       at most one character time. */
    while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
        cpu_relax();
    outb(COM1 + REG_DATA, (uint8_t)c);
}

void uart_enable_rx_irq(void)
{
    outb(COM1 + REG_IER, IER_RX);
}

void uart_handle_irq(void)
{
    while (inb(COM1 + REG_LSR) & LSR_DATA_READY) {
        console_receive((char)inb(COM1 + REG_DATA));
    }
}

void uart_poll(void)
{
    /* Interrupts are off, so the handler cannot run concurrently. */
    uart_handle_irq();
}
