/* String functions for user programs: the same freestanding code as the
   kernel's (lib/string.c). */
#ifndef USER_STRING_H
#define USER_STRING_H
#include "lib/string.h"

/* The text of an error number of lib/errno.h ("out of memory"); err may be
   given negated, as system calls return it (-ENOMEM). */
const char *strerror(int err);

#endif
