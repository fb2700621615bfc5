/* The multiboot 1 information structure the boot loader hands to kmain
   (Multiboot Specification 0.6.96, section 3.3), and the memory-map entries in it. */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MB_INFO_MEMORY   (1u << 0)      /* mem_lower/mem_upper valid */
#define MB_INFO_CMDLINE  (1u << 2)      /* cmdline valid */
#define MB_INFO_MMAP     (1u << 6)      /* mmap_addr/mmap_length valid */
#define MB_INFO_LOADER   (1u << 9)      /* boot_loader_name valid */

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;      /* KiB below 1 MiB / above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;                   /* physical address of a C string */
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;    /* physical address of the map */
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
} __attribute__((packed));

#define MMAP_AVAILABLE 1                /* usable RAM; everything else is reserved */

/* Each entry is preceded by its size, which does not count the size field itself. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} __attribute__((packed));

#endif
