/*
 * sla.c: the SLA clocks of a ticket, their thresholds (warning, breach,
 * escalation steps) and what firing one does. A ticket has one SLA timer,
 * armed at the earliest unfired threshold of a clock that runs; instants
 * in business time come from cal_add_business, so nothing polls or scans.
 *
 * answer: from created, wall time (business time if the queue says so),
 * stops at the first ACCEPT. resolve: business time of the queue's
 * calendar counted as resolve_used up to clock_mark, plus the running
 * part from clock_mark while the ticket is queued, offered or active;
 * stopped while pending, ends at RESOLVE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* Thresholds: 0 answer warning, 1 answer breach, 2 resolve warning,
 * 3 resolve breach (bit 1 << k), then 4 + i for escalation step i. */
#define SLA_NTHR	(4 + ENGINE_MAX_SLA_STEPS)
#define SLA_LOOP_MAX	64	/* thresholds fired in one go, at most */

struct sla_thr {
	enum sla_clock	clock;
	hl_ms		amount;		/* time on its clock */
	uint32_t	bit;
};

static const char *
sla_clock_name(enum sla_clock c)
{
	return (c == SLA_ANSWER ? "answer" : "resolve");
}

const struct sla_policy *
sla_policy(const struct ticket_private *t)
{
	return (t->q->sla[t->tier]);
}

static bool
sla_thr(const struct sla_policy *p, int k, struct sla_thr *th)
{
	const struct sla_step	*s;
	hl_ms			 target;

	if (p == NULL)
		return (false);
	if (k < 4) {
		th->clock = k < 2 ? SLA_ANSWER : SLA_RESOLVE;
		target = k < 2 ? p->answer : p->resolve;
		if (target <= 0)
			return (false);
		th->amount = (k & 1) ? target : target * p->warning / 100;
		th->bit = 1u << k;
		return (true);
	}
	if (k - 4 >= p->nsteps)
		return (false);
	s = &p->steps[k - 4];
	th->clock = s->clock;
	target = s->clock == SLA_ANSWER ? p->answer : p->resolve;
	if (s->percent > 0) {
		if (target <= 0)
			return (false);
		th->amount = target * s->percent / 100;
	} else
		th->amount = s->after;
	th->bit = SLA_FIRED_STEP(k - 4);
	return (true);
}

/* Open: not resolved, closed or abandoned (the latter are not in memory). */
static bool
sla_open(const struct ticket_private *t)
{
	return (t->t.state == TICKET_QUEUED || t->t.state == TICKET_OFFERED ||
	    t->t.state == TICKET_ACTIVE || t->t.state == TICKET_PENDING);
}

static bool
sla_resolve_state(enum ticket_state st)
{
	return (st == TICKET_QUEUED || st == TICKET_OFFERED ||
	    st == TICKET_ACTIVE);
}

static bool
sla_runs(const struct ticket_private *t, enum sla_clock c)
{
	if (c == SLA_ANSWER)
		return (t->t.accepted_at == 0 &&
		    (t->t.state == TICKET_QUEUED ||
		    t->t.state == TICKET_OFFERED));
	return (sla_resolve_state(t->t.state));
}

/* A clock that can still move: answer until accepted, resolve until
 * resolved (a pending ticket's resolve clock is stopped, not finished). */
static bool
sla_live(const struct ticket_private *t, enum sla_clock c)
{
	if (c == SLA_ANSWER)
		return (t->t.accepted_at == 0 && sla_open(t));
	return (sla_open(t));
}

static const struct calendar *
sla_cal(const struct ticket_private *t, enum sla_clock c)
{
	if (c == SLA_ANSWER && !t->q->def.answer_business)
		return (NULL);
	return (t->q->cal);
}

/* Business ms in [a, b); a NULL calendar is open 24/7. */
static hl_ms
sla_span(const struct calendar *cal, hl_ms a, hl_ms b)
{
	if (b <= a)
		return (0);
	return (cal != NULL ? cal_business_ms(cal, a, b) : b - a);
}

