/* Host unit test of lib/format.c, the engine behind printk and sformat: every
   case is formatted by it and by the host C library's vsnprintf, and must agree. */
#include "tests/host/host_test.h"
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

/* Large enough for every expected output, so that the reference output is
   never itself truncated. */
#define OUT_MAX 4096
#define CANARY ((char)0x5A)
#ifndef MISMATCHES_SHOWN
#define MISMATCHES_SHOWN 40  /* -DMISMATCHES_SHOWN=N shows more */
#endif

static int mismatches;

/* Prints s[0..n) as a C string literal, so that NULs and spaces show. */
static void print_quoted(const char *s, int n)
{
    fputc('"', stderr);
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
    fputc('"', stderr);
}

/* Counts one failed comparison and, for the first few, prints both sides. */
static void report(const char *what, const char *fmt, const char *how,
                   const char *want, int want_len, int want_ret,
                   const char *got, int got_len, int got_ret)
{
    host_failures++;
    if (++mismatches > MISMATCHES_SHOWN) {
        if (mismatches == MISMATCHES_SHOWN + 1)
            fprintf(stderr, "(further mismatches not shown)\n");
        return;
    }
    fprintf(stderr, "MISMATCH %s: format ", what);
    print_quoted(fmt, (int)strlen(fmt));
    fprintf(stderr, " %s\n  libc:    returned %d, wrote ", how, want_ret);
    print_quoted(want, want_len);
    fprintf(stderr, "\n  spindle: returned %d, wrote ", got_ret);
    print_quoted(got, got_len);
    fputc('\n', stderr);
}

struct collect {
    char buf[OUT_MAX];
    int len;
};

static void collect_put(char c, void *ctx)
{
    struct collect *col = ctx;
    if (col->len < OUT_MAX)
        col->buf[col->len] = c;
    col->len++;
}

/* Checks spl_vsformat(buf, size, ...) against vsnprintf with the same size:
   same return value, same bytes up to and including the NUL, and nothing
   written at or beyond buf[size]. buf is NULL when size is 0 and null_buf. */
static void compare_sized(const char *what, const char *fmt, size_t size, bool null_buf,
                          va_list ap)
{
    char want[OUT_MAX], got[OUT_MAX];
    char how[64];
    va_list a;

    memset(want, CANARY, sizeof want);
    memset(got, CANARY, sizeof got);
    va_copy(a, ap);
    int want_ret = vsnprintf(null_buf ? NULL : want, size, fmt, a);
    va_end(a);
    va_copy(a, ap);
    int got_ret = spl_vsformat(null_buf ? NULL : got, size, fmt, a);
    va_end(a);

    /* Bytes the C standard defines: the kept characters and the NUL. */
    size_t defined = 0;
    if (size > 0)
        defined = (want_ret < 0 ? 0 : (size_t)want_ret < size - 1 ? (size_t)want_ret : size - 1) + 1;
    bool ok = want_ret == got_ret && memcmp(want, got, defined) == 0;
    for (size_t i = size; i < sizeof got; i++)
        ok = ok && got[i] == CANARY;
    host_checks++;
    if (!ok) {
        snprintf(how, sizeof how, "into a buffer of %zu%s", size, null_buf ? " (NULL)" : "");
        size_t got_shown = got_ret < 0 ? 0 : (size_t)got_ret + 1;
        if (got_shown > size)
            got_shown = size;
        report(what, fmt, how, want, (int)defined, want_ret, got, (int)got_shown, got_ret);
    }
}

/* Formats fmt and its arguments with vsnprintf and with lib/format.c
   (vsformat into a large buffer, vformat through a callback, and vsformat
   into buffers too small for the output) and reports any difference. */
