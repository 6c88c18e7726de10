/*
 * query.c: read-only views of the engine for TICKET GET / LIST, AGENT
 * STATUS / LIST, CUSTOMER GET, QUEUE LIST / STATS and INFO.
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

int
engine_has_queue(const struct engine *e, const char *name)
{
	const struct queue	*q = eng_queue(e, name);

	return (q != NULL && !q->retired);
}

int
engine_has_tier(const struct engine *e, const char *name)
{
	return (eng_tier_index(e, name) >= 0);
}

/* Works for the engine's tickets and for copies (say, from the store). */
int
engine_ticket_priority(const struct engine *e, const struct ticket *t)
{
	const struct ticket_private	*p = eng_ticket(e, t->id);
	int				 i;
	int64_t				 v;

	if (p != NULL && &p->t == t)
		return (p->eprio);
	i = eng_tier_index(e, t->tier);
	v = (int64_t)e->tiers[i < 0 ? 0 : i].base_priority + t->boost +
	    t->priority;
	return ((int)v);
}

const char *
engine_ticket_step(const struct engine *e, const struct ticket *t,
    char *buf, size_t len)
{
	const struct tier_def		*td;
	const struct ladder_step	*s;
	const struct customer_private	*c;
	int				 i, k;

	if (len == 0)
		return (buf);
	if (t->target[0] != '\0') {
		snprintf(buf, len, "agent:%s", t->target);
		return (buf);
	}
	i = eng_tier_index(e, t->tier);
	td = &e->tiers[i < 0 ? 0 : i];
	k = t->step < 0 ? 0 : t->step;
	if (k >= td->nsteps)
		k = td->nsteps - 1;
	s = &td->steps[k];
	switch (s->kind) {
	case STEP_MANAGER:
		c = eng_customer(e, t->customer);
		if (c != NULL && c->c.manager[0] != '\0')
			snprintf(buf, len, "manager:%s", c->c.manager);
		else
			snprintf(buf, len, "manager");
		break;
	case STEP_GROUP:
		snprintf(buf, len, "group:%s", s->group);
		break;
	default:
		snprintf(buf, len, "skilled");
		break;
	}
	return (buf);
}

const struct ticket *
engine_ticket_get(const struct engine *e, uint64_t id)
{
	const struct ticket_private	*t = eng_ticket(e, id);

	return (t != NULL ? &t->t : NULL);
}

void
engine_ticket_foreach(const struct engine *e,
    void (*fn)(const struct ticket *, void *), void *arg)
{
	struct ticket_private	*t;
	size_t			 i;

	for (i = 0; (t = hmap_next(&e->tickets, &i)) != NULL;)
		fn(&t->t, arg);
}

size_t
engine_ticket_count(const struct engine *e)
{
	return (e->tickets.n);
}

const struct agent *
engine_agent_get(const struct engine *e, const char *name)
{
	const struct agent_private	*a = eng_agent(e, name);

	return (a != NULL ? &a->a : NULL);
}

void
engine_agent_foreach(const struct engine *e,
    void (*fn)(const struct agent *, void *), void *arg)
{
	struct agent_private	*a;
	size_t			 i;

	for (i = 0; (a = hmap_next(&e->agents, &i)) != NULL;)
		fn(&a->a, arg);
}

const struct customer *
engine_customer_get(const struct engine *e, const char *id)
{
	const struct customer_private	*c = eng_customer(e, id);

	return (c != NULL ? &c->c : NULL);
}

int
engine_queue_stats(const struct engine *e, const char *name, hl_ms now,
    struct queue_stats *st)
{
	const struct queue	*q = eng_queue(e, name);
	int			 i;

	if (q == NULL)
		return (-1);
	memset(st, 0, sizeof *st);
	st->name = q->def.name;
	st->strategy = strategy_name(q->def.strategy);
	st->waiting = q->nwaiting;
	memcpy(st->waiting_by_tier, q->by_tier, sizeof st->waiting_by_tier);
	if (q->age.n > 0)
		st->oldest_enqueued = theap_top(&q->age)->t.enqueued;
	st->offered = q->noffered;
	st->active = q->nactive;
	st->scheduled = q->nscheduled;
	for (i = 0; i < q->nagents; i++)
		st->agents_by_status[q->agents[i].a->a.status]++;
	sl_stats(q, now, st);
	return (0);
}

void
engine_queue_foreach(const struct engine *e,
    void (*fn)(const char *, void *), void *arg)
{
	int	i;

	for (i = 0; i < e->nqueues; i++)
		fn(e->queues[i]->def.name, arg);
}

const char *
engine_tier_name(const struct engine *e, int i)
{
	return (i >= 0 && i < e->ntiers ? e->tiers[i].name : NULL);
}

int
engine_tier_count(const struct engine *e)
{
	return (e->ntiers);
}

void
engine_set_next_id(struct engine *e, uint64_t id)
{
	if (id > e->next_id)
		e->next_id = id;
}

uint64_t
engine_next_id(const struct engine *e)
{
	return (e->next_id);
}
