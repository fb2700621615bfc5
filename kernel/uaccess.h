/* Copying between kernel memory and the memory of the current process. Every
   user pointer the kernel takes goes through here: checked, and fault-safe. */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* True if [uaddr, uaddr + len) lies wholly in the user half (no overflow). */
bool user_range_ok(uint64_t uaddr, uint64_t len);

/* True if every page of [uaddr, uaddr + len) is mapped for the current
   process, user-accessible, and writable if write is set. A check before
   a long wait (read): the copy after it stays fault-safe anyway. */
bool user_range_mapped(uint64_t uaddr, uint64_t len, bool write);

/* Copy n bytes from / to the user address; 0 or -EFAULT (outside the user
   half, unmapped, or -- for copy_to_user -- read-only). */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);

/* Copies a NUL-terminated user string of at most max-1 characters into dst
   (max bytes). Returns its length, -EFAULT, or -E2BIG if it does not fit. */
long string_from_user(char *dst, uint64_t usrc, size_t max);

/* Called by the page-fault handler for a kernel-mode fault: if it came from
   the user-access code, redirects the frame to return -EFAULT and returns
   true. */
struct trap_frame;
bool uaccess_fixup(struct trap_frame *tf);

#endif
