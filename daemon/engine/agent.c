/*
 * agent.c: agent definitions (AGENT ADD / SET / DEL) and status (READY,
 * BREAK, LOGOUT, wrap-up). An agent that becomes free looks for work at
 * once; an agent that stops being available gives its offer back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

static struct agent_private *
agent_find(struct engine *e, hl_ms now, const char *name, char *err)
{
	struct agent_private	*a;

	eng_clock(e, now);
	if ((a = eng_agent(e, name)) == NULL)
		eng_err(err, "no such agent %s", name != NULL ? name : "");
	return (a);
}

/* Agents change their own status; supervisors and admins anyone's. */
static int
agent_perm(const struct actor *ac, const char *name, char *err)
{
	if (ac == NULL || (ac->role & ROLE_MANAGE) != 0 ||
	    (ac->name != NULL && strcmp(ac->name, name) == 0))
		return (ENGINE_OK);
	eng_err(err, "%s may not change agent %s", eng_actor(ac), name);
	return (ENGINE_NOPERM);
}

static int
agent_role_perm(const struct actor *ac, int roles, char *err)
{
	if (ac == NULL || (ac->role & roles) != 0)
		return (ENGINE_OK);
	eng_err(err, "%s may not manage agents", eng_actor(ac));
	return (ENGINE_NOPERM);
}

static int
agent_check_update(struct engine *e, const struct agent_update *u, char *err)
{
	int	i, k;

	if (u->role != 0 && role_name(u->role)[0] == 'u') {
		eng_err(err, "bad role");
		return (-1);
	}
	if (u->nskills > ENGINE_MAX_SKILLS || (u->nskills > 0 &&
	    u->skills == NULL)) {
		eng_err(err, "at most %d skills", ENGINE_MAX_SKILLS);
		return (-1);
	}
	for (i = 0; i < u->nskills; i++) {
		if (memchr(u->skills[i].queue, '\0', ENGINE_NAME_MAX) == NULL ||
		    !engine_has_queue(e, u->skills[i].queue)) {
			eng_err(err, "unknown queue %.*s", ENGINE_NAME_MAX - 1,
			    u->skills[i].queue);
			return (-1);
		}
		if (u->skills[i].level < 1 || u->skills[i].level > 5) {
			eng_err(err, "skill level %d out of range 1..5",
			    u->skills[i].level);
			return (-1);
		}
		for (k = 0; k < i; k++) {
			if (strcmp(u->skills[k].queue, u->skills[i].queue) ==
			    0) {
				eng_err(err, "skill %s given twice",
				    u->skills[i].queue);
				return (-1);
			}
		}
	}
	if (u->ngroups > ENGINE_MAX_GROUPS || (u->ngroups > 0 &&
	    u->groups == NULL)) {
		eng_err(err, "at most %d groups", ENGINE_MAX_GROUPS);
		return (-1);
	}
	for (i = 0; i < u->ngroups; i++) {
		if (memchr(u->groups[i], '\0', ENGINE_NAME_MAX) == NULL ||
		    eng_name_ok(u->groups[i], "group name", err) != 0)
			return (-1);
		for (k = 0; k < i; k++) {
			if (strcmp(u->groups[k], u->groups[i]) == 0) {
				eng_err(err, "group %s given twice",
				    u->groups[i]);
				return (-1);
			}
		}
	}
	if (u->capacity < 0 || u->capacity > CAPACITY_MAX) {
		eng_err(err, "capacity %d out of range 1..%d", u->capacity,
		    CAPACITY_MAX);
		return (-1);
	}
	return (0);
}

static void
agent_apply(struct agent_private *a, const struct agent_update *u)
{
	int	i;

	if (u->role != 0)
		a->a.role = u->role;
	if (u->nskills >= 0) {
		memset(a->a.skills, 0, sizeof a->a.skills);
		for (i = 0; i < u->nskills; i++)
			a->a.skills[i] = u->skills[i];
		a->a.nskills = u->nskills;
	}
	if (u->ngroups >= 0) {
		memset(a->a.groups, 0, sizeof a->a.groups);
		for (i = 0; i < u->ngroups; i++)
			memcpy(a->a.groups[i], u->groups[i], ENGINE_NAME_MAX);
		a->a.ngroups = u->ngroups;
	}
	if (u->capacity != 0)
		a->a.capacity = u->capacity;
}

