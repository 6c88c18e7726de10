/*
 * followup.c: satisfaction follow-ups, the phone call a contact centre
 * makes to its best customers some time after their problem was solved.
 * When TICKET RESOLVE matches a [followup] rule, the follow-up ticket is
 * made at once in state SCHEDULED (channel callback, the rule's queue,
 * the resolved ticket's tier), with `created` at its due time and an
 * engine timer there: it is durable and visible like any open ticket, and
 * recovery re-arms it from the row. When due it joins its queue, and its
 * SLA clocks start.
 *
 * Rules (daemon/engine/README.md says why):
 * - a follow-up never gets a follow-up of its own;
 * - at most one follow-up is scheduled per customer at a time; a later
 *   resolve that matches is recorded (ticket.followup_skipped), not
 *   scheduled;
 * - closing the resolved ticket does not cancel its follow-up;
 * - when it falls due while the customer has another ticket open
 *   (queued, offered, active or pending), it is closed unserved with
 *   disposition "skipped": an agent is already talking to them;
 * - TICKET CLOSE of a scheduled follow-up (supervisors) cancels it
 *   (disposition "cancelled").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine_internal.h"

#define FOLLOWUP_DELAY_MAX	(100LL * 365 * 86400 * 1000)
#define FOLLOWUP_SUBJECT	"Satisfaction follow-up"

static bool
followup_terminated(const char *s, size_t len)
{
	return (memchr(s, '\0', len) != NULL);
}

static int
followup_check_list(const struct followup_rule *r, const char (*v)[
    ENGINE_NAME_MAX], int n, const char *what, char *err)
{
	int	i;

	if (n < 0 || n > ENGINE_MAX_DISPOSITIONS) {
		eng_err(err, "followup %s: 0 to %d %s", r->name,
		    ENGINE_MAX_DISPOSITIONS, what);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (!followup_terminated(v[i], ENGINE_NAME_MAX) ||
		    v[i][0] == '\0') {
			eng_err(err, "followup %s: bad %s", r->name, what);
			return (-1);
		}
	}
	return (0);
}

static int
followup_check_rule(const struct engine_config *cfg, int k, char *err)
{
	const struct followup_rule	*r = &cfg->followups[k];
	int				 i, j;

	if (eng_name_ok(r->name, "followup name", err) != 0)
		return (-1);
	for (i = 0; i < k; i++) {
		if (strcmp(cfg->followups[i].name, r->name) == 0) {
			eng_err(err, "followup %s defined twice", r->name);
			return (-1);
		}
	}
	if (r->ntiers < 0 || r->ntiers > ENGINE_MAX_TIERS ||
	    (r->segments & ~((1u << SEGMENT_ENTERPRISE) * 2 - 1)) != 0) {
		eng_err(err, "followup %s: bad tiers or segments", r->name);
		return (-1);
	}
	if (r->ntiers == 0 && r->segments == 0) {
		eng_err(err, "followup %s: names no tier and no segment",
		    r->name);
		return (-1);
	}
	for (i = 0; i < r->ntiers; i++) {
		for (j = 0; j < cfg->ntiers; j++) {
			if (followup_terminated(r->tiers[i], ENGINE_NAME_MAX) &&
			    strcmp(cfg->tiers[j].name, r->tiers[i]) == 0)
				break;
		}
		if (j == cfg->ntiers) {
			eng_err(err, "followup %s: unknown tier %.64s",
			    r->name, r->tiers[i]);
			return (-1);
		}
	}
	if (followup_check_list(r, r->only, r->nonly, "dispositions",
	    err) != 0 || followup_check_list(r, r->skip, r->nskip,
	    "skip_dispositions", err) != 0)
		return (-1);
	for (j = 0; j < cfg->nqueues; j++) {
		if (followup_terminated(r->queue, ENGINE_NAME_MAX) &&
		    strcmp(cfg->queues[j].name, r->queue) == 0)
			break;
	}
	if (j == cfg->nqueues) {
		eng_err(err, "followup %s: unknown queue %.64s", r->name,
		    r->queue);
		return (-1);
	}
	if (r->delay < 0 || r->delay > FOLLOWUP_DELAY_MAX ||
	    !followup_terminated(r->subject, sizeof r->subject) ||
	    r->priority < -PRIORITY_MAX || r->priority > PRIORITY_MAX) {
		eng_err(err, "followup %s: delay, subject or priority out of "
		    "range", r->name);
		return (-1);
	}
	return (0);
}

int
followup_check_config(const struct engine_config *cfg, char *err)
{
	int	k;

	if (cfg->nfollowups < 0 || cfg->nfollowups > ENGINE_MAX_FOLLOWUPS ||
	    (cfg->nfollowups > 0 && cfg->followups == NULL)) {
		eng_err(err, "0 to %d followup rules", ENGINE_MAX_FOLLOWUPS);
		return (-1);
	}
	for (k = 0; k < cfg->nfollowups; k++) {
		if (followup_check_rule(cfg, k, err) != 0)
			return (-1);
	}
	return (0);
}

/* New rules apply to tickets resolved from now on; scheduled follow-ups
 * are tickets already and keep their queue and time. */
void
followup_set_config(struct engine *e, const struct engine_config *cfg)
{
	free(e->followups);
	e->followups = NULL;
	e->nfollowups = cfg->nfollowups;
	if (cfg->nfollowups == 0)
		return;
	e->followups = xcalloc((size_t)cfg->nfollowups, sizeof *e->followups);
	memcpy(e->followups, cfg->followups, (size_t)cfg->nfollowups *
	    sizeof *e->followups);
}

