/*
 * console-sync.c: keeps the wallboard's model (console-data.c) in step
 * with the daemon, over two links: one for commands, one subscribed to
 * `events`. At every (re)connection it reads a snapshot (QUEUE LIST,
 * AGENT LIST, the waiting and active tickets); from then on events drive
 * the model, which marks the queues and agents they touched; a short
 * timer then re-reads those few (QUEUE STATS, AGENT STATUS), each at most
 * once in flight, so a burst of events costs one read per queue and
 * agent, never one per event.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "rmap.h"
#include "xmalloc.h"

#define REFRESH_DELAY_MS	100
#define SNAPSHOT_LIMIT		"10000"

struct reread {
	struct console	*c;
	char		 name[CON_NAME_MAX];
};

static void	refresh_soon(struct console *);

static void
snap_queues(redisAsyncContext *ac, void *reply, void *arg)
{
	data_set_queues(arg, reply);
}

static void
snap_agents(redisAsyncContext *ac, void *reply, void *arg)
{
	data_set_agents(arg, reply);
}

/* Waiting and offered tickets: their queue and answer-SLA alarm. */
static void
snap_waiting(redisAsyncContext *ac, void *reply, void *arg)
{
	data_set_waiting(arg, reply);
}

/* Active tickets: who works which. */
static void
snap_active(redisAsyncContext *ac, void *reply, void *arg)
{
	data_set_active(arg, reply);
}

static void
snap_done(redisAsyncContext *ac, void *reply, void *arg)
{
	if (reply != NULL)
		data_loaded(arg);
}

void
sync_snapshot(struct console *c)
{
	if (!link_is_up(c->cmd) || c->loading)
		return;
	c->loading = 1;
	link_call(c->cmd, snap_queues, c, "QUEUE", "LIST", NULL);
	link_call(c->cmd, snap_agents, c, "AGENT", "LIST", NULL);
	link_call(c->cmd, snap_waiting, c, "TICKET", "LIST", "STATE", "queued",
	    "LIMIT", SNAPSHOT_LIMIT, NULL);
	link_call(c->cmd, snap_waiting, c, "TICKET", "LIST", "STATE",
	    "offered", "LIMIT", SNAPSHOT_LIMIT, NULL);
	link_call(c->cmd, snap_active, c, "TICKET", "LIST", "STATE", "active",
	    "LIMIT", SNAPSHOT_LIMIT, NULL);
	link_call(c->cmd, snap_done, c, "PING", NULL);
}

static void
reread_queue(redisAsyncContext *ac, void *reply, void *arg)
{
	struct reread	*rr = arg;

	if (data_set_queue(rr->c, rr->name, reply))
		refresh_soon(rr->c);
	free(rr);
}

static void
reread_agent(redisAsyncContext *ac, void *reply, void *arg)
{
	struct reread	*rr = arg;

	if (data_set_agent(rr->c, rr->name, reply))
		refresh_soon(rr->c);
	free(rr);
}

/* QUEUE STATS q / AGENT STATUS a, one at a time per queue or agent. */
static void
reread_send(struct console *c, redisCallbackFn *fn, const char *cmd,
    const char *sub, const char *name, int *inflight)
{
	struct reread	*rr;

	rr = xcalloc(1, sizeof *rr);
	rr->c = c;
	snprintf(rr->name, sizeof rr->name, "%s", name);
	if (link_call(c->cmd, fn, rr, cmd, sub, name, NULL) != 0) {
		free(rr);
		return;
	}
	*inflight = 1;
}

static void
sync_refresh(evutil_socket_t fd, short what, void *arg)
{
	struct console	*c = arg;
	int		 i;

	if (!link_is_up(c->cmd))
		return;
	for (i = 0; i < c->nqueues; i++) {
		struct cqueue *q = &c->queues[i];

		if (q->dirty && !q->inflight) {
			q->dirty = 0;
			reread_send(c, reread_queue, "QUEUE", "STATS", q->name,
			    &q->inflight);
		}
	}
	for (i = 0; i < c->nagents; i++) {
		struct cagent *a = &c->agents[i];

		if (a->dirty && !a->inflight) {
			a->dirty = 0;
			reread_send(c, reread_agent, "AGENT", "STATUS", a->name,
			    &a->inflight);
		}
	}
}

