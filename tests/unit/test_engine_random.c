/*
 * test_engine_random.c: thousands of random operations across agents,
 * customers and tickets, checking the invariants after every one (one
 * offer per ticket and per agent, no free agent beside a waiting ticket it
 * may take, no SLA due passed without its breach, SLA events only from
 * running clocks, follow-ups scheduled in the future and linked both
 * ways, at most one per customer); and recovery: a new engine built from
 * the snapshots the event stream names holds the same tickets,
 * assignments, order and customer insight.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

#define NAGENTS		6
#define NCUSTOMERS	10	/* with account managers */
#define NCALLERS	40	/* customers who open tickets */

static const char *const agents[NAGENTS] = {
	"a0", "a1", "a2", "a3", "a4", "a5"
};
static const char *const queues[] = { "billing", "tech", "sales" };
static const char *const tiers[] = { T_STD, T_SILVER, T_GOLD, T_DIAMOND };

struct rnd {
	uint64_t	 s;
	size_t		 ops[32];
};

static uint32_t
rnd(struct rnd *r, uint32_t n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return ((uint32_t)(r->s % n));
}

struct pick {
	const struct ticket	*v[4096];
	size_t			 n;
};

static void
pick_one(const struct ticket *t, void *arg)
{
	struct pick	*p = arg;

	if (p->n < 4096)
		p->v[p->n++] = t;
}

/* A random ticket in memory, preferring the given state. */
static const struct ticket *
some_ticket(struct fx *fx, struct rnd *r, int state)
{
	struct pick	p;
	size_t		i, k;

	p.n = 0;
	engine_ticket_foreach(fx->e, pick_one, &p);
	if (p.n == 0)
		return (NULL);
	k = rnd(r, (uint32_t)p.n);
	for (i = 0; state >= 0 && i < p.n; i++) {
		if ((int)p.v[(k + i) % p.n]->state == state)
			return (p.v[(k + i) % p.n]);
	}
	return (p.v[k]);
}

static void
expect(int rc, int ok)
{
	if (ok)
		assert_int_equal(rc, ENGINE_OK);
	else
		assert_true(rc == ENGINE_OK || rc == ENGINE_NOPERM ||
		    rc == ENGINE_BADSTATE || rc == ENGINE_NOTFOUND ||
		    rc == ENGINE_ERR);
}

/*
 * SLA policies with every kind of step, and on tech a calendar whose
 * short gaps the test's half hour of virtual time keeps crossing.
 */
static void
random_sla(struct fx *fx)
{
	struct sla_policy	*p;

	fx_calendar(fx, "odd", NULL, "mon-sun",
	    "00:00-00:18,00:21-00:24,00:26-00:31,00:33-24:00");
	fx_queue_calendar(fx, "tech", "odd", 1);
	p = fx_sla(fx, T_STD, "", 30000, 120000, 80);
	fx_sla_step(p, SLA_ANSWER, 50, 0, SLA_NOTIFY, 0, NULL);
	fx_sla_step(p, SLA_ANSWER, 100, 0, SLA_BOOST, 50, NULL);
	fx_sla_step(p, SLA_RESOLVE, 0, 60000, SLA_PAGE, 0, NULL);
	p = fx_sla(fx, T_GOLD, "billing", 20000, 60000, 50);
	fx_sla_step(p, SLA_ANSWER, 0, 10000, SLA_OVERFLOW | SLA_NOTIFY, 0,
	    "sales");
	fx_sla_step(p, SLA_RESOLVE, 150, 0, SLA_NOTIFY, 0, NULL);
	p = fx_sla(fx, T_DIAMOND, "", 10000, 40000, 90);
	fx_sla_step(p, SLA_ANSWER, 100, 0, SLA_OVERFLOW | SLA_PAGE |
	    SLA_BOOST, 5, "tech");
	p = fx_sla(fx, T_SILVER, "tech", 15000, 90000, 60);
	fx_sla_step(p, SLA_RESOLVE, 50, 0, SLA_BOOST, 20, NULL);
	fx->cfg.short_abandon = 3000;
	fx->check_sla = true;
}

/*
 * Follow-ups after resolves (one rule filtering dispositions, one into
 * the complaints queue, sales), and conditional ladder steps: standard
 * tickets of repeat contacts and silver ones of customers with a
 * complaint go to group vip first.
 */
