#include <string.h>

#include <event2/event.h>

#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "server.h"
#include "waiters.h"

/* Waiting connections in arrival order: the first of an agent's is woken. */
static TAILQ_HEAD(, conn)	waiters = TAILQ_HEAD_INITIALIZER(waiters);
static size_t			nwaiters;

static void
waiters_unlist(struct conn *c)
{
	if ((c->flags & CONN_WAITING) == 0)
		return;
	TAILQ_REMOVE(&waiters, c, wait_entry);
	nwaiters--;
	c->flags &= ~CONN_WAITING;
}

static void
waiters_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	if ((c->flags & CONN_BLOCKED) == 0)
		return;
	waiters_unlist(c);
	cmd_wake(c, CMD_WAKE_TIMEOUT);
}

void
waiters_add(struct conn *c, hl_ms timeout_ms)
{
	struct timeval	tv;

	TAILQ_INSERT_TAIL(&waiters, c, wait_entry);
	nwaiters++;
	c->flags |= CONN_WAITING;
	if (timeout_ms <= 0)
		return;
	if (c->block_timer == NULL)
		c->block_timer = evtimer_new(server.base, waiters_timeout, c);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(c->block_timer, &tv);
}

void
waiters_requeue(struct conn *c)
{
	if ((c->flags & CONN_WAITING) != 0)
		return;
	TAILQ_INSERT_HEAD(&waiters, c, wait_entry);
	nwaiters++;
	c->flags |= CONN_WAITING;
}

void
waiters_remove(struct conn *c)
{
	waiters_unlist(c);
	if (c->block_timer != NULL)
		event_del(c->block_timer);
}

/* The agent's first waiting connection goes on at the end of the iteration. */
static void
waiters_wake_agent(const char *agent)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &waiters, wait_entry) {
		if (strcmp(c->user, agent) == 0)
			break;
	}
	if (c == NULL)
		return;
	waiters_unlist(c);
	cmd_wake(c, CMD_WAKE_READY);
}

/*
 * A desk shown an offer, or woken for it, hangs up without answering it:
 * the agent may be waiting at another desk, which would otherwise learn of
 * the offer only when it timed out. (At shutdown connections are logged
 * out first.)
 */
void
waiters_closed(struct conn *c)
{
	const struct agent	*ag;
	int			 woken;

	woken = (c->flags & CONN_BLOCKED) != 0 &&
	    (c->block_wake & CMD_WAKE_READY) != 0;
	waiters_remove(c);
	if (!c->authed ||
	    (ag = engine_agent_get(server.engine, c->user)) == NULL ||
	    ag->offer == 0 || (!woken && ag->offer != c->offer_shown))
		return;
	waiters_wake_agent(c->user);
}

/*
 * An offer was made: the agent's first waiting AGENT NEXT is woken. It
 * answers when it resumes, after this iteration's commit, from the engine
 * as it is then: not in the middle of the engine's routing, which ACCEPT
 * would re-enter.
 */
void
waiters_on_event(const struct engine_event *ev, void *arg)
{
	if (ev->kind == EV_TICKET_OFFERED && ev->agent != NULL)
		waiters_wake_agent(ev->agent);
}

size_t
waiters_count(void)
{
	return (nwaiters);
}
