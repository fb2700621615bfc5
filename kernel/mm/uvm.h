/* The user half of a process's address space: program segments, the main
   thread's stack, and anonymous memory from mmap. */
#ifndef KERNEL_MM_UVM_H
#define KERNEL_MM_UVM_H

#include <stdint.h>
#include <stdbool.h>

struct process;

/* Where mmap hands out addresses, upwards; never reused in this version. */
#define UVM_MMAP_BASE 0x0000100000000000ull
#define UVM_MMAP_LIMIT 0x0000700000000000ull

/* Gives p an empty user half (a new page-table root). 0 or -ENOMEM. */
int uvm_init(struct process *p);

/* Frees every page of p's user half and its page tables. If the calling
   CPU has p's address space loaded, it moves to the kernel's first. */
void uvm_destroy(struct process *p);

/* Maps [va, va + len) (page-aligned) to fresh zeroed frames with VM_*
   flags (VM_USER is added). 0, -ENOMEM or -EEXIST; on error nothing of the
   range stays mapped. */
int uvm_map_zeroed(struct process *p, uint64_t va, uint64_t len, unsigned flags);

/* Copies len bytes of kernel memory to user address va of p, which must
   be mapped (used while building a process, before it runs). */
void uvm_poke(struct process *p, uint64_t va, const void *src, uint64_t len);

/* Maps the main thread's stack (USER_STACK_SIZE below USER_STACK_TOP, a
   guard page under it) and lays out argc, argv, an empty environment, the
   auxiliary vector (with p->tls) and the strings on it as crt0 expects
   (docs/user.md). Stores the initial %rsp in *rsp. */
int uvm_setup_stack(struct process *p, int argc, char *const argv[], uint64_t *rsp);

/* The system calls' halves: anonymous memory, len rounded up to pages. */
long uvm_mmap(struct process *p, uint64_t len, int prot);

/* If addr lies in an area mmap handed out to p, stores its range in
   *start, *end and returns true; false (nothing stored) otherwise. */
bool uvm_area_of(struct process *p, uint64_t addr, uint64_t *start, uint64_t *end);
int uvm_munmap(struct process *p, uint64_t addr, uint64_t len);

#endif
