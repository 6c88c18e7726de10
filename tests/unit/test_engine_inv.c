/*
 * test_engine_inv.c: the engine's invariant checker (daemon/engine/
 * check.c), which the randomized tests run after every operation and the
 * command fuzzer after every line. A checker that always says yes would
 * pass them all: here each test breaks one invariant by hand, behind the
 * engine's back, and expects the checker to name it; one expects the
 * exception it allows (a detached agent is not free) to hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

void
fx_invariants(struct fx *fx)
{
	char	err[ENGINE_ERRMAX];

	if (engine_check_invariants(fx->e, fx->now, err, sizeof err) != 0)
		fail_msg("%s", err);
}

/* Writable: the tests change what the engine only lends. */
static struct agent *
ag(struct fx *fx, const char *name)
{
	const struct agent	*a = engine_agent_get(fx->e, name);

	assert_non_null(a);
	return ((struct agent *)a);
}

static struct ticket *
tk(struct fx *fx, uint64_t id)
{
	const struct ticket	*t = engine_ticket_get(fx->e, id);

	assert_non_null(t);
	return ((struct ticket *)t);
}

/* The checker fails, with want in its message. */
static void
expect_broken(struct fx *fx, const char *want)
{
	char	err[ENGINE_ERRMAX];

	err[0] = '\0';
	assert_int_equal(engine_check_invariants(fx->e, fx->now, err,
	    sizeof err), -1);
	if (strstr(err, want) == NULL)
		fail_msg("checker said '%s', expected '%s'", err, want);
}

static void
test_holds_after_routing(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 id;

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "billing", "c1", T_STD);
	assert_int_equal(fx_offer(fx, "ann"), id);
	fx_create(fx, "billing", "c2", T_STD);
	fx_invariants(fx);
}

/* An agent's counters against the tickets: what she holds, her offer. */
static void
test_agent_counters(void **state)
{
	struct fx	*fx = *state;

	fx_agent(fx, "ann", "billing:3", NULL, 2);
	fx_ready(fx, "ann");
	ag(fx, "ann")->active = 1;
	expect_broken(fx, "agent ann active 1, holds 0");
	ag(fx, "ann")->active = 0;
	fx_invariants(fx);
	ag(fx, "ann")->offer = 999;
	expect_broken(fx, "agent ann offer 999 inconsistent");
	ag(fx, "ann")->offer = 0;
}

/* Shown available beside a ticket she may take, and not offered it. */
static void
test_free_agent_beside_waiting(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 id;
	char		 want[128];

	id = fx_create(fx, "billing", "c1", T_STD);
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	ag(fx, "ann")->status = AGENT_AVAILABLE;
	snprintf(want, sizeof want, "agent ann free while ticket %llu",
	    (unsigned long long)id);
	expect_broken(fx, want);
	/* Within her reconnect grace she keeps her status, gets nothing. */
	ag(fx, "ann")->conn = AGENT_DETACHED;
	fx_invariants(fx);
	ag(fx, "ann")->conn = AGENT_ABSENT;
	ag(fx, "ann")->status = AGENT_OFFLINE;
}

/* A name field of a waiting ticket set to bad, checked, then put back. */
static void
break_field(struct fx *fx, char *field, const char *bad, const char *want)
{
	char	good[ENGINE_NAME_MAX];

	snprintf(good, sizeof good, "%s", field);
	snprintf(field, ENGINE_NAME_MAX, "%s", bad);
	expect_broken(fx, want);
	snprintf(field, ENGINE_NAME_MAX, "%s", good);
	fx_invariants(fx);
}

/*
 * A tier renamed without re-keying its routing; an agent named on a
 * ticket still waiting; a ticket filed in one queue and named for
 * another (whose counters then disagree too).
 */
static void
test_ticket_names(void **state)
{
	struct fx	*fx = *state;
	struct ticket	*t = tk(fx, fx_create(fx, "billing", "c1", T_STD));

	break_field(fx, t->tier, T_GOLD, "of tier gold routed as tier 0");
	break_field(fx, t->agent, "bob", "queued with agent bob");
	break_field(fx, t->queue, "sales",
	    "in queue 'sales', not the queue it is filed in");
}

const struct CMUnitTest test_engine_inv_tests[] = {
	cmocka_unit_test_setup_teardown(test_holds_after_routing, fx_setup,
	    fx_teardown),
	cmocka_unit_test_setup_teardown(test_agent_counters, fx_setup,
	    fx_teardown),
	cmocka_unit_test_setup_teardown(test_free_agent_beside_waiting,
	    fx_setup, fx_teardown),
	cmocka_unit_test_setup_teardown(test_ticket_names, fx_setup,
	    fx_teardown),
};
const size_t test_engine_inv_ntests =
    sizeof test_engine_inv_tests / sizeof test_engine_inv_tests[0];
