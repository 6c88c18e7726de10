/*
 * test_engine.c: the engine's ticket lifecycle on virtual time: ordering,
 * offers, timeouts, rejects, capacity, wrap-up, transfers, pending,
 * abandon, close, permissions, errors and events. The runner also runs
 * the routing (test_engine_route.c), randomized (test_engine_random.c),
 * SLA (test_engine_sla.c) and follow-up and insight
 * (test_engine_followup.c) groups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

/* Serve everything waiting for agent, returning the ids in order. */
static size_t
drain(struct fx *fx, const char *agent, uint64_t *out, size_t max)
{
	uint64_t	id;
	size_t		n = 0;

	while (n < max && (id = fx_offer(fx, agent)) != 0) {
		out[n++] = id;
		fx_finish(fx, agent, id);
	}
	return (n);
}

static void
test_create_events(void **state)
{
	struct fx		*fx = *state;
	const struct ticket	*t;
	const struct tev	*ev;
	uint64_t		 id;

	id = fx_create(fx, "billing", "+33100", NULL);
	assert_int_equal(id, 1);
	assert_int_equal(fx_create(fx, "billing", "+33100", T_GOLD), 2);
	assert_int_equal(engine_next_id(fx->e), 3);
	/* A new customer is created at the lowest tier, once. */
	assert_int_equal(fx_count(fx, "customer.updated", 0), 1);
	assert_string_equal(engine_customer_get(fx->e, "+33100")->tier, T_STD);
	assert_string_equal(fx->ev[0].type, "customer.updated");
	assert_string_equal(fx->ev[1].type, "ticket.created");
	assert_string_equal(fx->ev[2].type, "ticket.queued");
	assert_string_equal(fx->ev[1].actor, "operator");
	assert_string_equal(fx->ev[1].customer, "+33100");
	assert_non_null(strstr(fx->ev[1].data, "\"queue\":\"billing\""));
	assert_non_null(strstr(fx->ev[1].data, "\"channel\":\"voice\""));
	assert_non_null(strstr(fx->ev[1].data, "\"subject\":\"help\""));
	t = engine_ticket_get(fx->e, id);
	assert_int_equal(t->state, TICKET_QUEUED);
	assert_string_equal(t->tier, T_STD);
	assert_string_equal(t->creator, "operator");
	assert_int_equal(t->enqueued, fx->now);
	assert_string_equal(engine_ticket_get(fx->e, 2)->tier, T_GOLD);
	assert_int_equal(engine_ticket_priority(fx->e,
	    engine_ticket_get(fx->e, 2)), 200);

	/* With a free agent the offer comes in the same call. */
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), 2);	/* gold first */
	fx_clear(fx);
	id = fx_create(fx, "billing", "+33200", NULL);
	assert_int_equal(fx_offer(fx, "ann"), 2);
	fx_finish(fx, "ann", 2);
	assert_int_equal(fx_offer(fx, "ann"), 1);
	ev = fx_last(fx, "ticket.offered", 1);
	assert_non_null(ev);
	assert_string_equal(ev->agent, "ann");
	assert_int_equal(engine_agent_get(fx->e, "ann")->offered_total, 2);
	assert_int_equal(engine_ticket_count(fx->e), 2);
	assert_int_equal(fx_state(fx, 2), TICKET_CLOSED);	/* gone */
	assert_null(engine_ticket_get(fx->e, 2));
	(void)id;
}

static void
test_tier_then_fifo(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 a, b, c, d, e, got[8];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", T_STD);
	fx->now += 10;
	b = fx_create(fx, "billing", "c2", T_SILVER);
	fx->now += 10;
	c = fx_create(fx, "billing", "c3", T_STD);
	fx->now += 10;
	d = fx_create(fx, "billing", "c4", T_GOLD);	/* no manager: skilled */
	fx->now += 10;
	e = fx_create(fx, "billing", "c5", T_DIAMOND);	/* nobody: skilled */
	assert_int_equal(engine_ticket_get(fx->e, e)->step, 2);
	fx_ready(fx, "ann");
	assert_int_equal(drain(fx, "ann", got, 8), 5);
	assert_int_equal(got[0], e);
	assert_int_equal(got[1], d);
	assert_int_equal(got[2], b);
	assert_int_equal(got[3], a);
	assert_int_equal(got[4], c);
}

