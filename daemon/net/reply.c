#include <stdio.h>
#include <string.h>

#include "reply.h"
#include "server.h"

#define REPLY_SLA_FIELDS	12

static const char *
reply_sla_state(const struct ticket *t, int answer)
{
	uint32_t	breach = answer ? SLA_FIRED_ANSWER_BREACH :
			    SLA_FIRED_RESOLVE_BREACH;
	uint32_t	warn = answer ? SLA_FIRED_ANSWER_WARNING :
			    SLA_FIRED_RESOLVE_WARNING;

	if ((t->sla_fired & breach) != 0)
		return ("breached");
	if ((t->sla_fired & warn) != 0)
		return ("warning");
	return ("ok");
}

/*
 * Deadlines, time left (negative once passed), the resolve clock's
 * business time so far, time paused, and the escalation steps fired.
 */
static void
reply_ticket_sla(struct buf *b, const struct ticket *t, int live)
{
	const struct sla_policy	*sp = live ? engine_ticket_sla(server.engine,
				    t) : NULL;
	hl_ms			 now = server_now(), elapsed;
	char			 steps[64];
	int			 i;

	steps[0] = '\0';
	for (i = 0; i < ENGINE_MAX_SLA_STEPS; i++)
		if ((t->sla_fired & SLA_FIRED_STEP(i)) != 0)
			snprintf(steps + strlen(steps), sizeof steps -
			    strlen(steps), "%s%d", steps[0] ? "," : "", i);
	elapsed = live ? engine_ticket_resolve_elapsed(server.engine, t, now) :
	    t->resolve_used;
	resp_add_field_int(b, "answer_target_ms", sp ? sp->answer : 0);
	resp_add_field_int(b, "answer_due", t->answer_due);
	/* Once answered, what was left at the answer. */
	resp_add_field_int(b, "answer_left_ms", t->answer_due == 0 ? 0 :
	    t->answer_due - (t->accepted_at ? t->accepted_at : now));
	resp_add_field_str(b, "answer_sla", reply_sla_state(t, 1));
	resp_add_field_int(b, "resolve_target_ms", sp ? sp->resolve : 0);
	resp_add_field_int(b, "resolve_due", t->resolve_due);
	resp_add_field_int(b, "resolve_elapsed_ms", elapsed);
	resp_add_field_int(b, "resolve_left_ms", sp && sp->resolve ?
	    sp->resolve - elapsed : 0);
	resp_add_field_str(b, "resolve_sla", reply_sla_state(t, 0));
	resp_add_field_int(b, "paused_ms", t->paused);
	resp_add_field_int(b, "escalations", t->escalations);
	resp_add_field_str(b, "steps_fired", steps);
}

void
reply_ticket(struct buf *b, const struct ticket *t, int live)
{
	char	step[2 * ENGINE_NAME_MAX + 16];
	int	i;
	hl_ms	wait;

	step[0] = '\0';
	if (live)
		engine_ticket_step(server.engine, t, step, sizeof step);
	wait = t->state == TICKET_QUEUED || t->state == TICKET_OFFERED ?
	    server_now() - t->enqueued : 0;
	resp_add_map(b, 32 + REPLY_SLA_FIELDS + (size_t)t->nattrs);
	resp_add_field_int(b, "id", (long long)t->id);
	resp_add_field_str(b, "state", ticket_state_name(t->state));
	resp_add_field_str(b, "queue", t->queue);
	resp_add_field_str(b, "customer", t->customer);
	resp_add_field_str(b, "tier", t->tier);
	resp_add_field_str(b, "channel", t->channel);
	resp_add_field_str(b, "subject", t->subject);
	resp_add_field_int(b, "priority", live ?
	    engine_ticket_priority(server.engine, t) : t->priority + t->boost);
	resp_add_field_int(b, "manual_priority", t->priority);
	resp_add_field_int(b, "boost", t->boost);
	resp_add_field_str(b, "step", step);
	resp_add_field_str(b, "agent", t->agent);
	/* Held by someone gone past the reconnect grace: never silently. */
	resp_add_field_int(b, "agent_present", !live ||
	    (t->state != TICKET_OFFERED && t->state != TICKET_ACTIVE &&
	    t->state != TICKET_PENDING) ||
	    engine_agent_present(server.engine, t->agent));
	resp_add_field_str(b, "target", t->target);
	resp_add_field_str(b, "creator", t->creator);
	resp_add_field_str(b, "disposition", t->disposition);
	resp_add_field_int(b, "created", t->created);
	resp_add_field_int(b, "enqueued", t->enqueued);
	resp_add_field_int(b, "updated", t->updated);
	resp_add_field_int(b, "offered_at", t->offered_at);
	resp_add_field_int(b, "accepted_at", t->accepted_at);
	resp_add_field_int(b, "resolved_at", t->resolved_at);
	resp_add_field_int(b, "pending_until", t->pending_until);
	resp_add_field_int(b, "wait_ms", wait < 0 ? 0 : wait);
	resp_add_field_int(b, "handle_ms", TICKET_WORK(t, server_now()));
	resp_add_field_int(b, "csat", t->csat);
	reply_ticket_sla(b, t, live);
	resp_add_field_int(b, "followup_of", (long long)t->followup_of);
	resp_add_field_int(b, "followup", (long long)t->followup);
	resp_add_field_int(b, "repeat_contact", t->repeat_contact);
	resp_add_field_int(b, "complaint", t->complaint);
	resp_add_field_int(b, "complaints", t->complaints);
	resp_add_field_int(b, "attrs", t->nattrs);
	for (i = 0; i < t->nattrs; i++) {
		resp_add_bulkf(b, "attr.%s", t->attrs[i].key);
		resp_add_cstr(b, t->attrs[i].value);
	}
}