static void
random_insight(struct fx *fx)
{
	struct followup_rule	*fr;
	struct tier_def		*td;
	int			 k;

	fx_followup(fx, "best", T_GOLD "," T_DIAMOND, 0, "billing", 9000);
	fr = fx_followup(fx, "rest", T_STD, 0, "sales", 20000);
	snprintf(fr->only[fr->nonly++], ENGINE_NAME_MAX, "ok");
	fx->cfg.repeat_window = 60000;
	for (k = 0; k < 2; k++) {
		td = &fx->tiers[k];
		td->nsteps = 2;
		td->steps[0].kind = STEP_GROUP;
		snprintf(td->steps[0].group, ENGINE_NAME_MAX, "vip");
		td->steps[0].duration = k == 0 ? 5000 : 8000;
		td->steps[0].cond = k == 0 ? STEP_IF_REPEAT :
		    STEP_IF_COMPLAINTS;
		td->steps[0].cond_min = 1;
		td->steps[1].kind = STEP_SKILLED;
	}
}

static void
random_agent_update(struct fx *fx, struct rnd *r, const char *name)
{
	struct agent_update	u;
	struct skill		sk[3];
	char			gr[1][ENGINE_NAME_MAX] = { "vip" };
	char			err[ENGINE_ERRMAX];
	int			i, n = 0;

	memset(&u, 0, sizeof u);
	memset(sk, 0, sizeof sk);
	for (i = 0; i < 3; i++) {
		if (rnd(r, 2)) {
			snprintf(sk[n].queue, ENGINE_NAME_MAX, "%s", queues[i]);
			sk[n++].level = 1 + (int)rnd(r, 5);
		}
	}
	u.skills = sk;
	u.nskills = n;
	u.groups = (const char (*)[ENGINE_NAME_MAX])gr;
	u.ngroups = (int)rnd(r, 2);
	u.capacity = 1 + (int)rnd(r, 2);
	expect(engine_agent_update(fx->e, fx->now, &ADMIN, name, &u, err), 1);
}

/* Live reload: strategies, ladder timing and tier priorities change. */
static void
random_reconfigure(struct fx *fx, struct rnd *r)
{
	char	err[ENGINE_ERRMAX];
	int	i;

	for (i = 0; i < 3; i++)
		fx->queues[i].strategy = (enum strategy)rnd(r, 5);
	fx->tiers[3].steps[0].duration = rnd(r, 3) * 10000;
	fx->tiers[3].steps[1].duration = rnd(r, 3) * 15000;
	fx->tiers[2].base_priority = rnd(r, 2) ? 200 : 50;
	fx->cfg.reject_cooldown = rnd(r, 2) ? COOL_MS : 2000;
	fx->slas[0].answer = rnd(r, 2) ? 30000 : 45000;
	fx->slas[2].resolve = rnd(r, 2) ? 40000 : 20000;
	snprintf(fx->queues[1].calendar, ENGINE_NAME_MAX, "%s",
	    rnd(r, 3) ? "odd" : "");
	expect(engine_reconfigure(fx->e, &fx->cfg, err), 1);
}

