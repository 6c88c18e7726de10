/* waiters.h: connections blocked in AGENT NEXT, woken by offers. */
#ifndef HOTLINE_WAITERS_H
#define HOTLINE_WAITERS_H

#include "engine.h"

struct conn;

/* Block c until an offer to its agent (timeout_ms 0: no timeout); with
 * accept, the offer is to be accepted when c resumes (c->accept_offer). */
void	waiters_add(struct conn *, hl_ms timeout_ms, int accept);
void	waiters_remove(struct conn *);
/* Journal listener: an offer wakes the agent's first waiter. */
void	waiters_on_event(const struct engine_event *, void *);
size_t	waiters_count(void);

#endif
