/*
 * test_engine_inv.c: the invariants the randomized tests check after
 * every operation, written from the specification rather than from the
 * engine: who may take a ticket, offers agreeing on both sides, no free
 * agent beside a waiting ticket it may take, SLA dues and their breaches,
 * queue counters, follow-ups and their links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

/* Eligibility, written from the specification rather than the engine. */
bool
fx_eligible(const struct fx *fx, const struct ticket *t,
    const struct agent *a)
{
	const struct tier_def		*td = fx_tierdef(fx, t->tier);
	const struct customer		*c;
	const struct ladder_step	*s;
	int				 k, i;

	if (t->target[0] != '\0')
		return (strcmp(t->target, a->name) == 0);
	for (k = 0; k <= t->step && k < td->nsteps; k++) {
		s = &td->steps[k];
		if ((s->cond == STEP_IF_REPEAT && !t->repeat_contact) ||
		    (s->cond == STEP_IF_COMPLAINTS &&
		    t->complaints < s->cond_min))
			continue;
		switch (s->kind) {
		case STEP_MANAGER:
			c = engine_customer_get(fx->e, t->customer);
			if (c != NULL && strcmp(c->manager, a->name) == 0)
				return (true);
			break;
		case STEP_GROUP:
			for (i = 0; i < a->ngroups; i++) {
				if (strcmp(a->groups[i], s->group) == 0)
					return (true);
			}
			break;
		case STEP_SKILLED:
			for (i = 0; i < a->nskills; i++) {
				if (strcmp(a->skills[i].queue, t->queue) == 0)
					return (true);
			}
			break;
		}
	}
	return (false);
}

static const struct queue_def *
fx_queuedef(const struct fx *fx, const char *name)
{
	int	i;

	for (i = 0; i < fx->cfg.nqueues; i++) {
		if (strcmp(fx->cfg.queues[i].name, name) == 0)
			return (&fx->cfg.queues[i]);
	}
	return (NULL);
}

/*
 * A due that has passed has fired its breach (timers are never missed);
 * a pending ticket has no resolve due; on 24/7 queues the dues are plain
 * sums and the elapsed time is the time counted plus the running part.
 */
static void
inv_sla(struct fx *fx, const struct ticket *t)
{
	const struct sla_policy	*p = engine_ticket_sla(fx->e, t);
	const struct queue_def	*q = fx_queuedef(fx, t->queue);
	bool			 answer, resolve;
	hl_ms			 left;

	if (t->state == TICKET_SCHEDULED) {	/* no clock runs yet */
		assert_int_equal(t->answer_due, 0);
		assert_int_equal(t->resolve_due, 0);
		assert_int_equal(t->sla_fired, 0);
		return;
	}
	answer = t->accepted_at == 0 && (t->state == TICKET_QUEUED ||
	    t->state == TICKET_OFFERED);
	resolve = t->state == TICKET_QUEUED || t->state == TICKET_OFFERED ||
	    t->state == TICKET_ACTIVE;
	if (t->state == TICKET_PENDING)
		assert_int_equal(t->resolve_due, 0);
	if (p == NULL) {
		if (t->accepted_at == 0)
			assert_int_equal(t->answer_due, 0);
		return;
	}
	if (answer && p->answer > 0 && t->answer_due <= fx->now &&
	    (t->sla_fired & SLA_FIRED_ANSWER_BREACH) == 0)
		fail_msg("ticket %llu: answer due %lld passed, no breach",
		    (unsigned long long)t->id, (long long)t->answer_due);
	if (resolve && p->resolve > 0 && t->resolve_due <= fx->now &&
	    (t->sla_fired & SLA_FIRED_RESOLVE_BREACH) == 0)
		fail_msg("ticket %llu: resolve due %lld passed, no breach",
		    (unsigned long long)t->id, (long long)t->resolve_due);
	if (q == NULL || q->calendar[0] != '\0')
		return;
	if (t->accepted_at == 0)
		assert_int_equal(t->answer_due, p->answer > 0 ?
		    t->created + p->answer : 0);
	if (resolve) {
		left = p->resolve - t->resolve_used;
		assert_int_equal(t->resolve_due, p->resolve == 0 ? 0 :
		    t->clock_mark + (left > 0 ? left : 0));
		assert_int_equal(engine_ticket_resolve_elapsed(fx->e, t,
		    fx->now), t->resolve_used + fx->now - t->clock_mark);
	} else
		assert_int_equal(engine_ticket_resolve_elapsed(fx->e, t,
		    fx->now), t->resolve_used);
}

struct inv {
	const struct ticket	**t;
	size_t			  nt;
	const struct agent	**a;
	size_t			  na;
};

static void
inv_ticket(const struct ticket *t, void *arg)
{
	struct inv	*v = arg;

	v->t[v->nt++] = t;
}

static void
inv_agent(const struct agent *a, void *arg)
{
	struct inv	*v = arg;

	v->a[v->na++] = a;
}

struct inv_q {
	const char	*name;
	size_t		 waiting, offered, active, scheduled;
};

static void
inv_queue(const char *name, void *arg)
{
	struct inv_q	*q = arg;

	while (q->name != NULL)
		q++;
	q->name = name;
}

/*
 * A follow-up waits unrouted for its time, in the future; it and its
 * origin name each other while both are in memory; a customer has at
 * most one scheduled; the complaint snapshot never exceeds the count.
 */
