/*
 * slaconf.c: SLA policies and business-hours calendars in the engine's
 * configuration: checking them, copying them in, and binding each queue
 * to its calendar and to the policy of each tier (so a ticket finds its
 * policy in O(1): queue->sla[tier]).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

#define SLA_TARGET_MAX	(100LL * 366 * 86400000)	/* a century */
#define SLA_PERCENT_MAX	1000

static bool
cfg_has_queue(const struct engine_config *cfg, const char *name)
{
	int	i;

	for (i = 0; i < cfg->nqueues; i++) {
		if (strcmp(cfg->queues[i].name, name) == 0)
			return (true);
	}
	return (false);
}

static bool
cfg_has_tier(const struct engine_config *cfg, const char *name)
{
	int	i;

	for (i = 0; i < cfg->ntiers; i++) {
		if (strcmp(cfg->tiers[i].name, name) == 0)
			return (true);
	}
	return (false);
}

static const struct calendar *
cfg_calendar(const struct calendar *v, int n, const char *name)
{
	int	i;

	for (i = 0; *name != '\0' && i < n; i++) {
		if (strcmp(v[i].name, name) == 0)
			return (&v[i]);
	}
	return (NULL);
}

static int
check_zone(const struct calendar *c, char *err)
{
	const struct cal_zone	*z = &c->zone;
	size_t			 i;

	if (z->n > 0 && (z->at_ms == NULL || z->offset_s == NULL)) {
		eng_err(err, "calendar %s: zone without transitions", c->name);
		return (-1);
	}
	for (i = 1; i < z->n; i++) {
		if (z->at_ms[i] <= z->at_ms[i - 1]) {
			eng_err(err, "calendar %s: zone transitions out of "
			    "order", c->name);
			return (-1);
		}
	}
	return (0);
}

static int
check_hours(const struct calendar *c, char *err)
{
	const struct cal_span	*s;
	int			 wd, i, open = 0;

	for (wd = 0; wd < 7; wd++) {
		if (c->nspans[wd] < 0 || c->nspans[wd] > CAL_MAX_SPANS) {
			eng_err(err, "calendar %s: bad span count", c->name);
			return (-1);
		}
		for (i = 0; i < c->nspans[wd]; i++) {
			s = &c->week[wd][i];
			if (s->start_min < 0 || s->start_min >= s->end_min ||
			    s->end_min > 1440 || (i > 0 &&
			    s->start_min < c->week[wd][i - 1].end_min)) {
				eng_err(err, "calendar %s: bad or unsorted "
				    "span", c->name);
				return (-1);
			}
			open++;
		}
	}
	if (!c->always_open && open == 0) {
		eng_err(err, "calendar %s is never open", c->name);
		return (-1);
	}
	if (c->nyearly < 0 || c->nyearly > CAL_MAX_YEARLY ||
	    c->noneoff < 0 || c->noneoff > CAL_MAX_ONEOFF) {
		eng_err(err, "calendar %s: bad holiday count", c->name);
		return (-1);
	}
	return (0);
}

static int
check_calendar(const struct engine_config *cfg, int i, char *err)
{
	const struct calendar	*c = &cfg->calendars[i];
	int			 k;

	if (memchr(c->name, '\0', sizeof c->name) == NULL ||
	    eng_name_ok(c->name, "calendar name", err) != 0)
		return (-1);
	for (k = 0; k < i; k++) {
		if (strcmp(cfg->calendars[k].name, c->name) == 0) {
			eng_err(err, "calendar %s defined twice", c->name);
			return (-1);
		}
	}
	return (check_zone(c, err) != 0 || check_hours(c, err) != 0 ? -1 : 0);
}

