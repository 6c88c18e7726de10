/*
 * run.c: one replication of a day. The engine is the live one: tickets
 * are created, offered, accepted, resolved, closed and abandoned by its
 * own calls, its timers (offer timeouts, ladder steps, wrap-up, SLA) fire
 * through engine_next_deadline()/engine_advance(), all in virtual time.
 * What the engine cannot know (when a caller hangs up, how long an agent
 * talks) is drawn here and kept in a heap of pending happenings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "sim.h"
#include "xmalloc.h"

#define AGENT_NONE		(-1)
#define WRAPUP_REASON		"wrapup"	/* break standing for wrap-up */
#define BREAK_REASON		"break"		/* a roster's break */
#define MISSED_REASON		"missed"	/* the engine's, max_missed */
#define INTEGRATION_NAME	"sim-ivr"
#define ADMIN_NAME		"sim-admin"

enum happening {
	H_ARRIVE,		/* q, tier */
	H_PATIENCE,		/* ticket: the caller hangs up, if waiting */
	H_ACCEPT,		/* ticket, agent, stamp: offered_at */
	H_DONE,			/* ticket, agent: resolve and close */
	H_READY_AGAIN,		/* agent: after wrap-up or missed offers */
	H_SHIFT_START,		/* agent */
	H_SHIFT_END,		/* agent */
	H_BREAK_START,		/* agent */
	H_BREAK_END		/* agent */
};

struct hap {
	hl_ms		at;
	uint64_t	seq;		/* FIFO among equal times */
	enum happening	what;
	uint64_t	ticket;
	hl_ms		stamp;
	int		agent;
	int		q;
	int		tier;
};

/* What the sim keeps of a ticket: where it counts. interval -1: a
 * follow-up the engine made, served but not counted. */
struct sim_ticket {
	int16_t		tier;
	int16_t		interval;
};

struct live_agent {
	int		on_shift;
	int		on_break;	/* a roster's, not wrap-up */
	int		staffed;
	int		busy;
	hl_ms		since;
	int		dirty;
};

/* The engine's events of one call, read after it returns (the engine is
 * not re-entered from its own callback). */
struct pend {
	enum event_type	kind;
	uint64_t	ticket;
	int		agent;
	int		has_fact;
	enum fact_kind	fact;
	hl_ms		value;
	hl_ms		offered_at;
	hl_ms		created;
	int		tier;
};

struct run {
	const struct sim_model	*m;
	struct engine		*e;
	struct sim_rng		 rng;
	struct sim_result	*res;
	hl_ms			 now;
	struct hap		*heap;
	size_t			 nheap, heapcap;
	uint64_t		 seq;
	struct sim_ticket	*tickets;
	size_t			 ntickets;	/* by id */
	struct live_agent	*agents;
	struct hmap		 names;	/* name -> struct sim_agent */
	struct pend		*pend;
	size_t			 npend, pendcap;
	int			*dirty;
	size_t			 ndirty;
	struct actor		 admin, ivr;
	uint64_t		 customer;
	char			 err[ENGINE_ERRMAX];
	char			 what[32];	/* the call that failed */
	int			 failed;
};

static const char *
names_key(const void *p)
{
	return (((const struct sim_agent *)p)->name);
}

/* Agent names to roster index, in the one hash table (lib/hmap.h). */
static void
names_init(struct run *r)
{
	int	i;

	hmap_str_init(&r->names, names_key);
	for (i = 0; i < r->m->nagents; i++)
		hmap_str_put(&r->names, &r->m->agents[i]);
}

static int
names_find(const struct run *r, const char *name)
{
	const struct sim_agent	*a;

	if (name == NULL || *name == '\0' ||
	    (a = hmap_str_get(&r->names, name)) == NULL)
		return (AGENT_NONE);
	return ((int)(a - r->m->agents));
}

static int
hap_before(const struct hap *a, const struct hap *b)
{
	return (a->at < b->at || (a->at == b->at && a->seq < b->seq));
}

