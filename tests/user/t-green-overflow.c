/* Helper of user-green-overflow: a green task that overflows its stack,
   `t-green-overflow small` (1 KiB slots: the canary catches it at the next
   switch) or `t-green-overflow guard` (16 KiB slots: the guard page does). */
#include <green.h>
#include <stdio.h>
#include <string.h>

static size_t overflow_bytes;

static void overflowing_task(void *arg)
{
    /* A local array larger than what is left of the stack; memset writes it
       from its lowest address up, so the first store is the deepest. */
    char buf[overflow_bytes];
    memset(buf, 0x5a, overflow_bytes);
    __asm__ volatile("" ::"r"(buf) : "memory");     /* keep the stores */
    green_yield();                                  /* the worker checks the canary here */
}

int main(int argc, char **argv)
{
    size_t stack;
    if (argc == 2 && strcmp(argv[1], "small") == 0) {
        stack = 1024;
        overflow_bytes = 1536;      /* into the slot below, over this slot's canary */
    } else if (argc == 2 && strcmp(argv[1], "guard") == 0) {
        stack = 16384;
        overflow_bytes = 14336;     /* 12 KiB usable above the guard page */
    } else {
        printf("usage: t-green-overflow small|guard\n");
        return 2;
    }
    green_spawn(overflowing_task, NULL);
    green_spawn(overflowing_task, NULL);    /* its slot is the one below the first's */
    int err = green_run(1, stack);
    printf("t-green-overflow: green_run returned %d: the overflow went unnoticed\n", err);
    return 0;
}
