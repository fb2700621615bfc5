/* The legacy 8259 programmable interrupt controllers (master and slave):
   Spindle uses the APICs, so it only moves the 8259s out of the way. */
#ifndef ARCH_X86_64_PIC_H
#define ARCH_X86_64_PIC_H

/* Remaps both 8259s to vectors VEC_IRQ_BASE..VEC_IRQ_BASE+15 and masks
   every line. Interrupts must be off. */
void pic_disable(void);

#endif
