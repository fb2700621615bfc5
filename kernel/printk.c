/* The kernel's console output: formats with lib/format and sends each byte
   to the UART, translating "\n" to "\r\n" for terminals. */
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/format.h"
#include "arch/x86_64/uart.h"

static struct spinlock console_lock = SPINLOCK_INIT("console");
static volatile int panic_mode;

static void console_put(char c, void *ctx)
{
    (void)ctx;
    if (c == '\n')
        uart_putc('\r');
    uart_putc(c);
}

int vprintk(const char *fmt, va_list ap)
{
    int n;
    if (panic_mode)
        return vformat(console_put, 0, fmt, ap);
    spin_lock(&console_lock);
    n = vformat(console_put, 0, fmt, ap);
    spin_unlock(&console_lock);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

void printk_panic_mode(void)
{
    panic_mode = 1;
}