static void
random_op(struct fx *fx, struct rnd *r)
{
	struct ticket_create	 tc;
	const struct ticket	*t;
	struct actor		 ac;
	const char		*who = agents[rnd(r, NAGENTS)];
	char			 cust[16], err[ENGINE_ERRMAX];
	uint64_t		 id;
	int			 op = (int)rnd(r, 27), owner, want;

	r->ops[op]++;
	ac = fx_actor(who);
	switch (op) {
	case 0:
	case 1:
	case 2:
		if (engine_ticket_count(fx->e) > 40)
			return;		/* let agents catch up */
		memset(&tc, 0, sizeof tc);
		snprintf(cust, sizeof cust, "k%u", rnd(r, rnd(r, 2) ?
		    NCUSTOMERS : NCALLERS));
		tc.queue = queues[rnd(r, 3)];
		tc.customer = cust;
		tc.tier = rnd(r, 3) ? tiers[rnd(r, 4)] : NULL;
		tc.priority = (int)rnd(r, 11) - 5;
		expect(engine_ticket_create(fx->e, fx->now, &INTEG, &tc, &id,
		    err), 1);
		return;
	case 3:
		fx->now += rnd(r, 15000);
		engine_advance(fx->e, fx->now);
		return;
	case 4:
		fx_ready(fx, who);
		return;
	case 5:
		expect(engine_agent_break(fx->e, fx->now, &ac, who,
		    rnd(r, 2) ? "lunch" : "", err), 1);
		return;
	case 6:
		if (rnd(r, 3) == 0)
			expect(engine_agent_logout(fx->e, fx->now, &SUP, who,
			    err), 1);
		return;
	case 7:
		snprintf(cust, sizeof cust, "k%u", rnd(r, NCUSTOMERS));
		fx_manager(fx, cust, rnd(r, 3) ? agents[rnd(r, NAGENTS)] : "");
		return;
	case 8:
		random_agent_update(fx, r, who);
		return;
	case 24:
		if (rnd(r, 4) != 0)
			return;
		expect(engine_agent_delete(fx->e, fx->now, &ADMIN, who, err),
		    1);
		fx_agent(fx, who, "billing:2,tech:1", NULL, 1);
		if (rnd(r, 2))
			fx_ready(fx, who);
		return;
	case 25:
		if (rnd(r, 4) != 0)
			return;
		random_reconfigure(fx, r);
		return;
	}
	if ((t = some_ticket(fx, r, -1)) == NULL)
		return;
	id = t->id;
	switch (op) {
	case 9:
	case 10:
	case 11:
		/* The agent an offer is for accepts (or someone else tries). */
		if ((t = some_ticket(fx, r, TICKET_OFFERED)) == NULL)
			return;
		id = t->id;
		owner = strcmp(t->agent, who) == 0;
		if (rnd(r, 4) != 0) {
			ac = fx_actor(t->agent);
			owner = 1;
		}
		want = owner && t->state == TICKET_OFFERED;
		expect(engine_ticket_accept(fx->e, fx->now, &ac, id, err),
		    want);
		break;
	case 12:
		if ((t = some_ticket(fx, r, TICKET_OFFERED)) == NULL)
			return;
		ac = fx_actor(t->agent);
		want = t->state == TICKET_OFFERED;
		expect(engine_ticket_reject(fx->e, fx->now, &ac, t->id, "no",
		    err), want);
		break;
	case 13:
	case 14:
		t = some_ticket(fx, r, rnd(r, 2) ? TICKET_ACTIVE :
		    TICKET_PENDING);
		id = t->id;
		ac = fx_actor(t->agent);
		owner = t->state == TICKET_ACTIVE ||
		    t->state == TICKET_PENDING;
		expect(engine_ticket_resolve(fx->e, fx->now, &ac, id, "ok",
		    err), owner);
		if (owner && rnd(r, 2))
			expect(engine_ticket_close(fx->e, fx->now, &ac, id,
			    err), 1);
		break;
	case 15:
		t = some_ticket(fx, r, TICKET_RESOLVED);
		want = t->state == TICKET_RESOLVED;
		expect(engine_ticket_close(fx->e, fx->now, &SUP, t->id, err),
		    want);
		break;
	case 16:
		t = some_ticket(fx, r, TICKET_ACTIVE);
		ac = fx_actor(t->agent);
		want = t->state == TICKET_ACTIVE;
		expect(engine_ticket_pending(fx->e, fx->now, &ac, t->id,
		    rnd(r, 2) ? 0 : fx->now + 1 + rnd(r, 20000), err), want);
		break;
	case 17:
		t = some_ticket(fx, r, TICKET_PENDING);
		want = t->state == TICKET_PENDING;
		expect(engine_ticket_resume(fx->e, fx->now, &SUP, t->id, err),
		    want);
		break;
	case 18:
		expect(engine_ticket_transfer_queue(fx->e, fx->now, &SUP, id,
		    queues[rnd(r, 3)], err), 0);
		break;
	case 19:
		expect(engine_ticket_transfer_agent(fx->e, fx->now, &SUP, id,
		    who, err), 0);
		break;
	case 20:
		expect(engine_ticket_abandon(fx->e, fx->now, &INTEG, id, err),
		    0);
		break;
	case 21:
		expect(engine_ticket_set_tier(fx->e, fx->now, &SUP, id,
		    tiers[rnd(r, 4)], err), 1);
		break;
	case 22:
		expect(engine_ticket_set_priority(fx->e, fx->now, &SUP, id,
		    (int)rnd(r, 21) - 10, err), 1);
		break;
	case 26:
		/* A supervisor cancels a scheduled follow-up, now and then. */
		if (rnd(r, 4) != 0)
			return;
		t = some_ticket(fx, r, TICKET_SCHEDULED);
		want = t->state == TICKET_SCHEDULED ||
		    t->state == TICKET_RESOLVED;
		expect(engine_ticket_close(fx->e, fx->now, &SUP, t->id, err),
		    want);
		break;
	default:
		expect(engine_ticket_note(fx->e, fx->now, &ac, id, "n", err),
		    0);
		break;
	}
}

