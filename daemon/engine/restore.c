/*
 * restore.c: loading what the store holds after a restart. The restore_*
 * calls copy records without events; engine_restore_done() then rebuilds
 * the routing state: offered tickets return to their original place
 * (unless their agent's presence came back holding them: a rebuild, or a
 * restart within reconnect_grace), active and pending ones stay with
 * their agent, ladder timers resume from
 * step_started. It emits events only for what it changes (an offer taken
 * back, a ladder step that fell due while the daemon was down, a customer
 * record that was missing), so the store stays in step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

#define RESTORE_OFFER_TIMEOUT	30000	/* queues no longer configured */

static void
restore_name(char *dst, const char *src)
{
	memcpy(dst, src, ENGINE_NAME_MAX);
	dst[ENGINE_NAME_MAX - 1] = '\0';
}

/* A ticket's queue that is gone from the configuration is kept, retired. */
static struct queue *
restore_queue(struct engine *e, const char *name)
{
	struct queue_def	 def;
	struct queue		*q;

	if ((q = eng_queue(e, name)) != NULL)
		return (q);
	memset(&def, 0, sizeof def);
	snprintf(def.name, sizeof def.name, "%s", name);
	def.strategy = STRATEGY_LONGEST_IDLE;
	def.offer_timeout = RESTORE_OFFER_TIMEOUT;
	q = eng_queue_make(e, &def);
	q->retired = true;
	return (q);
}

int
engine_restore_ticket(struct engine *e, const struct ticket *src)
{
	struct ticket_private	*t;
	char			 qname[ENGINE_NAME_MAX];

	if (src == NULL || src->id == 0 || eng_ticket(e, src->id) != NULL)
		return (-1);
	if (src->state == TICKET_CLOSED || src->state == TICKET_ABANDONED)
		return (0);	/* nothing left to route */
	if (src->state < TICKET_QUEUED || (src->state > TICKET_RESOLVED &&
	    src->state != TICKET_SCHEDULED))
		return (-1);
	restore_name(qname, src->queue);
	if (eng_name_stored_ok(qname) != 0)
		return (-1);
	t = xcalloc(1, sizeof *t);
	t->t = *src;
	restore_name(t->t.queue, src->queue);
	restore_name(t->t.customer, src->customer);
	restore_name(t->t.tier, src->tier);
	memcpy(t->t.channel, src->channel, sizeof t->t.channel);
	t->t.channel[sizeof t->t.channel - 1] = '\0';
	restore_name(t->t.creator, src->creator);
	restore_name(t->t.agent, src->agent);
	restore_name(t->t.target, src->target);
	t->t.subject = eng_strdup(src->subject);
	t->t.disposition = eng_strdup(src->disposition);
	eng_attrs_copy(&t->t.attrs, &t->t.nattrs, src->attrs, src->nattrs);
	t->t.priv = t;
	if (t->t.step < 0)
		t->t.step = 0;
	memset(t->hidx, 0xff, sizeof t->hidx);
	t->tm_step = t->tm_state = t->tm_cool = t->tm_sla = IDX_NONE;
	t->q = restore_queue(e, qname);
	t->q->nrefs++;
	hmap_u64_put(&e->tickets, t->t.id, t);
	if (src->id >= e->next_id)
		e->next_id = src->id + 1;
	return (0);
}

int
engine_restore_customer(struct engine *e, const struct customer *src)
{
	struct customer_private	*c;
	char			 id[ENGINE_NAME_MAX];

	if (src == NULL)
		return (-1);
	restore_name(id, src->id);
	if (eng_name_stored_ok(id) != 0 ||
	    eng_customer(e, id) != NULL)
		return (-1);
	c = xcalloc(1, sizeof *c);
	c->c = *src;
	restore_name(c->c.id, src->id);
	restore_name(c->c.tier, src->tier);
	restore_name(c->c.manager, src->manager);
	c->c.name = eng_strdup(src->name);
	c->c.phone = eng_strdup(src->phone);
	eng_attrs_copy(&c->c.attrs, &c->c.nattrs, src->attrs, src->nattrs);
	if (segment_name(c->c.segment)[0] == 'u')
		c->c.segment = SEGMENT_INDIVIDUAL;
	/* Insight is rebuilt from the tickets (engine_restore_complaints,
	 * engine_restore_contact), never taken from the customer row. */
	c->c.complaints = 0;
	c->c.last_contact = 0;
	c->c.last_repeat = 0;
	hmap_str_put(&e->customers, c);
	return (0);
}

