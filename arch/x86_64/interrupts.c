/* Bringing up interrupts on the boot CPU: legacy PIC off, local APIC on,
   the I/O APIC routing the serial port, the timer, then sti. */
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/uart.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"
#include "kernel/time.h"

static void uart_interrupt(struct trap_frame *tf)
{
    (void)tf;
    uart_handle_irq();
}

void interrupts_init(void)
{
    ASSERT(!interrupts_enabled());
    pic_disable();
    lapic_init();
    /* The standard address for now; the ACPI MADT will supply it (and the
       ISA interrupt source overrides) when Spindle reads ACPI tables. */
    ioapic_init(IOAPIC_DEFAULT_PHYS);

    /* Serial input: handler first, then the route, then the UART's own
       enable, so the first byte finds everything in place. */
    interrupt_register(VEC_UART, uart_interrupt);
    ioapic_route_isa(UART_IRQ, VEC_UART, lapic_id());
    uart_enable_rx_irq();

    time_init();
    sti();
}