/* A priority change alone (no other heap churn) reorders at once. */
static void
test_priority_bump(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 id[6], got[6];
	char		 err[ENGINE_ERRMAX];
	int		 i;

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	for (i = 0; i < 6; i++) {
		id[i] = fx_create(fx, "billing", "c1", NULL);
		fx->now++;
	}
	assert_int_equal(engine_ticket_set_priority(fx->e, fx->now, &SUP,
	    id[4], 7, err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_set_priority(fx->e, fx->now, &SUP,
	    id[0], -7, err, sizeof err), ENGINE_OK);
	fx_ready(fx, "ann");
	assert_int_equal(drain(fx, "ann", got, 6), 6);
	assert_int_equal(got[0], id[4]);
	assert_int_equal(got[1], id[1]);
	assert_int_equal(got[4], id[5]);
	assert_int_equal(got[5], id[0]);
}

static void
test_priority_reorders(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 a, b, c, got[4];
	char		 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	fx->now++;
	b = fx_create(fx, "billing", "c2", NULL);
	fx->now++;
	c = fx_create(fx, "billing", "c3", NULL);
	assert_int_equal(engine_ticket_set_priority(fx->e, fx->now, &SUP, c, 5,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_count(fx, "ticket.priority_changed", c), 1);
	assert_non_null(strstr(fx_last(fx, "ticket.priority_changed",
	    c)->data, "\"old\":0,\"new\":5"));
	assert_int_equal(engine_ticket_set_priority(fx->e, fx->now, &SUP, a,
	    -3, err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_priority(fx->e,
	    engine_ticket_get(fx->e, a)), -3);
	/* A tier change moves a ticket up at once too. */
	assert_int_equal(engine_ticket_set_tier(fx->e, fx->now, &SUP, b,
	    T_SILVER, err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_count(fx, "ticket.tier_changed", b), 1);
	assert_non_null(strstr(fx_last(fx, "ticket.tier_changed", b)->data,
	    "\"old\":\"standard\",\"new\":\"silver\""));
	fx_ready(fx, "ann");
	assert_int_equal(drain(fx, "ann", got, 4), 3);
	assert_int_equal(got[0], b);
	assert_int_equal(got[1], c);
	assert_int_equal(got[2], a);
	assert_int_equal(engine_ticket_set_priority(fx->e, fx->now, &SUP, 999,
	    1, err, sizeof err), ENGINE_NOTFOUND);
	assert_string_equal(err, "no such ticket 999");
}

static void
test_offer_timeout_original_place(void **state)
{
	struct fx		*fx = *state;
	uint64_t		 a, b, c;
	hl_ms			 t0 = fx->now;
	const struct tev	*ev;

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "bob", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	fx->now++;
	b = fx_create(fx, "billing", "c2", NULL);
	fx->now++;
	c = fx_create(fx, "billing", "c3", NULL);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), a);
	assert_int_equal(engine_next_deadline(fx->e), fx->now + OFFER_MS);
	fx_at(fx, fx->now + OFFER_MS - 1);
	assert_int_equal(fx_offer(fx, "ann"), a);
	fx_at(fx, fx->now + 1);
	ev = fx_last(fx, "ticket.offer_timeout", a);
	assert_non_null(ev);
	assert_string_equal(ev->agent, "ann");
	assert_string_equal(ev->actor, "system");
	assert_non_null(strstr(ev->data, "\"missed\":1"));
	assert_int_equal(engine_agent_get(fx->e, "ann")->missed, 1);
	/* ann is cooled for a and gets b; a keeps its place for bob. */
	assert_int_equal(fx_offer(fx, "ann"), b);
	assert_int_equal(engine_ticket_get(fx->e, a)->enqueued, t0);
	assert_int_equal(engine_ticket_get(fx->e, a)->state, TICKET_QUEUED);
	fx_ready(fx, "bob");
	assert_int_equal(fx_offer(fx, "bob"), a);
	/* Accepting resets the missed count. */
	fx_accept(fx, "ann", b);
	assert_int_equal(engine_agent_get(fx->e, "ann")->missed, 0);
	(void)c;
}

static void
test_reject_original_place_and_cooldown(void **state)
{
	struct fx	*fx = *state;
	struct actor	 ann = fx_actor("ann");
	uint64_t	 a, b;
	char		 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), a);
	assert_int_equal(engine_ticket_reject(fx->e, fx->now, &ann, a, "busy",
	    err, sizeof err), ENGINE_OK);
	assert_non_null(strstr(fx_last(fx, "ticket.rejected", a)->data,
	    "\"reason\":\"busy\""));
	assert_string_equal(fx_last(fx, "ticket.rejected", a)->agent, "ann");
	/* Not re-offered to ann during the cooldown, even if alone. */
	assert_int_equal(fx_offer(fx, "ann"), 0);
	assert_int_equal(engine_agent_get(fx->e, "ann")->status,
	    AGENT_AVAILABLE);
	fx->now += 100;
	b = fx_create(fx, "billing", "c2", NULL);
	assert_int_equal(fx_offer(fx, "ann"), b);	/* others still come */
	assert_int_equal(engine_ticket_reject(fx->e, fx->now, &ann, b, NULL,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_offer(fx, "ann"), 0);
	fx_at(fx, fx->now - 100 + COOL_MS - 1);
	assert_int_equal(fx_offer(fx, "ann"), 0);
	fx_at(fx, fx->now + 1);
	/* a's cooldown is over: it comes back first (original place). */
	assert_int_equal(fx_offer(fx, "ann"), a);
	assert_int_equal(engine_ticket_reject(fx->e, fx->now, &ann, 77, NULL,
	    err, sizeof err), ENGINE_NOTFOUND);
	assert_int_equal(engine_ticket_reject(fx->e, fx->now, &ann, b, NULL,
	    err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_reject(fx->e, fx->now, &SUP, b, NULL,
	    err, sizeof err), ENGINE_BADSTATE);
	assert_string_equal(err, "ticket 2 is queued, not offered");
}

static void
test_missed_break(void **state)
{
	struct fx		*fx = *state;
	const struct agent	*ann;
	uint64_t		 a, b;

	/* sales: max_missed 2 */
	fx_agent(fx, "ann", "sales:3", NULL, 1);
	a = fx_create(fx, "sales", "c1", NULL);
	b = fx_create(fx, "sales", "c2", NULL);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), a);
	fx_at(fx, fx->now + OFFER_MS);
	assert_int_equal(fx_offer(fx, "ann"), b);
	fx_clear(fx);
	fx_at(fx, fx->now + OFFER_MS);
	ann = engine_agent_get(fx->e, "ann");
	assert_int_equal(ann->missed, 2);
	assert_int_equal(ann->status, AGENT_BREAK);
	assert_string_equal(ann->reason, "missed");
	assert_int_equal(ann->offer, 0);
	assert_int_equal(fx_count(fx, "agent.status", 0), 1);
	assert_non_null(strstr(fx_last(fx, "agent.status", 0)->data,
	    "\"status\":\"break\",\"reason\":\"missed\""));
	fx_ready(fx, "ann");
	assert_int_equal(ann->missed, 0);
	assert_int_not_equal(fx_offer(fx, "ann"), 0);
}

/* A break gives the outstanding offer back at its place: no miss. */
static void
test_break_withdraws(void **state)
{
	struct fx		*fx = *state;
	const struct tev	*ev;
	uint64_t		 a;
	hl_ms			 t0 = fx->now;
	char			 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "bob", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), a);
	fx->now += 500;
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "ann",
	    "coffee", err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_offer(fx, "ann"), 0);
	assert_int_equal(fx_state(fx, a), TICKET_QUEUED);
	assert_int_equal(engine_ticket_get(fx->e, a)->enqueued, t0);
	assert_int_equal(engine_agent_get(fx->e, "ann")->missed, 0);
	ev = fx_last(fx, "ticket.queued", a);
	assert_non_null(strstr(ev->data, "\"reason\":\"agent on break\""));
	/* Named for ann, so her agent.ann channel hears the offer is gone. */
	assert_string_equal(ev->agent, "ann");
	assert_non_null(strstr(ev->data, "\"withdrawn_from\":\"ann\""));
	assert_string_equal(engine_agent_get(fx->e, "ann")->reason, "coffee");
	fx_ready(fx, "bob");
	assert_int_equal(fx_offer(fx, "bob"), a);
}

