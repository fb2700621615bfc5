/* Processes: spawning a program into a new address space, ending a process
   with all its threads, and a parent waiting for its children. */
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/programs.h"
#include "kernel/elf.h"
#include "kernel/mm/uvm.h"
#include "kernel/mm/kheap.h"
#include "kernel/sched/sched.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/abi.h"

struct process kernel_process = {
    .pid = 0,
    .name = "kernel",
    .state = PROCESS_ALIVE,
    .threads = LIST_INIT(kernel_process.threads),
    .children = LIST_INIT(kernel_process.children),
    .child_exited = WAIT_QUEUE_INIT(kernel_process.child_exited),
    .mmap_areas = LIST_INIT(kernel_process.mmap_areas),
};

/* Every process, and the ended ones nobody will wait for; under sched_lock. */
static struct list all_processes = LIST_INIT(all_processes);
static struct list orphan_zombies = LIST_INIT(orphan_zombies);
static int next_pid = 1;
static int nprocesses = 1;

void process_init(void)
{
    kernel_process.vm_root = paging_kernel_root();
    mutex_init(&kernel_process.vm_lock, "kernel-vm");
    list_push_back(&all_processes, &kernel_process.all_node);
}

struct process *process_find(int pid)
{
    ASSERT(spin_holding(&sched_lock));
    list_for_each(n, &all_processes) {
        struct process *p = list_entry(n, struct process, all_node);
        if (p->pid == pid)
            return p;
    }
    return 0;
}

int process_count(void)
{
    return __atomic_load_n(&nprocesses, __ATOMIC_RELAXED);
}

static struct process *process_alloc(const char *name)
{
    struct process *p = kzalloc(sizeof *p);
    if (!p)
        return 0;
    strlcpy(p->name, name, sizeof p->name);
    p->state = PROCESS_ALIVE;
    list_init(&p->threads);
    list_init(&p->children);
    list_node_init(&p->child_node);
    list_node_init(&p->all_node);
    waitqueue_init(&p->child_exited);
    mutex_init(&p->vm_lock, "vm");
    if (uvm_init(p) < 0) {
        kfree(p);
        return 0;
    }
    return p;
}

/* Frees a process that never ran or has been reaped. */
static void process_free(struct process *p)
{
    uvm_destroy(p);
    kfree(p);
}

int process_spawn(const char *name, int argc, char *const argv[], struct process *parent)
{
    const struct program *prog = program_find(name);
    if (!prog)
        return -ENOENT;
    struct process *p = process_alloc(name);
    if (!p)
        return -ENOMEM;
    uint64_t entry, stack;
    int err = elf_load(p, prog->image, prog->size, &entry);
    if (err == 0)
        err = uvm_setup_stack(p, argc, argv, &stack);
    if (err < 0) {
        process_free(p);
        return err;
    }

    spin_lock(&sched_lock);
    p->pid = next_pid++;
    p->parent = parent;
    if (parent)
        list_push_back(&parent->children, &p->child_node);
    list_push_back(&all_processes, &p->all_node);
    nprocesses++;
    int pid = p->pid;
    spin_unlock(&sched_lock);

    /* argc in %rdi as well as on the stack, for the curious; crt0 reads the stack. */
    struct user_thread_start start = {
        .entry = entry, .arg = (uint64_t)argc, .stack = stack,
        .stack_low = USER_STACK_TOP - USER_STACK_SIZE, .stack_high = USER_STACK_TOP,
    };
    int tid = thread_create_user_with(p, p->name, &start);
    if (tid < 0) {
        spin_lock(&sched_lock);
        list_remove(&p->all_node);
        if (parent)
            list_remove(&p->child_node);
        nprocesses--;
        spin_unlock(&sched_lock);
        process_free(p);
        return tid;
    }
    return pid;
}

/* Tells every other thread of p to exit (sched_lock held). Threads asleep
   in a wait that can be cut short are woken; the others notice at their
   next return to user mode. */