/* Agents come back offline, with nothing offered and nothing active. */
int
engine_restore_agent(struct engine *e, const struct agent *src)
{
	struct agent_private	*a;
	char			 name[ENGINE_NAME_MAX];
	int			 i, n;

	if (src == NULL)
		return (-1);
	restore_name(name, src->name);
	if (eng_name_stored_ok(name) != 0 ||
	    eng_agent(e, name) != NULL)
		return (-1);
	a = agent_make(e, name, src->status_since);
	a->a.role = role_name(src->role)[0] != 'u' ? src->role : ROLE_AGENT;
	n = src->nskills < 0 ? 0 : src->nskills > ENGINE_MAX_SKILLS ?
	    ENGINE_MAX_SKILLS : src->nskills;
	for (i = 0; i < n; i++) {
		a->a.skills[i] = src->skills[i];
		a->a.skills[i].queue[ENGINE_NAME_MAX - 1] = '\0';
	}
	a->a.nskills = n;
	n = src->ngroups < 0 ? 0 : src->ngroups > ENGINE_MAX_GROUPS ?
	    ENGINE_MAX_GROUPS : src->ngroups;
	for (i = 0; i < n; i++) {
		restore_name(a->a.groups[i], src->groups[i]);
		if (a->a.groups[i][0] == '\0')
			snprintf(a->a.groups[i], ENGINE_NAME_MAX, "-");
	}
	a->a.ngroups = n;
	a->a.capacity = src->capacity >= 1 ? src->capacity : 1;
	a->a.idle_since = src->idle_since;
	a->a.handled = src->handled;
	a->a.offered_total = src->offered_total;
	eng_links_agent(e, a);
	return (0);
}

/*
 * Ladder steps that fell due while the daemon was down, as scheduled;
 * steps that do not apply to the ticket take no time, as when entered.
 */
static bool
restore_ladder(struct engine *e, struct ticket_private *t, hl_ms now)
{
	const struct tier_def	*td = route_tier(e, t);
	const struct ladder_step *s;
	int			 step = t->t.step;

	if (t->t.target[0] != '\0') {
		t->t.step = 0;
		return (step != 0);
	}
	if (t->t.step >= td->nsteps)
		t->t.step = td->nsteps - 1;
	while (t->t.step < td->nsteps - 1) {
		s = &td->steps[t->t.step];
		if (route_step_applies(t, s)) {
			if (t->t.step_started + s->duration > now)
				break;
			t->t.step_started += s->duration;
		}
		t->t.step++;
	}
	return (t->t.step != step);
}

