/* reap.h - children of the process the helper replaced (reap.c). */
#ifndef TSJ_REAP_H
#define TSJ_REAP_H

#include <stdbool.h>

/* As the helper starts: notes the children it already has. */
void reap_note_inherited(void);

/* Reaps those that have ended; wait: first waits for them all, at most two
 * seconds. Does nothing in a forked or cloned process. */
void reap_inherited(bool wait);

#endif
