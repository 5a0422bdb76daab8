/* interleave.c - bench/launch's timer: runs every command once per round,
 * in turn, for WARMUP + RUNS rounds, and prints one line per timed run:
 * "ROW<TAB>MS". A command is a line of tab-separated words: the row's name,
 * then optional NAME=VALUE words (set in the child's environment), an
 * optional @DIR word (its working directory) and <FILE word (its stdin),
 * then argv; a !DIR word empties DIR before each run, untimed (a first
 * launch's cache directory). Output of the commands goes to /dev/null; a
 * command that fails stops the bench.
 *   interleave RUNS WARMUP COMMANDS-FILE */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 64
#define MAX_WORDS 64

struct cmd {
	char *name;
	char *env[MAX_WORDS];
	char *dir;
	char *in;
	char *clean;
	char *argv[MAX_WORDS];
};

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level > 0 && remove(path) != 0) {
		perror(path);
		exit(1);
	}
	return 0;
}

/* Everything in dir goes (dir stays); a missing dir is fine. */
static void empty_dir(const char *dir)
{
	if (nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) {
		perror(dir);
		exit(1);
	}
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double run(const struct cmd *c)
{
	if (c->clean != NULL)
		empty_dir(c->clean);
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int in = c->in ? open(c->in, O_RDONLY) : null;
		if (null < 0 || in < 0 || dup2(in, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(126);
		for (int i = 0; c->env[i]; i++)
			if (putenv(c->env[i]) != 0)
				_exit(126);
		if (c->dir && chdir(c->dir) != 0)
			_exit(126);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			exit(1);
		}
	double ms = now_ms() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "interleave: '%s' failed (status 0x%x)\n", c->name, st);
		exit(1);
	}
	return ms;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: interleave RUNS WARMUP COMMANDS-FILE\n");
		return 2;
	}
	int runs = atoi(argv[1]), warmup = atoi(argv[2]);
	FILE *f = fopen(argv[3], "r");
	if (f == NULL) {
		perror(argv[3]);
		return 1;
	}
	static struct cmd cmds[MAX_CMDS];
	int n = 0;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0 && n < MAX_CMDS) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			continue;
		struct cmd *c = &cmds[n++];
		char *save, *w = strtok_r(strdup(line), "\t", &save);
		c->name = w;
		int ne = 0, na = 0;
		while ((w = strtok_r(NULL, "\t", &save)) != NULL && na < MAX_WORDS - 1) {
			if (na == 0 && w[0] == '@')
				c->dir = w + 1;
			else if (na == 0 && w[0] == '<')
				c->in = w + 1;
			else if (na == 0 && w[0] == '!')
				c->clean = w + 1;
			else if (na == 0 && strchr(w, '=') != NULL && ne < MAX_WORDS - 1)
				c->env[ne++] = w;
			else
				c->argv[na++] = w;
		}
		if (na == 0) {
			fprintf(stderr, "interleave: '%s' has no command\n", c->name);
			return 1;
		}
	}
	fclose(f);
	for (int r = 0; r < warmup + runs; r++)
		for (int i = 0; i < n; i++) {
			double ms = run(&cmds[i]);
			if (r >= warmup)
				printf("%s\t%.3f\n", cmds[i].name, ms);
		}
	return 0;
}
