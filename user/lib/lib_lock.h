/* The lock of the user library's own data (the heap, the thread records,
   the stack cache): a binary semaphore. Private to user/lib. */
#ifndef USER_LIB_LIB_LOCK_H
#define USER_LIB_LIB_LOCK_H

#include "sync.h"

/*
 * Why not mutex_t: the mutex's slow paths are an exercise of the
 * synchronization lab (docs/labs/sync.md), and in a student's tree they
 * may be missing or wrong. malloc, thread_create and thread_join must
 * still work there -- init, the shell and every other test use them -- so
 * the library locks its data with a semaphore of count 1 instead, which
 * behaves like a mutex: no system call when nobody waits, and a waiter
 * sleeps in the kernel (semaphore.c).
 */
typedef sem_t lib_lock_t;
#define LIB_LOCK_INITIALIZER SEM_INITIALIZER(1)

static inline void lib_lock(lib_lock_t *l)
{
    sem_wait(l);
}

static inline void lib_unlock(lib_lock_t *l)
{
    sem_post(l);
}

#endif