void
reply_agent(struct buf *b, const struct agent *a, hl_ms now)
{
	char	skills[ENGINE_MAX_SKILLS * (ENGINE_NAME_MAX + 4)];
	char	groups[ENGINE_MAX_GROUPS * (ENGINE_NAME_MAX + 1)];
	char	status[ENGINE_NAME_MAX + 16];
	int	i;

	skills[0] = groups[0] = '\0';
	for (i = 0; i < a->nskills; i++)
		snprintf(skills + strlen(skills), sizeof skills -
		    strlen(skills), "%s%s:%d", i ? "," : "", a->skills[i].queue,
		    a->skills[i].level);
	for (i = 0; i < a->ngroups; i++)
		snprintf(groups + strlen(groups), sizeof groups -
		    strlen(groups), "%s%s", i ? "," : "", a->groups[i]);
	if (a->status == AGENT_BREAK && a->reason[0] != '\0')
		snprintf(status, sizeof status, "break(%s)", a->reason);
	else
		snprintf(status, sizeof status, "%s",
		    agent_status_name(a->status));
	resp_add_map(b, 16);
	resp_add_field_str(b, "name", a->name);
	resp_add_field_str(b, "role", role_name(a->role));
	resp_add_field_str(b, "status", status);
	resp_add_field_str(b, "reason", a->reason);
	resp_add_field_int(b, "status_ms", now - a->status_since);
	resp_add_field_int(b, "idle_since", a->idle_since);
	resp_add_field_str(b, "skills", skills);
	resp_add_field_str(b, "groups", groups);
	resp_add_field_int(b, "capacity", a->capacity);
	resp_add_field_int(b, "offer", (long long)a->offer);
	resp_add_field_int(b, "active", a->active);
	resp_add_field_int(b, "missed", a->missed);
	resp_add_field_int(b, "handled", (long long)a->handled);
	resp_add_field_int(b, "offered_total", (long long)a->offered_total);
	resp_add_field_str(b, "connection", agent_conn_name(a->conn));
	resp_add_field_int(b, "grace_until", a->grace_until);
}

void
reply_customer(struct buf *b, const struct customer *cu, size_t extra)
{
	int	i;

	resp_add_map(b, 10 + (size_t)cu->nattrs + extra);
	resp_add_field_str(b, "id", cu->id);
	resp_add_field_str(b, "name", cu->name);
	resp_add_field_str(b, "phone", cu->phone);
	resp_add_field_str(b, "tier", cu->tier);
	resp_add_field_str(b, "segment", segment_name(cu->segment));
	resp_add_field_str(b, "manager", cu->manager);
	resp_add_field_int(b, "created", cu->created);
	resp_add_field_int(b, "updated", cu->updated);
	resp_add_field_int(b, "complaints", cu->complaints);
	resp_add_field_int(b, "repeat_contact", engine_customer_repeat(
	    server.engine, cu, server_now()));
	for (i = 0; i < cu->nattrs; i++) {
		resp_add_bulkf(b, "attr.%s", cu->attrs[i].key);
		resp_add_cstr(b, cu->attrs[i].value);
	}
}
