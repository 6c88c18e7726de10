/*
 * ticket.c: the ticket commands (TICKET CREATE ... CLOSE) and the ticket
 * timers that end offers and pending spells. Each command checks, in this
 * order: the ticket exists (NOTFOUND), the actor may touch it (NOPERM),
 * the arguments (ERR), the state (BADSTATE); then it changes the ticket,
 * emits its events and routes whatever became routable.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* Who besides supervisors and admins may act on a ticket. */
#define P_OWNER		0x1	/* the agent it is offered to or held by */
#define P_CREATOR	0x2	/* the agent who created it */
#define P_UNOWNED	0x4	/* ... but only while no agent holds it */
#define P_INTEG		0x8	/* integrations */
#define P_MANAGE	0x0	/* supervisors and admins only */

#define ID(t)		((unsigned long long)(t)->t.id)

static struct ticket_private *
ticket_find(struct engine *e, hl_ms now, uint64_t id, char *err)
{
	struct ticket_private	*t;

	eng_clock(e, now);
	if ((t = eng_ticket(e, id)) == NULL)
		eng_err(err, "no such ticket %llu", (unsigned long long)id);
	return (t);
}

static int
ticket_perm(const struct actor *ac, const struct ticket_private *t, int how,
    char *err)
{
	const char	*who = eng_actor(ac);

	if (ac == NULL || (ac->role & ROLE_MANAGE) != 0)
		return (ENGINE_OK);
	if (ac->role == ROLE_INTEGRATION) {
		if (how & P_INTEG)
			return (ENGINE_OK);
		eng_err(err, "integration %s may not do that to tickets", who);
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
		eng_err(err, "only supervisors may do that to ticket %llu",
		    ID(t));
	else
		eng_err(err, "ticket %llu is not offered to or held by %s",
		    ID(t), who);
	return (ENGINE_NOPERM);
}

static int
ticket_state_err(const struct ticket_private *t, const char *want, char *err)
{
	eng_err(err, "ticket %llu is %s, not %s", ID(t),
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
	char	buf[ENGINE_NAME_MAX + 16];

	ejson_begin(&e->json);
	ejson_str(&e->json, "queue", t->t.queue);
	ejson_str(&e->json, "step", engine_ticket_step(e, &t->t, buf,
	    sizeof buf));
	ejson_int(&e->json, "enqueued", t->t.enqueued);
	ejson_str(&e->json, "reason", reason);
	if (from != NULL)
		ejson_str(&e->json, "withdrawn_from", from);
	eng_emit_ticket(e, now, actor, EV_TICKET_QUEUED, t,
	    from != NULL ? from : t->t.target, ejson_end(&e->json), NULL);
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
ticket_check_attrs(const struct attr *v, int n, char *err)
{
	int	i;

	if (n < 0 || (n > 0 && v == NULL)) {
		eng_err(err, "bad attribute list");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (eng_name_ok(v[i].key, "attribute name", err) != 0)
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

	ejson_begin(&e->json);
	ejson_str(&e->json, "queue", t->t.queue);
	ejson_str(&e->json, "customer", t->t.customer);
	ejson_str(&e->json, "tier", t->t.tier);
	ejson_str(&e->json, "channel", t->t.channel);
	ejson_str(&e->json, "subject", t->t.subject);
	ejson_int(&e->json, "priority", t->t.priority);
	if (t->t.nattrs > 0) {
		ejson_object(&e->json, "attrs");
		for (i = 0; i < t->t.nattrs; i++)
			ejson_str(&e->json, t->t.attrs[i].key,
			    t->t.attrs[i].value);
		ejson_close(&e->json);
	}
	if (t->t.repeat_contact)
		ejson_bool(&e->json, "repeat_contact", true);
	if (t->t.complaint)
		ejson_bool(&e->json, "complaint", true);
	if (t->t.followup_of != 0) {
		ejson_int(&e->json, "followup_of", (int64_t)t->t.followup_of);
		ejson_int(&e->json, "due", t->t.created);
	}
	eng_emit_ticket(e, now, actor, EV_TICKET_CREATED, t, NULL,
	    ejson_end(&e->json), NULL);
}

int
engine_ticket_create(struct engine *e, hl_ms now, const struct actor *ac,
    const struct ticket_create *tc, uint64_t *id, char *err)
{
	struct ticket_private	*t;
	struct customer_private	*c;
	struct queue		*q;
	const char		*channel;

	eng_clock(e, now);
	if (tc == NULL) {
		eng_err(err, "no ticket");
		return (ENGINE_ERR);
	}
	channel = tc->channel != NULL ? tc->channel : "voice";
	if (eng_name_ok(tc->queue, "queue name", err) != 0 ||
	    eng_name_ok(tc->customer, "customer id", err) != 0 ||
	    ticket_check_attrs(tc->attrs, tc->nattrs, err) != 0)
		return (ENGINE_ERR);
	if ((q = eng_queue(e, tc->queue)) == NULL || q->retired) {
		eng_err(err, "unknown queue %s", tc->queue);
		return (ENGINE_ERR);
	}
	if (tc->tier != NULL && eng_tier_index(e, tc->tier) < 0) {
		eng_err(err, "unknown tier %s", tc->tier);
		return (ENGINE_ERR);
	}
	if (!engine_valid_channel(channel)) {
		eng_err(err, "unknown channel %s", channel);
		return (ENGINE_ERR);
	}
	if (tc->priority < -PRIORITY_MAX || tc->priority > PRIORITY_MAX) {
		eng_err(err, "priority %d out of range -%d..%d", tc->priority,
		    PRIORITY_MAX, PRIORITY_MAX);
		return (ENGINE_ERR);
	}

	if ((c = eng_customer(e, tc->customer)) == NULL) {
		c = eng_customer_make(e, tc->customer, now);
		ejson_begin(&e->json);
		ejson_bool(&e->json, "created", true);
		ejson_str(&e->json, "tier", c->c.tier);
		ejson_str(&e->json, "segment", segment_name(c->c.segment));
		eng_emit(e, now, eng_actor(ac), EV_CUSTOMER_UPDATED, NULL,
		    c->c.id, ejson_end(&e->json), NULL);
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
    uint64_t id, char *err)
{
	struct ticket_private	*t;
	struct agent_private	*a;
	struct engine_fact	 f;
	const struct engine_fact *fact;
	bool			 first;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_OFFERED)
		return (ticket_state_err(t, "offered", err));
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
	ejson_begin(&e->json);
	ejson_str(&e->json, "queue", t->t.queue);
	ejson_int(&e->json, "waited", now - t->t.enqueued);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_ACCEPTED, t,
	    t->t.agent, ejson_end(&e->json), fact);
	if (a != NULL)
		route_agent(e, a, now);
	return (ENGINE_OK);
}

int
engine_ticket_reject(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, const char *reason, char *err)
{
	struct ticket_private	*t;
	struct agent_private	*a;
	struct engine_fact	 f;
	char			 name[ENGINE_NAME_MAX];
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_OFFERED)
		return (ticket_state_err(t, "offered", err));
	memcpy(name, t->t.agent, sizeof name);
	if ((a = eng_agent(e, name)) != NULL)
		route_cool_add(e, t, a, now);
	route_unoffer(e, t, now);
	ejson_begin(&e->json);
	ejson_str(&e->json, "reason", reason != NULL ? reason : "");
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_REJECTED, t, name,
	    ejson_end(&e->json), eng_fact(&f, FACT_REJECTED, &t->t, NULL,
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
	ejson_begin(&e->json);
	ejson_int(&e->json, "missed", a != NULL ? a->a.missed : 0);
	eng_emit_ticket(e, now, "system", EV_TICKET_OFFER_TIMEOUT, t, name,
	    ejson_end(&e->json), eng_fact(&f, FACT_MISSED, &t->t, NULL, name,
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
    uint64_t id, const char *text, char *err)
{
	struct ticket_private	*t;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER | P_CREATOR, err)) != ENGINE_OK)
		return (rc);
	if (text == NULL || *text == '\0') {
		eng_err(err, "empty note");
		return (ENGINE_ERR);
	}
	ejson_begin(&e->json);
	ejson_str(&e->json, "text", text);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_NOTE, t, t->t.agent,
	    ejson_end(&e->json), NULL);
	return (ENGINE_OK);
}

/*
 * Release a ticket from whoever holds it before a transfer: out of the
 * heaps, offer withdrawn or capacity given back, timers stopped. Returns
 * the agent who held it, if any.
 */
static struct agent_private *
ticket_detach(struct engine *e, struct ticket_private *t, hl_ms now)
{
	struct agent_private	*a = eng_agent(e, t->t.agent);
	enum ticket_state	 from = t->t.state;

	route_unfile(e, t, true);
	tmr_cancel(&e->timers, &t->tm_state);
	tmr_cancel(&e->timers, &t->tm_step);
	route_cool_clear(e, t);
	if (a != NULL) {
		if (t->t.state == TICKET_OFFERED && a->a.offer == t->t.id)
			a->a.offer = 0;
		else if (t->t.state == TICKET_ACTIVE)
			a->a.active--;
		route_agent_sync(a, now);
	}
	eng_qcount(t, -1);
	t->t.state = TICKET_QUEUED;
	sla_state(e, t, from, now);
	t->t.pending_until = 0;
	t->t.agent[0] = '\0';
	t->t.target[0] = '\0';
	t->t.enqueued = now;
	return (a);
}

/* Accepted and not given back: its handle time belongs to its holder. */
static bool
ticket_held(const struct ticket_private *t)
{
	return (t->t.state == TICKET_ACTIVE || t->t.state == TICKET_PENDING);
}

/*
 * A transfer counts for the queue it left and the agent who held it, with
 * that holder's handle time (no agent and 0 when nobody had accepted it);
 * the next holder's starts at its ACCEPT.
 */
static const struct engine_fact *
ticket_transfer_fact(struct engine_fact *f, struct ticket_private *t,
    const char *queue, const char *from, bool held)
{
	eng_fact(f, FACT_TRANSFERRED, &t->t, queue, held ? from : "",
	    held ? t->t.work : 0, 0);
	t->t.work = 0;
	return (f);
}

static int
ticket_transfer_check(struct engine *e, const struct actor *ac,
    struct ticket_private *t, char *err)
{
	int	rc;

	if ((rc = ticket_perm(ac, t, P_OWNER | P_CREATOR | P_UNOWNED,
	    err)) != ENGINE_OK)
		return (rc);
	return (ENGINE_OK);
}

static int
ticket_transferable(const struct ticket_private *t, char *err)
{
	if (t->t.state == TICKET_QUEUED || t->t.state == TICKET_OFFERED ||
	    t->t.state == TICKET_ACTIVE || t->t.state == TICKET_PENDING)
		return (ENGINE_OK);
	return (ticket_state_err(t, "queued, offered, active or pending",
	    err));
}

/*
 * Requeued in queue q, ladder from the start: at the back (enqueued =
 * now) for TRANSFER QUEUE (reason NULL), at its place for an overflow.
 * The agent who held it is freed first, so it takes the best work
 * waiting, and is not offered this ticket again for the reject cooldown.
 * The SLA clocks keep what they counted and take q's policy and calendar.
 */
void
ticket_move(struct engine *e, struct ticket_private *t, struct queue *q,
    hl_ms now, const char *actor, const char *reason)
{
	struct agent_private	*a;
	struct queue		*oq;
	struct engine_fact	 f;
	const struct engine_fact *fact;
	char			 from[ENGINE_NAME_MAX], fromq[ENGINE_NAME_MAX];
	hl_ms			 enqueued = t->t.enqueued;
	bool			 held = ticket_held(t);

	memcpy(from, t->t.agent, sizeof from);
	memcpy(fromq, t->t.queue, sizeof fromq);
	sla_bring(e, t, now);
	a = ticket_detach(e, t, now);
	if (a != NULL)
		route_cool_add(e, t, a, now);	/* no bouncing straight back */
	if (reason != NULL)
		t->t.enqueued = enqueued;
	oq = t->q;
	t->q = q;
	q->nrefs++;
	eng_queue_unref(e, oq);
	snprintf(t->t.queue, sizeof t->t.queue, "%s", q->def.name);
	insight_queued(e, t);
	eng_qcount(t, +1);
	route_ladder_start(e, t, now);
	route_file(e, t);
	sla_retarget(e, t, now);
	ejson_begin(&e->json);
	ejson_str(&e->json, "from_queue", fromq);
	ejson_str(&e->json, "queue", t->t.queue);
	ejson_str(&e->json, "from_agent", from);
	if (reason != NULL)
		ejson_str(&e->json, "reason", reason);
	fact = ticket_transfer_fact(&f, t, fromq, from, held);
	eng_emit_ticket(e, now, actor, EV_TICKET_TRANSFERRED, t, from,
	    ejson_end(&e->json), fact);
	ticket_emit_queued(e, now, actor, t, reason != NULL ? reason :
	    "transferred");
	if (a != NULL)
		route_agent(e, a, now);
	route_ticket(e, t, now);
}

int
engine_ticket_transfer_queue(struct engine *e, hl_ms now,
    const struct actor *ac, uint64_t id, const char *queue, char *err)
{
	struct ticket_private	*t;
	struct queue		*q;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_transfer_check(e, ac, t, err)) != ENGINE_OK)
		return (rc);
	if (eng_name_ok(queue, "queue name", err) != 0)
		return (ENGINE_ERR);
	if ((q = eng_queue(e, queue)) == NULL || q->retired) {
		eng_err(err, "unknown queue %s", queue);
		return (ENGINE_ERR);
	}
	if ((rc = ticket_transferable(t, err)) != ENGINE_OK)
		return (rc);
	ticket_move(e, t, q, now, eng_actor(ac), NULL);
	sla_check(e, t, now);
	return (ENGINE_OK);
}

