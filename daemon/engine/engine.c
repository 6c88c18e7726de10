/*
 * engine.c: the engine's lifecycle, the helpers every other file shares
 * (lookups, events, counters) and the timer dispatch. Configuration checks
 * and reloads are in reload.c, read-only queries in query.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "text.h"

char eng_empty[] = "";

/* Empty strings share one static buffer: most subjects and dispositions. */
char *
eng_strdup(const char *s)
{
	if (s == NULL || *s == '\0')
		return (eng_empty);
	return (xstrdup(s));
}

void
eng_free_str(char *s)
{
	if (s != eng_empty)
		free(s);
}

void
eng_err(char *err, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, ENGINE_ERRMAX, fmt, ap);
	va_end(ap);
}

/*
 * A name entering the engine from a command or the configuration: the
 * name rule of text.h (printable UTF-8, shorter than ENGINE_NAME_MAX).
 */
int
eng_name_ok(const char *s, const char *what, char *err)
{
	char	why[TEXT_ERRMAX];

	if (s == NULL)
		s = "";
	if (text_name_check(s, strlen(s), ENGINE_NAME_MAX, 0, what, why,
	    sizeof why) != 0) {
		eng_err(err, "%s", why);
		return (-1);
	}
	return (0);
}

/*
 * A name read back from the database: the rule it was stored under,
 * looser than today's (non-empty, no C0 control, no DEL), so that rows
 * an older release accepted still load.
 */
int
eng_name_stored_ok(const char *s)
{
	const unsigned char	*p;

	if (s == NULL || *s == '\0' || strlen(s) >= ENGINE_NAME_MAX)
		return (-1);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return (-1);
	return (0);
}

const char *
eng_actor(const struct actor *ac)
{
	return (ac != NULL && ac->name != NULL ? ac->name : "system");
}

static void
eng_tick(struct engine *e, hl_ms now)
{
	if (now > e->clock)
		e->clock = now;
}

static const char *
agent_key(const void *p)
{
	return (((const struct agent_private *)p)->a.name);
}

static const char *
customer_key(const void *p)
{
	return (((const struct customer_private *)p)->c.id);
}

static const char *
desk_key(const void *p)
{
	return (((const struct desk *)p)->name);
}

static const char *
group_key(const void *p)
{
	return (((const struct group *)p)->name);
}

struct ticket_private *
eng_ticket(const struct engine *e, uint64_t id)
{
	return (hmap_u64_get(&e->tickets, id));
}

struct agent_private *
eng_agent(const struct engine *e, const char *name)
{
	if (name == NULL || *name == '\0')
		return (NULL);
	return (hmap_str_get(&e->agents, name));
}

struct customer_private *
eng_customer(const struct engine *e, const char *id)
{
	if (id == NULL)
		return (NULL);
	return (hmap_str_get(&e->customers, id));
}

struct queue *
eng_queue(const struct engine *e, const char *name)
{
	int	i;

	if (name == NULL)
		return (NULL);
	for (i = 0; i < e->nqueues; i++) {
		if (strcmp(e->queues[i]->def.name, name) == 0)
			return (e->queues[i]);
	}
	return (NULL);
}

static void
eng_queue_link(struct queue *q, struct agent_private *a, int level)
{
	int	i;

	for (i = 0; i < q->nagents; i++) {
		if (q->agents[i].a == a)
			return;
	}
	if (q->nagents == q->cagents) {
		q->cagents = q->cagents != 0 ? q->cagents * 2 : 8;
		q->agents = xreallocarray(q->agents, (size_t)q->cagents,
		    sizeof *q->agents);
	}
	q->agents[q->nagents].a = a;
	q->agents[q->nagents].level = level;
	q->nagents++;
}