static void
random_setup(struct fx *fx, struct rnd *r)
{
	char	skills[64];
	int	i;

	for (i = 0; i < NAGENTS; i++) {
		snprintf(skills, sizeof skills, "%s:%u,%s:%u",
		    queues[i % 3], 1 + rnd(r, 5), queues[(i + 1) % 3],
		    1 + rnd(r, 5));
		fx_agent(fx, agents[i], skills, i < 2 ? "vip" : NULL,
		    1 + (int)rnd(r, 2));
		fx_ready(fx, agents[i]);
	}
}

static void
count_scheduled(const struct ticket *t, void *arg)
{
	*(size_t *)arg += t->state == TICKET_SCHEDULED;
}

static size_t
fx_scheduled(struct fx *fx)
{
	size_t	n = 0;

	engine_ticket_foreach(fx->e, count_scheduled, &n);
	return (n);
}

static void
test_random_invariants(void **state)
{
	struct rnd	 r;
	struct fx	*fx;
	size_t		 scheduled = 0;
	int		 i, round;

	(void)state;
	for (round = 0; round < 3; round++) {
		memset(&r, 0, sizeof r);
		r.s = 0x9e3779b97f4a7c15ULL + (uint64_t)round;
		fx = fx_new();
		fx->queues[2].strategy = (enum strategy)round;
		fx->check_offers = true;
		random_sla(fx);
		random_insight(fx);
		fx_start(fx);
		random_setup(fx, &r);
		for (i = 0; i < 4000; i++) {
			random_op(fx, &r);
			fx_clear(fx);
			fx_invariants(fx);
			scheduled += fx_scheduled(fx);
		}
		for (i = 0; i < 27; i++)
			assert_true(r.ops[i] > 0);
		fx_free(fx);
	}
	assert_true(scheduled > 0);	/* follow-ups were exercised */
}

static void
same_ticket(const struct ticket *a, const struct ticket *b)
{
	if (a->state == TICKET_OFFERED) {
		assert_int_equal(b->state, TICKET_QUEUED);
		assert_string_equal(b->agent, "");
	} else {
		assert_int_equal(b->state, a->state);
		assert_string_equal(b->agent, a->agent);
	}
	assert_string_equal(b->queue, a->queue);
	assert_string_equal(b->customer, a->customer);
	assert_string_equal(b->tier, a->tier);
	assert_string_equal(b->channel, a->channel);
	assert_string_equal(b->subject, a->subject);
	assert_string_equal(b->disposition, a->disposition);
	assert_string_equal(b->creator, a->creator);
	assert_string_equal(b->target, a->target);
	assert_int_equal(b->priority, a->priority);
	assert_int_equal(b->boost, a->boost);
	assert_int_equal(b->step, a->step);
	assert_int_equal(b->created, a->created);
	assert_int_equal(b->enqueued, a->enqueued);
	assert_int_equal(b->step_started, a->step_started);
	assert_int_equal(b->offered_at, a->offered_at);
	assert_int_equal(b->accepted_at, a->accepted_at);
	assert_int_equal(b->resolved_at, a->resolved_at);
	assert_int_equal(b->pending_until, a->pending_until);
	assert_int_equal(b->answer_due, a->answer_due);
	assert_int_equal(b->resolve_due, a->resolve_due);
	assert_int_equal(b->resolve_used, a->resolve_used);
	assert_int_equal(b->clock_mark, a->clock_mark);
	assert_int_equal(b->paused, a->paused);
	assert_int_equal(b->sla_fired, a->sla_fired);
	assert_int_equal(b->escalations, a->escalations);
	assert_int_equal(b->followup_of, a->followup_of);
	assert_int_equal(b->followup, a->followup);
	assert_int_equal(b->repeat_contact, a->repeat_contact);
	assert_int_equal(b->complaint, a->complaint);
	assert_int_equal(b->complaints, a->complaints);
}

