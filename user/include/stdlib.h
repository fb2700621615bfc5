/* Memory allocation, process exit and number parsing for user programs. */
#ifndef USER_STDLIB_H
#define USER_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);          /* thread-safe; NULL when out of memory */
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

/* The program's name, argv[0] (set by crt0 before main; NULL if argc is 0). */
extern const char *program_name;

__attribute__((noreturn)) void exit(int status);    /* ends the whole process */
__attribute__((noreturn)) void abort(void);

/* Parses a decimal (or 0x hex) integer; *end (if given) points after it. */
long strtol(const char *s, char **end, int base);
int atoi(const char *s);

#endif
