/* The table of user programs embedded in the kernel image: the build
   generates it (tools/mkprograms.py -> build/programs.S); this finds them. */
#include "kernel/programs.h"
#include "lib/string.h"

/* Defined by the generated build/programs.S, sorted by name (strcmp order:
   names are ASCII and mkprograms.py sorts them bytewise). */
extern const struct program program_table[];
extern const int program_table_count;

const struct program *program_find(const char *name)
{
    int low = 0, high = program_table_count - 1;
    while (low <= high) {
        int mid = low + (high - low) / 2;
        int c = strcmp(name, program_table[mid].name);
        if (c == 0)
            return &program_table[mid];
        if (c < 0)
            high = mid - 1;
        else
            low = mid + 1;
    }
    return NULL;
}

int program_count(void)
{
    return program_table_count;
}

const struct program *program_at(int index)
{
    if (index < 0 || index >= program_table_count)
        return NULL;
    return &program_table[index];
}