static void
heap_push(struct run *r, struct hap h)
{
	size_t		i, p;
	struct hap	tmp;

	if (r->nheap == r->heapcap) {
		r->heapcap = r->heapcap ? r->heapcap * 2 : 1024;
		r->heap = xreallocarray(r->heap, r->heapcap, sizeof *r->heap);
	}
	h.seq = r->seq++;
	i = r->nheap++;
	r->heap[i] = h;
	while (i > 0 && hap_before(&r->heap[i], &r->heap[p = (i - 1) / 2])) {
		tmp = r->heap[p];
		r->heap[p] = r->heap[i];
		r->heap[i] = tmp;
		i = p;
	}
}

static struct hap
heap_pop(struct run *r)
{
	struct hap	top = r->heap[0], tmp;
	size_t		i = 0, c;

	r->heap[0] = r->heap[--r->nheap];
	for (;;) {
		c = 2 * i + 1;
		if (c >= r->nheap)
			break;
		if (c + 1 < r->nheap && hap_before(&r->heap[c + 1],
		    &r->heap[c]))
			c++;
		if (!hap_before(&r->heap[c], &r->heap[i]))
			break;
		tmp = r->heap[c];
		r->heap[c] = r->heap[i];
		r->heap[i] = tmp;
		i = c;
	}
	return (top);
}

static void
schedule(struct run *r, hl_ms at, enum happening what, uint64_t ticket,
    int agent, hl_ms stamp)
{
	struct hap	h;

	memset(&h, 0, sizeof h);
	h.at = at;
	h.what = what;
	h.ticket = ticket;
	h.agent = agent;
	h.stamp = stamp;
	heap_push(r, h);
}

static int
model_tier_index(const struct sim_model *m, const char *name)
{
	int	i;

	for (i = 0; i < m->ntiers; i++)
		if (strcmp(m->cfg->tiers[i].name, name) == 0)
			return (i);
	return (0);
}

static void
run_emit(void *arg, const struct engine_event *ev)
{
	struct run	*r = arg;
	struct pend	*p;

	if (r->npend == r->pendcap) {
		r->pendcap = r->pendcap ? r->pendcap * 2 : 64;
		r->pend = xreallocarray(r->pend, r->pendcap, sizeof *r->pend);
	}
	p = &r->pend[r->npend++];
	memset(p, 0, sizeof *p);
	p->kind = ev->kind;
	p->ticket = ev->ticket;
	p->agent = names_find(r, ev->agent);
	if (ev->fact != NULL) {
		p->has_fact = 1;
		p->fact = ev->fact->kind;
		p->value = ev->fact->value;
		if (p->agent == AGENT_NONE)
			p->agent = names_find(r, ev->fact->agent);
	}
	if (ev->row != NULL) {
		p->offered_at = ev->row->offered_at;
		p->created = ev->row->created;
		p->tier = model_tier_index(r->m, ev->row->tier);
	}
}

static struct sim_ticket *
ticket_slot(struct run *r, uint64_t id)
{
	size_t	n;

	if (id >= r->ntickets) {
		n = r->ntickets ? r->ntickets : 1024;
		while (n <= id)
			n *= 2;
		r->tickets = xreallocarray(r->tickets, n, sizeof *r->tickets);
		memset(r->tickets + r->ntickets, 0xff,
		    (n - r->ntickets) * sizeof *r->tickets);
		r->ntickets = n;
	}
	return (&r->tickets[id]);
}

static void
agent_mark(struct run *r, int a)
{
	if (a == AGENT_NONE || r->agents[a].dirty)
		return;
	r->agents[a].dirty = 1;
	r->dirty[r->ndirty++] = a;
}

/* Adds [from, to) of one agent to the per-interval sums. */
static void
account(struct run *r, double *sum, hl_ms from, hl_ms to)
{
	hl_ms	end;
	int	i;

	from -= r->m->day0;
	to -= r->m->day0;
	if (to > SIM_DAY_MS)
		to = SIM_DAY_MS;
	while (from < to) {
		i = (int)(from / SIM_INTERVAL_MS);
		end = (hl_ms)(i + 1) * SIM_INTERVAL_MS;
		if (end > to)
			end = to;
		sum[i] += (double)(end - from);
		from = end;
	}
}

/* Occupancy: staffed when logged in or still holding a ticket; busy when
 * holding one or wrapping up (the queue's wrap-up or the sim's). */
