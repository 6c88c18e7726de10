/*
 * console-data.c: the wallboard's model: queues, agents, the alarms of
 * waiting tickets (tmap.c) and the feed (console-feed.c). It records what
 * the snapshots, re-reads and events say (console-sync.c brings them) and
 * marks what changed in c->changed (DATA_*); it draws nothing and knows
 * no screen. Whoever shows it (console.c: the screen, or --once) looks at
 * c->changed when c->ev_changed fires.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "fmt.h"
#include "rmap.h"
#include "xmalloc.h"

#define TMAP_CACHE_MAX		65536

void
data_mark(struct console *c, int what)
{
	if (c->changed == 0 && c->ev_changed != NULL)
		event_active(c->ev_changed, EV_TIMEOUT, 0);
	c->changed |= what;
}

void
data_init(struct console *c)
{
	tmap_init(&c->tickets);
	data_feed_init(c);
}

void
data_free(struct console *c)
{
	data_feed_free(c);
	free(c->queues);
	free(c->agents);
	c->queues = NULL;
	c->agents = NULL;
	c->nqueues = c->nagents = 0;
	tmap_free(&c->tickets);
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
	data_feed_follow(c, t);
}

/* The snapshot: QUEUE LIST. */
void
data_set_queues(struct console *c, const redisReply *r)
{
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
	data_feed_live_clear(c);
}

/* The snapshot: AGENT LIST. */
void
data_set_agents(struct console *c, const redisReply *r)
{
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
void
data_set_waiting(struct console *c, const redisReply *r)
{
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
		/* Breached before we looked: no event will tell. */
		if (strcmp(sla, "breached") == 0)
			data_feed_breached(c, m);
		ticket_set(c, t, data_queue_index(c, rmap_str(m, "queue")),
		    strcmp(sla, "breached") == 0 ? ALARM_BREACH :
		    strcmp(sla, "warning") == 0 ? ALARM_WARNING : ALARM_NONE);
	}
}

/* Active tickets: who works which. */
void
data_set_active(struct console *c, const redisReply *r)
{
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

/* The snapshot is in. */
void
data_loaded(struct console *c)
{
	c->loading = 0;
	c->loaded = 1;
	c->lost_at = 0;
	data_mark(c, DATA_LOADED);
}

/* A link went down: reconnecting, or (fatal) for good. */
void
data_lost(struct console *c, const char *why, int fatal)
{
	snprintf(c->why, sizeof c->why, "%s", why);
	if (fatal) {
		data_mark(c, DATA_FATAL);
		return;
	}
	if (c->lost_at == 0)
		c->lost_at = fmt_mono_ms();
	c->loaded = 0;
	data_mark(c, DATA_LOST);
}

/* QUEUE STATS q came back (NULL: the link went down). */
int
data_set_queue(struct console *c, const char *name, const redisReply *r)
{
	int	i = data_queue_index(c, name);

	if (i < 0)
		return (0);
	c->queues[i].inflight = 0;
	if (r != NULL && r->type == REDIS_REPLY_ARRAY)
		queue_read(c, &c->queues[i], r);
	data_mark(c, DATA_TABLES);
	return (c->queues[i].dirty);	/* more happened meanwhile */
}

/*
 * Marks dirty the queues named in skills ("general:3,billing:5"): their
 * agent counts (available/logged in) include this agent.
 */
static int
data_skills_dirty(struct console *c, const char *skills)
{
	char		 name[CON_NAME_MAX];
	const char	*p, *colon;
	size_t		 n;
	int		 i, marked = 0;

	for (p = skills; *p != '\0'; p += *p == ',') {
		if ((colon = strchr(p, ':')) == NULL)
			break;
		n = (size_t)(colon - p);
		if (n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			if ((i = data_queue_index(c, name)) >= 0) {
				c->queues[i].dirty = 1;
				marked = 1;
			}
		}
		p = colon + strcspn(colon, ",");
	}
	return (marked);
}

/*
 * AGENT STATUS a came back. Returns 1 when more is to be re-read: the
 * agent changed meanwhile, or its status or skills did, which changes
 * the agent counts of its queues (QUEUE STATS agents.*), whether or not
 * a ticket moved in them.
 */
int
data_set_agent(struct console *c, const char *name, const redisReply *r)
{
	struct cagent	*a = data_agent(c, name);
	char		 status[sizeof a->status], skills[sizeof a->skills];
	int		 more;

	if (a == NULL)
		return (0);
	a->inflight = 0;
	memcpy(status, a->status, sizeof status);
	memcpy(skills, a->skills, sizeof skills);
	if (r != NULL && r->type == REDIS_REPLY_ARRAY)
		agent_read(a, r);
	else if (r != NULL && r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "NOTFOUND", 8) == 0)
		a->gone = 1;
	more = a->dirty;
	if (a->gone || strcmp(status, a->status) != 0 ||
	    strcmp(skills, a->skills) != 0) {
		more |= data_skills_dirty(c, skills);
		more |= data_skills_dirty(c, a->skills);
	}
	data_mark(c, DATA_TABLES);
	return (more);
}

/* TICKET GET said which queue ticket id is in. */
void
data_set_ticket_queue(struct console *c, uint64_t id, const char *qn)
{
	struct tment	*t;

	if ((t = tmap_get(&c->tickets, id, 0)) != NULL)
		ticket_set(c, t, data_queue_index(c, qn), -1);
	data_feed_set_queue(c, id, qn);
	data_mark(c, DATA_TABLES);
}

/*
 * An event from the `events` channel: what it says directly (alarms, who
 * works which ticket, the feed) is recorded, and the queues and agents it
 * touched are marked dirty for a re-read. Returns the id of a ticket
 * whose queue is not known (to be asked for), or 0.
 */
uint64_t
data_apply(struct console *c, const struct evmsg *ev)
{
	const char	*qn = evmsg_queue(ev), *t = ev->type;
	struct tment	*tk = NULL;
	struct cagent	*a;
	uint64_t	 learn = 0;
	int		 qi = *qn != '\0' ? data_queue_index(c, qn) : -1, i;

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
			learn = ev->ticket;
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
	data_feed_add(c, ev, tk);
	tmap_trim(&c->tickets, TMAP_CACHE_MAX);
	data_mark(c, DATA_TABLES);
	return (learn);
}
