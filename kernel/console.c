/* Console input: a ring of received bytes with one producer (the UART
   interrupt) and one consumer (the reader), and the Ctrl-P key. */
#include "kernel/console.h"
#include "kernel/sync/semaphore.h"

#define RX_RING 256
static volatile char ring[RX_RING];
static volatile unsigned head, tail;   /* head: written by receive; tail: by read */
/* Counts the bytes in the ring, so that a reader can sleep until one comes. */
static struct semaphore available = SEMAPHORE_INIT(available, 0, "console");
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
    sema_up(&available);
}

int console_read(void)
{
    sema_down(&available);
    char c = ring[tail];
    __atomic_store_n(&tail, (tail + 1) % RX_RING, __ATOMIC_RELEASE);
    return (unsigned char)c;
}
