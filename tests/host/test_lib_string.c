/* Host unit test of lib/string.c: each function against the C library and
   hand-written expectations, at every alignment, with zero lengths and guard bytes. */
#include "tests/host/host_test.h"
#include <stdbool.h>

#define GUARD 0xEE              /* fills bytes a function must not touch */
#define MAX_OFFSET 16           /* alignments tried: 0..15 bytes past 16-aligned */
#define AREA 256

/* Lengths that cross the interesting boundaries: zero, one, word sizes,
   and more than a cache line. */
static const size_t lengths[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33,
                                  63, 64, 65, 100, 127, 128, 129 };
#define NLENGTHS (sizeof lengths / sizeof lengths[0])

/* A byte pattern that differs at every position and is never 0 or GUARD. */
static unsigned char pattern(size_t i, unsigned salt)
{
    unsigned char c = (unsigned char)((i * 7 + salt * 13) % 251 + 1);
    return c == GUARD ? 1 : c;
}

/* Returns the index of the first byte of a[0..n) that differs from b, or n. */
static size_t first_difference(const unsigned char *a, const unsigned char *b, size_t n)
{
    size_t i = 0;
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* A heap copy of s with nothing after its NUL, so that AddressSanitizer
   catches any read past the end of the string. */
static char *exact(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    memcpy(p, s, n);
    return p;
}

/* A heap array of exactly n bytes that need not contain a NUL. */
static char *exact_bytes(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    memcpy(p, s, n);
    return p;
}

static void test_memcpy(void)
{
    static unsigned char src[AREA], dst[AREA], want[AREA];
    for (size_t i = 0; i < AREA; i++)
        src[i] = pattern(i, 1);

    for (size_t so = 0; so < MAX_OFFSET; so++) {
        for (size_t doff = 0; doff < MAX_OFFSET; doff++) {
            for (size_t l = 0; l < NLENGTHS; l++) {
                size_t n = lengths[l];
                memset(dst, GUARD, sizeof dst);
                memset(want, GUARD, sizeof want);
                for (size_t i = 0; i < n; i++)
                    want[doff + i] = src[so + i];
                void *ret = spl_memcpy(dst + doff, src + so, n);
                size_t at = first_difference(dst, want, sizeof dst);
                CHECK_MSG(ret == dst + doff && at == sizeof dst,
                          "memcpy(dst+%zu, src+%zu, %zu): returned dst%+td, first wrong byte at %zd",
                          doff, so, n, (unsigned char *)ret - dst,
                          at == sizeof dst ? (ptrdiff_t)-1 : (ptrdiff_t)at - (ptrdiff_t)doff);
            }
        }
    }

    /* Exactly-sized heap buffers: a read or write past n is caught. */
    for (size_t l = 0; l < NLENGTHS; l++) {
        size_t n = lengths[l];
        char *s = exact_bytes((const char *)src, n), *d = malloc(n ? n : 1);
        CHECK(spl_memcpy(d, s, n) == d);
        CHECK(memcmp(d, s, n) == 0);
        free(s);
        free(d);
    }
    /* n == 0 copies nothing. */
    unsigned char one = 0x55;
    CHECK(spl_memcpy(&one, src, 0) == &one && one == 0x55);
}

static void test_memmove(void)
{
    static unsigned char buf[AREA], want[AREA], tmp[AREA];

    /* Every source and destination offset within 48 bytes, so that the
       ranges overlap with dst below src, dst above src and dst == src. */
    for (size_t so = 0; so < 48; so++) {
        for (size_t doff = 0; doff < 48; doff++) {
            for (size_t l = 0; l < NLENGTHS && lengths[l] <= 100; l++) {
                size_t n = lengths[l];
                for (size_t i = 0; i < AREA; i++)
                    buf[i] = want[i] = pattern(i, 2);
                for (size_t i = 0; i < n; i++)          /* what memmove means: */
                    tmp[i] = want[so + i];              /* as if through a copy */
                for (size_t i = 0; i < n; i++)
                    want[doff + i] = tmp[i];
                void *ret = spl_memmove(buf + doff, buf + so, n);
                size_t at = first_difference(buf, want, sizeof buf);
                CHECK_MSG(ret == buf + doff && at == sizeof buf,
                          "memmove(buf+%zu, buf+%zu, %zu) (%s): returned buf%+td, first wrong byte at buf[%zd]",
                          doff, so, n, doff < so ? "dst below src" : doff > so ? "dst above src" : "dst == src",
                          (unsigned char *)ret - buf, at == sizeof buf ? (ptrdiff_t)-1 : (ptrdiff_t)at);
            }
        }
    }

    /* Overlap by one byte each way, checked by hand. */
    char s[] = "abcdef";
    spl_memmove(s + 1, s, 5);
    CHECK(memcmp(s, "aabcde", 7) == 0);
    char t[] = "abcdef";
    spl_memmove(t, t + 1, 5);
    CHECK(memcmp(t, "bcdeff", 7) == 0);
}

static void test_memset(void)
{
    static unsigned char buf[AREA];
    /* memset converts c to unsigned char: -1 and 0x1ff both fill with 0xff. */
    static const int values[] = { 0, 'A', 0x7f, 0x80, 0xff, -1, 0x1ff, 0x1234 };

    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
        unsigned char fill = (unsigned char)values[v];
        for (size_t off = 0; off < MAX_OFFSET; off++) {
            for (size_t l = 0; l < NLENGTHS; l++) {
                size_t n = lengths[l];
                memset(buf, GUARD, sizeof buf);
                void *ret = spl_memset(buf + off, values[v], n);
                bool ok = ret == buf + off;
                for (size_t i = 0; i < sizeof buf; i++)
                    ok = ok && buf[i] == (i >= off && i < off + n ? fill : GUARD);
                CHECK_MSG(ok, "memset(buf+%zu, 0x%x, %zu)", off, values[v], n);
            }
        }
    }
    char *p = malloc(5);
    CHECK(spl_memset(p, 'z', 5) == p && memcmp(p, "zzzzz", 5) == 0);
    free(p);
}

