/* mountinfo.c - /proc/PID/mountinfo, parsed in one place (proc(5)):
 * ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
#include "mountinfo.h"

#include <stdlib.h>
#include <string.h>

static void unescape(char *s)
{
	char *o = s;
	for (char *i = s; *i; i++) {
		if (i[0] == '\\' && i[1] >= '0' && i[1] <= '3' && i[2] >= '0' && i[2] <= '7' &&
		    i[3] >= '0' && i[3] <= '7') {
			*o++ = (char)(((i[1] - '0') << 6) | ((i[2] - '0') << 3) | (i[3] - '0'));
			i += 3;
		} else {
			*o++ = *i;
		}
	}
	*o = '\0';
}

static bool parse(char *line, struct mountinfo_line *l)
{
	char *save = NULL, *field[6] = { NULL };
	char *t = strtok_r(line, " \n", &save);
	for (int i = 0; i < 6 && t; i++, t = strtok_r(NULL, " \n", &save))
		field[i] = t;
	while (t && strcmp(t, "-") != 0)
		t = strtok_r(NULL, " \n", &save);
	char *fstype = t ? strtok_r(NULL, " \n", &save) : NULL;
	char *source = fstype ? strtok_r(NULL, " \n", &save) : NULL;
	char *super = source ? strtok_r(NULL, " \n", &save) : NULL;
	if (super == NULL || field[5] == NULL)
		return false;
	char *end;
	l->id = strtoul(field[0], &end, 10);
	if (*end != '\0')
		return false;
	l->parent = strtoul(field[1], &end, 10);
	if (*end != '\0')
		return false;
	if (sscanf(field[2], "%u:%u", &l->major, &l->minor) != 2)
		return false;
	unescape(field[3]);
	unescape(field[4]);
	unescape(source);
	l->root = field[3];
	l->point = field[4];
	l->opts = field[5];
	l->fstype = fstype;
	l->source = source;
	l->super = super;
	l->rw = strncmp(field[5], "rw", 2) == 0 && (field[5][2] == ',' || field[5][2] == '\0');
	return true;
}

bool mountinfo_each(FILE *f, bool (*fn)(const struct mountinfo_line *l, void *arg), void *arg)
{
	char *line = NULL;
	size_t cap = 0;
	bool ok = true;
	while (getline(&line, &cap, f) > 0) {
		struct mountinfo_line l;
		if (parse(line, &l) && !fn(&l, arg))
			break;
	}
	if (ferror(f))
		ok = false;
	free(line);
	return ok;
}
