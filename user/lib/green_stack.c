/* Green threads' stacks: size-aligned slots carved from mmap'ed chunks, a
   guard page and a canary per slot, recycled from task to task. */
#include "green_internal.h"
#include "spindle.h"
#include "stdio.h"
#include "stdlib.h"
#include "string.h"

/*
 * Why slots aligned to their size: a task finds its own descriptor from
 * its stack pointer alone (round %rsp down to the slot size, read the
 * header there), with no system call and no thread-local storage -- the
 * way early Linux found `current` from the kernel stack pointer. To tell a
 * task's stack from any other stack (the main thread's, a scheduler
 * thread's), the chunks that hold slots are aligned to GREEN_STACK_MAX and
 * recorded in a hash set: %rsp rounded down to a chunk is a green stack
 * only if that chunk is in the set, and no unknown memory is ever read.
 *
 * A slot, lowest address first:
 *
 *   [guard page, unmapped: slots of 8 KiB and more]
 *   [header: owner task, canary]     <- an overflow reaches the canary first
 *   [the stack, growing down from the slot's top]
 *
 * SYS_mmap maps every page at once (kernel/mm/uvm.c), so a chunk costs its
 * frames when it is made, less the guard pages, which are unmapped again
 * (a hole the kernel never hands out again: its mmap only moves up).
 * Chunks are given back only by green_stack_release_all, when green_run
 * ends; in between, a finished task's slot goes on a free list (LIFO: the
 * slot most recently used is the likeliest to be in the caches and TLB).
 */

#define CHUNK_SIZE GREEN_STACK_MAX
#define GUARD_SIZE 4096
#define GUARD_FROM (2 * GUARD_SIZE)     /* smallest slot that gets a guard page */
#define CANARY 0x5354414b43414e59ull    /* "STAKCANY": unlikely as data or an address */

/* 8192 entries (64 KiB of .bss): a quarter full with 2,000 chunks = 500 MiB of stacks. */
#define CHUNK_TABLE_BITS 13
#define CHUNK_TABLE_SIZE (1u << CHUNK_TABLE_BITS)

struct slot_header {
    struct green_task *owner;       /* while free: the next free slot's header, cast */
    uint64_t canary;
};

static mutex_t stack_lock = MUTEX_INITIALIZER;
static size_t slot_size = GREEN_STACK_DEFAULT;
static size_t header_offset = GUARD_SIZE;       /* from a slot's base to its header */
static struct slot_header *free_slots;          /* under stack_lock */
static uint64_t slots_made, chunk_bytes;        /* under stack_lock */
static uintptr_t chunk_table[CHUNK_TABLE_SIZE]; /* written under stack_lock, read without */
static unsigned chunk_count;

static unsigned chunk_hash(uintptr_t chunk)
{
    /* Fibonacci hashing of the chunk number (Knuth, TAOCP 6.4). */
    return (unsigned)(((chunk / CHUNK_SIZE) * 0x9e3779b97f4a7c15ull) >> (64 - CHUNK_TABLE_BITS));
}

/* True if chunk (aligned) is one of ours. Lock-free: entries only appear
   while tasks run (never disappear), and a chunk is entered before any of
   its slots is handed out, under stack_lock, which the task that later
   asks took after that (so the probe sees every entry on its path). */
static bool chunk_known(uintptr_t chunk)
{
    for (unsigned i = chunk_hash(chunk);; i = (i + 1) & (CHUNK_TABLE_SIZE - 1)) {
        uintptr_t e = __atomic_load_n(&chunk_table[i], __ATOMIC_ACQUIRE);
        if (e == chunk)
            return true;
        if (e == 0)
            return false;
    }
}

static struct slot_header *header_of(char *slot)
{
    return (struct slot_header *)(slot + header_offset);
}

size_t green_stack_slot_size(void)
{
    return slot_size;
}

int green_stack_configure(size_t size)
{
    if (size == 0)
        size = GREEN_STACK_DEFAULT;
    if (size < GREEN_STACK_MIN || size > GREEN_STACK_MAX || (size & (size - 1)))
        return -EINVAL;
    mutex_lock(&stack_lock);
    slot_size = size;
    header_offset = size >= GUARD_FROM ? GUARD_SIZE : 0;
    slots_made = chunk_bytes = 0;
    mutex_unlock(&stack_lock);
    return 0;
}