static void test_memcmp(void)
{
    /* Bytes compare as unsigned char (C11 7.24.4): 0x80 > 0x01. */
    CHECK(spl_memcmp("\x80", "\x01", 1) > 0);
    CHECK(spl_memcmp("\x01", "\x80", 1) < 0);
    CHECK(spl_memcmp("\xff", "\x00", 1) > 0);
    CHECK(spl_memcmp("abc", "abc", 3) == 0);
    CHECK(spl_memcmp("abc", "abd", 3) < 0);
    CHECK(spl_memcmp("abd", "abc", 3) > 0);
    CHECK(spl_memcmp("abc", "xyz", 0) == 0);    /* zero length: equal */
    CHECK(spl_memcmp("abX", "abY", 2) == 0);    /* bytes past n do not count */
    CHECK(spl_memcmp("a\0X", "a\0Y", 3) < 0);   /* NUL is an ordinary byte */
    CHECK(spl_memcmp("ab\xff", "ac\x00", 3) < 0); /* the first difference decides */

    /* One differing byte at every position and alignment, both signs,
       against the C library's sign; exactly-sized heap copies. */
    unsigned char a[AREA], b[AREA];
    for (size_t i = 0; i < AREA; i++)
        a[i] = b[i] = pattern(i, 3);
    for (size_t off = 0; off < MAX_OFFSET; off++) {
        for (size_t n = 0; n <= 70; n++) {
            for (size_t pos = 0; pos <= n; pos++) {
                for (int delta = -1; delta <= 1; delta += 2) {
                    unsigned char *x = (unsigned char *)exact_bytes((const char *)a + off, n);
                    unsigned char *y = (unsigned char *)exact_bytes((const char *)b + off, n);
                    if (pos < n)
                        y[pos] = (unsigned char)(y[pos] + delta * 0x90);
                    int want = host_sign(memcmp(x, y, n));
                    int got = host_sign(spl_memcmp(x, y, n));
                    CHECK_MSG(got == want, "memcmp of %zu bytes differing at %zu by %+d*0x90: sign %d, libc %d",
                              n, pos, delta, got, want);
                    free(x);
                    free(y);
                }
            }
        }
    }
}

static void test_strlen_strnlen(void)
{
    char text[AREA];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)pattern(i, 4);

    for (size_t off = 0; off < MAX_OFFSET; off++) {
        for (size_t len = 0; len <= 80; len++) {
            /* A string of len bytes at offset off of a heap block that ends
               right after its NUL. */
            char *block = malloc(off + len + 1);
            memcpy(block + off, text, len);
            block[off + len] = '\0';
            char *s = block + off;
            CHECK_MSG(spl_strlen(s) == len, "strlen at offset %zu: %zu, want %zu", off, spl_strlen(s), len);
            for (size_t max = 0; max <= len + 2; max++) {
                size_t want = max < len ? max : len;
                CHECK_MSG(spl_strnlen(s, max) == want, "strnlen(len %zu, max %zu) = %zu, want %zu",
                          len, max, spl_strnlen(s, max), want);
            }
            free(block);
        }
    }
    CHECK_EQ(spl_strlen(""), 0);
    CHECK_EQ(spl_strlen("\xff\x80 high bytes"), 13);
    CHECK_EQ(spl_strlen("stops\0here"), 5);

    /* strnlen reads no further than max: an array without a NUL. */
    char *raw = exact_bytes("abcdef", 6);
    CHECK_EQ(spl_strnlen(raw, 6), 6);
    CHECK_EQ(spl_strnlen(raw, 3), 3);
    CHECK_EQ(spl_strnlen(raw, 0), 0);
    free(raw);
}

