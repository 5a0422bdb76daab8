/* front.c - the `tsjail` command: a launch with a stored plan that still
 * holds starts the helper directly (fcache.c, fdeps.c, fplan.c); anything
 * else runs the full Node path (dist/start.cjs: the bundle of what
 * bin/tsjail.js runs), which builds the plan and
 * stores it for next time. Started as a launcher link (any name other than
 * tsjail), it stands for that program, as the Node path does.
 *
 * It is not setuid and gains nothing from the files it reads: a stored plan
 * is a plan the caller could have written by hand, and the helper checks it
 * as such. What it guards against is a plan someone else wrote, or one
 * that no longer matches the profile: DESIGN.md, SECURITY.md. */
#include "front.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TSJ_NODE
#define TSJ_NODE "/usr/bin/node"
#endif
#ifndef TSJ_VERSION
#define TSJ_VERSION "0.0.0"
#endif

#define MAX_CANDIDATES 8

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s == NULL ? p : s + 1;
}

/* The package directory: two levels above this executable
 * (PKG/native/tsjail). */
static int package_dir(char *out, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", out, size - 1);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	for (int i = 0; i < 2; i++) {
		char *s = strrchr(out, '/');
		if (s == NULL || s == out)
			return -1;
		*s = '\0';
	}
	return 0;
}

/* The Node path: node PKG/dist/start.cjs ARGS... (or bin/tsjail.js),
 * told how it was started and what the front end found. */
/* Started through a launcher link: any name but tsjail's own. */
static bool link_name(const char *name)
{
	return strcmp(name, "tsjail") != 0 && strcmp(name, "tsjail.js") != 0 && name[0] != '\0';
}

static _Noreturn void run_node(int argc, char **argv, const char *front)
{
	char pkg[PATH_MAX], entry[PATH_MAX + 32];
	if (package_dir(pkg, sizeof pkg) != 0) {
		fprintf(stderr, "tsjail: cannot find the tsjail package from /proc/self/exe: %s\n", strerror(errno));
		exit(1);
	}
	/* The bundled planner, run from its code cache (scripts/bundle.mjs,
	 * scripts/start.cjs), else the Node script. */
	snprintf(entry, sizeof entry, "%s/dist/start.cjs", pkg);
	if (access(entry, R_OK) != 0)
		snprintf(entry, sizeof entry, "%s/bin/tsjail.js", pkg);
	if (setenv("TSJAIL_INVOKED_AS", argv[0], 1) != 0 || setenv("TSJAIL_FRONT", front, 1) != 0) {
		fprintf(stderr, "tsjail: setenv: %s\n", strerror(errno));
		exit(1);
	}
	char **nargv = calloc((size_t)argc + 2, sizeof *nargv);
	if (nargv == NULL) {
		fprintf(stderr, "tsjail: out of memory\n");
		exit(1);
	}
	nargv[0] = "node";
	nargv[1] = entry;
	for (int i = 1; i < argc; i++)
		nargv[i + 1] = argv[i];
	fc_full_path(TSJ_NODE, nargv);
	execv(TSJ_NODE, nargv);
	execvp("node", nargv);
	fprintf(stderr, "tsjail: cannot run node (%s, or node in PATH): %s\n", TSJ_NODE, strerror(errno));
	exit(127);
}

/* Where the program may begin in a command line: each word that is not an
 * option (an option's value may look like one, so each is tried), the word
 * after the first '--', or nowhere (no program: the shell). */
static size_t candidates(char **args, size_t nargs, struct fc_launch *out)
{
	size_t n = 0;
	for (size_t i = 0; i < nargs && n < MAX_CANDIDATES; i++) {
		if (strcmp(args[i], "--") == 0) {
			out[n++] = (struct fc_launch){ .args = args, .nargs = i + 1,
				.program = i + 1 < nargs ? args[i + 1] : NULL,
				.words = args + i + 1, .nwords = nargs - i - 1 };
			return n;
		}
		if (args[i][0] != '-')
			out[n++] = (struct fc_launch){ .args = args, .nargs = i, .program = args[i],
				.words = args + i, .nwords = nargs - i };
	}
	if (n < MAX_CANDIDATES)
		out[n++] = (struct fc_launch){ .args = args, .nargs = nargs, .program = NULL,
			.words = args + nargs, .nwords = 0 };
	return n;
}

static bool has_arg(char **args, size_t n, const char *want)
{
	for (size_t i = 0; i < n && strcmp(args[i], "--") != 0; i++)
		if (strcmp(args[i], want) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	if (argc < 1 || argv[0] == NULL)
		return 1;
	const char *name = base_name(argv[0]);
	bool link = link_name(name);
	/* What the Node path prints for it (the package's version). */
	if (!link && argc == 2 && strcmp(argv[1], "--version") == 0) {
		if (printf("tsjail %s\n", TSJ_VERSION) < 0 || fflush(stdout) != 0)
			return 1;
		return 0;
	}
	char why[FC_WHY] = "";
	char front[FC_WHY + PATH_MAX];
	char dir[PATH_MAX];

	/* --print-plan runs nothing: the Node path prints the plan, and says
	 * whether the same launch without it would use a stored plan. */
	char **args = argv + 1;
	size_t nargs = (size_t)argc - 1;
	char **lookup = args;
	bool print = !link && has_arg(args, nargs, "--print-plan");
	if (print) {
		lookup = calloc(nargs + 1, sizeof *lookup);
		if (lookup == NULL)
			run_node(argc, argv, "miss:out of memory");
		size_t k = 0;
		bool dropped = false;
		for (size_t i = 0; i < nargs; i++) {
			if (!dropped && strcmp(args[i], "--print-plan") == 0) {
				dropped = true;
				continue;
			}
			lookup[k++] = args[i];
		}
		nargs = k;
	}

	struct fc_launch cand[MAX_CANDIDATES];
	size_t ncand;
	if (link) {
		cand[0] = (struct fc_launch){ .link = true, .name = name, .words = args, .nwords = nargs };
		ncand = 1;
	} else {
		ncand = candidates(lookup, nargs, cand);
	}
	const char *container = getenv("container");
	if (link && container != NULL && strcmp(container, "tsjail") == 0) {
		fc_why(why, "a launcher link inside a sandbox");
	} else if (fc_dir(dir, sizeof dir, why) == 0) {
		for (size_t i = 0; i < ncand; i++) {
			struct fc_file f;
			char one[FC_WHY];
			if (fc_open(dir, &cand[i], &f, one) != 0) {
				if (i == 0 || why[0] == '\0')
					memcpy(why, one, sizeof why);
				continue;
			}
			if (fc_check(&f, &cand[i], why) == 0) {
				if (print) {
					snprintf(front, sizeof front, "cached:%s", f.path);
					run_node(argc, argv, front);
				}
				fc_exec(&f, &cand[i], has_arg(args, nargs, "--debug"), why);
			}
			fc_free(&f);
			break;
		}
	}
	snprintf(front, sizeof front, "miss:%s", why[0] != '\0' ? why : "no stored plan");
	run_node(argc, argv, front);
}
