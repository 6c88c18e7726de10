/*
 * test_engine_presence.c: presence apart from the connection, on virtual
 * time. An agent whose last desk closed is detached for the grace: status,
 * offer (with its own timeout) and held tickets kept, nothing new offered;
 * attaching within the grace picks it all up; the grace's end logs it out
 * and leaves it absent. A rebuild keeps a running grace; a restart puts
 * back the presence rows as a closed connection, detached for a grace
 * counted from the restart (with no grace, agents restart offline).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

#define GRACE	30000

static int
setup(void **state)
{
	struct fx	*fx = fx_new();

	fx_start(fx);
	fx->snap = true;
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	fx_free(*state);
	return (0);
}

static const struct agent *
ag(struct fx *fx, const char *name)
{
	const struct agent	*a = engine_agent_get(fx->e, name);

	assert_non_null(a);
	return (a);
}

/* ann at her desk, ready, offered a billing ticket. */
static uint64_t
offered(struct fx *fx)
{
	uint64_t	id;

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	assert_int_equal(engine_agent_attach(fx->e, fx->now, "ann"), 0);
	assert_int_equal(fx_count(fx, "agent.attached", 0), 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "billing", "c1", NULL);
	assert_int_equal(fx_offer(fx, "ann"), id);
	return (id);
}

static void
test_reattach_keeps_the_offer(void **state)
{
	struct fx		*fx = *state;
	uint64_t		 id = offered(fx);
	hl_ms			 since = ag(fx, "ann")->status_since;
	const struct tev	*ev;

	fx->now += 1000;
	assert_int_equal(engine_agent_detach(fx->e, fx->now, "ann", GRACE), 0);
	assert_non_null(ev = fx_last(fx, "agent.detached", 0));
	assert_string_equal(ev->agent, "ann");
	assert_non_null(strstr(ev->data, "\"grace_ms\":30000"));
	assert_int_equal(ag(fx, "ann")->conn, AGENT_DETACHED);
	assert_int_equal(ag(fx, "ann")->grace_until, fx->now + GRACE);
	assert_int_equal(ag(fx, "ann")->status, AGENT_BUSY);
	assert_int_equal(fx_count(fx, "agent.status", 0), 1);	/* READY */
	/* Detaching again (another desk's close) changes nothing. */
	assert_int_equal(engine_agent_detach(fx->e, fx->now, "ann", GRACE), 0);
	assert_int_equal(fx_count(fx, "agent.detached", 0), 1);
	fx_at(fx, fx->now + 5000);
	assert_int_equal(engine_agent_attach(fx->e, fx->now, "ann"), 0);
	assert_non_null(ev = fx_last(fx, "agent.reattached", 0));
	assert_non_null(strstr(ev->data, "\"away_ms\":5000"));
	assert_int_equal(ag(fx, "ann")->conn, AGENT_CONNECTED);
	assert_int_equal(ag(fx, "ann")->grace_until, 0);
	/* As if the desk had never closed. */
	assert_int_equal(fx_offer(fx, "ann"), id);
	assert_int_equal(ag(fx, "ann")->status, AGENT_BUSY);
	assert_int_equal(ag(fx, "ann")->status_since, since);
	assert_int_equal(fx_count(fx, "agent.status", 0), 1);
	fx_accept(fx, "ann", id);
	/* The grace's timer is gone: nothing happens at its old end. */
	fx_at(fx, fx->now + 2 * GRACE);
	assert_int_equal(fx_count(fx, "agent.absent", 0), 0);
	assert_int_equal(ag(fx, "ann")->status, AGENT_BUSY);
}

