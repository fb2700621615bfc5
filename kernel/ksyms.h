/* The kernel's own symbol table, embedded at build time (tools/mksyms.py),
   so that a panic can name the functions in its backtrace. */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

/* Finds the function containing addr. Returns its name and sets *offset,
   or returns NULL if addr is not in the kernel's code. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* Address of the function named name, or 0. */
uint64_t ksym_address(const char *name);

#endif
