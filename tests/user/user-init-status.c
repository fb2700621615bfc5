/* Test: init reports a program's exit status of 124 or more (which the
   QEMU wrapper reserves for timeouts, panics and resets) with a message,
   and powers off with 123 instead. */
// test: status=123
// test: expect=^init: user-init-status ended with status 200\r?$
#include <stdlib.h>

int main(void)
{
    exit(200);
}
