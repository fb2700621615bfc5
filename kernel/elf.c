/* The ELF64 loader (System V ABI, "ELF-64 Object File Format" 1.5): magic,
   class, machine, type, program headers in bounds, segments page-congruent,
   inside the user half and clear of the stack, the entry in an executable segment. */
#include "kernel/elf.h"
#include "kernel/mm/uvm.h"
#include "kernel/process.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/paging.h"

struct elf64_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define ELFCLASS64   2
#define ELFDATA2LSB  1
#define ET_EXEC      2
#define EM_X86_64    62
#define PT_LOAD      1
#define PF_X         1
#define PF_W         2
#define MAX_PHDRS    16

/* The lowest and highest addresses a segment may use: above the first
   page (so that NULL always faults) and below the mmap area and the stack. */
#define SEGMENT_MIN  PAGE_SIZE
#define SEGMENT_MAX  UVM_MMAP_BASE

static uint64_t page_down(uint64_t v) { return v & ~(PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* Checks the file header and the program headers; 0 or -ENOEXEC. */
static int validate(const uint8_t *image, uint64_t size, const struct elf64_header **out)
{
    const struct elf64_header *h = (const void *)image;
    if (size < sizeof *h || memcmp(h->ident, "\x7f" "ELF", 4) || h->ident[4] != ELFCLASS64 ||
        h->ident[5] != ELFDATA2LSB || h->type != ET_EXEC || h->machine != EM_X86_64 ||
        h->phentsize != sizeof(struct elf64_phdr) || h->phnum == 0 || h->phnum > MAX_PHDRS ||
        h->phoff > size || (uint64_t)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff ||
        (h->phoff & 7))
        return -ENOEXEC;
    const struct elf64_phdr *ph = (const void *)(image + h->phoff);
    bool entry_ok = false;
    for (int i = 0; i < h->phnum; i++) {
        const struct elf64_phdr *s = &ph[i];
        if (s->type != PT_LOAD)
            continue;
        if (s->filesz > s->memsz || s->offset > size || s->filesz > size - s->offset ||
            s->vaddr < SEGMENT_MIN || s->memsz > SEGMENT_MAX - SEGMENT_MIN ||
            s->vaddr > SEGMENT_MAX - s->memsz || (s->vaddr % PAGE_SIZE) != (s->offset % PAGE_SIZE))
            return -ENOEXEC;
        /* Two segments may share a page only if they agree on nothing
           else: keep it simple and refuse overlaps of whole pages. */
        for (int j = 0; j < i; j++) {
            const struct elf64_phdr *o = &ph[j];
            if (o->type == PT_LOAD && page_down(s->vaddr) < page_up(o->vaddr + o->memsz) &&
                page_down(o->vaddr) < page_up(s->vaddr + s->memsz))
                return -ENOEXEC;
        }
        if ((s->flags & PF_X) && h->entry >= s->vaddr && h->entry < s->vaddr + s->memsz)
            entry_ok = true;
    }
    if (!entry_ok)
        return -ENOEXEC;
    *out = h;
    return 0;
}

int elf_load(struct process *p, const uint8_t *image, uint64_t size, uint64_t *entry)
{
    const struct elf64_header *h;
    int err = validate(image, size, &h);
    if (err < 0)
        return err;
    const struct elf64_phdr *ph = (const void *)(image + h->phoff);
    for (int i = 0; i < h->phnum; i++) {
        const struct elf64_phdr *s = &ph[i];
        if (s->type != PT_LOAD || s->memsz == 0)
            continue;
        uint64_t start = page_down(s->vaddr), end = page_up(s->vaddr + s->memsz);
        unsigned flags = (s->flags & PF_W ? VM_WRITE : 0) | (s->flags & PF_X ? VM_EXEC : 0);
        err = uvm_map_zeroed(p, start, end - start, flags);
        if (err < 0)
            return err;                 /* the caller frees the address space */
        uvm_poke(p, s->vaddr, image + s->offset, s->filesz);
    }
    *entry = h->entry;
    return 0;
}
