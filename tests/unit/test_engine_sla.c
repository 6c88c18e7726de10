/*
 * test_engine_sla.c: SLA clocks in business time (nights, weekends, a
 * holiday, several spans a day, 24:00, DST), pause while pending,
 * re-targeting, the escalation ladder (notify, boost, overflow, page),
 * once-only firing, manual escalation, service-level counters, reloads
 * and recovery. Zones are built by hand: no file I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

#define S	1000LL
#define MIN	(60 * S)
#define H	(60 * MIN)

/* Europe/Paris in 2026: CEST from 03-29T01:00Z to 10-25T01:00Z. */
static const int64_t	paris_at[] = { 1774746000000LL, 1792890000000LL };
static const int32_t	paris_off[] = { 7200, 3600 };
static const struct cal_zone paris = { 2, paris_at, paris_off, 3600 };

static hl_ms
utc(int y, int mo, int d, int h, int mi)
{
	return (cal_days_from_civil(y, mo, d) * CAL_DAY_MS + h * H + mi * MIN);
}

static bool
sla_event(const struct tev *ev)
{
	return (strcmp(ev->type, "sla.warning") == 0 ||
	    strcmp(ev->type, "sla.breach") == 0 ||
	    strcmp(ev->type, "ticket.escalated") == 0);
}

/* SLA events (warning, breach, escalated) in the order expected. */
struct want {
	const char	*type;
	uint64_t	 id;
	hl_ms		 time;
	const char	*has;		/* in data, or NULL */
};

static void
expect_sla(const struct fx *fx, const struct want *w, size_t n)
{
	const struct tev	*ev;
	size_t			 i, k = 0;

	for (i = 0; i < fx->nev; i++) {
		if (!sla_event(&fx->ev[i]))
			continue;
		ev = &fx->ev[i];
		if (k == n)
			fail_msg("extra %s for %llu at %lld: %s", ev->type,
			    (unsigned long long)ev->ticket,
			    (long long)ev->time, ev->data);
		if (strcmp(ev->type, w[k].type) != 0 || ev->ticket != w[k].id ||
		    ev->time != w[k].time || (w[k].has != NULL &&
		    strstr(ev->data, w[k].has) == NULL))
			fail_msg("event %zu: got %s %llu at %lld %s, want %s "
			    "%llu at %lld %s", k, ev->type,
			    (unsigned long long)ev->ticket, (long long)ev->time,
			    ev->data, w[k].type, (unsigned long long)w[k].id,
			    (long long)w[k].time, w[k].has ? w[k].has : "");
		k++;
	}
	if (k != n)
		fail_msg("%zu SLA events, want %zu", k, n);
}

static size_t
count_sla(const struct fx *fx, uint64_t id)
{
	size_t	i, n = 0;

	for (i = 0; i < fx->nev; i++) {
		if (sla_event(&fx->ev[i]) &&
		    (id == 0 || fx->ev[i].ticket == id))
			n++;
	}
	return (n);
}

static const struct ticket *
tk(const struct fx *fx, uint64_t id)
{
	const struct ticket	*t = engine_ticket_get(fx->e, id);

	assert_non_null(t);
	return (t);
}

static int
sla_setup(void **state)
{
	struct fx	*fx = fx_new();

	fx->check_sla = true;
	*state = fx;
	return (0);
}

static int
sla_teardown(void **state)
{
	fx_free(*state);
	return (0);
}

static void
test_sla_config(void **state)
{
	struct fx		*fx = *state;
	struct engine_config	 cfg;
	struct sla_policy	*p, *q, save;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 a, b, c;

	fx_calendar(fx, "office", NULL, "mon-fri", "09:00-18:00");
	fx_queue_calendar(fx, "billing", "office", 0);
	p = fx_sla(fx, T_STD, "", 60 * S, H, 80);
	q = fx_sla(fx, T_STD, "billing", 30 * S, H, 80);
	fx_sla_step(q, SLA_ANSWER, 50, 0, SLA_OVERFLOW, 0, "sales");
	assert_int_equal(engine_check_config(&fx->cfg, err, sizeof err),
	    ENGINE_OK);
	cfg = fx->cfg;

#define BAD(what) do {							\
	assert_int_equal(engine_check_config(&cfg, err, sizeof err),	\
	    ENGINE_ERR);						\
	assert_non_null(strstr(err, what));				\
	assert_null(engine_new(&cfg, fx_emit, fx));			\
} while (0)
	save = *q;
	snprintf(fx->queues[0].calendar, ENGINE_NAME_MAX, "nope");
	BAD("calendar");
	snprintf(fx->queues[0].calendar, ENGINE_NAME_MAX, "office");
	snprintf(q->tier, ENGINE_NAME_MAX, "platinum");
	BAD("tier");
	*q = save;
	snprintf(q->queue, ENGINE_NAME_MAX, "nope");
	BAD("queue");
	*q = save;
	q->warning = 0;
	BAD("warning");
	q->warning = 101;
	BAD("warning");
	*q = save;
	snprintf(q->steps[0].overflow, ENGINE_NAME_MAX, "nope");
	BAD("overflow");
	*q = save;
	q->answer = 0;
	BAD("step 0");
	*q = save;
	q->steps[0].actions = SLA_BOOST;
	BAD("boost");
	*q = save;
	snprintf(q->queue, ENGINE_NAME_MAX, "%s", "");
	BAD("twice");
	*q = save;
	fx->cals[0].nspans[0] = fx->cals[0].nspans[4] = 0;
	fx->cals[0].nspans[1] = fx->cals[0].nspans[2] = 0;
	fx->cals[0].nspans[3] = 0;
	BAD("never open");
	fx_hours(&fx->cals[0], "mon-fri", "09:00-18:00");
	cfg.short_abandon = -1;
	BAD("short_abandon");
