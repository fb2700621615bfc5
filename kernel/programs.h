/* The user programs embedded in the kernel image at build time (there is
   no file system): each is a static ELF64 file, found by name. */
#ifndef KERNEL_PROGRAMS_H
#define KERNEL_PROGRAMS_H

#include <stdint.h>

struct program {
    const char *name;           /* e.g. "hello", "sh", "user-race" */
    const uint8_t *image;       /* the ELF file's bytes */
    uint64_t size;
};

/* The program called name, or NULL. */
const struct program *program_find(const char *name);

/* All of them, for listing: index 0 .. program_count()-1. */
int program_count(void);
const struct program *program_at(int index);

#endif