static bool
followup_listed(const char (*v)[ENGINE_NAME_MAX], int n, const char *s)
{
	int	i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(v[i], s) == 0)
			return (true);
	}
	return (false);
}

static const struct followup_rule *
followup_match(const struct engine *e, const struct ticket_private *t)
{
	const struct followup_rule	*r;
	int				 k, i;
	bool				 who;

	for (k = 0; k < e->nfollowups; k++) {
		r = &e->followups[k];
		who = (r->segments & (1u << t->cust->c.segment)) != 0;
		for (i = 0; !who && i < r->ntiers; i++)
			who = strcmp(r->tiers[i], t->t.tier) == 0;
		if (!who || (r->nonly > 0 && !followup_listed(r->only,
		    r->nonly, t->t.disposition)) ||
		    followup_listed(r->skip, r->nskip, t->t.disposition))
			continue;
		return (r);
	}
	return (NULL);
}

/* The customer's follow-up still waiting for its time, if any. */
static struct ticket_private *
followup_pending(const struct customer_private *c)
{
	struct ticket_private	*t;

	for (t = c->tickets; t != NULL; t = t->cnext) {
		if (t->t.state == TICKET_SCHEDULED)
			return (t);
	}
	return (NULL);
}

/* Another ticket of the customer in the hands of the floor, if any. */
static struct ticket_private *
followup_in_contact(const struct ticket_private *f)
{
	struct ticket_private	*t;

	for (t = f->cust->tickets; t != NULL; t = t->cnext) {
		if (t != f && (t->t.state == TICKET_QUEUED ||
		    t->t.state == TICKET_OFFERED ||
		    t->t.state == TICKET_ACTIVE ||
		    t->t.state == TICKET_PENDING))
			return (t);
	}
	return (NULL);
}

/* t was just resolved: schedule its follow-up if a rule asks for one. */
void
followup_resolved(struct engine *e, struct ticket_private *t, hl_ms now)
{
	const struct followup_rule	*r;
	struct ticket_private		*f;
	struct queue			*q;

	if (t->t.followup_of != 0 || t->t.followup != 0 ||
	    (r = followup_match(e, t)) == NULL ||
	    (q = eng_queue(e, r->queue)) == NULL || q->retired)
		return;
	if ((f = followup_pending(t->cust)) != NULL) {
		ejson_begin(&e->json);
		ejson_str(&e->json, "rule", r->name);
		ejson_str(&e->json, "reason", "already scheduled");
		ejson_int(&e->json, "followup", (int64_t)f->t.id);
		eng_emit_ticket(e, now, "system", EV_TICKET_FOLLOWUP_SKIPPED, t,
		    NULL, ejson_end(&e->json), NULL);
		return;
	}
	f = ticket_alloc(e, q, t->cust, t->t.tier, now + r->delay);
	f->t.state = TICKET_SCHEDULED;
	snprintf(f->t.channel, sizeof f->t.channel, "callback");
	f->t.subject = eng_strdup(r->subject[0] != '\0' ? r->subject :
	    FOLLOWUP_SUBJECT);
	snprintf(f->t.creator, sizeof f->t.creator, "system");
	f->t.priority = r->priority;
	f->t.clock_mark = f->t.created;
	f->t.followup_of = t->t.id;
	t->t.followup = f->t.id;
	route_rekey(e, f);
	eng_qcount(f, +1);
	tmr_arm(&e->timers, f->t.created, TMR_FOLLOWUP, f, &f->tm_state);
	ticket_emit_created(e, now, "system", f);
	ejson_begin(&e->json);
	ejson_str(&e->json, "rule", r->name);
	ejson_int(&e->json, "followup", (int64_t)f->t.id);
	ejson_str(&e->json, "queue", f->t.queue);
	ejson_int(&e->json, "due", f->t.created);
	eng_emit_ticket(e, now, "system", EV_TICKET_FOLLOWUP_SCHEDULED, t, NULL,
	    ejson_end(&e->json), NULL);
}

/* Closed without being served: cancelled by hand, or skipped when due. */
static void
followup_close(struct engine *e, struct ticket_private *f, hl_ms now,
    const char *actor, const char *why, const struct ticket_private *open)
{
	tmr_cancel(&e->timers, &f->tm_state);
	eng_free_str(f->t.disposition);
	f->t.disposition = eng_strdup(why);
	eng_qcount(f, -1);
	f->t.state = TICKET_CLOSED;
	f->t.priv = NULL;	/* copies taken during the event must not use it */
	ejson_begin(&e->json);
	ejson_str(&e->json, "reason", why);
	if (open != NULL)
		ejson_int(&e->json, "open_ticket", (int64_t)open->t.id);
	eng_emit_ticket(e, now, actor, EV_TICKET_CLOSED, f, NULL,
	    ejson_end(&e->json), NULL);
	eng_ticket_destroy(e, f);
}

void
followup_cancel(struct engine *e, struct ticket_private *f, hl_ms now,
    const char *actor)
{
	followup_close(e, f, now, actor, "cancelled", NULL);
}

/* The time has come: into the queue, like a new ticket, unless the
 * customer is in contact already. */
void
followup_due(struct engine *e, struct ticket_private *f, hl_ms now)
{
	struct ticket_private	*open;

	if ((open = followup_in_contact(f)) != NULL) {
		followup_close(e, f, now, "system", "skipped", open);
		return;
	}
	eng_qcount(f, -1);
	f->t.state = TICKET_QUEUED;
	insight_queued(e, f);
	eng_qcount(f, +1);
	route_ladder_start(e, f, now);
	route_file(e, f);
	sla_start(e, f);
	ticket_emit_queued(e, now, "system", f, "followup");
	route_ticket(e, f, now);
	sla_check(e, f, now);
}