#undef BAD

	/* The queue's own policy wins; the tier's elsewhere; none else. */
	fx_start(fx);
	a = fx_create(fx, "billing", "c1", T_STD);
	b = fx_create(fx, "sales", "c1", T_STD);
	c = fx_create(fx, "sales", "c1", T_SILVER);
	assert_int_equal(engine_ticket_sla(fx->e, tk(fx, a))->answer, 30 * S);
	assert_int_equal(engine_ticket_sla(fx->e, tk(fx, b))->answer, 60 * S);
	assert_null(engine_ticket_sla(fx->e, tk(fx, c)));
	assert_int_equal(tk(fx, a)->answer_due, fx->now + 30 * S);
	assert_int_equal(tk(fx, b)->answer_due, fx->now + 60 * S);
	assert_int_equal(tk(fx, c)->answer_due, 0);
	assert_int_equal(tk(fx, c)->resolve_due, 0);
	(void)p;
}

/* Office hours with a lunch break: Friday evening to Monday. */
static void
test_sla_business_week(void **state)
{
	struct fx		*fx = *state;
	struct sla_policy	*p;
	uint64_t		 id;
	hl_ms			 fri = utc(2026, 3, 6, 17, 0);

	fx_calendar(fx, "office", NULL, "mon-fri", "09:00-12:00,13:00-18:00");
	fx_queue_calendar(fx, "billing", "office", 1);
	p = fx_sla(fx, T_STD, "", 2 * H, 5 * H, 80);
	fx_sla_step(p, SLA_ANSWER, 90, 0, SLA_NOTIFY, 0, NULL);
	fx_sla_step(p, SLA_RESOLVE, 0, 30 * MIN, SLA_NOTIFY, 0, NULL);
	fx_start(fx);
	fx->now = fri;
	id = fx_create(fx, "billing", "c1", NULL);
	assert_int_equal(tk(fx, id)->answer_due, utc(2026, 3, 9, 10, 0));
	assert_int_equal(tk(fx, id)->resolve_due, utc(2026, 3, 9, 14, 0));
	/* One timer, at the first threshold: nothing polls. */
	assert_int_equal(engine_next_deadline(fx->e), fri + 30 * MIN);
	assert_int_equal(engine_ticket_resolve_elapsed(fx->e, tk(fx, id),
	    utc(2026, 3, 8, 12, 0)), H);
	fx_at(fx, utc(2026, 3, 9, 8, 59));
	assert_int_equal(count_sla(fx, 0), 1);
	assert_int_equal(engine_next_deadline(fx->e), utc(2026, 3, 9, 9, 36));
	fx_at(fx, utc(2026, 3, 9, 15, 0));
	{
		const struct want w[] = {
			{ "ticket.escalated", id, fri + 30 * MIN,
			    "\"clock\":\"resolve\"" },
			{ "sla.warning", id, utc(2026, 3, 9, 9, 36),
			    "\"clock\":\"answer\"" },
			{ "ticket.escalated", id, utc(2026, 3, 9, 9, 48),
			    "\"step\":0" },
			{ "sla.breach", id, utc(2026, 3, 9, 10, 0),
			    "\"elapsed_ms\":7200000" },
			{ "sla.warning", id, utc(2026, 3, 9, 12, 0),
			    "\"clock\":\"resolve\"" },
			{ "sla.breach", id, utc(2026, 3, 9, 14, 0),
			    "\"elapsed_ms\":18000000" },
		};
		expect_sla(fx, w, 6);
	}
	assert_non_null(strstr(fx_last(fx, "sla.breach", id)->data,
	    "\"target_ms\":18000000"));
	assert_int_equal(tk(fx, id)->sla_fired, 0xf | SLA_FIRED_STEP(0) |
	    SLA_FIRED_STEP(1));
	assert_int_equal(engine_next_deadline(fx->e), -1);
}

/* Spans ending at 24:00 continue at 00:00; a holiday closes a day. */
static void
test_sla_night_holiday(void **state)
{
	struct fx		*fx = *state;
	struct calendar		*c;
	struct cal_date		 hol = { 2026, 3, 10 };
	char			 err[CAL_ERRMAX];
	uint64_t		 a, b;

	c = fx_calendar(fx, "night", NULL, "mon-sun",
	    "00:00-02:00,20:00-24:00");
	assert_int_equal(cal_add_holiday(c, &hol, err, sizeof err), 0);
	fx_queue_calendar(fx, "tech", "night", 0);
	fx_sla(fx, T_SILVER, "tech", 0, 3 * H, 100);
	fx_start(fx);
	fx->now = utc(2026, 3, 8, 23, 30);
	a = fx_create(fx, "tech", "c1", T_SILVER);
	assert_int_equal(tk(fx, a)->resolve_due, utc(2026, 3, 9, 20, 30));
	assert_int_equal(tk(fx, a)->answer_due, 0);
	fx_at(fx, utc(2026, 3, 9, 23, 0));
	b = fx_create(fx, "tech", "c2", T_SILVER);
	assert_int_equal(tk(fx, b)->resolve_due, utc(2026, 3, 11, 2, 0));
	assert_int_equal(engine_ticket_resolve_elapsed(fx->e, tk(fx, b),
	    utc(2026, 3, 10, 21, 0)), H);
	fx_at(fx, utc(2026, 3, 12, 0, 0));
	{
		const struct want w[] = {
			{ "sla.warning", a, utc(2026, 3, 9, 20, 30), NULL },
			{ "sla.breach", a, utc(2026, 3, 9, 20, 30), NULL },
			{ "sla.warning", b, utc(2026, 3, 11, 2, 0), NULL },
			{ "sla.breach", b, utc(2026, 3, 11, 2, 0),
			    "\"elapsed_ms\":10800000" },
		};
		expect_sla(fx, w, 4);
	}
}