/* The instant d business ms after a (INT64_MAX: never). */
static hl_ms
sla_add(const struct calendar *cal, hl_ms a, hl_ms d)
{
	if (d <= 0)
		return (a);
	if (cal != NULL)
		return (cal_add_business(cal, a, d));
	return (a > INT64_MAX - d ? INT64_MAX : a + d);
}

static hl_ms
sla_elapsed(const struct ticket_private *t, enum sla_clock c, hl_ms now)
{
	const struct calendar	*cal = sla_cal(t, c);

	if (c == SLA_ANSWER) {
		if (t->t.accepted_at != 0)
			now = t->t.accepted_at;
		return (sla_span(cal, t->t.created, now));
	}
	return (t->t.resolve_used + (sla_runs(t, SLA_RESOLVE) ?
	    sla_span(cal, t->t.clock_mark, now) : 0));
}

/* When a running clock reaches amount. */
static hl_ms
sla_instant(const struct ticket_private *t, enum sla_clock c, hl_ms amount)
{
	const struct calendar	*cal = sla_cal(t, c);

	if (c == SLA_ANSWER)
		return (sla_add(cal, t->t.created, amount));
	return (sla_add(cal, t->t.clock_mark, amount - t->t.resolve_used));
}

/*
 * The next unfired threshold of a running clock, as an index (or -1) and
 * an instant. A clock's instants grow with its amounts, so only the
 * smallest unfired amount per clock is turned into an instant: at most
 * two calendar walks. Ties go to the lower index (warning, breach, steps).
 */
static int
sla_next(const struct ticket_private *t, hl_ms *at)
{
	const struct sla_policy	*p = sla_policy(t);
	struct sla_thr		 th;
	hl_ms			 amount[2] = { 0, 0 }, when[2];
	int			 best[2] = { -1, -1 }, k, c;

	for (k = 0; k < SLA_NTHR; k++) {
		if (!sla_thr(p, k, &th) || (t->t.sla_fired & th.bit) != 0 ||
		    !sla_runs(t, th.clock))
			continue;
		c = (int)th.clock;
		if (best[c] < 0 || th.amount < amount[c]) {
			best[c] = k;
			amount[c] = th.amount;
		}
	}
	for (c = 0; c < 2; c++) {
		when[c] = best[c] < 0 ? INT64_MAX :
		    sla_instant(t, (enum sla_clock)c, amount[c]);
		if (when[c] == INT64_MAX)
			best[c] = -1;
	}
	if (best[0] < 0 && best[1] < 0)
		return (-1);
	c = best[0] < 0 ? 1 : best[1] < 0 ? 0 :
	    when[1] < when[0] || (when[1] == when[0] && best[1] < best[0]);
	*at = when[c];
	return (best[c]);
}

/* (Re)arm the ticket's SLA timer; an unchanged instant keeps its turn. */
static void
sla_arm(struct engine *e, struct ticket_private *t)
{
	hl_ms	at;

	if (!sla_open(t) || sla_next(t, &at) < 0) {
		tmr_cancel(&e->timers, &t->tm_sla);
		return;
	}
	if (t->tm_sla != IDX_NONE && e->timers.v[t->tm_sla].at == at)
		return;
	tmr_arm(&e->timers, at, TMR_SLA, t, &t->tm_sla);
}

/* The dues of the clocks still running, from the policy in force. */
static void
sla_dues(struct ticket_private *t)
{
	const struct sla_policy	*p = sla_policy(t);

	if (t->t.accepted_at == 0)
		t->t.answer_due = p != NULL && p->answer > 0 ?
		    sla_instant(t, SLA_ANSWER, p->answer) : 0;
	if (t->t.state == TICKET_PENDING)
		t->t.resolve_due = 0;
	else if (sla_runs(t, SLA_RESOLVE))
		t->t.resolve_due = p != NULL && p->resolve > 0 ?
		    sla_instant(t, SLA_RESOLVE, p->resolve) : 0;
}

