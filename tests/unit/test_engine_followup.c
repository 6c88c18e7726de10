/*
 * test_engine_followup.c: satisfaction follow-ups (scheduled at RESOLVE,
 * into their queue after the delay and not before, the rules, cancel and
 * skip, survival across a restore, an overdue one firing once) and
 * customer insight (repeat contacts, complaint counts, conditional ladder
 * steps sending repeat complainers to senior agents, the rebuild at
 * restore), on virtual time. The fixture's complaints queue is "sales"
 * and its repeat window one hour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

#define S	1000LL
#define MIN	(60 * S)
#define H	(60 * MIN)
#define DELAY	(10 * MIN)

static const struct actor	ANN = { "ann", ROLE_AGENT };

static int
teardown(void **state)
{
	fx_free(*state);
	return (0);
}

/* Gold and diamond tickets get a follow-up in billing after DELAY. */
static struct fx *
fx_followups(void)
{
	struct fx	*fx = fx_new();

	fx_followup(fx, "vip", T_GOLD "," T_DIAMOND, 0, "billing", DELAY);
	return (fx);
}

/* Create, have ann take it, resolve it with a disposition. */
static uint64_t
served(struct fx *fx, const char *queue, const char *customer,
    const char *tier, const char *disposition)
{
	char		err[ENGINE_ERRMAX];
	uint64_t	id;

	fx_ready(fx, "ann");
	id = fx_create(fx, queue, customer, tier);
	assert_int_equal(fx_offer(fx, "ann"), id);
	fx_accept(fx, "ann", id);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &ANN, id,
	    disposition, err, sizeof err), ENGINE_OK);
	return (id);
}

static void
test_followup_after_delay(void **state)
{
	struct fx		*fx = fx_followups();
	const struct ticket	*o, *f;
	const struct tev	*ev;
	struct queue_stats	 qs;
	uint64_t		 id, fid;
	hl_ms			 t0, due;

	*state = fx;
	fx_sla(fx, T_GOLD, "billing", 30 * S, 0, 80);
	fx_start(fx);
	fx_agent(fx, "ann", "billing:2", NULL, 1);
	id = served(fx, "billing", "c1", T_GOLD, "fixed");
	t0 = fx->now;
	due = t0 + DELAY;
	o = engine_ticket_get(fx->e, id);
	fid = o->followup;
	assert_int_equal(fid, id + 1);
	f = engine_ticket_get(fx->e, fid);
	assert_int_equal(f->state, TICKET_SCHEDULED);
	assert_int_equal(f->followup_of, id);
	assert_string_equal(f->channel, "callback");
	assert_string_equal(f->queue, "billing");
	assert_string_equal(f->tier, T_GOLD);
	assert_string_equal(f->customer, "c1");
	assert_string_equal(f->creator, "system");
	assert_string_equal(f->subject, "Satisfaction follow-up");
	assert_int_equal(f->created, due);
	assert_int_equal(f->answer_due, 0);
	/* Both tickets' events say so, after the resolve. */
	ev = fx_last(fx, "ticket.created", fid);
	assert_non_null(ev);
	assert_string_equal(ev->actor, "system");
	assert_non_null(strstr(ev->data, "\"channel\":\"callback\""));
	assert_non_null(strstr(ev->data, "\"followup_of\":1"));
	ev = fx_last(fx, "ticket.followup_scheduled", id);
	assert_non_null(ev);
	assert_non_null(strstr(ev->data, "\"rule\":\"vip\""));
	assert_non_null(strstr(ev->data, "\"followup\":2"));
	assert_true(fx_last(fx, "ticket.resolved", id) < ev);
	assert_int_equal(engine_queue_stats(fx->e, "billing", fx->now, &qs),
	    0);
	assert_int_equal(qs.scheduled, 1);
	assert_int_equal(qs.waiting, 0);

	/* ann is free, and nothing is offered before the time. */
	fx_ready(fx, "ann");
	assert_int_equal(engine_next_deadline(fx->e), due);
	fx_at(fx, due - 1);
	assert_int_equal(fx_state(fx, fid), TICKET_SCHEDULED);
	assert_int_equal(fx_offer(fx, "ann"), 0);
	fx_invariants(fx);
	fx_at(fx, due);
	f = engine_ticket_get(fx->e, fid);
	assert_int_equal(f->state, TICKET_OFFERED);
	assert_int_equal(fx_offer(fx, "ann"), fid);
	assert_int_equal(f->enqueued, due);
	assert_int_equal(f->answer_due, due + 30 * S);	/* clock from due */
	ev = fx_last(fx, "ticket.queued", fid);
	assert_non_null(ev);
	assert_int_equal(ev->time, due);
	assert_non_null(strstr(ev->data, "\"reason\":\"followup\""));
	assert_int_equal(engine_queue_stats(fx->e, "billing", fx->now, &qs),
	    0);
	assert_int_equal(qs.scheduled, 0);
	fx_invariants(fx);
	/* A follow-up of a follow-up: never. */
	fx_accept(fx, "ann", fid);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &ANN, fid,
	    "happy", NULL, 0), ENGINE_OK);
	assert_int_equal(engine_ticket_get(fx->e, fid)->followup, 0);
	assert_int_equal(engine_ticket_count(fx->e), 2);
	assert_int_equal(engine_next_deadline(fx->e), -1);
}

