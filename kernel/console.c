/* The console: a ring of received bytes with one producer (the UART
   interrupt) and sleeping readers; the Ctrl-P key; raw writes for programs. */
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/sync/waitqueue.h"
#include "lib/errno.h"

#define RX_RING 256
static char ring[RX_RING];
static unsigned head, tail;             /* bytes waiting: tail .. head-1 */
static struct spinlock in_lock = SPINLOCK_INIT("console-in");
static struct wait_queue readers = WAIT_QUEUE_INIT(readers);
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
    spin_lock(&in_lock);
    unsigned next = (head + 1) % RX_RING;
    if (next != tail) {                 /* full: drop, as a FIFO overrun would */
        ring[head] = c;
        head = next;
        waitqueue_wake_one(&readers);
    }
    spin_unlock(&in_lock);
}

long console_read_some(char *buf, uint64_t max)
{
    spin_lock(&in_lock);
    while (head == tail) {
        if (waitqueue_wait_interruptible(&readers, &in_lock, "console", 0) == -EINTR) {
            spin_unlock(&in_lock);
            return -EINTR;
        }
    }
    uint64_t n = 0;
    while (n < max && tail != head) {
        buf[n++] = ring[tail];
        tail = (tail + 1) % RX_RING;
    }
    spin_unlock(&in_lock);
    return (long)n;
}

int console_read(void)
{
    char c;
    while (console_read_some(&c, 1) != 1)
        ;
    return (unsigned char)c;
}

void console_write(const char *buf, uint64_t n)
{
    printk("%.*s", (int)n, buf);
}