static void vcompare(const char *what, const char *fmt, va_list ap)
{
    char want[OUT_MAX];
    va_list a;

    va_copy(a, ap);
    int want_ret = vsnprintf(want, sizeof want, fmt, a);
    va_end(a);
    if (want_ret < 0 || want_ret >= OUT_MAX) {
        fprintf(stderr, "%s: test bug: libc output of \"%s\" does not fit (%d)\n", what, fmt, want_ret);
        host_failures++;
        return;
    }

    int failures_before = host_failures;
    compare_sized(what, fmt, sizeof want, false, ap);

    struct collect col = { .len = 0 };
    va_copy(a, ap);
    int col_ret = spl_vformat(collect_put, &col, fmt, a);
    va_end(a);
    host_checks++;
    if (col_ret != want_ret || col.len != want_ret || memcmp(col.buf, want, (size_t)want_ret) != 0)
        report(what, fmt, "through vformat's callback", want, want_ret, want_ret, col.buf,
               col.len < OUT_MAX ? col.len : OUT_MAX, col_ret);

    if (host_failures != failures_before)
        return;                 /* one report per case: the rest would repeat it */

    /* Truncation: no room at all, room for the NUL only, part of the
       output, all but the NUL, exactly enough. */
    size_t sizes[] = { 0, 0, 1, 2, (size_t)want_ret / 2, (size_t)want_ret, (size_t)want_ret + 1 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        compare_sized(what, fmt, sizes[i], i == 0, ap);
}

static void compare(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void compare(const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcompare(what, fmt, ap);
    va_end(ap);
}

/* One table case: the format and its arguments, named by source line. */
#define T(...)                                                                \
    do {                                                                      \
        char where_[32];                                                      \
        snprintf(where_, sizeof where_, "line %d", __LINE__);                 \
        compare(where_, __VA_ARGS__);                                         \
    } while (0)

/* The same, with the format hidden from the compiler's format checking:
   for defined cases it warns about, such as an int passed for %hhd. */
#define T_UNCHECKED(fmt, ...)                                                 \
    do {                                                                      \
        const char *fmt_ = (fmt);                                             \
        char where_[32];                                                      \
        snprintf(where_, sizeof where_, "line %d", __LINE__);                 \
        compare(where_, fmt_, __VA_ARGS__);                                   \
    } while (0)

static void table_signed(void)
{
    static const int ints[] = { 0, 1, -1, 7, -42, 1000, INT_MAX, INT_MIN, INT_MIN + 1 };
    static const char *const fmts[] = {
        "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%+ d", "% +d", "%.0d",
        "%.1d", "%.3d", "%.12d", "%8.3d", "%-8.3d|", "%08.3d", "%+08d", "% 08d",
        "%-+8d|", "%- 8d|", "%-08d|", "%0-8d|", "%+.0d", "% .0d", "%1d", "%15d",
        "%015d", "%+015i", "%-15i|", "%+.12i", "%020.15d",
    };
    for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
        for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
            char where[64];
            snprintf(where, sizeof where, "signed table, value %d", ints[i]);
            compare(where, fmts[f], ints[i]);
        }
    }

    /* Width and precision as arguments, negative ones included: a negative
       width means '-', a negative precision means none (C11 7.21.6.1p5). */
    static const int stars[] = { 0, 1, 5, 12, -1, -5, -12 };
    /* Not a literal: the compiler would warn that '0' is ignored with a
       precision, and that is exactly what must be checked. */
    static const char *zero_star = "[%08.*d]";
    for (size_t s = 0; s < sizeof stars / sizeof stars[0]; s++) {
        for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
            char where[64];
            snprintf(where, sizeof where, "star %d, value %d", stars[s], ints[i]);
            compare(where, "[%*d]", stars[s], ints[i]);
            compare(where, "[%-*d]", stars[s], ints[i]);
            compare(where, "[%0*d]", stars[s], ints[i]);
            compare(where, "[%.*d]", stars[s], ints[i]);
            compare(where, zero_star, stars[s], ints[i]);
            compare(where, "[%+*.*d]", stars[s], 3, ints[i]);
            compare(where, "[% *.*d]", 9, stars[s], ints[i]);
        }
    }

    /* Length modifiers at their types' edges. With hh and h the argument is
       an int that is converted to the short type before printing
       (C11 7.21.6.1p7), so values out of the short type's range are fine. */
    T_UNCHECKED("%hhd %hhd %hhd %hhd %hhd", 0, 127, 128, 200, -129);
    T_UNCHECKED("%hhi %hhd", SCHAR_MIN, SCHAR_MAX);
    T_UNCHECKED("%hd %hd %hd %hd", 32767, 32768, 40000, -32769);
    T_UNCHECKED("%hi %hd", SHRT_MIN, SHRT_MAX);
    T("%ld %ld %ld %li", 0L, -1L, LONG_MIN, LONG_MAX);
    T("%lld %lld %lli", LLONG_MIN, LLONG_MAX, -1LL);
    T("%zd %zd %zd", (ssize_t)-1, (ssize_t)SSIZE_MAX, (ssize_t)0);
    T("%jd %jd %ji", INTMAX_MIN, INTMAX_MAX, (intmax_t)-7);
    T("%td %td %ti", PTRDIFF_MIN, PTRDIFF_MAX, (ptrdiff_t)-7);
    T("%+25ld|%-25lld|%025jd", LONG_MIN, LLONG_MIN, INTMAX_MIN);
    T("%.25ld|% .22lld|%+.22td", LONG_MAX, LLONG_MAX, PTRDIFF_MAX);
    T_UNCHECKED("%+hhd|%+hd|% hhd|%05hd", 255, 65535, -1, -32768);
}