static void
agent_refresh(struct run *r, int i)
{
	struct live_agent	*la = &r->agents[i];
	const struct agent	*a;
	int			 busy, staffed, wrap;

	la->dirty = 0;
	if ((a = engine_agent_get(r->e, r->m->agents[i].name)) == NULL)
		return;
	wrap = a->status == AGENT_WRAPUP || (a->status == AGENT_BREAK &&
	    strcmp(a->reason, WRAPUP_REASON) == 0);
	busy = a->active > 0 || wrap;
	staffed = busy || a->status == AGENT_AVAILABLE ||
	    a->status == AGENT_BUSY;
	if (busy == la->busy && staffed == la->staffed)
		return;
	if (la->staffed)
		account(r, r->res->staffed_ms, la->since, r->now);
	if (la->busy)
		account(r, r->res->busy_ms, la->since, r->now);
	la->busy = busy;
	la->staffed = staffed;
	la->since = r->now;
}

/* The two cells a counted call adds to: its tier's and all tiers'. */
static void
count_cells(struct run *r, const struct sim_ticket *st,
    struct sim_counts *c[2])
{
	c[0] = SIM_CELL(r->res, st->tier, st->interval);
	c[1] = SIM_CELL(r->res, r->m->ntiers, st->interval);
}

static void
count_answer(struct run *r, const struct sim_ticket *st, hl_ms wait)
{
	struct sim_counts	*c[2];
	int			 k;

	count_cells(r, st, c);
	for (k = 0; k < 2; k++) {
		c[k]->answered++;
		c[k]->answer_ms += (double)wait;
		c[k]->in_target += wait <= r->m->sl_time;
	}
}

static void
count_abandon(struct run *r, const struct sim_ticket *st, int is_short)
{
	struct sim_counts	*c[2];
	int			 k;

	count_cells(r, st, c);
	for (k = 0; k < 2; k++) {
		c[k]->abandoned++;
		c[k]->short_abandoned += is_short != 0;
	}
}

/* A call still waiting when the run ends (past the day and its drain)
 * missed its answer target. */
static void
count_unanswered(const struct ticket *t, void *arg)
{
	struct run		*r = arg;
	struct sim_counts	*c[2];
	const struct sim_ticket	*st;

	if (t->accepted_at != 0 || (t->state != TICKET_QUEUED &&
	    t->state != TICKET_OFFERED) || t->id >= r->ntickets)
		return;
	st = &r->tickets[t->id];
	if (st->interval < 0)
		return;
	count_cells(r, st, c);
	c[0]->unanswered++;
	c[1]->unanswered++;
}

static int
agent_missed_out(const struct run *r, int i)
{
	const struct agent	*a = engine_agent_get(r->e,
				    r->m->agents[i].name);

	return (a != NULL && a->status == AGENT_BREAK &&
	    strcmp(a->reason, MISSED_REASON) == 0 && r->agents[i].on_shift &&
	    !r->agents[i].on_break);
}

static void
pend_one(struct run *r, const struct pend *p)
{
	struct sim_ticket	*st = NULL;
	hl_ms			 d;

	agent_mark(r, p->agent);
	if (p->ticket != 0) {
		st = ticket_slot(r, p->ticket);
		if (st->interval == -1 && st->tier == -1) {
			/* not created by an arrival: a follow-up */
			st->tier = (int16_t)p->tier;
			st->interval = -2;
		}
	}
	switch (p->kind) {
	case EV_TICKET_CREATED:
		r->res->tickets++;
		break;
	case EV_TICKET_OFFERED:
		if (p->agent == AGENT_NONE)
			break;
		d = sim_dist_draw(&r->m->accept, &r->rng);
		schedule(r, r->now + (d > 0 ? d : 0), H_ACCEPT, p->ticket,
		    p->agent, p->offered_at);
		break;
	case EV_TICKET_ACCEPTED:
		if (p->agent == AGENT_NONE)
			break;
		d = sim_dist_draw(&r->m->handle, &r->rng);
		schedule(r, r->now + (d > 0 ? d : 0), H_DONE, p->ticket,
		    p->agent, 0);
		if (st != NULL && p->has_fact && p->fact == FACT_ANSWERED &&
		    st->interval >= 0)
			count_answer(r, st, p->value);
		break;
	case EV_AGENT_STATUS:
		/* put on break for missed offers: back as it notices, after
		 * an acceptance delay */
		if (p->agent != AGENT_NONE && agent_missed_out(r, p->agent)) {
			d = sim_dist_draw(&r->m->accept, &r->rng);
			schedule(r, r->now + (d > 0 ? d : 0), H_READY_AGAIN, 0,
			    p->agent, 0);
		}
		break;
	case EV_TICKET_ABANDONED:
		if (st != NULL && p->has_fact && st->interval >= 0 &&
		    (p->fact == FACT_ABANDONED ||
		    p->fact == FACT_SHORT_ABANDONED))
			count_abandon(r, st, p->fact == FACT_SHORT_ABANDONED);
		break;
	default:
		break;
	}
}

