/*
 * test_engine_facts.c: the report facts the engine attaches to events
 * (answer time and target, abandons short and long, handle time with
 * pending spells left out, transfers, misses and rejects, breaches and
 * escalations, agents' status spells), TICKET RATE's rules, and QUEUE
 * STATS rebuilt from facts after a restart. All on virtual time, with
 * the figures computed by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

#define S	1000LL

static int
facts_setup(void **state)
{
	struct fx	*fx = fx_new();

	fx->cfg.short_abandon = 5 * S;
	*state = fx;
	return (0);
}

static int
facts_teardown(void **state)
{
	fx_free(*state);
	return (0);
}

/* The fact of the last event of this type (and ticket, if not 0). */
static const struct tfact *
fact_of(const struct fx *fx, const char *type, uint64_t ticket)
{
	const struct tev	*ev = fx_last(fx, type, ticket);

	if (ev == NULL)
		fail_msg("no %s event", type);
	if (!ev->fact.set)
		fail_msg("%s carries no fact", type);
	return (&ev->fact);
}

static size_t
count_kind(const struct fx *fx, enum fact_kind kind)
{
	size_t	i, n = 0;

	for (i = 0; i < fx->nev; i++)
		if (fx->ev[i].fact.set && fx->ev[i].fact.kind == kind)
			n++;
	return (n);
}

static void
ok(int rc, const char *err)
{
	if (rc != ENGINE_OK)
		fail_msg("%s", err);
}

/*
 * Created at 0, accepted at 5 s, pending 20-50 s, resolved at 60 s:
 * answer time 5 s, handle time (20 - 5) + (60 - 50) = 25 s.
 */
static void
test_facts_answer_and_handle(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct tfact	*f;
	char			 err[ENGINE_ERRMAX];
	hl_ms			 t0 = fx->now;
	uint64_t		 id;

	fx_start(fx);
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "billing", "c1", T_GOLD);
	assert_int_equal(fx_offer(fx, "ann"), id);
	fx->now = t0 + 5 * S;
	fx_accept(fx, "ann", id);
	f = fact_of(fx, "ticket.accepted", id);
	assert_int_equal(f->kind, FACT_ANSWERED);
	assert_int_equal(f->value, 5 * S);
	assert_int_equal(f->flag, 1);		/* no target: in target */
	assert_string_equal(f->queue, "billing");
	assert_string_equal(f->tier, T_GOLD);
	assert_string_equal(f->agent, "ann");
	fx->now = t0 + 20 * S;
	ok(engine_ticket_pending(fx->e, fx->now, &ann, id, 0, err, sizeof err),
	    err);
	assert_int_equal(TICKET_WORK(engine_ticket_get(fx->e, id), fx->now),
	    15 * S);
	fx->now = t0 + 50 * S;
	ok(engine_ticket_resume(fx->e, fx->now, &ann, id, err, sizeof err),
	    err);
	fx->now = t0 + 55 * S;
	assert_int_equal(TICKET_WORK(engine_ticket_get(fx->e, id), fx->now),
	    20 * S);
	fx->now = t0 + 60 * S;
	ok(engine_ticket_resolve(fx->e, fx->now, &ann, id, "", err, sizeof err),
	    err);
	f = fact_of(fx, "ticket.resolved", id);
	assert_int_equal(f->kind, FACT_HANDLED);
	assert_int_equal(f->value, 25 * S);
	assert_string_equal(f->agent, "ann");
	assert_int_equal(engine_ticket_get(fx->e, id)->work, 25 * S);
	/* Events without an outcome carry none. */
	assert_false(fx_last(fx, "ticket.created", id)->fact.set);
	assert_false(fx_last(fx, "ticket.offered", id)->fact.set);
	assert_false(fx_last(fx, "ticket.pending", id)->fact.set);
}