static void
refresh_soon(struct console *c)
{
	struct timeval	tv = { 0, REFRESH_DELAY_MS * 1000 };

	if (!evtimer_pending(c->ev_refresh, NULL))
		evtimer_add(c->ev_refresh, &tv);
}

/* A ticket whose queue we do not know yet: ask, and fill it in. */
static void
learn_queue_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	struct reread		*rr = arg;
	struct console		*c = rr->c;
	const redisReply	*r = reply;
	uint64_t		 id = strtoull(rr->name, NULL, 10);

	free(rr);
	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	data_set_ticket_queue(c, id, rmap_str(r, "queue"));
}

static void
learn_queue(struct console *c, uint64_t id)
{
	struct reread	*rr;

	rr = xcalloc(1, sizeof *rr);
	rr->c = c;
	snprintf(rr->name, sizeof rr->name, "%llu", (unsigned long long)id);
	if (link_call(c->cmd, learn_queue_reply, rr, "TICKET", "GET", rr->name,
	    NULL) != 0)
		free(rr);
}

static void
sync_event(struct console *c, const struct evmsg *ev)
{
	uint64_t	learn;

	if (strcmp(ev->type, "config.reloaded") == 0) {
		sync_snapshot(c);
		return;
	}
	if ((learn = data_apply(c, ev)) != 0)
		learn_queue(c, learn);
	refresh_soon(c);
}

static void
sync_message(redisAsyncContext *ac, void *reply, void *arg)
{
	struct console	*c = arg;
	struct evmsg	 ev;
	char		 err[128];

	if (c->quitting)
		return;
	switch (evmsg_reply(&ev, reply, err, sizeof err)) {
	case EVMSG_SUBSCRIBED:
		c->subscribed = 1;
		sync_snapshot(c);
		break;
	case EVMSG_EVENT:
		/* Until the snapshot is in, it already holds what these say. */
		if (c->loaded)
			sync_event(c, &ev);
		evmsg_clear(&ev);
		break;
	default:
		break;
	}
}

static void
sync_cmd_up(struct link *l, void *arg)
{
	struct console	*c = arg;

	if (c->o.once || c->subscribed)
		sync_snapshot(c);
}

static void
sync_down(struct link *l, const char *why, int64_t retry_ms, void *arg)
{
	struct console	*c = arg;

	if (c->quitting)
		return;
	if (l == c->sub)
		c->subscribed = 0;
	else
		c->loading = 0;
	data_lost(c, why, retry_ms < 0);
}

static void
sync_sub_up(struct link *l, void *arg)
{
	struct console	*c = arg;

	link_call(l, sync_message, c, "SUBSCRIBE", "events", NULL);
}

int
sync_call(struct console *c, redisCallbackFn *fn, void *arg, ...)
{
	const char	*argv[16];
	va_list		 ap;
	int		 argc;

	va_start(ap, arg);
	argc = link_words(argv, 16, ap);
	va_end(ap);
	return (link_command(c->cmd, fn, arg, argc, argv));
}

int
sync_start(struct console *c)
{
	static const struct link_cbs cmd_cbs = { sync_cmd_up, sync_down };
	static const struct link_cbs sub_cbs = { sync_sub_up, sync_down };

	c->user = c->o.link.user;
	c->o.link.reconnect = !c->o.once;
	c->o.link.session = &c->o.session;
	if (c->o.filter != NULL)
		snprintf(c->filter, sizeof c->filter, "%s", c->o.filter);
	if ((c->ev_refresh = evtimer_new(c->base, sync_refresh, c)) == NULL)
		return (-1);
	if ((c->cmd = link_new(c->base, &c->o.link, "commands", &cmd_cbs,
	    c)) == NULL)
		return (-1);
	link_start(c->cmd);
	if (c->o.once)
		return (0);
	if ((c->sub = link_new(c->base, &c->o.link, "events", &sub_cbs,
	    c)) == NULL)
		return (-1);
	link_start(c->sub);
	return (0);
}

void
sync_stop(struct console *c)
{
	c->quitting = 1;
	link_free(c->cmd);
	link_free(c->sub);
	c->cmd = c->sub = NULL;
	if (c->ev_refresh != NULL)
		event_free(c->ev_refresh);
	c->ev_refresh = NULL;
}
