/* Checked copies to and from user memory. The range check keeps the kernel
   half out of reach; the fault fixup (arch/x86_64/uaccess.S) turns an unmapped
   or read-only user page into -EFAULT instead of a panic. */
#include "kernel/uaccess.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/trap.h"
#include "lib/errno.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "arch/x86_64/paging.h"

long uaccess_copy(void *dst, const void *src, uint64_t n);
long uaccess_strncpy(char *dst, const char *src, uint64_t max);
extern char uaccess_begin[], uaccess_end[], uaccess_fault[];

bool user_range_ok(uint64_t uaddr, uint64_t len)
{
    return uaddr < USER_TOP && len <= USER_TOP - uaddr;
}

bool user_range_mapped(uint64_t uaddr, uint64_t len, bool write)
{
    if (!user_range_ok(uaddr, len))
        return false;
    vm_root_t root = thread_current()->process->vm_root;
    for (uint64_t page = uaddr & ~(PAGE_SIZE - 1); page < uaddr + len; page += PAGE_SIZE) {
        uint64_t pa;
        unsigned flags;
        if (!paging_query(root, page, &pa, &flags) || !(flags & VM_USER) ||
            (write && !(flags & VM_WRITE)))
            return false;
    }
    return true;
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return -EFAULT;
    return (int)uaccess_copy(dst, (const void *)usrc, n);
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    return (int)uaccess_copy((void *)udst, src, n);
}

long string_from_user(char *dst, uint64_t usrc, size_t max)
{
    if (max == 0 || usrc >= USER_TOP)
        return -EFAULT;
    /* Never read past the user half, even looking for the NUL. */
    uint64_t room = USER_TOP - usrc;
    uint64_t limit = room < max ? room : max;
    long len = uaccess_strncpy(dst, (const char *)usrc, limit);
    if (len < 0)
        return len;
    if ((uint64_t)len == limit) {
        dst[max - 1] = '\0';
        return limit == max ? -E2BIG : -EFAULT;
    }
    return len;
}

bool uaccess_fixup(struct trap_frame *tf)
{
    if (tf->rip < (uint64_t)uaccess_begin || tf->rip >= (uint64_t)uaccess_end)
        return false;
    tf->rip = (uint64_t)uaccess_fault;
    return true;
}
