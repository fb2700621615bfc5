/* Remap and mask the two 8259 PICs. The firmware leaves the master on
   vectors 8-15, on top of CPU exceptions (#DF is 8): remapped and masked, a
   stray or spurious IRQ from them can no longer look like an exception. */
#include "arch/x86_64/pic.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/x86.h"

/* I/O ports and initialisation words: Intel 8259A data sheet,
   "Initialization Command Words" and "Operation Command Words". */
#define PIC_MASTER_CMD  0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD   0xA0
#define PIC_SLAVE_DATA  0xA1

#define ICW1_INIT_ICW4  0x11    /* start initialisation, ICW4 follows, cascade, edge */
#define ICW3_MASTER     0x04    /* the slave hangs on the master's IRQ 2 */
#define ICW3_SLAVE      0x02    /* the slave's cascade identity: 2 */
#define ICW4_8086       0x01    /* 8086 mode, normal EOI */
#define OCW1_MASK_ALL   0xFF

/* Port 0x80 is an unused diagnostic port: a write to it takes about a
   microsecond on real hardware, the recovery time old 8259s need between
   commands. Harmless under QEMU. */
static void io_wait(void)
{
    outb(0x80, 0);
}

void pic_disable(void)
{
    outb(PIC_MASTER_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC_SLAVE_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC_MASTER_DATA, VEC_IRQ_BASE);        /* ICW2: vector base */
    io_wait();
    outb(PIC_SLAVE_DATA, VEC_IRQ_BASE + 8);
    io_wait();
    outb(PIC_MASTER_DATA, ICW3_MASTER);
    io_wait();
    outb(PIC_SLAVE_DATA, ICW3_SLAVE);
    io_wait();
    outb(PIC_MASTER_DATA, ICW4_8086);
    io_wait();
    outb(PIC_SLAVE_DATA, ICW4_8086);
    io_wait();
    outb(PIC_MASTER_DATA, OCW1_MASK_ALL);
    outb(PIC_SLAVE_DATA, OCW1_MASK_ALL);
}
