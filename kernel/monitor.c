/* The kernel monitor's read-eval loop: a line editor with backspace, and a
   table of commands. The user-space shell replaces it once it exists. */
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/power.h"
#include "lib/string.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "arch/x86_64/interrupts.h"

#define LINE_MAX 128

struct command {
    const char *name;
    const char *help;
    void (*run)(void);
};

static void cmd_help(void);
static void cmd_halt(void) { printk("powering off\n"); power_off(POWEROFF_OK); }

/* The tick and clock, and how many serial receive interrupts were taken
   (non-zero once typed input has arrived by interrupt). */
static void cmd_stats(void)
{
    printk("ticks=%lu hz=%d clock_ns=%lu uart_irqs=%lu\n", timer_ticks(), timer_hz(), clock_ns(),
           interrupt_count(VEC_UART));
}

static const struct command commands[] = {
    { "help", "list the commands", cmd_help },
    { "halt", "power off (status 0)", cmd_halt },
    { "stats", "ticks, hz, clock_ns and UART interrupt count", cmd_stats },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void cmd_help(void)
{
    for (unsigned i = 0; i < NCOMMANDS; i++)
        printk("  %-8s %s\n", commands[i].name, commands[i].help);
}

static void read_line(char *line, int max)
{
    int n = 0;
    for (;;) {
        int c = console_read();
        if (c == '\r' || c == '\n') {
            printk("\n");
            line[n] = '\0';
            return;
        }
        if (c == 0x7f || c == '\b') {       /* backspace or DEL */
            if (n > 0) {
                n--;
                printk("\b \b");
            }
            continue;
        }
        if (c >= ' ' && c < 0x7f && n < max - 1) {
            line[n++] = (char)c;
            printk("%c", c);
        }
    }
}

void monitor_run(void)
{
    char line[LINE_MAX];
    printk("Spindle kernel monitor. Type 'help' for commands.\n");
    for (;;) {
        printk("spindle> ");
        read_line(line, sizeof line);
        if (!line[0])
            continue;
        const struct command *cmd = 0;
        for (unsigned i = 0; i < NCOMMANDS; i++)
            if (!strcmp(line, commands[i].name))
                cmd = &commands[i];
        if (cmd)
            cmd->run();
        else
            printk("unknown command '%s' (try 'help')\n", line);
    }
}
