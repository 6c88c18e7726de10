/*
 * facts.c: what each outcome contributes to reports (engine.h, struct
 * engine_fact), attached to the event that records it; the handle time
 * of a ticket's holder; agents' status spells; TICKET RATE. Reports and
 * the service level after a restart are computed from the facts the
 * daemon journals, so these figures are the definitions: each is set
 * where the engine knows it exactly, not rebuilt from events later.
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

/* A ticket's fact in f, for the emit call of its event (which is when
 * its strings must still be valid); returns f. */
const struct engine_fact *
eng_fact(struct engine_fact *f, enum fact_kind kind, const struct ticket *t,
    const char *queue, const char *agent, hl_ms value, int flag)
{
	f->kind = kind;
	f->queue = queue != NULL ? queue : t->queue;
	f->tier = t->tier;
	f->agent = agent != NULL ? agent : "";
	f->value = value;
	f->flag = flag;
	f->since = 0;
	f->detail = "";
	return (f);
}

/*
 * Handle time follows the state: an ACCEPT starts it afresh for the new
 * holder, a pending spell stops it and RESUME goes on from there; leaving
 * ACTIVE (pending, resolved, transferred) adds the running spell.
 */
void
eng_work(struct ticket_private *t, enum ticket_state from, hl_ms now)
{
	bool	was = from == TICKET_ACTIVE, is = t->t.state == TICKET_ACTIVE;

	if (is && !was)
		t->t.work = (from == TICKET_PENDING ? t->t.work : 0) - now;
	else if (was && !is)
		t->t.work += now;
}

/*
 * The agent's base status changed (its agent.status is about to be
 * emitted, or it is deleted): the spell that ends is that event's fact,
 * filled in f and returned, unless the agent was offline (NULL); the new
 * one starts now. The detail is in the engine until the next call.
 */
const struct engine_fact *
eng_spell_end(struct engine *e, struct agent_private *a, hl_ms now,
    struct engine_fact *f)
{
	const struct engine_fact *fact = NULL;

	static const char	*names[] = {
		[AGENT_OFFLINE] = "offline",
		[AGENT_AVAILABLE] = "ready",
		[AGENT_BUSY] = "ready",
		[AGENT_WRAPUP] = "wrapup",
		[AGENT_BREAK] = "break"
	};

	if (a->spell != AGENT_OFFLINE) {
		if (a->spell == AGENT_BREAK)
			snprintf(e->fact_detail, sizeof e->fact_detail,
			    "break:%s", a->spell_reason);
		else
			snprintf(e->fact_detail, sizeof e->fact_detail, "%s",
			    names[a->spell]);
		f->kind = FACT_STATUS;
		f->queue = "";
		f->tier = "";
		f->agent = a->a.name;
		f->since = a->spell_since;
		f->value = now > a->spell_since ? now - a->spell_since : 0;
		f->flag = 0;
		f->detail = e->fact_detail;
		fact = f;
	}
	a->spell = a->base;
	memcpy(a->spell_reason, a->a.reason, sizeof a->spell_reason);
	a->spell_since = now;
	return (fact);
}

int
engine_agent_spell(const struct engine *e, const char *name,
    enum agent_status *status, const char **reason, hl_ms *since)
{
	const struct agent_private	*a = eng_agent(e, name);

	if (a == NULL)
		return (-1);
	*status = a->spell;
	*reason = a->spell_reason;
	*since = a->spell_since;
	return (0);
}

/*
 * Who may rate, as contact centres collect CSAT: the customer's answer to
 * a survey comes in through an integration (IVR after the call, e-mail or
 * SMS through the CRM), or is recorded by a supervisor, or by the agent
 * who makes the satisfaction follow-up call (holds or resolved the
 * ticket's follow-up). Nobody rates a ticket they handled themselves, and
 * an agent no other ticket: CSAT is not for colleagues to give. One
 * rating per ticket: a survey is answered once.
 */
static int
rate_perm(struct engine *e, const struct actor *ac, const struct ticket *t,
    char *err, size_t errlen)
{
	struct ticket_private	*f;

	if (ac == NULL)
		return (ENGINE_OK);
	if (strcmp(t->agent, ac->name) == 0) {
		eng_err(err, errlen,
		    "ticket %llu was handled by %s, who may not rate "
		    "it", (unsigned long long)t->id, ac->name);
		return (ENGINE_NOPERM);
	}
	if (ac->role != ROLE_AGENT)
		return (ENGINE_OK);
	f = t->followup != 0 ? eng_ticket(e, t->followup) : NULL;
	if (f == NULL || strcmp(f->t.agent, ac->name) != 0 ||
	    (f->t.state != TICKET_ACTIVE && f->t.state != TICKET_PENDING &&
	    f->t.state != TICKET_RESOLVED)) {
		eng_err(err, errlen,
		    "ticket %llu: an agent rates only the ticket whose "
		    "follow-up call they make", (unsigned long long)t->id);
		return (ENGINE_NOPERM);
	}
	return (ENGINE_OK);
}

int
engine_ticket_rate(struct engine *e, hl_ms now, const struct actor *ac,
    uint64_t id, int score, const char *comment, struct ticket *stored,
    char *err, size_t errlen)
{
	struct ticket_private	*p;
	struct ticket		*t;
	struct engine_fact	 f;
	int			 rc;

	eng_clock(e, now);
	p = eng_ticket(e, id);
	t = p != NULL ? &p->t : stored != NULL && stored->id == id ? stored :
	    NULL;
	if (t == NULL) {
		eng_err(err, errlen, "no such ticket %llu",
		    (unsigned long long)id);
		return (ENGINE_NOTFOUND);
	}
	if ((rc = rate_perm(e, ac, t, err, errlen)) != ENGINE_OK)
		return (rc);
	if (score < CSAT_MIN || score > CSAT_MAX) {
		eng_err(err, errlen, "score %d out of range %d-%d", score,
		    CSAT_MIN, CSAT_MAX);
		return (ENGINE_ERR);
	}
	if (comment != NULL && strlen(comment) > CSAT_COMMENT_MAX) {
		eng_err(err, errlen, "comment longer than %d bytes",
		    CSAT_COMMENT_MAX);
		return (ENGINE_ERR);
	}
	if (t->state != TICKET_RESOLVED && t->state != TICKET_CLOSED) {
		eng_err(err, errlen,
		    "ticket %llu is %s, not resolved or closed",
		    (unsigned long long)id, ticket_state_name(t->state));
		return (ENGINE_BADSTATE);
	}
	if (t->csat != 0) {
		eng_err(err, errlen, "ticket %llu is already rated (score %d)",
		    (unsigned long long)id, t->csat);
		return (ENGINE_BADSTATE);
	}
	t->csat = score;
	json_begin(&e->json, &e->json_buf);
	json_int(&e->json, "score", score);
	json_str(&e->json, "comment", comment != NULL ? comment : "");
	json_str(&e->json, "queue", t->queue);
	eng_fact(&f, FACT_RATED, t, NULL, t->agent, score, 0);
	if (p != NULL)
		eng_emit_ticket(e, now, eng_actor(ac), EV_TICKET_RATED, p,
		    t->agent, json_end(&e->json), &f);
	else {
		/* Not in memory: the updated stored row is the final one. */
		t->updated = now;
		eng_emit_event(e, now, eng_actor(ac), EV_TICKET_RATED, t,
		    t->agent, NULL, json_end(&e->json), &f,
		    EVF_TICKET_FINAL);
	}
	return (ENGINE_OK);
}
