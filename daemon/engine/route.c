/*
 * route.c: who may take a ticket and who gets it. Waiting tickets are
 * filed in routing heaps (per desk, group and queue) for each ladder step
 * they have reached; agents and tickets are matched the moment either
 * becomes routable, by looking at heap tops (agent side) or at the few
 * agents of each step (ticket side). Nothing here scans tickets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

const struct tier_def *
route_tier(const struct engine *e, const struct ticket_private *t)
{
	return (&e->tiers[t->tier]);
}

/*
 * A conditional step applies only to the tickets that meet it; the
 * inputs (repeat_contact, complaints) change only while the ticket is
 * out of every heap (created, requeued), so filing stays consistent.
 */
bool
route_step_applies(const struct ticket_private *t,
    const struct ladder_step *s)
{
	switch (s->cond) {
	case STEP_IF_REPEAT:
		return (t->t.repeat_contact != 0);
	case STEP_IF_COMPLAINTS:
		return (t->t.complaints >= s->cond_min);
	default:
		return (true);
	}
}

/*
 * The heap a waiting ticket belongs in for a slot, or NULL: slot 0 of a
 * transferred ticket is its target's desk, else slot k follows ladder step
 * k (the account manager's desk, the group's heap, the queue's heap).
 */
static struct theap *
route_slot_heap(struct engine *e, struct ticket_private *t, int slot,
    bool create, struct desk **dp)
{
	const struct ladder_step	*s;
	const char			*m;
	struct desk			*d;
	struct group			*g;

	if (dp != NULL)
		*dp = NULL;
	if (slot == SLOT_AGE)
		return (&t->q->age);
	if (t->t.target[0] != '\0') {
		if (slot != 0 ||
		    (d = eng_desk(e, t->t.target, create)) == NULL)
			return (NULL);
		if (dp != NULL)
			*dp = d;
		return (&d->heap);
	}
	if (slot >= route_tier(e, t)->nsteps)
		return (NULL);
	s = &route_tier(e, t)->steps[slot];
	if (!route_step_applies(t, s))
		return (NULL);
	switch (s->kind) {
	case STEP_MANAGER:
		m = t->cust != NULL ? t->cust->c.manager : "";
		if (*m == '\0' || (d = eng_desk(e, m, create)) == NULL)
			return (NULL);
		if (dp != NULL)
			*dp = d;
		return (&d->heap);
	case STEP_GROUP:
		g = eng_group(e, s->group, create);
		return (g != NULL ? &g->heap : NULL);
	case STEP_SKILLED:
		return (&t->q->heap);
	}
	return (NULL);
}

/* Effective priority changed (or may have): re-key every membership. */
void
route_rekey(struct engine *e, struct ticket_private *t)
{
	int64_t	 p;
	int	 i;

	p = (int64_t)route_tier(e, t)->base_priority + t->t.boost +
	    t->t.priority;
	if (p > INT32_MAX)
		p = INT32_MAX;
	if (p < INT32_MIN)
		p = INT32_MIN;
	if (p == t->eprio)
		return;
	t->eprio = (int32_t)p;
	for (i = 0; i < ENGINE_MAX_STEPS; i++) {
		if (t->hidx[i] != IDX_NONE)
			theap_update(route_slot_heap(e, t, i, false, NULL), t,
			    i);
	}
}

/*
 * File a waiting ticket in every heap of the steps it has reached that it
 * is not in yet (a step advance only adds), never twice in one heap.
 */
void
route_file(struct engine *e, struct ticket_private *t)
{
	struct theap	*h;
	int		 i, j, last;

	last = t->t.target[0] != '\0' ? 0 : t->t.step;
	for (i = 0; i <= last; i++) {
		if (t->hidx[i] != IDX_NONE ||
		    (h = route_slot_heap(e, t, i, true, NULL)) == NULL)
			continue;
		for (j = 0; j < ENGINE_MAX_STEPS; j++) {
			if (j != i && t->hidx[j] != IDX_NONE &&
			    route_slot_heap(e, t, j, false, NULL) == h)
				break;
		}
		if (j == ENGINE_MAX_STEPS)
			theap_insert(h, t, (uint32_t)i);
	}
	if (t->hidx[SLOT_AGE] == IDX_NONE)
		theap_insert(&t->q->age, t, SLOT_AGE);
}