static void
test_followup_rules(void **state)
{
	struct fx		*fx = fx_followups();
	struct followup_rule	*r;
	struct customer_update	 cu;
	const struct tev	*ev;
	uint64_t		 id;
	char			 err[ENGINE_ERRMAX];

	*state = fx;
	r = fx_followup(fx, "firms", NULL, 1u << SEGMENT_ENTERPRISE, "tech",
	    H);
	snprintf(r->skip[r->nskip++], ENGINE_NAME_MAX, "spam");
	r = &fx->followups[0];
	snprintf(r->only[r->nonly++], ENGINE_NAME_MAX, "fixed");
	snprintf(r->only[r->nonly++], ENGINE_NAME_MAX, "refunded");
	fx_start(fx);
	fx_agent(fx, "ann", "billing:2,tech:2", NULL, 1);
	memset(&cu, 0, sizeof cu);
	cu.segment = "enterprise";
	assert_int_equal(engine_customer_set(fx->e, fx->now, &INTEG, "acme",
	    &cu, err, sizeof err), ENGINE_OK);

	/* Standard tier, individual: no rule. */
	id = served(fx, "billing", "joe", NULL, "fixed");
	assert_int_equal(engine_ticket_get(fx->e, id)->followup, 0);
	/* Gold, but a disposition the rule does not list (case aside). */
	id = served(fx, "billing", "g1", T_GOLD, "escalated");
	assert_int_equal(engine_ticket_get(fx->e, id)->followup, 0);
	id = served(fx, "billing", "g2", T_GOLD, "REFUNDED");
	assert_int_not_equal(engine_ticket_get(fx->e, id)->followup, 0);
	/* An enterprise at the standard tier, through its segment. */
	id = served(fx, "billing", "acme", NULL, "ok");
	assert_int_not_equal(engine_ticket_get(fx->e, id)->followup, 0);
	assert_string_equal(engine_ticket_get(fx->e,
	    engine_ticket_get(fx->e, id)->followup)->queue, "tech");
	assert_int_equal(engine_ticket_get(fx->e,
	    engine_ticket_get(fx->e, id)->followup)->created, fx->now + H);
	/* ... but never for spam; nor a second one while one waits. */
	id = served(fx, "billing", "acme", NULL, "spam");
	assert_int_equal(engine_ticket_get(fx->e, id)->followup, 0);
	assert_null(fx_last(fx, "ticket.followup_skipped", id));
	id = served(fx, "billing", "acme", T_GOLD, "fixed");
	assert_int_equal(engine_ticket_get(fx->e, id)->followup, 0);
	ev = fx_last(fx, "ticket.followup_skipped", id);
	assert_non_null(ev);
	assert_non_null(strstr(ev->data, "\"reason\":\"already scheduled\""));
	fx_invariants(fx);

	/* A bad rule is refused: no tier and no segment, unknown names. */
	r = fx_followup(fx, "bad", NULL, 0, "billing", 0);
	assert_int_equal(engine_reconfigure(fx->e, &fx->cfg, err, sizeof err),
	    ENGINE_ERR);
	assert_non_null(strstr(err, "no tier and no segment"));
	r->segments = 1u << SEGMENT_FAMILY;
	snprintf(r->queue, sizeof r->queue, "nowhere");
	assert_int_equal(engine_check_config(&fx->cfg, err, sizeof err),
	    ENGINE_ERR);
	assert_non_null(strstr(err, "unknown queue"));
	snprintf(r->queue, sizeof r->queue, "billing");
	snprintf(r->tiers[r->ntiers++], ENGINE_NAME_MAX, "platinum");
	assert_int_equal(engine_check_config(&fx->cfg, err, sizeof err),
	    ENGINE_ERR);
	assert_non_null(strstr(err, "unknown tier"));
	r->ntiers = 0;
	r->delay = -1;
	assert_int_equal(engine_check_config(&fx->cfg, err, sizeof err),
	    ENGINE_ERR);
	r->delay = 0;
	assert_int_equal(engine_check_config(&fx->cfg, err, sizeof err),
	    ENGINE_OK);
}