static void
test_grace_end_logs_out(void **state)
{
	struct fx		*fx = *state;
	uint64_t		 id = offered(fx);
	hl_ms			 enq = engine_ticket_get(fx->e, id)->enqueued;
	hl_ms			 t0 = fx->now;
	const struct tev	*ev;

	assert_int_equal(engine_agent_detach(fx->e, t0, "ann", 5000), 0);
	fx_at(fx, t0 + 4999);
	assert_int_equal(fx_offer(fx, "ann"), id);
	assert_int_equal(fx_count(fx, "agent.absent", 0), 0);
	fx_at(fx, t0 + 5000);
	assert_non_null(ev = fx_last(fx, "agent.absent", 0));
	assert_int_equal(ev->time, t0 + 5000);
	assert_non_null(strstr(ev->data, "reconnect grace ended"));
	assert_int_equal(ag(fx, "ann")->conn, AGENT_ABSENT);
	assert_int_equal(ag(fx, "ann")->status, AGENT_OFFLINE);
	assert_string_equal(fx_last(fx, "agent.status", 0)->actor, "system");
	/* The offer went back to its original place, not counted missed. */
	assert_int_equal(fx_state(fx, id), TICKET_QUEUED);
	assert_int_equal(engine_ticket_get(fx->e, id)->enqueued, enq);
	assert_non_null(strstr(fx_last(fx, "ticket.queued", id)->data,
	    "agent gone"));
	assert_int_equal(ag(fx, "ann")->missed, 0);
	assert_false(engine_agent_present(fx->e, "ann"));
	/* Back after the grace: attached, but offline as after a logout. */
	assert_int_equal(engine_agent_attach(fx->e, fx->now, "ann"), 0);
	assert_int_equal(fx_count(fx, "agent.reattached", 0), 0);
	assert_int_equal(fx_count(fx, "agent.attached", 0), 2);
	assert_int_equal(ag(fx, "ann")->status, AGENT_OFFLINE);
}

/* The offer keeps its own timeout: it comes back as any miss does. */
static void
test_offer_times_out_during_grace(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 id = offered(fx);
	hl_ms		 t0 = fx->now;

	assert_int_equal(engine_agent_detach(fx->e, t0, "ann", GRACE), 0);
	fx_at(fx, t0 + OFFER_MS);
	assert_int_equal(fx_count(fx, "ticket.offer_timeout", id), 1);
	assert_int_equal(ag(fx, "ann")->missed, 1);
	/* Free again, but detached: not offered the ticket (nor any). */
	assert_int_equal(ag(fx, "ann")->offer, 0);
	assert_int_equal(ag(fx, "ann")->status, AGENT_AVAILABLE);
	fx_at(fx, t0 + OFFER_MS + COOL_MS + 1);
	assert_int_equal(fx_state(fx, id), TICKET_QUEUED);
	assert_int_equal(fx_count(fx, "ticket.offered", id), 1);
	fx_at(fx, t0 + GRACE);
	assert_int_equal(ag(fx, "ann")->status, AGENT_OFFLINE);
	assert_int_equal(ag(fx, "ann")->missed, 1);
	assert_int_equal(fx_state(fx, id), TICKET_QUEUED);
}

/* A detached agent takes nothing new; back at its desk, it does. */
static void
test_no_new_offers_while_detached(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 id;

	fx_agent(fx, "ann", "billing:3", NULL, 1);
	assert_int_equal(engine_agent_attach(fx->e, fx->now, "ann"), 0);
	fx_ready(fx, "ann");
	assert_int_equal(engine_agent_detach(fx->e, fx->now, "ann", GRACE), 0);
	id = fx_create(fx, "billing", "c1", NULL);
	assert_int_equal(fx_state(fx, id), TICKET_QUEUED);
	assert_int_equal(ag(fx, "ann")->status, AGENT_AVAILABLE);
	fx_at(fx, fx->now + 1000);
	assert_int_equal(engine_agent_attach(fx->e, fx->now, "ann"), 0);
	assert_int_equal(fx_offer(fx, "ann"), id);
}

