/* The ELF64 loader (System V ABI, "ELF-64 Object File Format" 1.5): magic,
   class, machine, type, program headers in bounds, segments page-congruent,
   inside the user half and clear of the stack, the entry in an executable
   segment, and the TLS template (PT_TLS) sane. */
#include "kernel/elf.h"
#include "kernel/mm/uvm.h"
#include "kernel/process.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/printk.h"
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
#define PT_TLS       7
#define PF_X         1
#define PF_W         2
#define MAX_PHDRS    16

/* The lowest and highest addresses a segment may use: above the first
   page (so that NULL always faults) and below the mmap area and the stack. */
#define SEGMENT_MIN  PAGE_SIZE
#define SEGMENT_MAX  UVM_MMAP_BASE

static uint64_t page_down(uint64_t v) { return v & ~(PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* Prints why program name's PT_TLS segment is refused; returns -ENOEXEC. */
static int bad_tls(const char *name, const char *why, uint64_t value)
{
    printk("elf: %s: bad PT_TLS segment: %s (0x%lx)\n", name, why, value);
    return -ENOEXEC;
}

/*
 * Checks the TLS template s (a PT_TLS program header) of an image of size
 * bytes whose program headers are ph[0..phnum). Every thread's block is
 * built by the user library from it (docs/user.md, "Thread-local storage"),
 * so its numbers must be ones the library can trust: an alignment that is a
 * power of two (0 means 1, as for any segment) and at most a page, a size
 * within TLS_MEMSZ_MAX, .tdata no bigger than the block, inside the file,
 * and inside the file-backed part of a PT_LOAD segment at the same offset,
 * so that the bytes at addr in memory are the initial values.
 */
static int validate_tls(const char *name, const struct elf64_phdr *s, const struct elf64_phdr *ph,
                        int phnum, uint64_t size)
{
    uint64_t align = s->align ? s->align : 1;
    if (align & (align - 1))
        return bad_tls(name, "alignment is not a power of two", s->align);
    if (align > TLS_ALIGN_MAX)
        return bad_tls(name, "alignment above TLS_ALIGN_MAX", s->align);
    if (s->memsz > TLS_MEMSZ_MAX)
        return bad_tls(name, "memsz above TLS_MEMSZ_MAX", s->memsz);
    if (s->filesz > s->memsz)
        return bad_tls(name, "filesz larger than memsz", s->filesz);
    if (s->offset > size || s->filesz > size - s->offset)
        return bad_tls(name, "initialisation image outside the file", s->offset);
    if (s->filesz == 0)
        return 0;
    for (int i = 0; i < phnum; i++) {
        const struct elf64_phdr *l = &ph[i];
        if (l->type == PT_LOAD && s->vaddr >= l->vaddr && s->vaddr - l->vaddr <= l->filesz &&
            s->filesz <= l->filesz - (s->vaddr - l->vaddr) &&
            s->offset - l->offset == s->vaddr - l->vaddr)
            return 0;
    }
    return bad_tls(name, "initialisation image not inside a loaded segment", s->vaddr);
}

/* Checks the file header and the program headers; 0 or -ENOEXEC. Fills
   *tls with the TLS template (zero when there is no PT_TLS). */
static int validate(const char *name, const uint8_t *image, uint64_t size,
                    const struct elf64_header **out, struct elf_tls *tls)
{
    const struct elf64_header *h = (const void *)image;
    if (size < sizeof *h || memcmp(h->ident, "\x7f" "ELF", 4) || h->ident[4] != ELFCLASS64 ||
        h->ident[5] != ELFDATA2LSB || h->type != ET_EXEC || h->machine != EM_X86_64 ||
        h->phentsize != sizeof(struct elf64_phdr) || h->phnum == 0 || h->phnum > MAX_PHDRS ||
        h->phoff > size || (uint64_t)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff ||
        (h->phoff & 7))
        return -ENOEXEC;
    const struct elf64_phdr *ph = (const void *)(image + h->phoff);
    bool entry_ok = false, have_tls = false;
    *tls = (struct elf_tls){ .align = 1 };
    for (int i = 0; i < h->phnum; i++) {
        const struct elf64_phdr *s = &ph[i];
        if (s->type == PT_TLS) {
            if (have_tls)
                return bad_tls(name, "more than one", (uint64_t)i);
            have_tls = true;
            int err = validate_tls(name, s, ph, h->phnum, size);
            if (err < 0)
                return err;
            *tls = (struct elf_tls){ s->vaddr, s->filesz, s->memsz, s->align ? s->align : 1 };
            continue;
        }
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

int elf_check(const char *name, const uint8_t *image, uint64_t size, struct elf_tls *tls)
{
    const struct elf64_header *h;
    return validate(name, image, size, &h, tls);
}

/* Widens p's code range (an executable segment) or data range (a writable
   one) to take in [start, end): the program's layout for SYS_process_info. */
static void elf_note_segment(struct process *p, uint32_t flags, uint64_t start, uint64_t end)
{
    uint64_t *lo, *hi;
    if (flags & PF_X) {
        lo = &p->code_start;
        hi = &p->code_end;
    } else if (flags & PF_W) {
        lo = &p->data_start;
        hi = &p->data_end;
    } else {
        return;                         /* read-only data: neither */
    }
    if (*hi == 0 || start < *lo)
        *lo = start;
    if (end > *hi)
        *hi = end;
}

int elf_load(struct process *p, const uint8_t *image, uint64_t size, uint64_t *entry)
{
    const struct elf64_header *h;
    int err = validate(p->name, image, size, &h, &p->tls);
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
        elf_note_segment(p, s->flags, s->vaddr, s->vaddr + s->memsz);
    }
    *entry = h->entry;
    return 0;
}
