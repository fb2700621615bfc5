/* Loading a static ELF64 executable into a process's address space, with
   every header field that could hurt the kernel checked first. */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdint.h>

struct process;

/* The TLS template of a program: its PT_TLS segment (ELF gABI; Drepper,
   "ELF Handling for Thread-Local Storage"). Each thread's TLS block is
   memsz bytes aligned to align: a copy of the filesz bytes at addr (.tdata)
   followed by zeros (.tbss). All 0 (align 1) for a program without one. */
struct elf_tls {
    uint64_t addr, filesz, memsz, align;
};

/* Validates image (size bytes) and maps its PT_LOAD segments into p;
   stores the entry point in *entry and the TLS template in p->tls.
   Returns 0, or -ENOEXEC for an image that is not a valid x86-64
   executable for user space (nothing is left mapped; a bad PT_TLS segment
   is also reported on the console), or -ENOMEM. */
int elf_load(struct process *p, const uint8_t *image, uint64_t size, uint64_t *entry);

/* Only the checks of elf_load, for tests: 0 (and *tls filled in) or
   -ENOEXEC. name is for the console message about a bad PT_TLS segment. */
int elf_check(const char *name, const uint8_t *image, uint64_t size, struct elf_tls *tls);

#endif