/*
 * Closing the resolved ticket does not cancel its follow-up; a customer
 * in contact when it falls due has it skipped; a supervisor cancels one
 * with TICKET CLOSE; nothing else works on a scheduled ticket.
 */
static void
test_followup_close_skip_cancel(void **state)
{
	struct fx		*fx = fx_followups();
	struct actor		 bob = fx_actor("bob");
	const struct tev	*ev;
	uint64_t		 a, fa, b, fb, c, fc, open;
	char			 err[ENGINE_ERRMAX];

	*state = fx;
	fx_start(fx);
	fx_agent(fx, "ann", "billing:2,tech:1", NULL, 1);
	a = served(fx, "billing", "ca", T_GOLD, "ok");
	fa = engine_ticket_get(fx->e, a)->followup;
	assert_int_equal(engine_ticket_close(fx->e, fx->now, &ANN, a, err,
	    sizeof err), ENGINE_OK);
	assert_null(engine_ticket_get(fx->e, a));
	b = served(fx, "billing", "cb", T_GOLD, "ok");
	fb = engine_ticket_get(fx->e, b)->followup;
	c = served(fx, "billing", "cc", T_DIAMOND, "ok");
	fc = engine_ticket_get(fx->e, c)->followup;

	/* Scheduled: only a supervisor may close it, nothing else works. */
	assert_int_equal(engine_ticket_close(fx->e, fx->now, &bob, fc, err,
	    sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_close(fx->e, fx->now, &INTEG, fc, err,
	    sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_accept(fx->e, fx->now, &SUP, fc, err,
	    sizeof err), ENGINE_BADSTATE);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &SUP, fc, err,
	    sizeof err), ENGINE_BADSTATE);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &SUP, fc, NULL,
	    err, sizeof err), ENGINE_BADSTATE);
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &SUP,
	    fc, "tech", err, sizeof err), ENGINE_BADSTATE);
	assert_int_equal(engine_ticket_escalate(fx->e, fx->now, &SUP, fc, NULL,
	    err, sizeof err), ENGINE_BADSTATE);
	assert_int_equal(engine_ticket_close(fx->e, fx->now, &SUP, fc, err,
	    sizeof err), ENGINE_OK);
	assert_null(engine_ticket_get(fx->e, fc));
	ev = fx_last(fx, "ticket.closed", fc);
	assert_non_null(strstr(ev->data, "\"reason\":\"cancelled\""));
	assert_string_equal(ev->actor, "sue");
	assert_int_equal(engine_ticket_get(fx->e, c)->followup, fc);

	/* cb calls again (ann is away): in contact when due. */
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "ann", NULL,
	    err, sizeof err), ENGINE_OK);
	open = fx_create(fx, "tech", "cb", NULL);
	fx_at(fx, fx->now + DELAY);
	assert_int_equal(fx_state(fx, fa), TICKET_QUEUED);
	assert_null(engine_ticket_get(fx->e, fb));
	ev = fx_last(fx, "ticket.closed", fb);
	assert_non_null(ev);
	assert_string_equal(ev->actor, "system");
	assert_non_null(strstr(ev->data, "\"reason\":\"skipped\""));
	assert_non_null(strstr(ev->data, "\"open_ticket\""));
	assert_int_equal(fx_state(fx, open), TICKET_QUEUED);
	fx_invariants(fx);
}

