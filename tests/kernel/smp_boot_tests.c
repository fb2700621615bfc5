/* Tests of multiprocessor bring-up: the MADT parser, every CPU online with its
   own timer and IPIs, a CPU that never answers, and a panic that stops every CPU. */
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/sync/semaphore.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/x86.h"
#include "lib/errno.h"
#include "lib/string.h"
#include <stddef.h>

#define SECOND_NS 1000000000ull

/* --- the MADT parser, on tables made here -------------------------------- */

static uint8_t fake_madt[128] __attribute__((aligned(8)));
static size_t fake_len;

static void put8(uint8_t v) { fake_madt[fake_len++] = v; }
static void put16(uint16_t v) { memcpy(&fake_madt[fake_len], &v, 2); fake_len += 2; }
static void put32(uint32_t v) { memcpy(&fake_madt[fake_len], &v, 4); fake_len += 4; }

/* Sets the length field and the checksum of the table built so far. */
static void fake_seal(void)
{
    uint32_t len = (uint32_t)fake_len;
    memcpy(&fake_madt[4], &len, 4);
    fake_madt[9] = 0;
    uint8_t sum = 0;
    for (size_t i = 0; i < fake_len; i++)
        sum += fake_madt[i];
    fake_madt[9] = (uint8_t)-sum;
}

/* A MADT as firmware might write it: two enabled CPUs and a disabled one,
   an x2APIC-only CPU, an I/O APIC at a non-default address, two overrides
   (one level-triggered), and an NMI entry that is not used. */
static void fake_build(void)
{
    memset(fake_madt, 0, sizeof fake_madt);
    fake_len = 0;
    memcpy(fake_madt, "APIC", 4);
    fake_madt[8] = 3;                           /* revision */
    memcpy(&fake_madt[10], "SPNDLE", 6);
    fake_len = sizeof(struct acpi_sdt_header);
    put32(0xFEE00000);                          /* local APIC address */
    put32(1);                                   /* PCAT_COMPAT */
    put8(0); put8(8); put8(0); put8(0); put32(1);       /* CPU, apic 0, enabled */
    put8(0); put8(8); put8(1); put8(5); put32(1);       /* CPU, apic 5, enabled */
    put8(0); put8(8); put8(2); put8(7); put32(0);       /* CPU, apic 7, disabled */
    put8(1); put8(12); put8(2); put8(0); put32(0xFEC01000); put32(0);  /* I/O APIC */
    put8(2); put8(10); put8(0); put8(0); put32(2); put16(0);            /* IRQ 0 -> GSI 2 */
    put8(2); put8(10); put8(0); put8(9); put32(20); put16(0xD);         /* IRQ 9 -> 20, high, level */
    put8(4); put8(6); put8(0xFF); put16(5); put8(1);                    /* LAPIC NMI: unused */
    put8(9); put8(16); put16(0); put32(300); put32(1); put32(3);        /* x2APIC 300 */
    fake_seal();
}

