/*
 * reload.c: checking a configuration and applying a new one (CONFIG
 * RELOAD) under live tickets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

static int
check_queue(const struct engine_config *cfg, int i, char *err)
{
	const struct queue_def	*q = &cfg->queues[i];
	int			 k;

	if (eng_name_ok(q->name, "queue name", err) != 0)
		return (-1);
	for (k = 0; k < i; k++) {
		if (strcmp(cfg->queues[k].name, q->name) == 0) {
			eng_err(err, "queue %s defined twice", q->name);
			return (-1);
		}
	}
	if (strategy_name(q->strategy)[0] == 'u') {
		eng_err(err, "queue %s: bad strategy", q->name);
		return (-1);
	}
	if (q->offer_timeout <= 0 || q->wrapup < 0 || q->max_missed < 0) {
		eng_err(err, "queue %s: offer_timeout must be > 0, wrapup "
		    "and max_missed >= 0", q->name);
		return (-1);
	}
	if (memchr(q->overflow, '\0', sizeof q->overflow) == NULL) {
		eng_err(err, "queue %s: overflow name too long", q->name);
		return (-1);
	}
	if (q->overflow[0] != '\0') {
		for (k = 0; k < cfg->nqueues; k++) {
			if (strcmp(cfg->queues[k].name, q->overflow) == 0)
				break;
		}
		if (k == cfg->nqueues || strcmp(q->overflow, q->name) == 0) {
			eng_err(err, "queue %s: bad overflow queue %s",
			    q->name, q->overflow);
			return (-1);
		}
	}
	return (0);
}

static int
check_tier(const struct engine_config *cfg, int i, char *err)
{
	const struct tier_def	*t = &cfg->tiers[i];
	const struct ladder_step *s;
	int			 k;

	if (eng_name_ok(t->name, "tier name", err) != 0)
		return (-1);
	for (k = 0; k < i; k++) {
		if (strcmp(cfg->tiers[k].name, t->name) == 0) {
			eng_err(err, "tier %s defined twice", t->name);
			return (-1);
		}
	}
	if (t->nsteps < 1 || t->nsteps > ENGINE_MAX_STEPS) {
		eng_err(err, "tier %s: 1 to %d ladder steps", t->name,
		    ENGINE_MAX_STEPS);
		return (-1);
	}
	if (t->base_priority < -1000000 || t->base_priority > 1000000) {
		eng_err(err, "tier %s: base priority out of range", t->name);
		return (-1);
	}
	for (k = 0; k < t->nsteps; k++) {
		s = &t->steps[k];
		if (s->kind != STEP_MANAGER && s->kind != STEP_GROUP &&
		    s->kind != STEP_SKILLED) {
			eng_err(err, "tier %s: bad step %d", t->name, k);
			return (-1);
		}
		if (s->kind == STEP_GROUP &&
		    eng_name_ok(s->group, "ladder group name", err) != 0)
			return (-1);
		if (s->duration < 0) {
			eng_err(err, "tier %s: negative step duration",
			    t->name);
			return (-1);
		}
		if (s->cond != STEP_ALWAYS && s->cond != STEP_IF_REPEAT &&
		    s->cond != STEP_IF_COMPLAINTS) {
			eng_err(err, "tier %s: bad condition on step %d",
			    t->name, k + 1);
			return (-1);
		}
		if (s->cond == STEP_IF_COMPLAINTS &&
		    (s->cond_min < 1 || s->cond_min > 1000000)) {
			eng_err(err, "tier %s: step %d: complaints must be "
			    "1 to 1000000", t->name, k + 1);
			return (-1);
		}
		if (s->cond != STEP_ALWAYS && k == t->nsteps - 1) {
			eng_err(err, "tier %s: the last ladder step applies "
			    "to every ticket (no condition)", t->name);
			return (-1);
		}
	}
	return (0);
}

/* Validate a configuration without applying it. */
int
engine_check_config(const struct engine_config *cfg, char *err)
{
	int	i;

	if (cfg == NULL || cfg->tiers == NULL || cfg->ntiers < 1 ||
	    cfg->ntiers > MAX_TIERS) {
		eng_err(err, "1 to %d tiers required", MAX_TIERS);
		return (ENGINE_ERR);
	}
	if (cfg->nqueues < 0 || (cfg->nqueues > 0 && cfg->queues == NULL) ||
	    cfg->reject_cooldown < 0) {
		eng_err(err, "bad queue list or reject cooldown");
		return (ENGINE_ERR);
	}
	for (i = 0; i < cfg->ntiers; i++) {
		if (check_tier(cfg, i, err) != 0)
			return (ENGINE_ERR);
	}
	for (i = 0; i < cfg->nqueues; i++) {
		if (check_queue(cfg, i, err) != 0)
			return (ENGINE_ERR);
	}
	if (sla_check_config(cfg, err) != 0 ||
	    followup_check_config(cfg, err) != 0 ||
	    insight_check_config(cfg, err) != 0)
		return (ENGINE_ERR);
	return (ENGINE_OK);
}

