/* Error numbers shared by the kernel and user programs, with Linux's values.
   Kernel functions and system calls return them negated (-EINVAL). */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define EPERM    1      /* operation not permitted */
#define ENOENT   2      /* no such entry */
#define ESRCH    3      /* no such thread or process */
#define EINTR    4      /* interrupted */
#define EIO      5      /* I/O error */
#define EBADF    9      /* bad file descriptor */
#define E2BIG    7      /* argument list too long */
#define ENOEXEC  8      /* not a valid executable */
#define ECHILD  10      /* no child to wait for */
#define EAGAIN  11      /* try again */
#define ENOMEM  12      /* out of memory */
#define EFAULT  14      /* bad address */
#define EBUSY   16      /* busy */
#define EEXIST  17      /* already exists */
#define EINVAL  22      /* invalid argument */
#define EPIPE   32      /* broken pipe: the other end is closed (a green channel) */
#define ERANGE  34      /* out of range */
#define EDEADLK 35      /* would deadlock (e.g. joining yourself) */
#define ENOSYS  38      /* no such system call */
#define ETIMEDOUT 110   /* timed out */

#endif
