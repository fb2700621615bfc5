/* String functions for user programs: the same freestanding code as the
   kernel's (lib/string.c). */
#ifndef USER_STRING_H
#define USER_STRING_H
#include "lib/string.h"
#endif