static void
agent_emit_def(struct engine *e, hl_ms now, const char *actor,
    enum event_type type, struct agent_private *a,
    const struct engine_fact *fact)
{
	int	i;

	ejson_begin(&e->json);
	ejson_str(&e->json, "role", role_name(a->a.role));
	ejson_int(&e->json, "capacity", a->a.capacity);
	ejson_object(&e->json, "skills");
	for (i = 0; i < a->a.nskills; i++)
		ejson_int(&e->json, a->a.skills[i].queue, a->a.skills[i].level);
	ejson_close(&e->json);
	ejson_array(&e->json, "groups");
	for (i = 0; i < a->a.ngroups; i++)
		ejson_str(&e->json, NULL, a->a.groups[i]);
	ejson_close(&e->json);
	eng_emit(e, now, actor, type, a->a.name, NULL, ejson_end(&e->json),
	    fact);
}

/* A new agent (or a restored one) with its desk and links; offline. */
struct agent_private *
agent_make(struct engine *e, const char *name, hl_ms now)
{
	struct agent_private	*a = xcalloc(1, sizeof *a);

	snprintf(a->a.name, sizeof a->a.name, "%s", name);
	a->a.role = ROLE_AGENT;
	a->a.capacity = 1;
	a->a.status = a->base = AGENT_OFFLINE;
	a->a.status_since = a->a.idle_since = now;
	a->uid = e->next_uid++;
	a->tm_wrapup = IDX_NONE;
	a->tm_grace = IDX_NONE;
	a->a.conn = AGENT_ABSENT;
	a->a.conn_since = now;
	a->desk = eng_desk(e, a->a.name, true);
	a->desk->agent = a;
	hmap_str_put(&e->agents, a);
	return (a);
}

int
engine_agent_add(struct engine *e, hl_ms now, const struct actor *ac,
    const char *name, const struct agent_update *u, char *err)
{
	static const struct agent_update	 none = { 0, NULL, 0, NULL, 0, 0 };
	struct agent_private			*a;
	int					 rc;

	eng_clock(e, now);
	if ((rc = agent_role_perm(ac, ROLE_ADMIN, err)) != ENGINE_OK)
		return (rc);
	if (u == NULL)
		u = &none;
	if (eng_name_ok(name, "agent name", err) != 0 ||
	    agent_check_update(e, u, err) != 0)
		return (ENGINE_ERR);
	if (eng_agent(e, name) != NULL) {
		eng_err(err, "agent %s exists", name);
		return (ENGINE_ERR);
	}
	a = agent_make(e, name, now);
	agent_apply(a, u);
	eng_links_agent(e, a);
	agent_emit_def(e, now, eng_actor(ac), EV_AGENT_ADDED, a, NULL);
	return (ENGINE_OK);
}

