/*
 * ticket.c: the ticket commands (TICKET CREATE ... CLOSE) and the ticket
 * timers that end offers and pending spells. Each command checks, in this
 * order: the ticket exists (NOTFOUND), the actor may touch it (NOPERM),
 * the arguments (ERR), the state (BADSTATE); then it changes the ticket,
 * emits its events and routes whatever became routable. Transfers are
 * in transfer.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

#define ID(t)		((unsigned long long)(t)->t.id)

struct ticket_private *
ticket_find(struct engine *e, hl_ms now, uint64_t id, char *err, size_t errlen)
{
	struct ticket_private	*t;

	eng_clock(e, now);
	if ((t = eng_ticket(e, id)) == NULL)
		eng_err(err, errlen, "no such ticket %llu",
		    (unsigned long long)id);
	return (t);
}

int
ticket_perm(const struct actor *ac, const struct ticket_private *t, int how,
    char *err, size_t errlen)
{
	const char	*who = eng_actor(ac);

	if (ac == NULL || (ac->role & ROLE_MANAGE) != 0)
		return (ENGINE_OK);
	if (ac->role == ROLE_INTEGRATION) {
		if (how & P_INTEG)
			return (ENGINE_OK);
		eng_err(err, errlen,
		    "integration %s may not do that to tickets", who);
		return (ENGINE_NOPERM);
	}
	if (ac->role == ROLE_AGENT && how != P_MANAGE) {
		if ((how & P_OWNER) && strcmp(t->t.agent, who) == 0)
			return (ENGINE_OK);
		if ((how & P_CREATOR) && strcmp(t->t.creator, who) == 0 &&
		    (!(how & P_UNOWNED) || t->t.agent[0] == '\0'))
			return (ENGINE_OK);
	}
	if (how == P_MANAGE)
		eng_err(err, errlen,
		    "only supervisors may do that to ticket %llu", ID(t));
	else
		eng_err(err, errlen,
		    "ticket %llu is not offered to or held by %s", ID(t), who);
	return (ENGINE_NOPERM);
}

int
ticket_state_err(const struct ticket_private *t, const char *want, char *err,
    size_t errlen)
{
	eng_err(err, errlen, "ticket %llu is %s, not %s", ID(t),
	    ticket_state_name(t->t.state), want);
	return (ENGINE_BADSTATE);
}

/* Counters and SLA clocks follow every state change made here. */
static void
ticket_set_state(struct engine *e, struct ticket_private *t,
    enum ticket_state st, hl_ms now)
{
	enum ticket_state	from = t->t.state;

	eng_qcount(t, -1);
	t->t.state = st;
	eng_qcount(t, +1);
	sla_state(e, t, from, now);
}

/* ticket.queued; from: the agent whose offer it was, named as the event's
 * agent (so agent.<name> hears the offer is gone), else the target. */
static void
ticket_emit_requeued(struct engine *e, hl_ms now, const char *actor,
    struct ticket_private *t, const char *reason, const char *from)
{
	char	buf[ENGINE_STEP_MAX];

	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "queue", t->t.queue);
	json_str(&e->json, "step", engine_ticket_step(e, &t->t, buf,
	    sizeof buf));
	json_int(&e->json, "enqueued", t->t.enqueued);
	json_str(&e->json, "reason", reason);
	if (from != NULL)
		json_str(&e->json, "withdrawn_from", from);
	eng_emit_ticket(e, now, actor, EV_TICKET_QUEUED, t,
	    from != NULL ? from : t->t.target, json_end(&e->json), NULL);
}

void
ticket_emit_queued(struct engine *e, hl_ms now, const char *actor,
    struct ticket_private *t, const char *reason)
{
	ticket_emit_requeued(e, now, actor, t, reason, NULL);
}

/*
 * An offer is withdrawn without the agent's doing (break, logout, delete):
 * the ticket returns to its original place; no cooldown, no miss. The
 * caller routes it.
 */