/* Only the first ACCEPT answers; the target decides the flag. */
static void
test_facts_target_and_abandons(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct tfact	*f;
	char			 err[ENGINE_ERRMAX];
	hl_ms			 t0 = fx->now;
	uint64_t		 late, gone, brief;

	fx_sla(fx, T_STD, "", 10 * S, 0, 80);
	fx_start(fx);
	fx_agent(fx, "ann", "billing:3,sales:1", NULL, 1);
	late = fx_create(fx, "billing", "c1", NULL);
	gone = fx_create(fx, "sales", "c2", NULL);
	brief = fx_create(fx, "sales", "c3", NULL);
	fx->now = t0 + 3 * S;
	ok(engine_ticket_abandon(fx->e, fx->now, &INTEG, brief, err,
	    sizeof err), err);
	f = fact_of(fx, "ticket.abandoned", brief);
	assert_int_equal(f->kind, FACT_SHORT_ABANDONED);
	assert_int_equal(f->value, 3 * S);
	assert_string_equal(f->agent, "");
	fx_at(fx, t0 + 12 * S);		/* the answer breach of late and gone */
	assert_int_equal(count_kind(fx, FACT_ANSWER_BREACH), 2);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), late);
	fx_accept(fx, "ann", late);
	f = fact_of(fx, "ticket.accepted", late);
	assert_int_equal(f->value, 12 * S);
	assert_int_equal(f->flag, 0);
	fx->now = t0 + 30 * S;
	ok(engine_ticket_abandon(fx->e, fx->now, &INTEG, gone, err, sizeof err),
	    err);
	f = fact_of(fx, "ticket.abandoned", gone);
	assert_int_equal(f->kind, FACT_ABANDONED);
	assert_int_equal(f->value, 30 * S);
	assert_string_equal(f->queue, "sales");
	/* Transferred back and accepted again: no second answer. */
	ok(engine_ticket_transfer_queue(fx->e, fx->now, &ann, late, "billing",
	    err, sizeof err), err);
	fx_agent(fx, "bob", "billing:3", NULL, 1);
	fx_ready(fx, "bob");
	fx_accept(fx, "bob", late);
	assert_int_equal(count_kind(fx, FACT_ANSWERED), 1);
}

/*
 * Ann holds the ticket 7 s and transfers it to sales; bob takes it 4 s
 * later and resolves after 9 s: the transfer counts ann's 7 s for
 * billing, the resolve bob's 9 s for sales.
 */
static void
test_facts_transfer(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann"), bob = fx_actor("bob");
	const struct tfact	*f;
	char			 err[ENGINE_ERRMAX];
	hl_ms			 t0 = fx->now;
	uint64_t		 id;

	fx_start(fx);
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "bob", "sales:3", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "billing", "c1", NULL);
	fx_accept(fx, "ann", id);
	fx->now = t0 + 7 * S;
	ok(engine_ticket_transfer_queue(fx->e, fx->now, &ann, id, "sales",
	    err, sizeof err), err);
	f = fact_of(fx, "ticket.transferred", id);
	assert_int_equal(f->kind, FACT_TRANSFERRED);
	assert_int_equal(f->value, 7 * S);
	assert_string_equal(f->queue, "billing");
	assert_string_equal(f->agent, "ann");
	fx->now = t0 + 11 * S;
	fx_ready(fx, "bob");
	fx_accept(fx, "bob", id);
	fx->now = t0 + 20 * S;
	ok(engine_ticket_resolve(fx->e, fx->now, &bob, id, "", err, sizeof err),
	    err);
	f = fact_of(fx, "ticket.resolved", id);
	assert_int_equal(f->value, 9 * S);
	assert_string_equal(f->queue, "sales");
	assert_string_equal(f->agent, "bob");
	/* Moved by a supervisor while only offered to ann: nobody's handle
	 * time, and no transfer of ann's. */
	id = fx_create(fx, "billing", "c2", NULL);
	ok(engine_ticket_transfer_queue(fx->e, fx->now, &SUP, id, "sales",
	    err, sizeof err), err);
	f = fact_of(fx, "ticket.transferred", id);
	assert_int_equal(f->value, 0);
	assert_string_equal(f->agent, "");
}

static void
test_facts_missed_and_rejected(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct tfact	*f;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id;

	fx_start(fx);
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "bob", "billing:3", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "billing", "c1", NULL);
	ok(engine_ticket_reject(fx->e, fx->now, &ann, id, "busy", err,
	    sizeof err), err);
	f = fact_of(fx, "ticket.rejected", id);
	assert_int_equal(f->kind, FACT_REJECTED);
	assert_string_equal(f->agent, "ann");
	fx_ready(fx, "bob");
	assert_int_equal(fx_offer(fx, "bob"), id);
	fx_at(fx, fx->now + OFFER_MS);
	f = fact_of(fx, "ticket.offer_timeout", id);
	assert_int_equal(f->kind, FACT_MISSED);
	assert_string_equal(f->agent, "bob");
	assert_string_equal(f->queue, "billing");
}