static void
test_capacity_two(void **state)
{
	struct fx		*fx = *state;
	const struct agent	*ann;
	uint64_t		 a, b, c;

	fx_agent(fx, "ann", "billing:3", NULL, 2);
	ann = engine_agent_get(fx->e, "ann");
	a = fx_create(fx, "billing", "c1", NULL);
	b = fx_create(fx, "billing", "c2", NULL);
	c = fx_create(fx, "billing", "c3", NULL);
	fx_ready(fx, "ann");
	assert_int_equal(ann->offer, a);
	assert_int_equal(ann->status, AGENT_BUSY);	/* one offer at a time */
	fx_accept(fx, "ann", a);
	assert_int_equal(ann->offer, b);
	fx_accept(fx, "ann", b);
	assert_int_equal(ann->active, 2);
	assert_int_equal(ann->offer, 0);
	assert_int_equal(ann->status, AGENT_BUSY);
	assert_int_equal(fx_state(fx, c), TICKET_QUEUED);
	fx_finish(fx, "ann", a);
	assert_int_equal(ann->offer, c);
	assert_int_equal(ann->handled, 1);
}

static void
test_wrapup(void **state)
{
	struct fx		*fx = *state;
	const struct agent	*ann;
	struct actor		 me = fx_actor("ann");
	uint64_t		 a, b, c;
	char			 err[ENGINE_ERRMAX];

	/* tech: wrap-up 5 s */
	fx_agent(fx, "ann", "tech:3", NULL, 1);
	ann = engine_agent_get(fx->e, "ann");
	a = fx_create(fx, "tech", "c1", NULL);
	b = fx_create(fx, "tech", "c2", NULL);
	c = fx_create(fx, "tech", "c3", NULL);
	fx_ready(fx, "ann");
	fx_accept(fx, "ann", a);
	fx_clear(fx);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &me, a,
	    "fixed", err, sizeof err), ENGINE_OK);
	assert_string_equal(engine_ticket_get(fx->e, a)->disposition, "fixed");
	assert_int_equal(ann->status, AGENT_WRAPUP);
	assert_int_equal(ann->offer, 0);
	assert_non_null(strstr(fx_last(fx, "agent.status", 0)->data,
	    "wrapup"));
	assert_int_equal(engine_next_deadline(fx->e), fx->now + 5000);
	fx_at(fx, fx->now + 4999);
	assert_int_equal(ann->status, AGENT_WRAPUP);
	fx_at(fx, fx->now + 1);
	assert_int_equal(ann->offer, b);
	assert_string_equal(fx_last(fx, "agent.status", 0)->actor, "system");
	fx_finish(fx, "ann", b);
	assert_int_equal(ann->status, AGENT_WRAPUP);
	/* READY ends wrap-up early. */
	fx->now += 1000;
	fx_ready(fx, "ann");
	assert_int_equal(ann->offer, c);
	assert_int_equal(engine_next_deadline(fx->e), fx->now + OFFER_MS);
}

static void
test_transfer_queue(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct ticket	*t;
	uint64_t		 a, b;
	size_t			 i;
	char			 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "ted", "tech:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	fx->now += 1000;
	b = fx_create(fx, "billing", "c2", NULL);
	fx_ready(fx, "ann");
	fx_accept(fx, "ann", a);
	fx->now += 1000;
	fx_clear(fx);
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &ann, a,
	    "tech", err, sizeof err), ENGINE_OK);
	t = engine_ticket_get(fx->e, a);
	assert_string_equal(t->queue, "tech");
	assert_int_equal(t->enqueued, fx->now);
	assert_int_equal(t->state, TICKET_QUEUED);
	assert_string_equal(t->agent, "");
	assert_string_equal(fx->ev[0].type, "ticket.transferred");
	assert_string_equal(fx->ev[0].agent, "ann");
	assert_non_null(strstr(fx->ev[0].data,
	    "\"from_queue\":\"billing\",\"queue\":\"tech\""));
	assert_string_equal(fx->ev[1].type, "ticket.queued");
	/* ann is freed and takes b; ted takes a when ready. */
	assert_int_equal(fx_offer(fx, "ann"), b);
	assert_int_equal(engine_agent_get(fx->e, "ann")->active, 0);
	fx_ready(fx, "ted");
	assert_int_equal(fx_offer(fx, "ted"), a);
	for (i = 0; i < fx->nev; i++)
		assert_string_not_equal(fx->ev[i].type, "ticket.offer_timeout");
	/* Transferred away: not offered straight back to the same agent. */
	fx_agent(fx, "tia", "billing:1,tech:1", NULL, 1);
	fx_ready(fx, "tia");
	b = fx_create(fx, "billing", "c9", NULL);
	assert_int_equal(fx_offer(fx, "tia"), b);
	fx_accept(fx, "tia", b);
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &SUP, b,
	    "tech", err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_offer(fx, "tia"), 0);
	fx_at(fx, fx->now + COOL_MS);
	assert_int_equal(fx_offer(fx, "tia"), b);
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &ann, a,
	    "nowhere", err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &SUP, a,
	    "nowhere", err, sizeof err), ENGINE_ERR);
	assert_string_equal(err, "unknown queue nowhere");
}