/* A restart before the time keeps the follow-up; after it, fires once. */
static void
test_followup_restore(void **state)
{
	struct fx		*fx = fx_followups(), *b, *c;
	const struct ticket	*f;
	const struct tev	*ev;
	uint64_t		 id, fid;
	hl_ms			 due;

	*state = fx;
	fx->snap = true;
	fx_start(fx);
	fx_agent(fx, "ann", "billing:2", NULL, 1);
	id = served(fx, "billing", "c1", T_GOLD, "ok");
	fid = engine_ticket_get(fx->e, id)->followup;
	due = fx->now + DELAY;
	fx_agent(fx, "zed", NULL, NULL, 1);	/* no skill: never offered */

	b = fx_new();
	fx_restore(fx, fx->now + MIN, b);
	f = engine_ticket_get(b->e, fid);
	assert_non_null(f);
	assert_int_equal(f->state, TICKET_SCHEDULED);
	assert_int_equal(f->followup_of, id);
	assert_int_equal(engine_ticket_get(b->e, id)->followup, fid);
	assert_int_equal(engine_next_deadline(b->e), due);
	fx_at(b, due - 1);
	assert_int_equal(fx_state(b, fid), TICKET_SCHEDULED);
	fx_at(b, due);
	assert_int_equal(fx_state(b, fid), TICKET_QUEUED);
	assert_int_equal(fx_count(b, "ticket.queued", fid), 1);
	fx_invariants(b);
	fx_free(b);

	/* Down past the time: it joins its queue at start, once. */
	c = fx_new();
	fx_restore(fx, due + 5 * MIN, c);
	f = engine_ticket_get(c->e, fid);
	assert_int_equal(f->state, TICKET_QUEUED);
	assert_int_equal(fx_count(c, "ticket.queued", fid), 1);
	ev = fx_last(c, "ticket.queued", fid);
	assert_int_equal(ev->time, due + 5 * MIN);
	assert_non_null(strstr(ev->data, "\"reason\":\"followup\""));
	assert_int_equal(f->created, due);
	fx_at(c, due + 2 * H);
	assert_int_equal(fx_count(c, "ticket.queued", fid), 1);
	fx_free(c);
}