static void table_unsigned(void)
{
    static const unsigned uints[] = { 0, 1, 7, 8, 9, 15, 16, 255, 0777, 0x8000, 0xdeadbeef, UINT_MAX };
    static const char *const fmts[] = {
        "%u", "%o", "%x", "%X", "%#o", "%#x", "%#X", "%5u", "%-5u|", "%05u", "%.0u",
        "%.0o", "%.0x", "%#.0o", "%#.0x", "%.3o", "%#.3o", "%#.5o", "%#.12o", "%#08o",
        "%#-8o|", "%#8o", "%#3o", "%#08x", "%#-8x|", "%#.4x", "%#10.4x", "%#010.4X",
        "%08.0x", "%012X", "%+u", "% u", "%+x", "% o", "%-#12.6o|", "%#012o", "%#1x",
    };
    for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
        for (size_t i = 0; i < sizeof uints / sizeof uints[0]; i++) {
            char where[64];
            snprintf(where, sizeof where, "unsigned table, value %u", uints[i]);
            compare(where, fmts[f], uints[i]);
        }
    }

    T_UNCHECKED("%hhu %hhu %hhx %hho %hhX", 0u, 255u, 256u + 0xab, 511u, 0x1ffu);
    T_UNCHECKED("%hu %hu %hx %ho %hX", 65535u, 65536u, 0x12345u, 0x1ffffu, 0xfedcbu);
    T("%lu %lx %lo %lX", ULONG_MAX, ULONG_MAX, ULONG_MAX, 0x0123456789abcdefUL);
    T("%llu %llx %llo %llX", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX, 0ULL);
    T("%zu %zx %zo", SIZE_MAX, (size_t)0, (size_t)4096);
    T("%ju %jx %jo", UINTMAX_MAX, (uintmax_t)1 << 63, (uintmax_t)0);
    T("%tu %tx %to", (size_t)PTRDIFF_MAX, (size_t)-1, (size_t)8);
    T("%#lo|%#llx|%#jX|%#30llo|%-#30lx|", ULONG_MAX, ULLONG_MAX, UINTMAX_MAX, ULLONG_MAX, ULONG_MAX);
    T("%#.30llx|%#032llX|%.0llu|%#.0llo", 1ULL, ULLONG_MAX, 0ULL, 0ULL);
}