/* Paris hours across both 2026 DST changes; 23 h and 25 h Sundays. */
static void
test_sla_dst(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 a, b, c, d;

	fx_calendar(fx, "paris", &paris, "mon-fri", "09:00-17:00");
	fx_calendar(fx, "sundays", &paris, "sun", "00:00-24:00");
	fx_queue_calendar(fx, "billing", "paris", 0);
	fx_queue_calendar(fx, "tech", "sundays", 0);
	fx_sla(fx, T_STD, "billing", 0, 2 * H, 50);
	fx_sla(fx, T_SILVER, "tech", 0, 25 * H, 50);
	fx_sla(fx, T_GOLD, "tech", 0, 24 * H, 50);
	fx_start(fx);
	fx->now = utc(2026, 3, 27, 15, 0);		/* Fri 16:00 CET */
	a = fx_create(fx, "billing", "c1", T_STD);
	assert_int_equal(tk(fx, a)->resolve_due, utc(2026, 3, 30, 8, 0));
	fx->now = utc(2026, 3, 28, 12, 0);
	d = fx_create(fx, "tech", "c1", T_GOLD);
	/* Sunday 03-29 has 23 hours; the 24th is next Sunday's first. */
	assert_int_equal(tk(fx, d)->resolve_due, utc(2026, 4, 4, 23, 0));
	assert_int_equal(engine_ticket_resolve_elapsed(fx->e, tk(fx, d),
	    utc(2026, 3, 29, 22, 0)), 23 * H);
	fx->now = utc(2026, 10, 23, 14, 0);		/* Fri 16:00 CEST */
	b = fx_create(fx, "billing", "c2", T_STD);
	assert_int_equal(tk(fx, b)->resolve_due, utc(2026, 10, 26, 9, 0));
	fx->now = utc(2026, 10, 24, 12, 0);
	c = fx_create(fx, "tech", "c2", T_SILVER);
	/* Sunday 10-25 has 25 hours: 22:00Z to 23:00Z next day. */
	assert_int_equal(tk(fx, c)->resolve_due, utc(2026, 10, 25, 23, 0));
	fx_clear(fx);
	fx_at(fx, utc(2026, 10, 27, 0, 0));
	assert_int_equal(fx_last(fx, "sla.breach", c)->time,
	    utc(2026, 10, 25, 23, 0));
	assert_non_null(strstr(fx_last(fx, "sla.breach", c)->data,
	    "\"elapsed_ms\":90000000"));
	assert_int_equal(fx_last(fx, "sla.warning", c)->time,
	    utc(2026, 10, 25, 10, 30));
	assert_int_equal(fx_last(fx, "sla.breach", b)->time,
	    utc(2026, 10, 26, 9, 0));
}

/* Pending time is not counted; paused adds up its wall time. */
static void
test_sla_pause(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct ticket	*t;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id;
	hl_ms			 t0;

	fx_sla(fx, T_STD, "", 0, 100 * S, 50);
	fx_start(fx);
	t0 = fx->now;
	fx_agent(fx, "ann", "sales:1", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "sales", "c1", NULL);
	fx->now = t0 + 10 * S;
	fx_accept(fx, "ann", id);
	fx->now = t0 + 30 * S;
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, id, 0,
	    err, sizeof err), ENGINE_OK);
	t = tk(fx, id);
	assert_int_equal(t->resolve_used, 30 * S);
	assert_int_equal(t->clock_mark, t0 + 30 * S);
	assert_int_equal(t->resolve_due, 0);
	assert_int_equal(fx_last(fx, "ticket.pending", id)->time, t0 + 30 * S);
	assert_int_equal(engine_ticket_resolve_elapsed(fx->e, t, t0 + 1000 * S),
	    30 * S);
	fx_at(fx, t0 + 1000 * S);
	assert_int_equal(count_sla(fx, id), 0);
	assert_int_equal(engine_ticket_resume(fx->e, fx->now, &ann, id, err,
	    sizeof err), ENGINE_OK);
	assert_int_equal(t->paused, 970 * S);
	assert_int_equal(t->resolve_due, t0 + 1070 * S);
	fx_at(fx, t0 + 1030 * S);
	assert_int_equal(fx_last(fx, "sla.warning", id)->time, t0 + 1020 * S);
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, id, 0,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(t->resolve_used, 60 * S);
	fx_at(fx, t0 + 1100 * S);
	assert_int_equal(engine_ticket_resume(fx->e, fx->now, &ann, id, err,
	    sizeof err), ENGINE_OK);
	assert_int_equal(t->paused, 1040 * S);
	assert_int_equal(t->resolve_due, t0 + 1140 * S);
	fx_at(fx, t0 + 1200 * S);
	assert_int_equal(fx_last(fx, "sla.breach", id)->time, t0 + 1140 * S);
	assert_non_null(strstr(fx_last(fx, "sla.breach", id)->data,
	    "\"elapsed_ms\":100000"));
	/* PENDING UNTIL: the system's resume ends the pause too. */
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, id,
	    t0 + 1300 * S, err, sizeof err), ENGINE_OK);
	fx_at(fx, t0 + 1400 * S);
	assert_int_equal(t->state, TICKET_ACTIVE);
	assert_int_equal(t->paused, 1140 * S);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &ann, id, "ok",
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(t->resolve_used, 260 * S);
	assert_int_equal(engine_ticket_resolve_elapsed(fx->e, t, t0 + 5000 * S),
	    260 * S);
	assert_int_equal(engine_next_deadline(fx->e), -1);
	assert_int_equal(fx_count(fx, "sla.warning", id), 1);
	assert_int_equal(fx_count(fx, "sla.breach", id), 1);
}