/* Only the target may take it; an offline target is refused. */
int
engine_ticket_transfer_agent(struct engine *e, hl_ms now,
    const struct actor *ac, uint64_t id, const char *agent, char *err)
{
	struct ticket_private	*t;
	struct agent_private	*a, *to;
	struct engine_fact	 f;
	const struct engine_fact *fact;
	char			 from[ENGINE_NAME_MAX];
	bool			 held;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_transfer_check(e, ac, t, err)) != ENGINE_OK)
		return (rc);
	if (eng_name_ok(agent, "agent name", err) != 0)
		return (ENGINE_ERR);
	if ((to = eng_agent(e, agent)) == NULL) {
		eng_err(err, "no such agent %s", agent);
		return (ENGINE_NOTFOUND);
	}
	if ((rc = ticket_transferable(t, err)) != ENGINE_OK)
		return (rc);
	if (to->base == AGENT_OFFLINE) {
		eng_err(err, "agent %s is offline", agent);
		return (ENGINE_BADSTATE);
	}
	held = ticket_held(t);
	memcpy(from, t->t.agent, sizeof from);
	a = ticket_detach(e, t, now);
	memcpy(t->t.target, to->a.name, sizeof t->t.target);
	eng_qcount(t, +1);
	route_ladder_start(e, t, now);
	route_file(e, t);
	ejson_begin(&e->json);
	ejson_str(&e->json, "queue", t->t.queue);
	ejson_str(&e->json, "to_agent", to->a.name);
	ejson_str(&e->json, "from_agent", from);
	fact = ticket_transfer_fact(&f, t, t->t.queue, from, held);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_TRANSFERRED, t, from,
	    ejson_end(&e->json), fact);
	ticket_emit_queued(e, now, eng_actor(ac), t, "transferred");
	if (a != NULL)
		route_agent(e, a, now);
	route_ticket(e, t, now);
	sla_check(e, t, now);
	return (ENGINE_OK);
}