struct queue *
eng_queue_make(struct engine *e, const struct queue_def *def)
{
	struct queue		*q = xcalloc(1, sizeof *q);
	struct agent_private	*a;
	size_t			 i;
	int			 k;

	q->def = *def;
	sla_queue_bind(e, q);
	theap_init(&q->heap, false);
	theap_init(&q->age, true);
	e->queues = xreallocarray(e->queues, (size_t)e->nqueues + 1,
	    sizeof *e->queues);
	e->queues[e->nqueues++] = q;
	for (i = 0; (a = hmap_next(&e->agents, &i)) != NULL;) {
		for (k = 0; k < a->a.nskills; k++) {
			if (strcmp(a->a.skills[k].queue, q->def.name) == 0) {
				a->sq[k] = q;
				eng_queue_link(q, a, a->a.skills[k].level);
			}
		}
	}
	return (q);
}

void
eng_queue_destroy(struct engine *e, struct queue *q)
{
	int	i, k;

	for (i = 0; i < q->nagents; i++) {
		for (k = 0; k < q->agents[i].a->a.nskills; k++) {
			if (q->agents[i].a->sq[k] == q)
				q->agents[i].a->sq[k] = NULL;
		}
	}
	for (i = 0; i < e->nqueues; i++) {
		if (e->queues[i] == q) {
			memmove(&e->queues[i], &e->queues[i + 1],
			    (size_t)(e->nqueues - i - 1) * sizeof *e->queues);
			e->nqueues--;
			break;
		}
	}
	theap_free(&q->heap);
	theap_free(&q->age);
	sl_free(q);
	free(q->agents);
	free(q);
}

/* A retired queue lives until its last ticket leaves it. */
void
eng_queue_unref(struct engine *e, struct queue *q)
{
	if (--q->nrefs == 0 && q->retired)
		eng_queue_destroy(e, q);
}

struct group *
eng_group(struct engine *e, const char *name, bool create)
{
	struct group	*g;

	if ((g = hmap_str_get(&e->groups, name)) != NULL || !create)
		return (g);
	g = xcalloc(1, sizeof *g);
	snprintf(g->name, sizeof g->name, "%s", name);
	theap_init(&g->heap, false);
	hmap_str_put(&e->groups, g);
	return (g);
}