static void
test_facts_escalations(void **state)
{
	struct fx		*fx = *state;
	struct sla_policy	*p;
	const struct tfact	*f;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id;

	p = fx_sla(fx, T_STD, "", 10 * S, 60 * S, 50);
	fx_sla_step(p, SLA_ANSWER, 100, 0, SLA_NOTIFY, 0, NULL);
	fx_start(fx);
	id = fx_create(fx, "billing", "c1", NULL);
	fx_at(fx, fx->now + 10 * S);
	assert_int_equal(count_kind(fx, FACT_ESCALATED), 1);
	f = fact_of(fx, "sla.breach", id);
	assert_int_equal(f->kind, FACT_ANSWER_BREACH);
	assert_false(fx_last(fx, "sla.warning", id)->fact.set);
	ok(engine_ticket_escalate(fx->e, fx->now, &SUP, id, "vip", err,
	    sizeof err), err);
	f = fact_of(fx, "ticket.escalated", id);
	assert_int_equal(f->kind, FACT_ESCALATED);
	assert_int_equal(f->flag, 1);
	fx_at(fx, fx->now + 60 * S);
	f = fact_of(fx, "sla.breach", id);
	assert_int_equal(f->kind, FACT_RESOLVE_BREACH);
}

static const struct tfact *
spell(const struct fx *fx, size_t *from, const char *agent)
{
	for (; *from < fx->nev; (*from)++) {
		if (fx->ev[*from].fact.set &&
		    fx->ev[*from].fact.kind == FACT_STATUS &&
		    strcmp(fx->ev[*from].fact.agent, agent) == 0)
			return (&fx->ev[(*from)++].fact);
	}
	fail_msg("no further status spell of %s", agent);
	return (NULL);
}

/*
 * Ann: ready at 0, wrap-up 100-105 s (tech queue), ready, break "lunch"
 * at 200 s, break "training" at 260 s, ready at 300 s, logout at 400 s;
 * deleted later while offline: no spell for offline time.
 */
static void
test_facts_status_spells(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct tfact	*f;
	enum agent_status	 st;
	const char		*reason;
	char			 err[ENGINE_ERRMAX];
	hl_ms			 t0 = fx->now, since;
	size_t			 k = 0;
	uint64_t		 id;

	fx_start(fx);
	fx_agent(fx, "ann", "tech:3", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "tech", "c1", NULL);
	fx_accept(fx, "ann", id);
	fx->now = t0 + 100 * S;
	ok(engine_ticket_resolve(fx->e, fx->now, &ann, id, "", err, sizeof err),
	    err);
	assert_int_equal(engine_agent_spell(fx->e, "ann", &st, &reason,
	    &since), 0);
	assert_int_equal(st, AGENT_WRAPUP);
	assert_int_equal(since, t0 + 100 * S);
	fx_at(fx, t0 + 105 * S);
	fx->now = t0 + 200 * S;
	ok(engine_agent_break(fx->e, fx->now, &ann, "ann", "lunch", err,
	    sizeof err), err);
	fx->now = t0 + 260 * S;
	ok(engine_agent_break(fx->e, fx->now, &ann, "ann", "training", err,
	    sizeof err), err);
	fx->now = t0 + 300 * S;
	fx_ready(fx, "ann");
	fx->now = t0 + 400 * S;
	ok(engine_agent_logout(fx->e, fx->now, &ann, "ann", err, sizeof err),
	    err);

	f = spell(fx, &k, "ann");
	assert_string_equal(f->detail, "ready");
	assert_int_equal(f->since, t0);
	assert_int_equal(f->value, 100 * S);
	f = spell(fx, &k, "ann");
	assert_string_equal(f->detail, "wrapup");
	assert_int_equal(f->since, t0 + 100 * S);
	assert_int_equal(f->value, 5 * S);
	f = spell(fx, &k, "ann");
	assert_string_equal(f->detail, "ready");
	assert_int_equal(f->value, 95 * S);
	f = spell(fx, &k, "ann");
	assert_string_equal(f->detail, "break:lunch");
	assert_int_equal(f->value, 60 * S);
	f = spell(fx, &k, "ann");
	assert_string_equal(f->detail, "break:training");
	assert_int_equal(f->value, 40 * S);
	f = spell(fx, &k, "ann");
	assert_string_equal(f->detail, "ready");
	assert_int_equal(f->since, t0 + 300 * S);
	assert_int_equal(f->value, 100 * S);
	assert_int_equal(count_kind(fx, FACT_STATUS), 6);

	/* Deleted while ready: the spell ends with agent.deleted. */
	fx_ready(fx, "ann");
	fx->now = t0 + 450 * S;
	ok(engine_agent_delete(fx->e, fx->now, &ADMIN, "ann", err, sizeof err),
	    err);
	f = fact_of(fx, "agent.deleted", 0);
	assert_string_equal(f->detail, "ready");
	assert_int_equal(f->value, 50 * S);
	assert_int_equal(engine_agent_spell(fx->e, "ann", &st, &reason,
	    &since), -1);
}

