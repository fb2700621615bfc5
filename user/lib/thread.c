/* User threads: thread_create gives each thread an mmap'd stack with a
   guard page below it, and thread_join frees that stack again. */
#include "thread.h"
#include "spindle.h"
#include "sync.h"
#include <stdint.h>

#define GUARD_SIZE 4096

/*
 * What a thread created here needs to start, and what thread_join needs to
 * free its stack. It lives at the very top of the thread's own stack (the
 * thread's frames start just below it), so creating a thread needs no
 * malloc; records of threads not yet joined are kept in a list.
 */
struct thread_record {
    struct thread_record *next;     /* in thread_records, under thread_records_lock */
    thread_t tid;
    void *(*fn)(void *);
    void *arg;
    char *stack_base;               /* lowest address of the stack, above the guard page */
};

static mutex_t thread_records_lock = MUTEX_INITIALIZER;
static struct thread_record *thread_records;

/* Where every new thread starts (SYS_thread_create enters it as a function
   called with rec, %rsp = rec - 8 like just after a call). */
__attribute__((noreturn)) static void thread_start(void *p)
{
    struct thread_record *rec = p;
    thread_exit(rec->fn(rec->arg));
}

/*
 * The stack: mmap THREAD_STACK_SIZE + one page, then munmap the lowest page.
 * The hole is the guard page: a stack overflow faults there instead of
 * running into whatever lies below. It stays a hole because the kernel
 * never hands out a freed user address again (its mmap is a bump pointer in
 * this version). Two separate mmaps could not do it: nothing promises that
 * they are adjacent.
 */
int thread_create(thread_t *t, void *(*fn)(void *), void *arg)
{
    char *map = sys_mmap(THREAD_STACK_SIZE + GUARD_SIZE, PROT_READ | PROT_WRITE);
    if (mmap_failed(map))
        return (int)(intptr_t)map;
    int err = sys_munmap(map, GUARD_SIZE);
    if (err < 0) {
        sys_munmap(map, THREAD_STACK_SIZE + GUARD_SIZE);
        return err;
    }
    char *base = map + GUARD_SIZE;
    uintptr_t top = (uintptr_t)(base + THREAD_STACK_SIZE);
    /* 16-byte aligned, so the thread finds %rsp = 8 mod 16 as after a call. */
    struct thread_record *rec = (struct thread_record *)((top - sizeof *rec) & ~(uintptr_t)15);
    rec->fn = fn;
    rec->arg = arg;
    rec->stack_base = base;

    /* Held across the creation, so a thread_join of the new tid (which can
       only come after it is known) finds the record registered. */
    mutex_lock(&thread_records_lock);
    int tid = sys_thread_create(thread_start, rec, rec);
    if (tid < 0) {
        mutex_unlock(&thread_records_lock);
        sys_munmap(base, THREAD_STACK_SIZE);
        return tid;
    }
    rec->tid = tid;
    rec->next = thread_records;
    thread_records = rec;
    mutex_unlock(&thread_records_lock);
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

    /* The thread has ended and is off its stack: free it. A thread not
       made by thread_create (the main thread) has no record. */
    struct thread_record *rec = NULL;
    mutex_lock(&thread_records_lock);
    for (struct thread_record **p = &thread_records; *p; p = &(*p)->next) {
        if ((*p)->tid == t) {
            rec = *p;
            *p = rec->next;
            break;
        }
    }
    mutex_unlock(&thread_records_lock);
    if (rec)
        sys_munmap(rec->stack_base, THREAD_STACK_SIZE);
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