KTEST(test_acpi_madt_parse, "acpi-madt-parse")
{
    struct acpi_madt_info info;
    const struct acpi_sdt_header *h = (const void *)fake_madt;

    fake_build();
    KT_ASSERT(acpi_checksum_ok(fake_madt, fake_len));
    KT_ASSERT_EQ(acpi_parse_madt(h, &info), 0);
    KT_ASSERT_EQ(info.ncpus, 2);
    KT_ASSERT_EQ(info.apic_ids[0], 0);
    KT_ASSERT_EQ(info.apic_ids[1], 5);
    KT_ASSERT_EQ(info.ncpus_disabled, 1);
    KT_ASSERT_EQ(info.ncpus_ignored, 1);        /* the x2APIC-only one */
    KT_ASSERT_EQ(info.lapic_phys, 0xFEE00000);
    KT_ASSERT(info.has_ioapic);
    KT_ASSERT_EQ(info.ioapic_phys, 0xFEC01000);
    KT_ASSERT_EQ(info.ioapic_gsi_base, 0);
    KT_ASSERT_EQ(info.noverrides, 2);
    KT_ASSERT_EQ(info.isa_gsi[0], 2);
    KT_ASSERT_EQ(info.isa_flags[0], 0);
    KT_ASSERT_EQ(info.isa_gsi[9], 20);
    KT_ASSERT_EQ(info.isa_flags[9] & ACPI_INTI_TRIGGER_MASK, ACPI_INTI_TRIGGER_LEVEL);
    KT_ASSERT_EQ(info.isa_flags[9] & ACPI_INTI_POLARITY_MASK, ACPI_INTI_POLARITY_HIGH);
    KT_ASSERT_EQ(info.isa_gsi[4], 4);           /* no override: identity */
    KT_ASSERT_EQ(info.isa_flags[4], 0);

    /* One flipped byte: the checksum no longer adds up. */
    fake_madt[50] ^= 0x40;
    KT_ASSERT(!acpi_checksum_ok(fake_madt, fake_len));
    KT_ASSERT_EQ(acpi_parse_madt(h, &info), -EINVAL);

    /* An entry whose length runs past the table (checksum right). */
    fake_build();
    fake_madt[sizeof(struct acpi_sdt_header) + 8 + 1] = 100;
    fake_seal();
    KT_ASSERT_EQ(acpi_parse_madt(h, &info), -EINVAL);

    /* An entry of length 0 would loop for ever. */
    fake_build();
    fake_madt[sizeof(struct acpi_sdt_header) + 8 + 1] = 0;
    fake_seal();
    KT_ASSERT_EQ(acpi_parse_madt(h, &info), -EINVAL);

    /* Another signature. */
    fake_build();
    memcpy(fake_madt, "FACP", 4);
    fake_seal();
    KT_ASSERT_EQ(acpi_parse_madt(h, &info), -EINVAL);

    /* The machine's own MADT was found and read, and every CPU it lists
       (up to MAX_CPUS) runs. */
    const struct acpi_madt_info *real = acpi_madt();
    KT_ASSERT(real != NULL);
    KT_ASSERT_EQ(ncpus, real->ncpus < MAX_CPUS ? real->ncpus : MAX_CPUS);
}

/* The firmware's tables, corrupted in place: acpi_init must say so and
   give no MADT (one CPU, the default I/O APIC), not crash; mended, it
   finds the MADT again. */
KTEST(test_acpi_bad_checksum, "acpi-bad-checksum")
{
    const struct acpi_madt_info *real = acpi_madt();
    KT_ASSERT(real != NULL);
    int cpus_listed = real->ncpus;

    /* Find the RSDT and the MADT through the RSDP, as acpi_init does: the
       tables are in RAM (through the direct map), so a test may poke them. */
    uint8_t *madt = NULL, *rsdt_bytes = NULL;
    for (uint64_t p = 0xE0000; p < 0x100000 && !madt; p += 16) {
        const char *s = phys_to_virt(p);
        if (memcmp(s, "RSD PTR ", 8) || !acpi_checksum_ok(s, 20))
            continue;
        uint32_t rsdt_phys;
        memcpy(&rsdt_phys, s + 16, 4);
        struct acpi_sdt_header *rsdt = phys_to_virt(rsdt_phys);
        rsdt_bytes = (uint8_t *)rsdt;
        uint32_t n = (rsdt->length - sizeof *rsdt) / 4;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t t;
            memcpy(&t, (uint8_t *)rsdt + sizeof *rsdt + 4 * i, 4);
            if (!memcmp(phys_to_virt(t), "APIC", 4))
                madt = phys_to_virt(t);
        }
    }
    KT_ASSERT(madt != NULL && rsdt_bytes != NULL);
    const size_t checksum_at = offsetof(struct acpi_sdt_header, checksum);

    madt[checksum_at] ^= 1;
    acpi_init();
    const struct acpi_madt_info *broken = acpi_madt();
    madt[checksum_at] ^= 1;
    KT_ASSERT(broken == NULL);

    /* The same for the root table, through which the MADT is found. */
    rsdt_bytes[checksum_at] ^= 1;
    acpi_init();
    broken = acpi_madt();
    rsdt_bytes[checksum_at] ^= 1;
    KT_ASSERT(broken == NULL);

    acpi_init();
    KT_ASSERT(acpi_madt() != NULL);
    KT_ASSERT_EQ(acpi_madt()->ncpus, cpus_listed);
}