static void
test_repeat_contact(void **state)
{
	struct fx		*fx = fx_new();
	const struct customer	*c;
	uint64_t		 a, b, d;
	hl_ms			 t0;

	*state = fx;
	fx_start(fx);
	t0 = fx->now;
	a = fx_create(fx, "billing", "rita", NULL);
	assert_int_equal(engine_ticket_get(fx->e, a)->repeat_contact, 0);
	c = engine_customer_get(fx->e, "rita");
	assert_int_equal(engine_customer_repeat(fx->e, c, fx->now), 0);
	fx->now = t0 + 20 * MIN;
	b = fx_create(fx, "tech", "rita", NULL);
	assert_int_equal(engine_ticket_get(fx->e, b)->repeat_contact, 1);
	assert_non_null(strstr(fx_last(fx, "ticket.created", b)->data,
	    "\"repeat_contact\":true"));
	assert_int_equal(engine_customer_repeat(fx->e, c, fx->now), 1);
	assert_int_equal(engine_customer_repeat(fx->e, c, t0 + 80 * MIN), 1);
	assert_int_equal(engine_customer_repeat(fx->e, c, t0 + 80 * MIN + 1),
	    0);
	/* More than the window after the last one: a new contact. */
	fx->now = t0 + 81 * MIN;
	d = fx_create(fx, "billing", "rita", NULL);
	assert_int_equal(engine_ticket_get(fx->e, d)->repeat_contact, 0);
	assert_int_equal(engine_customer_repeat(fx->e, c, fx->now), 0);
	assert_int_equal(fx_create(fx, "billing", "other", NULL), d + 1);
	assert_int_equal(engine_ticket_get(fx->e, d + 1)->repeat_contact, 0);
	/* A window of 0: nobody is ever a repeat contact. */
	fx->cfg.repeat_window = 0;
	assert_int_equal(engine_reconfigure(fx->e, &fx->cfg, NULL, 0),
	    ENGINE_OK);
	d = fx_create(fx, "billing", "rita", NULL);
	assert_int_equal(engine_ticket_get(fx->e, d)->repeat_contact, 0);
	assert_int_equal(engine_repeat_window(fx->e), 0);
	fx->cfg.repeat_window = -1;
	assert_int_equal(engine_check_config(&fx->cfg, NULL, 0), ENGINE_ERR);
}

/* Tickets that enter the complaints queue ("sales" here) count once. */
static void
test_complaint_count(void **state)
{
	struct fx		*fx = fx_new();
	const struct customer	*c;
	const struct ticket	*t;
	uint64_t		 a, b;

	*state = fx;
	fx_followup(fx, "all", T_STD, 0, "sales", MIN);
	fx_start(fx);
	a = fx_create(fx, "sales", "kim", NULL);
	c = engine_customer_get(fx->e, "kim");
	assert_int_equal(c->complaints, 1);
	t = engine_ticket_get(fx->e, a);
	assert_int_equal(t->complaint, 1);
	assert_int_equal(t->complaints, 1);
	b = fx_create(fx, "billing", "kim", NULL);
	t = engine_ticket_get(fx->e, b);
	assert_int_equal(t->complaint, 0);
	assert_int_equal(t->complaints, 1);
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &SUP, b,
	    "sales", NULL, 0), ENGINE_OK);
	assert_int_equal(t->complaint, 1);
	assert_int_equal(t->complaints, 2);
	assert_int_equal(c->complaints, 2);
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &SUP, b,
	    "billing", NULL, 0), ENGINE_OK);
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &SUP, b,
	    "sales", NULL, 0), ENGINE_OK);
	assert_int_equal(c->complaints, 2);
	/* A follow-up into the complaints queue is ours, not a complaint;
	 * it is not a contact either. */
	fx_agent(fx, "ann", "tech:1", NULL, 1);
	fx_ready(fx, "ann");
	a = fx_create(fx, "tech", "kim", NULL);
	fx_accept(fx, "ann", a);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, b,
	    NULL, 0), ENGINE_OK);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG,
	    b - 1, NULL, 0), ENGINE_OK);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &ANN, a, NULL,
	    NULL, 0), ENGINE_OK);
	b = engine_ticket_get(fx->e, a)->followup;
	assert_int_not_equal(b, 0);
	fx_at(fx, fx->now + MIN);
	t = engine_ticket_get(fx->e, b);
	assert_int_equal(t->state, TICKET_QUEUED);
	assert_string_equal(t->queue, "sales");
	assert_int_equal(t->complaint, 0);
	assert_int_equal(t->complaints, 2);
	assert_int_equal(t->repeat_contact, 0);
	assert_int_equal(c->complaints, 2);
	assert_int_equal(c->last_contact, fx->now - MIN);
}

