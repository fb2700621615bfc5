/* Loading a static ELF64 executable into a process's address space, with
   every header field that could hurt the kernel checked first. */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdint.h>

struct process;

/* Validates image (size bytes) and maps its PT_LOAD segments into p;
   stores the entry point in *entry. Returns 0, or -ENOEXEC for an image
   that is not a valid x86-64 executable for user space (nothing is left
   mapped), or -ENOMEM. */
int elf_load(struct process *p, const uint8_t *image, uint64_t size, uint64_t *entry);

#endif