static void kill_other_threads(struct process *p, struct thread *self)
{
    list_for_each(n, &p->threads) {
        struct thread *t = list_entry(n, struct thread, process_node);
        if (t == self || t->state == THREAD_ZOMBIE)
            continue;
        t->kill_pending = true;
        if (t->state == THREAD_SLEEPING || (t->state == THREAD_BLOCKED && t->interruptible))
            sched_wake_locked(t);
    }
}

/* Marks p as ending with status (the first reason wins) and kills the rest. */
static void begin_exit(struct process *p, int status)
{
    spin_lock(&sched_lock);
    if (!p->exiting) {
        p->exiting = true;
        p->exit_status = status;
    }
    kill_other_threads(p, thread_current());
    spin_unlock(&sched_lock);
}

void process_exit(int status)
{
    struct process *p = thread_current()->process;
    ASSERT(p != &kernel_process);
    begin_exit(p, status);
    thread_exit(0);
}

void process_kill_for_fault(const char *what, int status)
{
    struct thread *t = thread_current();
    struct process *p = t->process;
    printk("spindle: pid %d (%s) killed: %s\n", p->pid, p->name, what);
    begin_exit(p, status);
    thread_exit(0);
}

bool process_thread_exiting(struct thread *t)
{
    struct process *p = t->process;
    ASSERT(spin_holding(&sched_lock));
    bool last = --p->live_threads == 0;
    if (last && !p->exiting) {
        p->exiting = true;              /* every thread returned: status 0 */
        p->exit_status = 0;
    }
    return last;
}

void process_release_memory(struct process *p)
{
    /* This thread moves to the kernel's page tables (the kernel half is
       the same), so nothing uses the address space any more. */
    uvm_destroy(p);
}

void process_discard_threads(struct process *p, struct thread *last)
{
    ASSERT(spin_holding(&sched_lock));
    list_for_each_safe(n, &p->threads) {
        struct thread *z = list_entry(n, struct thread, process_node);
        if (z != last) {
            ASSERT(z->state == THREAD_ZOMBIE);
            thread_discard_zombie(z);
        }
    }
    last->detached = true;              /* freed by the reaper once off its stack */
}

void process_became_zombie(struct process *p)
{
    ASSERT(spin_holding(&sched_lock));
    p->state = PROCESS_ZOMBIE;
    /* Its children lose their parent: nobody will wait for them. */
    list_for_each_safe(n, &p->children) {
        struct process *c = list_entry(n, struct process, child_node);
        list_remove(&c->child_node);
        c->parent = 0;
        if (c->state == PROCESS_ZOMBIE) {
            list_remove(&c->all_node);
            list_push_back(&orphan_zombies, &c->all_node);
        }
    }
    if (p->parent) {
        waitqueue_wake_all_locked(&p->parent->child_exited);
    } else {
        list_remove(&p->all_node);
        list_push_back(&orphan_zombies, &p->all_node);
    }
}

void process_reap(void)
{
    for (;;) {
        spin_lock(&sched_lock);
        struct list_node *n = list_pop_front(&orphan_zombies);
        if (n)
            nprocesses--;
        spin_unlock(&sched_lock);
        if (!n)
            return;
        kfree(list_entry(n, struct process, all_node));
    }
}

int process_wait(int pid, int *status)
{
    struct thread *self = thread_current();
    struct process *me = self->process;
    spin_lock(&sched_lock);
    for (;;) {
        struct process *found = 0;
        bool any = false;
        list_for_each(n, &me->children) {
            struct process *c = list_entry(n, struct process, child_node);
            if (pid != -1 && c->pid != pid)
                continue;
            any = true;
            if (c->state == PROCESS_ZOMBIE) {
                found = c;
                break;
            }
        }
        if (found) {
            list_remove(&found->child_node);
            list_remove(&found->all_node);
            nprocesses--;
            spin_unlock(&sched_lock);
            int got = found->pid;
            if (status)
                *status = found->exit_status;
            kfree(found);               /* its memory went with its last thread */
            return got;
        }
        if (!any) {
            spin_unlock(&sched_lock);
            return -ECHILD;
        }
        int err = waitqueue_wait_interruptible(&me->child_exited, &sched_lock, "wait", 0);
        if (err == -EINTR) {
            spin_unlock(&sched_lock);
            return -EINTR;
        }
    }
}
