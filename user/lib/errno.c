/* errno, one per thread: a thread-local variable in every thread's TLS
   block (user/lib/tls.c), so it starts at 0 in each thread. */
#include "errno.h"

__thread int errno;