int
engine_ticket_pending(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, hl_ms until, char *err)
{
	struct ticket_private	*t;
	struct agent_private	*a;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err)) != ENGINE_OK)
		return (rc);
	if (until < 0 || (until > 0 && until <= now)) {
		eng_err(err, "pending until %lld is in the past",
		    (long long)until);
		return (ENGINE_ERR);
	}
	if (t->t.state != TICKET_ACTIVE)
		return (ticket_state_err(t, "active", err));
	ticket_set_state(e, t, TICKET_PENDING, now);
	t->t.pending_until = until;
	if (until > 0)
		tmr_arm(&e->timers, until, TMR_PENDING, t, &t->tm_state);
	if ((a = eng_agent(e, t->t.agent)) != NULL) {
		a->a.active--;
		route_agent_sync(a, now);
	}
	ejson_begin(&e->json);
	ejson_int(&e->json, "until", until);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_PENDING, t,
	    t->t.agent, ejson_end(&e->json), NULL);
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
    uint64_t id, char *err)
{
	struct ticket_private	*t;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_PENDING)
		return (ticket_state_err(t, "pending", err));
	ticket_resume(e, t, now, eng_actor(ac));
	return (ENGINE_OK);
}

int
engine_ticket_resolve(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, const char *disposition, char *err)
{
	struct ticket_private	*t;
	struct agent_private	*a;
	struct engine_fact	 f;
	hl_ms			 wrapup;
	bool			 was_active, wrap = false;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err)) != ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_ACTIVE && t->t.state != TICKET_PENDING)
		return (ticket_state_err(t, "active or pending", err));
	/* A name: follow-up rules and reports match it. */
	if (disposition != NULL && *disposition != '\0' &&
	    eng_name_ok(disposition, "disposition", err) != 0)
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
	ejson_begin(&e->json);
	ejson_str(&e->json, "queue", t->t.queue);
	ejson_str(&e->json, "disposition", t->t.disposition);
	ejson_int(&e->json, "handle_ms", t->t.work);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_RESOLVED, t,
	    t->t.agent, ejson_end(&e->json), eng_fact(&f, FACT_HANDLED, &t->t,
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
    uint64_t id, char *err)
{
	struct ticket_private	*t;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER, err)) != ENGINE_OK)
		return (rc);
	if (t->t.state == TICKET_SCHEDULED) {
		followup_cancel(e, t, now, eng_actor(ac));
		return (ENGINE_OK);
	}
	if (t->t.state != TICKET_RESOLVED)
		return (ticket_state_err(t, "resolved", err));
	ticket_set_state(e, t, TICKET_CLOSED, now);
	t->t.priv = NULL;	/* copies taken during the event must not use it */
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_CLOSED, t,
	    t->t.agent, NULL, NULL);
	eng_ticket_destroy(e, t);
	return (ENGINE_OK);
}