static void table_pointer_string_char(void)
{
    /* %p: glibc prints "0x" and lowercase hex, and "(nil)" for NULL. Only
       width and '-' are defined for %p by C. */
    static void *const ptrs[] = { NULL, (void *)1, (void *)0xdeadbeef, (void *)UINTPTR_MAX,
                                  (void *)0xffffffff80100000UL };
    static const char *const pfmts[] = { "%p", "%20p|", "%-20p|", "%3p", "%6p", "%-6p|", "%1p" };
    for (size_t f = 0; f < sizeof pfmts / sizeof pfmts[0]; f++) {
        for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) {
            char where[64];
            snprintf(where, sizeof where, "pointer table, value %p", ptrs[i]);
            compare(where, pfmts[f], ptrs[i]);
        }
    }
    T("%*p|%-*p|%*p", 18, (void *)0x1234, 18, (void *)0x1234, -18, (void *)0);

    /* %s, including NULL, which glibc prints as "(null)" when it fits the
       precision and as nothing otherwise. */
    static const char *const strs[] = { "", "a", "hello", "Spindle kernel", "100% %d", NULL };
    static const char *const sfmts[] = {
        "%s", "%10s|", "%-10s|", "%.2s", "%.0s", "%10.2s|", "%-10.2s|", "%.20s", "%3s",
        "%.6s", "%.7s", "%8.6s|", "%.5s", "%.1s", "%+s", "% s",
    };
    for (size_t f = 0; f < sizeof sfmts / sizeof sfmts[0]; f++) {
        for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
            char where[64];
            snprintf(where, sizeof where, "string table, string %zu", i);
            compare(where, sfmts[f], strs[i]);
        }
    }
    T("[%*s][%-*s][%*s]", 8, "ab", 8, "ab", -8, "ab");
    T("[%.*s][%.*s][%.*s][%.*s]", 3, "abcdef", 0, "abcdef", -1, "abcdef", 10, "abc");
    T("[%*.*s]", -9, 2, "abcdef");

    /* With a precision, %s may read an array that has no NUL (C11
       7.21.6.1p8); AddressSanitizer catches a read past its end. */
    char *unterminated = malloc(4);
    memcpy(unterminated, "wxyz", 4);
    T("[%.4s][%.2s][%6.4s][%-6.3s]", unterminated, unterminated, unterminated, unterminated);
    free(unterminated);

    /* %c, including NUL and bytes above 127. */
    static const int chars[] = { 'a', 'Z', ' ', '%', 0, 127, 128, 255, 'a' + 256 };
    static const char *const cfmts[] = { "%c", "%5c|", "%-5c|", "%1c", "%+c", "% c" };
    for (size_t f = 0; f < sizeof cfmts / sizeof cfmts[0]; f++) {
        for (size_t i = 0; i < sizeof chars / sizeof chars[0]; i++) {
            char where[64];
            snprintf(where, sizeof where, "char table, value %d", chars[i]);
            compare(where, cfmts[f], chars[i]);
        }
    }
    T("%*c|%-*c|%*c", 4, 'x', 4, 'y', -4, 'z');
}

static void table_mixed(void)
{
    static const char *empty = "";     /* not const: the compiler cannot check it */
    T(empty, 0);             /* an unused argument is allowed (C11 7.21.6.1p2) */
    T("no conversions at all");
    T("%%");
    T("100%%");
    T("%d%%|%%%d", 5, -5);
    T("%c%c%c", 'a', 0, 'b');
    T("pid=%d name=%s addr=%p flags=%#x mode=%o", 42, "init", (void *)0x400000, 0x11, 0755);
    T("%s: %lu MiB, %d CPU%s, cmdline '%s'", "Spindle", 255UL, 4, "s", "test=boot");
    T("%5d|%-5s|%05x|%c|%%|%p", -3, "ab", 0xbeef, 'q', (void *)0);
    T("%lld %llu %lx %ld %zu %hhd %hd %jd %td", LLONG_MIN, ULLONG_MAX, LONG_MIN + 0UL, LONG_MAX,
      SIZE_MAX, (signed char)-1, (short)-1, INTMAX_MAX, PTRDIFF_MIN);
    T("%*.*d|%-*.*x|%*s|%.*s", 10, 4, -12, 10, 6, 0xabcu, 6, "s", 2, "str");
    /* Long outputs: wider than any internal digit buffer. */
    T("%300d|%-300s|%.300u|%#300.200llx", INT_MIN, "left", UINT_MAX, ULLONG_MAX);
    T("%2000s", "wide");
}

/* Hand-written expectations, independent of the C library: the return
   value is the untruncated length, and the buffer is always terminated. */