/* The agent a transfer frees takes the best waiting work first. */
static void
test_transfer_best_first(void **state)
{
	struct fx	*fx = fx_new();
	struct actor	 ann = fx_actor("ann");
	uint64_t	 a, x;
	char		 err[ENGINE_ERRMAX];

	fx->cfg.reject_cooldown = 0;
	fx_start(fx);
	*state = fx;
	fx_agent(fx, "ann", "billing:1,tech:1", NULL, 1);
	fx_agent(fx, "bob", "tech:1", NULL, 1);
	fx_ready(fx, "ann");
	a = fx_create(fx, "billing", "c1", NULL);
	fx_accept(fx, "ann", a);
	x = fx_create(fx, "tech", "c2", NULL);		/* nobody free */
	fx->now += 10;
	/* a goes behind x in tech; freed ann takes x, the older. */
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &ann, a,
	    "tech", err, sizeof err), ENGINE_OK);
	fx_ready(fx, "bob");
	assert_int_equal(fx_offer(fx, "ann"), x);
	assert_int_equal(fx_offer(fx, "bob"), a);
}

static void
test_transfer_agent(void **state)
{
	struct fx	*fx = *state;
	struct actor	 ann = fx_actor("ann"), bob = fx_actor("bob");
	uint64_t	 a, b;
	char		 err[ENGINE_ERRMAX], buf[96];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "bob", "billing:3", NULL, 1);
	fx_agent(fx, "cat", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	fx_ready(fx, "ann");
	fx_accept(fx, "ann", a);
	assert_int_equal(engine_ticket_transfer_agent(fx->e, fx->now, &ann, a,
	    "zed", err, sizeof err), ENGINE_NOTFOUND);
	assert_int_equal(engine_ticket_transfer_agent(fx->e, fx->now, &ann, a,
	    "bob", err, sizeof err), ENGINE_BADSTATE);	/* bob is offline */
	fx_ready(fx, "bob");
	b = fx_create(fx, "billing", "c2", NULL);
	assert_int_equal(fx_offer(fx, "bob"), b);
	fx_accept(fx, "bob", b);
	assert_int_equal(engine_ticket_transfer_agent(fx->e, fx->now, &ann, a,
	    "bob", err, sizeof err), ENGINE_OK);
	assert_string_equal(engine_ticket_get(fx->e, a)->target, "bob");
	assert_string_equal(engine_ticket_step(fx->e, engine_ticket_get(fx->e,
	    a), buf, sizeof buf), "agent:bob");
	/* ann is free but only bob may take it. */
	assert_int_equal(fx_offer(fx, "ann"), 0);
	fx_ready(fx, "cat");
	assert_int_equal(fx_offer(fx, "cat"), 0);
	fx_finish(fx, "bob", b);
	assert_int_equal(fx_offer(fx, "bob"), a);
	/* bob rejects: the target clears and it routes normally. */
	assert_int_equal(engine_ticket_reject(fx->e, fx->now, &bob, a, NULL,
	    err, sizeof err), ENGINE_OK);
	assert_string_equal(engine_ticket_get(fx->e, a)->target, "");
	assert_int_equal(engine_ticket_get(fx->e, a)->state, TICKET_OFFERED);
	assert_string_not_equal(engine_ticket_get(fx->e, a)->agent, "bob");
	/* A target who logs out releases what waits for him. */
	fx_finish(fx, engine_ticket_get(fx->e, a)->agent, a);
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "ann", NULL,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "cat", NULL,
	    err, sizeof err), ENGINE_OK);
	b = fx_create(fx, "billing", "c3", NULL);
	assert_int_equal(fx_offer(fx, "bob"), b);
	fx_accept(fx, "bob", b);
	a = fx_create(fx, "billing", "c4", NULL);
	assert_int_equal(engine_ticket_transfer_agent(fx->e, fx->now, &SUP, a,
	    "bob", err, sizeof err), ENGINE_OK);
	fx_ready(fx, "cat");
	assert_int_equal(fx_offer(fx, "cat"), 0);
	assert_int_equal(engine_agent_logout(fx->e, fx->now, &bob, "bob",
	    err, sizeof err), ENGINE_OK);
	assert_string_equal(engine_ticket_get(fx->e, a)->target, "");
	assert_int_equal(fx_offer(fx, "cat"), a);
}

static void
test_pending_until(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct agent	*ag;
	uint64_t		 a, b;
	char			 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	ag = engine_agent_get(fx->e, "ann");
	a = fx_create(fx, "billing", "c1", NULL);
	b = fx_create(fx, "billing", "c2", NULL);
	fx_ready(fx, "ann");
	fx_accept(fx, "ann", a);
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, a,
	    fx->now - 1, err, sizeof err), ENGINE_ERR);
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, b, 0, err,
	    sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, a,
	    fx->now + 60000, err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_state(fx, a), TICKET_PENDING);
	assert_string_equal(engine_ticket_get(fx->e, a)->agent, "ann");
	assert_int_equal(ag->active, 0);
	assert_int_equal(ag->offer, b);		/* capacity freed */
	fx_accept(fx, "ann", b);
	fx_at(fx, fx->now + 60000);
	assert_int_equal(fx_state(fx, a), TICKET_ACTIVE);
	assert_int_equal(fx_count(fx, "ticket.resumed", a), 1);
	assert_string_equal(fx_last(fx, "ticket.resumed", a)->actor, "system");
	assert_int_equal(ag->active, 2);	/* above capacity: resumed */
	assert_int_equal(engine_ticket_get(fx->e, a)->pending_until, 0);
	/* Manual RESUME, and RESOLVE straight from pending. */
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, a, 0,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_next_deadline(fx->e), -1);
	assert_int_equal(engine_ticket_resume(fx->e, fx->now, &ann, b, err,
	    sizeof err), ENGINE_BADSTATE);
	assert_string_equal(err, "ticket 2 is active, not pending");
	assert_int_equal(engine_ticket_resume(fx->e, fx->now, &ann, a, err,
	    sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, a, 0,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &ann, a, NULL,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(ag->active, 1);
	assert_int_equal(ag->handled, 1);
}

static void
test_abandon(void **state)
{
	struct fx	*fx = *state;
	struct actor	 ann = fx_actor("ann");
	uint64_t	 a, b, c;
	char		 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	b = fx_create(fx, "billing", "c2", NULL);
	c = fx_create(fx, "billing", "c3", NULL);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, b, err,
	    sizeof err), ENGINE_OK);
	assert_null(engine_ticket_get(fx->e, b));
	assert_int_equal(fx_count(fx, "ticket.abandoned", b), 1);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), a);
	/* Abandoning an offered ticket withdraws the offer. */
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, a, err,
	    sizeof err), ENGINE_OK);
	assert_string_equal(fx_last(fx, "ticket.abandoned", a)->agent, "ann");
	assert_int_equal(fx_offer(fx, "ann"), c);
	fx_accept(fx, "ann", c);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &ann, c, err,
	    sizeof err), ENGINE_BADSTATE);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, b, err,
	    sizeof err), ENGINE_NOTFOUND);
	assert_int_equal(engine_ticket_count(fx->e), 1);
}

