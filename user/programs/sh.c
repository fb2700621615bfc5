/* sh: the interactive shell. Reads a line with its own echo and backspace
   (the console echoes nothing), splits it into words, and runs a builtin
   or the program of that name, waiting for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spindle.h>
#include <program_list.h>
#include "lib/thread_format.h"

#define LINE_MAX  256
#define WORDS_MAX 32
#define PS_MAX    128

#define KEY_CTRL_C    0x03
#define KEY_CTRL_D    0x04
#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U    0x15
#define KEY_DELETE    0x7f

enum read_result { LINE_READ, LINE_END_OF_INPUT };

/* Reads one line into line (NUL-terminated), echoing as it goes. Returns
   LINE_END_OF_INPUT on Ctrl-D at the start of a line or if the console
   fails. */
static enum read_result read_line(char *line, int max)
{
    static int last;            /* a '\n' right after a '\r' ends no second line */
    int n = 0;
    for (;;) {
        int c = getchar();
        if (c < 0)
            return LINE_END_OF_INPUT;
        int previous = last;
        last = c;
        if (c == '\n' && previous == '\r')
            continue;
        if (c == '\r' || c == '\n') {
            putchar('\n');
            line[n] = '\0';
            return LINE_READ;
        }
        if (c == KEY_CTRL_D) {
            if (n == 0) {
                putchar('\n');
                return LINE_END_OF_INPUT;
            }
            continue;
        }
        if (c == KEY_BACKSPACE || c == KEY_DELETE) {
            if (n > 0) {
                n--;
                printf("\b \b");    /* back, blank the character, back again */
            }
            continue;
        }
        if (c == KEY_CTRL_U) {         /* erase the whole line */
            for (; n > 0; n--)
                printf("\b \b");
            continue;
        }
        if (c == KEY_CTRL_C) {         /* abandon the line, start a new one */
            printf("^C\n$ ");
            n = 0;
            continue;
        }
        if (c == '\t')
            c = ' ';
        if (c >= ' ' && c < KEY_DELETE && n < max - 1) {
            line[n++] = (char)c;
            putchar(c);
        }
    }
}

/* Splits line in place into words separated by spaces; returns how many
   (at most max - 1, and words[count] = NULL). */
static int split_words(char *line, char **words, int max)
{
    int count = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p || count == max - 1)
            break;
        words[count++] = p;
        while (*p && *p != ' ')
            p++;
    }
    words[count] = NULL;
    return count;
}

static void builtin_help(void)
{
    printf("builtins:\n"
           "  help       this list\n"
           "  ps         list every thread: TID PID NAME STATE CPU PRI TICKS WAIT\n"
           "  ps -T      the whole TCB of every thread, two lines each (docs/tcb.md)\n"
           "  halt       power the machine off\n"
           "  exit [N]   leave the shell (status N, default 0)\n"
           "Ctrl-D on an empty line leaves too. Anything else runs the program of that name:\n"
           "programs:");
    int column = 9;                 /* wrap before 78 columns */
    for (int i = 0; i < program_names_count; i++) {
        int width = 1 + (int)strlen(program_names[i]);
        if (column + width > 78) {
            printf("\n         ");
            column = 9;
        }
        printf(" %s", program_names[i]);
        column += width;
    }
    printf("\n");
}

static const char *state_name(int state)
{
    static const char *const names[] = { "runnable", "running", "blocked", "sleeping", "zombie" };
    return state >= 0 && state < (int)(sizeof names / sizeof names[0]) ? names[state] : "?";
}

static void builtin_ps(void)
{
    static struct thread_info threads[PS_MAX];
    int total = sys_thread_list(threads, PS_MAX);
    if (total < 0) {
        printf("ps: %s\n", strerror(total));
        return;
    }
    printf("%5s %5s %-16s %-9s %3s %3s %8s %s\n", "TID", "PID", "NAME", "STATE", "CPU", "PRI",
           "TICKS", "WAIT");
    int shown = total < PS_MAX ? total : PS_MAX;
    for (int i = 0; i < shown; i++) {
        const struct thread_info *t = &threads[i];
        printf("%5d %5d %-16.*s %-9s %3d %3d %8lu %.*s\n", t->tid, t->pid, ABI_NAME_MAX,
               t->name, state_name(t->state), t->cpu, t->priority, (unsigned long)t->ticks,
               ABI_NAME_MAX, t->wait);
    }
    if (total > shown)
        printf("(%d more threads not shown)\n", total - shown);
}

/* ps -T: every thread's TCB as the kernel sees it, in the layout of the
   Ctrl-P dump (lib/thread_format.h), then what HOLDS cannot show. */
static void builtin_ps_tcb(void)
{
    static struct thread_info threads[PS_MAX];
    char line[160];
    int total = sys_thread_list(threads, PS_MAX);
    if (total < 0) {
        printf("ps: %s\n", strerror(total));
        return;
    }
    for (int l = 0; l < 2; l++) {
        thread_format_header(line, sizeof line, l);
        printf("%s\n", line);
    }
    int shown = total < PS_MAX ? total : PS_MAX;
    for (int i = 0; i < shown; i++)
        for (int l = 0; l < 2; l++) {
            thread_format_row(line, sizeof line, &threads[i], l);
            printf("%s\n", line);
        }
    if (total > shown)
        printf("(%d more threads not shown)\n", total - shown);
    printf("%s\n", thread_format_note);
}

/* Runs program words[0] with words as its argv and waits for it. */
static void run_program(char **words)
{
    int pid = sys_spawn(words[0], (const char *const *)words);
    if (pid == -ENOENT) {
        printf("sh: %s: no such program\n", words[0]);
        return;
    }
    if (pid < 0) {
        printf("sh: %s: %s\n", words[0], strerror(pid));
        return;
    }
    int status;
    int err = sys_wait(pid, &status);
    if (err < 0)
        printf("sh: %s: wait failed: %s\n", words[0], strerror(err));
    else if (status != 0)
        printf("sh: %s: exit status %d\n", words[0], status);
}

int main(void)
{
    char line[LINE_MAX];
    char *words[WORDS_MAX];
    for (;;) {
        printf("$ ");
        if (read_line(line, sizeof line) == LINE_END_OF_INPUT)
            return 0;
        int count = split_words(line, words, WORDS_MAX);
        if (count == 0)
            continue;
        if (!strcmp(words[0], "help"))
            builtin_help();
        else if (!strcmp(words[0], "ps") && count > 1 && !strcmp(words[1], "-T"))
            builtin_ps_tcb();
        else if (!strcmp(words[0], "ps"))
            builtin_ps();
        else if (!strcmp(words[0], "halt"))
            sys_poweroff(0);
        else if (!strcmp(words[0], "exit"))
            return count > 1 ? atoi(words[1]) : 0;
        else
            run_program(words);
    }
}