struct desk *
eng_desk(struct engine *e, const char *name, bool create)
{
	struct desk	*d;

	if ((d = hmap_str_get(&e->desks, name)) != NULL || !create)
		return (d);
	d = xcalloc(1, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	theap_init(&d->heap, false);
	hmap_str_put(&e->desks, d);
	return (d);
}

/* Desks of names that are not agents go once nothing waits for them. */
void
eng_desk_release(struct engine *e, struct desk *d)
{
	if (d->agent != NULL || d->heap.n > 0)
		return;
	hmap_str_del(&e->desks, d->name);
	theap_free(&d->heap);
	free(d);
}

/* Index the agent in the queues it is skilled for and its groups. */
void
eng_links_agent(struct engine *e, struct agent_private *a)
{
	struct group	*g;
	int		 i;

	for (i = 0; i < a->a.nskills; i++) {
		a->sq[i] = eng_queue(e, a->a.skills[i].queue);
		if (a->sq[i] != NULL)
			eng_queue_link(a->sq[i], a, a->a.skills[i].level);
	}
	for (i = 0; i < a->a.ngroups; i++) {
		g = a->grp[i] = eng_group(e, a->a.groups[i], true);
		if (g->nmem == g->cmem) {
			g->cmem = g->cmem != 0 ? g->cmem * 2 : 8;
			g->mem = xreallocarray(g->mem, (size_t)g->cmem,
			    sizeof *g->mem);
		}
		g->mem[g->nmem++] = a;
	}
}

void
eng_unlink_agent(struct engine *e, struct agent_private *a)
{
	struct queue	*q;
	struct group	*g;
	int		 i, k;

	for (i = 0; i < a->a.nskills; i++) {
		if ((q = a->sq[i]) == NULL)
			continue;
		for (k = 0; k < q->nagents; k++) {
			if (q->agents[k].a == a) {
				q->agents[k] = q->agents[--q->nagents];
				break;
			}
		}
		a->sq[i] = NULL;
	}
	for (i = 0; i < a->a.ngroups; i++) {
		if ((g = a->grp[i]) == NULL)
			continue;
		for (k = 0; k < g->nmem; k++) {
			if (g->mem[k] == a) {
				g->mem[k] = g->mem[--g->nmem];
				break;
			}
		}
		a->grp[i] = NULL;
	}
}

int
eng_tier_index(const struct engine *e, const char *name)
{
	int	i;

	for (i = 0; name != NULL && i < e->ntiers; i++) {
		if (strcmp(e->tiers[i].name, name) == 0)
			return (i);
	}
	return (-1);
}

/* Resolve the ticket's tier name; an unknown tier works as the lowest. */
void
eng_ticket_tier(struct engine *e, struct ticket_private *t)
{
	int	i = eng_tier_index(e, t->t.tier);

	t->tier = (int16_t)(i < 0 ? 0 : i);
	route_rekey(e, t);
}

static void
eng_count(size_t *n, int delta)
{
	if (delta > 0)
		(*n)++;
	else
		(*n)--;
}

/* Keep the queue's counters in step: -1 before a change, +1 after. */
void
eng_qcount(struct ticket_private *t, int delta)
{
	struct queue	*q = t->q;

	switch (t->t.state) {
	case TICKET_QUEUED:
		eng_count(&q->nwaiting, delta);
		eng_count(&q->by_tier[t->tier], delta);
		break;
	case TICKET_OFFERED:
		eng_count(&q->noffered, delta);
		break;
	case TICKET_ACTIVE:
	case TICKET_PENDING:
		eng_count(&q->nactive, delta);
		break;
	case TICKET_SCHEDULED:
		eng_count(&q->nscheduled, delta);
		break;
	default:
		break;
	}
}

/*
 * The one way out of the engine. The event says what it touches (the
 * type's flags, and extra ones of this event: EVF_TICKET_FINAL for a
 * rating of a closed ticket) and carries the ticket's queue and row and
 * its report fact, so the daemon's readers need look nothing up.
 */
void
eng_emit_event(struct engine *e, hl_ms now, const char *actor,
    enum event_type k, const struct ticket *t, const char *agent,
    const char *customer, const char *data, const struct engine_fact *fact,
    unsigned flags)
{
	struct engine_event	ev;

	if (e->emit == NULL)
		return;
	ev.time = now;
	ev.kind = k;
	ev.type = event_type_name(k);
	ev.flags = event_type_flags(k) | flags;
	ev.ticket = t != NULL ? t->id : 0;
	ev.queue = t != NULL ? t->queue : NULL;
	ev.row = t;
	if (t != NULL)
		customer = t->customer;
	ev.agent = agent != NULL && *agent != '\0' ? agent : NULL;
	ev.customer = customer != NULL && *customer != '\0' ? customer : NULL;
	ev.actor = actor != NULL ? actor : "system";
	ev.data = data != NULL ? data : "{}";
	ev.fact = fact;
	e->emit(e->emit_arg, &ev);
}

/* An event about no ticket (agents, customers). */
void
eng_emit(struct engine *e, hl_ms now, const char *actor, enum event_type k,
    const char *agent, const char *customer, const char *data,
    const struct engine_fact *fact)
{
	eng_emit_event(e, now, actor, k, NULL, agent, customer, data, fact, 0);
}

/* Every ticket event changes the ticket's row: at least its `updated`. */
void
eng_emit_ticket(struct engine *e, hl_ms now, const char *actor,
    enum event_type k, struct ticket_private *t, const char *agent,
    const char *data, const struct engine_fact *fact)
{
	t->t.updated = now;
	eng_emit_event(e, now, actor, k, &t->t, agent, NULL, data, fact, 0);
}

void
eng_emit_status(struct engine *e, hl_ms now, const char *actor,
    struct agent_private *a)
{
	struct engine_fact	f;
	const struct engine_fact *fact;

	ejson_begin(&e->json);
	ejson_str(&e->json, "status", agent_status_name(a->a.status));
	ejson_str(&e->json, "reason", a->a.reason);
	fact = eng_spell_end(e, a, now, &f);
	eng_emit(e, now, actor, EV_AGENT_STATUS, a->a.name, NULL,
	    ejson_end(&e->json), fact);
}

void
eng_attrs_free(struct attr *v, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		eng_free_str(v[i].key);
		eng_free_str(v[i].value);
	}
	free(v);
}