int
engine_ticket_abandon(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, char *err)
{
	struct ticket_private	*t;
	struct agent_private	*a = NULL;
	struct engine_fact	 f;
	const struct engine_fact *fact;
	const char		*was;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_OWNER | P_CREATOR | P_INTEG, err)) !=
	    ENGINE_OK)
		return (rc);
	if (t->t.state != TICKET_QUEUED && t->t.state != TICKET_OFFERED)
		return (ticket_state_err(t, "queued or offered", err));
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
	ejson_begin(&e->json);
	ejson_str(&e->json, "queue", t->t.queue);
	ejson_str(&e->json, "was", was);
	ejson_int(&e->json, "waited", now - t->t.enqueued);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_ABANDONED, t,
	    t->t.agent, ejson_end(&e->json), fact);
	eng_ticket_destroy(e, t);
	if (a != NULL)
		route_agent(e, a, now);
	return (ENGINE_OK);
}

/* A new tier re-keys the ticket and restarts its ladder. */
int
engine_ticket_set_tier(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, const char *tier, char *err)
{
	struct ticket_private	*t;
	char			 old[ENGINE_NAME_MAX];
	char			 buf[ENGINE_NAME_MAX + 16];
	bool			 queued;
	int			 rc;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_MANAGE, err)) != ENGINE_OK)
		return (rc);
	if (tier == NULL || eng_tier_index(e, tier) < 0) {
		eng_err(err, "unknown tier %s", tier != NULL ? tier : "");
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
	ejson_begin(&e->json);
	ejson_str(&e->json, "old", old);
	ejson_str(&e->json, "new", t->t.tier);
	ejson_str(&e->json, "step", engine_ticket_step(e, &t->t, buf,
	    sizeof buf));
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_TIER_CHANGED, t,
	    t->t.agent, ejson_end(&e->json), NULL);
	route_ticket(e, t, now);
	sla_check(e, t, now);
	return (ENGINE_OK);
}

int
engine_ticket_set_priority(struct engine *e, hl_ms now,
    const struct actor *ac, uint64_t id, int priority, char *err)
{
	struct ticket_private	*t;
	int			 rc, old;

	if ((t = ticket_find(e, now, id, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_perm(ac, t, P_MANAGE, err)) != ENGINE_OK)
		return (rc);
	if (priority < -PRIORITY_MAX || priority > PRIORITY_MAX) {
		eng_err(err, "priority %d out of range -%d..%d", priority,
		    PRIORITY_MAX, PRIORITY_MAX);
		return (ENGINE_ERR);
	}
	if (priority == t->t.priority)
		return (ENGINE_OK);
	old = t->t.priority;
	t->t.priority = priority;
	route_rekey(e, t);
	ejson_begin(&e->json);
	ejson_int(&e->json, "old", old);
	ejson_int(&e->json, "new", priority);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_PRIORITY_CHANGED, t,
	    t->t.agent, ejson_end(&e->json), NULL);
	return (ENGINE_OK);
}