/* Reads what the last engine call emitted, then the agents it touched. */
static void
drain(struct run *r)
{
	size_t	i;

	for (i = 0; i < r->npend; i++)
		pend_one(r, &r->pend[i]);
	r->npend = 0;
	for (i = 0; i < r->ndirty; i++)
		agent_refresh(r, r->dirty[i]);
	r->ndirty = 0;
}

static void
engine_failed(struct run *r, const char *what, int rc)
{
	if (rc == ENGINE_OK || r->failed)
		return;
	r->failed = 1;
	snprintf(r->what, sizeof r->what, "%s", what);
}

static void
arrive(struct run *r, const struct hap *h)
{
	const struct sim_model	*m = r->m;
	struct ticket_create	 tc;
	struct customer_update	 cu;
	struct sim_counts	*c[2];
	struct sim_ticket	*st;
	const char		*mgr;
	char			 cust[ENGINE_NAME_MAX];
	uint64_t		 id;
	hl_ms			 p;
	int			 rc;

	/* a customer per call: no repeat contacts; a manager drawn from
	 * those of the recorded calls like it, if any */
	snprintf(cust, sizeof cust, "simcaller%llu",
	    (unsigned long long)++r->customer);
	if (m->managers != NULL) {
		const struct sim_managers *pool =
		    &m->managers[h->q * m->ntiers + h->tier];

		if (pool->n > 0 && (mgr = pool->names[(int)(sim_rng_unit(
		    &r->rng) * pool->n)])[0] != '\0') {
			memset(&cu, 0, sizeof cu);
			cu.manager = mgr;
			rc = engine_customer_set(r->e, r->now, &r->admin, cust,
			    &cu, r->err, sizeof r->err);
			if (rc != ENGINE_OK) {
				engine_failed(r, "CUSTOMER SET", rc);
				return;
			}
		}
	}
	memset(&tc, 0, sizeof tc);
	tc.queue = m->cfg->queues[h->q].name;
	tc.customer = cust;
	tc.tier = m->cfg->tiers[h->tier].name;
	tc.channel = "voice";
	rc = engine_ticket_create(r->e, r->now, &r->ivr, &tc, &id, r->err,
	    sizeof r->err);
	if (rc != ENGINE_OK) {
		engine_failed(r, "TICKET CREATE", rc);
		return;
	}
	/* its events are read after this returns, so they count */
	st = ticket_slot(r, id);
	st->tier = (int16_t)h->tier;
	st->interval = (int16_t)((h->at - m->day0) / SIM_INTERVAL_MS);
	count_cells(r, st, c);
	c[0]->offered++;
	c[1]->offered++;
	if ((p = sim_dist_draw(&m->patience, &r->rng)) >= 0)
		schedule(r, r->now + p, H_PATIENCE, id, AGENT_NONE, 0);
}

static void
agent_actor(const struct run *r, int a, struct actor *ac)
{
	ac->name = r->m->agents[a].name;
	ac->role = ROLE_AGENT;
}

