/* Looks up addresses in the symbol table that the build appends to the
   kernel (section .ksyms): sorted (address, name offset) pairs and a string blob. */
#include "kernel/ksyms.h"
#include "lib/string.h"

struct ksym {
    uint64_t addr;
    uint64_t name;      /* offset into ksyms_names */
};

/* Defined by the generated build/ksyms.S (empty in the first link). */
extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
    if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end || ksyms_count == 0)
        return 0;
    /* Binary search for the last symbol at or below addr. */
    uint64_t lo = 0, hi = ksyms_count;
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (ksyms_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ksyms_table[lo].addr > addr)
        return 0;
    *offset = addr - ksyms_table[lo].addr;
    return ksyms_names + ksyms_table[lo].name;
}

uint64_t ksym_address(const char *name)
{
    for (uint64_t i = 0; i < ksyms_count; i++)
        if (strcmp(ksyms_names + ksyms_table[i].name, name) == 0)
            return ksyms_table[i].addr;
    return 0;
}
