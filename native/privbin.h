/* privbin.h - the private-bin operation, in privbin.c. */
#ifndef TSJ_PRIVBIN_H
#define TSJ_PRIVBIN_H

#include "creds.h"
#include "plan.h"

/* A new directory holding only m's files (those the caller may run),
 * mounted over each directory of plan.def's TSJ_BIN_DIRS there is. */
void privbin_apply(const struct tsj_creds *cr, const struct tsj_mount *m);

#endif