/* --- bring-up ------------------------------------------------------------ */

#define SMP_TEST_VECTOR 0x52            /* unused by the kernel */

static uint32_t ipi_taken[MAX_CPUS];

static void count_ipi(struct trap_frame *tf)
{
    (void)tf;
    __atomic_fetch_add(&ipi_taken[this_cpu()->id], 1, __ATOMIC_RELAXED);
}

static uint32_t ipis_total(void)
{
    uint32_t total = 0;
    for (int i = 0; i < ncpus; i++)
        total += __atomic_load_n(&ipi_taken[i], __ATOMIC_RELAXED);
    return total;
}

/* Waits (interrupts on) until the CPUs have taken `want` test IPIs in all,
   or 10 s; then a moment more, so that an IPI too many would be seen. */
static uint32_t wait_ipis(uint32_t want)
{
    uint64_t deadline = clock_ns() + 10 * SECOND_NS;
    while (ipis_total() < want && clock_ns() < deadline)
        cpu_relax();
    thread_sleep_ms(20);
    return ipis_total();
}

KTEST(test_smp_boot, "smp-boot", .min_cpus = 4)
{
    const struct acpi_madt_info *madt = acpi_madt();
    KT_ASSERT(madt != NULL);
    KT_ASSERT_GE(ncpus, 4);
    KT_ASSERT_EQ(ncpus, madt->ncpus < MAX_CPUS ? madt->ncpus : MAX_CPUS);

    /* Every CPU is online, numbered in order, with its own idle thread
       and a distinct APIC ID from the MADT. */
    for (int i = 0; i < ncpus; i++) {
        KT_ASSERT(cpus[i].online);
        KT_ASSERT_EQ(cpus[i].id, i);
        KT_ASSERT(cpus[i].self == &cpus[i]);
        KT_ASSERT(cpus[i].idle != NULL);
        bool listed = false;
        for (int j = 0; j < madt->ncpus; j++)
            listed |= madt->apic_ids[j] == cpus[i].apic_id;
        KT_ASSERT(listed);
        for (int j = 0; j < i; j++)
            KT_ASSERT_NE(cpus[i].apic_id, cpus[j].apic_id);
    }
    KT_ASSERT_EQ(this_cpu()->apic_id, lapic_id());

    /* Every CPU runs its own local APIC timer: its tick count grows. */
    uint64_t before[MAX_CPUS];
    for (int i = 0; i < ncpus; i++)
        before[i] = __atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED);
    uint64_t deadline = clock_ns() + 10 * SECOND_NS;
    for (int i = 0; i < ncpus; i++) {
        while (__atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED) < before[i] + 3 &&
               clock_ns() < deadline)
            cpu_relax();
        KT_ASSERT_GE(__atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED), before[i] + 3);
    }

    /* An IPI to each CPU by APIC ID arrives there, and only there; then
       one "all but self" IPI reaches every other CPU once. The CPU this
       thread runs on is skipped as a target of the directed IPIs, so
       interrupts stay off only around the sends. */
    interrupt_register(SMP_TEST_VECTOR, count_ipi);
    cpu_irq_push();
    int me = this_cpu()->id;
    for (int i = 0; i < ncpus; i++)
        if (i != me)
            lapic_send_ipi(cpus[i].apic_id, SMP_TEST_VECTOR);
    cpu_irq_pop();
    KT_ASSERT_EQ(wait_ipis(ncpus - 1), ncpus - 1);
    for (int i = 0; i < ncpus; i++)
        KT_ASSERT_EQ(__atomic_load_n(&ipi_taken[i], __ATOMIC_RELAXED), i == me ? 0u : 1u);

    cpu_irq_push();
    int sender = this_cpu()->id;        /* this thread may have moved meanwhile */
    uint32_t mine = ipi_taken[sender];
    lapic_send_ipi_others(SMP_TEST_VECTOR);
    cpu_irq_pop();
    KT_ASSERT_EQ(wait_ipis(2 * (ncpus - 1)), 2 * (ncpus - 1));
    KT_ASSERT_EQ(__atomic_load_n(&ipi_taken[sender], __ATOMIC_RELAXED), mine);
}