static void
restore_one(struct engine *e, struct ticket_private *t, hl_ms now)
{
	struct customer_private	*c;
	struct agent_private	*a;
	const char		*reason = NULL;
	char			 buf[ENGINE_STEP_MAX];
	bool			 stepped;

	if ((c = eng_customer(e, t->t.customer)) == NULL) {
		c = eng_customer_make(e, t->t.customer, now);
		json_begin(&e->json, &e->json_buf);
		json_bool(&e->json, "created", true);
		json_str(&e->json, "reason", "recovered");
		json_str(&e->json, "tier", c->c.tier);
		eng_emit(e, now, "system", EV_CUSTOMER_UPDATED, NULL,
		    c->c.id, json_end(&e->json), NULL);
	}
	eng_customer_link(c, t);
	t->eprio = INT32_MIN;
	eng_ticket_tier(e, t);
	/* An offer survives a rebuild or a restart when its agent's
	 * presence came back holding it (engine_restore_presence, or
	 * engine_restore_presence_restart from the agent's row). */
	if (t->t.state == TICKET_OFFERED && ((a = eng_agent(e,
	    t->t.agent)) == NULL || a->a.offer != t->t.id)) {
		t->t.state = TICKET_QUEUED;
		t->t.agent[0] = '\0';
		reason = "recovered";
	}
	eng_qcount(t, +1);
	switch (t->t.state) {
	case TICKET_QUEUED:
	case TICKET_OFFERED:
		stepped = restore_ladder(e, t, now);
		route_ladder_arm(e, t);
		route_file(e, t);
		if (t->t.state == TICKET_OFFERED) {
			/* As route_offer left it: out of the step heaps,
			 * in the age heap, its timeout where it was. */
			route_unfile(e, t, false);
			/* A rebuild keeps the offer's deadline; after a
			 * restart it gets a fresh timeout: the desk needs
			 * the time to come back. */
			a = eng_agent(e, t->t.agent);
			tmr_arm(&e->timers, a != NULL && a->offer_until > 0 ?
			    a->offer_until : (e->restarted_at != 0 ?
			    e->restarted_at : t->t.offered_at) +
			    t->q->def.offer_timeout, TMR_OFFER, t,
			    &t->tm_state);
		}
		json_begin(&e->json, &e->json_buf);
		json_str(&e->json, "step", engine_ticket_step(e, &t->t, buf,
		    sizeof buf));
		json_int(&e->json, "index", t->t.step);
		json_str(&e->json, "reason", "recovered");
		if (reason != NULL) {
			json_str(&e->json, "queue", t->t.queue);
			json_int(&e->json, "enqueued", t->t.enqueued);
			eng_emit_ticket(e, now, "system", EV_TICKET_QUEUED, t,
			    t->t.target, json_end(&e->json), NULL);
		} else if (stepped)
			eng_emit_ticket(e, now, "system", EV_TICKET_STEP, t,
			    NULL, json_end(&e->json), NULL);
		break;
	case TICKET_ACTIVE:
		if ((a = eng_agent(e, t->t.agent)) != NULL)
			a->a.active++;
		break;
	case TICKET_PENDING:
		if (t->t.pending_until > 0)
			tmr_arm(&e->timers, t->t.pending_until, TMR_PENDING, t,
			    &t->tm_state);
		break;
	case TICKET_SCHEDULED:
		/* Overdue ones fire once, at start (engine_restore_done). */
		tmr_arm(&e->timers, t->t.created, TMR_FOLLOWUP, t,
		    &t->tm_state);
		break;
	default:
		break;
	}
	sla_restore(e, t, now);
}

int
engine_agent_presence(const struct engine *e, const char *name,
    struct agent_presence *p)
{
	struct agent_private	*a;
	struct ticket_private	*t;

	if ((a = eng_agent((struct engine *)e, name)) == NULL)
		return (-1);
	memset(p, 0, sizeof *p);
	p->base = a->base;
	p->status = a->a.status;
	memcpy(p->reason, a->a.reason, sizeof p->reason);
	p->status_since = a->a.status_since;
	p->idle_since = a->a.idle_since;
	if (a->tm_wrapup != IDX_NONE)
		p->wrapup_until = e->timers.v[a->tm_wrapup].at;
	p->offer = a->a.offer;
	if (a->a.offer != 0 && (t = eng_ticket((struct engine *)e,
	    a->a.offer)) != NULL && t->t.state == TICKET_OFFERED &&
	    t->tm_state != IDX_NONE)
		p->offer_until = e->timers.v[t->tm_state].at;
	p->missed = a->a.missed;
	p->handled = a->a.handled;
	p->offered_total = a->a.offered_total;
	p->spell = a->spell;
	memcpy(p->spell_reason, a->spell_reason, sizeof p->spell_reason);
	p->spell_since = a->spell_since;
	p->conn = a->a.conn;
	p->conn_since = a->a.conn_since;
	p->grace_until = a->a.grace_until;
	return (0);
}

