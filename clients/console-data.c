/*
 * console-data.c: the wallboard's model. At every (re)connection it reads
 * a snapshot (QUEUE LIST, AGENT LIST, the waiting and active tickets);
 * from then on the `events` channel drives it. An event updates what it
 * says directly (alarms, who works which ticket, the feed) and marks the
 * queue and agent it touched; a short timer then re-reads those few
 * (QUEUE STATS, AGENT STATUS), each at most once in flight, so a burst
 * of events costs one read per queue and agent, never one per event.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "fmt.h"
#include "rmap.h"
#include "xmalloc.h"

#define REFRESH_DELAY_MS	100
#define TMAP_CACHE_MAX		65536
#define SNAPSHOT_LIMIT		"10000"

struct reread {
	struct console	*c;
	char		 name[CON_NAME_MAX];
};

static void	refresh_soon(struct console *);

void
console_quit(struct console *c, int code)
{
	if (c->quitting)
		return;
	c->quitting = 1;
	c->exit_code = code;
	event_base_loopexit(c->base, NULL);
}

int
data_queue_index(const struct console *c, const char *name)
{
	int	i;

	for (i = 0; i < c->nqueues; i++)
		if (strcmp(c->queues[i].name, name) == 0)
			return (i);
	return (-1);
}

static int
agent_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct cagent *)a)->name,
	    ((const struct cagent *)b)->name));
}

struct cagent *
data_agent(struct console *c, const char *name)
{
	struct cagent	key = { 0 };

	if (c->nagents == 0)
		return (NULL);
	snprintf(key.name, sizeof key.name, "%s", name);
	return (bsearch(&key, c->agents, (size_t)c->nagents, sizeof key,
	    agent_cmp));
}

/* A new agent, in name order. */
static struct cagent *
data_agent_add(struct console *c, const char *name)
{
	struct cagent	*na;

	na = xreallocarray(c->agents, (size_t)c->nagents + 1, sizeof *na);
	c->agents = na;
	memset(&na[c->nagents], 0, sizeof *na);
	snprintf(na[c->nagents].name, sizeof na->name, "%s", name);
	c->nagents++;
	qsort(c->agents, (size_t)c->nagents, sizeof *na, agent_cmp);
	return (data_agent(c, name));
}

int
data_queue_visible(const struct console *c, const struct cqueue *q)
{
	return (c->filter[0] == '\0' || strcmp(c->filter, q->name) == 0);
}

/* Under a filter, the agents with a skill for that queue. */
int
data_agent_visible(const struct console *c, const struct cagent *a)
{
	size_t		 n = strlen(c->filter);
	const char	*p;

	if (a->gone)
		return (0);
	if (n == 0)
		return (1);
	for (p = a->skills; (p = strstr(p, c->filter)) != NULL; p += n)
		if ((p == a->skills || p[-1] == ',') && p[n] == ':')
			return (1);
	return (0);
}

static void
queue_read(struct console *c, struct cqueue *q, const redisReply *m)
{
	char	key[CON_NAME_MAX + 16];
	int	t;

	snprintf(q->name, sizeof q->name, "%s", rmap_str(m, "queue"));
	q->waiting = rmap_int(m, "waiting", 0);
	for (t = 0; t < c->ntiers; t++) {
		snprintf(key, sizeof key, "waiting.%s", c->tiers[t]);
		q->tier_waiting[t] = rmap_int(m, key, 0);
	}
	q->oldest_wait_ms = rmap_int(m, "oldest_wait_ms", 0);
	q->offered = rmap_int(m, "offered", 0);
	q->active = rmap_int(m, "active", 0);
	q->breaches_today = rmap_int(m, "breaches_today", 0);
	q->answered_today = rmap_int(m, "answered_today", 0);
	q->abandoned_today = rmap_int(m, "abandoned_today", 0);
	q->asa_today_ms = rmap_int(m, "asa_today_ms", 0);
	snprintf(q->sl_today, sizeof q->sl_today, "%s", rmap_str(m, "sl_today"));
	snprintf(q->sl_15m, sizeof q->sl_15m, "%s", rmap_str(m, "sl_15m"));
	snprintf(q->sl_1h, sizeof q->sl_1h, "%s", rmap_str(m, "sl_1h"));
	q->agents_available = rmap_int(m, "agents.available", 0);
	q->agents_logged_in = rmap_int(m, "agents.logged_in", 0);
	q->fetched = fmt_mono_ms();
}