/* Held tickets stay held past the grace, shown as held by someone gone. */
static void
test_held_ticket_stays_held(void **state)
{
	struct fx	*fx = *state;
	struct actor	 ann = fx_actor("ann");
	uint64_t	 id = offered(fx), p;
	char		 err[ENGINE_ERRMAX];

	fx_accept(fx, "ann", id);
	assert_true(engine_agent_present(fx->e, "ann"));
	assert_int_equal(engine_agent_detach(fx->e, fx->now, "ann", GRACE), 0);
	assert_true(engine_agent_present(fx->e, "ann"));	/* in grace */
	fx_at(fx, fx->now + GRACE);
	assert_int_equal(fx_state(fx, id), TICKET_ACTIVE);
	assert_string_equal(engine_ticket_get(fx->e, id)->agent, "ann");
	assert_int_equal(ag(fx, "ann")->active, 1);
	assert_int_equal(ag(fx, "ann")->status, AGENT_OFFLINE);
	assert_false(engine_agent_present(fx->e, "ann"));
	assert_non_null(strstr(fx_last(fx, "agent.absent", 0)->data,
	    "\"active\":1"));
	/* Back: present again, the ticket still hers. */
	assert_int_equal(engine_agent_attach(fx->e, fx->now, "ann"), 0);
	assert_true(engine_agent_present(fx->e, "ann"));
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, id, 0,
	    err, sizeof err), ENGINE_OK);
	p = id;
	/* An agent offline with nothing to keep is absent at once. */
	assert_int_equal(engine_agent_detach(fx->e, fx->now, "ann", GRACE), 0);
	assert_int_equal(fx_count(fx, "agent.detached", 0), 1);
	assert_int_equal(ag(fx, "ann")->conn, AGENT_ABSENT);
	assert_non_null(strstr(fx_last(fx, "agent.absent", 0)->data,
	    "last desk closed"));
	assert_int_equal(fx_state(fx, p), TICKET_PENDING);
	/* Unknown names and nobody are "present": nothing to flag. */
	assert_true(engine_agent_present(fx->e, ""));
	assert_true(engine_agent_present(fx->e, "nobody"));
	assert_int_equal(engine_agent_attach(fx->e, fx->now, "nobody"), -1);
	assert_int_equal(engine_agent_detach(fx->e, fx->now, "nobody", 1), -1);
}

/* Grace 0: today's rule, logged out as the last desk closes. */
static void
test_grace_zero(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 id = offered(fx);

	assert_int_equal(engine_agent_detach(fx->e, fx->now, "ann", 0), 0);
	assert_int_equal(fx_count(fx, "agent.detached", 0), 0);
	assert_int_equal(ag(fx, "ann")->conn, AGENT_ABSENT);
	assert_int_equal(ag(fx, "ann")->status, AGENT_OFFLINE);
	assert_int_equal(fx_state(fx, id), TICKET_QUEUED);
	assert_non_null(strstr(fx_last(fx, "ticket.queued", id)->data,
	    "agent logged out"));
}

/* A rebuild (failed commit) keeps the grace and its end; a restart with
 * no presence rows read (reconnect_grace 0) ends it: agents restart
 * offline and absent, the offer back in its queue. */
static void
test_rebuild_and_restart(void **state)
{
	struct fx	*fx = *state, *b, *c;
	uint64_t	 id = offered(fx);
	hl_ms		 t0 = fx->now, until;

	assert_int_equal(engine_agent_detach(fx->e, t0, "ann", GRACE), 0);
	until = ag(fx, "ann")->grace_until;
	fx_at(fx, t0 + 1000);
	b = fx_new();
	b->presence_of = fx;
	fx_restore(fx, fx->now, b);
	assert_int_equal(b->nev, 0);
	assert_int_equal(engine_agent_get(b->e, "ann")->conn, AGENT_DETACHED);
	assert_int_equal(engine_agent_get(b->e, "ann")->grace_until, until);
	assert_int_equal(engine_agent_get(b->e, "ann")->offer, id);
	assert_int_equal(engine_next_deadline(b->e),
	    engine_next_deadline(fx->e));
	fx_at(b, until - 1);
	assert_int_equal(engine_agent_get(b->e, "ann")->conn, AGENT_DETACHED);
	fx_at(b, until);
	assert_int_equal(engine_agent_get(b->e, "ann")->conn, AGENT_ABSENT);
	assert_int_equal(engine_agent_get(b->e, "ann")->status, AGENT_OFFLINE);
	fx_free(b);

	c = fx_new();
	fx_restore(fx, fx->now, c);
	assert_int_equal(engine_agent_get(c->e, "ann")->conn, AGENT_ABSENT);
	assert_int_equal(engine_agent_get(c->e, "ann")->status, AGENT_OFFLINE);
	assert_int_equal(engine_ticket_get(c->e, id)->state, TICKET_QUEUED);
	fx_at(c, until + 1);
	assert_int_equal(fx_count(c, "agent.absent", 0), 0);
	fx_free(c);
}