/* A new tier keeps the time counted (and paused); bits per threshold. */
static void
test_sla_retier(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct ticket	*t;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id;
	hl_ms			 t0;

	fx_sla(fx, T_STD, "", 100 * S, 1000 * S, 50);
	fx_sla(fx, T_SILVER, "", 300 * S, 3000 * S, 50);
	fx_sla(fx, T_DIAMOND, "", 40 * S, 400 * S, 50);
	fx_start(fx);
	t0 = fx->now;
	fx_agent(fx, "ann", "billing:1", NULL, 1);
	id = fx_create(fx, "billing", "c1", NULL);
	t = tk(fx, id);
	fx_at(fx, t0 + 60 * S);
	assert_int_equal(fx_last(fx, "sla.warning", id)->time, t0 + 50 * S);
	assert_int_equal(engine_ticket_set_tier(fx->e, fx->now, &SUP, id,
	    T_SILVER, err, sizeof err), ENGINE_OK);
	assert_int_equal(t->answer_due, t0 + 300 * S);
	assert_int_equal(t->resolve_used, 60 * S);
	assert_int_equal(t->resolve_due, t0 + 3000 * S);
	assert_int_equal(t->sla_fired, 0);	/* 150 s not reached yet */
	fx_at(fx, t0 + 200 * S);
	assert_int_equal(fx_last(fx, "sla.warning", id)->time, t0 + 150 * S);
	/* Smaller targets already passed fire at once, in order. */
	fx_clear(fx);
	assert_int_equal(engine_ticket_set_tier(fx->e, fx->now, &SUP, id,
	    T_DIAMOND, err, sizeof err), ENGINE_OK);
	{
		const struct want w[] = {
			{ "sla.breach", id, t0 + 200 * S,
			    "\"clock\":\"answer\"" },
			{ "sla.warning", id, t0 + 200 * S,
			    "\"clock\":\"resolve\"" },
		};
		expect_sla(fx, w, 2);
	}
	assert_int_equal(t->answer_due, t0 + 40 * S);
	assert_int_equal(t->resolve_due, t0 + 400 * S);
	fx_ready(fx, "ann");
	fx->now = t0 + 210 * S;
	fx_accept(fx, "ann", id);
	fx->now = t0 + 250 * S;
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, id, 0,
	    err, sizeof err), ENGINE_OK);
	/* Re-tiered while pending: the clock stays stopped. */
	fx->now = t0 + 300 * S;
	assert_int_equal(engine_ticket_set_tier(fx->e, fx->now, &SUP, id,
	    T_STD, err, sizeof err), ENGINE_OK);
	assert_int_equal(t->resolve_used, 250 * S);
	assert_int_equal(t->resolve_due, 0);
	assert_int_equal(t->answer_due, t0 + 40 * S);	/* answered: kept */
	fx->now = t0 + 400 * S;
	assert_int_equal(engine_ticket_resume(fx->e, fx->now, &ann, id, err,
	    sizeof err), ENGINE_OK);
	assert_int_equal(t->paused, 150 * S);
	assert_int_equal(t->resolve_due, t0 + 1150 * S);
	fx_clear(fx);
	fx_at(fx, t0 + 2000 * S);
	{
		const struct want w[] = {
			{ "sla.warning", id, t0 + 650 * S,
			    "\"clock\":\"resolve\"" },
			{ "sla.breach", id, t0 + 1150 * S,
			    "\"clock\":\"resolve\"" },
		};
		expect_sla(fx, w, 2);
	}
	assert_int_equal(engine_ticket_resolve_elapsed(fx->e, t, fx->now),
	    1850 * S);
}

