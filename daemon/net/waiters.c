#include <string.h>

#include <event2/event.h>

#include "conn.h"
#include "log.h"
#include "reply.h"
#include "server.h"
#include "waiters.h"

/* Blocked connections in arrival order: the first waiter gets the offer. */
static TAILQ_HEAD(, conn)	waiters = TAILQ_HEAD_INITIALIZER(waiters);
static size_t			nwaiters;

static void
waiters_unblock(struct conn *c)
{
	TAILQ_REMOVE(&waiters, c, wait_entry);
	nwaiters--;
	c->flags &= ~CONN_BLOCKED;
	if (c->block_timer != NULL)
		event_del(c->block_timer);
	conn_set_idle(c);
	conn_resume(c);
}

static void
waiters_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	if ((c->flags & CONN_BLOCKED) == 0)
		return;
	resp_add_nil(&c->reply);
	waiters_unblock(c);
	conn_want_flush(c);
}

void
waiters_add(struct conn *c, hl_ms timeout_ms, int accept)
{
	struct timeval	tv;

	c->flags |= CONN_BLOCKED;
	c->wait_accept = accept;
	TAILQ_INSERT_TAIL(&waiters, c, wait_entry);
	nwaiters++;
	conn_set_idle(c);
	if (timeout_ms <= 0)
		return;
	if (c->block_timer == NULL)
		c->block_timer = evtimer_new(server.base, waiters_timeout, c);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(c->block_timer, &tv);
}

void
waiters_remove(struct conn *c)
{
	if ((c->flags & CONN_BLOCKED) == 0)
		return;
	TAILQ_REMOVE(&waiters, c, wait_entry);
	nwaiters--;
	c->flags &= ~CONN_BLOCKED;
	if (c->block_timer != NULL)
		event_del(c->block_timer);
}

/*
 * An offer was made: the agent's first blocked AGENT NEXT gets the ticket.
 * Its reply waits for the commit like any other that depends on a change.
 * AGENT NEXT ... ACCEPT cannot accept here, in the middle of the engine's
 * routing: the connection accepts when it resumes, after this iteration.
 */
void
waiters_on_event(const struct engine_event *ev, void *arg)
{
	struct conn		*c;
	size_t			 start;

	if (ev->kind != EV_TICKET_OFFERED || ev->agent == NULL ||
	    ev->row == NULL)
		return;
	TAILQ_FOREACH(c, &waiters, wait_entry) {
		if (strcmp(c->user, ev->agent) == 0)
			break;
	}
	if (c == NULL)
		return;
	if (c->wait_accept) {
		c->accept_offer = ev->ticket;
		waiters_unblock(c);
		return;
	}
	start = c->reply.len;
	reply_ticket(&c->reply, ev->row, 1);
	conn_mark_write(c, start);
	waiters_unblock(c);
}

size_t
waiters_count(void)
{
	return (nwaiters);
}