/*
 * Standard tier: "group senior 30s if complaints >= 2, skilled"; silver:
 * "group senior 30s if repeat, skilled". A repeat complainer waits for
 * the seniors while a junior is free; others skip the step, and the
 * seniors are not eligible for them through it.
 */
static void
test_ladder_conditions(void **state)
{
	struct fx		*fx = fx_new();
	struct tier_def		*td;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id, other;
	int			 k;

	*state = fx;
	for (k = 0; k < 2; k++) {
		td = &fx->tiers[k];
		td->nsteps = 2;
		td->steps[0].kind = STEP_GROUP;
		snprintf(td->steps[0].group, ENGINE_NAME_MAX, "senior");
		td->steps[0].duration = 30 * S;
		td->steps[0].cond = k == 0 ? STEP_IF_COMPLAINTS :
		    STEP_IF_REPEAT;
		td->steps[0].cond_min = 2;
		td->steps[1].kind = STEP_SKILLED;
	}
	fx_start(fx);
	fx->check_offers = true;
	fx_agent(fx, "jr", "billing:1", NULL, 1);
	fx_agent(fx, "sr", "tech:5", "senior", 1);
	/* Two complaints on record (hung up: they count all the same). */
	id = fx_create(fx, "sales", "moaner", NULL);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, id,
	    err, sizeof err), ENGINE_OK);
	id = fx_create(fx, "sales", "moaner", NULL);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, id,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_customer_get(fx->e, "moaner")->complaints, 2);
	fx_ready(fx, "jr");
	fx_ready(fx, "sr");
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "sr", NULL,
	    err, sizeof err), ENGINE_OK);
	id = fx_create(fx, "billing", "moaner", NULL);
	assert_int_equal(engine_ticket_get(fx->e, id)->step, 0);
	assert_int_equal(fx_offer(fx, "jr"), 0);	/* the seniors' turn */
	fx_invariants(fx);
	/* One complaint: the step does not apply; jr at once. */
	other = fx_create(fx, "billing", "once", NULL);
	assert_int_equal(engine_ticket_get(fx->e, other)->step, 1);
	assert_int_equal(fx_offer(fx, "jr"), other);
	fx_finish(fx, "jr", other);
	fx_ready(fx, "jr");
	assert_int_equal(fx_offer(fx, "jr"), 0);
	fx_ready(fx, "sr");
	assert_int_equal(fx_offer(fx, "sr"), id);	/* senior, any queue */
	fx_finish(fx, "sr", id);
	/* Past the step, jr may take it (sr's offer withdrawn by a break). */
	id = fx_create(fx, "billing", "moaner", NULL);
	assert_int_equal(fx_offer(fx, "jr"), 0);
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "sr", NULL,
	    err, sizeof err), ENGINE_OK);
	fx_at(fx, fx->now + 30 * S);
	assert_int_equal(fx_offer(fx, "jr"), id);
	fx_finish(fx, "jr", id);
	fx_ready(fx, "jr");

	/* No seniority for others: a free senior is not eligible through a
	 * step that does not apply (no billing skill). */
	fx_ready(fx, "sr");
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "jr", NULL,
	    err, sizeof err), ENGINE_OK);
	other = fx_create(fx, "billing", "calm", NULL);
	assert_int_equal(fx_offer(fx, "sr"), 0);
	fx_at(fx, fx->now + H);
	assert_int_equal(fx_offer(fx, "sr"), 0);
	assert_int_equal(fx_state(fx, other), TICKET_QUEUED);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, other,
	    NULL, 0), ENGINE_OK);

	/* Silver: the second call within the window goes to the seniors. */
	id = fx_create(fx, "billing", "again", T_SILVER);
	assert_int_equal(engine_ticket_get(fx->e, id)->step, 1);
	assert_int_equal(fx_offer(fx, "sr"), 0);
	other = fx_create(fx, "billing", "again", T_SILVER);
	assert_int_equal(engine_ticket_get(fx->e, other)->repeat_contact, 1);
	assert_int_equal(engine_ticket_get(fx->e, other)->step, 0);
	assert_int_equal(fx_offer(fx, "sr"), other);
	fx_invariants(fx);

	/* The last step may not be conditional; complaints from 1. */
	fx->tiers[1].steps[1].cond = STEP_IF_REPEAT;
	assert_int_equal(engine_check_config(&fx->cfg, err, sizeof err),
	    ENGINE_ERR);
	assert_non_null(strstr(err, "last ladder step"));
	fx->tiers[1].steps[1].cond = STEP_ALWAYS;
	fx->tiers[0].steps[0].cond_min = 0;
	assert_int_equal(engine_check_config(&fx->cfg, err, sizeof err),
	    ENGINE_ERR);
}