int
engine_agent_update(struct engine *e, hl_ms now, const struct actor *ac,
    const char *name, const struct agent_update *u, char *err)
{
	struct agent_private	*a;
	int			 rc;

	if ((rc = agent_role_perm(ac, ROLE_MANAGE, err)) != ENGINE_OK)
		return (rc);
	if ((a = agent_find(e, now, name, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if (u == NULL || agent_check_update(e, u, err) != 0)
		return (ENGINE_ERR);
	eng_unlink_agent(e, a);
	agent_apply(a, u);
	eng_links_agent(e, a);
	route_agent_sync(a, now);
	agent_emit_def(e, now, eng_actor(ac), EV_AGENT_UPDATED, a, NULL);
	route_agent(e, a, now);
	return (ENGINE_OK);
}

struct agent_tickets {
	struct ticket_private	**v;
	size_t			  n;
	size_t			  cap;
};

static void
agent_tickets_add(struct agent_tickets *l, struct ticket_private *t)
{
	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = t;
}

/* Tickets waiting for this agent as TRANSFER AGENT target route normally. */
static void
agent_drop_targets(struct engine *e, struct agent_private *a, hl_ms now,
    const char *actor, const char *reason, struct agent_tickets *l)
{
	struct theap		*h = &a->desk->heap;
	struct ticket_private	*t;
	size_t			 i, first = l->n;

	for (i = 0; i < h->n; i++) {
		t = h->v[i].t;
		if (strcmp(t->t.target, a->a.name) == 0)
			agent_tickets_add(l, t);
	}
	for (i = first; i < l->n; i++) {
		t = l->v[i];
		route_unfile(e, t, false);
		t->t.target[0] = '\0';
		route_ladder_start(e, t, now);
		route_file(e, t);
		eng_emit_ticket(e, now, actor, EV_TICKET_QUEUED, t, NULL,
		    reason, NULL);
	}
}

static void
agent_route_list(struct engine *e, struct agent_tickets *l, hl_ms now)
{
	route_tickets(e, l->v, l->n, now);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Give back the outstanding offer, if any; the caller routes the list. */
static void
agent_withdraw(struct engine *e, struct agent_private *a, hl_ms now,
    const char *actor, const char *reason, struct agent_tickets *l)
{
	struct ticket_private	*t;

	if (a->a.offer == 0)
		return;
	if ((t = eng_ticket(e, a->a.offer)) != NULL &&
	    t->t.state == TICKET_OFFERED &&
	    strcmp(t->t.agent, a->a.name) == 0) {
		ticket_return(e, t, now, actor, reason);
		agent_tickets_add(l, t);
	}
	a->a.offer = 0;
	route_agent_sync(a, now);
}

/*
 * Deleting an agent gives back its offer and requeues its active and
 * pending tickets at their original place (found by a walk over all
 * tickets: deleting agents is rare). Tickets for which it was account
 * manager keep waiting in its desk should it come back.
 */
int
engine_agent_delete(struct engine *e, hl_ms now, const struct actor *ac,
    const char *name, char *err)
{
	static const char	 requeue[] = "{\"reason\":\"agent deleted\"}";
	struct agent_private	*a;
	struct ticket_private	*t;
	struct agent_tickets	 l = { NULL, 0, 0 };
	struct engine_fact	 f;
	const char		*actor = eng_actor(ac);
	enum ticket_state	 from;
	size_t			 i;
	int			 rc;

	if ((rc = agent_role_perm(ac, ROLE_ADMIN, err)) != ENGINE_OK)
		return (rc);
	if ((a = agent_find(e, now, name, err)) == NULL)
		return (ENGINE_NOTFOUND);
	a->base = AGENT_OFFLINE;
	tmr_cancel(&e->timers, &a->tm_wrapup);
	tmr_cancel(&e->timers, &a->tm_grace);
	route_agent_sync(a, now);
	agent_withdraw(e, a, now, actor, "agent deleted", &l);
	for (i = 0; (t = hmap_next(&e->tickets, &i)) != NULL;) {
		if ((t->t.state != TICKET_ACTIVE &&
		    t->t.state != TICKET_PENDING) ||
		    strcmp(t->t.agent, a->a.name) != 0)
			continue;
		tmr_cancel(&e->timers, &t->tm_state);
		t->t.pending_until = 0;
		eng_qcount(t, -1);
		from = t->t.state;
		t->t.state = TICKET_QUEUED;
		sla_state(e, t, from, now);
		t->t.work = 0;		/* its holder is gone */
		t->t.agent[0] = '\0';
		t->t.target[0] = '\0';
		eng_qcount(t, +1);
		route_ladder_start(e, t, now);
		route_file(e, t);
		eng_emit_ticket(e, now, actor, EV_TICKET_QUEUED, t, NULL,
		    requeue, NULL);
		sla_check(e, t, now);	/* a pending spell ended */
		agent_tickets_add(&l, t);
	}
	agent_drop_targets(e, a, now, actor,
	    "{\"reason\":\"target deleted\"}", &l);
	eng_unlink_agent(e, a);
	hmap_str_del(&e->agents, a->a.name);
	a->desk->agent = NULL;
	eng_desk_release(e, a->desk);
	agent_emit_def(e, now, actor, EV_AGENT_DELETED, a,
	    eng_spell_end(e, a, now, &f));
	free(a);
	agent_route_list(e, &l, now);
	return (ENGINE_OK);
}

int
engine_agent_ready(struct engine *e, hl_ms now, const struct actor *ac,
    const char *name, char *err)
{
	struct agent_private	*a;
	int			 rc;

	if ((a = agent_find(e, now, name, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = agent_perm(ac, a->a.name, err)) != ENGINE_OK)
		return (rc);
	if (a->base == AGENT_AVAILABLE)
		return (ENGINE_OK);
	tmr_cancel(&e->timers, &a->tm_wrapup);
	a->base = AGENT_AVAILABLE;
	a->a.reason[0] = '\0';
	a->a.missed = 0;
	route_agent_sync(a, now);
	eng_emit_status(e, now, eng_actor(ac), a);
	route_agent(e, a, now);
	return (ENGINE_OK);
}

/* A break gives back the outstanding offer (no miss is counted). */
int
engine_agent_break(struct engine *e, hl_ms now, const struct actor *ac,
    const char *name, const char *reason, char *err)
{
	struct agent_private	*a;
	struct agent_tickets	 l = { NULL, 0, 0 };
	int			 rc;

	if (reason == NULL)
		reason = "";
	if ((a = agent_find(e, now, name, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = agent_perm(ac, a->a.name, err)) != ENGINE_OK)
		return (rc);
	if (*reason != '\0' && eng_name_ok(reason, "break reason", err) != 0)
		return (ENGINE_ERR);
	if (a->base == AGENT_BREAK && strcmp(a->a.reason, reason) == 0)
		return (ENGINE_OK);
	tmr_cancel(&e->timers, &a->tm_wrapup);
	a->base = AGENT_BREAK;
	snprintf(a->a.reason, sizeof a->a.reason, "%s", reason);
	route_agent_sync(a, now);
	eng_emit_status(e, now, eng_actor(ac), a);
	agent_withdraw(e, a, now, eng_actor(ac), "agent on break", &l);
	agent_route_list(e, &l, now);
	return (ENGINE_OK);
}

#define LOGOUT_TARGET	"{\"reason\":\"target logged out\"}"

/*
 * Logout gives back the offer and releases tickets waiting for this agent
 * as a transfer target; active and pending tickets stay assigned.
 */
static void
agent_logout(struct engine *e, struct agent_private *a, hl_ms now,
    const char *actor, const char *why, const char *target)
{
	struct agent_tickets	 l = { NULL, 0, 0 };

	if (a->base == AGENT_OFFLINE && a->a.offer == 0)
		return;
	tmr_cancel(&e->timers, &a->tm_wrapup);
	a->base = AGENT_OFFLINE;
	a->a.reason[0] = '\0';
	route_agent_sync(a, now);
	eng_emit_status(e, now, actor, a);
	agent_withdraw(e, a, now, actor, why, &l);
	agent_drop_targets(e, a, now, actor, target, &l);
	agent_route_list(e, &l, now);
}

int
engine_agent_logout(struct engine *e, hl_ms now, const struct actor *ac,
    const char *name, char *err)
{
	struct agent_private	*a;
	int			 rc;

	if ((a = agent_find(e, now, name, err)) == NULL)
		return (ENGINE_NOTFOUND);
	if ((rc = agent_perm(ac, a->a.name, err)) != ENGINE_OK)
		return (rc);
	agent_logout(e, a, now, eng_actor(ac), "agent logged out",
	    LOGOUT_TARGET);
	return (ENGINE_OK);
}

static void
agent_set_conn(struct agent_private *a, enum agent_conn c, hl_ms now)
{
	a->a.conn = c;
	a->a.conn_since = now;
	a->a.grace_until = 0;
}

/* Gone: what it holds (active, pending tickets) shows as held by nobody
 * there (TICKET GET agent_present 0). */
static void
agent_absent(struct engine *e, struct agent_private *a, hl_ms now,
    const char *why)
{
	agent_set_conn(a, AGENT_ABSENT, now);
	ejson_begin(&e->json);
	ejson_str(&e->json, "reason", why);
	ejson_int(&e->json, "active", a->a.active);
	eng_emit(e, now, "system", EV_AGENT_ABSENT, a->a.name, NULL,
	    ejson_end(&e->json), NULL);
}

int
engine_agent_attach(struct engine *e, hl_ms now, const char *name)
{
	struct agent_private	*a;
	hl_ms			 away;

	eng_clock(e, now);
	if ((a = eng_agent(e, name)) == NULL)
		return (-1);
	if (a->a.conn == AGENT_CONNECTED)
		return (0);
	if (a->a.conn == AGENT_ABSENT) {
		agent_set_conn(a, AGENT_CONNECTED, now);
		ejson_begin(&e->json);
		ejson_str(&e->json, "status", agent_status_name(a->a.status));
		eng_emit(e, now, "system", EV_AGENT_ATTACHED, a->a.name, NULL,
		    ejson_end(&e->json), NULL);
		route_agent(e, a, now);
		return (0);
	}
	/* Back within the grace: as if the desk had never closed. */
	away = now - a->a.conn_since;
	tmr_cancel(&e->timers, &a->tm_grace);
	agent_set_conn(a, AGENT_CONNECTED, now);
	ejson_begin(&e->json);
	ejson_str(&e->json, "status", agent_status_name(a->a.status));
	ejson_int(&e->json, "away_ms", away);
	ejson_int(&e->json, "offer", (int64_t)a->a.offer);
	eng_emit(e, now, "system", EV_AGENT_REATTACHED, a->a.name, NULL,
	    ejson_end(&e->json), NULL);
	route_agent(e, a, now);
	return (0);
}

int
engine_agent_detach(struct engine *e, hl_ms now, const char *name,
    hl_ms grace)
{
	struct agent_private	*a;

	eng_clock(e, now);
	if ((a = eng_agent(e, name)) == NULL)
		return (-1);
	if (a->a.conn != AGENT_CONNECTED)
		return (0);
	if (grace <= 0 || (a->base == AGENT_OFFLINE && a->a.offer == 0)) {
		/* Nothing to keep, or no grace: today's logout. */
		agent_absent(e, a, now, "last desk closed");
		agent_logout(e, a, now, "system", "agent logged out",
		    LOGOUT_TARGET);
		return (0);
	}
	agent_set_conn(a, AGENT_DETACHED, now);
	a->a.grace_until = now + grace;
	tmr_arm(&e->timers, a->a.grace_until, TMR_GRACE, a, &a->tm_grace);
	ejson_begin(&e->json);
	ejson_str(&e->json, "status", agent_status_name(a->a.status));
	ejson_int(&e->json, "grace_ms", grace);
	ejson_int(&e->json, "until", a->a.grace_until);
	ejson_int(&e->json, "offer", (int64_t)a->a.offer);
	eng_emit(e, now, "system", EV_AGENT_DETACHED, a->a.name, NULL,
	    ejson_end(&e->json), NULL);
	return (0);
}

/* Nobody came back: the agent is gone, as after AGENT LOGOUT. */
void
agent_grace_due(struct engine *e, struct agent_private *a, hl_ms now)
{
	if (a->a.conn != AGENT_DETACHED)
		return;
	agent_absent(e, a, now, "reconnect grace ended");
	agent_logout(e, a, now, "system", "agent gone",
	    "{\"reason\":\"target gone\"}");
}

int
engine_agent_present(const struct engine *e, const char *name)
{
	const struct agent_private	*a;

	if (name == NULL || *name == '\0' ||
	    (a = eng_agent(e, name)) == NULL)
		return (1);
	return (a->a.conn != AGENT_ABSENT);
}

void
agent_wrapup_due(struct engine *e, struct agent_private *a, hl_ms now)
{
	if (a->base != AGENT_WRAPUP)
		return;
	a->base = AGENT_AVAILABLE;
	route_agent_sync(a, now);
	eng_emit_status(e, now, "system", a);
	route_agent(e, a, now);
}
