/* The console's input side: bytes from the UART land in a ring buffer that
   readers take from; special keys (Ctrl-P: thread dump) act at once. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdint.h>

#define CONSOLE_CTRL_P 0x10     /* ASCII DLE, what a terminal sends for Ctrl-P */

/* Called by the UART driver for every received byte (interrupt context). */
void console_receive(char c);

/* What Ctrl-P does (the thread dump, once threads exist); it runs in the
   UART's interrupt handler. */
void console_on_ctrl_p(void (*action)(void));

/* Waits (sleeping, not spinning) for the next received byte and returns it.
   Thread context only. */
int console_read(void);

/* Waits for at least one received byte, then takes up to max of those
   waiting. Returns how many, or -EINTR if the caller's process is being
   killed. Thread context only. */
long console_read_some(char *buf, uint64_t max);

/* Writes n bytes to the console as one piece (no other output inside it). */
void console_write(const char *buf, uint64_t n);

#endif
