/*
 * test_engine_route.c: routing ladders (timing, skipping, cumulative
 * eligibility, manager changes), timer order, and each agent-selection
 * strategy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

static const char *
step_of(struct fx *fx, uint64_t id)
{
	static char	buf[96];

	return (engine_ticket_step(fx->e, engine_ticket_get(fx->e, id), buf,
	    sizeof buf));
}

static void
brk(struct fx *fx, const char *name)
{
	char	err[ENGINE_ERRMAX];

	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, name, "lunch",
	    err, sizeof err), ENGINE_OK);
}

/* diamond: account manager 20 s, then vip group 30 s, then skilled. */
static void
test_ladder_timing(void **state)
{
	struct fx		*fx = *state;
	struct actor		 v1 = fx_actor("v1");
	const struct ticket	*t;
	const struct tev	*ev;
	hl_ms			 t0 = fx->now;
	uint64_t		 d;
	char			 err[ENGINE_ERRMAX];

	fx_agent(fx, "mgr", NULL, NULL, 1);
	fx_agent(fx, "v1", NULL, "vip", 1);
	fx_agent(fx, "s1", "billing:1", NULL, 1);
	brk(fx, "mgr");			/* logged in, so not skipped */
	fx_ready(fx, "v1");
	fx_ready(fx, "s1");
	fx_manager(fx, "vipc", "mgr");
	d = fx_create(fx, "billing", "vipc", T_DIAMOND);
	t = engine_ticket_get(fx->e, d);
	assert_int_equal(t->step, 0);
	assert_string_equal(step_of(fx, d), "manager:mgr");
	assert_int_equal(t->state, TICKET_QUEUED);
	assert_int_equal(engine_next_deadline(fx->e), t0 + 20000);
	fx_at(fx, t0 + 19999);
	assert_int_equal(t->state, TICKET_QUEUED);
	assert_int_equal(fx_count(fx, "ticket.step", d), 0);
	fx_at(fx, t0 + 20000);
	ev = fx_last(fx, "ticket.step", d);
	assert_non_null(ev);
	assert_string_equal(ev->data, "{\"step\":\"group:vip\",\"index\":1}");
	assert_int_equal(t->step, 1);
	assert_int_equal(t->step_started, t0 + 20000);
	assert_int_equal(fx_offer(fx, "v1"), d);
	assert_int_equal(fx_offer(fx, "s1"), 0);
	/* v1 declines; s1 is not eligible before the skilled step. */
	assert_int_equal(engine_ticket_reject(fx->e, fx->now, &v1, d, NULL,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(t->state, TICKET_QUEUED);
	brk(fx, "v1");		/* else offered again after the cooldown */
	fx_at(fx, t0 + 49999);
	assert_int_equal(t->state, TICKET_QUEUED);
	fx_at(fx, t0 + 50000);
	assert_string_equal(step_of(fx, d), "skilled");
	assert_int_equal(t->step_started, t0 + 50000);
	assert_int_equal(fx_offer(fx, "s1"), d);
	/* The last step has no timer; only the offer timeout is left. */
	assert_int_equal(engine_next_deadline(fx->e), t0 + 50000 + OFFER_MS);
}

static void
test_ladder_manager_first(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 d, s;

	fx_agent(fx, "mgr", NULL, NULL, 1);
	fx_agent(fx, "s1", "billing:1", NULL, 1);
	fx_manager(fx, "vipc", "mgr");
	fx_ready(fx, "s1");
	fx_ready(fx, "mgr");
	/* mgr is not skilled: ordinary tickets do not reach him. */
	s = fx_create(fx, "billing", "anon", NULL);
	assert_int_equal(fx_offer(fx, "s1"), s);
	d = fx_create(fx, "billing", "vipc", T_GOLD);
	assert_int_equal(fx_offer(fx, "mgr"), d);
	assert_int_equal(engine_ticket_get(fx->e, d)->step, 0);
}

static void
test_ladder_skips(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 a, b, c;

	fx_agent(fx, "mgr", NULL, NULL, 1);		/* offline */
	fx_agent(fx, "v1", NULL, "vip", 1);
	fx_agent(fx, "s1", "billing:1", NULL, 1);
	fx_manager(fx, "vipc", "mgr");
	brk(fx, "v1");				/* logged in, not ready */
	/* Manager offline: straight to the group. */
	a = fx_create(fx, "billing", "vipc", T_DIAMOND);
	assert_int_equal(engine_ticket_get(fx->e, a)->step, 1);
	assert_int_equal(engine_ticket_get(fx->e, a)->step_started, fx->now);
	assert_int_equal(engine_next_deadline(fx->e), fx->now + 30000);
	/* No manager at all: the same. */
	b = fx_create(fx, "billing", "nobody", T_DIAMOND);
	assert_int_equal(engine_ticket_get(fx->e, b)->step, 1);
	/* v1 (the whole group) offline too: skilled at once. */
	fx_ready(fx, "v1");
	assert_int_equal(fx_offer(fx, "v1"), a);
	assert_int_equal(engine_agent_logout(fx->e, fx->now, &SUP, "v1",
	    NULL, 0), ENGINE_OK);
	c = fx_create(fx, "billing", "vipc", T_DIAMOND);
	assert_int_equal(engine_ticket_get(fx->e, c)->step, 2);
	fx_ready(fx, "s1");
	/* a and b wait at the group step: not yet for skilled agents. */
	assert_int_equal(fx_offer(fx, "s1"), c);
	assert_int_equal(engine_ticket_get(fx->e, a)->state, TICKET_QUEUED);
	/* Gold (manager 10 s, skilled) with no manager: skilled. */
	assert_int_equal(engine_ticket_get(fx->e, fx_create(fx, "billing",
	    "nobody", T_GOLD))->step, 1);
}

/* Steps widen: the manager stays eligible after his step has passed. */
static void
test_ladder_cumulative(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 d;

	fx_agent(fx, "mgr", NULL, NULL, 1);
	fx_agent(fx, "v1", NULL, "vip", 1);
	brk(fx, "mgr");
	brk(fx, "v1");
	fx_manager(fx, "vipc", "mgr");
	d = fx_create(fx, "billing", "vipc", T_DIAMOND);
	fx_at(fx, fx->now + 20000);
	assert_int_equal(engine_ticket_get(fx->e, d)->step, 1);
	fx_ready(fx, "mgr");
	assert_int_equal(fx_offer(fx, "mgr"), d);
}

/* A new account manager is offered the customer's waiting tickets. */
static void
test_manager_change(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 d;

	fx_agent(fx, "ann", NULL, NULL, 1);
	fx_agent(fx, "bob", NULL, NULL, 1);
	brk(fx, "ann");
	fx_ready(fx, "bob");
	fx_manager(fx, "vipc", "ann");
	d = fx_create(fx, "billing", "vipc", T_GOLD);
	assert_string_equal(step_of(fx, d), "manager:ann");
	assert_int_equal(fx_offer(fx, "bob"), 0);
	fx_manager(fx, "vipc", "bob");
	assert_int_equal(fx_offer(fx, "bob"), d);
	assert_non_null(strstr(fx_last(fx, "customer.updated", 0)->data,
	    "\"changed\":[\"manager\"]"));
}

/* Several timers due in one advance fire in deadline order. */
static void
test_timer_order(void **state)
{
	struct fx	*fx = *state;
	hl_ms		 t0 = fx->now;
	uint64_t	 a, d;
	size_t		 i, to = 0, s1 = 0, s2 = 0;

	fx_agent(fx, "ann", "billing:1", NULL, 1);
	fx_agent(fx, "mgr", NULL, NULL, 1);
	fx_agent(fx, "v1", NULL, "vip", 1);
	brk(fx, "mgr");
	brk(fx, "v1");
	fx_manager(fx, "vipc", "mgr");
	fx_ready(fx, "ann");
	a = fx_create(fx, "billing", "anon", NULL);
	d = fx_create(fx, "billing", "vipc", T_DIAMOND);
	assert_int_equal(fx_offer(fx, "ann"), a);
	fx_clear(fx);
	fx_at(fx, t0 + 60000);
	for (i = 0; i < fx->nev; i++) {
		if (strcmp(fx->ev[i].type, "ticket.offer_timeout") == 0 &&
		    to == 0)
			to = i + 1;
		if (strcmp(fx->ev[i].type, "ticket.step") == 0 && s1 == 0)
			s1 = i + 1;
		else if (strcmp(fx->ev[i].type, "ticket.step") == 0)
			s2 = i + 1;
	}
	assert_true(to != 0 && s1 > to && s2 > s1);
	/* The ladder keeps its schedule even when the timer runs late. */
	assert_int_equal(engine_ticket_get(fx->e, d)->step, 2);
	assert_int_equal(engine_ticket_get(fx->e, d)->step_started,
	    t0 + 50000);
}

static void
strategy_fx(void **state, enum strategy s)
{
	struct fx	*fx = fx_new();

	fx->queues[2].strategy = s;	/* sales */
	fx_start(fx);
	*state = fx;
}

static void
test_longest_idle(void **state)
{
	struct fx	*fx;
	uint64_t	 t;

	strategy_fx(state, STRATEGY_LONGEST_IDLE);
	fx = *state;
	fx_agent(fx, "a", "sales:1", NULL, 1);
	fx_agent(fx, "b", "sales:1", NULL, 1);
	fx_agent(fx, "c", "sales:1", NULL, 1);
	fx_ready(fx, "b");
	fx->now += 10;
	fx_ready(fx, "c");
	fx->now += 10;
	fx_ready(fx, "a");
	fx->now += 10;
	t = fx_create(fx, "sales", "k", NULL);
	assert_int_equal(fx_offer(fx, "b"), t);
	t = fx_create(fx, "sales", "k", NULL);
	assert_int_equal(fx_offer(fx, "c"), t);
	assert_int_equal(engine_agent_get(fx->e, "b")->idle_since,
	    fx->now - 30);
}

static void
test_least_busy(void **state)
{
	struct fx	*fx;
	uint64_t	 t;

	strategy_fx(state, STRATEGY_LEAST_BUSY);
	fx = *state;
	fx_agent(fx, "a", "sales:1", NULL, 1);
	fx_agent(fx, "b", "sales:1", NULL, 1);
	fx_agent(fx, "c", "sales:1", NULL, 1);
	fx_ready(fx, "a");
	fx_finish(fx, "a", fx_create(fx, "sales", "k", NULL));
	fx->now += 10;
	fx_finish(fx, "a", fx_create(fx, "sales", "k", NULL));
	fx->now += 10;
	fx_ready(fx, "b");
	fx_finish(fx, "b", fx_create(fx, "sales", "k", NULL));
	fx->now += 10;
	fx_ready(fx, "c");
	fx_finish(fx, "c", fx_create(fx, "sales", "k", NULL));
	fx->now += 10;
	/* a has waited longest but handled 2; b and c 1 each, b longer. */
	t = fx_create(fx, "sales", "k", NULL);
	assert_int_equal(fx_offer(fx, "b"), t);
	t = fx_create(fx, "sales", "k", NULL);
	assert_int_equal(fx_offer(fx, "c"), t);
	t = fx_create(fx, "sales", "k", NULL);
	assert_int_equal(fx_offer(fx, "a"), t);
}

static void
test_round_robin(void **state)
{
	struct fx	*fx;
	const char	*want[] = { "a", "b", "c", "a", "b" };
	uint64_t	 t;
	int		 i;

	strategy_fx(state, STRATEGY_ROUND_ROBIN);
	fx = *state;
	fx_agent(fx, "a", "sales:1", NULL, 1);
	fx_agent(fx, "b", "sales:1", NULL, 1);
	fx_agent(fx, "c", "sales:1", NULL, 1);
	fx_ready(fx, "c");		/* longest idle would pick c first */
	fx->now += 10;
	fx_ready(fx, "b");
	fx->now += 10;
	fx_ready(fx, "a");
	for (i = 0; i < 5; i++) {
		fx->now += 10;
		t = fx_create(fx, "sales", "k", NULL);
		assert_int_equal(fx_offer(fx, want[i]), t);
		fx_finish(fx, want[i], t);
	}
}

static void
test_top_skill(void **state)
{
	struct fx	*fx;
	uint64_t	 t;

	strategy_fx(state, STRATEGY_TOP_SKILL);
	fx = *state;
	fx_agent(fx, "a", "sales:2", NULL, 1);
	fx_agent(fx, "b", "sales:5", NULL, 1);
	fx_agent(fx, "c", "sales:3", NULL, 1);
	fx_ready(fx, "a");
	fx->now += 10;
	fx_ready(fx, "c");
	fx->now += 10;
	fx_ready(fx, "b");
	t = fx_create(fx, "sales", "k", NULL);
	assert_int_equal(fx_offer(fx, "b"), t);
	t = fx_create(fx, "sales", "k", NULL);
	assert_int_equal(fx_offer(fx, "c"), t);
	t = fx_create(fx, "sales", "k", NULL);
	assert_int_equal(fx_offer(fx, "a"), t);
}

static void
random_run(struct fx *fx, char *out, size_t n)
{
	const char	*names[] = { "a", "b", "c" };
	uint64_t	 t;
	size_t		 i, k;

	for (k = 0; k < 3; k++) {
		fx_agent(fx, names[k], "sales:1", NULL, 1);
		fx_ready(fx, names[k]);
	}
	for (i = 0; i < n; i++) {
		t = fx_create(fx, "sales", "k", NULL);
		for (k = 0; k < 3 && fx_offer(fx, names[k]) != t; k++)
			;
		assert_true(k < 3);
		out[i] = names[k][0];
		fx_finish(fx, names[k], t);
		fx->now += 10;
	}
	out[n] = '\0';
}

static void
test_random(void **state)
{
	struct fx	*other;
	char		 x[61], y[61];

	strategy_fx(state, STRATEGY_RANDOM);
	random_run(*state, x, 60);
	other = fx_new();
	other->queues[2].strategy = STRATEGY_RANDOM;
	fx_start(other);
	random_run(other, y, 60);
	fx_free(other);
	assert_string_equal(x, y);	/* seeded: reproducible */
	assert_non_null(strchr(x, 'a'));
	assert_non_null(strchr(x, 'b'));
	assert_non_null(strchr(x, 'c'));
	/* Not simply the longest-idle rotation. */
	assert_true(strncmp(x, "abcabcabcabc", 12) != 0);
}

static int
strategy_teardown(void **state)
{
	fx_free(*state);
	return (0);
}

const struct CMUnitTest test_engine_route_tests[] = {
	cmocka_unit_test_setup_teardown(test_ladder_timing, fx_setup,
	    fx_teardown),
	cmocka_unit_test_setup_teardown(test_ladder_manager_first, fx_setup,
	    fx_teardown),
	cmocka_unit_test_setup_teardown(test_ladder_skips, fx_setup,
	    fx_teardown),
	cmocka_unit_test_setup_teardown(test_ladder_cumulative, fx_setup,
	    fx_teardown),
	cmocka_unit_test_setup_teardown(test_manager_change, fx_setup,
	    fx_teardown),
	cmocka_unit_test_setup_teardown(test_timer_order, fx_setup,
	    fx_teardown),
	cmocka_unit_test_teardown(test_longest_idle, strategy_teardown),
	cmocka_unit_test_teardown(test_least_busy, strategy_teardown),
	cmocka_unit_test_teardown(test_round_robin, strategy_teardown),
	cmocka_unit_test_teardown(test_top_skill, strategy_teardown),
	cmocka_unit_test_teardown(test_random, strategy_teardown),
};
const size_t test_engine_route_ntests =
    sizeof test_engine_route_tests / sizeof test_engine_route_tests[0];