int
eng_attrs_copy(struct attr **out, int *nout, const struct attr *v, int n)
{
	int	i;

	*out = NULL;
	*nout = 0;
	if (n <= 0 || v == NULL)
		return (0);
	*out = xcalloc((size_t)n, sizeof **out);
	for (i = 0; i < n; i++) {
		(*out)[i].key = eng_strdup(v[i].key);
		(*out)[i].value = eng_strdup(v[i].value);
	}
	*nout = n;
	return (0);
}

void
eng_customer_link(struct customer_private *c, struct ticket_private *t)
{
	t->cust = c;
	t->cprev = NULL;
	t->cnext = c->tickets;
	if (c->tickets != NULL)
		c->tickets->cprev = t;
	c->tickets = t;
}

struct customer_private *
eng_customer_make(struct engine *e, const char *id, hl_ms now)
{
	struct customer_private	*c = xcalloc(1, sizeof *c);

	snprintf(c->c.id, sizeof c->c.id, "%s", id);
	c->c.name = eng_empty;
	c->c.phone = eng_empty;
	snprintf(c->c.tier, sizeof c->c.tier, "%s", e->tiers[0].name);
	c->c.segment = SEGMENT_INDIVIDUAL;
	c->c.created = c->c.updated = now;
	hmap_str_put(&e->customers, c);
	return (c);
}

static void
eng_ticket_free(struct ticket_private *t)
{
	eng_free_str(t->t.subject);
	eng_free_str(t->t.disposition);
	eng_attrs_free(t->t.attrs, t->t.nattrs);
	free(t->cool);
	free(t);
}

/* Forget a ticket that is closed or abandoned (or being thrown away). */
void
eng_ticket_destroy(struct engine *e, struct ticket_private *t)
{
	route_unfile(e, t, true);
	tmr_cancel(&e->timers, &t->tm_step);
	tmr_cancel(&e->timers, &t->tm_state);
	tmr_cancel(&e->timers, &t->tm_sla);
	route_cool_clear(e, t);
	eng_qcount(t, -1);
	if (t->cust != NULL) {
		if (t->cprev != NULL)
			t->cprev->cnext = t->cnext;
		else
			t->cust->tickets = t->cnext;
		if (t->cnext != NULL)
			t->cnext->cprev = t->cprev;
	}
	hmap_u64_del(&e->tickets, t->t.id);
	eng_queue_unref(e, t->q);
	eng_ticket_free(t);
}

void
eng_set_tiers(struct engine *e, const struct engine_config *cfg)
{
	free(e->tiers);
	e->tiers = xcalloc((size_t)cfg->ntiers, sizeof *e->tiers);
	memcpy(e->tiers, cfg->tiers, (size_t)cfg->ntiers * sizeof *e->tiers);
	e->ntiers = cfg->ntiers;
}