/*
 * Take a ticket out of its routing heaps (and its queue's age heap if all)
 * before changing what they depend on. An offered ticket stays in the age
 * heap: it is still unanswered, and a return to the queue is cheaper.
 */
void
route_unfile(struct engine *e, struct ticket_private *t, bool all)
{
	struct theap	*h;
	struct desk	*d;
	int		 i;

	for (i = 0; i < (all ? NSLOTS : ENGINE_MAX_STEPS); i++) {
		if (t->hidx[i] == IDX_NONE)
			continue;
		h = route_slot_heap(e, t, i, false, &d);
		theap_remove(h, t, (uint32_t)i);
		if (d != NULL)
			eng_desk_release(e, d);
	}
}

/* A step nobody can serve is skipped: no manager, or all offline. */
static bool
route_servable(struct engine *e, struct ticket_private *t, int k)
{
	const struct ladder_step	*s = &route_tier(e, t)->steps[k];
	const char			*m;
	struct desk			*d;
	struct group			*g;
	int				 i;

	switch (s->kind) {
	case STEP_MANAGER:
		m = t->cust != NULL ? t->cust->c.manager : "";
		return (*m != '\0' && (d = eng_desk(e, m, false)) != NULL &&
		    d->agent != NULL && d->agent->base != AGENT_OFFLINE);
	case STEP_GROUP:
		if ((g = eng_group(e, s->group, false)) == NULL)
			return (false);
		for (i = 0; i < g->nmem; i++) {
			if (g->mem[i]->base != AGENT_OFFLINE)
				return (true);
		}
		return (false);
	case STEP_SKILLED:
		for (i = 0; i < t->q->nagents; i++) {
			if (t->q->agents[i].a->base != AGENT_OFFLINE)
				return (true);
		}
		return (false);
	}
	return (false);
}

/* Arm (or cancel) the timer that ends the ladder step in force. */
void
route_ladder_arm(struct engine *e, struct ticket_private *t)
{
	const struct tier_def	*td = route_tier(e, t);

	if ((t->t.state == TICKET_QUEUED || t->t.state == TICKET_OFFERED) &&
	    t->t.target[0] == '\0' && t->t.step < td->nsteps - 1)
		tmr_arm(&e->timers, t->t.step_started +
		    td->steps[t->t.step].duration, TMR_STEP, t, &t->tm_step);
	else
		tmr_cancel(&e->timers, &t->tm_step);
}

/*
 * Enter step k as of time started, skipping steps that do not apply to
 * the ticket and steps nobody can serve.
 */
static void
route_ladder_enter(struct engine *e, struct ticket_private *t, int k,
    hl_ms started)
{
	const struct tier_def	*td = route_tier(e, t);

	if (k >= td->nsteps)
		k = td->nsteps - 1;
	while (k < td->nsteps - 1 && (td->steps[k].duration <= 0 ||
	    !route_step_applies(t, &td->steps[k]) || !route_servable(e, t, k)))
		k++;
	t->t.step = k;
	t->t.step_started = started;
	route_ladder_arm(e, t);
}

/* (Re)queued: the ladder starts over. The ticket must not be filed. */
void
route_ladder_start(struct engine *e, struct ticket_private *t, hl_ms now)
{
	if (t->t.target[0] != '\0') {
		t->t.step = 0;
		t->t.step_started = now;
		tmr_cancel(&e->timers, &t->tm_step);
		return;
	}
	route_ladder_enter(e, t, 0, now);
}

/*
 * The step's time is up (the deadline was at): the next one starts then,
 * so a late timer does not stretch the ladder. An offered ticket moves on
 * too; it is filed at its new step if the offer comes back.
 */
void
route_step_due(struct engine *e, struct ticket_private *t, hl_ms at,
    hl_ms now)
{
	char	buf[ENGINE_NAME_MAX + 16];

	route_ladder_enter(e, t, t->t.step + 1, at);
	if (t->t.state == TICKET_QUEUED)
		route_file(e, t);
	ejson_begin(&e->json);
	ejson_str(&e->json, "step", engine_ticket_step(e, &t->t, buf,
	    sizeof buf));
	ejson_int(&e->json, "index", t->t.step);
	eng_emit_ticket(e, now, "system", EV_TICKET_STEP, t, t->t.agent,
	    ejson_end(&e->json), NULL);
	route_ticket(e, t, now);
}

