/*
 * transfer.c: a ticket changes hands: TICKET TRANSFER to a queue or to an
 * agent, and the SLA overflow's move to another queue (ticket_move). The
 * holder lets go first (ticket_detach), the transfer is counted for the
 * queue and agent it left, then the ticket is routed again. The checks
 * come in ticket.c's order: NOTFOUND, NOPERM, ERR, BADSTATE.
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

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
    struct ticket_private *t, char *err, size_t errlen)
{
	int	rc;

	if ((rc = ticket_perm(ac, t, P_OWNER | P_CREATOR | P_UNOWNED,
	    err, errlen)) != ENGINE_OK)
		return (rc);
	return (ENGINE_OK);
}

static int
ticket_transferable(const struct ticket_private *t, char *err, size_t errlen)
{
	if (t->t.state == TICKET_QUEUED || t->t.state == TICKET_OFFERED ||
	    t->t.state == TICKET_ACTIVE || t->t.state == TICKET_PENDING)
		return (ENGINE_OK);
	return (ticket_state_err(t, "queued, offered, active or pending",
	    err, errlen));
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
	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "from_queue", fromq);
	json_str(&e->json, "queue", t->t.queue);
	json_str(&e->json, "from_agent", from);
	if (reason != NULL)
		json_str(&e->json, "reason", reason);
	fact = ticket_transfer_fact(&f, t, fromq, from, held);
	eng_emit_ticket(e, now, actor, EV_TICKET_TRANSFERRED, t, from,
	    json_end(&e->json), fact);
	ticket_emit_queued(e, now, actor, t, reason != NULL ? reason :
	    "transferred");
	if (a != NULL)
		route_agent(e, a, now);
	route_ticket(e, t, now);
}

int
engine_ticket_transfer_queue(struct engine *e, hl_ms now,
    const struct actor *ac, uint64_t id, const char *queue, char *err,
    size_t errlen)
{
	struct ticket_private	*t;
	struct queue		*q;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_transfer_check(e, ac, t, err, errlen)) != ENGINE_OK)
		return (rc);
	if (eng_name_ok(queue, "queue name", err, errlen) != 0)
		return (ENGINE_ERR);
	if ((q = eng_queue(e, queue)) == NULL || q->retired) {
		eng_err(err, errlen, "unknown queue %s", queue);
		return (ENGINE_ERR);
	}
	if ((rc = ticket_transferable(t, err, errlen)) != ENGINE_OK)
		return (rc);
	ticket_move(e, t, q, now, eng_actor(ac), NULL);
	sla_check(e, t, now);
	return (ENGINE_OK);
}

/* Only the target may take it; an offline target is refused. */
int
engine_ticket_transfer_agent(struct engine *e, hl_ms now,
    const struct actor *ac, uint64_t id, const char *agent, char *err,
    size_t errlen)
{
	struct ticket_private	*t;
	struct agent_private	*a, *to;
	struct engine_fact	 f;
	const struct engine_fact *fact;
	char			 from[ENGINE_NAME_MAX];
	bool			 held;
	int			 rc;

	if ((t = ticket_find(e, now, id, err, errlen)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = ticket_transfer_check(e, ac, t, err, errlen)) != ENGINE_OK)
		return (rc);
	if (eng_name_ok(agent, "agent name", err, errlen) != 0)
		return (ENGINE_ERR);
	if ((to = eng_agent(e, agent)) == NULL) {
		eng_err(err, errlen, "no such agent %s", agent);
		return (ENGINE_NOTFOUND);
	}
	if ((rc = ticket_transferable(t, err, errlen)) != ENGINE_OK)
		return (rc);
	if (to->base == AGENT_OFFLINE) {
		eng_err(err, errlen, "agent %s is offline", agent);
		return (ENGINE_BADSTATE);
	}
	held = ticket_held(t);
	memcpy(from, t->t.agent, sizeof from);
	a = ticket_detach(e, t, now);
	memcpy(t->t.target, to->a.name, sizeof t->t.target);
	eng_qcount(t, +1);
	route_ladder_start(e, t, now);
	route_file(e, t);
	json_begin(&e->json, &e->json_buf);
	json_str(&e->json, "queue", t->t.queue);
	json_str(&e->json, "to_agent", to->a.name);
	json_str(&e->json, "from_agent", from);
	fact = ticket_transfer_fact(&f, t, t->t.queue, from, held);
	eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_TRANSFERRED, t, from,
	    json_end(&e->json), fact);
	ticket_emit_queued(e, now, eng_actor(ac), t, "transferred");
	if (a != NULL)
		route_agent(e, a, now);
	route_ticket(e, t, now);
	sla_check(e, t, now);
	return (ENGINE_OK);
}