/* The pairs compared by strcmp and strncmp, with the C library's answer. */
static const char *const compare_pairs[][2] = {
    { "", "" }, { "", "a" }, { "a", "" }, { "abc", "abc" }, { "abc", "abd" }, { "abd", "abc" },
    { "abc", "abcd" }, { "abcd", "abc" }, { "a", "b" }, { "B", "a" },
    { "\xff", "a" }, { "a", "\xff" }, { "a\x80", "a\x7f" }, { "a\x7f", "a\x80" },
    { "\x80", "" }, { "same prefix then x", "same prefix then y" },
    { "0123456789abcdefghijklmnopqrstuvwxyz", "0123456789abcdefghijklmnopqrstuvwxyZ" },
};
#define NPAIRS (sizeof compare_pairs / sizeof compare_pairs[0])

static void test_strcmp(void)
{
    for (size_t p = 0; p < NPAIRS; p++) {
        char *a = exact(compare_pairs[p][0]), *b = exact(compare_pairs[p][1]);
        int want = host_sign(strcmp(a, b));
        int got = host_sign(spl_strcmp(a, b));
        CHECK_MSG(got == want, "strcmp(pair %zu): sign %d, libc %d", p, got, want);
        free(a);
        free(b);
    }
    CHECK(spl_strcmp("\xff", "a") > 0);         /* unsigned char, C11 7.24.4 */
    CHECK(spl_strcmp("abc", "abcd") < 0);       /* a prefix sorts first */
    CHECK(spl_strcmp("abc", "abc") == 0);
}

static void test_strncmp(void)
{
    for (size_t p = 0; p < NPAIRS; p++) {
        size_t longest = strlen(compare_pairs[p][0]) + strlen(compare_pairs[p][1]) + 2;
        for (size_t n = 0; n <= longest; n++) {
            char *a = exact(compare_pairs[p][0]), *b = exact(compare_pairs[p][1]);
            int want = host_sign(strncmp(a, b, n));
            int got = host_sign(spl_strncmp(a, b, n));
            CHECK_MSG(got == want, "strncmp(pair %zu, n %zu): sign %d, libc %d", p, n, got, want);
            free(a);
            free(b);
        }
    }
    CHECK(spl_strncmp("abc", "xyz", 0) == 0);
    CHECK(spl_strncmp("abcX", "abcY", 3) == 0);
    CHECK(spl_strncmp("abcX", "abcY", 4) < 0);
    CHECK(spl_strncmp("ab", "abc", 3) < 0);
    CHECK(spl_strncmp("ab\0X", "ab\0Y", 4) == 0);   /* nothing after a NUL counts */
    CHECK(spl_strncmp("\x80", "\x7f", 1) > 0);

    /* Arrays without a NUL: strncmp reads at most n bytes of each. */
    char *x = exact_bytes("abcd", 4), *y = exact_bytes("abce", 4);
    CHECK(spl_strncmp(x, y, 3) == 0);
    CHECK(spl_strncmp(x, y, 4) < 0);
    free(x);
    free(y);
}