/* What happens to one agent (h->agent is one of the roster). */
static void
happen_agent(struct run *r, const struct hap *h)
{
	const struct ticket	*t;
	struct live_agent	*la = &r->agents[h->agent];
	const char		*name = r->m->agents[h->agent].name;
	struct actor		 ac;
	hl_ms			 w;
	int			 rc = ENGINE_OK;

	agent_actor(r, h->agent, &ac);
	switch (h->what) {
	case H_ACCEPT:
		/* the offer may have timed out or the caller hung up */
		t = engine_ticket_get(r->e, h->ticket);
		if (t != NULL && t->state == TICKET_OFFERED &&
		    t->offered_at == h->stamp && strcmp(t->agent, name) == 0)
			rc = engine_ticket_accept(r->e, r->now, &ac,
			    h->ticket, r->err, sizeof r->err);
		engine_failed(r, "TICKET ACCEPT", rc);
		break;
	case H_DONE:
		rc = engine_ticket_resolve(r->e, r->now, &ac, h->ticket, NULL,
		    r->err, sizeof r->err);
		engine_failed(r, "TICKET RESOLVE", rc);
		drain(r);
		t = engine_ticket_get(r->e, h->ticket);
		if (t != NULL && t->state == TICKET_RESOLVED) {
			rc = engine_ticket_close(r->e, r->now, &ac, h->ticket,
			    r->err, sizeof r->err);
			engine_failed(r, "TICKET CLOSE", rc);
			drain(r);
		}
		w = sim_dist_draw(&r->m->wrapup, &r->rng);
		if (w > 0 && la->on_shift && !la->on_break) {
			rc = engine_agent_break(r->e, r->now, &r->admin, name,
			    WRAPUP_REASON, r->err, sizeof r->err);
			engine_failed(r, "AGENT BREAK", rc);
			schedule(r, r->now + w, H_READY_AGAIN, 0, h->agent, 0);
		}
		break;
	case H_READY_AGAIN:
		if (la->on_shift && !la->on_break)
			rc = engine_agent_ready(r->e, r->now, &ac, name,
			    r->err, sizeof r->err);
		engine_failed(r, "AGENT READY", rc);
		break;
	case H_SHIFT_START:
		la->on_shift = 1;
		engine_agent_attach(r->e, r->now, name);
		rc = engine_agent_ready(r->e, r->now, &ac, name, r->err,
		    sizeof r->err);
		engine_failed(r, "AGENT READY", rc);
		break;
	case H_SHIFT_END:
		/* held tickets stay with the agent until done */
		la->on_shift = 0;
		rc = engine_agent_logout(r->e, r->now, &ac, name, r->err,
		    sizeof r->err);
		engine_failed(r, "AGENT LOGOUT", rc);
		break;
	case H_BREAK_START:
		/* a call in hand goes on; no offers until the end */
		la->on_break = 1;
		rc = engine_agent_break(r->e, r->now, &ac, name, BREAK_REASON,
		    r->err, sizeof r->err);
		engine_failed(r, "AGENT BREAK", rc);
		break;
	case H_BREAK_END:
		la->on_break = 0;
		if (la->on_shift)
			rc = engine_agent_ready(r->e, r->now, &ac, name,
			    r->err, sizeof r->err);
		engine_failed(r, "AGENT READY", rc);
		break;
	default:
		break;
	}
}

static void
happen(struct run *r, const struct hap *h)
{
	const struct ticket	*t;
	int			 rc = ENGINE_OK;

	switch (h->what) {
	case H_ARRIVE:
		arrive(r, h);
		break;
	case H_PATIENCE:
		t = engine_ticket_get(r->e, h->ticket);
		if (t != NULL && (t->state == TICKET_QUEUED ||
		    t->state == TICKET_OFFERED))
			rc = engine_ticket_abandon(r->e, r->now, &r->ivr,
			    h->ticket, r->err, sizeof r->err);
		engine_failed(r, "TICKET ABANDON", rc);
		break;
	default:
		if (h->agent >= 0)
			happen_agent(r, h);
		break;
	}
	agent_mark(r, h->agent);
	drain(r);
}