/* Customer insight rebuilt from every ticket kept equals the live one. */
static void
same_insight(struct fx *a, struct fx *b)
{
	const struct customer	*x, *y;
	char			 id[16];
	int			 i, n = 0;

	for (i = 0; i < NCALLERS; i++) {
		snprintf(id, sizeof id, "k%d", i);
		if ((x = engine_customer_get(a->e, id)) == NULL)
			continue;
		y = engine_customer_get(b->e, id);
		assert_non_null(y);
		assert_int_equal(y->complaints, x->complaints);
		assert_int_equal(engine_customer_repeat(b->e, y, b->now),
		    engine_customer_repeat(a->e, x, a->now));
		if (x->last_contact >= a->now - a->cfg.repeat_window)
			assert_int_equal(y->last_contact, x->last_contact);
		n += x->complaints;
	}
	assert_true(n > 0);
}

struct cmp {
	struct fx	*b;
	size_t		 n;
	size_t		 offered;	/* cmp_offered */
};

static void
cmp_ticket(const struct ticket *t, void *arg)
{
	struct cmp		*c = arg;
	const struct ticket	*u = engine_ticket_get(c->b->e, t->id);

	if (u == NULL)
		fail_msg("ticket %llu lost", (unsigned long long)t->id);
	same_ticket(t, u);
	c->n++;
}

static void
cmp_agent(const struct agent *a, void *arg)
{
	struct cmp		*c = arg;
	const struct agent	*u = engine_agent_get(c->b->e, a->name);

	assert_non_null(u);
	assert_int_equal(u->status, AGENT_OFFLINE);
	assert_int_equal(u->active, a->active);
	assert_int_equal(u->capacity, a->capacity);
	assert_int_equal(u->nskills, a->nskills);
	assert_int_equal(u->ngroups, a->ngroups);
	assert_int_equal(u->offer, 0);
}

static void
test_recovery(void **state)
{
	struct rnd		 r;
	struct fx		*fx, *b;
	struct cmp		 c;
	struct queue_stats	 sa, sb;
	struct skill		 sk[3];
	char			 gr[1][ENGINE_NAME_MAX] = { "vip" };
	struct agent_update	 u;
	int			 i, k, served = 0;
	uint64_t		 id;

	(void)state;
	memset(&r, 0, sizeof r);
	r.s = 12345;
	fx = fx_new();
	fx->snap = true;
	fx->check_offers = true;
	random_sla(fx);
	random_insight(fx);
	fx_start(fx);
	random_setup(fx, &r);
	for (i = 0; i < 2500; i++) {
		random_op(fx, &r);
		fx_clear(fx);
	}
	engine_advance(fx->e, fx->now);
	assert_true(fx->nst > 0);
	assert_int_equal(fx->nst, engine_ticket_count(fx->e));

	b = fx_new();
	fx_restore(fx, fx->now, b);
	c.b = b;
	c.n = 0;
	engine_ticket_foreach(fx->e, cmp_ticket, &c);
	assert_int_equal(c.n, engine_ticket_count(b->e));
	engine_agent_foreach(fx->e, cmp_agent, &c);
	for (k = 0; k < 3; k++) {
		assert_int_equal(engine_queue_stats(fx->e, queues[k], fx->now,
		    &sa), 0);
		assert_int_equal(engine_queue_stats(b->e, queues[k], b->now,
		    &sb), 0);
		assert_int_equal(sb.waiting, sa.waiting + sa.offered);
		assert_int_equal(sb.active, sa.active);
	}
	assert_int_equal(engine_next_id(b->e), engine_next_id(fx->e));
	same_insight(fx, b);
	fx_invariants(b);

	/* One agent who may take everything drains b in routing order. */
	memset(&u, 0, sizeof u);
	memset(sk, 0, sizeof sk);
	for (k = 0; k < 3; k++) {
		snprintf(sk[k].queue, ENGINE_NAME_MAX, "%s", queues[k]);
		sk[k].level = 1;
	}
	u.skills = sk;
	u.nskills = 3;
	u.groups = (const char (*)[ENGINE_NAME_MAX])gr;
	u.ngroups = 1;
	assert_int_equal(engine_agent_add(b->e, b->now, &ADMIN, "drain", &u,
	    NULL), 0);
	b->check_offers = true;		/* each offer: the best waiting */
	fx_ready(b, "drain");
	for (i = 0; i < 10000; i++) {
		if ((id = fx_offer(b, "drain")) != 0) {
			fx_finish(b, "drain", id);
			fx_ready(b, "drain");
			served++;
		} else if (engine_next_deadline(b->e) >= 0)
			fx_at(b, engine_next_deadline(b->e));
		else
			break;
		fx_clear(b);
	}
	assert_true(served > 0);
	fx_free(b);
	fx_free(fx);
}