/* A new ticket: both clocks start at created. */
void
sla_start(struct engine *e, struct ticket_private *t)
{
	t->tm_sla = IDX_NONE;
	t->t.resolve_used = 0;
	t->t.clock_mark = t->t.created;
	t->t.paused = 0;
	t->t.sla_fired = 0;
	t->t.escalations = 0;
	sla_dues(t);
	sla_arm(e, t);
}

/*
 * The ticket's state just changed from `from`: stop the resolve clock
 * (pending, resolved), or restart it after a pending spell, whose wall
 * time adds to paused.
 */
void
sla_state(struct engine *e, struct ticket_private *t, enum ticket_state from,
    hl_ms now)
{
	bool	was = sla_resolve_state(from);
	bool	is = sla_resolve_state(t->t.state);

	eng_work(t, from, now);
	if (was && !is) {
		t->t.resolve_used += sla_span(sla_cal(t, SLA_RESOLVE),
		    t->t.clock_mark, now);
		if (now > t->t.clock_mark)
			t->t.clock_mark = now;
	}
	if (from == TICKET_PENDING && t->t.state != TICKET_PENDING) {
		if (now > t->t.clock_mark) {
			t->t.paused += now - t->t.clock_mark;
			t->t.clock_mark = now;
		}
	}
	if (t->t.state == TICKET_PENDING || (is && !was))
		sla_dues(t);
	if (sla_open(t))
		sla_arm(e, t);
	else
		tmr_cancel(&e->timers, &t->tm_sla);
}

/* The first ACCEPT answers the ticket (the state change already stopped
 * its answer clock): counted for the service level. The fact, filled in
 * f, is the accept event's; NULL when it is not the first. */
const struct engine_fact *
sla_accepted(struct engine *e, struct ticket_private *t, hl_ms now,
    bool first, struct engine_fact *f)
{
	bool	in_target = t->t.answer_due == 0 || now <= t->t.answer_due;

	if (!first)
		return (NULL);
	sl_count(e, t, now, SL_ANSWERED, now - t->t.created, in_target);
	return (eng_fact(f, FACT_ANSWERED, &t->t, NULL, t->t.agent,
	    now - t->t.created, in_target));
}

/* Never answered: abandoned, or short-abandoned below the threshold.
 * The fact (in f) is the abandon event's; NULL if it was answered. */
const struct engine_fact *
sla_abandoned(struct engine *e, struct ticket_private *t, hl_ms now,
    struct engine_fact *f)
{
	bool	is_short = now - t->t.created < e->short_abandon;

	if (t->t.accepted_at != 0)
		return (NULL);
	sl_count(e, t, now, is_short ? SL_SHORT_ABANDONED : SL_ABANDONED, 0,
	    false);
	return (eng_fact(f, is_short ? FACT_SHORT_ABANDONED : FACT_ABANDONED,
	    &t->t, NULL, NULL, now - t->t.created, 0));
}

/* Before the queue (so the calendar) or the tier changes: count the
 * resolve clock up to now in the calendar in force. */
void
sla_bring(struct engine *e, struct ticket_private *t, hl_ms now)
{
	(void)e;
	if (!sla_runs(t, SLA_RESOLVE) || now <= t->t.clock_mark)
		return;
	t->t.resolve_used += sla_span(sla_cal(t, SLA_RESOLVE),
	    t->t.clock_mark, now);
	t->t.clock_mark = now;
}

/*
 * Fired bits whose threshold is not reached under the policy now in
 * force are cleared, so they fire at the new instant; reached ones stay,
 * so nothing fires twice for a target that did not grow.
 */
static void
sla_rebit(struct ticket_private *t, hl_ms now)
{
	const struct sla_policy	*p = sla_policy(t);
	struct sla_thr		 th;
	int			 k;

	for (k = 0; k < SLA_NTHR; k++) {
		if (!sla_thr(p, k, &th) || (t->t.sla_fired & th.bit) == 0 ||
		    !sla_live(t, th.clock))
			continue;
		if (sla_elapsed(t, th.clock, now) < th.amount)
			t->t.sla_fired &= ~th.bit;
	}
}