static void test_strchr_strrchr(void)
{
    char *s = exact("hello, world");
    CHECK(spl_strchr(s, 'l') == s + 2);
    CHECK(spl_strchr(s, 'h') == s);
    CHECK(spl_strchr(s, 'd') == s + 11);
    CHECK(spl_strchr(s, 'z') == NULL);
    CHECK(spl_strchr(s, '\0') == s + 12);       /* the terminator is part of the string */
    CHECK(spl_strchr(s, 'l' + 256) == s + 2);   /* c is converted to char */
    CHECK(spl_strrchr(s, 'l') == s + 10);
    CHECK(spl_strrchr(s, 'h') == s);
    CHECK(spl_strrchr(s, 'z') == NULL);
    CHECK(spl_strrchr(s, '\0') == s + 12);
    CHECK(spl_strrchr(s, 'o' + 256) == s + 8);
    free(s);

    char *e = exact("");
    CHECK(spl_strchr(e, 'a') == NULL && spl_strrchr(e, 'a') == NULL);
    CHECK(spl_strchr(e, '\0') == e && spl_strrchr(e, '\0') == e);
    free(e);

    /* Bytes above 127, passed as the unsigned value and as a negative int. */
    char *h = exact("a\xe9" "b\xe9" "c");
    CHECK(spl_strchr(h, 0xe9) == h + 1 && spl_strchr(h, (char)0xe9) == h + 1);
    CHECK(spl_strrchr(h, 0xe9) == h + 3 && spl_strrchr(h, (char)0xe9) == h + 3);
    free(h);

    /* Every character of every alignment against the C library. */
    char text[64];
    for (size_t i = 0; i < sizeof text - 1; i++)
        text[i] = (char)('a' + i % 11);
    text[sizeof text - 1] = '\0';
    for (size_t off = 0; off < MAX_OFFSET; off++) {
        char *t = exact(text + off);
        for (int c = 0; c < 256; c++) {
            CHECK_MSG(spl_strchr(t, c) == strchr(t, c), "strchr(offset %zu, %d)", off, c);
            CHECK_MSG(spl_strrchr(t, c) == strrchr(t, c), "strrchr(offset %zu, %d)", off, c);
        }
        free(t);
    }
}

static void test_strlcpy(void)
{
    /* glibc before 2.38 has no strlcpy: hand-written expectations. */
    char dst[16];
    char *src = exact("hello");

    memset(dst, GUARD, sizeof dst);
    CHECK_EQ(spl_strlcpy(dst, src, 0), 5);           /* size 0: writes nothing */
    CHECK((unsigned char)dst[0] == GUARD);
    CHECK_EQ(spl_strlcpy(NULL, src, 0), 5);          /* ... not even through NULL */

    memset(dst, GUARD, sizeof dst);
    CHECK_EQ(spl_strlcpy(dst, src, 1), 5);           /* room for the NUL only */
    CHECK(dst[0] == '\0' && (unsigned char)dst[1] == GUARD);

    memset(dst, GUARD, sizeof dst);
    CHECK_EQ(spl_strlcpy(dst, src, 3), 5);           /* truncated: 5 >= 3 */
    CHECK(memcmp(dst, "he", 3) == 0 && (unsigned char)dst[3] == GUARD);

    memset(dst, GUARD, sizeof dst);
    CHECK_EQ(spl_strlcpy(dst, src, 5), 5);           /* one short: still truncated */
    CHECK(memcmp(dst, "hell", 5) == 0 && (unsigned char)dst[5] == GUARD);

    memset(dst, GUARD, sizeof dst);
    CHECK_EQ(spl_strlcpy(dst, src, 6), 5);           /* exactly enough: 5 < 6 */
    CHECK(memcmp(dst, "hello", 6) == 0 && (unsigned char)dst[6] == GUARD);

    memset(dst, GUARD, sizeof dst);
    CHECK_EQ(spl_strlcpy(dst, src, sizeof dst), 5);  /* plenty: no padding after the NUL */
    CHECK(memcmp(dst, "hello", 6) == 0 && (unsigned char)dst[6] == GUARD &&
          (unsigned char)dst[15] == GUARD);
    free(src);

    char *empty = exact("");
    memset(dst, GUARD, sizeof dst);
    CHECK_EQ(spl_strlcpy(dst, empty, sizeof dst), 0);
    CHECK(dst[0] == '\0' && (unsigned char)dst[1] == GUARD);
    free(empty);

    /* Every length against every size, into an exactly-sized heap buffer. */
    static const char long_text[] = "the quick brown fox jumps over the lazy dog";
    for (size_t len = 0; len < sizeof long_text; len++) {
        char *s = exact_bytes(long_text, len + 1);
        s[len] = '\0';
        for (size_t size = 1; size <= len + 3; size++) {
            char *d = malloc(size);
            size_t ret = spl_strlcpy(d, s, size);
            size_t kept = len < size - 1 ? len : size - 1;
            CHECK_MSG(ret == len && memcmp(d, long_text, kept) == 0 && d[kept] == '\0',
                      "strlcpy(len %zu, size %zu) returned %zu", len, size, ret);
            free(d);
        }
        free(s);
    }
}

int main(void)
{
    test_memcpy();
    test_memmove();
    test_memset();
    test_memcmp();
    test_strlen_strnlen();
    test_strcmp();
    test_strncmp();
    test_strchr_strrchr();
    test_strlcpy();
    HOST_TEST_END("lib-string");
}
