/*
 * check.c: the engine's invariants, for the unit tests, the command
 * fuzzer and anyone debugging: who may take a ticket read from the
 * ladders' definitions (not from the routing heaps), offers agreeing on
 * both sides, no free agent beside a waiting ticket it may take, SLA dues
 * and their breaches, queue counters equal to a recount, follow-ups and
 * their links. It walks every ticket for every agent: a check, not a
 * thing to run per command in production.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

#define TID(t)		((unsigned long long)(t)->id)

/* Everything in memory, gathered once. */
struct chk {
	const struct engine	 *e;
	hl_ms			  now;
	const struct ticket	**t;
	size_t			  nt, ct;	/* ct: room in t */
	const struct agent	**a;
	size_t			  na, ca;
	char			 *err;
	size_t			  errlen;
};

static int
chk_fail(struct chk *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The first broken invariant is the one reported. */
static int
chk_fail(struct chk *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return (-1);
}

static void
chk_ticket(const struct ticket *t, void *arg)
{
	struct chk	*c = arg;

	if (c->nt < c->ct)
		c->t[c->nt] = t;
	c->nt++;		/* more than counted is reported */
}

static void
chk_agent(const struct agent *a, void *arg)
{
	struct chk	*c = arg;

	if (c->na == c->ca) {
		c->ca = c->ca ? c->ca * 2 : 64;
		c->a = xreallocarray(c->a, c->ca, sizeof *c->a);
	}
	c->a[c->na++] = a;
}

/* The public struct comes first in the private one. */
static const struct ticket_private *
chk_priv(const struct ticket *t)
{
	return ((const struct ticket_private *)t);
}

int
engine_check_eligible(const struct engine *e, const struct ticket *t,
    const struct agent *a)
{
	const struct tier_def		*td;
	const struct customer		*cu;
	const struct ladder_step	*s;
	int				 k, i;

	if (t->target[0] != '\0')
		return (strcmp(t->target, a->name) == 0 ? 1 : 0);
	/* An unknown tier works as the lowest, as routing takes it. */
	i = eng_tier_index(e, t->tier);
	td = &e->tiers[i < 0 ? 0 : i];
	for (k = 0; k <= t->step && k < td->nsteps; k++) {
		s = &td->steps[k];
		if ((s->cond == STEP_IF_REPEAT && !t->repeat_contact) ||
		    (s->cond == STEP_IF_COMPLAINTS &&
		    t->complaints < s->cond_min))
			continue;
		switch (s->kind) {
		case STEP_MANAGER:
			cu = engine_customer_get(e, t->customer);
			if (cu != NULL && strcmp(cu->manager, a->name) == 0)
				return (1);
			break;
		case STEP_GROUP:
			for (i = 0; i < a->ngroups; i++) {
				if (strcmp(a->groups[i], s->group) == 0)
					return (1);
			}
			break;
		case STEP_SKILLED:
			for (i = 0; i < a->nskills; i++) {
				if (strcmp(a->skills[i].queue, t->queue) == 0)
					return (1);
			}
			break;
		}
	}
	return (0);
}

/* Rejected, missed or transferred away, and not offered again yet. */
static bool
chk_cooled(const struct chk *c, const struct ticket *t, const struct agent *a)
{
	const struct cooldown	*cool = chk_priv(t)->cool;
	uint32_t		 uid = ((const struct agent_private *)a)->uid;
	uint32_t		 i;

	for (i = 0; cool != NULL && i < cool->n; i++) {
		if (cool->e[i].uid == uid && cool->e[i].until > c->now)
			return (true);
	}
	return (false);
}

/*
 * A due that has passed has fired its breach (timers are never missed);
 * a pending ticket has no resolve due; on 24/7 queues the dues are plain
 * sums and the elapsed time is the time counted plus the running part.
 */
static int
chk_sla(struct chk *c, const struct ticket *t)
{
	const struct sla_policy	*p = engine_ticket_sla(c->e, t);
	bool			 answer, resolve;
	hl_ms			 left, due, elapsed, want;

	if (t->state == TICKET_SCHEDULED) {	/* no clock runs yet */
		if (t->answer_due != 0 || t->resolve_due != 0 ||
		    t->sla_fired != 0)
			return (chk_fail(c, "ticket %llu scheduled with SLA "
			    "clocks", TID(t)));
		return (0);
	}
	answer = t->accepted_at == 0 && (t->state == TICKET_QUEUED ||
	    t->state == TICKET_OFFERED);
	resolve = t->state == TICKET_QUEUED || t->state == TICKET_OFFERED ||
	    t->state == TICKET_ACTIVE;
	if (t->state == TICKET_PENDING && t->resolve_due != 0)
		return (chk_fail(c, "ticket %llu pending with resolve due %lld",
		    TID(t), (long long)t->resolve_due));
	if (p == NULL) {
		if (t->accepted_at == 0 && t->answer_due != 0)
			return (chk_fail(c, "ticket %llu: answer due %lld "
			    "without a policy", TID(t),
			    (long long)t->answer_due));
		return (0);
	}
	if (answer && p->answer > 0 && t->answer_due <= c->now &&
	    (t->sla_fired & SLA_FIRED_ANSWER_BREACH) == 0)
		return (chk_fail(c, "ticket %llu: answer due %lld passed at "
		    "%lld, no breach", TID(t), (long long)t->answer_due,
		    (long long)c->now));
	if (resolve && p->resolve > 0 && t->resolve_due <= c->now &&
	    (t->sla_fired & SLA_FIRED_RESOLVE_BREACH) == 0)
		return (chk_fail(c, "ticket %llu: resolve due %lld passed at "
		    "%lld, no breach", TID(t), (long long)t->resolve_due,
		    (long long)c->now));
	if (chk_priv(t)->q->cal != NULL)
		return (0);
	if (t->accepted_at == 0) {
		due = p->answer > 0 ? t->created + p->answer : 0;
		if (t->answer_due != due)
			return (chk_fail(c, "ticket %llu: answer due %lld, "
			    "not %lld", TID(t), (long long)t->answer_due,
			    (long long)due));
	}
	elapsed = engine_ticket_resolve_elapsed(c->e, t, c->now);
	want = t->resolve_used;
	if (resolve) {
		left = p->resolve - t->resolve_used;
		due = p->resolve == 0 ? 0 : t->clock_mark + (left > 0 ?
		    left : 0);
		if (t->resolve_due != due)
			return (chk_fail(c, "ticket %llu: resolve due %lld, "
			    "not %lld", TID(t), (long long)t->resolve_due,
			    (long long)due));
		want += c->now - t->clock_mark;
	}
	if (elapsed != want)
		return (chk_fail(c, "ticket %llu: resolve clock %lld, not "
		    "%lld", TID(t), (long long)elapsed, (long long)want));
	return (0);
}

/*
 * A follow-up waits unrouted for its time, in the future; it and its
 * origin name each other while both are in memory; a customer has at
 * most one scheduled; the complaint snapshot never exceeds the count.
 */
static int
chk_followup(struct chk *c, const struct ticket *t)
{
	const struct ticket	*o;
	const struct customer	*cu = engine_customer_get(c->e, t->customer);
	hl_ms			 next;
	size_t			 j;

	if (cu == NULL)
		return (chk_fail(c, "ticket %llu: customer '%s' unknown",
		    TID(t), t->customer));
	if (t->complaints > cu->complaints)
		return (chk_fail(c, "ticket %llu: %d complaints, its customer "
		    "%d", TID(t), t->complaints, cu->complaints));
	if (t->followup_of != 0) {
		if (strcmp(t->channel, "callback") != 0 || t->followup != 0)
			return (chk_fail(c, "follow-up %llu: channel %s, "
			    "follow-up %llu", TID(t), t->channel,
			    (unsigned long long)t->followup));
		if ((o = engine_ticket_get(c->e, t->followup_of)) != NULL &&
		    o->followup != t->id)
			return (chk_fail(c, "follow-up %llu: its origin %llu "
			    "names %llu", TID(t), TID(o),
			    (unsigned long long)o->followup));
	}
	if (t->followup != 0 &&
	    (o = engine_ticket_get(c->e, t->followup)) != NULL &&
	    o->followup_of != t->id)
		return (chk_fail(c, "ticket %llu: its follow-up %llu names "
		    "%llu", TID(t), TID(o),
		    (unsigned long long)o->followup_of));
	if (t->state != TICKET_SCHEDULED)
		return (0);
	next = engine_next_deadline(c->e);
	if (t->followup_of == 0 || t->agent[0] != '\0' ||
	    t->created <= c->now || next < 0 || next > t->created)
		return (chk_fail(c, "follow-up %llu scheduled for %lld: origin "
		    "%llu, agent '%s', next deadline %lld", TID(t),
		    (long long)t->created, (unsigned long long)t->followup_of,
		    t->agent, (long long)next));
	for (j = 0; j < c->nt; j++) {
		if (c->t[j] != t && c->t[j]->state == TICKET_SCHEDULED &&
		    strcmp(c->t[j]->customer, t->customer) == 0)
			return (chk_fail(c, "customer %s has follow-ups %llu "
			    "and %llu scheduled", t->customer, TID(t),
			    TID(c->t[j])));
	}
	return (0);
}

/*
 * One offer per agent, agreeing with its ticket and never while offline
 * or on a break; the active count is what it holds; the status shown
 * says whether it is free.
 */
static int
chk_agents(struct chk *c)
{
	const struct agent	*a;
	const struct ticket	*t;
	size_t			 i, j;
	int			 active;

	for (i = 0; i < c->na; i++) {
		a = c->a[i];
		if (a->offer != 0) {
			t = engine_ticket_get(c->e, a->offer);
			if (t == NULL || t->state != TICKET_OFFERED ||
			    strcmp(t->agent, a->name) != 0)
				return (chk_fail(c, "agent %s offer %llu "
				    "inconsistent", a->name,
				    (unsigned long long)a->offer));
			if (a->status == AGENT_OFFLINE ||
			    a->status == AGENT_BREAK)
				return (chk_fail(c, "agent %s has an offer "
				    "while %s", a->name,
				    agent_status_name(a->status)));
		}
		for (j = 0, active = 0; j < c->nt; j++) {
			if (c->t[j]->state == TICKET_ACTIVE &&
			    strcmp(c->t[j]->agent, a->name) == 0)
				active++;
		}
		if (active != a->active)
			return (chk_fail(c, "agent %s active %d, holds %d",
			    a->name, a->active, active));
		if (a->status == AGENT_AVAILABLE &&
		    (a->offer != 0 || a->active >= a->capacity))
			return (chk_fail(c, "agent %s shown available but not "
			    "free", a->name));
		if (a->status == AGENT_BUSY && a->offer == 0 &&
		    a->active < a->capacity)
			return (chk_fail(c, "agent %s shown busy but free",
			    a->name));
	}
	return (0);
}

/*
 * A ticket's tier and queue are the ones its name says; offered, the
 * agent knows; held, someone holds it; waiting, nobody does, and no free
 * agent that may take it is left idle. A detached agent (its desk gone,
 * within the reconnect grace) keeps its status but gets no new offers.
 */
static int
chk_ticket_one(struct chk *c, const struct ticket *t)
{
	const struct ticket_private	*p = chk_priv(t);
	const struct agent		*a;
	int				 i;
	size_t				 k;

	i = eng_tier_index(c->e, t->tier);
	if (p->tier != (i < 0 ? 0 : i))
		return (chk_fail(c, "ticket %llu of tier %s routed as tier %d",
		    TID(t), t->tier, p->tier));
	if (p->q == NULL || eng_queue(c->e, t->queue) != p->q)
		return (chk_fail(c, "ticket %llu in queue '%s', not the queue "
		    "it is filed in",
		    TID(t), t->queue));
	if (chk_sla(c, t) != 0 || chk_followup(c, t) != 0)
		return (-1);
	if (t->state == TICKET_OFFERED &&
	    ((a = engine_agent_get(c->e, t->agent)) == NULL ||
	    a->offer != t->id))
		return (chk_fail(c, "ticket %llu offered to %s who does not "
		    "know", TID(t), t->agent));
	if ((t->state == TICKET_ACTIVE || t->state == TICKET_PENDING) &&
	    t->agent[0] == '\0')
		return (chk_fail(c, "ticket %llu %s with nobody", TID(t),
		    ticket_state_name(t->state)));
	if (t->state != TICKET_QUEUED)
		return (0);
	if (t->agent[0] != '\0')
		return (chk_fail(c, "ticket %llu queued with agent %s", TID(t),
		    t->agent));
	for (k = 0; k < c->na; k++) {
		a = c->a[k];
		if (a->status == AGENT_AVAILABLE &&
		    a->conn != AGENT_DETACHED &&
		    engine_check_eligible(c->e, t, a) && !chk_cooled(c, t, a))
			return (chk_fail(c, "agent %s free while ticket %llu "
			    "(step %d, tier %s, queue %s) waits", a->name,
			    TID(t), t->step, t->tier, t->queue));
	}
	return (0);
}

/* Each queue's counters and references equal a recount of its tickets. */
static int
chk_queues(struct chk *c)
{
	const struct queue		*q;
	const struct ticket_private	*p;
	size_t				 waiting, offered, active, scheduled;
	size_t				 refs, j;
	int				 k;

	for (k = 0; k < c->e->nqueues; k++) {
		q = c->e->queues[k];
		waiting = offered = active = scheduled = refs = 0;
		for (j = 0; j < c->nt; j++) {
			p = chk_priv(c->t[j]);
			if (p->q != q)
				continue;
			refs++;
			if (p->t.state == TICKET_QUEUED)
				waiting++;
			else if (p->t.state == TICKET_OFFERED)
				offered++;
			else if (p->t.state == TICKET_ACTIVE ||
			    p->t.state == TICKET_PENDING)
				active++;
			else if (p->t.state == TICKET_SCHEDULED)
				scheduled++;
		}
		if (q->nwaiting != waiting || q->noffered != offered ||
		    q->nactive != active || q->nscheduled != scheduled ||
		    q->nrefs != refs)
			return (chk_fail(c, "queue %s counts %zu/%zu/%zu/%zu/"
			    "%zu, holds %zu/%zu/%zu/%zu/%zu (waiting/offered/"
			    "active/scheduled/tickets)", q->def.name,
			    q->nwaiting, q->noffered, q->nactive,
			    q->nscheduled, q->nrefs, waiting, offered, active,
			    scheduled, refs));
	}
	return (0);
}

int
engine_check_invariants(const struct engine *e, hl_ms now, char *err,
    size_t errlen)
{
	struct chk	c;
	size_t		j;
	int		rc = -1;

	memset(&c, 0, sizeof c);
	c.e = e;
	c.now = now;
	c.err = err;
	c.errlen = errlen;
	c.ct = engine_ticket_count(e);
	c.t = xcalloc(c.ct + 1, sizeof *c.t);
	engine_ticket_foreach(e, chk_ticket, &c);
	engine_agent_foreach(e, chk_agent, &c);
	if (c.nt != c.ct) {
		chk_fail(&c, "%zu tickets counted, %zu in memory", c.ct,
		    c.nt);
		goto out;
	}
	if (chk_agents(&c) != 0)
		goto out;
	for (j = 0; j < c.nt; j++) {
		if (chk_ticket_one(&c, c.t[j]) != 0)
			goto out;
	}
	if (chk_queues(&c) != 0)
		goto out;
	rc = 0;
out:
	free(c.t);
	free(c.a);
	return (rc);
}
