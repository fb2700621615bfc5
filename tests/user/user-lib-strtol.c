/* Test: strtol and atoi of the user library -- bases, signs, prefixes,
   where parsing stops, no digits, and clamping on overflow. */
// test: expect=^PASS
#include "utest.h"

struct strtol_case {
    const char *s;
    int base;
    long value;
    int consumed;               /* characters before *end */
};

static const struct strtol_case cases[] = {
    { "0", 10, 0, 1 },
    { "42", 10, 42, 2 },
    { "  \t-17xyz", 10, -17, 6 },
    { "+8", 10, 8, 2 },
    { "010", 0, 10, 3 },                        /* base 0: no octal (docs/user.md) */
    { "0x1f", 0, 31, 4 },
    { "0X1F", 16, 31, 4 },
    { "1f", 16, 31, 2 },
    { "0x", 0, 0, 1 },                          /* "0", then an x that is not a prefix */
    { "0xg", 16, 0, 1 },
    { "777", 8, 511, 3 },
    { "1012", 2, 5, 3 },
    { "zz", 36, 35 * 36 + 35, 2 },
    { "", 10, 0, 0 },
    { "   ", 10, 0, 0 },                        /* no digits: *end = s */
    { "-", 10, 0, 0 },
    { "abc", 10, 0, 0 },
    { "12", 1, 0, 0 },                          /* bad base */
    { "12", 37, 0, 0 },
    { "9223372036854775807", 10, 9223372036854775807L, 19 },
    { "9223372036854775808", 10, 9223372036854775807L, 19 },      /* clamped */
    { "-9223372036854775808", 10, -9223372036854775807L - 1, 20 },
    { "-9223372036854775809", 10, -9223372036854775807L - 1, 20 },
    { "99999999999999999999999", 10, 9223372036854775807L, 23 },  /* all digits consumed */
    { "0x7fffffffffffffff", 0, 9223372036854775807L, 18 },
};

int main(void)
{
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct strtol_case *c = &cases[i];
        char *end = NULL;
        long v = strtol(c->s, &end, c->base);
        UT_CHECK_MSG(v == c->value, "strtol(\"%s\", %d) = %ld, expected %ld", c->s, c->base, v,
                     c->value);
        UT_CHECK_MSG(end == c->s + c->consumed, "strtol(\"%s\", %d) stopped after %ld characters,"
                     " expected %d", c->s, c->base, (long)(end - c->s), c->consumed);
        UT_CHECK_EQ(strtol(c->s, NULL, c->base), c->value);       /* end may be NULL */
    }
    UT_CHECK_EQ(atoi("123"), 123);
    UT_CHECK_EQ(atoi("-45abc"), -45);
    UT_CHECK_EQ(atoi("x"), 0);
    UT_CHECK_STR(strerror(-ENOMEM), "out of memory");
    UT_CHECK_STR(strerror(EINVAL), "invalid argument");
    UT_CHECK_STR(strerror(9999), "unknown error");
    printf("PASS\n");
    return 0;
}