/* Free: ready, no offer outstanding and below capacity. */
bool
route_agent_free(const struct agent_private *a)
{
	return (a->base == AGENT_AVAILABLE && a->a.offer == 0 &&
	    a->a.active < a->a.capacity);
}

/* Free and at a desk: a detached agent keeps its status, takes nothing new. */
bool
route_agent_open(const struct agent_private *a)
{
	return (route_agent_free(a) && a->a.conn != AGENT_DETACHED);
}

/* Derive the shown status; idle_since is when the agent last became free. */
void
route_agent_sync(struct agent_private *a, hl_ms now)
{
	enum agent_status	st = a->base;

	if (st == AGENT_AVAILABLE && !route_agent_free(a))
		st = AGENT_BUSY;
	if (st == a->a.status)
		return;
	if (st == AGENT_AVAILABLE)
		a->a.idle_since = now;
	a->a.status = st;
	a->a.status_since = now;
}

static bool
route_cooled(const struct ticket_private *t, const struct agent_private *a,
    hl_ms now)
{
	uint32_t	i;

	if (t->cool == NULL)
		return (false);
	for (i = 0; i < t->cool->n; i++) {
		if (t->cool->e[i].uid == a->uid && t->cool->e[i].until > now)
			return (true);
	}
	return (false);
}

static void
route_cool_arm(struct engine *e, struct ticket_private *t)
{
	hl_ms		min;
	uint32_t	i;

	if (t->cool == NULL || t->cool->n == 0) {
		route_cool_clear(e, t);
		return;
	}
	min = t->cool->e[0].until;
	for (i = 1; i < t->cool->n; i++) {
		if (t->cool->e[i].until < min)
			min = t->cool->e[i].until;
	}
	tmr_arm(&e->timers, min, TMR_COOL, t, &t->tm_cool);
}

/* The agent rejected or missed the ticket: not again for a while. */
void
route_cool_add(struct engine *e, struct ticket_private *t,
    const struct agent_private *a, hl_ms now)
{
	uint32_t	i, n;

	if (e->reject_cooldown <= 0)
		return;
	n = t->cool != NULL ? t->cool->n : 0;
	for (i = 0; i < n; i++) {
		if (t->cool->e[i].uid == a->uid)
			break;
	}
	if (i == n) {
		t->cool = xreallocarray(t->cool, 1,
		    sizeof *t->cool + (n + 1) * sizeof t->cool->e[0]);
		t->cool->n = n + 1;
		t->cool->e[i].uid = a->uid;
	}
	t->cool->e[i].until = now + e->reject_cooldown;
	route_cool_arm(e, t);
}

void
route_cool_clear(struct engine *e, struct ticket_private *t)
{
	free(t->cool);
	t->cool = NULL;
	tmr_cancel(&e->timers, &t->tm_cool);
}

/* A cooldown ended: the agent may be offered the ticket again. */
void
route_cool_due(struct engine *e, struct ticket_private *t, hl_ms now)
{
	uint32_t	i = 0;

	while (t->cool != NULL && i < t->cool->n) {
		if (t->cool->e[i].until <= now)
			t->cool->e[i] = t->cool->e[--t->cool->n];
		else
			i++;
	}
	route_cool_arm(e, t);
	route_ticket(e, t, now);
}

static uint64_t
route_rand(struct engine *e)
{
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return (e->rng * 2685821657736338717ULL);
}

static int
route_level(const struct agent_private *a, const struct queue *q)
{
	int	i;

	for (i = 0; i < a->a.nskills; i++) {
		if (a->sq[i] == q)
			return (a->a.skills[i].level);
	}
	return (0);
}

/* Longest idle first; the agent added first breaks ties. */
static bool
route_idler(const struct agent_private *a, const struct agent_private *b)
{
	if (a->a.idle_since != b->a.idle_since)
		return (a->a.idle_since < b->a.idle_since);
	return (a->uid < b->uid);
}