/* Maps a chunk aligned to CHUNK_SIZE and puts its slots on the free list.
   Called with stack_lock held. 0 or -ENOMEM. */
static int add_chunk(void)
{
    /* mmap only promises page alignment: take twice the size and give
       back what lies outside the aligned chunk. */
    if (chunk_count >= CHUNK_TABLE_SIZE / 2)
        return -ENOMEM;                 /* keep the table's probes short */
    char *map = sys_mmap(2 * CHUNK_SIZE, PROT_READ | PROT_WRITE);
    if (mmap_failed(map))
        return -ENOMEM;
    uintptr_t chunk = ((uintptr_t)map + CHUNK_SIZE - 1) & ~(uintptr_t)(CHUNK_SIZE - 1);
    if (chunk > (uintptr_t)map)
        sys_munmap(map, chunk - (uintptr_t)map);
    uintptr_t tail = chunk + CHUNK_SIZE, end = (uintptr_t)map + 2 * CHUNK_SIZE;
    if (tail < end)
        sys_munmap((void *)tail, end - tail);

    for (uintptr_t slot = chunk; slot < chunk + CHUNK_SIZE; slot += slot_size) {
        if (header_offset)
            sys_munmap((void *)slot, GUARD_SIZE);
        struct slot_header *h = header_of((char *)slot);
        h->owner = (struct green_task *)free_slots;
        free_slots = h;
        slots_made++;
    }
    unsigned i = chunk_hash(chunk);
    while (chunk_table[i])
        i = (i + 1) & (CHUNK_TABLE_SIZE - 1);
    __atomic_store_n(&chunk_table[i], chunk, __ATOMIC_RELEASE);
    chunk_count++;
    chunk_bytes += CHUNK_SIZE;
    return 0;
}

int green_stack_get(struct green_task *task)
{
    mutex_lock(&stack_lock);
    if (!free_slots) {
        int err = add_chunk();
        if (err < 0) {
            mutex_unlock(&stack_lock);
            return err;
        }
    }
    struct slot_header *h = free_slots;
    free_slots = (struct slot_header *)h->owner;
    mutex_unlock(&stack_lock);
    h->owner = task;
    h->canary = CANARY;
    task->stack = (char *)h - header_offset;
    return 0;
}

void green_stack_put(char *slot)
{
    struct slot_header *h = header_of(slot);
    mutex_lock(&stack_lock);
    h->owner = (struct green_task *)free_slots;
    free_slots = h;
    mutex_unlock(&stack_lock);
}

/* Not printf: we may be on the very stack that overflowed. */
__attribute__((noreturn, noinline)) static void overflow_on_own_stack(void)
{
    static const char msg[] = "green: a task overflowed its stack (its canary is overwritten)\n";
    sys_write(2, msg, sizeof msg - 1);
    abort();
}

struct green_task *green_stack_owner(uintptr_t sp)
{
    if (!chunk_known(sp & ~(uintptr_t)(CHUNK_SIZE - 1)))
        return NULL;
    struct slot_header *h = header_of((char *)(sp & ~(uintptr_t)(slot_size - 1)));
    if (h->canary != CANARY)
        overflow_on_own_stack();
    return h->owner;
}

bool green_stack_intact(struct green_task *task)
{
    struct slot_header *h = header_of(task->stack);
    return h->canary == CANARY && h->owner == task;
}

void green_stack_release_all(void)
{
    mutex_lock(&stack_lock);
    for (unsigned i = 0; i < CHUNK_TABLE_SIZE; i++) {
        if (chunk_table[i]) {
            sys_munmap((void *)chunk_table[i], CHUNK_SIZE);     /* the guard holes are skipped */
            chunk_table[i] = 0;
        }
    }
    chunk_count = 0;
    free_slots = NULL;
    mutex_unlock(&stack_lock);
}

uint64_t green_stack_slots_made(void)
{
    return slots_made;
}

uint64_t green_stack_chunk_bytes(void)
{
    return chunk_bytes;
}