static void
cmp_presence(const struct agent *a, void *arg)
{
	struct cmp		*c = arg;
	const struct agent	*u = engine_agent_get(c->b->e, a->name);

	assert_non_null(u);
	assert_int_equal(u->status, a->status);
	assert_string_equal(u->reason, a->reason);
	assert_int_equal(u->status_since, a->status_since);
	assert_int_equal(u->idle_since, a->idle_since);
	assert_int_equal(u->offer, a->offer);
	assert_int_equal(u->active, a->active);
	assert_int_equal(u->missed, a->missed);
	assert_int_equal(u->handled, a->handled);
	assert_int_equal(u->offered_total, a->offered_total);
}

static void
cmp_offered(const struct ticket *t, void *arg)
{
	struct cmp		*c = arg;
	const struct ticket	*u = engine_ticket_get(c->b->e, t->id);

	assert_non_null(u);
	assert_int_equal(u->state, t->state);
	assert_string_equal(u->agent, t->agent);
	assert_int_equal(u->offered_at, t->offered_at);
	c->offered += t->state == TICKET_OFFERED;
	c->n++;
}

/* Timers due at the same time fire in the order they were armed, which a
 * restore does not keep: compare events by time, then what they are. */
static int
tev_cmp(const void *x, const void *y)
{
	const struct tev	*a = x, *b = y;
	int			 d;

	if (a->time != b->time)
		return (a->time < b->time ? -1 : 1);
	if ((d = strcmp(a->type, b->type)) != 0)
		return (d);
	if (a->ticket != b->ticket)
		return (a->ticket < b->ticket ? -1 : 1);
	return (strcmp(a->agent, b->agent));
}

/*
 * A rebuild after a failed commit: the store's rows plus every agent's
 * presence give back the engine as it was, offers and their deadlines
 * included, without a single event; and from there both engines go on
 * alike.
 */
static void
test_rebuild_with_presence(void **state)
{
	struct rnd	 r;
	struct fx	*fx, *b;
	struct cmp	 c;
	char		 name[16];
	size_t		 i;
	int		 k;

	(void)state;
	memset(&r, 0, sizeof r);
	r.s = 4242;
	fx = fx_new();
	fx->snap = true;
	random_sla(fx);
	random_insight(fx);
	fx_start(fx);
	random_setup(fx, &r);
	for (k = 0; k < 2500; k++) {
		random_op(fx, &r);
		fx_clear(fx);
	}
	engine_advance(fx->e, fx->now);
	/* Desks that take what waits: offers outstanding at the rebuild. */
	for (k = 0; k < 3; k++) {
		snprintf(name, sizeof name, "late%d", k);
		fx_agent(fx, name, "billing:1,tech:1,sales:1", NULL, 1);
		fx_ready(fx, name);
		fx_at(fx, fx->now + 777);	/* no two deadlines alike */
	}
	fx_clear(fx);

	b = fx_new();
	b->presence_of = fx;
	fx_restore(fx, fx->now, b);
	assert_int_equal(b->nev, 0);
	memset(&c, 0, sizeof c);
	c.b = b;
	engine_ticket_foreach(fx->e, cmp_offered, &c);
	assert_int_equal(c.n, engine_ticket_count(b->e));
	assert_true(c.offered > 0);	/* what a restart would lose */
	engine_agent_foreach(fx->e, cmp_presence, &c);
	assert_int_equal(engine_next_deadline(b->e),
	    engine_next_deadline(fx->e));
	/* Offers time out, wrap-ups end, ladders step, SLAs warn: the same
	 * events at the same times. */
	fx_at(fx, fx->now + 120000);
	fx_at(b, b->now + 120000);
	qsort(fx->ev, fx->nev, sizeof *fx->ev, tev_cmp);
	qsort(b->ev, b->nev, sizeof *b->ev, tev_cmp);
	assert_int_equal(b->nev, fx->nev);
	for (i = 0; i < fx->nev; i++)
		assert_int_equal(tev_cmp(&b->ev[i], &fx->ev[i]), 0);
	fx_invariants(b);
	fx_free(b);
	fx_free(fx);
}

