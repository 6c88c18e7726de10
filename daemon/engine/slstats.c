/*
 * slstats.c: live service-level counters for QUEUE STATS. Per queue and
 * tier (made on first use): a ring of 60 one-minute buckets for the last
 * 15 minutes and hour, and today's totals, today being the local day in
 * the queue calendar's zone (UTC without one), reset when it changes.
 * Reports over other intervals come from the journal, not from here;
 * after a restart, the journal's last day is counted in again.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

#define SL_MINUTES	60
#define MINUTE_MS	60000

struct sl_bucket {
	int64_t		 minute;	/* since the epoch; stale if old */
	struct sl_counts c;
};

struct sl_ring {
	char		 tier[ENGINE_NAME_MAX];
	int64_t		 day;			/* local day of today */
	struct sl_counts today;
	uint64_t	 today_resolve_breaches;
	struct sl_bucket b[SL_MINUTES];
};

static int64_t
sl_floor(int64_t a, int64_t b)
{
	return (a / b - (a % b != 0 && (a < 0) != (b < 0)));
}

static int64_t
sl_day(const struct queue *q, hl_ms t)
{
	if (q->cal != NULL)
		t = cal_utc_to_local(&q->cal->zone, t);
	return (sl_floor(t, CAL_DAY_MS));
}

static void
sl_add(struct sl_counts *c, enum sl_what what, hl_ms answer_ms,
    bool in_target)
{
	switch (what) {
	case SL_ANSWERED:
		c->answered++;
		c->answer_ms += answer_ms;
		if (in_target)
			c->in_target++;
		break;
	case SL_ABANDONED:
		c->abandoned++;
		break;
	case SL_SHORT_ABANDONED:
		c->short_abandoned++;
		break;
	case SL_BREACH:
		c->breaches++;
		break;
	case SL_RESOLVE_BREACH:
		break;
	}
}

/* Count one outcome of a ticket, at time at, in its queue and tier. */
void
sl_count(struct engine *e, struct ticket_private *t, hl_ms at,
    enum sl_what what, hl_ms answer_ms, bool in_target)
{
	sl_count_in(e, t->q, t->tier, at, what, answer_ms, in_target);
}

void
sl_count_in(struct engine *e, struct queue *q, int tier, hl_ms at,
    enum sl_what what, hl_ms answer_ms, bool in_target)
{
	struct sl_ring		*r = q->sl[tier];
	struct sl_bucket	*b;
	int64_t			 m = sl_floor(at, MINUTE_MS), day;

	if (r == NULL) {
		r = q->sl[tier] = xcalloc(1, sizeof *r);
		memcpy(r->tier, e->tiers[tier].name, sizeof r->tier);
		r->day = INT64_MIN;
	}
	day = sl_day(q, at);
	if (day > r->day) {
		memset(&r->today, 0, sizeof r->today);
		r->today_resolve_breaches = 0;
		r->day = day;
	}
	if (day == r->day) {
		sl_add(&r->today, what, answer_ms, in_target);
		if (what == SL_RESOLVE_BREACH)
			r->today_resolve_breaches++;
	}
	b = &r->b[m - sl_floor(m, SL_MINUTES) * SL_MINUTES];
	if (b->minute > m)
		return;		/* older than the ring holds */
	if (b->minute < m) {
		memset(b, 0, sizeof *b);
		b->minute = m;
	}
	sl_add(&b->c, what, answer_ms, in_target);
}

static void
sl_sum(struct sl_counts *to, const struct sl_counts *c)
{
	to->answered += c->answered;
	to->in_target += c->in_target;
	to->abandoned += c->abandoned;
	to->short_abandoned += c->short_abandoned;
	to->breaches += c->breaches;
	to->answer_ms += c->answer_ms;
}

/*
 * After a restart: the journal's facts of the last day, oldest first, go
 * through the same counting as live outcomes, so QUEUE STATS shows what it
 * showed before. A tier no longer configured counts as the lowest, as its
 * tickets do.
 */
void
engine_restore_sl(struct engine *e, hl_ms at, const char *queue,
    const char *tier, enum fact_kind kind, hl_ms value, int flag)
{
	struct queue	*q = eng_queue(e, queue);
	int		 k = eng_tier_index(e, tier);
	enum sl_what	 what;

	switch (kind) {
	case FACT_ANSWERED:
		what = SL_ANSWERED;
		break;
	case FACT_ABANDONED:
		what = SL_ABANDONED;
		break;
	case FACT_SHORT_ABANDONED:
		what = SL_SHORT_ABANDONED;
		break;
	case FACT_ANSWER_BREACH:
		what = SL_BREACH;
		break;
	case FACT_RESOLVE_BREACH:
		what = SL_RESOLVE_BREACH;
		break;
	default:
		return;
	}
	if (q == NULL)
		return;
	sl_count_in(e, q, k < 0 ? 0 : k, at, what, value, flag != 0);
}

/* Windows end with now's minute: 15 minutes and 60, counted back. */
void
sl_stats(const struct queue *q, hl_ms now, struct queue_stats *st)
{
	const struct sl_ring	*r;
	int64_t			 m = sl_floor(now, MINUTE_MS);
	int64_t			 day = sl_day(q, now);
	int			 k, i;

	for (k = 0; k < MAX_TIERS; k++) {
		if ((r = q->sl[k]) == NULL)
			continue;
		if (r->day == day) {
			st->sl_today[k] = r->today;
			st->breaches_today += r->today.breaches +
			    r->today_resolve_breaches;
		}
		for (i = 0; i < SL_MINUTES; i++) {
			if (r->b[i].minute > m || r->b[i].minute <= m - 60)
				continue;
			sl_sum(&st->sl_1h[k], &r->b[i].c);
			if (r->b[i].minute > m - 15)
				sl_sum(&st->sl_15m[k], &r->b[i].c);
		}
	}
}

/* Tiers were reloaded: counters follow their tier's name to its new
 * index; those of a tier gone are dropped. */
void
sl_remap(struct engine *e)
{
	struct sl_ring	*v[MAX_TIERS];
	struct queue	*q;
	int		 k, i, j;

	for (k = 0; k < e->nqueues; k++) {
		q = e->queues[k];
		memset(v, 0, sizeof v);
		for (i = 0; i < MAX_TIERS; i++) {
			if (q->sl[i] == NULL)
				continue;
			j = eng_tier_index(e, q->sl[i]->tier);
			if (j >= 0 && v[j] == NULL)
				v[j] = q->sl[i];
			else
				free(q->sl[i]);
		}
		memcpy(q->sl, v, sizeof v);
	}
}

void
sl_free(struct queue *q)
{
	int	i;

	for (i = 0; i < MAX_TIERS; i++) {
		free(q->sl[i]);
		q->sl[i] = NULL;
	}
}
