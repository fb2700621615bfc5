/* Thread-local storage: reads the TLS template from the auxiliary vector at
   start-up, and builds a thread's block and TCB (for crt0 and thread_create). */
#include "tls.h"
#include "clock_page.h"
#include "spindle.h"
#include "string.h"
#include <stdint.h>

/* Read-only once crt0 has called tls_main_area_size. */
static struct tls_template template = { .align = 1 };

const struct tls_template *tls_template(void)
{
    return &template;
}

static uintptr_t round_up(uintptr_t v, uintptr_t align) { return (v + align - 1) & ~(align - 1); }

/* The alignment of the thread pointer: the block's (so that the block,
   which ends at tp, is aligned too; Drepper's TLS paper, variant II) and
   at least the TCB's. */
static uintptr_t tp_align(void)
{
    return template.align > 16 ? template.align : 16;
}

/* The distance from the block's start to tp: what ld subtracted when it
   turned each variable's offset into a %fs offset (tlsoffset1 in the
   paper: the block size rounded up to its alignment). */
static uintptr_t block_span(void)
{
    return round_up(template.memsz, template.align);
}

size_t tls_area_size(void)
{
    /* The block, the TCB, and the most that aligning tp down can lose. */
    return round_up(block_span() + sizeof(struct tls_tcb) + tp_align() - 1, 16);
}

void *tls_area_init(void *lo, void *hi)
{
    uintptr_t low = (uintptr_t)lo, high = (uintptr_t)hi;
    if (high < low || high - low < sizeof(struct tls_tcb))
        return NULL;
    uintptr_t tp = (high - sizeof(struct tls_tcb)) & ~(tp_align() - 1);
    if (tp < low || tp - low < block_span())
        return NULL;
    char *block = (char *)(tp - block_span());
    memcpy(block, (const void *)template.addr, template.filesz);
    memset(block + template.filesz, 0, block_span() - template.filesz);     /* .tbss */
    struct tls_tcb *tcb = (struct tls_tcb *)tp;
    memset(tcb, 0, sizeof *tcb);
    tcb->self = tcb;
    return tcb;
}

/*
 * crt0, first thing: finds the auxiliary vector above the initial stack
 * (argc, argv[], NULL, the environment's NULL-ended list, then AT_ pairs:
 * docs/user.md) and keeps the TLS template (and the clock page's address,
 * for clock.c: the one other entry the library needs). Returns tls_area_size(), the
 * bytes crt0 then takes off the stack for the main thread's TLS. Runs
 * without TLS: it must not touch errno or any __thread variable.
 */
size_t tls_main_area_size(const uint64_t *initial_sp)
{
    const uint64_t *p = initial_sp + 1 + initial_sp[0] + 1;    /* past argc, argv, NULL */
    while (*p)                                                  /* the environment */
        p++;
    for (p++; p[0] != AT_NULL; p += 2) {
        switch (p[0]) {
        case AT_TLS_ADDR: template.addr = p[1]; break;
        case AT_TLS_FILESZ: template.filesz = p[1]; break;
        case AT_TLS_MEMSZ: template.memsz = p[1]; break;
        case AT_TLS_ALIGN: template.align = p[1] ? p[1] : 1; break;
        case AT_CLOCK_PAGE: clock_page = (const struct clock_page *)p[1]; break;
        }
    }
    return tls_area_size();
}

/* crt0, next: builds the main thread's TLS in [lo, hi) (tls_main_area_size
   bytes it took off the stack) and makes it the thread's FS base. From
   here on, __thread variables and errno work. */
void tls_main_init(void *lo, void *hi)
{
    void *tp = tls_area_init(lo, hi);
    if (!tp || sys_set_fsbase((uint64_t)tp) < 0) {
        static const char msg[] = "crt0: cannot set up thread-local storage\n";
        sys_write(2, msg, sizeof msg - 1);
        sys_exit(127);
    }
}
