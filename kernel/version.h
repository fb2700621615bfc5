/* Spindle's version, printed in the boot banner.
   Bump it when an interface of DESIGN.md section 3 is extended. */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H
#define SPINDLE_VERSION "0.1.0"
#endif