/* Choose among free eligible agents by the queue's strategy. */
static struct agent_private *
route_pick(struct engine *e, struct queue *q, struct agent_private **c,
    size_t n)
{
	struct agent_private	*best = c[0], *next = NULL, *low = c[0];
	size_t			 i;
	int			 la, lb;

	switch (q->def.strategy) {
	case STRATEGY_RANDOM:
		return (c[route_rand(e) % n]);
	case STRATEGY_ROUND_ROBIN:
		for (i = 0; i < n; i++) {
			if (c[i]->uid < low->uid)
				low = c[i];
			if (c[i]->uid > q->rr_last &&
			    (next == NULL || c[i]->uid < next->uid))
				next = c[i];
		}
		return (next != NULL ? next : low);
	default:
		break;
	}
	for (i = 1; i < n; i++) {
		switch (q->def.strategy) {
		case STRATEGY_LEAST_BUSY:
			if (c[i]->a.handled != best->a.handled) {
				if (c[i]->a.handled < best->a.handled)
					best = c[i];
				continue;
			}
			break;
		case STRATEGY_TOP_SKILL:
			la = route_level(c[i], q);
			lb = route_level(best, q);
			if (la != lb) {
				if (la > lb)
					best = c[i];
				continue;
			}
			break;
		default:
			break;
		}
		if (route_idler(c[i], best))
			best = c[i];
	}
	return (best);
}

static void
route_scratch(struct engine *e, size_t n)
{
	if (n <= e->cscratch)
		return;
	e->scratch = xreallocarray(e->scratch, n, sizeof *e->scratch);
	e->cscratch = n;
}

/* Offer a waiting ticket to a free agent (ticket.offered). */
static void
route_offer(struct engine *e, struct ticket_private *t,
    struct agent_private *a, hl_ms now)
{
	char	buf[ENGINE_NAME_MAX + 16];

	route_unfile(e, t, false);
	eng_qcount(t, -1);
	t->t.state = TICKET_OFFERED;
	eng_qcount(t, +1);
	memcpy(t->t.agent, a->a.name, sizeof t->t.agent);
	t->t.offered_at = now;
	tmr_arm(&e->timers, now + t->q->def.offer_timeout, TMR_OFFER, t,
	    &t->tm_state);
	a->a.offer = t->t.id;
	a->a.offered_total++;
	t->q->rr_last = a->uid;
	route_agent_sync(a, now);
	ejson_begin(&e->json);
	ejson_str(&e->json, "queue", t->t.queue);
	ejson_str(&e->json, "step", engine_ticket_step(e, &t->t, buf,
	    sizeof buf));
	ejson_int(&e->json, "expires", now + t->q->def.offer_timeout);
	/* What the desk shows beside the offer. */
	ejson_bool(&e->json, "repeat_contact", t->t.repeat_contact != 0);
	ejson_int(&e->json, "complaints", t->t.complaints);
	eng_emit_ticket(e, now, "system", EV_TICKET_OFFERED, t, a->a.name,
	    ejson_end(&e->json), NULL);
}

/*
 * A ticket became routable: the first ladder step (0..step) with a free
 * eligible agent wins, and the queue's strategy chooses within it.
 */
void
route_ticket(struct engine *e, struct ticket_private *t, hl_ms now)
{
	const struct ladder_step	*s;
	struct agent_private		*a, **c;
	struct desk			*d;
	struct group			*g;
	size_t				 n;
	int				 k, i;

	if (t->t.state != TICKET_QUEUED)
		return;
	if (t->t.target[0] != '\0') {
		d = eng_desk(e, t->t.target, false);
		a = d != NULL ? d->agent : NULL;
		if (a != NULL && route_agent_open(a) && !route_cooled(t, a, now))
			route_offer(e, t, a, now);
		return;
	}
	for (k = 0; k <= t->t.step; k++) {
		s = &route_tier(e, t)->steps[k];
		if (!route_step_applies(t, s))
			continue;
		n = 0;
		switch (s->kind) {
		case STEP_MANAGER:
			if (t->cust == NULL || t->cust->c.manager[0] == '\0' ||
			    (d = eng_desk(e, t->cust->c.manager, false)) ==
			    NULL || d->agent == NULL)
				continue;
			route_scratch(e, 1);
			e->scratch[n++] = d->agent;
			break;
		case STEP_GROUP:
			if ((g = eng_group(e, s->group, false)) == NULL)
				continue;
			route_scratch(e, (size_t)g->nmem);
			for (i = 0; i < g->nmem; i++)
				e->scratch[n++] = g->mem[i];
			break;
		case STEP_SKILLED:
			route_scratch(e, (size_t)t->q->nagents);
			for (i = 0; i < t->q->nagents; i++)
				e->scratch[n++] = t->q->agents[i].a;
			break;
		}
		c = e->scratch;
		for (i = 0; i < (int)n; ) {
			if (route_agent_open(c[i]) && !route_cooled(t, c[i], now))
				i++;
			else
				c[i] = c[--n];
		}
		if (n > 0) {
			route_offer(e, t, route_pick(e, t->q, c, n), now);
			return;
		}
	}
}