static int
check_step(const struct engine_config *cfg, const struct sla_policy *p,
    int i, char *err)
{
	const struct sla_step	*s = &p->steps[i];
	hl_ms			 target;

	if (s->clock != SLA_ANSWER && s->clock != SLA_RESOLVE) {
		eng_err(err, "sla %s: step %d: bad clock", p->tier, i);
		return (-1);
	}
	target = s->clock == SLA_ANSWER ? p->answer : p->resolve;
	if (s->percent < 0 || s->percent > SLA_PERCENT_MAX ||
	    (s->percent > 0 && target == 0) ||
	    (s->percent == 0 && (s->after <= 0 || s->after > SLA_TARGET_MAX))) {
		eng_err(err, "sla %s: step %d: needs 1-%d%% of a clock with a "
		    "target, or a delay > 0", p->tier, i, SLA_PERCENT_MAX);
		return (-1);
	}
	if (s->actions == 0 || (s->actions & ~(SLA_NOTIFY | SLA_BOOST |
	    SLA_OVERFLOW | SLA_PAGE)) != 0) {
		eng_err(err, "sla %s: step %d: bad actions", p->tier, i);
		return (-1);
	}
	if ((s->actions & SLA_BOOST) &&
	    (s->boost < 1 || s->boost > PRIORITY_MAX)) {
		eng_err(err, "sla %s: step %d: boost must be 1-%d", p->tier, i,
		    PRIORITY_MAX);
		return (-1);
	}
	if ((s->actions & SLA_OVERFLOW) &&
	    (memchr(s->overflow, '\0', sizeof s->overflow) == NULL ||
	    !cfg_has_queue(cfg, s->overflow))) {
		eng_err(err, "sla %s: step %d: unknown overflow queue %.*s",
		    p->tier, i, ENGINE_NAME_MAX - 1, s->overflow);
		return (-1);
	}
	return (0);
}

static int
check_policy(const struct engine_config *cfg, int i, char *err)
{
	const struct sla_policy	*p = &cfg->slas[i];
	int			 k;

	if (memchr(p->tier, '\0', sizeof p->tier) == NULL ||
	    memchr(p->queue, '\0', sizeof p->queue) == NULL ||
	    !cfg_has_tier(cfg, p->tier)) {
		eng_err(err, "sla: unknown tier %.*s", ENGINE_NAME_MAX - 1,
		    p->tier);
		return (-1);
	}
	if (p->queue[0] != '\0' && !cfg_has_queue(cfg, p->queue)) {
		eng_err(err, "sla %s: unknown queue %s", p->tier, p->queue);
		return (-1);
	}
	for (k = 0; k < i; k++) {
		if (strcmp(cfg->slas[k].tier, p->tier) == 0 &&
		    strcmp(cfg->slas[k].queue, p->queue) == 0) {
			eng_err(err, "sla %s%s%s defined twice", p->tier,
			    p->queue[0] != '\0' ? " in queue " : "", p->queue);
			return (-1);
		}
	}
	if (p->answer < 0 || p->answer > SLA_TARGET_MAX || p->resolve < 0 ||
	    p->resolve > SLA_TARGET_MAX) {
		eng_err(err, "sla %s: targets must be 0 (none) to a century",
		    p->tier);
		return (-1);
	}
	if (p->warning < 1 || p->warning > 100) {
		eng_err(err, "sla %s: warning must be 1-100%%", p->tier);
		return (-1);
	}
	if (p->nsteps < 0 || p->nsteps > ENGINE_MAX_SLA_STEPS) {
		eng_err(err, "sla %s: 0 to %d escalation steps", p->tier,
		    ENGINE_MAX_SLA_STEPS);
		return (-1);
	}
	for (k = 0; k < p->nsteps; k++) {
		if (check_step(cfg, p, k, err) != 0)
			return (-1);
	}
	return (0);
}