/*
 * Who rates what: never the agent who handled the ticket, nor another
 * agent without its follow-up call (test_facts_rating_followup);
 * integrations and supervisors do; resolved or closed tickets only, once;
 * 1-5. Checked NOTFOUND, NOPERM, ERR, BADSTATE, like every ticket command.
 */
static void
test_facts_rating(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann"), bob = fx_actor("bob");
	const struct tfact	*f;
	struct ticket		 stored;
	char			 err[ENGINE_ERRMAX], big[CSAT_COMMENT_MAX + 2];
	uint64_t		 id, open;

	fx_start(fx);
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "billing", "c1", NULL);
	fx_accept(fx, "ann", id);
	open = fx_create(fx, "billing", "c2", NULL);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &INTEG, id, 4, "",
	    NULL, err, sizeof err), ENGINE_BADSTATE);
	assert_non_null(strstr(err, "not resolved or closed"));
	ok(engine_ticket_resolve(fx->e, fx->now, &ann, id, "", err, sizeof err),
	    err);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &INTEG, 999, 4,
	    "", NULL, err, sizeof err), ENGINE_NOTFOUND);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &ann, id, 5, "",
	    NULL, err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &ann, id, 9, "",
	    NULL, err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &bob, id, 5, "",
	    NULL, err, sizeof err), ENGINE_NOPERM);
	assert_non_null(strstr(err, "follow-up call"));
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &INTEG, id, 0, "",
	    NULL, err, sizeof err), ENGINE_ERR);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &INTEG, id, 6, "",
	    NULL, err, sizeof err), ENGINE_ERR);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &INTEG, id, 3, big,
	    NULL, err, sizeof err), ENGINE_ERR);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &INTEG, open, 3,
	    "", NULL, err, sizeof err), ENGINE_BADSTATE);
	fx->now += 30 * S;
	ok(engine_ticket_rate(fx->e, fx->now, &INTEG, id, 2,
	    "slow \"reply\"", NULL, err, sizeof err), err);
	f = fact_of(fx, "ticket.rated", id);
	assert_int_equal(f->kind, FACT_RATED);
	assert_int_equal(f->value, 2);
	assert_string_equal(f->agent, "ann");
	assert_string_equal(fx_last(fx, "ticket.rated", id)->agent, "ann");
	assert_non_null(strstr(fx_last(fx, "ticket.rated", id)->data,
	    "\"comment\":\"slow \\\"reply\\\"\""));
	assert_int_equal(engine_ticket_get(fx->e, id)->csat, 2);
	assert_int_equal(engine_ticket_get(fx->e, id)->updated, fx->now);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &SUP, id, 5, "",
	    NULL, err, sizeof err), ENGINE_BADSTATE);
	assert_non_null(strstr(err, "already rated (score 2)"));

	/* Closed: rated from the caller's stored copy, updated in place. */
	stored = *engine_ticket_get(fx->e, id);
	stored.csat = 0;
	stored.state = TICKET_CLOSED;
	ok(engine_ticket_close(fx->e, fx->now, &ann, id, err, sizeof err), err);
	assert_null(engine_ticket_get(fx->e, id));
	fx->now += S;
	ok(engine_ticket_rate(fx->e, fx->now, &SUP, id, 5, NULL, &stored,
	    err, sizeof err), err);
	assert_int_equal(stored.csat, 5);
	assert_int_equal(stored.updated, fx->now);
	f = fact_of(fx, "ticket.rated", id);
	assert_int_equal(f->value, 5);
	assert_string_equal(f->queue, "billing");
	stored.id = id + 100;	/* not the one asked for */
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &SUP, id, 5, NULL,
	    &stored, err, sizeof err), ENGINE_NOTFOUND);
}

/*
 * QUEUE STATS after a restart: the facts of the live engine, fed in
 * order into a fresh one, give the same windows.
 */
