/* journal.h - what a sandbox leaves on the host (blacklist placeholders),
 * written down before it is made, so that a helper killed with SIGKILL at
 * any moment leaves nothing the next run does not remove. */
#ifndef TSJ_JOURNAL_H
#define TSJ_JOURNAL_H

#include <sys/types.h>

#include "creds.h"
#include "plan.h"

/* Removes what earlier runs of this caller left: every journal of the
 * caller's that no live helper holds locked. Then, if the plan can make
 * placeholders, creates and locks this run's journal; the lock lasts as
 * long as this helper and its sandbox. Returns the journal's fd (for the
 * child's records) or -1. */
int journal_begin(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* Records, NUL-terminated: "? PATH" before the placeholder is made, then
 * "DEV INO PATH" once it exists. Dies if the record cannot be written. */
void journal_add(int fd, const char *record);

/* Reads NUL-separated records from fd until EOF, at most size - 1 bytes,
 * and terminates them. Returns the length, or -1 on a read error. */
ssize_t records_read(int fd, char *buf, size_t size);

/* The sandbox has ended and its placeholders are removed: the journal goes. */
void journal_end(int fd);

#endif