/* notify, boost (overtaking an older ticket), overflow, page. */
static void
test_sla_ladder(void **state)
{
	struct fx		*fx = *state;
	struct sla_policy	*p;
	struct queue_stats	 st;
	const struct ticket	*t;
	const struct tev	*ev;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 x, a;
	hl_ms			 t0;

	p = fx_sla(fx, T_STD, "billing", 100 * S, 0, 80);
	fx_sla_step(p, SLA_ANSWER, 50, 0, SLA_NOTIFY, 0, NULL);
	fx_sla_step(p, SLA_ANSWER, 0, 60 * S, SLA_BOOST, 500, NULL);
	fx_sla_step(p, SLA_ANSWER, 100, 0, SLA_OVERFLOW | SLA_PAGE, 0, "sales");
	p = fx_sla(fx, T_STD, "sales", 200 * S, 0, 80);
	fx_sla_step(p, SLA_ANSWER, 90, 0, SLA_NOTIFY, 0, NULL);
	fx_start(fx);
	fx_agent(fx, "ann", "billing:1", NULL, 1);
	fx_manager(fx, "vipc", "mgr");
	x = fx_create(fx, "billing", "c9", T_SILVER);	/* no SLA policy */
	fx->now += 30 * S;
	t0 = fx->now;
	a = fx_create(fx, "billing", "vipc", T_STD);
	t = tk(fx, a);
	fx_at(fx, t0 + 50 * S);
	ev = fx_last(fx, "ticket.escalated", a);
	assert_int_equal(ev->time, t0 + 50 * S);
	assert_string_equal(ev->agent, "");
	assert_string_equal(ev->actor, "system");
	assert_non_null(strstr(ev->data, "\"step\":0"));
	assert_non_null(strstr(ev->data, "\"actions\":[\"notify\"]"));
	fx_at(fx, t0 + 60 * S);
	ev = fx_last(fx, "ticket.escalated", a);
	assert_non_null(strstr(ev->data, "\"boost\":500"));
	assert_non_null(strstr(ev->data, "\"priority\":500"));
	assert_int_equal(t->boost, 500);
	/* Boosted past the older silver ticket: offered first. */
	fx->now = t0 + 61 * S;
	fx_ready(fx, "ann");
	assert_int_equal(fx_offer(fx, "ann"), a);
	assert_int_equal(engine_agent_break(fx->e, fx->now, &SUP, "ann", NULL,
	    err, sizeof err), ENGINE_OK);
	fx_clear(fx);
	fx_at(fx, t0 + 100 * S);
	{
		const struct want w[] = {
			{ "sla.warning", a, t0 + 80 * S, NULL },
			{ "sla.breach", a, t0 + 100 * S, NULL },
			{ "ticket.escalated", a, t0 + 100 * S,
			    "\"actions\":[\"page\",\"overflow\"]" },
		};
		expect_sla(fx, w, 3);
	}
	ev = fx_last(fx, "ticket.escalated", a);
	assert_string_equal(ev->agent, "mgr");
	assert_non_null(strstr(ev->data, "\"overflow\":\"sales\""));
	assert_non_null(strstr(ev->data, "\"manager\":\"mgr\""));
	ev = fx_last(fx, "ticket.transferred", a);
	assert_non_null(ev);
	assert_non_null(strstr(ev->data, "\"reason\":\"overflow\""));
	assert_non_null(strstr(fx_last(fx, "ticket.queued", a)->data,
	    "\"reason\":\"overflow\""));
	assert_string_equal(t->queue, "sales");
	assert_int_equal(t->enqueued, t0);	/* keeps its place */
	assert_int_equal(t->answer_due, t0 + 200 * S);
	assert_int_equal(t->escalations, 3);
	/* Under the sales policy its thresholds fire once more. */
	fx_clear(fx);
	fx_at(fx, t0 + 250 * S);
	{
		const struct want w[] = {
			{ "sla.warning", a, t0 + 160 * S, NULL },
			{ "ticket.escalated", a, t0 + 180 * S, "\"step\":0" },
			{ "sla.breach", a, t0 + 200 * S, NULL },
		};
		expect_sla(fx, w, 3);
	}
	assert_int_equal(t->escalations, 4);
	assert_int_equal(engine_queue_stats(fx->e, "billing", fx->now, &st),
	    0);
	assert_int_equal(st.sl_15m[0].breaches, 1);
	assert_int_equal(engine_queue_stats(fx->e, "sales", fx->now, &st), 0);
	assert_int_equal(st.sl_15m[0].breaches, 1);
	assert_int_equal(st.breaches_today, 1);
	assert_int_equal(count_sla(fx, x), 0);
}

/* Steps fire once, however often the timer is re-armed. */
static void
test_sla_once(void **state)
{
	struct fx		*fx = *state;
	struct sla_policy	*p;
	struct actor		 ann = fx_actor("ann");
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id;
	int			 i;

	p = fx_sla(fx, T_STD, "", 100 * S, 1000 * S, 50);
	fx_sla_step(p, SLA_RESOLVE, 10, 0, SLA_NOTIFY, 0, NULL);
	fx_sla_step(p, SLA_RESOLVE, 0, 300 * S, SLA_NOTIFY, 0, NULL);
	fx_sla_step(p, SLA_ANSWER, 50, 0, SLA_NOTIFY, 0, NULL);
	fx_start(fx);
	fx_agent(fx, "ann", "sales:1", NULL, 1);
	fx_ready(fx, "ann");
	id = fx_create(fx, "sales", "c1", NULL);
	fx->now += 20 * S;
	fx_accept(fx, "ann", id);	/* the answer clock stops at 20 s */
	for (i = 1; i <= 3000; i++) {
		fx_at(fx, fx->now + S);
		if (i % 7 == 0)
			assert_int_equal(tk(fx, id)->state == TICKET_ACTIVE ?
			    engine_ticket_pending(fx->e, fx->now, &ann, id, 0,
			    err, sizeof err) : engine_ticket_resume(fx->e,
			    fx->now, &ann, id, err, sizeof err), ENGINE_OK);
		if (i % 50 == 0) {
			assert_int_equal(engine_ticket_set_priority(fx->e,
			    fx->now, &SUP, id, i % 100 ? 1 : 0, err,
			    sizeof err), 0);
			assert_int_equal(engine_ticket_set_tier(fx->e, fx->now,
			    &SUP, id, T_STD, err, sizeof err), ENGINE_OK);
		}
	}
	assert_int_equal(fx_count(fx, "ticket.escalated", id), 2);
	assert_non_null(strstr(fx_last(fx, "ticket.escalated", id)->data,
	    "\"step\":1"));
	assert_int_equal(fx_count(fx, "sla.warning", id), 1);
	assert_int_equal(fx_count(fx, "sla.breach", id), 1);
	assert_non_null(strstr(fx_last(fx, "sla.breach", id)->data,
	    "\"clock\":\"resolve\""));
	assert_int_equal(tk(fx, id)->escalations, 2);
}

