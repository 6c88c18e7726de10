/*
 * presence.h: what every agent's presence (status, break reason, wrap-up,
 * the offer it holds) was at the last commit. The store does not hold
 * presence: it belongs to the live connections. A failed commit rebuilds
 * the engine from the store, then puts this back, so that the daemon is
 * exactly as before the failed batch, not as the failed batch left it.
 */
#ifndef HOTLINE_PRESENCE_H
#define HOTLINE_PRESENCE_H

#include <stddef.h>

#include "engine.h"

/* After a commit (or a batch kept in memory): agent's presence in e is
 * the settled one. An agent no longer in e is forgotten. */
void	presence_note(const struct engine *, const char *agent);
/* Into an engine just loaded from the store, before engine_restore_done;
 * the number of agents put back. */
size_t	presence_restore(struct engine *);
size_t	presence_count(void);
void	presence_free(void);

#endif