static void
agent_read(struct cagent *a, const redisReply *m)
{
	snprintf(a->status, sizeof a->status, "%s", rmap_str(m, "status"));
	snprintf(a->reason, sizeof a->reason, "%s", rmap_str(m, "reason"));
	snprintf(a->skills, sizeof a->skills, "%s", rmap_str(m, "skills"));
	snprintf(a->connection, sizeof a->connection, "%s",
	    rmap_str(m, "connection"));
	a->status_ms = rmap_int(m, "status_ms", 0);
	a->offer = rmap_int(m, "offer", 0);
	a->active = rmap_int(m, "active", 0);
	a->capacity = rmap_int(m, "capacity", 1);
	a->missed = rmap_int(m, "missed", 0);
	a->handled = rmap_int(m, "handled", 0);
	a->fetched = fmt_mono_ms();
	a->gone = 0;
	if (a->active == 0)
		a->ticket = 0;
}

/* Keeps the per-queue alarm counts in step with a ticket's entry. */
static void
ticket_set(struct console *c, struct tment *t, int queue, int level)
{
	struct cqueue	*q;

	if (t->queue >= 0 && t->queue < c->nqueues) {
		q = &c->queues[t->queue];
		q->warnings -= t->level == ALARM_WARNING;
		q->breaches -= t->level == ALARM_BREACH;
	}
	if (queue >= 0)
		t->queue = queue;
	if (level >= 0)
		t->level = level;
	if (t->queue >= 0 && t->queue < c->nqueues) {
		q = &c->queues[t->queue];
		q->warnings += t->level == ALARM_WARNING;
		q->breaches += t->level == ALARM_BREACH;
	}
}

static void
snap_queues(redisAsyncContext *ac, void *reply, void *arg)
{
	struct console		*c = arg;
	const redisReply	*r = reply;
	const redisReply	*m;
	struct cqueue		*nq;
	size_t			 i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	m = r->elements > 0 ? r->element[0] : NULL;
	c->ntiers = rmap_tiers(m, c->tiers, CON_MAX_TIERS);
	nq = xcalloc(r->elements + 1, sizeof *nq);
	for (i = 0; i < r->elements; i++)
		queue_read(c, &nq[i], r->element[i]);
	free(c->queues);
	c->queues = nq;
	c->nqueues = (int)r->elements;
	/* Queue indexes changed: alarms are counted again from the lists. */
	tmap_free(&c->tickets);
	tmap_init(&c->tickets);
}

static void
snap_agents(redisAsyncContext *ac, void *reply, void *arg)
{
	struct console		*c = arg;
	const redisReply	*r = reply;
	struct cagent		*na;
	size_t			 i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	na = xcalloc(r->elements + 1, sizeof *na);
	for (i = 0; i < r->elements; i++) {
		snprintf(na[i].name, sizeof na[i].name, "%s",
		    rmap_str(r->element[i], "name"));
		agent_read(&na[i], r->element[i]);
	}
	free(c->agents);
	c->agents = na;
	c->nagents = (int)r->elements;
	qsort(c->agents, (size_t)c->nagents, sizeof *na, agent_cmp);
}

