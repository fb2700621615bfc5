/* The one printf engine of Spindle: parses a conversion specification and
   emits the converted value through a put callback, with C99 semantics. */
#include "lib/format.h"
#include "lib/string.h"
#include <stdint.h>
#include <stdbool.h>

struct spec {
    bool left;          /* '-': pad on the right */
    bool zero;          /* '0': pad numbers with zeros */
    bool plus;          /* '+': always print a sign */
    bool space;         /* ' ': a space where the sign would be */
    bool alt;           /* '#': 0x prefix for hex, leading 0 for octal */
    int width;          /* minimum field width, 0 if none */
    int precision;      /* -1 if none */
};

struct out {
    format_put_fn put;
    void *ctx;
    int count;
};

static void emit(struct out *o, char c)
{
    o->put(c, o->ctx);
    o->count++;
}

static void emit_repeat(struct out *o, char c, int n)
{
    while (n-- > 0)
        emit(o, c);
}

/* Emits prefix (sign or 0x), then zeros up to the precision, then digits,
   all padded to the field width as the flags ask. */
static void emit_number(struct out *o, const struct spec *s, const char *prefix,
                        const char *digits, int ndigits)
{
    int plen = (int)strlen(prefix);
    int zeros = s->precision > ndigits ? s->precision - ndigits : 0;
    int body = plen + zeros + ndigits;
    int pad = s->width > body ? s->width - body : 0;

    if (!s->left && !(s->zero && s->precision < 0))
        emit_repeat(o, ' ', pad);
    for (int i = 0; i < plen; i++)
        emit(o, prefix[i]);
    if (!s->left && s->zero && s->precision < 0)
        emit_repeat(o, '0', pad);
    emit_repeat(o, '0', zeros);
    for (int i = 0; i < ndigits; i++)
        emit(o, digits[i]);
    if (s->left)
        emit_repeat(o, ' ', pad);
}

/* Writes the digits of v in base into the end of buf; returns their start. */
static char *to_digits(uint64_t v, unsigned base, bool upper, char *end)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = set[v % base];
        v /= base;
    } while (v);
    return p;
}

static void format_unsigned(struct out *o, struct spec *s, uint64_t v, char conv)
{
    char buf[24];
    char *end = buf + sizeof buf;
    unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
    char *d = to_digits(v, base, conv == 'X', end);
    int n = (int)(end - d);
    const char *prefix = "";

    if (v == 0 && s->precision == 0)
        n = 0;                          /* "%.0u" of 0 prints nothing */
    if (s->alt && conv == 'x' && v != 0)
        prefix = "0x";
    else if (s->alt && conv == 'X' && v != 0)
        prefix = "0X";
    else if (s->alt && conv == 'o' && (n == 0 || d[0] != '0') && s->precision <= n)
        prefix = "0";                   /* '#' with octal: force a leading 0 (as a
                                           prefix, so that the '0' flag still pads) */
    emit_number(o, s, prefix, d, n);
}

static void format_signed(struct out *o, struct spec *s, int64_t v)
{
    char buf[24];
    char *end = buf + sizeof buf;
    /* Negate in unsigned arithmetic so INT64_MIN does not overflow. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *d = to_digits(mag, 10, false, end);
    int n = (int)(end - d);
    const char *prefix = v < 0 ? "-" : s->plus ? "+" : s->space ? " " : "";

    if (v == 0 && s->precision == 0)
        n = 0;
    emit_number(o, s, prefix, d, n);
}

static void format_string(struct out *o, const struct spec *s, const char *str)
{
    if (!str)                           /* as glibc: all of "(null)" or nothing */
        str = s->precision < 0 || s->precision >= 6 ? "(null)" : "";
    int n = 0;
    /* Precision first: with one, str need not be NUL-terminated (C11
       7.21.6.1p8), so no byte at or past the precision may be read. */
    while ((s->precision < 0 || n < s->precision) && str[n])
        n++;
    int pad = s->width > n ? s->width - n : 0;
    if (!s->left)
        emit_repeat(o, ' ', pad);
    for (int i = 0; i < n; i++)
        emit(o, str[i]);
    if (s->left)
        emit_repeat(o, ' ', pad);
}

