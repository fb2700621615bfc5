/* The console's input side: bytes from the UART land in a ring buffer that
   readers take from; special keys (Ctrl-P: thread dump) act at once. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#define CONSOLE_CTRL_P 0x10     /* ASCII DLE, what a terminal sends for Ctrl-P */

/* Called by the UART driver for every received byte (interrupt context). */
void console_receive(char c);

/* What Ctrl-P does (the thread dump, once threads exist); it runs in the
   UART's interrupt handler. */
void console_on_ctrl_p(void (*action)(void));

/* Waits (sleeping, not spinning) for the next received byte and returns it.
   Thread context only. */
int console_read(void);

#endif