/* ann's presence row as of a crash at the fx's now, read by a restart at
 * t1 with the given grace. */
static struct fx *
restarted(struct fx *fx, hl_ms t1, hl_ms grace)
{
	struct fx	*r = fx_new();

	r->restart_of = fx;
	r->restart_grace = grace;
	fx_restore(fx, t1, r);
	return (r);
}

/* Back from a crash: detached in her status, the grace and a fresh offer
 * timeout counted from the restart, though the daemon was down longer
 * than both; re-attaching picks the offer up. */
static void
test_restart_keeps_presence(void **state)
{
	struct fx		*fx = *state, *r, *b;
	uint64_t		 id = offered(fx);
	hl_ms			 t1 = fx->now + 3 * GRACE;
	const struct agent	*a;
	const struct tev	*ev;

	r = restarted(fx, t1, GRACE);
	a = engine_agent_get(r->e, "ann");
	assert_int_equal(a->conn, AGENT_DETACHED);
	assert_int_equal(a->status, AGENT_BUSY);
	assert_int_equal(a->offer, id);
	assert_int_equal(a->grace_until, t1 + GRACE);
	assert_int_equal(engine_ticket_get(r->e, id)->state, TICKET_OFFERED);
	assert_int_equal(fx_count(r, "ticket.queued", id), 0);
	assert_non_null(ev = fx_last(r, "agent.detached", 0));
	assert_int_equal(ev->time, t1);
	assert_non_null(strstr(ev->data, "\"reason\":\"restart\""));
	assert_int_equal(engine_next_deadline(r->e), t1 + OFFER_MS);
	/* A failed commit then rebuilds it with that deadline, though the
	 * offer's first one (from offered_at) passed during the restart. */
	b = fx_new();
	b->presence_of = r;
	fx_restore(fx, t1 + 1000, b);
	assert_int_equal(engine_agent_get(b->e, "ann")->offer, id);
	assert_int_equal(engine_ticket_get(b->e, id)->state, TICKET_OFFERED);
	assert_int_equal(engine_next_deadline(b->e), t1 + OFFER_MS);
	fx_free(b);
	fx_at(r, t1 + OFFER_MS - 1);
	assert_int_equal(engine_agent_attach(r->e, r->now, "ann"), 0);
	assert_int_equal(fx_count(r, "agent.reattached", 0), 1);
	a = engine_agent_get(r->e, "ann");
	assert_int_equal(a->conn, AGENT_CONNECTED);
	assert_int_equal(a->offer, id);
	assert_int_equal(a->missed, 0);
	/* Its fresh timeout runs out as any offer's does. */
	fx_at(r, t1 + OFFER_MS);
	assert_int_equal(engine_agent_get(r->e, "ann")->missed, 1);
	fx_free(r);
}

/* Nobody comes back: at the grace's end, today's logout, the offer back
 * in its original place. */