void
ticket_return(struct engine *e, struct ticket_private *t, hl_ms now,
    const char *actor, const char *reason)
{
	char	from[ENGINE_NAME_MAX];

	snprintf(from, sizeof from, "%s", t->t.agent);
	route_unoffer(e, t, now);
	ticket_emit_requeued(e, now, actor, t, reason, from);
}

static int
ticket_check_attrs(const struct attr *v, int n, char *err, size_t errlen)
{
	int	i;

	if (n < 0 || (n > 0 && v == NULL)) {
		eng_err(err, errlen, "bad attribute list");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (eng_name_ok(v[i].key, "attribute name", err, errlen) != 0)
			return (-1);
	}
	return (0);
}

static void
ticket_channel(char *dst, size_t len, const char *src)
{
	size_t	i;

	for (i = 0; i + 1 < len && src[i] != '\0'; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

/*
 * A new ticket in memory, not yet in any state's counters, heaps or
 * timers: the caller sets the state and files it. Ids are taken here.
 */
struct ticket_private *
ticket_alloc(struct engine *e, struct queue *q, struct customer_private *c,
    const char *tier, hl_ms created)
{
	struct ticket_private	*t;

	t = xcalloc(1, sizeof *t);
	memset(t->hidx, 0xff, sizeof t->hidx);
	t->tm_step = t->tm_state = t->tm_cool = t->tm_sla = IDX_NONE;
	t->t.priv = t;
	t->t.id = e->next_id++;
	snprintf(t->t.queue, sizeof t->t.queue, "%s", q->def.name);
	snprintf(t->t.customer, sizeof t->t.customer, "%s", c->c.id);
	snprintf(t->t.tier, sizeof t->t.tier, "%s", tier);
	t->t.disposition = eng_empty;
	t->t.subject = eng_empty;
	t->t.created = t->t.enqueued = t->t.updated = created;
	t->q = q;
	q->nrefs++;
	eng_customer_link(c, t);
	hmap_u64_put(&e->tickets, t->t.id, t);
	t->eprio = INT32_MIN;
	eng_ticket_tier(e, t);
	return (t);
}

void
ticket_emit_created(struct engine *e, hl_ms now, const char *actor,
    struct ticket_private *t)
{
	int	i;

	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "queue", t->t.queue);
	json_str(&e->json, "customer", t->t.customer);
	json_str(&e->json, "tier", t->t.tier);
	json_str(&e->json, "channel", t->t.channel);
	json_str(&e->json, "subject", t->t.subject);
	json_int(&e->json, "priority", t->t.priority);
	if (t->t.nattrs > 0) {
		json_object(&e->json, "attrs");
		for (i = 0; i < t->t.nattrs; i++)
			json_str(&e->json, t->t.attrs[i].key,
			    t->t.attrs[i].value);
		json_close(&e->json);
	}
	if (t->t.repeat_contact)
		json_bool(&e->json, "repeat_contact", true);
	if (t->t.complaint)
		json_bool(&e->json, "complaint", true);
	if (t->t.followup_of != 0) {
		json_int(&e->json, "followup_of", (int64_t)t->t.followup_of);
		json_int(&e->json, "due", t->t.created);
	}
	eng_emit_ticket(e, now, actor, EV_TICKET_CREATED, t, NULL,
	    json_end(&e->json), NULL);
}

int
engine_ticket_create(struct engine *e, hl_ms now, const struct actor *ac,
    const struct ticket_create *tc, uint64_t *id, char *err, size_t errlen)
{
	struct ticket_private	*t;
	struct customer_private	*c;
	struct queue		*q;
	const char		*channel;

	eng_clock(e, now);
	if (tc == NULL) {
		eng_err(err, errlen, "no ticket");
		return (ENGINE_ERR);
	}
	channel = tc->channel != NULL ? tc->channel : "voice";
	if (eng_name_ok(tc->queue, "queue name", err, errlen) != 0 ||
	    eng_name_ok(tc->customer, "customer id", err, errlen) != 0 ||
	    ticket_check_attrs(tc->attrs, tc->nattrs, err, errlen) != 0)
		return (ENGINE_ERR);
	if ((q = eng_queue(e, tc->queue)) == NULL || q->retired) {
		eng_err(err, errlen, "unknown queue %s", tc->queue);
		return (ENGINE_ERR);
	}
	if (tc->tier != NULL && eng_tier_index(e, tc->tier) < 0) {
		eng_err(err, errlen, "unknown tier %s", tc->tier);
		return (ENGINE_ERR);
	}
	if (!engine_valid_channel(channel)) {
		eng_err(err, errlen, "unknown channel %s", channel);
		return (ENGINE_ERR);
	}
	if (tc->priority < -PRIORITY_MAX || tc->priority > PRIORITY_MAX) {
		eng_err(err, errlen, "priority %d out of range -%d..%d",
		    tc->priority, PRIORITY_MAX, PRIORITY_MAX);
		return (ENGINE_ERR);
	}

	if ((c = eng_customer(e, tc->customer)) == NULL) {
		c = eng_customer_make(e, tc->customer, now);
		json_begin(&e->json, &e->json_buf);
		json_bool(&e->json, "created", true);
		json_str(&e->json, "tier", c->c.tier);
		json_str(&e->json, "segment", segment_name(c->c.segment));
		eng_emit(e, now, eng_actor(ac), EV_CUSTOMER_UPDATED, NULL,
		    c->c.id, json_end(&e->json), NULL);
	}
	t = ticket_alloc(e, q, c, tc->tier != NULL ? tc->tier : c->c.tier,
	    now);
	t->t.state = TICKET_QUEUED;
	ticket_channel(t->t.channel, sizeof t->t.channel, channel);
	t->t.subject = eng_strdup(tc->subject);
	snprintf(t->t.creator, sizeof t->t.creator, "%s", eng_actor(ac));
	t->t.priority = tc->priority;
	eng_attrs_copy(&t->t.attrs, &t->t.nattrs, tc->attrs, tc->nattrs);
	route_rekey(e, t);
	insight_opened(e, t, now);
	insight_queued(e, t);
	eng_qcount(t, +1);
	route_ladder_start(e, t, now);
	route_file(e, t);
	sla_start(e, t);
	ticket_emit_created(e, now, eng_actor(ac), t);
	ticket_emit_queued(e, now, eng_actor(ac), t, "created");
	if (id != NULL)
		*id = t->t.id;
	route_ticket(e, t, now);
	sla_check(e, t, now);
	return (ENGINE_OK);
}

int
engine_ticket_accept(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, char *err, size_t errlen)
{
	struct ticket_private	*t;
	struct agent_private	*a;
	struct engine_fact	 f;
	const struct engine_fact *fact;
	bool			 first;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err, errlen)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_OFFERED)
		return (ticket_state_err(t, "offered", err, errlen));
	a = eng_agent(e, t->t.agent);
	first = t->t.accepted_at == 0;
	route_unfile(e, t, true);	/* answered: out of the age heap */
	tmr_cancel(&e->timers, &t->tm_state);
	tmr_cancel(&e->timers, &t->tm_step);
	route_cool_clear(e, t);
	t->t.target[0] = '\0';
	t->t.accepted_at = now;
	ticket_set_state(e, t, TICKET_ACTIVE, now);
	fact = sla_accepted(e, t, now, first, &f);
	if (a != NULL) {
		if (a->a.offer == t->t.id)
			a->a.offer = 0;
		a->a.active++;
		a->a.missed = 0;
		route_agent_sync(a, now);
	}
	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "queue", t->t.queue);
	json_int(&e->json, "waited", now - t->t.enqueued);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_ACCEPTED, t,
	    t->t.agent, json_end(&e->json), fact);
	if (a != NULL)
		route_agent(e, a, now);
	return (ENGINE_OK);
}

