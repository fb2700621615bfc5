/* Kernel tests of the ELF loader's TLS checks: the PT_TLS template of a real
   program is read as its header says, and every kind of bad one is refused. */
#include "kernel/ktest.h"
#include "kernel/elf.h"
#include "kernel/programs.h"
#include "kernel/mm/kheap.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

/* The ELF64 program header (System V ABI, "Program Header"), as elf.c reads it. */
struct test_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define TEST_PT_TLS 7
#define TEST_PT_LOAD 1

/* The program headers of image: e_phoff at byte 32, e_phnum at byte 56. */
static struct test_phdr *phdrs_of(uint8_t *image, int *count)
{
    uint64_t phoff;
    uint16_t phnum;
    memcpy(&phoff, image + 32, sizeof phoff);
    memcpy(&phnum, image + 56, sizeof phnum);
    *count = phnum;
    return (struct test_phdr *)(image + phoff);
}

static int tls_index(struct test_phdr *ph, int n)
{
    for (int i = 0; i < n; i++)
        if (ph[i].type == TEST_PT_TLS)
            return i;
    return -1;
}

/* user-tls (tests/user/user-tls.c) has initialised and zero __thread
   variables, the most aligned at 64: its template must come out as its
   PT_TLS header says, with align 64 and a file part no bigger than the
   block. */
KTEST(test_elf_tls_template, "elf-tls-template")
{
    const struct program *prog = program_find("user-tls");
    KT_ASSERT(prog != 0);
    uint8_t *image = kmalloc(prog->size);
    KT_ASSERT(image != 0);
    memcpy(image, prog->image, prog->size);
    int n;
    struct test_phdr *ph = phdrs_of(image, &n);
    int t = tls_index(ph, n);
    KT_ASSERT_GE(t, 0);

    struct elf_tls tls;
    KT_ASSERT_EQ(elf_check("user-tls", image, prog->size, &tls), 0);
    KT_ASSERT_EQ(tls.addr, ph[t].vaddr);
    KT_ASSERT_EQ(tls.filesz, ph[t].filesz);
    KT_ASSERT_EQ(tls.memsz, ph[t].memsz);
    KT_ASSERT_EQ(tls.align, 64);
    KT_ASSERT_GT(tls.filesz, 0);                /* t_int = 12345 ... */
    KT_ASSERT_GT(tls.memsz, tls.filesz);        /* ... and t_zero_buf[100] */
    kfree(image);
}

/* Every way a PT_TLS header can be wrong gives -ENOEXEC (and the good
   edge cases pass): each mutation starts again from the real header. */
KTEST(test_elf_tls_bad, "elf-tls-bad")
{
    const struct program *prog = program_find("user-tls");
    KT_ASSERT(prog != 0);
    uint64_t size = prog->size;
    uint8_t *image = kmalloc(size);
    KT_ASSERT(image != 0);
    memcpy(image, prog->image, size);
    int n;
    struct test_phdr *ph = phdrs_of(image, &n);
    int t = tls_index(ph, n);
    KT_ASSERT_GE(t, 0);
    const struct test_phdr good = ph[t];
    struct elf_tls tls;

#define EXPECT(result, change) \
    do { \
        ph[t] = good; \
        change; \
        KT_ASSERT_EQ(elf_check("elf-tls-bad", image, size, &tls), result); \
    } while (0)

    EXPECT(0, (void)0);
    EXPECT(-ENOEXEC, ph[t].align = 3);                          /* not a power of two */
    EXPECT(-ENOEXEC, ph[t].align = 48);
    EXPECT(-ENOEXEC, ph[t].align = TLS_ALIGN_MAX * 2);          /* too strict */
    EXPECT(0, ph[t].align = TLS_ALIGN_MAX);
    EXPECT(0, ph[t].align = 0);                                 /* 0 means 1, as for any segment */
    KT_ASSERT_EQ(tls.align, 1);
    EXPECT(-ENOEXEC, ph[t].memsz = TLS_MEMSZ_MAX + 1);          /* too big */
    EXPECT(0, ph[t].memsz = TLS_MEMSZ_MAX);
    EXPECT(-ENOEXEC, ph[t].memsz = ~0ull);
    EXPECT(-ENOEXEC, ph[t].filesz = good.memsz + 1);            /* more image than block */
    EXPECT(-ENOEXEC, ph[t].offset = size);                      /* image outside the file */
    EXPECT(-ENOEXEC, ph[t].offset = size - 8);
    EXPECT(-ENOEXEC, ph[t].offset = ~0ull - 4);
    EXPECT(-ENOEXEC, ph[t].vaddr += 0x100000);                  /* not in a loaded segment */
    EXPECT(-ENOEXEC, ph[t].offset += 8);                        /* in the file, but not where it is loaded */
    EXPECT(-ENOEXEC, ph[t].vaddr = 0);
    EXPECT(0, (ph[t].filesz = 0, ph[t].memsz = 0, ph[t].vaddr = 0)); /* empty: nothing to copy */
    KT_ASSERT_EQ(tls.memsz, 0);

    /* Two PT_TLS headers: turn the read-only data segment into a copy. */
    int other = -1;
    for (int i = 0; i < n; i++)
        if (i != t && ph[i].type == TEST_PT_LOAD && ph[i].flags == 4)    /* R only */
            other = i;
    KT_ASSERT_GE(other, 0);
    EXPECT(-ENOEXEC, ph[other] = good);
#undef EXPECT
    kfree(image);
}