/* After a tier or queue change (sla_bring before it): new dues, bits. */
void
sla_retarget(struct engine *e, struct ticket_private *t, hl_ms now)
{
	if (!sla_open(t))
		return;
	sla_dues(t);
	sla_rebit(t, now);
	sla_arm(e, t);
}

static void
sla_fire_mark(struct engine *e, struct ticket_private *t, int k,
    const struct sla_thr *th, hl_ms now)
{
	const struct sla_policy	*p = sla_policy(t);
	bool			 breach = (k & 1) != 0;
	struct engine_fact	 f;
	const struct engine_fact *fact = NULL;

	t->t.sla_fired |= th->bit;
	ejson_begin(&e->json);
	ejson_str(&e->json, "clock", sla_clock_name(th->clock));
	ejson_int(&e->json, "target_ms", th->clock == SLA_ANSWER ? p->answer :
	    p->resolve);
	ejson_int(&e->json, "due", th->clock == SLA_ANSWER ? t->t.answer_due :
	    t->t.resolve_due);
	ejson_int(&e->json, "elapsed_ms", sla_elapsed(t, th->clock, now));
	if (breach) {
		sl_count(e, t, now, th->clock == SLA_ANSWER ? SL_BREACH :
		    SL_RESOLVE_BREACH, 0, false);
		fact = eng_fact(&f, th->clock == SLA_ANSWER ?
		    FACT_ANSWER_BREACH : FACT_RESOLVE_BREACH, &t->t, NULL,
		    t->t.agent, 0, 0);
	}
	eng_emit_ticket(e, now, "system", breach ? EV_SLA_BREACH :
	    EV_SLA_WARNING, t, t->t.agent, ejson_end(&e->json), fact);
}

static void
sla_actions(struct engine *e, int actions)
{
	ejson_array(&e->json, "actions");
	if (actions & SLA_NOTIFY)
		ejson_str(&e->json, NULL, "notify");
	if (actions & SLA_PAGE)
		ejson_str(&e->json, NULL, "page");
	if (actions & SLA_BOOST)
		ejson_str(&e->json, NULL, "boost");
	if (actions & SLA_OVERFLOW)
		ejson_str(&e->json, NULL, "overflow");
	ejson_close(&e->json);
}

static const char *
sla_manager(const struct ticket_private *t)
{
	return (t->cust != NULL && t->cust->c.manager[0] != '\0' ?
	    t->cust->c.manager : NULL);
}

/* One escalation step: one ticket.escalated, whatever its actions. */
static void
sla_fire_step(struct engine *e, struct ticket_private *t, int i,
    const struct sla_thr *th, hl_ms now)
{
	const struct sla_step	*s = &sla_policy(t)->steps[i];
	const char		*mgr = NULL;
	struct queue		*oq = NULL;
	struct engine_fact	 f;

	t->t.sla_fired |= th->bit;
	t->t.escalations++;
	if (s->actions & SLA_BOOST) {
		t->t.boost += s->boost;
		route_rekey(e, t);	/* waiting tickets reorder at once */
	}
	if (s->actions & SLA_PAGE)
		mgr = sla_manager(t);
	if ((s->actions & SLA_OVERFLOW) &&
	    (oq = eng_queue(e, s->overflow)) != NULL &&
	    (oq->retired || oq == t->q))
		oq = NULL;
	ejson_begin(&e->json);
	ejson_int(&e->json, "step", i);
	ejson_str(&e->json, "clock", sla_clock_name(th->clock));
	sla_actions(e, s->actions);
	if (s->actions & SLA_BOOST) {
		ejson_int(&e->json, "boost", s->boost);
		ejson_int(&e->json, "priority", t->eprio);
	}
	if (s->actions & SLA_OVERFLOW)
		ejson_str(&e->json, "overflow", s->overflow);
	if (s->actions & SLA_PAGE)
		ejson_str(&e->json, "manager", mgr != NULL ? mgr : "");
	ejson_int(&e->json, "elapsed_ms", sla_elapsed(t, th->clock, now));
	eng_emit_ticket(e, now, "system", EV_TICKET_ESCALATED, t, mgr,
	    ejson_end(&e->json), eng_fact(&f, FACT_ESCALATED, &t->t, NULL,
	    t->t.agent, 0, 0));
	if (oq != NULL)
		ticket_move(e, t, oq, now, "system", "overflow");
}