/* The daemon was down 25 s: the ladder catches up on its schedule. */
static void
test_restore_downtime(void **state)
{
	struct fx		*fx, *b;
	const struct ticket	*t;
	struct actor		 ann = fx_actor("ann");
	uint64_t		 a, o, d;
	hl_ms			 t0;
	char			 err[ENGINE_ERRMAX];

	(void)state;
	fx = fx_new();
	fx->snap = true;
	fx_start(fx);
	t0 = fx->now;
	fx_agent(fx, "ann", "billing:1", NULL, 2);
	fx_agent(fx, "mgr", NULL, NULL, 1);
	fx_agent(fx, "v1", NULL, "vip", 1);
	assert_int_equal(engine_agent_break(fx->e, t0, &SUP, "mgr", NULL, err),
	    0);
	assert_int_equal(engine_agent_break(fx->e, t0, &SUP, "v1", NULL, err),
	    0);
	fx_manager(fx, "vipc", "mgr");
	fx_ready(fx, "ann");
	a = fx_create(fx, "billing", "c1", NULL);
	fx_accept(fx, "ann", a);
	o = fx_create(fx, "billing", "c2", NULL);
	assert_int_equal(fx_offer(fx, "ann"), o);
	d = fx_create(fx, "billing", "vipc", T_DIAMOND);
	assert_int_equal(engine_ticket_pending(fx->e, t0, &ann, a,
	    t0 + 100000, err), 0);
	assert_int_equal(engine_ticket_get(fx->e, d)->step, 0);

	b = fx_new();
	fx_restore(fx, t0 + 25000, b);
	t = engine_ticket_get(b->e, o);
	assert_int_equal(t->state, TICKET_QUEUED);
	assert_string_equal(t->agent, "");
	assert_int_equal(t->enqueued, t0);
	assert_non_null(fx_last(b, "ticket.queued", o));
	t = engine_ticket_get(b->e, d);
	assert_int_equal(t->step, 1);
	assert_int_equal(t->step_started, t0 + 20000);
	assert_non_null(fx_last(b, "ticket.step", d));
	assert_int_equal(engine_next_deadline(b->e), t0 + 50000);
	t = engine_ticket_get(b->e, a);
	assert_int_equal(t->state, TICKET_PENDING);
	assert_string_equal(t->agent, "ann");
	assert_int_equal(engine_agent_get(b->e, "ann")->status, AGENT_OFFLINE);
	assert_int_equal(engine_agent_get(b->e, "ann")->active, 0);
	fx_at(b, t0 + 100000);
	assert_int_equal(engine_ticket_get(b->e, d)->step, 2);
	assert_int_equal(engine_ticket_get(b->e, a)->state, TICKET_ACTIVE);
	assert_int_equal(engine_agent_get(b->e, "ann")->active, 1);
	assert_int_equal(fx_create(b, "billing", "c3", NULL), d + 1);
	fx_free(b);
	fx_free(fx);
}

const struct CMUnitTest test_engine_random_tests[] = {
	cmocka_unit_test(test_random_invariants),
	cmocka_unit_test(test_recovery),
	cmocka_unit_test(test_rebuild_with_presence),
	cmocka_unit_test(test_restore_downtime),
};
const size_t test_engine_random_ntests =
    sizeof test_engine_random_tests / sizeof test_engine_random_tests[0];