struct route_walk {
	const struct agent_private	*a;
	hl_ms				 now;
	struct ticket_private		*best;
};

static int
route_walk_ok(const struct ticket_private *t, void *arg)
{
	const struct route_walk	*w = arg;

	return (!route_cooled(t, w->a, w->now));
}

static void
route_walk_heap(struct route_walk *w, const struct theap *h)
{
	struct ticket_private	*t;

	if ((t = theap_top(h)) == NULL)
		return;
	if (route_cooled(t, w->a, w->now))
		t = theap_find(h, WALK_MAX, route_walk_ok, w);
	if (t != NULL && (w->best == NULL || theap_before_route(t, w->best)))
		w->best = t;
}

/*
 * An agent became free: the best ticket among the tops of its own desk,
 * its groups' heaps and its queues' heaps is offered to it.
 */
void
route_agent(struct engine *e, struct agent_private *a, hl_ms now)
{
	struct route_walk	w = { a, now, NULL };
	int			i, k;

	if (!route_agent_open(a))
		return;
	if (a->desk != NULL)
		route_walk_heap(&w, &a->desk->heap);
	for (i = 0; i < a->a.ngroups; i++) {
		if (a->grp[i] != NULL)
			route_walk_heap(&w, &a->grp[i]->heap);
	}
	for (i = 0; i < a->a.nskills; i++) {
		if (a->sq[i] == NULL)
			continue;
		for (k = 0; k < i; k++) {
			if (a->sq[k] == a->sq[i])
				break;
		}
		if (k == i)
			route_walk_heap(&w, &a->sq[i]->heap);
	}
	if (w.best != NULL)
		route_offer(e, w.best, a, now);
}

static int
route_cmp(const void *a, const void *b)
{
	struct ticket_private	*x = *(struct ticket_private *const *)a;
	struct ticket_private	*y = *(struct ticket_private *const *)b;

	if (x == y)
		return (0);
	return (theap_before_route(x, y) ? -1 : 1);
}

/* Several tickets became routable at once: the best is served first. */
void
route_tickets(struct engine *e, struct ticket_private **v, size_t n,
    hl_ms now)
{
	size_t	i;

	if (n > 1)
		qsort(v, n, sizeof *v, route_cmp);
	for (i = 0; i < n; i++)
		route_ticket(e, v[i], now);
}

/* After a bulk change: every free agent looks for work. */
void
route_all(struct engine *e, hl_ms now)
{
	struct agent_private	*a;
	size_t			 i;

	for (i = 0; (a = hmap_next(&e->agents, &i)) != NULL;)
		route_agent(e, a, now);
}

/*
 * Take an offer back: the ticket waits again at its original place (it
 * keeps enqueued). An offer from the transfer target ends the transfer.
 * The caller emits the event and routes.
 */
void
route_unoffer(struct engine *e, struct ticket_private *t, hl_ms now)
{
	struct agent_private	*a = eng_agent(e, t->t.agent);

	tmr_cancel(&e->timers, &t->tm_state);
	eng_qcount(t, -1);
	t->t.state = TICKET_QUEUED;
	eng_qcount(t, +1);
	if (a != NULL && a->a.offer == t->t.id) {
		a->a.offer = 0;
		route_agent_sync(a, now);
	}
	if (t->t.target[0] != '\0' &&
	    strcmp(t->t.target, t->t.agent) == 0) {
		t->t.target[0] = '\0';
		route_ladder_start(e, t, now);
	}
	t->t.agent[0] = '\0';
	route_file(e, t);
}
