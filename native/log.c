/* log.c - messages to stderr. Every message is formatted into one buffer and
 * written with a single write(2), so lines from the helper's processes never
 * interleave mid-line. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool tsj_debug_on;
bool tsj_quiet;
void (*tsj_die_hook)(void);
void (*tsj_exit_hook)(void);

static void run_die_hook(void)
{
	void (*hook)(void) = tsj_die_hook;
	tsj_die_hook = NULL;
	if (hook != NULL)
		hook();
	if (tsj_exit_hook != NULL)
		tsj_exit_hook();
}

static void emit(const char *kind, int err, const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "tsjail: %s", kind);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	size_t len = m < 0 ? (size_t)n : (size_t)n + (size_t)m;
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	if (err != 0) {
		int k = snprintf(line + len, sizeof line - len, ": %s", strerror(err));
		if (k > 0)
			len += (size_t)k;
		if (len > sizeof line - 2)
			len = sizeof line - 2;
	}
	line[len++] = '\n';
	/* Best effort: there is nowhere left to report a failed write. */
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("", 0, fmt, ap);
	va_end(ap);
	run_die_hook();
	_exit(1);
}

void die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	emit("", err, fmt, ap);
	va_end(ap);
	run_die_hook();
	_exit(1);
}

void warn_msg(const char *fmt, ...)
{
	if (tsj_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("warning: ", 0, fmt, ap);
	va_end(ap);
}

void debug(const char *fmt, ...)
{
	if (!tsj_debug_on)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("debug: ", 0, fmt, ap);
	va_end(ap);
}

int err_msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
