/* System calls for the console: write (fd 1 and 2) and read (fd 0). The
   only "files" there are: Spindle has no file system. */
#include "kernel/syscall.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/uaccess.h"
#include "lib/errno.h"

#define CHUNK 256                       /* bytes copied per console read or write */
#define MAX_CHECK (1 << 20)             /* how much of a read buffer is checked first */

long sys_write(const struct syscall_args *a)
{
    int fd = (int)a->arg[0];
    uint64_t ubuf = a->arg[1], len = a->arg[2];
    if (fd != 1 && fd != 2)
        return -EBADF;
    if (!user_range_ok(ubuf, len))
        return -EFAULT;
    char buf[CHUNK];
    uint64_t done = 0;
    while (done < len) {
        uint64_t n = len - done < CHUNK ? len - done : CHUNK;
        if (copy_from_user(buf, ubuf + done, n) < 0)
            return done ? (long)done : -EFAULT;
        console_write(buf, n);
        done += n;
    }
    return (long)done;
}

long sys_read(const struct syscall_args *a)
{
    int fd = (int)a->arg[0];
    uint64_t ubuf = a->arg[1], len = a->arg[2];
    if (fd != 0)
        return -EBADF;
    if (len == 0)
        return 0;
    /* Refuse a bad buffer now, not after waiting for someone to type:
       all of it (up to a sane bound), though at most CHUNK bytes are read. */
    if (!user_range_ok(ubuf, len) || !user_range_mapped(ubuf, len < MAX_CHECK ? len : MAX_CHECK, true))
        return -EFAULT;
    char buf[CHUNK];
    long n = console_read_some(buf, len < CHUNK ? len : CHUNK);
    if (n < 0)
        return n;
    if (copy_to_user(ubuf, buf, (uint64_t)n) < 0)
        return -EFAULT;
    return n;
}
