/*
 * waiters.h: connections whose command (AGENT NEXT) waits for an offer to
 * their agent, as Redis keeps clients blocked on a key. An offer, the
 * timeout, or the desk the offer was shown to hanging up wakes one through
 * cmd_wake(); the command's continuation then runs in the dispatcher.
 */
#ifndef HOTLINE_WAITERS_H
#define HOTLINE_WAITERS_H

#include "engine.h"

struct conn;

/* Wait behind the agent's other waiters; timeout_ms 0: no timeout. */
void	waiters_add(struct conn *, hl_ms timeout_ms);
/* Woken for nothing (the offer went meanwhile): wait again, first in line
 * and with the timeout still running. */
void	waiters_requeue(struct conn *);
/* The command was answered: off the list, its timeout stopped. */
void	waiters_remove(struct conn *);
/* The connection closes. An offer it was shown and left unanswered goes
 * to the agent's next waiting desk. */
void	waiters_closed(struct conn *);
/* Journal listener: an offer wakes the agent's first waiter. */
void	waiters_on_event(const struct engine_event *, void *);
size_t	waiters_count(void);

#endif
