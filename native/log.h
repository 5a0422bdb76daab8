/* log.h - the helper's messages: one line each, prefixed "tsjail: ". */
#ifndef TSJ_LOG_H
#define TSJ_LOG_H

#include <stdbool.h>
#include <stddef.h>

extern bool tsj_debug_on;
extern bool tsj_quiet;
/* Run once by die() and die_errno() before exiting (cgroup.c removes the
 * cgroups it created and ends the sandbox). */
extern void (*tsj_die_hook)(void);
/* Run by die() and die_errno() after the die hook, every time (main.c:
 * reaps what the process the helper replaced left it, reap.c). */
extern void (*tsj_exit_hook)(void);

/* Prints "tsjail: MSG" and exits with status 1. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like die(), with ": strerror(errno)" appended; names the failing call. */
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes the message into err (errlen bytes) for the caller to report, and
 * returns -1: for checks that say why without dying. */
int err_msg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
