/* strerror: the text of an error number from lib/errno.h, for messages
   such as "sh: foo: no such program". */
#include "string.h"
#include "lib/errno.h"

const char *strerror(int err)
{
    if (err < 0)
        err = -err;             /* system calls return errors negated */
    switch (err) {
    case 0:         return "success";
    case EPERM:     return "operation not permitted";
    case ENOENT:    return "no such entry";
    case ESRCH:     return "no such thread or process";
    case EINTR:     return "interrupted";
    case EIO:       return "I/O error";
    case EBADF:     return "bad file descriptor";
    case E2BIG:     return "argument list too long";
    case ENOEXEC:   return "not a valid executable";
    case ECHILD:    return "no child to wait for";
    case EAGAIN:    return "try again";
    case ENOMEM:    return "out of memory";
    case EFAULT:    return "bad address";
    case EBUSY:     return "busy";
    case EEXIST:    return "already exists";
    case EINVAL:    return "invalid argument";
    case EPIPE:     return "broken pipe";
    case ERANGE:    return "out of range";
    case EDEADLK:   return "would deadlock";
    case ENOSYS:    return "no such system call";
    case ETIMEDOUT: return "timed out";
    default:        return "unknown error";
    }
}