static void hand_written(void)
{
    char buf[16];

    CHECK_EQ(spl_sformat(NULL, 0, "%d", 12345), 5);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(spl_sformat(buf, 0, "%s", "abc"), 3);
    CHECK(buf[0] == 'x');                       /* size 0: nothing written */
    CHECK_EQ(spl_sformat(buf, 1, "%s", "abc"), 3);
    CHECK(buf[0] == '\0' && buf[1] == 'x');
    CHECK_EQ(spl_sformat(buf, 3, "%d", -1234), 5);
    CHECK(strcmp(buf, "-1") == 0 && buf[3] == 'x');
    CHECK_EQ(spl_sformat(buf, sizeof buf, "%#x|%-4d|", 255, 7), 10);
    CHECK(strcmp(buf, "0xff|7   |") == 0);
    CHECK_EQ(spl_sformat(buf, sizeof buf, "%p %s", (void *)NULL, (char *)NULL), 12);
    CHECK(strcmp(buf, "(nil) (null)") == 0);
    CHECK_EQ(spl_sformat(buf, sizeof buf, "%020d", 1), 20);     /* >= size: truncated */
    CHECK(strcmp(buf, "000000000000000") == 0);
    CHECK_EQ(spl_sformat(buf, sizeof buf, "%llu", ULLONG_MAX), 20);
    CHECK(strcmp(buf, "184467440737095") == 0);
    CHECK_EQ(spl_sformat(buf, sizeof buf, "%#o %#o", 0, 8), 5);
    CHECK(strcmp(buf, "0 010") == 0);
}

/* --- seeded random sweep ------------------------------------------------ */

static uint64_t rng_state;

/* xorshift64* (Marsaglia; Vigna): small, and the same sequence on every host. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned rng_below(unsigned n)
{
    return (unsigned)(rng() % n);
}

/* A 64-bit value biased towards the edges where formatting code breaks. */
static uint64_t rng_value(void)
{
    static const uint64_t edges[] = {
        0, 1, 2, 7, 8, 9, 10, 15, 16, 99, 100, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
        0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
        0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
        0xfffffffffffffffeULL, 0xffffffff80000000ULL, 9999999999ULL,
    };
    switch (rng_below(4)) {
    case 0:
        return edges[rng_below(sizeof edges / sizeof edges[0])];
    case 1:
        return (uint64_t)(int64_t)((int)rng_below(2000) - 1000);
    default:
        return rng() >> rng_below(64);
    }
}

enum arg_type {
    ARG_INT, ARG_UINT, ARG_LONG, ARG_ULONG, ARG_LLONG, ARG_ULLONG, ARG_SSIZE, ARG_SIZE,
    ARG_INTMAX, ARG_UINTMAX, ARG_PTRDIFF, ARG_PTR, ARG_STR,
};

/* Passes the stars and the value with the exact type the format asks for. */
#define CALL_WITH(type, value)                                                \
    (nstars == 0 ? compare(what, fmt, (type)(value))                          \
     : nstars == 1 ? compare(what, fmt, stars[0], (type)(value))              \
     : compare(what, fmt, stars[0], stars[1], (type)(value)))