/* Resolved, closed, abandoned and stopped clocks never escalate. */
static void
test_sla_never_closed(void **state)
{
	struct fx		*fx = *state;
	struct sla_policy	*p;
	struct actor		 ann = fx_actor("ann");
	char			 err[ENGINE_ERRMAX];
	uint64_t		 r, c, ab, pe;

	p = fx_sla(fx, T_STD, "", 50 * S, 100 * S, 50);
	fx_sla_step(p, SLA_ANSWER, 0, 10 * S, SLA_NOTIFY, 0, NULL);
	fx_sla_step(p, SLA_RESOLVE, 50, 0, SLA_BOOST, 5, NULL);
	fx_start(fx);
	fx_agent(fx, "ann", "sales:1", NULL, 4);
	fx_ready(fx, "ann");
	r = fx_create(fx, "sales", "c1", NULL);
	fx->now += S;
	fx_accept(fx, "ann", r);
	c = fx_create(fx, "sales", "c2", NULL);
	fx_accept(fx, "ann", c);
	pe = fx_create(fx, "sales", "c3", NULL);
	fx_accept(fx, "ann", pe);
	ab = fx_create(fx, "billing", "c4", NULL);
	fx->now += S;
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &ann, r, "ok",
	    err, sizeof err), ENGINE_OK);
	fx_finish(fx, "ann", c);
	assert_int_equal(engine_ticket_pending(fx->e, fx->now, &ann, pe, 0,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, ab,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_next_deadline(fx->e), -1);
	fx_at(fx, fx->now + 86400 * S);
	assert_int_equal(count_sla(fx, 0), 0);
	assert_int_equal(tk(fx, r)->sla_fired, 0);
	assert_int_equal(tk(fx, pe)->sla_fired, 0);
}

static void
test_sla_escalate(void **state)
{
	struct fx		*fx = *state;
	struct actor		 ann = fx_actor("ann");
	const struct tev	*ev;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 a, b;

	fx_start(fx);
	fx_manager(fx, "vipc", "mgr");
	a = fx_create(fx, "billing", "vipc", T_GOLD);
	b = fx_create(fx, "sales", "c1", NULL);
	assert_int_equal(engine_ticket_escalate(fx->e, fx->now, &SUP, 999,
	    "x", err, sizeof err), ENGINE_NOTFOUND);
	assert_int_equal(engine_ticket_escalate(fx->e, fx->now, &ann, a, "x",
	    err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_escalate(fx->e, fx->now, &INTEG, a, "x",
	    err, sizeof err), ENGINE_NOPERM);
	assert_int_equal(engine_ticket_escalate(fx->e, fx->now, &SUP, a,
	    "vip angry", err, sizeof err), ENGINE_OK);
	ev = fx_last(fx, "ticket.escalated", a);
	assert_string_equal(ev->actor, "sue");
	assert_string_equal(ev->agent, "mgr");
	assert_non_null(strstr(ev->data, "\"manual\":true"));
	assert_non_null(strstr(ev->data, "\"reason\":\"vip angry\""));
	assert_int_equal(tk(fx, a)->escalations, 1);
	assert_int_equal(engine_ticket_escalate(fx->e, fx->now, NULL, b, NULL,
	    err, sizeof err), ENGINE_OK);
	ev = fx_last(fx, "ticket.escalated", b);
	assert_string_equal(ev->agent, "");
	assert_string_equal(ev->actor, "system");
	assert_non_null(strstr(ev->data, "\"reason\":\"\""));
	fx_agent(fx, "ann", "sales:1", NULL, 1);
	fx_ready(fx, "ann");
	fx_accept(fx, "ann", b);
	assert_int_equal(engine_ticket_resolve(fx->e, fx->now, &ann, b, NULL,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_ticket_escalate(fx->e, fx->now, &ADMIN, b,
	    "late", err, sizeof err), ENGINE_BADSTATE);
	assert_int_equal(tk(fx, b)->escalations, 1);
}

static void
sl_check(const struct sl_counts *c, uint64_t answered, uint64_t in_target,
    uint64_t abandoned, uint64_t short_abandoned, uint64_t breaches,
    hl_ms answer_ms)
{
	assert_int_equal(c->answered, answered);
	assert_int_equal(c->in_target, in_target);
	assert_int_equal(c->abandoned, abandoned);
	assert_int_equal(c->short_abandoned, short_abandoned);
	assert_int_equal(c->breaches, breaches);
	assert_int_equal(c->answer_ms, answer_ms);
}

/* Service level per tier: today, 15 minutes, an hour. */
static void
test_sla_service_level(void **state)
{
	struct fx		*fx = *state;
	struct queue_stats	 st;
	struct cal_zone		 plus1 = { 0, NULL, NULL, 3600 };
	char			 err[ENGINE_ERRMAX];
	uint64_t		 t1, t2, t3, t4, t5, t6;
	hl_ms			 t0 = utc(2026, 3, 9, 23, 0);

	fx_calendar(fx, "plus1", &plus1, NULL, NULL)->always_open = 1;
	fx_queue_calendar(fx, "tech", "plus1", 0);
	fx->cfg.short_abandon = 5 * S;
	fx_sla(fx, T_STD, "", 60 * S, 150 * S, 100);
	fx_start(fx);
	fx->now = t0;
	fx_agent(fx, "ann", "billing:1", NULL, 1);
	fx_agent(fx, "bob", "billing:1", NULL, 10);
	fx_ready(fx, "ann");
	t1 = fx_create(fx, "billing", "c1", NULL);
	t2 = fx_create(fx, "billing", "c2", NULL);
	fx->now = t0 + 30 * S;
	fx_accept(fx, "ann", t1);		/* ann is full: t2 waits */
	fx_at(fx, t0 + 85 * S);
	fx_ready(fx, "bob");
	fx->now = t0 + 90 * S;
	fx_accept(fx, "bob", t2);		/* after its answer breach */
	t5 = fx_create(fx, "billing", "c5", T_SILVER);	/* no policy */
	fx->now = t0 + 100 * S;
	fx_accept(fx, "bob", t5);
	t3 = fx_create(fx, "billing", "c3", NULL);
	fx->now = t0 + 102 * S;
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, t3,
	    err, sizeof err), ENGINE_OK);
	t4 = fx_create(fx, "billing", "c4", NULL);
	fx_at(fx, t0 + 140 * S);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, t4,
	    err, sizeof err), ENGINE_OK);
	fx_at(fx, t0 + 200 * S);
	assert_int_equal(fx_count(fx, "sla.breach", 0), 3);
	assert_int_equal(engine_queue_stats(fx->e, "billing", fx->now, &st),
	    0);
	sl_check(&st.sl_today[0], 2, 1, 1, 1, 1, 120 * S);
	sl_check(&st.sl_15m[0], 2, 1, 1, 1, 1, 120 * S);
	sl_check(&st.sl_1h[0], 2, 1, 1, 1, 1, 120 * S);
	sl_check(&st.sl_1h[1], 1, 1, 0, 0, 0, 10 * S);
	assert_int_equal(st.breaches_today, 3);	/* 1 answer, 2 resolve */
	assert_int_equal(engine_queue_stats(fx->e, "billing", t0 + 20 * MIN,
	    &st), 0);
	sl_check(&st.sl_15m[0], 0, 0, 0, 0, 0, 0);
	sl_check(&st.sl_1h[0], 2, 1, 1, 1, 1, 120 * S);
	sl_check(&st.sl_today[0], 2, 1, 1, 1, 1, 120 * S);
	/* Past midnight UTC (billing has no calendar): a new day. */
	fx_at(fx, t0 + 70 * MIN);
	t6 = fx_create(fx, "billing", "c6", NULL);
	fx->now += 5 * S;
	fx_accept(fx, "bob", t6);
	assert_int_equal(engine_queue_stats(fx->e, "billing", fx->now, &st),
	    0);
	sl_check(&st.sl_today[0], 1, 1, 0, 0, 0, 5 * S);
	sl_check(&st.sl_1h[0], 1, 1, 0, 0, 0, 5 * S);
	sl_check(&st.sl_today[1], 0, 0, 0, 0, 0, 0);
	assert_int_equal(st.breaches_today, 0);
	/* tech's day follows its calendar's zone (UTC+1). */
	fx_agent(fx, "ted", "tech:1", NULL, 1);
	fx_ready(fx, "ted");
	fx->now = utc(2026, 3, 10, 22, 30);
	t6 = fx_create(fx, "tech", "c7", NULL);
	fx_accept(fx, "ted", t6);
	assert_int_equal(engine_queue_stats(fx->e, "tech",
	    utc(2026, 3, 10, 22, 50), &st), 0);
	assert_int_equal(st.sl_today[0].answered, 1);
	assert_int_equal(engine_queue_stats(fx->e, "tech",
	    utc(2026, 3, 10, 23, 10), &st), 0);
	assert_int_equal(st.sl_today[0].answered, 0);
	assert_int_equal(st.sl_1h[0].answered, 1);
	/* Answered, back in the queue, then abandoned: answered only. */
	assert_int_equal(engine_ticket_transfer_queue(fx->e, fx->now, &SUP,
	    t6, "tech", err, sizeof err), ENGINE_OK);
	assert_int_equal(fx_state(fx, t6), TICKET_QUEUED);
	assert_int_equal(engine_ticket_abandon(fx->e, fx->now, &INTEG, t6,
	    err, sizeof err), ENGINE_OK);
	assert_int_equal(engine_queue_stats(fx->e, "tech", fx->now, &st), 0);
	sl_check(&st.sl_1h[0], 1, 1, 0, 0, 0, 0);
}

