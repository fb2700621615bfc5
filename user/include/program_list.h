/* The names of the programs embedded in the kernel image, for the shell's
   help: there is no system call to list them, so the build writes the list
   (tools/mkprograms.py --names) into the user library. */
#ifndef USER_PROGRAM_LIST_H
#define USER_PROGRAM_LIST_H

extern const char *const program_names[];  /* sorted by name */
extern const int program_names_count;

#endif