int
engine_ticket_reject(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, const char *reason, char *err, size_t errlen)
{
	struct ticket_private	*t;
	struct agent_private	*a;
	struct engine_fact	 f;
	char			 name[ENGINE_NAME_MAX];
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err, errlen)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_OFFERED)
		return (ticket_state_err(t, "offered", err, errlen));
	memcpy(name, t->t.agent, sizeof name);
	if ((a = eng_agent(e, name)) != NULL)
		route_cool_add(e, t, a, now);
	route_unoffer(e, t, now);
	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "reason", reason != NULL ? reason : "");
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_REJECTED, t, name,
	    json_end(&e->json), eng_fact(&f, FACT_REJECTED, &t->t, NULL,
	    name, 0, 0));
	route_ticket(e, t, now);
	if (a != NULL)
		route_agent(e, a, now);
	return (ENGINE_OK);
}

/* The offer timed out: back to its place, and a miss for the agent. */
void
ticket_offer_due(struct engine *e, struct ticket_private *t, hl_ms now)
{
	struct agent_private	*a;
	struct engine_fact	 f;
	char			 name[ENGINE_NAME_MAX];
	int			 max = t->q->def.max_missed;

	memcpy(name, t->t.agent, sizeof name);
	if ((a = eng_agent(e, name)) != NULL) {
		route_cool_add(e, t, a, now);
		a->a.missed++;
	}
	route_unoffer(e, t, now);
	json_begin(&e->json, &e->json_buf);
	json_int(&e->json, "missed", a != NULL ? a->a.missed : 0);
	eng_emit_ticket(e, now, "system", EV_TICKET_OFFER_TIMEOUT, t, name,
	    json_end(&e->json), eng_fact(&f, FACT_MISSED, &t->t, NULL, name,
	    0, 0));
	if (a != NULL && max > 0 && a->a.missed >= max &&
	    a->base != AGENT_BREAK && a->base != AGENT_OFFLINE) {
		a->base = AGENT_BREAK;
		snprintf(a->a.reason, sizeof a->a.reason, "missed");
		tmr_cancel(&e->timers, &a->tm_wrapup);
		route_agent_sync(a, now);
		eng_emit_status(e, now, "system", a);
	}
	route_ticket(e, t, now);
	if (a != NULL)
		route_agent(e, a, now);
}