/* A CPU that never answers (no CPU has APIC ID 0xF0): the start-up gives
   up after SMP_START_TIMEOUT_MS, says so, and leaves the CPUs as they were. */
KTEST(test_smp_start_timeout, "smp-start-timeout", .timeout = 30)
{
    int before = ncpus;
    KT_ASSERT_LT(before, MAX_CPUS);
    KT_ASSERT_EQ(smp_start_cpu(before + 1, 0xF0), -EINVAL);            /* not the next slot */
    KT_ASSERT_EQ(smp_start_cpu(before, cpus[0].apic_id), -EINVAL);     /* already running */
    KT_ASSERT_EQ(smp_start_cpu(before, 0xFF), -EINVAL);                /* broadcast */

    uint64_t start = clock_ns();
    KT_ASSERT_EQ(smp_start_cpu(before, 0xF0), -ETIMEDOUT);
    uint64_t took_ms = (clock_ns() - start) / 1000000;
    KT_ASSERT_GE(took_ms, SMP_START_TIMEOUT_MS);
    KT_ASSERT_LT(took_ms, SMP_START_TIMEOUT_MS + 5000);
    KT_ASSERT_EQ(ncpus, before);
    KT_ASSERT(!cpus[before].online);
    for (int i = 0; i < ncpus; i++)
        KT_ASSERT(cpus[i].online);
}

/* --- a panic stops every CPU --------------------------------------------
   Worker threads keep every CPU busy printing; then one (or, in the race
   variant, every worker off CPU 0 at once) panics. The system tests of
   the same names (tests/system.py) check that exactly one PANIC: line
   comes out, whole, and that nothing the workers print comes after it.
   smp-panic-halt boots with panic=halt: the panicking CPU halts instead
   of powering off, so QEMU runs on until the runner's timeout, and any
   CPU the panic failed to stop goes on printing for all to see. (With a
   power-off, such a CPU may stay silent by luck: QEMU serialises port
   I/O, and the panicking CPU's stream of UART writes can starve the
   others' until the power-off ends everything.) smp-panic-race keeps
   the power-off. */

#define PANIC_WORKERS   8
/* Rounds between a worker's lines: often enough that some CPU is always
   printing (or waiting for the console lock to print), so that a CPU the
   panic failed to stop shows in the output. */
#define PRINT_EVERY     10

static struct semaphore panic_go = SEMAPHORE_INIT(panic_go, 0, "panic-go");
static int worker_cpu[PANIC_WORKERS];   /* last CPU each worker was seen on, -1: not yet */
static int workers_started;
/* What the workers off CPU 0 do: print and spin (PANIC_NOT_YET), one of
   them panics (PANIC_ONE); or all stop printing and spin on this variable
   (PANIC_ARM, counting themselves in workers_armed), so that at
   PANIC_ALL they all call panic within the same microseconds. */
enum { PANIC_NOT_YET, PANIC_ONE, PANIC_ARM, PANIC_ALL };
static int panic_now;
static int panic_claimed;
static int workers_armed;

static void release_worker(struct trap_frame *tf)
{
    (void)tf;
    /* Runs on the CPU the IPI went to. With the scheduler as it is, a
       woken thread is queued on the waking CPU, so this moves one worker
       to this CPU; with load balancing it goes wherever the balancer
       likes, which serves as well. */
    sema_up(&panic_go);
}

static __attribute__((noinline)) void smp_panic_halt_trigger(int worker)
{
    panic("smp-panic-halt: deliberate panic in worker %d on cpu %d", worker, this_cpu()->id);
}

static long panic_worker(void *arg)
{
    int me = (int)(long)arg;
    __atomic_fetch_add(&workers_started, 1, __ATOMIC_SEQ_CST);
    sema_down(&panic_go);
    bool armed = false;
    for (unsigned long round = 0;; round++) {
        int cpu = this_cpu()->id;       /* may be stale at once: only a hint */
        __atomic_store_n(&worker_cpu[me], cpu, __ATOMIC_RELAXED);
        int mode = __atomic_load_n(&panic_now, __ATOMIC_ACQUIRE);
        if (cpu != 0 && mode == PANIC_ONE && !__atomic_exchange_n(&panic_claimed, 1, __ATOMIC_SEQ_CST))
            smp_panic_halt_trigger(me);
        if (cpu != 0 && mode == PANIC_ALL)
            smp_panic_halt_trigger(me);
        if (cpu != 0 && mode == PANIC_ARM) {
            if (!armed)
                __atomic_fetch_add(&workers_armed, 1, __ATOMIC_SEQ_CST);
            armed = true;
            continue;
        }
        if (round % PRINT_EVERY == 0)
            printk("smp-panic-halt: worker %d on cpu %d, round %lu\n", me, cpu, round);
    }
    return 0;
}