/*
 * Fire, in time order, every unfired threshold due by `upto`, each as of
 * now (the event time). An overflow re-targets the ticket: its thresholds
 * are looked at afresh after each one. Each threshold fires once per
 * target, so the loop is short; were it not (a bug), the ticket's SLA
 * timer stops rather than the engine spinning on a deadline in the past.
 */
static void
sla_fire(struct engine *e, struct ticket_private *t, hl_ms upto, hl_ms now)
{
	struct sla_thr	th;
	hl_ms		at;
	int		k, n;

	for (n = 0; n < SLA_LOOP_MAX && sla_open(t); n++) {
		if ((k = sla_next(t, &at)) < 0 || at > upto)
			break;
		sla_thr(sla_policy(t), k, &th);
		if (k < 4)
			sla_fire_mark(e, t, k, &th, now);
		else
			sla_fire_step(e, t, k - 4, &th, now);
	}
	if (n == SLA_LOOP_MAX && sla_next(t, &at) >= 0 && at <= upto) {
		tmr_cancel(&e->timers, &t->tm_sla);
		return;
	}
	sla_arm(e, t);
}

/* The timer: thresholds up to its deadline at (later ones re-arm, so
 * that a long advance or a restart fires them in order across tickets). */
void
sla_due(struct engine *e, struct ticket_private *t, hl_ms at, hl_ms now)
{
	sla_fire(e, t, at, now);
}

/* After a command changed the clocks: what is already due fires now. */
void
sla_check(struct engine *e, struct ticket_private *t, hl_ms now)
{
	if (t->tm_sla != IDX_NONE && e->timers.v[t->tm_sla].at <= now)
		sla_fire(e, t, now, now);
}

static void
sla_emit_changed(struct engine *e, struct ticket_private *t, hl_ms now,
    const char *reason)
{
	ejson_begin(&e->json);
	ejson_str(&e->json, "reason", reason);
	ejson_int(&e->json, "answer_due", t->t.answer_due);
	ejson_int(&e->json, "resolve_due", t->t.resolve_due);
	ejson_int(&e->json, "resolve_used", t->t.resolve_used);
	eng_emit_ticket(e, now, "system", EV_TICKET_SLA_CHANGED, t, NULL,
	    ejson_end(&e->json), NULL);
}

static bool
sla_same(const struct ticket *a, const struct ticket *b)
{
	return (a->answer_due == b->answer_due &&
	    a->resolve_due == b->resolve_due &&
	    a->resolve_used == b->resolve_used &&
	    a->clock_mark == b->clock_mark && a->paused == b->paused &&
	    a->sla_fired == b->sla_fired);
}

/*
 * Recovery: the stored clocks are kept; dues follow the configuration now
 * in force. Thresholds that fell due while the daemon was down are armed
 * in the past and fire once, in order, when engine_restore_done advances.
 */
void
sla_restore(struct engine *e, struct ticket_private *t, hl_ms now)
{
	struct ticket	old = t->t;

	if (t->t.clock_mark == 0)		/* stored before SLA clocks */
		t->t.clock_mark = t->t.created;
	if (!sla_open(t))
		return;
	sla_dues(t);
	sla_rebit(t, now);
	sla_arm(e, t);
	if (!sla_same(&old, &t->t))
		sla_emit_changed(e, t, now, "recovered");
}

/* Before a reload swaps calendars: clocks of queues whose calendar
 * changes are counted up to now in the old one. */