/* Every routing heap empties; tickets are filed again from scratch. */
static void
eng_unfile_all(struct engine *e)
{
	struct ticket_private	 *t;
	struct group		 *g;
	struct desk		**gone = NULL, *d;
	size_t			  i, ngone = 0;
	int			  k;

	for (i = 0; (t = hmap_next(&e->tickets, &i)) != NULL;)
		memset(t->hidx, 0xff, sizeof t->hidx);
	for (k = 0; k < e->nqueues; k++)
		e->queues[k]->heap.n = e->queues[k]->age.n = 0;
	for (i = 0; (g = hmap_next(&e->groups, &i)) != NULL;)
		g->heap.n = 0;
	gone = xcalloc(e->desks.n + 1, sizeof *gone);
	for (i = 0; (d = hmap_next(&e->desks, &i)) != NULL;) {
		d->heap.n = 0;
		if (d->agent == NULL)
			gone[ngone++] = d;
	}
	for (i = 0; i < ngone; i++)
		eng_desk_release(e, gone[i]);
	free(gone);
}

/*
 * Tier and queue definitions change under live tickets: every ticket is
 * re-keyed and re-filed (O(n log n), a reload is rare), and free agents
 * look for work again. Events carry the latest time the engine was given.
 * SLA policies and calendars apply at once: clocks of queues whose
 * calendar changed are counted up to now in the old one (so the old zone
 * arrays must stay valid until this returns), every open ticket is
 * re-targeted, and thresholds now due fire before it returns.
 */
int
engine_reconfigure(struct engine *e, const struct engine_config *cfg,
    char *err)
{
	struct queue		*q, **old;
	struct ticket_private	*t;
	struct agent_private	*a;
	size_t			 i;
	int			 k, nold, j, oldstep;
	char			 buf[ENGINE_NAME_MAX + 16];

	if (engine_check_config(cfg, err) != ENGINE_OK)
		return (ENGINE_ERR);
	sla_reconfigure_begin(e, cfg);
	eng_unfile_all(e);
	eng_set_tiers(e, cfg);
	sla_set_config(e, cfg);
	followup_set_config(e, cfg);
	insight_set_config(e, cfg);
	e->reject_cooldown = cfg->reject_cooldown;

	nold = e->nqueues;
	old = xcalloc((size_t)nold + 1, sizeof *old);
	memcpy(old, e->queues, (size_t)nold * sizeof *old);
	for (k = 0; k < cfg->nqueues; k++) {
		if ((q = eng_queue(e, cfg->queues[k].name)) != NULL) {
			q->def = cfg->queues[k];
			q->retired = false;
		} else
			eng_queue_make(e, &cfg->queues[k]);
	}
	for (k = 0; k < nold; k++) {
		for (j = 0; j < cfg->nqueues; j++) {
			if (strcmp(cfg->queues[j].name, old[k]->def.name) == 0)
				break;
		}
		if (j < cfg->nqueues)
			continue;
		old[k]->retired = true;
		if (old[k]->nrefs == 0)
			eng_queue_destroy(e, old[k]);
	}
	free(old);
	sl_remap(e);

	for (k = 0; k < e->nqueues; k++) {
		q = e->queues[k];
		sla_queue_bind(e, q);
		q->nwaiting = q->noffered = q->nactive = q->nscheduled = 0;
		memset(q->by_tier, 0, sizeof q->by_tier);
	}
	for (i = 0; (t = hmap_next(&e->tickets, &i)) != NULL;) {
		eng_ticket_tier(e, t);
		eng_qcount(t, +1);
		oldstep = t->t.step;
		if (t->t.step >= route_tier(e, t)->nsteps)
			t->t.step = route_tier(e, t)->nsteps - 1;
		if (t->t.target[0] != '\0')
			t->t.step = 0;
		route_ladder_arm(e, t);
		if (t->t.state == TICKET_QUEUED)
			route_file(e, t);
		else if (t->t.state == TICKET_OFFERED)
			theap_insert(&t->q->age, t, SLOT_AGE);
		if (t->t.step != oldstep) {
			ejson_begin(&e->json);
			ejson_str(&e->json, "step",
			    engine_ticket_step(e, &t->t, buf, sizeof buf));
			ejson_int(&e->json, "index", t->t.step);
			ejson_str(&e->json, "reason", "reconfigured");
			eng_emit_ticket(e, e->clock, "system", EV_TICKET_STEP,
			    t, t->t.agent, ejson_end(&e->json), NULL);
		}
	}
	sla_reconfigure_end(e);
	for (i = 0; (a = hmap_next(&e->agents, &i)) != NULL;)
		eng_unlink_agent(e, a);
	for (i = 0; (a = hmap_next(&e->agents, &i)) != NULL;)
		eng_links_agent(e, a);
	route_all(e, e->clock);
	engine_advance(e, e->clock);
	return (ENGINE_OK);
}
