/* Processes (PCBs). For now there is one: the kernel process, which owns
   every kernel thread and the kernel's address space. */
#include "kernel/process.h"
#include "arch/x86_64/paging.h"

struct process kernel_process = {
    .pid = 0,
    .name = "kernel",
    .threads = LIST_INIT(kernel_process.threads),
    .lock = SPINLOCK_INIT("kernel_process"),
};

void process_init(void)
{
    kernel_process.vm_root = paging_kernel_root();
}