int
engine_restore_presence(struct engine *e, const char *name,
    const struct agent_presence *p)
{
	struct agent_private	*a;

	if ((a = eng_agent(e, name)) == NULL || p->base == AGENT_BUSY ||
	    p->base > AGENT_BREAK || p->status > AGENT_BREAK ||
	    p->spell > AGENT_BREAK || p->conn > AGENT_DETACHED)
		return (-1);
	a->base = p->base;
	a->a.status = p->status;
	restore_name(a->a.reason, p->reason);
	a->a.status_since = p->status_since;
	a->a.idle_since = p->idle_since;
	a->a.offer = p->offer;
	a->offer_until = p->offer != 0 ? p->offer_until : 0;
	a->a.missed = p->missed;
	a->a.handled = p->handled;
	a->a.offered_total = p->offered_total;
	a->spell = p->spell;
	restore_name(a->spell_reason, p->spell_reason);
	a->spell_since = p->spell_since;
	if (a->base == AGENT_WRAPUP && p->wrapup_until > 0)
		tmr_arm(&e->timers, p->wrapup_until, TMR_WRAPUP, a,
		    &a->tm_wrapup);
	/* A grace running at the last commit runs on to its end. */
	a->a.conn = p->conn;
	a->a.conn_since = p->conn_since;
	a->a.grace_until = 0;
	if (p->conn == AGENT_DETACHED) {
		a->a.grace_until = p->grace_until;
		tmr_arm(&e->timers, p->grace_until, TMR_GRACE, a,
		    &a->tm_grace);
	}
	e->presence_restored = true;
	return (0);
}

int
engine_restore_presence_restart(struct engine *e, hl_ms now,
    const char *name, const struct agent_presence *p, hl_ms grace)
{
	struct agent_presence	q = *p;

	if (grace <= 0 || (p->base == AGENT_OFFLINE && p->offer == 0))
		return (-1);
	/* Nobody is connected yet: every desk is away, from now on. */
	q.offer_until = 0;
	q.conn = AGENT_DETACHED;
	q.conn_since = now;
	q.grace_until = now + grace;
	if (engine_restore_presence(e, name, &q) != 0)
		return (-1);
	e->restarted_at = now;
	return (0);
}

/* Agents put back from their rows say so: detached by the restart. */
static void
restore_restart_events(struct engine *e, hl_ms now)
{
	struct agent_private	*a;
	size_t			 i;

	for (i = 0; (a = hmap_next(&e->agents, &i)) != NULL;) {
		if (a->a.conn != AGENT_DETACHED)
			continue;
		json_begin(&e->json, &e->json_buf);
		json_str(&e->json, "status", agent_status_name(a->a.status));
		json_int(&e->json, "grace_ms", a->a.grace_until - now);
		json_int(&e->json, "until", a->a.grace_until);
		json_int(&e->json, "offer", (int64_t)a->a.offer);
		json_str(&e->json, "reason", "restart");
		eng_emit(e, now, "system", EV_AGENT_DETACHED, a->a.name, NULL,
		    json_end(&e->json), NULL);
	}
}

/*
 * After a rebuild or a restart: an offer whose ticket did not come back
 * offered to that agent (closed, or offered in the failed batch only) is
 * no offer. The shown status follows the offer and the tickets held: a
 * restart's rows do not say busy or available (store_put_presence), and
 * after a rebuild this changes nothing. Routing then runs as after any
 * change.
 */
static void
restore_presence_done(struct engine *e, hl_ms now)
{
	struct agent_private	*a;
	struct ticket_private	*t;
	size_t			 i;

	for (i = 0; (a = hmap_next(&e->agents, &i)) != NULL;) {
		if (a->a.offer != 0 && ((t = eng_ticket(e, a->a.offer)) ==
		    NULL || t->t.state != TICKET_OFFERED ||
		    strcmp(t->t.agent, a->a.name) != 0))
			a->a.offer = 0;
		route_agent_sync(a, now);
	}
	if (e->restarted_at != 0)
		restore_restart_events(e, now);
	route_all(e, now);
}

void
engine_restore_done(struct engine *e, hl_ms now)
{
	struct ticket_private	*t;
	size_t			 i;

	eng_clock(e, now);
	for (i = 0; (t = hmap_next(&e->tickets, &i)) != NULL;) {
		if (t->cust == NULL)
			restore_one(e, t, now);
	}
	if (e->presence_restored)
		restore_presence_done(e, now);
	/* What fell due while down (SLA thresholds, pending ends) fires
	 * now, once, in deadline order across tickets. */
	engine_advance(e, now);
}
