/* Thread stacks for thread.c: mapped with a guard page below, and kept in a
   small cache after thread_join so the next thread_create can reuse them. */
#ifndef USER_LIB_THREAD_STACK_H
#define USER_LIB_THREAD_STACK_H

/*
 * A stack is THREAD_STACK_SIZE bytes of read-write memory with an unmapped
 * guard page just below it; it is named by its base, the lowest address of
 * the read-write part. Private to user/lib (thread.c); thread.h declares
 * thread_stack_cache_flush for programs.
 */

/* Takes a stack from the cache, or maps a new one. Stores its base in
   *base and returns 0, or returns a negative error (-ENOMEM...). The
   contents of a reused stack are whatever its last thread left there. */
int thread_stack_get(char **base);

/*
 * Gives back a stack whose thread is gone for good: SYS_thread_join on it
 * returned 0 (the kernel thread has exited and will never touch the stack
 * again), or it never ran a thread. It goes into the cache, or is unmapped
 * when the cache holds THREAD_STACK_CACHE_MAX stacks already.
 */
void thread_stack_put(char *base);

/* Unmaps a stack (and its guard) at once, bypassing the cache: for a
   stack that was never used, when memory may be short. */
void thread_stack_unmap(char *base);

#endif