static void
inv_followup(struct fx *fx, const struct ticket *t)
{
	const struct ticket	*o;
	const struct customer	*c = engine_customer_get(fx->e, t->customer);

	assert_non_null(c);
	assert_true(t->complaints <= c->complaints);
	if (t->followup_of != 0) {
		assert_string_equal(t->channel, "callback");
		assert_int_equal(t->followup, 0);
		if ((o = engine_ticket_get(fx->e, t->followup_of)) != NULL)
			assert_int_equal(o->followup, t->id);
	}
	if (t->followup != 0 &&
	    (o = engine_ticket_get(fx->e, t->followup)) != NULL)
		assert_int_equal(o->followup_of, t->id);
	if (t->state != TICKET_SCHEDULED)
		return;
	assert_true(t->followup_of != 0);
	assert_string_equal(t->agent, "");
	assert_true(t->created > fx->now);
	assert_true(engine_next_deadline(fx->e) >= 0 &&
	    engine_next_deadline(fx->e) <= t->created);
}

/* At most one scheduled follow-up per customer. */
static void
inv_one_scheduled(const struct inv *v)
{
	size_t	i, j;

	for (i = 0; i < v->nt; i++) {
		if (v->t[i]->state != TICKET_SCHEDULED)
			continue;
		for (j = i + 1; j < v->nt; j++) {
			if (v->t[j]->state == TICKET_SCHEDULED &&
			    strcmp(v->t[i]->customer, v->t[j]->customer) == 0)
				fail_msg("customer %s has follow-ups %llu and "
				    "%llu scheduled", v->t[i]->customer,
				    (unsigned long long)v->t[i]->id,
				    (unsigned long long)v->t[j]->id);
		}
	}
}

/*
 * One offer per ticket and per agent, both sides agreeing; active counts
 * and shown statuses consistent; no free agent next to a waiting ticket it
 * may take (cooldowns aside); queue counters equal to a recount.
 */
void
fx_invariants(struct fx *fx)
{
	struct inv		 v;
	struct inv_q		 qs[16];
	struct queue_stats	 st;
	const struct ticket	*t;
	const struct agent	*a, *o;
	size_t			 i, j, k;
	int			 active;

	v.t = calloc(engine_ticket_count(fx->e) + 1, sizeof *v.t);
	v.a = calloc(256, sizeof *v.a);
	v.nt = v.na = 0;
	engine_ticket_foreach(fx->e, inv_ticket, &v);
	engine_agent_foreach(fx->e, inv_agent, &v);
	assert_int_equal(v.nt, engine_ticket_count(fx->e));
	inv_one_scheduled(&v);
	for (i = 0; i < v.na; i++) {
		a = v.a[i];
		if (a->offer != 0) {
			t = engine_ticket_get(fx->e, a->offer);
			if (t == NULL || t->state != TICKET_OFFERED ||
			    strcmp(t->agent, a->name) != 0)
				fail_msg("agent %s offer %llu inconsistent",
				    a->name, (unsigned long long)a->offer);
		}
		for (j = 0, active = 0; j < v.nt; j++) {
			if (v.t[j]->state == TICKET_ACTIVE &&
			    strcmp(v.t[j]->agent, a->name) == 0)
				active++;
		}
		if (active != a->active)
			fail_msg("agent %s active %d, holds %d", a->name,
			    a->active, active);
		if (a->status == AGENT_AVAILABLE &&
		    (a->offer != 0 || a->active >= a->capacity))
			fail_msg("agent %s shown available but not free",
			    a->name);
		if (a->status == AGENT_BUSY && a->offer == 0 &&
		    a->active < a->capacity)
			fail_msg("agent %s shown busy but free", a->name);
	}
	for (j = 0; j < v.nt; j++) {
		t = v.t[j];
		inv_sla(fx, t);
		inv_followup(fx, t);
		if (t->state == TICKET_OFFERED) {
			o = engine_agent_get(fx->e, t->agent);
			if (o == NULL || o->offer != t->id)
				fail_msg("ticket %llu offered to %s who does "
				    "not know", (unsigned long long)t->id,
				    t->agent);
		}
		if (t->state != TICKET_QUEUED)
			continue;
		assert_string_equal(t->agent, "");
		for (i = 0; i < v.na; i++) {
			a = v.a[i];
			if (a->status == AGENT_AVAILABLE &&
			    fx_eligible(fx, t, a) &&
			    !fx_cooled(fx, t, a, fx->now))
				fail_msg("agent %s free while ticket %llu "
				    "(step %d, tier %s, queue %s) waits",
				    a->name, (unsigned long long)t->id,
				    t->step, t->tier, t->queue);
		}
	}
	memset(qs, 0, sizeof qs);
	engine_queue_foreach(fx->e, inv_queue, qs);
	for (k = 0; qs[k].name != NULL; k++) {
		for (j = 0; j < v.nt; j++) {
			t = v.t[j];
			if (strcmp(t->queue, qs[k].name) != 0)
				continue;
			if (t->state == TICKET_QUEUED)
				qs[k].waiting++;
			else if (t->state == TICKET_OFFERED)
				qs[k].offered++;
			else if (t->state == TICKET_ACTIVE ||
			    t->state == TICKET_PENDING)
				qs[k].active++;
			else if (t->state == TICKET_SCHEDULED)
				qs[k].scheduled++;
		}
		assert_int_equal(engine_queue_stats(fx->e, qs[k].name, fx->now,
		    &st), 0);
		assert_int_equal(st.waiting, qs[k].waiting);
		assert_int_equal(st.offered, qs[k].offered);
		assert_int_equal(st.active, qs[k].active);
		assert_int_equal(st.scheduled, qs[k].scheduled);
	}
	free(v.t);
	free(v.a);
}