/* Calendars, the queues' calendar names, and the policies. */
int
sla_check_config(const struct engine_config *cfg, char *err)
{
	const struct queue_def	*q;
	int			 i;

	if (cfg->ncalendars < 0 || (cfg->ncalendars > 0 &&
	    cfg->calendars == NULL) || cfg->nslas < 0 ||
	    (cfg->nslas > 0 && cfg->slas == NULL) || cfg->short_abandon < 0) {
		eng_err(err, "bad calendar or SLA list, or short_abandon");
		return (-1);
	}
	for (i = 0; i < cfg->ncalendars; i++) {
		if (check_calendar(cfg, i, err) != 0)
			return (-1);
	}
	for (i = 0; i < cfg->nqueues; i++) {
		q = &cfg->queues[i];
		if (memchr(q->calendar, '\0', sizeof q->calendar) == NULL ||
		    (q->calendar[0] != '\0' && cfg_calendar(cfg->calendars,
		    cfg->ncalendars, q->calendar) == NULL)) {
			eng_err(err, "queue %s: unknown calendar %.*s",
			    q->name, ENGINE_NAME_MAX - 1, q->calendar);
			return (-1);
		}
	}
	for (i = 0; i < cfg->nslas; i++) {
		if (check_policy(cfg, i, err) != 0)
			return (-1);
	}
	return (0);
}

/* Copies of the calendars (their zone arrays stay borrowed) and policies. */
void
sla_set_config(struct engine *e, const struct engine_config *cfg)
{
	sla_free(e);
	if (cfg->ncalendars > 0) {
		e->cals = xcalloc((size_t)cfg->ncalendars, sizeof *e->cals);
		memcpy(e->cals, cfg->calendars,
		    (size_t)cfg->ncalendars * sizeof *e->cals);
		e->ncals = cfg->ncalendars;
	}
	if (cfg->nslas > 0) {
		e->slas = xcalloc((size_t)cfg->nslas, sizeof *e->slas);
		memcpy(e->slas, cfg->slas,
		    (size_t)cfg->nslas * sizeof *e->slas);
		e->nslas = cfg->nslas;
	}
	e->short_abandon = cfg->short_abandon;
}

void
sla_free(struct engine *e)
{
	free(e->cals);
	free(e->slas);
	e->cals = NULL;
	e->slas = NULL;
	e->ncals = e->nslas = 0;
}

/* The queue's calendar; per tier, its own policy, else the tier's. */
void
sla_queue_bind(struct engine *e, struct queue *q)
{
	const struct sla_policy	*p;
	int			 i, k;

	q->cal = cfg_calendar(e->cals, e->ncals, q->def.calendar);
	for (k = 0; k < MAX_TIERS; k++) {
		q->sla[k] = NULL;
		for (i = 0; k < e->ntiers && i < e->nslas; i++) {
			p = &e->slas[i];
			if (strcmp(p->tier, e->tiers[k].name) != 0)
				continue;
			if (strcmp(p->queue, q->def.name) == 0) {
				q->sla[k] = p;
				break;
			}
			if (p->queue[0] == '\0')
				q->sla[k] = p;
		}
	}
}

/* Same business hours (a different zone array counts as different). */
bool
sla_cal_equal(const struct calendar *a, const struct calendar *b)
{
	int	wd;

	if (a == NULL || b == NULL)
		return (a == b);
	if (a->zone.n != b->zone.n || a->zone.at_ms != b->zone.at_ms ||
	    a->zone.offset_s != b->zone.offset_s ||
	    a->zone.initial_offset_s != b->zone.initial_offset_s ||
	    a->always_open != b->always_open || a->nyearly != b->nyearly ||
	    a->noneoff != b->noneoff)
		return (false);
	for (wd = 0; wd < 7; wd++) {
		if (a->nspans[wd] != b->nspans[wd] ||
		    memcmp(a->week[wd], b->week[wd], (size_t)a->nspans[wd] *
		    sizeof a->week[wd][0]) != 0)
			return (false);
	}
	return (memcmp(a->yearly, b->yearly, (size_t)a->nyearly *
	    sizeof a->yearly[0]) == 0 && memcmp(a->oneoff, b->oneoff,
	    (size_t)a->noneoff * sizeof a->oneoff[0]) == 0);
}