static void
test_facts_restore_sl(void **state)
{
	struct fx		*fx = *state, *again = fx_new();
	struct queue_stats	 live, back;
	const struct tfact	*f;
	char			 err[ENGINE_ERRMAX];
	hl_ms			 t0 = fx->now;
	uint64_t		 a, b, c;
	size_t			 i;
	int			 k;

	fx_sla(fx, T_STD, "", 10 * S, 0, 80);
	fx_start(fx);
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	b = fx_create(fx, "billing", "c2", T_GOLD);
	c = fx_create(fx, "billing", "c3", NULL);
	fx->now = t0 + 2 * S;
	ok(engine_ticket_abandon(fx->e, fx->now, &INTEG, c, err, sizeof err),
	    err);
	fx->now = t0 + 4 * S;
	fx_ready(fx, "ann");
	fx_accept(fx, "ann", b);
	fx_at(fx, t0 + 40 * S);
	ok(engine_ticket_abandon(fx->e, fx->now, &INTEG, a, err, sizeof err),
	    err);
	engine_queue_stats(fx->e, "billing", fx->now, &live);

	again->cfg.short_abandon = fx->cfg.short_abandon;
	fx_sla(again, T_STD, "", 10 * S, 0, 80);
	fx_start(again);
	for (i = 0; i < fx->nev; i++) {
		f = &fx->ev[i].fact;
		if (f->set)
			engine_restore_sl(again->e, fx->ev[i].time, f->queue,
			    f->tier, f->kind, f->value, f->flag);
	}
	engine_restore_sl(again->e, t0, "gone", T_STD, FACT_ANSWERED, 1, 1);
	engine_queue_stats(again->e, "billing", fx->now, &back);
	for (k = 0; k < 4; k++) {
		assert_memory_equal(&live.sl_today[k], &back.sl_today[k],
		    sizeof live.sl_today[k]);
		assert_memory_equal(&live.sl_1h[k], &back.sl_1h[k],
		    sizeof live.sl_1h[k]);
		assert_memory_equal(&live.sl_15m[k], &back.sl_15m[k],
		    sizeof live.sl_15m[k]);
	}
	assert_int_equal(live.breaches_today, back.breaches_today);
	assert_int_equal(back.sl_today[0].abandoned, 1);
	assert_int_equal(back.sl_today[0].short_abandoned, 1);
	assert_int_equal(back.sl_today[2].answered, 1);
	assert_int_equal(back.sl_today[2].answer_ms, 4 * S);
	assert_int_equal(back.breaches_today, 1);
	fx_free(again);
}

/*
 * The agent who makes the satisfaction follow-up call records the answer
 * on the ticket it follows up: bob, who holds the follow-up, may; carol
 * may not, nor bob before he has it.
 */
static void
test_facts_rating_followup(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann"), bob = fx_actor("bob");
	struct actor		 carol = fx_actor("carol");
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id, fid;

	fx_followup(fx, "vip", T_GOLD, 0, "billing", 60 * S);
	fx_start(fx);
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "bob", "billing:3", NULL, 1);
	fx_agent(fx, "carol", "billing:3", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "billing", "c1", T_GOLD);
	fx_accept(fx, "ann", id);
	ok(engine_ticket_resolve(fx->e, fx->now, &ann, id, "fixed", err,
	    sizeof err), err);
	ok(engine_agent_break(fx->e, fx->now, &ann, "ann", "lunch", err,
	    sizeof err), err);
	fid = engine_ticket_get(fx->e, id)->followup;
	assert_true(fid != 0);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &bob, id, 5, "",
	    NULL, err, sizeof err), ENGINE_NOPERM);
	fx_at(fx, fx->now + 60 * S);		/* due: queued */
	fx_ready(fx, "bob");
	assert_int_equal(fx_offer(fx, "bob"), fid);
	fx_accept(fx, "bob", fid);
	fx_ready(fx, "carol");
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &carol, id, 1, "",
	    NULL, err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_rate(fx->e, fx->now, &ann, id, 5, "",
	    NULL, err, sizeof err), ENGINE_NOPERM);
	ok(engine_ticket_rate(fx->e, fx->now, &bob, id, 4, "good call", NULL,
	    err, sizeof err), err);
	assert_int_equal(engine_ticket_get(fx->e, id)->csat, 4);
	assert_string_equal(fx_last(fx, "ticket.rated", id)->actor, "bob");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, facts_setup, facts_teardown)
const struct CMUnitTest test_engine_facts_tests[] = {
	T(test_facts_answer_and_handle),
	T(test_facts_target_and_abandons),
	T(test_facts_transfer),
	T(test_facts_missed_and_rejected),
	T(test_facts_escalations),
	T(test_facts_status_spells),
	T(test_facts_rating),
	T(test_facts_rating_followup),
	T(test_facts_restore_sl),
};
#undef T
const size_t test_engine_facts_ntests =
    sizeof test_engine_facts_tests / sizeof test_engine_facts_tests[0];