/* Waiting and offered tickets: their queue and answer-SLA alarm. */
static void
snap_waiting(redisAsyncContext *ac, void *reply, void *arg)
{
	struct console		*c = arg;
	const redisReply	*r = reply;
	struct tment		*t;
	const char		*sla;
	size_t			 i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i < r->elements; i++) {
		const redisReply *m = r->element[i];

		if ((t = tmap_get(&c->tickets, (uint64_t)rmap_int(m, "id", 0),
		    1)) == NULL)
			continue;
		sla = rmap_str(m, "answer_sla");
		ticket_set(c, t, data_queue_index(c, rmap_str(m, "queue")),
		    strcmp(sla, "breached") == 0 ? ALARM_BREACH :
		    strcmp(sla, "warning") == 0 ? ALARM_WARNING : ALARM_NONE);
	}
}

/* Active tickets: who works which. */
static void
snap_active(redisAsyncContext *ac, void *reply, void *arg)
{
	struct console		*c = arg;
	const redisReply	*r = reply;
	struct cagent		*a;
	size_t			 i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i < r->elements; i++) {
		const redisReply *m = r->element[i];

		if ((a = data_agent(c, rmap_str(m, "agent"))) != NULL)
			a->ticket = (uint64_t)rmap_int(m, "id", 0);
	}
}

static void
snap_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct console	*c = arg;

	if (reply == NULL)
		return;
	c->loading = 0;
	c->loaded = 1;
	c->lost_at = 0;
	if (c->o.once) {
		console_quit(c, console_print_once(c));
		return;
	}
	screen_dirty(c);
}

void
data_snapshot(struct console *c)
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
	struct reread		*rr = arg;
	struct console		*c = rr->c;
	const redisReply	*r = reply;
	int			 i = data_queue_index(c, rr->name);

	if (i >= 0) {
		c->queues[i].inflight = 0;
		if (r != NULL && r->type == REDIS_REPLY_ARRAY)
			queue_read(c, &c->queues[i], r);
		if (c->queues[i].dirty)
			refresh_soon(c);	/* more happened meanwhile */
		screen_dirty(c);
	}
	free(rr);
}

