/*
 * console-feed.c: the wallboard's event feed, part of the model. An event
 * of a kind worth showing becomes an item, with a label, a colour class
 * and a line of detail, in one of four rings (breaches, escalations,
 * warnings, the rest), each keeping its newest items; the screen and
 * --once read them newest first under the queue filter. The breaches of
 * tickets still waiting are not in a ring, which a burst in one queue
 * would empty of the others': they are kept one per ticket (c->live),
 * ahead of everything, until the ticket is answered or gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "fmt.h"
#include "rmap.h"
#include "xmalloc.h"

void
data_feed_init(struct console *c)
{
	int	k;

	for (k = 0; k < NFEED_KINDS; k++) {
		c->feed_max[k] = k == FEED_OTHER ? CON_FEED_MAX : CON_ALERTS_MAX;
		c->feed[k] = xcalloc((size_t)c->feed_max[k],
		    sizeof *c->feed[k]);
	}
}

void
data_feed_free(struct console *c)
{
	int	k;

	for (k = 0; k < NFEED_KINDS; k++) {
		free(c->feed[k]);
		c->feed[k] = NULL;
	}
	free(c->live);
	c->live = NULL;
	c->nlive = c->live_max = 0;
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

static int
live_find(const struct console *c, uint64_t id)
{
	int	i;

	for (i = 0; i < c->nlive; i++)
		if (c->live[i].ticket == id)
			return (i);
	return (-1);
}

/* Ticket f->ticket's live breach: replaced, or added in time order. */
static void
live_add(struct console *c, const struct feed_item *f)
{
	int	i;

	if ((i = live_find(c, f->ticket)) >= 0) {
		memmove(&c->live[i], &c->live[i + 1],
		    (size_t)(c->nlive - i - 1) * sizeof *c->live);
		c->nlive--;
	}
	if (c->nlive == c->live_max) {
		c->live_max = c->live_max == 0 ? CON_ALERTS_MAX :
		    c->live_max * 2;
		c->live = xreallocarray(c->live, (size_t)c->live_max,
		    sizeof *c->live);
	}
	for (i = c->nlive; i > 0 && c->live[i - 1].time > f->time; i--)
		;
	memmove(&c->live[i + 1], &c->live[i],
	    (size_t)(c->nlive - i) * sizeof *c->live);
	c->live[i] = *f;
	c->nlive++;
}

void
data_feed_live_clear(struct console *c)
{
	c->nlive = 0;
}

void
data_feed_follow(struct console *c, const struct tment *t)
{
	struct feed_item	*f;
	int			 i;

	if ((i = live_find(c, t->id)) < 0)
		return;
	f = &c->live[i];
	if (t->level == ALARM_BREACH) {
		/* The alarm line follows its ticket to another queue. */
		if (t->queue >= 0 && t->queue < c->nqueues)
			snprintf(f->queue, sizeof f->queue, "%s",
			    c->queues[t->queue].name);
		return;
	}
	/* Answered or gone: the breach is history. */
	feed_push(c, f);
	memmove(&c->live[i], &c->live[i + 1],
	    (size_t)(c->nlive - i - 1) * sizeof *c->live);
	c->nlive--;
}

void
data_feed_breached(struct console *c, const redisReply *m)
{
	struct feed_item	f;
	char			d[64];

	memset(&f, 0, sizeof f);
	f.ticket = (uint64_t)rmap_int(m, "id", 0);
	if (f.ticket == 0 || live_find(c, f.ticket) >= 0)
		return;
	f.time = rmap_int(m, "answer_due", 0);
	f.kind = FEED_BREACH;
	f.color = CC_BAD;
	snprintf(f.label, sizeof f.label, "BREACH");
	snprintf(f.queue, sizeof f.queue, "%s", rmap_str(m, "queue"));
	snprintf(f.detail, sizeof f.detail, "answer SLA breached (target %s)",
	    fmt_duration(rmap_int(m, "answer_target_ms", 0), d, sizeof d));
	live_add(c, &f);
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

void
data_feed_add(struct console *c, const struct evmsg *ev, const struct tment *t)
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
	if (f.kind == FEED_BREACH && t != NULL && t->level == ALARM_BREACH &&
	    strcmp(evmsg_str(ev, "clock"), "answer") == 0)
		live_add(c, &f);
	else
		feed_push(c, &f);
}

/* A ticket's queue learnt late: its items without one get it. */
void
data_feed_set_queue(struct console *c, uint64_t id, const char *queue)
{
	int	k, i;

	for (k = 0; k < NFEED_KINDS; k++)
		for (i = 0; i < c->feed_n[k]; i++) {
			struct feed_item *f = &c->feed[k][(c->feed_head[k] + i) %
			    c->feed_max[k]];

			if (f->ticket == id && f->queue[0] == '\0')
				snprintf(f->queue, sizeof f->queue, "%s", queue);
		}
	if ((i = live_find(c, id)) >= 0)
		snprintf(c->live[i].queue, sizeof c->live[i].queue, "%s",
		    queue);
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

	for (i = 0; i < c->nlive; i++)
		n += feed_visible(c, &c->live[i]);
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

	for (i = c->nlive - 1; i >= 0; i--)
		if (feed_visible(c, &c->live[i]) && want-- == 0)
			return (&c->live[i]);
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
