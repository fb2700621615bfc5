/* Parses the kernel command line. Every key is listed in one table with its
   type and range; an unknown key or bad value is an error, never ignored. */
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include <stdint.h>

struct boot_params boot_params = {
    .sched = "rr",
    .hz = 100,
    .quantum = 1,                       /* one tick, as xv6: 10 ms at hz=100 */
    .idle_poll_us = 200,               /* as Linux's haltpoll: at most 200 us */
    .seed = 1,                          /* lottery's draws: the same every boot */
};

enum param_type { PARAM_INT, PARAM_STRING, PARAM_CHOICE };

struct param {
    const char *key;
    enum param_type type;
    long min, max;              /* PARAM_INT: the allowed range */
    const char *choices;        /* PARAM_CHOICE: space-separated values */
    const char *help;
};

static const struct param params[] = {
    { "sched",   PARAM_STRING, 0, 0,     0,             "scheduling policy" },
    { "hz",      PARAM_INT,    10, 10000, 0,            "timer interrupts per second" },
    { "quantum", PARAM_INT,    1, 1000,  0,             "time slice, in ticks" },
    { "idlepoll", PARAM_INT,   0, 10000, 0,             "microseconds an idle CPU polls before it halts" },
    { "trace",   PARAM_CHOICE, 0, 0,     "sched",       "print one line per scheduling event" },
    { "test",    PARAM_STRING, 0, 0,     0,             "run kernel test NAME, then power off" },
    { "panic",   PARAM_CHOICE, 0, 0,     "poweroff halt", "what a panic does after printing" },
    { "spinlock", PARAM_CHOICE, 0, 0,    "bounded ticket", "how kernel spinlocks wait (docs/smp.md)" },
    { "seed",    PARAM_INT,    0, 4294967295L, 0,       "seed of the lottery scheduler's draws" },
};
#define NPARAMS (sizeof params / sizeof params[0])

/* Our own copy: words are cut in place, and boot_params points into it. */
static char buf[CMDLINE_MAX];

static void list_keys(void)
{
    printk("cmdline: known keys:");
    for (unsigned i = 0; i < NPARAMS; i++)
        printk(" %s=", params[i].key);
    printk(" and -- PROGRAM [ARGS]\n");
}

/* Decimal integer in [min, max]; returns 0 or -1. */
static int parse_long(const char *s, long min, long max, long *out)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > max)
            return -1;
    }
    if (v < min)
        return -1;
    *out = v;
    return 0;
}

static bool is_choice(const char *choices, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = choices; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0)
            return true;
        p += len;
        while (*p == ' ')
            p++;
    }
    return false;
}

static void store(const struct param *p, const char *value, long number)
{
    if (!strcmp(p->key, "sched"))
        boot_params.sched = value;
    else if (!strcmp(p->key, "hz"))
        boot_params.hz = (int)number;
    else if (!strcmp(p->key, "quantum"))
        boot_params.quantum = (int)number;
    else if (!strcmp(p->key, "idlepoll"))
        boot_params.idle_poll_us = (int)number;
    else if (!strcmp(p->key, "trace"))
        boot_params.trace_sched = true;
    else if (!strcmp(p->key, "test"))
        boot_params.test = value;
    else if (!strcmp(p->key, "panic"))
        boot_params.panic_halt = !strcmp(value, "halt");
    else if (!strcmp(p->key, "spinlock"))
        spin_set_fair(!strcmp(value, "ticket"));
    else if (!strcmp(p->key, "seed"))
        boot_params.seed = (unsigned long)number;
}

static int parse_setting(char *word)
{
    char *eq = strchr(word, '=');
    if (!eq) {
        printk("cmdline: '%s' is not key=value\n", word);
        list_keys();
        return -1;
    }
    *eq = '\0';
    const char *key = word, *value = eq + 1;
    for (unsigned i = 0; i < NPARAMS; i++) {
        const struct param *p = &params[i];
        if (strcmp(p->key, key))
            continue;
        long number = 0;
        if (p->type == PARAM_INT && parse_long(value, p->min, p->max, &number) < 0) {
            printk("cmdline: bad value '%s' for %s= (an integer from %ld to %ld)\n",
                   value, key, p->min, p->max);
            return -1;
        }
        if (p->type == PARAM_STRING && !*value) {
            printk("cmdline: empty value for %s=\n", key);
            return -1;
        }
        if (p->type == PARAM_CHOICE && !is_choice(p->choices, value)) {
            printk("cmdline: bad value '%s' for %s= (one of: %s)\n", value, key, p->choices);
            return -1;
        }
        store(p, value, number);
        return 0;
    }
    printk("cmdline: unknown key '%s'\n", key);
    list_keys();
    return -1;
}

/* Cuts the next space-separated word out of *p; NULL at the end. */
static char *next_word(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return 0;
    char *w = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    if (*s)
        *s++ = '\0';
    *p = s;
    return w;
}

int cmdline_parse(const char *line)
{
    static char raw[CMDLINE_MAX];
    if (!line)
        line = "";
    if (strlcpy(buf, line, sizeof buf) >= sizeof buf) {
        printk("cmdline: longer than %d characters\n", CMDLINE_MAX - 1);
        return -1;
    }

    char *p = buf;
    char *w = next_word(&p);
    /* GRUB and QEMU both put the kernel's path first; a setting always
       contains '=', so a first word without one is that path. */
    if (w && !strchr(w, '=') && strcmp(w, "--")) {
        line += p - buf;
        w = next_word(&p);
    }
    strlcpy(raw, line, sizeof raw);
    boot_params.raw = raw;
    int errors = 0;
    for (; w; w = next_word(&p)) {
        if (!strcmp(w, "--")) {
            while ((w = next_word(&p))) {
                if (boot_params.prog_argc == CMDLINE_MAX_ARGS) {
                    printk("cmdline: more than %d program arguments\n", CMDLINE_MAX_ARGS);
                    return -1;
                }
                boot_params.prog_argv[boot_params.prog_argc++] = w;
            }
            if (boot_params.prog_argc == 0) {
                printk("cmdline: '--' must be followed by a program name\n");
                return -1;
            }
            break;
        }
        /* Go on after a bad setting: every mistake is reported at once,
           and the good settings still count if the boot goes on. */
        if (parse_setting(w) < 0)
            errors++;
    }
    return errors ? -1 : 0;
}
