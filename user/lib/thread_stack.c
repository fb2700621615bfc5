/* Thread stacks: each is mapped with a guard page below it, and a joined
   thread's stack waits in a bounded cache for the next thread_create. */
#include "thread_stack.h"
#include "thread.h"
#include "spindle.h"
#include "lib_lock.h"
#include <stdint.h>

#define GUARD_SIZE 4096

/*
 * Why a cache: SYS_mmap backs every page at once with a zeroed frame and
 * SYS_munmap frees them one by one, so a fresh 64 KiB stack costs the
 * kernel 17 page allocations, zeroings and mappings, and its unmap 16
 * unmaps and TLB flushes -- under QEMU TCG about 40 us of a create+join
 * pair that is otherwise about 15 us. glibc's threads (nptl) keep the
 * stacks of joined threads for reuse for the same reason.
 *
 * The cache is a LIFO list (the most recently used stack is the likeliest
 * to be in the TLB and caches) of at most THREAD_STACK_CACHE_MAX stacks, so
 * that a program that once ran 500 threads does not keep 32 MiB mapped
 * forever. A cached stack keeps its guard page: it is never unmapped or
 * remapped while cached, so the hole stays a hole.
 *
 * The list's link lives in the cached stack itself, at its base: the stack
 * is unused while cached, so the cache needs no memory of its own.
 */
struct cached_stack {
    struct cached_stack *next;
};

static lib_lock_t stack_cache_lock = LIB_LOCK_INITIALIZER;
static struct cached_stack *stack_cache;        /* under stack_cache_lock */
static int stack_cache_count;                   /* stacks in stack_cache */

/*
 * A new stack: mmap THREAD_STACK_SIZE + one page, then munmap the lowest
 * page. The hole is the guard page: a stack overflow faults there instead
 * of running into whatever lies below. It stays a hole because the kernel
 * never hands out a freed user address again (its mmap is a bump pointer
 * in this version). Two separate mmaps could not do it: nothing promises
 * that they are adjacent.
 */
static int map_stack(char **base)
{
    char *map = sys_mmap(THREAD_STACK_SIZE + GUARD_SIZE, PROT_READ | PROT_WRITE);
    if (mmap_failed(map))
        return (int)(intptr_t)map;
    int err = sys_munmap(map, GUARD_SIZE);
    if (err < 0) {
        sys_munmap(map, THREAD_STACK_SIZE + GUARD_SIZE);
        return err;
    }
    *base = map + GUARD_SIZE;
    return 0;
}

int thread_stack_get(char **base)
{
    lib_lock(&stack_cache_lock);
    struct cached_stack *s = stack_cache;
    if (s) {
        stack_cache = s->next;
        stack_cache_count--;
    }
    lib_unlock(&stack_cache_lock);
    if (s) {
        *base = (char *)s;
        return 0;
    }
    return map_stack(base);
}

void thread_stack_put(char *base)
{
    struct cached_stack *s = (struct cached_stack *)base;
    lib_lock(&stack_cache_lock);
    if (stack_cache_count < THREAD_STACK_CACHE_MAX) {
        s->next = stack_cache;
        stack_cache = s;
        stack_cache_count++;
        s = NULL;
    }
    lib_unlock(&stack_cache_lock);
    if (s)                              /* the cache is full */
        thread_stack_unmap(base);
}

void thread_stack_unmap(char *base)
{
    /* The guard page below base is unmapped already. */
    sys_munmap(base, THREAD_STACK_SIZE);
}

void thread_stack_cache_flush(void)
{
    lib_lock(&stack_cache_lock);
    struct cached_stack *s = stack_cache;
    stack_cache = NULL;
    stack_cache_count = 0;
    lib_unlock(&stack_cache_lock);
    while (s) {
        struct cached_stack *next = s->next;
        thread_stack_unmap((char *)s);
        s = next;
    }
}