static void
test_restart_grace_ends(void **state)
{
	struct fx	*fx = *state, *r;
	uint64_t	 id = offered(fx);
	hl_ms		 enq = engine_ticket_get(fx->e, id)->enqueued;
	hl_ms		 t1 = fx->now + 500;

	r = restarted(fx, t1, 5000);
	fx_at(r, t1 + 4999);
	assert_int_equal(engine_agent_get(r->e, "ann")->conn, AGENT_DETACHED);
	assert_int_equal(engine_agent_get(r->e, "ann")->offer, id);
	fx_at(r, t1 + 5000);
	assert_int_equal(engine_agent_get(r->e, "ann")->conn, AGENT_ABSENT);
	assert_int_equal(engine_agent_get(r->e, "ann")->status, AGENT_OFFLINE);
	assert_int_equal(engine_agent_get(r->e, "ann")->missed, 0);
	assert_int_equal(engine_ticket_get(r->e, id)->state, TICKET_QUEUED);
	assert_int_equal(engine_ticket_get(r->e, id)->enqueued, enq);
	assert_non_null(strstr(fx_last(r, "ticket.queued", id)->data,
	    "agent gone"));
	fx_free(r);
}

/* A break and its reason come back; an offline agent stays absent; with
 * no grace every agent restarts offline and offers go back. */
static void
test_restart_break_and_no_grace(void **state)
{
	struct fx		*fx = *state, *r;
	uint64_t		 id = offered(fx);
	const struct agent	*a;
	char			 err[ENGINE_ERRMAX];

	fx_agent(fx, "bob", "billing:3", NULL, 1);
	fx_agent(fx, "cid", "billing:3", NULL, 1);
	assert_int_equal(engine_agent_attach(fx->e, fx->now, "bob"), 0);
	assert_int_equal(engine_agent_break(fx->e, fx->now, NULL, "bob",
	    "lunch", err, sizeof err), ENGINE_OK);
	r = restarted(fx, fx->now + 1000, GRACE);
	a = engine_agent_get(r->e, "bob");
	assert_int_equal(a->conn, AGENT_DETACHED);
	assert_int_equal(a->status, AGENT_BREAK);
	assert_string_equal(a->reason, "lunch");
	a = engine_agent_get(r->e, "cid");
	assert_int_equal(a->conn, AGENT_ABSENT);
	assert_int_equal(a->status, AGENT_OFFLINE);
	assert_int_equal(fx_count(r, "agent.detached", 0), 2);
	fx_free(r);

	r = restarted(fx, fx->now + 1000, 0);
	assert_int_equal(fx_count(r, "agent.detached", 0), 0);
	assert_int_equal(engine_agent_get(r->e, "bob")->status, AGENT_OFFLINE);
	assert_int_equal(engine_agent_get(r->e, "ann")->conn, AGENT_ABSENT);
	assert_int_equal(engine_ticket_get(r->e, id)->state, TICKET_QUEUED);
	fx_free(r);
}

/* Deleting a detached agent cancels its grace. */
static void
test_delete_while_detached(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 id = offered(fx);
	char		 err[ENGINE_ERRMAX];

	assert_int_equal(engine_agent_detach(fx->e, fx->now, "ann", GRACE), 0);
	assert_int_equal(engine_agent_delete(fx->e, fx->now, &ADMIN, "ann",
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_state(fx, id), TICKET_QUEUED);
	fx_at(fx, fx->now + 2 * GRACE);
	assert_int_equal(fx_count(fx, "agent.absent", 0), 0);
}

const struct CMUnitTest test_engine_presence_tests[] = {
	cmocka_unit_test_setup_teardown(test_reattach_keeps_the_offer, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_grace_end_logs_out, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_offer_times_out_during_grace,
	    setup, teardown),
	cmocka_unit_test_setup_teardown(test_no_new_offers_while_detached,
	    setup, teardown),
	cmocka_unit_test_setup_teardown(test_held_ticket_stays_held, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_grace_zero, setup, teardown),
	cmocka_unit_test_setup_teardown(test_rebuild_and_restart, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_delete_while_detached, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_restart_keeps_presence, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_restart_grace_ends, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_restart_break_and_no_grace,
	    setup, teardown),
};
const size_t test_engine_presence_ntests =
    sizeof test_engine_presence_tests / sizeof test_engine_presence_tests[0];