/* A reload re-targets open tickets at once and says so. */
static void
test_sla_reload(void **state)
{
	struct fx		*fx = *state;
	const struct ticket	*t;
	const struct tev	*ev;
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id;
	hl_ms			 t0;

	fx_sla(fx, T_STD, "", 100 * S, 1000 * S, 50);
	fx_start(fx);
	t0 = fx->now;			/* Thursday 1970-01-01 00:16:40Z */
	id = fx_create(fx, "billing", "c1", NULL);
	t = tk(fx, id);
	fx_at(fx, t0 + 50 * S);
	fx_clear(fx);
	fx->slas[0].answer = 40 * S;
	assert_int_equal(engine_reconfigure(fx->e, &fx->cfg, err, sizeof err),
	    ENGINE_OK);
	ev = fx_last(fx, "ticket.sla_changed", id);
	assert_non_null(ev);
	assert_non_null(strstr(ev->data, "\"reason\":\"reconfigured\""));
	assert_int_equal(t->answer_due, t0 + 40 * S);
	assert_int_equal(fx_last(fx, "sla.breach", id)->time, t0 + 50 * S);
	assert_true(ev < fx_last(fx, "sla.breach", id));	/* first */
	/* Office hours from now on: 50 s counted, 950 s from 09:00. */
	fx_clear(fx);
	fx_calendar(fx, "office", NULL, "mon-fri", "09:00-12:00,13:00-18:00");
	fx_queue_calendar(fx, "billing", "office", 0);
	assert_int_equal(engine_reconfigure(fx->e, &fx->cfg, err, sizeof err),
	    ENGINE_OK);
	assert_int_equal(fx_count(fx, "ticket.sla_changed", id), 1);
	assert_int_equal(t->resolve_used, 50 * S);
	assert_int_equal(t->resolve_due, 9 * H + 950 * S);
	assert_int_equal(engine_ticket_resolve_elapsed(fx->e, t, 10 * H),
	    50 * S + H);
	/* The same configuration again changes nothing. */
	fx_clear(fx);
	assert_int_equal(engine_reconfigure(fx->e, &fx->cfg, err, sizeof err),
	    ENGINE_OK);
	assert_int_equal(fx_count(fx, "ticket.sla_changed", 0), 0);
	assert_int_equal(count_sla(fx, 0), 0);
}