static void
reread_agent(redisAsyncContext *ac, void *reply, void *arg)
{
	struct reread		*rr = arg;
	struct console		*c = rr->c;
	const redisReply	*r = reply;
	struct cagent		*a = data_agent(c, rr->name);

	if (a != NULL) {
		a->inflight = 0;
		if (r != NULL && r->type == REDIS_REPLY_ARRAY)
			agent_read(a, r);
		else if (r != NULL && r->type == REDIS_REPLY_ERROR &&
		    strncmp(r->str, "NOTFOUND", 8) == 0)
			a->gone = 1;
		if (a->dirty)
			refresh_soon(c);
		screen_dirty(c);
	}
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
data_refresh(evutil_socket_t fd, short what, void *arg)
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
	struct tment		*t;
	const char		*qn;
	uint64_t		 id = strtoull(rr->name, NULL, 10);
	int			 k, i;

	free(rr);
	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	qn = rmap_str(r, "queue");
	if ((t = tmap_get(&c->tickets, id, 0)) != NULL)
		ticket_set(c, t, data_queue_index(c, qn), -1);
	for (k = 0; k < NFEED_KINDS; k++)
		for (i = 0; i < c->feed_n[k]; i++) {
			struct feed_item *f = &c->feed[k][(c->feed_head[k] + i) %
			    c->feed_max[k]];

			if (f->ticket == id && f->queue[0] == '\0')
				snprintf(f->queue, sizeof f->queue, "%s", qn);
		}
	screen_dirty(c);
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
feed_push(struct console *c, const struct feed_item *f)
{
	int	k = f->kind;

	if (c->feed_n[k] < c->feed_max[k])
		c->feed[k][(c->feed_head[k] + c->feed_n[k]++) %
		    c->feed_max[k]] = *f;
	else {
		c->feed[k][c->feed_head[k]] = *f;
		c->feed_head[k] = (c->feed_head[k] + 1) % c->feed_max[k];
	}
}

static void
feed_detail(const struct evmsg *ev, struct feed_item *f)
{
	const char	*t = ev->type;
	char		 d1[64];

	if (strcmp(t, "sla.breach") == 0 || strcmp(t, "sla.warning") == 0)
		snprintf(f->detail, sizeof f->detail, "%s SLA %s (target %s)",
		    evmsg_str(ev, "clock"), strcmp(t, "sla.breach") == 0 ?
		    "breached" : "warning", fmt_duration(evmsg_int(ev,
		    "target_ms", 0), d1, sizeof d1));
	else if (strcmp(t, "ticket.escalated") == 0 &&
	    json_get_bool(ev->data, "manual", 0))
		snprintf(f->detail, sizeof f->detail, "by %s%s%s", ev->actor,
		    *evmsg_str(ev, "reason") ? ": " : "",
		    evmsg_str(ev, "reason"));
	else if (strcmp(t, "ticket.escalated") == 0)
		snprintf(f->detail, sizeof f->detail, "%s step %lld: %s%s%s",
		    evmsg_str(ev, "clock"), (long long)evmsg_int(ev, "step", 0) + 1,
		    json_text(json_get(ev->data, "actions"), d1, sizeof d1),
		    *ev->agent ? ", manager " : "", ev->agent);
	else if (strcmp(t, "ticket.created") == 0)
		snprintf(f->detail, sizeof f->detail, "%s for %s by %s",
		    evmsg_str(ev, "tier"), ev->customer, ev->actor);
	else if (strcmp(t, "ticket.accepted") == 0)
		snprintf(f->detail, sizeof f->detail, "by %s after %s",
		    ev->agent, fmt_duration(evmsg_int(ev, "waited", 0), d1,
		    sizeof d1));
	else if (strcmp(t, "ticket.abandoned") == 0)
		snprintf(f->detail, sizeof f->detail, "caller hung up after %s",
		    fmt_duration(evmsg_int(ev, "waited", 0), d1, sizeof d1));
	else if (strcmp(t, "ticket.transferred") == 0)
		snprintf(f->detail, sizeof f->detail, "to %s%s by %s",
		    *evmsg_str(ev, "to_agent") ? "agent " : "queue ",
		    *evmsg_str(ev, "to_agent") ? evmsg_str(ev, "to_agent") :
		    evmsg_str(ev, "queue"), ev->actor);
	else if (strcmp(t, "ticket.tier_changed") == 0)
		snprintf(f->detail, sizeof f->detail, "%s -> %s by %s",
		    evmsg_str(ev, "old"), evmsg_str(ev, "new"), ev->actor);
	else if (strcmp(t, "ticket.priority_changed") == 0)
		snprintf(f->detail, sizeof f->detail, "%lld -> %lld by %s",
		    (long long)evmsg_int(ev, "old", 0),
		    (long long)evmsg_int(ev, "new", 0), ev->actor);
	else if (strcmp(t, "ticket.resolved") == 0)
		snprintf(f->detail, sizeof f->detail, "by %s%s%s", ev->agent,
		    *evmsg_str(ev, "disposition") ? ": " : "",
		    evmsg_str(ev, "disposition"));
	else if (strcmp(t, "ticket.offered") == 0)
		snprintf(f->detail, sizeof f->detail, "to %s", ev->agent);
	else if (strcmp(t, "ticket.offer_timeout") == 0)
		snprintf(f->detail, sizeof f->detail, "%s missed it (%lld in a "
		    "row)", ev->agent, (long long)evmsg_int(ev, "missed", 0));
	else if (strcmp(t, "agent.status") == 0)
		snprintf(f->detail, sizeof f->detail, "%s: %s%s%s%s%s%s",
		    ev->agent, evmsg_str(ev, "status"),
		    *evmsg_str(ev, "reason") ? " (" : "",
		    evmsg_str(ev, "reason"),
		    *evmsg_str(ev, "reason") ? ")" : "",
		    strcmp(ev->actor, ev->agent) != 0 ? " by " : "",
		    strcmp(ev->actor, ev->agent) != 0 ? ev->actor : "");
	else if (strcmp(t, "agent.detached") == 0)
		snprintf(f->detail, sizeof f->detail, "%s: desk closed, "
		    "%lld s grace", ev->agent,
		    (long long)evmsg_int(ev, "grace_ms", 0) / 1000);
	else if (strcmp(t, "agent.reattached") == 0)
		snprintf(f->detail, sizeof f->detail, "%s: back after %lld s",
		    ev->agent, (long long)evmsg_int(ev, "away_ms", 0) / 1000);
	else if (strcmp(t, "agent.absent") == 0)
		snprintf(f->detail, sizeof f->detail, "%s: gone (%s)%s",
		    ev->agent, evmsg_str(ev, "reason"),
		    evmsg_int(ev, "active", 0) > 0 ? ", holds tickets" : "");
	else if (*ev->agent != '\0')
		snprintf(f->detail, sizeof f->detail, "%s%s%s", ev->agent,
		    strcmp(ev->actor, ev->agent) != 0 ? " by " : "",
		    strcmp(ev->actor, ev->agent) != 0 ? ev->actor : "");
	else
		snprintf(f->detail, sizeof f->detail, "by %s", ev->actor);
}

static const struct {
	const char	*type;
	const char	*label;
	enum feed_kind	 kind;
	enum ccolor	 color;
} feed_types[] = {
	{ "sla.breach", "BREACH", FEED_BREACH, CC_BAD },
	{ "ticket.escalated", "ESCALATE", FEED_ESCALATION, CC_BAD },
	{ "sla.warning", "WARNING", FEED_WARNING, CC_WARN },
	{ "ticket.created", "new", FEED_OTHER, CC_NORMAL },
	{ "ticket.offered", "offer", FEED_OTHER, CC_DIM },
	{ "ticket.accepted", "accept", FEED_OTHER, CC_GOOD },
	{ "ticket.rejected", "reject", FEED_OTHER, CC_WARN },
	{ "ticket.offer_timeout", "missed", FEED_OTHER, CC_WARN },
	{ "ticket.transferred", "move", FEED_OTHER, CC_ACCENT },
	{ "ticket.pending", "pending", FEED_OTHER, CC_DIM },
	{ "ticket.resumed", "resume", FEED_OTHER, CC_DIM },
	{ "ticket.resolved", "resolve", FEED_OTHER, CC_GOOD },
	{ "ticket.closed", "close", FEED_OTHER, CC_DIM },
	{ "ticket.abandoned", "ABANDON", FEED_OTHER, CC_WARN },
	{ "ticket.tier_changed", "tier", FEED_OTHER, CC_ACCENT },
	{ "ticket.priority_changed", "priority", FEED_OTHER, CC_ACCENT },
	{ "agent.status", "agent", FEED_OTHER, CC_NORMAL },
	{ "agent.detached", "away", FEED_OTHER, CC_WARN },
	{ "agent.reattached", "back", FEED_OTHER, CC_GOOD },
	{ "agent.absent", "GONE", FEED_OTHER, CC_WARN },
	{ NULL, NULL, FEED_OTHER, CC_NORMAL }
};

static void
feed_add(struct console *c, const struct evmsg *ev, const struct tment *t)
{
	struct feed_item	f;
	int			i;

	for (i = 0; feed_types[i].type != NULL; i++)
		if (strcmp(feed_types[i].type, ev->type) == 0)
			break;
	if (feed_types[i].type == NULL)
		return;
	memset(&f, 0, sizeof f);
	f.time = ev->time;
	f.seq = ev->seq;
	f.ticket = ev->ticket;
	f.kind = feed_types[i].kind;
	f.color = feed_types[i].color;
	snprintf(f.label, sizeof f.label, "%s", feed_types[i].label);
	if (t != NULL && t->queue >= 0 && t->queue < c->nqueues)
		snprintf(f.queue, sizeof f.queue, "%s", c->queues[t->queue].name);
	feed_detail(ev, &f);
	feed_push(c, &f);
}

static void
data_event(struct console *c, const struct evmsg *ev)
{
	const char	*qn = evmsg_queue(ev), *t = ev->type;
	struct tment	*tk = NULL;
	struct cagent	*a;
	int		 qi = *qn != '\0' ? data_queue_index(c, qn) : -1, i;

	if (strcmp(t, "config.reloaded") == 0) {
		data_snapshot(c);
		return;
	}
	if (ev->ticket != 0 && (tk = tmap_get(&c->tickets, ev->ticket, 1)) != NULL) {
		if (qi >= 0 && qi != tk->queue)
			ticket_set(c, tk, qi, -1);
		qi = tk->queue;
	}
	if (tk != NULL && strncmp(t, "sla.", 4) == 0 &&
	    strcmp(evmsg_str(ev, "clock"), "answer") == 0) {
		int level = strcmp(t, "sla.breach") == 0 ? ALARM_BREACH :
		    ALARM_WARNING;

		if (tk->level < level)
			ticket_set(c, tk, -1, level);
		if (tk->queue < 0)
			learn_queue(c, ev->ticket);
	} else if (tk != NULL && (strcmp(t, "ticket.accepted") == 0 ||
	    strcmp(t, "ticket.abandoned") == 0 ||
	    strcmp(t, "ticket.closed") == 0 ||
	    strcmp(t, "ticket.resolved") == 0))
		ticket_set(c, tk, -1, ALARM_NONE);
	if (*ev->agent != '\0' && (strncmp(t, "ticket.", 7) == 0 ||
	    strncmp(t, "agent.", 6) == 0)) {
		if ((a = data_agent(c, ev->agent)) == NULL &&
		    strcmp(t, "agent.deleted") != 0)
			a = data_agent_add(c, ev->agent);
		if (a != NULL) {
			if (strcmp(t, "ticket.accepted") == 0 ||
			    strcmp(t, "ticket.resumed") == 0)
				a->ticket = ev->ticket;
			else if (a->ticket == ev->ticket &&
			    (strcmp(t, "ticket.resolved") == 0 ||
			    strcmp(t, "ticket.pending") == 0 ||
			    strcmp(t, "ticket.transferred") == 0))
				a->ticket = 0;
			a->dirty = 1;
		}
	}
	if (strcmp(t, "ticket.transferred") == 0) {
		if ((a = data_agent(c, evmsg_str(ev, "to_agent"))) != NULL)
			a->dirty = 1;
		if ((i = data_queue_index(c, evmsg_str(ev, "from_queue"))) >= 0)
			c->queues[i].dirty = 1;
	}
	if (qi >= 0 && strncmp(t, "ticket.", 7) == 0 &&
	    strcmp(t, "ticket.note") != 0)
		c->queues[qi].dirty = 1;
	if (strcmp(t, "sla.breach") == 0 && qi >= 0)
		c->queues[qi].dirty = 1;
	feed_add(c, ev, tk);
	tmap_trim(&c->tickets, TMAP_CACHE_MAX);
	refresh_soon(c);
	screen_dirty(c);
}

static void
data_message(redisAsyncContext *ac, void *reply, void *arg)
{
	struct console	*c = arg;
	struct evmsg	 ev;
	char		 err[128];

	if (c->quitting)
		return;
	switch (evmsg_reply(&ev, reply, err, sizeof err)) {
	case EVMSG_SUBSCRIBED:
		c->subscribed = 1;
		data_snapshot(c);
		break;
	case EVMSG_EVENT:
		/* Until the snapshot is in, it already holds what these say. */
		if (c->loaded)
			data_event(c, &ev);
		evmsg_clear(&ev);
		break;
	default:
		break;
	}
}

static void
data_cmd_up(struct link *l, void *arg)
{
	struct console	*c = arg;

	if (c->o.once || c->subscribed)
		data_snapshot(c);
}

static void
data_down(struct link *l, const char *why, int64_t retry_ms, void *arg)
{
	struct console	*c = arg;

	if (c->quitting)
		return;
	if (l == c->sub)
		c->subscribed = 0;
	else
		c->loading = 0;
	if (retry_ms < 0) {
		screen_stop(c);
		fprintf(stderr, "hotline-console: %s\n", why);
		console_quit(c, 3);
		return;
	}
	if (c->lost_at == 0)
		c->lost_at = fmt_mono_ms();
	c->loaded = 0;
	screen_message(c, CC_BAD, "%s; reconnecting...", why);
}

static void
data_sub_up(struct link *l, void *arg)
{
	struct console	*c = arg;

	link_call(l, data_message, c, "SUBSCRIBE", "events", NULL);
}

int
data_call(struct console *c, redisCallbackFn *fn, void *arg, ...)
{
	const char	*argv[16];
	va_list		 ap;
	int		 argc;

	va_start(ap, arg);
	argc = link_words(argv, 16, ap);
	va_end(ap);
	return (link_command(c->cmd, fn, arg, argc, argv));
}

static int
feed_visible(const struct console *c, const struct feed_item *f)
{
	return (c->filter[0] == '\0' || strcmp(f->queue, c->filter) == 0);
}

int
data_feed_count(const struct console *c)
{
	int	k, i, n = 0;

	for (k = 0; k < NFEED_KINDS; k++)
		for (i = 0; i < c->feed_n[k]; i++)
			n += feed_visible(c, &c->feed[k][(c->feed_head[k] + i) %
			    c->feed_max[k]]);
	return (n);
}

const struct feed_item *
data_feed_item(const struct console *c, int want)
{
	const struct feed_item	*f;
	int			 k, i;

	for (k = 0; k < NFEED_KINDS; k++)
		for (i = c->feed_n[k] - 1; i >= 0; i--) {
			f = &c->feed[k][(c->feed_head[k] + i) % c->feed_max[k]];
			if (feed_visible(c, f) && want-- == 0)
				return (f);
		}
	return (NULL);
}

int
data_feed_live(const struct console *c, const struct feed_item *f)
{
	struct tment	*t;

	if (f->kind != FEED_BREACH && f->kind != FEED_WARNING)
		return (1);
	t = tmap_get((struct tmap *)&c->tickets, f->ticket, 0);
	return (t != NULL && t->level != ALARM_NONE);
}

int
data_start(struct console *c)
{
	static const struct link_cbs cmd_cbs = { data_cmd_up, data_down };
	static const struct link_cbs sub_cbs = { data_sub_up, data_down };
	int	k;

	tmap_init(&c->tickets);
	c->user = c->o.link.user;
	c->o.link.reconnect = !c->o.once;
	c->o.link.session = &c->o.session;
	if (c->o.filter != NULL)
		snprintf(c->filter, sizeof c->filter, "%s", c->o.filter);
	for (k = 0; k < NFEED_KINDS; k++) {
		c->feed_max[k] = k == FEED_OTHER ? CON_FEED_MAX : CON_ALERTS_MAX;
		c->feed[k] = xcalloc((size_t)c->feed_max[k],
		    sizeof *c->feed[k]);
	}
	if ((c->ev_refresh = evtimer_new(c->base, data_refresh, c)) == NULL)
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
data_stop(struct console *c)
{
	int	k;

	c->quitting = 1;
	link_free(c->cmd);
	link_free(c->sub);
	c->cmd = c->sub = NULL;
	if (c->ev_refresh != NULL)
		event_free(c->ev_refresh);
	for (k = 0; k < NFEED_KINDS; k++)
		free(c->feed[k]);
	free(c->queues);
	free(c->agents);
	tmap_free(&c->tickets);
}