/* Reads a decimal number at *fmt, advancing past it. */
static int parse_int(const char **fmt)
{
    int v = 0;
    while (**fmt >= '0' && **fmt <= '9') {
        if (v < 100000000)              /* cap absurd widths instead of overflowing */
            v = v * 10 + (**fmt - '0');
        (*fmt)++;
    }
    return v;
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

static enum length parse_length(const char **fmt)
{
    switch (**fmt) {
    case 'h':
        (*fmt)++;
        if (**fmt == 'h') { (*fmt)++; return LEN_CHAR; }
        return LEN_SHORT;
    case 'l':
        (*fmt)++;
        if (**fmt == 'l') { (*fmt)++; return LEN_LLONG; }
        return LEN_LONG;
    case 'z': (*fmt)++; return LEN_SIZE;
    case 't': (*fmt)++; return LEN_PTRDIFF;
    case 'j': (*fmt)++; return LEN_MAX;
    default: return LEN_INT;
    }
}

/* va_list is passed by pointer so that helpers can consume arguments
   (a va_list copied by value may not be advanced portably). */
static int64_t fetch_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    case LEN_MAX: return va_arg(*ap, intmax_t);
    default: return va_arg(*ap, int);
    }
}

static uint64_t fetch_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
    case LEN_MAX: return va_arg(*ap, uintmax_t);
    default: return va_arg(*ap, unsigned);
    }
}

int vformat(format_put_fn put, void *ctx, const char *fmt, va_list ap_in)
{
    struct out o = { put, ctx, 0 };
    va_list ap;
    va_copy(ap, ap_in);

    while (*fmt) {
        if (*fmt != '%') {
            emit(&o, *fmt++);
            continue;
        }
        const char *start = fmt++;
        struct spec s = { .precision = -1 };
        for (;; fmt++) {
            if (*fmt == '-') s.left = true;
            else if (*fmt == '0') s.zero = true;
            else if (*fmt == '+') s.plus = true;
            else if (*fmt == ' ') s.space = true;
            else if (*fmt == '#') s.alt = true;
            else break;
        }
        if (*fmt == '*') {
            s.width = va_arg(ap, int);
            if (s.width < 0) {          /* a negative * width means '-' */
                s.left = true;
                s.width = -s.width;
            }
            fmt++;
        } else {
            s.width = parse_int(&fmt);
        }
        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                s.precision = va_arg(ap, int);
                if (s.precision < 0)
                    s.precision = -1;   /* a negative precision is none */
                fmt++;
            } else {
                s.precision = parse_int(&fmt);
            }
        }
        enum length len = parse_length(&fmt);
        char conv = *fmt;
        if (conv)
            fmt++;
        switch (conv) {
        case 'd':
        case 'i':
            format_signed(&o, &s, fetch_signed(&ap, len));
            break;
        case 'u':
        case 'o':
        case 'x':
        case 'X':
            format_unsigned(&o, &s, fetch_unsigned(&ap, len), conv);
            break;
        case 'p': {
            void *p = va_arg(ap, void *);
            if (!p) {                   /* as glibc prints it */
                s.precision = -1;
                format_string(&o, &s, "(nil)");
            } else {
                s.alt = true;
                format_unsigned(&o, &s, (uint64_t)(uintptr_t)p, 'x');
            }
            break;
        }
        case 's':
            format_string(&o, &s, va_arg(ap, const char *));
            break;
        case 'c': {
            char c[2] = { (char)va_arg(ap, int), 0 };
            int pad = s.width > 1 ? s.width - 1 : 0;
            if (!s.left)
                emit_repeat(&o, ' ', pad);
            emit(&o, c[0]);
            if (s.left)
                emit_repeat(&o, ' ', pad);
            break;
        }
        case '%':
            emit(&o, '%');
            break;
        default:
            /* Unknown or truncated conversion: print it as written so the
               mistake is visible instead of silently eaten. */
            while (start < fmt)
                emit(&o, *start++);
            break;
        }
    }
    va_end(ap);
    return o.count;
}

struct buf_ctx {
    char *buf;
    size_t size;
    size_t len;
};

static void buf_put(char c, void *ctx)
{
    struct buf_ctx *b = ctx;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int vsformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buf_ctx b = { buf, size, 0 };
    int n = vformat(buf_put, &b, fmt, ap);
    if (size > 0)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int sformat(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