int
engine_ticket_note(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, const char *text, char *err, size_t errlen)
{
	struct ticket_private	*t;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER | P_CREATOR, err,
	    errlen)) != ENGINE_OK)
		return (rc);
	if (text == NULL || *text == '\0') {
		eng_err(err, errlen, "empty note");
		return (ENGINE_ERR);
	}
	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "text", text);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_NOTE, t, t->t.agent,
	    json_end(&e->json), NULL);
	return (ENGINE_OK);
}

int
engine_ticket_pending(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, hl_ms until, char *err, size_t errlen)
{
	struct ticket_private	*t;
	struct agent_private	*a;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err, errlen)) != ENGINE_OK)
		return (rc);
	if (until < 0 || (until > 0 && until <= now)) {
		eng_err(err, errlen, "pending until %lld is in the past",
		    (long long)until);
		return (ENGINE_ERR);
	}
	if (t->t.state != TICKET_ACTIVE)
		return (ticket_state_err(t, "active", err, errlen));
	ticket_set_state(e, t, TICKET_PENDING, now);
	t->t.pending_until = until;
	if (until > 0)
		tmr_arm(&e->timers, until, TMR_PENDING, t, &t->tm_state);
	if ((a = eng_agent(e, t->t.agent)) != NULL) {
		a->a.active--;
		route_agent_sync(a, now);
	}
	json_begin(&e->json, &e->json_buf);
	json_int(&e->json, "until", until);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_PENDING, t,
	    t->t.agent, json_end(&e->json), NULL);
	if (a != NULL)
		route_agent(e, a, now);
	return (ENGINE_OK);
}