static int
run_setup(struct run *r, char *err, size_t errlen)
{
	const struct sim_model	*m = r->m;
	struct engine_config	 ec;
	struct agent_update	 au;
	struct hap		 h;
	long			 n, k;
	int			 i, q, t, rc;

	config_engine(m->cfg, &ec);
	ec.seed = r->rng.s[0];
	if ((r->e = engine_new(&ec, run_emit, r)) == NULL) {
		engine_check_config(&ec, r->err, sizeof r->err);
		snprintf(err, errlen, "the engine refused the configuration: "
		    "%s", r->err);
		return (-1);
	}
	for (i = 0; i < m->nagents; i++) {
		const struct sim_agent *sa = &m->agents[i];

		memset(&au, 0, sizeof au);
		au.role = ROLE_AGENT;
		au.skills = sa->skills;
		au.nskills = sa->nskills;
		au.groups = (const char (*)[ENGINE_NAME_MAX])sa->groups;
		au.ngroups = sa->ngroups;
		au.capacity = sa->capacity;
		rc = engine_agent_add(r->e, m->day0, &r->admin, sa->name, &au,
		    r->err, sizeof r->err);
		if (rc != ENGINE_OK) {
			snprintf(err, errlen, "agent %s: %s", sa->name, r->err);
			return (-1);
		}
		schedule(r, m->day0 + sa->start, H_SHIFT_START, 0, i, 0);
		schedule(r, m->day0 + sa->end, H_SHIFT_END, 0, i, 0);
		for (k = 0; k < sa->nbreaks; k++) {
			schedule(r, m->day0 + sa->breaks[k].start,
			    H_BREAK_START, 0, i, 0);
			schedule(r, m->day0 + sa->breaks[k].end, H_BREAK_END,
			    0, i, 0);
		}
	}
	r->npend = 0;
	/* Poisson within each interval: a Poisson count, uniform times */
	for (q = 0; q < m->nqueues; q++)
		for (t = 0; t < m->ntiers; t++)
			for (i = 0; i < SIM_INTERVALS; i++) {
				n = sim_rng_poisson(&r->rng,
				    sim_model_calls(m, q, t, i));
				for (k = 0; k < n; k++) {
					memset(&h, 0, sizeof h);
					h.what = H_ARRIVE;
					h.q = q;
					h.tier = t;
					h.agent = AGENT_NONE;
					h.at = m->day0 + (hl_ms)i *
					    SIM_INTERVAL_MS + (hl_ms)(
					    sim_rng_unit(&r->rng) *
					    SIM_INTERVAL_MS);
					heap_push(r, h);
				}
			}
	return (0);
}

static void
run_free(struct run *r)
{
	if (r->e != NULL)
		engine_free(r->e);
	free(r->heap);
	free(r->tickets);
	free(r->agents);
	hmap_free(&r->names, NULL);
	free(r->pend);
	free(r->dirty);
}

int
sim_run(const struct sim_model *m, uint64_t seed, struct sim_result *res,
    char *err, size_t errlen)
{
	struct run	 r;
	struct hap	 h;
	hl_ms		 end = m->day0 + SIM_DAY_MS + m->drain, d;
	int		 i;

	memset(res, 0, sizeof *res);
	res->ntiers = m->ntiers;
	res->counts = xcalloc((size_t)(m->ntiers + 1) * SIM_INTERVALS,
	    sizeof *res->counts);
	memset(&r, 0, sizeof r);
	r.m = m;
	r.res = res;
	r.now = m->day0;
	r.admin.name = ADMIN_NAME;
	r.admin.role = ROLE_ADMIN;
	r.ivr.name = INTEGRATION_NAME;
	r.ivr.role = ROLE_INTEGRATION;
	sim_rng_seed(&r.rng, seed);
	r.agents = xcalloc((size_t)m->nagents + 1, sizeof *r.agents);
	r.dirty = xcalloc((size_t)m->nagents + 1, sizeof *r.dirty);
	names_init(&r);
	if (run_setup(&r, err, errlen) != 0) {
		run_free(&r);
		return (-1);
	}
	while (!r.failed) {
		d = engine_next_deadline(r.e);
		if (d >= 0 && (r.nheap == 0 || d <= r.heap[0].at)) {
			if (d > end)
				break;
			if (d > r.now)
				r.now = d;
			engine_advance(r.e, r.now);
			drain(&r);
			continue;
		}
		if (r.nheap == 0 || r.heap[0].at > end)
			break;
		h = heap_pop(&r);
		if (h.at > r.now)
			r.now = h.at;
		happen(&r, &h);
	}
	/* close the last spells at the end of the run */
	r.now = end;
	engine_ticket_foreach(r.e, count_unanswered, &r);
	for (i = 0; i < m->nagents; i++) {
		if (r.agents[i].staffed)
			account(&r, res->staffed_ms, r.agents[i].since, end);
		if (r.agents[i].busy)
			account(&r, res->busy_ms, r.agents[i].since, end);
	}
	if (r.failed)
		snprintf(err, errlen, "the engine refused %s: %s", r.what,
		    r.err);
	run_free(&r);
	return (r.failed ? -1 : 0);
}

void
sim_result_free(struct sim_result *res)
{
	free(res->counts);
	res->counts = NULL;
}
