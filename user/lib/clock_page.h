/* Where the kernel mapped the clock page (AT_CLOCK_PAGE), for clock_ns.
   Private to user/lib: crt0's auxv reader (tls.c) sets it. */
#ifndef USER_LIB_CLOCK_PAGE_H
#define USER_LIB_CLOCK_PAGE_H

#include "lib/abi.h"

/* NULL if the kernel gave none: clock_ns then makes the system call. */
extern const struct clock_page *clock_page;

#endif
