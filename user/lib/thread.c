/* User threads: thread_create gives each thread a stack with a guard page
   below it (thread_stack.c) and its TLS at the top of it (tls.c), and
   thread_join gives that stack back. */
#include "thread.h"
#include "spindle.h"
#include "lib_lock.h"
#include "thread_stack.h"
#include "tls.h"
#include <stdint.h>

/*
 * What a thread created here needs to start, and what thread_join needs to
 * give its stack back. It lives at the very top of the thread's own stack
 * (the thread's frames start just below it), so creating a thread needs no
 * malloc. Records of threads not yet joined are kept in a hash table by
 * tid, so that thread_join finds one at once even with hundreds of threads
 * alive (with one list, under QEMU TCG, joining 500 threads in the order
 * they were made walked 250 records per join, each on a different stack
 * page: 14 us more per join than with this table).
 */
struct thread_record {
    struct thread_record *next;     /* in its bucket, under thread_records_lock */
    thread_t tid;
    void *(*fn)(void *);
    void *arg;
    char *stack_base;               /* lowest address of the stack, above the guard page */
};

/* Tids are handed out in sequence, so tid % buckets spreads them evenly;
   2 KiB of .bss. */
#define THREAD_RECORD_BUCKETS 256

static lib_lock_t thread_records_lock = LIB_LOCK_INITIALIZER;
static struct thread_record *thread_records[THREAD_RECORD_BUCKETS];

static struct thread_record **thread_bucket(thread_t tid)
{
    return &thread_records[(unsigned)tid % THREAD_RECORD_BUCKETS];
}

/* Where every new thread starts (SYS_thread_create enters it as a function
   called with rec, %rsp = rec - 8 like just after a call). */
__attribute__((noreturn)) static void thread_start(void *p)
{
    struct thread_record *rec = p;
    thread_exit(rec->fn(rec->arg));
}

int thread_create(thread_t *t, void *(*fn)(void *), void *arg)
{
    char *base;
    int err = thread_stack_get(&base);
    if (err < 0)
        return err;
    /* The top of the stack holds the thread's TLS block and TCB (tls.h;
       at most TLS_MEMSZ_MAX + TLS_ALIGN_MAX + 64 bytes, checked by the
       kernel), then the record; the thread's frames start below them. */
    char *top = base + THREAD_STACK_SIZE;
    char *tls_low = top - tls_area_size();
    void *tp = tls_area_init(tls_low, top);
    if (!tp) {
        thread_stack_put(base);
        return -ENOMEM;
    }
    /* 16-byte aligned, so the thread finds %rsp = 8 mod 16 as after a call. */
    struct thread_record *rec =
        (struct thread_record *)(((uintptr_t)tls_low - sizeof *rec) & ~(uintptr_t)15);
    rec->fn = fn;
    rec->arg = arg;
    rec->stack_base = base;

    /* Held across the creation, so a thread_join of the new tid (which can
       only come after it is known) finds the record registered. */
    lib_lock(&thread_records_lock);
    int tid = sys_thread_create_tls(thread_start, rec, rec, tp);
    if (tid < 0) {
        lib_unlock(&thread_records_lock);
        thread_stack_unmap(base);       /* memory may be short: give it back */
        return tid;
    }
    rec->tid = tid;
    struct thread_record **bucket = thread_bucket(tid);
    rec->next = *bucket;
    *bucket = rec;
    lib_unlock(&thread_records_lock);
    *t = tid;
    return 0;
}

int thread_join(thread_t t, void **ret)
{
    long value;
    int err = sys_thread_join(t, &value);
    if (err < 0)
        return err;
    if (ret)
        *ret = (void *)value;

    /* The kernel thread has exited and will never run on its stack again:
       the stack can go back (to the cache: thread_stack_put). A thread not
       made by thread_create (the main thread) has no record. */
    struct thread_record *rec = NULL;
    lib_lock(&thread_records_lock);
    for (struct thread_record **p = thread_bucket(t); *p; p = &(*p)->next) {
        if ((*p)->tid == t) {
            rec = *p;
            *p = rec->next;
            break;
        }
    }
    lib_unlock(&thread_records_lock);
    if (rec)
        thread_stack_put(rec->stack_base);
    return 0;
}

void thread_exit(void *ret)
{
    sys_thread_exit((long)ret);
}

thread_t thread_self(void)
{
    return sys_gettid();
}

void thread_yield(void)
{
    sys_yield();
}