struct engine *
engine_new(const struct engine_config *cfg, engine_emit_fn emit, void *arg)
{
	struct engine	*e;
	int		 i;

	if (engine_check_config(cfg, NULL) != ENGINE_OK)
		return (NULL);
	e = xcalloc(1, sizeof *e);
	e->emit = emit;
	e->emit_arg = arg;
	hmap_u64_init(&e->tickets);
	hmap_str_init(&e->agents, agent_key);
	hmap_str_init(&e->customers, customer_key);
	hmap_str_init(&e->desks, desk_key);
	hmap_str_init(&e->groups, group_key);
	tmr_init(&e->timers);
	ejson_init(&e->json);
	eng_set_tiers(e, cfg);
	sla_set_config(e, cfg);
	followup_set_config(e, cfg);
	insight_set_config(e, cfg);
	for (i = 0; i < cfg->nqueues; i++)
		eng_queue_make(e, &cfg->queues[i]);
	e->reject_cooldown = cfg->reject_cooldown;
	e->rng = cfg->seed != 0 ? cfg->seed : 0x2545f4914f6cdd1dULL;
	e->next_id = 1;
	e->next_uid = 1;
	return (e);
}

void
engine_free(struct engine *e)
{
	size_t			 i;
	struct ticket_private	*t;
	struct customer_private	*c;
	struct desk		*d;
	struct group		*g;

	if (e == NULL)
		return;
	for (i = 0; (t = hmap_next(&e->tickets, &i)) != NULL;)
		eng_ticket_free(t);
	for (i = 0; (c = hmap_next(&e->customers, &i)) != NULL;) {
		eng_free_str(c->c.name);
		eng_free_str(c->c.phone);
		eng_attrs_free(c->c.attrs, c->c.nattrs);
		free(c);
	}
	for (i = 0; (d = hmap_next(&e->desks, &i)) != NULL;) {
		theap_free(&d->heap);
		free(d);
	}
	for (i = 0; (g = hmap_next(&e->groups, &i)) != NULL;) {
		theap_free(&g->heap);
		free(g->mem);
		free(g);
	}
	while (e->nqueues > 0) {
		e->queues[0]->nagents = 0;
		eng_queue_destroy(e, e->queues[0]);
	}
	free(e->queues);
	hmap_free(&e->tickets, NULL);
	hmap_free(&e->agents, free);
	hmap_free(&e->customers, NULL);
	hmap_free(&e->desks, NULL);
	hmap_free(&e->groups, NULL);
	tmr_free(&e->timers);
	ejson_free(&e->json);
	free(e->scratch);
	free(e->tiers);
	free(e->followups);
	sla_free(e);
	free(e);
}

hl_ms
engine_next_deadline(const struct engine *e)
{
	return (tmr_next(&e->timers));
}

/*
 * Fire every due timer in deadline order; the actor is "system". Each one
 * acts at its own deadline (or at the latest time the engine was already
 * given, if later, so event times never go back): one long advance does
 * what many short ones would, which keeps replays and simulations exact.
 */
void
engine_advance(struct engine *e, hl_ms now)
{
	struct tmr_ent	te;
	hl_ms		at;

	while (tmr_pop_due(&e->timers, now, &te)) {
		at = te.at > e->clock ? te.at : e->clock;
		eng_tick(e, at);
		switch (te.kind) {
		case TMR_STEP:
			route_step_due(e, te.obj, te.at, at);
			break;
		case TMR_OFFER:
			ticket_offer_due(e, te.obj, at);
			break;
		case TMR_PENDING:
			ticket_pending_due(e, te.obj, at);
			break;
		case TMR_COOL:
			route_cool_due(e, te.obj, at);
			break;
		case TMR_WRAPUP:
			agent_wrapup_due(e, te.obj, at);
			break;
		case TMR_SLA:
			sla_due(e, te.obj, te.at, at);
			break;
		case TMR_FOLLOWUP:
			followup_due(e, te.obj, at);
			break;
		case TMR_GRACE:
			agent_grace_due(e, te.obj, at);
			break;
		}
	}
	eng_tick(e, now);
}

/* Entry points note the time, so that reconfigure can act "now". */
void
eng_clock(struct engine *e, hl_ms now)
{
	eng_tick(e, now);
}