void
sla_reconfigure_begin(struct engine *e, const struct engine_config *cfg)
{
	struct ticket_private	*t;
	struct queue		*q;
	const char		*name;
	const struct calendar	*nc;
	size_t			 i;
	int			 k, j;

	for (k = 0; k < e->nqueues; k++) {
		q = e->queues[k];
		name = q->def.calendar;
		for (j = 0; j < cfg->nqueues; j++) {
			if (strcmp(cfg->queues[j].name, q->def.name) == 0)
				name = cfg->queues[j].calendar;
		}
		nc = NULL;
		for (j = 0; *name != '\0' && j < cfg->ncalendars; j++) {
			if (strcmp(cfg->calendars[j].name, name) == 0)
				nc = &cfg->calendars[j];
		}
		q->cal_changed = !sla_cal_equal(q->cal, nc);
	}
	for (i = 0; (t = hmap_next(&e->tickets, &i)) != NULL;) {
		if (t->q->cal_changed)
			sla_bring(e, t, e->clock);
	}
}

/* After: every open ticket re-targeted at once (O(n), reloads are rare). */
void
sla_reconfigure_end(struct engine *e)
{
	struct ticket_private	*t;
	struct ticket		 old;
	size_t			 i;

	for (i = 0; (t = hmap_next(&e->tickets, &i)) != NULL;) {
		if (!sla_open(t))
			continue;
		old = t->t;
		sla_retarget(e, t, e->clock);
		if (!sla_same(&old, &t->t) ||
		    (t->q->cal_changed && sla_runs(t, SLA_RESOLVE)))
			sla_emit_changed(e, t, e->clock, "reconfigured");
	}
	for (i = 0; i < (size_t)e->nqueues; i++)
		e->queues[i]->cal_changed = false;
}

/* TICKET ESCALATE: supervisors and admins, on open tickets. */
int
engine_ticket_escalate(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, const char *reason, char *err)
{
	struct ticket_private	*t;
	const char		*mgr;
	struct engine_fact	 f;

	eng_clock(e, now);
	if ((t = eng_ticket(e, id)) == NULL) {
		eng_err(err, "no such ticket %llu", (unsigned long long)id);
		return (ENGINE_NOTFOUND);
	}
	if (ac != NULL && (ac->role & ROLE_MANAGE) == 0) {
		eng_err(err, "only supervisors may escalate ticket %llu",
		    (unsigned long long)id);
		return (ENGINE_NOPERM);
	}
	if (!sla_open(t)) {
		eng_err(err, "ticket %llu is %s, not open",
		    (unsigned long long)id, ticket_state_name(t->t.state));
		return (ENGINE_BADSTATE);
	}
	mgr = sla_manager(t);
	t->t.escalations++;
	ejson_begin(&e->json);
	ejson_bool(&e->json, "manual", true);
	ejson_str(&e->json, "reason", reason != NULL ? reason : "");
	ejson_array(&e->json, "actions");
	ejson_str(&e->json, NULL, "notify");
	ejson_str(&e->json, NULL, "page");
	ejson_close(&e->json);
	ejson_str(&e->json, "manager", mgr != NULL ? mgr : "");
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_ESCALATED, t, mgr,
	    ejson_end(&e->json), eng_fact(&f, FACT_ESCALATED, &t->t, NULL,
	    t->t.agent, 0, 1));
	return (ENGINE_OK);
}

/* Engine tickets use their cached policy; copies are looked up. */
const struct sla_policy *
engine_ticket_sla(const struct engine *e, const struct ticket *t)
{
	const struct ticket_private	*p = eng_ticket(e, t->id);
	const struct queue		*q;
	int				 i;

	if (p != NULL && &p->t == t)
		return (sla_policy(p));
	if ((q = eng_queue(e, t->queue)) == NULL)
		return (NULL);
	i = eng_tier_index(e, t->tier);
	return (q->sla[i < 0 ? 0 : i]);
}

hl_ms
engine_ticket_resolve_elapsed(const struct engine *e, const struct ticket *t,
    hl_ms now)
{
	const struct queue	*q = eng_queue(e, t->queue);

	if (!sla_resolve_state(t->state) || now <= t->clock_mark)
		return (t->resolve_used);
	return (t->resolve_used + sla_span(q != NULL ? q->cal : NULL,
	    t->clock_mark, now));
}