/* Complaints and the last contact come back from every ticket kept. */
static void
test_insight_restore(void **state)
{
	struct fx		*fx = fx_new(), *b;
	const struct customer	*c;
	uint64_t		 a, id;

	*state = fx;
	fx->snap = true;
	fx_start(fx);
	fx_agent(fx, "ann", "sales:1,billing:1", NULL, 1);
	fx_ready(fx, "ann");
	a = fx_create(fx, "sales", "kim", NULL);
	fx_finish(fx, "ann", a);		/* closed: gone from memory */
	fx_ready(fx, "ann");
	fx->now += 10 * MIN;
	a = fx_create(fx, "sales", "kim", NULL);
	fx_finish(fx, "ann", a);
	fx_ready(fx, "ann");
	id = fx_create(fx, "tech", "kim", NULL);	/* open, nobody there */
	assert_int_equal(engine_ticket_get(fx->e, id)->complaints, 2);
	assert_int_equal(engine_ticket_get(fx->e, id)->repeat_contact, 1);

	b = fx_new();
	fx_restore(fx, fx->now + MIN, b);
	c = engine_customer_get(b->e, "kim");
	assert_int_equal(c->complaints, 2);
	assert_int_equal(c->last_contact, fx->now);
	assert_int_equal(engine_customer_repeat(b->e, c, b->now), 1);
	assert_int_equal(engine_ticket_get(b->e, id)->complaints, 2);
	assert_int_equal(engine_ticket_get(b->e, id)->repeat_contact, 1);
	/* The next call is a repeat, and a new complaint makes three. */
	a = fx_create(b, "sales", "kim", NULL);
	assert_int_equal(engine_ticket_get(b->e, a)->repeat_contact, 1);
	assert_int_equal(c->complaints, 3);
	fx_free(b);

	/* Restarted after the window: complaints stay, the flag goes. */
	b = fx_new();
	fx_restore(fx, fx->now + 2 * H, b);
	c = engine_customer_get(b->e, "kim");
	assert_int_equal(c->complaints, 2);
	assert_int_equal(c->last_contact, 0);
	assert_int_equal(engine_customer_repeat(b->e, c, b->now), 0);
	a = fx_create(b, "billing", "kim", NULL);
	assert_int_equal(engine_ticket_get(b->e, a)->repeat_contact, 0);
	assert_int_equal(engine_restore_complaints(b->e, "nobody", 1), -1);
	assert_int_equal(engine_restore_contact(b->e, "nobody", 1, 0), -1);
	fx_free(b);
}

const struct CMUnitTest test_engine_followup_tests[] = {
	cmocka_unit_test_teardown(test_followup_after_delay, teardown),
	cmocka_unit_test_teardown(test_followup_rules, teardown),
	cmocka_unit_test_teardown(test_followup_close_skip_cancel, teardown),
	cmocka_unit_test_teardown(test_followup_restore, teardown),
	cmocka_unit_test_teardown(test_repeat_contact, teardown),
	cmocka_unit_test_teardown(test_complaint_count, teardown),
	cmocka_unit_test_teardown(test_ladder_conditions, teardown),
	cmocka_unit_test_teardown(test_insight_restore, teardown),
};
const size_t test_engine_followup_ntests =
    sizeof test_engine_followup_tests / sizeof test_engine_followup_tests[0];