/*
 * Down from 35 s to 1000 s: what fell due fires once at restore, in time
 * order across tickets; a second restore fires nothing.
 */
static void
test_sla_recovery(void **state)
{
	struct fx		*fx = *state, *b, *c;
	struct sla_policy	*p;
	uint64_t		 x, y;
	hl_ms			 t0, r;
	size_t			 i;

	p = fx_sla(fx, T_STD, "", 60 * S, 600 * S, 50);
	fx_sla_step(p, SLA_ANSWER, 100, 0, SLA_BOOST, 10, NULL);
	fx_sla_step(p, SLA_RESOLVE, 0, 400 * S, SLA_NOTIFY, 0, NULL);
	fx->snap = true;
	fx_start(fx);
	t0 = fx->now;
	x = fx_create(fx, "billing", "c1", NULL);
	fx->now += 10 * S;
	y = fx_create(fx, "billing", "c2", NULL);
	fx_at(fx, t0 + 35 * S);
	assert_int_equal(fx_count(fx, "sla.warning", x), 1);
	r = t0 + 1000 * S;
	b = fx_new();
	b->snap = true;
	fx_restore(fx, r, b);
	{
		const struct want w[] = {
			{ "sla.warning", y, r, "\"clock\":\"answer\"" },
			{ "sla.breach", x, r, "\"clock\":\"answer\"" },
			{ "ticket.escalated", x, r, "\"step\":0" },
			{ "sla.breach", y, r, "\"clock\":\"answer\"" },
			{ "ticket.escalated", y, r, "\"step\":0" },
			{ "sla.warning", x, r, "\"clock\":\"resolve\"" },
			{ "sla.warning", y, r, "\"clock\":\"resolve\"" },
			{ "ticket.escalated", x, r, "\"step\":1" },
			{ "ticket.escalated", y, r, "\"step\":1" },
			{ "sla.breach", x, r, "\"clock\":\"resolve\"" },
			{ "sla.breach", y, r, "\"clock\":\"resolve\"" },
		};
		expect_sla(b, w, 11);
	}
	assert_int_equal(fx_count(b, "ticket.sla_changed", 0), 0);
	assert_int_equal(tk(b, x)->boost, 10);
	assert_int_equal(tk(b, y)->escalations, 2);
	assert_int_equal(tk(b, x)->answer_due, t0 + 60 * S);
	assert_int_equal(tk(b, y)->resolve_due, t0 + 610 * S);
	for (i = 0; i < b->nst; i++)
		assert_int_equal(b->st[i].sla_fired, 0xf | SLA_FIRED_STEP(0) |
		    SLA_FIRED_STEP(1));
	fx_clear(b);
	fx_at(b, t0 + 100000 * S);
	assert_int_equal(count_sla(b, 0), 0);
	c = fx_new();
	fx_restore(b, t0 + 200000 * S, c);
	assert_int_equal(count_sla(c, 0), 0);
	assert_int_equal(tk(c, y)->sla_fired, tk(b, y)->sla_fired);
	assert_int_equal(engine_next_deadline(c->e), -1);
	fx_free(c);
	fx_free(b);
}

static void
test_queue_stats(void **state)
{
	struct fx		*fx = *state;
	struct queue_stats	 st;
	hl_ms			 t0 = fx->now;

	fx_start(fx);
	fx_agent(fx, "ann", "billing:3", NULL, 1);
	fx_agent(fx, "bob", "billing:1", NULL, 1);
	fx_create(fx, "billing", "c1", NULL);
	fx->now += 5;
	fx_create(fx, "billing", "c2", T_GOLD);
	fx_create(fx, "billing", "c3", T_SILVER);
	fx_ready(fx, "ann");
	assert_int_equal(engine_queue_stats(fx->e, "billing", fx->now, &st),
	    0);
	assert_string_equal(st.name, "billing");
	assert_string_equal(st.strategy, "longest-idle");
	assert_int_equal(st.waiting, 2);
	assert_int_equal(st.waiting_by_tier[0], 1);
	assert_int_equal(st.waiting_by_tier[1], 1);
	assert_int_equal(st.waiting_by_tier[2], 0);
	assert_int_equal(st.oldest_enqueued, t0);
	assert_int_equal(st.offered, 1);
	assert_int_equal(st.agents_by_status[AGENT_BUSY], 1);
	assert_int_equal(st.agents_by_status[AGENT_OFFLINE], 1);
	assert_int_equal(engine_queue_stats(fx->e, "nope", fx->now, &st),
	    -1);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, sla_setup, sla_teardown)
const struct CMUnitTest test_engine_sla_tests[] = {
	T(test_sla_config),
	T(test_sla_business_week),
	T(test_sla_night_holiday),
	T(test_sla_dst),
	T(test_sla_pause),
	T(test_sla_retier),
	T(test_sla_ladder),
	T(test_sla_once),
	T(test_sla_never_closed),
	T(test_sla_escalate),
	T(test_sla_service_level),
	T(test_sla_reload),
	T(test_sla_recovery),
	T(test_queue_stats),
};
#undef T
const size_t test_engine_sla_ntests =
    sizeof test_engine_sla_tests / sizeof test_engine_sla_tests[0];
