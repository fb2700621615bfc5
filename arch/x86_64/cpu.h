/* The per-CPU structure, reached through the GS base register so that each
   CPU finds its own copy with one instruction (mov %gs:0). */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#define MAX_CPUS 16

/* Offsets of the fields that assembly uses (syscall_entry.S), checked
   against the struct in arch/x86_64/cpu.c. */
#define CPU_SELF        0
#define CPU_USER_RSP    8
#define CPU_KERNEL_RSP  16
#define CPU_CURRENT     24

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stdbool.h>
#include "arch/x86_64/tss.h"

struct thread;
struct spinlock;

#define CPU_HELD_LOCKS_MAX 8

/* Field offsets used from assembly are fixed by the CPU_* constants below
   and checked at compile time in arch/x86_64/cpu.c. */
struct cpu {
    struct cpu *self;           /* %gs:0: the address of this structure */
    uint64_t user_rsp_scratch;  /* %gs:8: user %rsp saved at syscall entry */
    uint64_t kernel_rsp;        /* %gs:16: kernel stack top of the running thread */
    struct thread *current;     /* %gs:24: the thread running on this CPU */
    int id;                     /* 0 .. ncpus-1, in the order CPUs came up */
    uint32_t apic_id;           /* local APIC ID */
    int irq_off_depth;          /* nesting of cpu_irq_push(), for spinlocks */
    bool irq_enabled_before;    /* IF as it was at the outermost push */
    bool online;
    uint64_t ticks;             /* timer interrupts taken on this CPU */
    uint64_t idle_ticks;        /* of which the CPU was idle */
    bool need_resched;          /* switch threads at the next interrupt exit */
    bool idle_polling;          /* idle and polling need_resched: no IPI needed (sched/core.c) */
    uint64_t idle_poll_ns;      /* how long this CPU polls when it goes idle now (adapts) */
    struct thread *idle;        /* this CPU's idle thread */
    struct thread *fpu_owner;   /* the running thread if its FPU state is in the
                                   registers (CR0.TS clear), else NULL (fpu.c) */
    int spinlocks_held;         /* spinlocks this CPU holds now */
    struct spinlock *held_locks[CPU_HELD_LOCKS_MAX]; /* the first ones, for panics */
    const void *park_lock;      /* spinlock this CPU is parked on (park.c), or NULL */
    uint32_t park_ticket;       /* the ticket it waits for there */
    uint64_t nmis_sent;         /* NMIs other CPUs sent here (nmi_send) */
    uint64_t nmis_received;     /* NMIs this CPU took */
    struct tss tss;             /* task-state segment: rsp0 and IST stacks */
    uint64_t gdt[7];            /* this CPU's GDT (see arch/x86_64/gdt.c) */
};

extern struct cpu cpus[MAX_CPUS];
extern int ncpus;

static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

/* Points GS at cpus[id] and fills in its identity. Called once per CPU,
   first thing, before anything uses this_cpu(). */
void cpu_init_percpu(int id, uint32_t apic_id);

/* Disable interrupts, counting nesting, so that pop re-enables them only
   when the outermost push had them enabled (xv6's push_off/pop_off). */
void cpu_irq_push(void);
void cpu_irq_pop(void);

/* Stops this CPU for good (interrupts off, hlt forever). */
__attribute__((noreturn)) void cpu_halt_forever(void);

#endif /* !__ASSEMBLER__ */

#endif
