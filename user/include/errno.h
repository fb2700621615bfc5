/* errno: the error number of the last library call that failed, one per
   thread (a __thread variable), and the E... codes of lib/errno.h. */
#ifndef USER_ERRNO_H
#define USER_ERRNO_H

#include "lib/errno.h"

/*
 * Set (to a positive E... code) by the library functions that report
 * failure C's way: malloc, calloc, realloc (ENOMEM), strtol (ERANGE,
 * EINVAL), printf and the other output functions (the write's error, e.g.
 * EBADF), getchar. Never cleared by a successful call. The raw system
 * calls of spindle.h return their error (-E...) and leave errno alone.
 * Each thread has its own: one thread's failure never changes what
 * another reads (docs/user.md, "Thread-local storage").
 */
extern __thread int errno;

#endif