/* Pending -> active; the owner takes it back even above capacity. */
static void
ticket_resume(struct engine *e, struct ticket_private *t, hl_ms now,
    const char *actor)
{
	struct agent_private	*a;

	tmr_cancel(&e->timers, &t->tm_state);
	t->t.pending_until = 0;
	ticket_set_state(e, t, TICKET_ACTIVE, now);
	if ((a = eng_agent(e, t->t.agent)) != NULL) {
		a->a.active++;
		route_agent_sync(a, now);
	}
	eng_emit_ticket(e, now, actor, EV_TICKET_RESUMED, t, t->t.agent,
	    NULL, NULL);
	sla_check(e, t, now);
}

void
ticket_pending_due(struct engine *e, struct ticket_private *t, hl_ms now)
{
	ticket_resume(e, t, now, "system");
}

int
engine_ticket_resume(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, char *err, size_t errlen)
{
	struct ticket_private	*t;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err, errlen)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_PENDING)
		return (ticket_state_err(t, "pending", err, errlen));
	ticket_resume(e, t, now, eng_actor(ac));
	return (ENGINE_OK);
}

int
engine_ticket_resolve(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, const char *disposition, char *err, size_t errlen)
{
	struct ticket_private	*t;
	struct agent_private	*a;
	struct engine_fact	 f;
	hl_ms			 wrapup;
	bool			 was_active, wrap = false;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err, errlen)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_ACTIVE && t->t.state != TICKET_PENDING)
		return (ticket_state_err(t, "active or pending", err, errlen));
	/* A name: follow-up rules and reports match it. */
	if (disposition != NULL && *disposition != '\0' &&
	    eng_name_ok(disposition, "disposition", err, errlen) != 0)
		return (ENGINE_ERR);
	was_active = t->t.state == TICKET_ACTIVE;
	tmr_cancel(&e->timers, &t->tm_state);
	t->t.pending_until = 0;
	ticket_set_state(e, t, TICKET_RESOLVED, now);
	t->t.resolved_at = now;
	if (disposition != NULL) {
		eng_free_str(t->t.disposition);
		t->t.disposition = eng_strdup(disposition);
	}
	wrapup = t->q->def.wrapup;
	if ((a = eng_agent(e, t->t.agent)) != NULL) {
		if (was_active)
			a->a.active--;
		a->a.handled++;
		if (wrapup > 0 && (a->base == AGENT_AVAILABLE ||
		    a->base == AGENT_WRAPUP)) {
			wrap = a->base == AGENT_AVAILABLE;
			a->base = AGENT_WRAPUP;
			tmr_arm(&e->timers, now + wrapup, TMR_WRAPUP, a,
			    &a->tm_wrapup);
		}
		route_agent_sync(a, now);
	}
	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "queue", t->t.queue);
	json_str(&e->json, "disposition", t->t.disposition);
	json_int(&e->json, "handle_ms", t->t.work);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_RESOLVED, t,
	    t->t.agent, json_end(&e->json), eng_fact(&f, FACT_HANDLED, &t->t,
	    NULL, t->t.agent, t->t.work, 0));
	if (wrap)
		eng_emit_status(e, now, eng_actor(ac), a);
	followup_resolved(e, t, now);
	if (a != NULL)
		route_agent(e, a, now);
	return (ENGINE_OK);
}

int
engine_ticket_close(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, char *err, size_t errlen)
{
	struct ticket_private	*t;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err, errlen)) != ENGINE_OK)
		return (rc);
	if (t->t.state == TICKET_SCHEDULED) {
		followup_cancel(e, t, now, eng_actor(ac));
		return (ENGINE_OK);
	}
	if (t->t.state != TICKET_RESOLVED)
		return (ticket_state_err(t, "resolved", err, errlen));
	ticket_set_state(e, t, TICKET_CLOSED, now);
	t->t.priv = NULL;	/* copies taken during the event must not use it */
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_CLOSED, t,
	    t->t.agent, NULL, NULL);
	eng_ticket_destroy(e, t);
	return (ENGINE_OK);
}