static int cpus_with_workers(void)
{
    bool seen[MAX_CPUS] = { false };
    int n = 0;
    for (int i = 0; i < PANIC_WORKERS; i++) {
        int c = __atomic_load_n(&worker_cpu[i], __ATOMIC_RELAXED);
        if (c > 0 && !seen[c]) {
            seen[c] = true;
            n++;
        }
    }
    return n;
}

/* The body of both tests: workers on every CPU, printing; then, with
   every CPU off 0 holding one, the panic (mode PANIC_ONE or PANIC_ALL). */
static void panic_with_every_cpu_busy(int mode)
{
    KT_ASSERT_GE(ncpus, 2);
    for (int i = 0; i < PANIC_WORKERS; i++)
        worker_cpu[i] = -1;
    interrupt_register(SMP_TEST_VECTOR, release_worker);
    for (int i = 0; i < PANIC_WORKERS; i++)
        KT_ASSERT_GT(thread_create("panic-worker", panic_worker, (void *)(long)i), 0);
    uint64_t deadline = clock_ns() + 20 * SECOND_NS;
    while (__atomic_load_n(&workers_started, __ATOMIC_SEQ_CST) < PANIC_WORKERS &&
           clock_ns() < deadline)
        thread_sleep_ms(10);
    KT_ASSERT_EQ(workers_started, PANIC_WORKERS);
    thread_sleep_ms(20);                /* the last one gets from the count to sema_down */

    /* One worker to each other CPU (released there by an IPI), the rest here. */
    int pulled = ncpus - 1 < PANIC_WORKERS ? ncpus - 1 : PANIC_WORKERS;
    for (int i = 1; i <= pulled; i++)
        lapic_send_ipi(cpus[i].apic_id, SMP_TEST_VECTOR);
    for (int i = pulled; i < PANIC_WORKERS; i++)
        sema_up(&panic_go);

    int want = ncpus - 1 < 3 ? ncpus - 1 : 3;
    while (cpus_with_workers() < want && clock_ns() < deadline)
        thread_sleep_ms(10);
    KT_ASSERT_GE(cpus_with_workers(), want);

    /* Let them print for a moment, then pull the trigger and keep this
       CPU printing too, until the panic stops it. */
    thread_sleep_ms(50);
    if (mode == PANIC_ALL) {
        __atomic_store_n(&panic_now, PANIC_ARM, __ATOMIC_RELEASE);
        while (__atomic_load_n(&workers_armed, __ATOMIC_SEQ_CST) < want && clock_ns() < deadline)
            cpu_relax();
    }
    __atomic_store_n(&panic_now, mode, __ATOMIC_RELEASE);
    for (unsigned long round = 0;; round++) {
        if (round % PRINT_EVERY == 0)
            printk("smp-panic-halt: main on cpu %d, round %lu\n", this_cpu()->id, round);
        if (clock_ns() > deadline)
            KT_ASSERT(!"no worker panicked");
    }
}

KTEST(test_smp_panic_halt, "smp-panic-halt", .min_cpus = 4, .args = "panic=halt",
      .expect_panic = "PANIC: smp-panic-halt: deliberate panic in worker",
      .panic_in = "smp_panic_halt_trigger")
{
    panic_with_every_cpu_busy(PANIC_ONE);
}

KTEST(test_smp_panic_race, "smp-panic-race", .min_cpus = 4,
      .expect_panic = "PANIC: smp-panic-halt: deliberate panic in worker",
      .panic_in = "smp_panic_halt_trigger")
{
    panic_with_every_cpu_busy(PANIC_ALL);
}
