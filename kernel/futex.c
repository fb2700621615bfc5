/* Futexes ("fast user-space mutexes"): a thread sleeps on a user address
   until another wakes that address. User locks use them only under contention. */
#include "kernel/syscall.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/spinlock.h"
#include "kernel/sync/waitqueue.h"
#include "lib/errno.h"

/* Waiters hash by (process, address) into buckets; each bucket's lock
   protects its queue. A waiter records its key in futex_key_* fields. */
#define BUCKETS 64

struct bucket {
    struct spinlock lock;
    struct wait_queue waiters;
};

static struct bucket buckets[BUCKETS];
static bool buckets_ready;
static struct spinlock init_lock = SPINLOCK_INIT("futex-init");

static struct bucket *bucket_of(struct process *p, uint64_t uaddr)
{
    if (!__atomic_load_n(&buckets_ready, __ATOMIC_ACQUIRE)) {
        spin_lock(&init_lock);
        if (!buckets_ready) {
            for (int i = 0; i < BUCKETS; i++) {
                spin_init(&buckets[i].lock, "futex");
                waitqueue_init(&buckets[i].waiters);
            }
            __atomic_store_n(&buckets_ready, true, __ATOMIC_RELEASE);
        }
        spin_unlock(&init_lock);
    }
    uint64_t h = (uaddr >> 2) ^ ((uint64_t)p >> 4);
    h ^= h >> 17;
    return &buckets[h % BUCKETS];
}

/* A futex word: 4 bytes, aligned, in the user half and readable. */
static int check_word(uint64_t uaddr, uint32_t *value)
{
    if (uaddr & 3)
        return -EINVAL;
    return copy_from_user(value, uaddr, sizeof *value);
}

long sys_futex_wait(const struct syscall_args *a)
{
    uint64_t uaddr = a->arg[0];
    uint32_t expected = (uint32_t)a->arg[1];
    int64_t timeout_ns = (int64_t)a->arg[2];
    struct thread *self = thread_current();
    struct bucket *b = bucket_of(self->process, uaddr);
    uint64_t wake_tick = 0;
    if (timeout_ns >= 0) {
        uint64_t hz = (uint64_t)timer_hz();
        /* At least the time asked: round up, and one more for the tick
           already under way. */
        wake_tick = timer_ticks() + ((uint64_t)timeout_ns / 1000 * hz + 999999) / 1000000 + 1;
    }
    spin_lock(&b->lock);
    uint32_t value;
    /* Read the word under the bucket lock: a waker changes it and then
       takes the lock, so it cannot wake before we are queued. */
    int err = check_word(uaddr, &value);
    if (err == 0 && value != expected)
        err = -EAGAIN;
    if (err == 0 && timeout_ns == 0)
        err = -ETIMEDOUT;
    if (err == 0) {
        self->futex_process = self->process;
        self->futex_addr = uaddr;
        err = waitqueue_wait_interruptible(&b->waiters, &b->lock, "futex", wake_tick);
    }
    spin_unlock(&b->lock);
    return err;
}

long sys_futex_wake(const struct syscall_args *a)
{
    uint64_t uaddr = a->arg[0];
    int count = (int)a->arg[1];
    struct process *p = thread_current()->process;
    uint32_t value;
    int err = check_word(uaddr, &value);
    if (err < 0)
        return err;
    if (count < 0)
        return -EINVAL;
    struct bucket *b = bucket_of(p, uaddr);
    int woken = 0;
    spin_lock(&b->lock);
    list_for_each_safe(n, &b->waiters.waiters) {
        if (woken == count)
            break;
        struct thread *t = list_entry(n, struct thread, wait_node);
        if (t->futex_process == p && t->futex_addr == uaddr) {
            waitqueue_wake_thread(t);
            woken++;
        }
    }
    spin_unlock(&b->lock);
    return woken;
}