static void
test_close_removes(void **state)
{
	struct fx	*fx = *state;
	struct actor	 ann = fx_actor("ann");
	uint64_t	 a;
	char		 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_ready(fx, "ann");
	a = fx_create(fx, "billing", "c1", NULL);
	fx_accept(fx, "ann", a);
	assert_int_equal(engine_ticket_close(fx->e, fx->now, &ann, a, err,
	    sizeof err), ENGINE_BADSTATE);
	assert_string_equal(err, "ticket 1 is active, not resolved");
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &ann, a, "ok",
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_count(fx->e), 1);
	assert_int_equal(engine_ticket_note(fx->e, fx->now, &ann, a,
	    "after resolve", err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_close(fx->e, fx->now, &ann, a, err,
	    sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_count(fx->e), 0);
	assert_null(engine_ticket_get(fx->e, a));
	assert_int_equal(engine_ticket_close(fx->e, fx->now, &ann, a, err,
	    sizeof err), ENGINE_NOTFOUND);
	assert_int_equal(engine_ticket_note(fx->e, fx->now, &ann, a, "x", err,
	    sizeof err), ENGINE_NOTFOUND);
	/* Ids are never reused. */
	assert_int_equal(fx_create(fx, "billing", "c1", NULL), 2);
}

static void
test_permissions(void **state)
{
	struct fx	*fx = *state;
	struct actor	 ann = fx_actor("ann"), bob = fx_actor("bob");
	struct actor	 op = fx_actor("operator");
	uint64_t	 a, b;
	char		 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "bob", "billing:3", NULL, 1);
	a = fx_create(fx, "billing", "c1", NULL);
	b = fx_create(fx, "billing", "c2", NULL);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), a);
	assert_int_equal(engine_ticket_accept(fx->e, fx->now, &bob, a, err,
	    sizeof err), ENGINE_NOPERM);
	assert_string_equal(err, "ticket 1 is not offered to or held by bob");
	assert_int_equal(engine_ticket_accept(fx->e, fx->now, &INTEG, a, err,
	    sizeof err), ENGINE_NOPERM);
	/* A supervisor accepts on ann's behalf. */
	assert_int_equal(engine_ticket_accept(fx->e, fx->now, &SUP, a, err,
	    sizeof err), ENGINE_OK);
	assert_string_equal(engine_ticket_get(fx->e, a)->agent, "ann");
	assert_int_equal(engine_agent_get(fx->e, "ann")->active, 1);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &bob, a, NULL,
	    err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &INTEG, a, NULL,
	    err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_note(fx->e, fx->now, &bob, a, "hi", err,
	    sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_note(fx->e, fx->now, &ann, a, "hi", err,
	    sizeof err), ENGINE_OK);
	/* The creator may note, and abandon while it waits. */
	assert_int_equal(engine_ticket_note(fx->e, fx->now, &op, a, "x", err,
	    sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_set_tier(fx->e, fx->now, &ann, a, T_GOLD,
	    err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_set_priority(fx->e, fx->now, &INTEG, a,
	    1, err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &bob, b, err,
	    sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &op, b, err,
	    sizeof err), ENGINE_OK);
	/* Agent status: one's own, or a supervisor's doing. */
	assert_int_equal(engine_agent_break(fx->e, fx->now, &bob, "ann",
	    "lunch", err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "ann",
	    "lunch", err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_agent_get(fx->e, "ann")->status, AGENT_BREAK);
	assert_int_equal(engine_agent_ready(fx->e, fx->now, &bob, "bob", err,
	    sizeof err), ENGINE_OK);
	assert_int_equal(engine_agent_ready(fx->e, fx->now, &bob, "zed", err,
	    sizeof err), ENGINE_NOTFOUND);
	assert_int_equal(engine_agent_add(fx->e, fx->now, &SUP, "zed", NULL,
	    err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_agent_delete(fx->e, fx->now, &bob, "ann", err,
	    sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_customer_set(fx->e, fx->now, &ann, "c1", NULL,
	    err, sizeof err), ENGINE_NOPERM);
}

static void
test_bad_arguments(void **state)
{
	struct fx		*fx = *state;
	struct ticket_create	 tc;
	struct customer_update	 cu;
	uint64_t		 id;
	char			 err[ENGINE_ERRMAX], longname[100];

	memset(&tc, 0, sizeof tc);
	tc.queue = "nope";
	tc.customer = "c1";
	assert_int_equal(engine_ticket_create(fx->e, fx->now, &INTEG, &tc, &id,
	    err, sizeof err), ENGINE_ERR);
	assert_string_equal(err, "unknown queue nope");
	tc.queue = "billing";
	tc.tier = "platinum";
	assert_int_equal(engine_ticket_create(fx->e, fx->now, &INTEG, &tc, &id,
	    err, sizeof err), ENGINE_ERR);
	tc.tier = NULL;
	tc.channel = "fax";
	assert_int_equal(engine_ticket_create(fx->e, fx->now, &INTEG, &tc, &id,
	    err, sizeof err), ENGINE_ERR);
	tc.channel = "EMAIL";
	tc.priority = 1001;
	assert_int_equal(engine_ticket_create(fx->e, fx->now, &INTEG, &tc, &id,
	    err, sizeof err), ENGINE_ERR);
	tc.priority = -1000;
	tc.customer = "";
	assert_int_equal(engine_ticket_create(fx->e, fx->now, &INTEG, &tc, &id,
	    err, sizeof err), ENGINE_ERR);
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	tc.customer = longname;
	assert_int_equal(engine_ticket_create(fx->e, fx->now, &INTEG, &tc, &id,
	    err, sizeof err), ENGINE_ERR);
	tc.customer = "c1";
	assert_int_equal(engine_ticket_create(fx->e, fx->now, &INTEG, &tc, &id,
	    err, sizeof err), ENGINE_OK);
	assert_string_equal(engine_ticket_get(fx->e, id)->channel, "email");
	assert_int_equal(engine_ticket_count(fx->e), 1);
	memset(&cu, 0, sizeof cu);
	cu.segment = "alien";
	assert_int_equal(engine_customer_set(fx->e, fx->now, &INTEG, "c1", &cu,
	    err, sizeof err), ENGINE_ERR);
	cu.segment = "family";
	cu.tier = T_GOLD;
	assert_int_equal(engine_customer_set(fx->e, fx->now, &INTEG, "c1", &cu,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_customer_get(fx->e, "c1")->segment,
	    SEGMENT_FAMILY);
	/* A customer's tier applies to new tickets, not to open ones. */
	assert_string_equal(engine_ticket_get(fx->e, id)->tier, T_STD);
	assert_string_equal(engine_ticket_get(fx->e,
	    fx_create(fx, "billing", "c1", NULL))->tier, T_GOLD);
}

static void
test_json_escaping(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 a;
	char		 err[ENGINE_ERRMAX];

	a = fx_create(fx, "billing", "c1", NULL);
	assert_int_equal(engine_ticket_note(fx->e, fx->now, &SUP, a,
	    "say \"hi\"\\\n\t\x01\xff caf\xc3\xa9", err, sizeof err),
	    ENGINE_OK);
	assert_string_equal(fx_last(fx, "ticket.note", a)->data,
	    "{\"text\":\"say \\\"hi\\\"\\\\\\n\\t\\u0001\\ufffd caf\xc3\xa9\"}");
	assert_int_equal(engine_ticket_note(fx->e, fx->now, &SUP, a, "", err,
	    sizeof err), ENGINE_ERR);
}

static void
test_names(void **state)
{
	enum ticket_state	ts;
	enum strategy		s;
	enum segment		g;

	(void)state;
	assert_string_equal(ticket_state_name(TICKET_ABANDONED), "abandoned");
	assert_int_equal(ticket_state_parse("Pending", &ts), 0);
	assert_int_equal(ts, TICKET_PENDING);
	assert_int_equal(ticket_state_parse("gone", &ts), -1);
	assert_string_equal(agent_status_name(AGENT_WRAPUP), "wrapup");
	assert_int_equal(strategy_parse("top-skill", &s), 0);
	assert_int_equal(s, STRATEGY_TOP_SKILL);
	assert_string_equal(strategy_name(STRATEGY_ROUND_ROBIN), "round-robin");
	assert_int_equal(segment_parse("ENTERPRISE", &g), 0);
	assert_int_equal(g, SEGMENT_ENTERPRISE);
	assert_string_equal(role_name(ROLE_INTEGRATION), "integration");
	assert_int_equal(role_parse("supervisor"), ROLE_SUPERVISOR);
	assert_int_equal(role_parse("king"), 0);
	assert_true(engine_valid_channel("callback"));
	assert_false(engine_valid_channel("fax"));
}

static void
test_agent_delete_and_logout(void **state)
{
	struct fx	*fx = *state;
	struct actor	 ann = fx_actor("ann");
	uint64_t	 a, b, c;
	char		 err[ENGINE_ERRMAX];
	hl_ms		 t0 = fx->now;

	fx_agent(fx, "ann", "billing:3", NULL, 2);
	a = fx_create(fx, "billing", "c1", NULL);
	b = fx_create(fx, "billing", "c2", NULL);
	c = fx_create(fx, "billing", "c3", NULL);
	fx_ready(fx, "ann");
	fx_accept(fx, "ann", a);
	fx_accept(fx, "ann", b);
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, b, 0,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_offer(fx, "ann"), c);
	/* Logout returns the offer; held tickets stay. */
	fx->now += 100;
	assert_int_equal(engine_agent_logout(fx->e, fx->now, &ann, "ann", err,
	    sizeof err), ENGINE_OK);
	assert_int_equal(fx_state(fx, c), TICKET_QUEUED);
	assert_int_equal(engine_ticket_get(fx->e, c)->enqueued, t0);
	assert_string_equal(engine_ticket_get(fx->e, a)->agent, "ann");
	assert_int_equal(engine_agent_get(fx->e, "ann")->status, AGENT_OFFLINE);
	assert_int_equal(engine_agent_get(fx->e, "ann")->active, 1);
	/* Delete requeues active and pending tickets. */
	fx_agent(fx, "bob", "billing:3", NULL, 5);
	fx_ready(fx, "bob");
	assert_int_equal(fx_offer(fx, "bob"), c);
	fx_accept(fx, "bob", c);
	assert_int_equal(engine_agent_delete(fx->e, fx->now, &ADMIN, "ann",
	    err, sizeof err), ENGINE_OK);
	assert_null(engine_agent_get(fx->e, "ann"));
	assert_int_equal(fx_count(fx, "agent.deleted", 0), 1);
	assert_int_equal(fx_state(fx, a), TICKET_OFFERED);
	assert_string_equal(engine_ticket_get(fx->e, a)->agent, "bob");
	fx_accept(fx, "bob", a);
	assert_int_equal(fx_offer(fx, "bob"), b);
	assert_int_equal(engine_agent_delete(fx->e, fx->now, &ADMIN, "ann",
	    err, sizeof err), ENGINE_NOTFOUND);
}

static void
test_reconfigure(void **state)
{
	struct fx		*fx = *state;
	struct queue_stats	 st;
	struct engine_config	 cfg = fx->cfg;
	struct tier_def		 tiers[2];
	uint64_t		 a, b, g, d;
	char			 err[ENGINE_ERRMAX];

	fx_agent(fx, "ann", "billing:3,sales:2", NULL, 1);
	fx_agent(fx, "mgr", NULL, NULL, 1);
	fx_agent(fx, "ted", "tech:1", NULL, 1);
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "mgr", NULL,
	    err, sizeof err), ENGINE_OK);
	fx_manager(fx, "vipc", "mgr");
	d = fx_create(fx, "tech", "vipc", T_DIAMOND);
	fx_ready(fx, "ted");
	assert_int_equal(fx_offer(fx, "ted"), 0);	/* manager's step */
	a = fx_create(fx, "sales", "c1", NULL);
	g = fx_create(fx, "billing", "c2", T_GOLD);
	fx->now += 10;
	b = fx_create(fx, "billing", "c3", NULL);
	/* Drop sales (it has a ticket) and the gold tier. */
	cfg.nqueues = 2;
	tiers[0] = fx->tiers[0];
	tiers[1] = fx->tiers[1];
	tiers[0].base_priority = 50;
	cfg.tiers = tiers;
	cfg.ntiers = 2;
	assert_int_equal(engine_check_config(&cfg, err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_reconfigure(fx->e, &cfg, err, sizeof err),
	    ENGINE_OK);
	/* diamond is gone: d works as standard, whose ladder is skilled. */
	assert_int_equal(fx_offer(fx, "ted"), d);
	assert_false(engine_has_queue(fx->e, "sales"));
	assert_false(engine_has_tier(fx->e, T_GOLD));
	assert_int_equal(engine_queue_stats(fx->e, "sales", fx->now, &st),
	    0);
	assert_int_equal(st.waiting, 1);
	/* The gold ticket works as the lowest tier: FIFO with b. */
	assert_int_equal(engine_ticket_priority(fx->e,
	    engine_ticket_get(fx->e, g)), 50);
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), a);
	fx_finish(fx, "ann", a);
	assert_int_equal(engine_queue_stats(fx->e, "sales", fx->now, &st),
	    -1);
	assert_int_equal(fx_offer(fx, "ann"), g);
	fx_finish(fx, "ann", g);
	assert_int_equal(fx_offer(fx, "ann"), b);
	cfg.ntiers = 0;
	assert_int_equal(engine_reconfigure(fx->e, &cfg, err, sizeof err),
	    ENGINE_ERR);
	assert_null(engine_new(&cfg, fx_emit, fx));
}

static void
ok(int rc, const char *err)
{
	if (rc != ENGINE_OK)
		fail_msg("engine: %d %s", rc, err);
}

/* One table: every type's name parses back, and its flags are its rows. */
static void
test_event_types(void **state)
{
	static const struct {
		enum event_type	 kind;
		unsigned	 flags;
	} want[] = {
		{ EV_TICKET_CREATED, EVF_TICKET_NEW | EVF_TICKET_ROW },
		{ EV_TICKET_OFFERED, EVF_TICKET_ROW },
		{ EV_TICKET_NOTE, EVF_TICKET_ROW },
		{ EV_TICKET_RATED, EVF_TICKET_ROW },
		{ EV_TICKET_CLOSED, EVF_TICKET_ROW | EVF_TICKET_FINAL },
		{ EV_TICKET_ABANDONED, EVF_TICKET_ROW | EVF_TICKET_FINAL },
		{ EV_TICKET_ESCALATED, EVF_TICKET_ROW | EVF_SLA },
		{ EV_SLA_WARNING, EVF_TICKET_ROW | EVF_SLA },
		{ EV_SLA_BREACH, EVF_TICKET_ROW | EVF_SLA },
		{ EV_TICKET_SLA_CHANGED, EVF_TICKET_ROW },
		{ EV_CUSTOMER_UPDATED, EVF_CUSTOMER_ROW },
		{ EV_AGENT_ADDED, EVF_USER_ROW },
		{ EV_AGENT_UPDATED, EVF_USER_ROW },
		{ EV_AGENT_DELETED, EVF_USER_ROW },
		{ EV_AGENT_STATUS, 0 },
		{ EV_USER_ADDED, 0 },
		{ EV_AUDIT_LOGIN, 0 },
		{ EV_CONFIG_RELOADED, 0 }
	};
	struct engine_event	ev;
	size_t			i;
	int			k;

	(void)state;
	for (k = 0; k < EV_NTYPES; k++) {
		assert_int_equal(event_type_parse(event_type_name(k)), k);
		assert_string_not_equal(event_type_name(k), "unknown");
		/* Every ticket or SLA event changes the ticket's row. */
		if (strncmp(event_type_name(k), "ticket.", 7) == 0 ||
		    strncmp(event_type_name(k), "sla.", 4) == 0)
			assert_true(event_type_flags(k) & EVF_TICKET_ROW);
		else
			assert_false(event_type_flags(k) & EVF_TICKET_ROW);
	}
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_int_equal(event_type_flags(want[i].kind), want[i].flags);
	assert_string_equal(event_type_name(EV_TICKET_CLOSED),
	    "ticket.closed");
	assert_int_equal(event_type_parse("ticket.nope"), EV_UNKNOWN);
	assert_int_equal(event_type_parse(NULL), EV_UNKNOWN);
	assert_int_equal(event_type_parse("Ticket.Closed"), EV_UNKNOWN);
	assert_string_equal(event_type_name(EV_UNKNOWN), "unknown");
	engine_event_init(&ev, EV_AUDIT_COMMAND, 7, "root");
	assert_int_equal(ev.kind, EV_AUDIT_COMMAND);
	assert_string_equal(ev.type, "audit.command");
	assert_int_equal(ev.time, 7);
	assert_string_equal(ev.actor, "root");
	assert_string_equal(ev.data, "{}");
	assert_int_equal(ev.flags, 0);
	assert_null(ev.queue);
	assert_null(ev.row);
	assert_null(ev.fact);
}

/*
 * A ticket's whole life: the queue on every event (the one it is in
 * after the event: a transfer names the new one), the flags of each
 * type, the fact passed with its event, and the final row handed over
 * with the close and with the rating of the closed ticket.
 */
static void
test_event_fields(void **state)
{
	struct fx		*fx = *state;
	struct actor		 bob = fx_actor("bob");
	struct ticket		 stored;
	const struct tev	*ev;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id, gone;
	size_t			 i, n = 0;

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	ev = fx_last(fx, "agent.added", 0);
	assert_int_equal(ev->flags, EVF_USER_ROW);
	assert_string_equal(ev->queue, "");
	assert_false(ev->row);
	fx_ready(fx, "ann");
	assert_int_equal(fx_last(fx, "agent.status", 0)->flags, 0);
	id = fx_create(fx, "billing", "c1", NULL);
	assert_int_equal(fx_last(fx, "customer.updated", 0)->flags,
	    EVF_CUSTOMER_ROW);
	ev = fx_last(fx, "ticket.created", id);
	assert_int_equal(ev->kind, EV_TICKET_CREATED);
	assert_int_equal(ev->flags, EVF_TICKET_NEW | EVF_TICKET_ROW);
	assert_int_equal(fx_offer(fx, "ann"), id);
	fx_accept(fx, "ann", id);
	ev = fx_last(fx, "ticket.accepted", id);
	assert_true(ev->fact.set);
	assert_int_equal(ev->fact.kind, FACT_ANSWERED);
	ok(engine_ticket_transfer_queue(fx->e, fx->now, &SUP, id, "tech",
	    err, sizeof err), err);
	ev = fx_last(fx, "ticket.transferred", id);
	assert_string_equal(ev->queue, "tech");
	assert_string_equal(ev->fact.queue, "billing");	/* the one left */
	fx_agent(fx, "bob", "tech:3", NULL, 1);
	fx_ready(fx, "bob");
	assert_int_equal(fx_offer(fx, "bob"), id);
	fx_accept(fx, "bob", id);
	ok(engine_ticket_resolve(fx->e, fx->now, &bob, id, "done", err,
	    sizeof err), err);
	stored = *engine_ticket_get(fx->e, id);
	stored.state = TICKET_CLOSED;
	ok(engine_ticket_close(fx->e, fx->now, &bob, id, err, sizeof err), err);
	ev = fx_last(fx, "ticket.closed", id);
	assert_int_equal(ev->flags, EVF_TICKET_ROW | EVF_TICKET_FINAL);
	assert_true(ev->row);
	assert_int_equal(ev->row_state, TICKET_CLOSED);
	assert_string_equal(ev->queue, "tech");
	assert_null(engine_ticket_get(fx->e, id));
	fx->now += 1000;
	ok(engine_ticket_rate(fx->e, fx->now, &SUP, id, 5, NULL, &stored,
	    err, sizeof err), err);
	ev = fx_last(fx, "ticket.rated", id);
	assert_int_equal(ev->flags, EVF_TICKET_ROW | EVF_TICKET_FINAL);
	assert_true(ev->row);
	assert_int_equal(ev->row_csat, 5);
	assert_string_equal(ev->queue, "tech");
	assert_true(ev->fact.set);
	assert_int_equal(ev->fact.kind, FACT_RATED);

	for (i = 0; i < fx->nev; i++) {
		if (fx->ev[i].ticket != id)
			continue;
		n++;
		assert_true(fx->ev[i].row);
		assert_true(fx->ev[i].flags & EVF_TICKET_ROW);
		assert_true(strcmp(fx->ev[i].queue, "billing") == 0 ||
		    strcmp(fx->ev[i].queue, "tech") == 0);
	}
	assert_true(n >= 10);

	/* Abandoned: final too, with its fact; no customer row this time. */
	gone = fx_create(fx, "billing", "c1", NULL);
	assert_int_equal(fx_count(fx, "customer.updated", 0), 1);
	ok(engine_ticket_abandon(fx->e, fx->now, &INTEG, gone, err, sizeof err),
	    err);
	ev = fx_last(fx, "ticket.abandoned", gone);
	assert_int_equal(ev->flags, EVF_TICKET_ROW | EVF_TICKET_FINAL);
	assert_int_equal(ev->row_state, TICKET_ABANDONED);
	assert_string_equal(ev->queue, "billing");
	assert_true(ev->fact.set);
	assert_int_equal(ev->fact.kind, FACT_ABANDONED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_types),
		cmocka_unit_test_setup_teardown(test_event_fields, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_events, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_tier_then_fifo, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_priority_reorders,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_priority_bump, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_break_withdraws, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_offer_timeout_original_place, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reject_original_place_and_cooldown, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_missed_break, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_capacity_two, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_wrapup, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_queue, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_agent, fx_setup,
		    fx_teardown),
		cmocka_unit_test_teardown(test_transfer_best_first,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_pending_until, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_abandon, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_close_removes, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_permissions, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_json_escaping, fx_setup,
		    fx_teardown),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_agent_delete_and_logout,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reconfigure, fx_setup,
		    fx_teardown),
	};
	struct CMUnitTest	*all;
	size_t			 n = sizeof tests / sizeof tests[0], k = 0;
	int			 fails;

	/* One group, so TAP output has a single plan. */
	all = calloc(n + test_engine_route_ntests + test_engine_random_ntests +
	    test_engine_sla_ntests + test_engine_followup_ntests +
	    test_engine_facts_ntests + test_engine_presence_ntests +
	    test_engine_inv_ntests, sizeof *all);
	if (all == NULL)
		return (1);
	memcpy(all, tests, sizeof tests);
	k = n;
	memcpy(all + k, test_engine_route_tests,
	    test_engine_route_ntests * sizeof *all);
	k += test_engine_route_ntests;
	memcpy(all + k, test_engine_random_tests,
	    test_engine_random_ntests * sizeof *all);
	k += test_engine_random_ntests;
	memcpy(all + k, test_engine_sla_tests,
	    test_engine_sla_ntests * sizeof *all);
	k += test_engine_sla_ntests;
	memcpy(all + k, test_engine_followup_tests,
	    test_engine_followup_ntests * sizeof *all);
	k += test_engine_followup_ntests;
	memcpy(all + k, test_engine_facts_tests,
	    test_engine_facts_ntests * sizeof *all);
	k += test_engine_facts_ntests;
	memcpy(all + k, test_engine_presence_tests,
	    test_engine_presence_ntests * sizeof *all);
	k += test_engine_presence_ntests;
	memcpy(all + k, test_engine_inv_tests,
	    test_engine_inv_ntests * sizeof *all);
	k += test_engine_inv_ntests;
	fails = _cmocka_run_group_tests("engine", all, k, NULL, NULL);
	free(all);
	return (fails != 0);
}
