/* Console input: a ring of received bytes with one producer (the UART
   interrupt) and one consumer (the reader), and the Ctrl-P key. */
#include "kernel/console.h"

#define RX_RING 256
static volatile char ring[RX_RING];
static volatile unsigned head, tail;   /* head: written by receive; tail: by getc */

static void (*ctrl_p_action)(void);

void console_on_ctrl_p(void (*action)(void))
{
    ctrl_p_action = action;
}

void console_receive(char c)
{
    if (c == CONSOLE_CTRL_P && ctrl_p_action) {
        ctrl_p_action();
        return;
    }
    unsigned next = (head + 1) % RX_RING;
    if (next == tail)
        return;                         /* full: drop, as a FIFO overrun would */
    ring[head] = c;
    __atomic_store_n(&head, next, __ATOMIC_RELEASE);
}

int console_getc(void)
{
    if (tail == __atomic_load_n(&head, __ATOMIC_ACQUIRE))
        return -1;
    char c = ring[tail];
    tail = (tail + 1) % RX_RING;
    return (unsigned char)c;
}