static void random_case(int index)
{
    /* What C defines for each conversion (C11 7.21.6.1): '#' only with o x X,
       '0' and precision only with numbers (and precision with s), length
       modifiers only with integers. %p gets width and '-' only, as the rest
       is undefined or implementation-defined. */
    static const char convs[] = "diouxXpsc";
    static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };
    static const char *const strs[] = {
        "", "a", "hello", "Spindle kernel", "tab\there", "%d is not a conversion here",
        "a somewhat longer string of forty chars", NULL,
    };
    char conv = convs[rng_below(sizeof convs - 1)];
    bool integer = strchr("diouxX", conv) != NULL;
    const char *flag_set = conv == 'd' || conv == 'i' ? "-0+ "
                         : integer ? "-0+ #"
                         : conv == 'p' ? "-" : "-+ ";
    char fmt[64], what[160];
    int stars[2], nstars = 0;
    size_t n = 0;

    fmt[n++] = '[';
    fmt[n++] = '%';
    for (unsigned i = rng_below(4); i > 0; i--)
        fmt[n++] = flag_set[rng_below((unsigned)strlen(flag_set))];
    switch (rng_below(5)) {
    case 0: case 1:
        break;
    case 2: case 3:
        n += (size_t)sprintf(fmt + n, "%u", 1 + rng_below(30));
        break;
    default:
        fmt[n++] = '*';
        stars[nstars++] = (int)rng_below(61) - 30;
        break;
    }
    if (integer || conv == 's') {
        switch (rng_below(7)) {
        case 0: case 1: case 2:
            break;
        case 3:
            fmt[n++] = '.';
            break;
        case 4: case 5:
            n += (size_t)sprintf(fmt + n, ".%u", rng_below(31));
            break;
        default:
            fmt[n++] = '.';
            fmt[n++] = '*';
            stars[nstars++] = (int)rng_below(36) - 5;
            break;
        }
    }
    const char *len = integer ? lengths[rng_below(sizeof lengths / sizeof lengths[0])] : "";
    n += (size_t)sprintf(fmt + n, "%s%c]", len, conv);

    bool is_signed = conv == 'd' || conv == 'i';
    enum arg_type type;
    if (conv == 'p')
        type = ARG_PTR;
    else if (conv == 's')
        type = ARG_STR;
    else if (conv == 'c' || (!strcmp(len, "") && is_signed) || !strcmp(len, "hh") || !strcmp(len, "h"))
        type = is_signed || conv == 'c' ? ARG_INT : ARG_UINT;
    else if (!strcmp(len, ""))
        type = ARG_UINT;
    else if (!strcmp(len, "l"))
        type = is_signed ? ARG_LONG : ARG_ULONG;
    else if (!strcmp(len, "ll"))
        type = is_signed ? ARG_LLONG : ARG_ULLONG;
    else if (!strcmp(len, "z"))
        type = is_signed ? ARG_SSIZE : ARG_SIZE;
    else if (!strcmp(len, "j"))
        type = is_signed ? ARG_INTMAX : ARG_UINTMAX;
    else
        type = is_signed ? ARG_PTRDIFF : ARG_SIZE;     /* %tu: ptrdiff_t's unsigned twin */

    uint64_t v = rng_value();
    if (conv == 'c')
        v &= 0xff;
    const char *str = strs[rng_below(sizeof strs / sizeof strs[0])];
    if (type == ARG_STR)
        snprintf(what, sizeof what, "random case %d, stars {%d, %d}, string %s%s%s", index,
                 nstars > 0 ? stars[0] : 0, nstars > 1 ? stars[1] : 0, str ? "\"" : "",
                 str ? str : "NULL", str ? "\"" : "");
    else
        snprintf(what, sizeof what, "random case %d, stars {%d, %d}, value 0x%llx", index,
                 nstars > 0 ? stars[0] : 0, nstars > 1 ? stars[1] : 0, (unsigned long long)v);

    switch (type) {
    case ARG_INT: CALL_WITH(int, (int)(uint32_t)v); break;
    case ARG_UINT: CALL_WITH(unsigned, v); break;
    case ARG_LONG: CALL_WITH(long, v); break;
    case ARG_ULONG: CALL_WITH(unsigned long, v); break;
    case ARG_LLONG: CALL_WITH(long long, v); break;
    case ARG_ULLONG: CALL_WITH(unsigned long long, v); break;
    case ARG_SSIZE: CALL_WITH(ssize_t, v); break;
    case ARG_SIZE: CALL_WITH(size_t, v); break;
    case ARG_INTMAX: CALL_WITH(intmax_t, v); break;
    case ARG_UINTMAX: CALL_WITH(uintmax_t, v); break;
    case ARG_PTRDIFF: CALL_WITH(ptrdiff_t, v); break;
    case ARG_PTR: CALL_WITH(void *, (uintptr_t)v); break;
    case ARG_STR: CALL_WITH(const char *, str); break;
    }
}

int main(void)
{
    /* HOST_TEST_SEED=N reruns the sweep with another seed. */
    const char *seed_env = getenv("HOST_TEST_SEED");
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : 0x5317d1e2024ULL;
    int cases = 30000;

    table_signed();
    table_unsigned();
    table_pointer_string_char();
    table_mixed();
    hand_written();

    rng_state = seed ? seed : 1;
    for (int i = 0; i < cases; i++)
        random_case(i);
    printf("random sweep: %d cases, seed 0x%llx (set HOST_TEST_SEED to change)\n", cases,
           (unsigned long long)seed);
    if (mismatches)
        printf("%d mismatches with the C library's snprintf (see above)\n", mismatches);
    HOST_TEST_END("printk-format");
}