int
engine_ticket_abandon(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, char *err, size_t errlen)
{
	struct ticket_private	*t;
	struct agent_private	*a = NULL;
	struct engine_fact	 f;
	const struct engine_fact *fact;
	const char		*was;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER | P_CREATOR | P_INTEG, err,
	    errlen)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_QUEUED && t->t.state != TICKET_OFFERED)
		return (ticket_state_err(t, "queued or offered", err, errlen));
	was = ticket_state_name(t->t.state);
	route_unfile(e, t, true);
	if (t->t.state == TICKET_OFFERED &&
	    (a = eng_agent(e, t->t.agent)) != NULL && a->a.offer == t->t.id) {
		a->a.offer = 0;
		route_agent_sync(a, now);
	}
	fact = sla_abandoned(e, t, now, &f);
	ticket_set_state(e, t, TICKET_ABANDONED, now);
	t->t.priv = NULL;
	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "queue", t->t.queue);
	json_str(&e->json, "was", was);
	json_int(&e->json, "waited", now - t->t.enqueued);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_ABANDONED, t,
	    t->t.agent, json_end(&e->json), fact);
	eng_ticket_destroy(e, t);
	if (a != NULL)
		route_agent(e, a, now);
	return (ENGINE_OK);
}

/* A new tier re-keys the ticket and restarts its ladder. */
int
engine_ticket_set_tier(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, const char *tier, char *err, size_t errlen)
{
	struct ticket_private	*t;
	char			 old[ENGINE_NAME_MAX];
	char			 buf[ENGINE_STEP_MAX];
	bool			 queued;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_MANAGE, err, errlen)) != ENGINE_OK)
		return (rc);
	if (tier == NULL || eng_tier_index(e, tier) < 0) {
		eng_err(err, errlen, "unknown tier %s",
		    tier != NULL ? tier : "");
		return (ENGINE_ERR);
	}
	if (strcmp(t->t.tier, tier) == 0)
		return (ENGINE_OK);
	memcpy(old, t->t.tier, sizeof old);
	queued = t->t.state == TICKET_QUEUED;
	route_unfile(e, t, false);
	eng_qcount(t, -1);
	sla_bring(e, t, now);
	snprintf(t->t.tier, sizeof t->t.tier, "%s", tier);
	eng_ticket_tier(e, t);
	sla_retarget(e, t, now);
	if (queued || t->t.state == TICKET_OFFERED)
		route_ladder_start(e, t, now);
	eng_qcount(t, +1);
	if (queued)
		route_file(e, t);
	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "old", old);
	json_str(&e->json, "new", t->t.tier);
	json_str(&e->json, "step", engine_ticket_step(e, &t->t, buf,
	    sizeof buf));
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_TIER_CHANGED, t,
	    t->t.agent, json_end(&e->json), NULL);
	route_ticket(e, t, now);
	sla_check(e, t, now);
	return (ENGINE_OK);
}

int
engine_ticket_set_priority(struct engine *e, hl_ms now,
    const struct actor *ac, uint64_t id, int priority, char *err, size_t errlen)
{
	struct ticket_private	*t;
	int			 rc, old;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_MANAGE, err, errlen)) != ENGINE_OK)
		return (rc);
	if (priority < -PRIORITY_MAX || priority > PRIORITY_MAX) {
		eng_err(err, errlen, "priority %d out of range -%d..%d",
		    priority, PRIORITY_MAX, PRIORITY_MAX);
		return (ENGINE_ERR);
	}
	if (priority == t->t.priority)
		return (ENGINE_OK);
	old = t->t.priority;
	t->t.priority = priority;
	route_rekey(e, t);
	json_begin(&e->json, &e->json_buf);
	json_int(&e->json, "old", old);
	json_int(&e->json, "new", priority);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_PRIORITY_CHANGED, t,
	    t->t.agent, json_end(&e->json), NULL);
	return (ENGINE_OK);
}
