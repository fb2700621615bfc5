/* User threads in the spirit of POSIX threads: every thread of a process
   shares its code, globals and heap, and has its own stack and registers. */
#ifndef USER_THREAD_H
#define USER_THREAD_H

#include <stddef.h>

typedef int thread_t;               /* the kernel's tid */

#define THREAD_STACK_SIZE (64 * 1024)   /* each thread's stack, with a guard page below */
#define THREAD_STACK_CACHE_MAX 16       /* joined threads' stacks kept for reuse, at most */

/* Starts fn(arg) in a new thread; stores its id in *t. Returns 0 or a
   negative error (-ENOMEM, -EAGAIN...). */
int thread_create(thread_t *t, void *(*fn)(void *), void *arg);

/* Waits for t to end; stores its return value (or thread_exit's argument)
   in *ret if ret is not NULL, and frees its stack (or keeps it for the
   next thread_create: thread_stack_cache_flush). Returns 0 or -ESRCH,
   -EDEADLK (joining yourself), -EINVAL (already joined / being joined). */
int thread_join(thread_t t, void **ret);

/* Ends the calling thread (only it) with value ret. */
__attribute__((noreturn)) void thread_exit(void *ret);

/* Unmaps the stacks that thread_join keeps for later thread_creates (up to
   THREAD_STACK_CACHE_MAX): gives their memory back to the kernel now. */
void thread_stack_cache_flush(void);

thread_t thread_self(void);
void thread_yield(void);

#endif
