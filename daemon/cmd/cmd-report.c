/*
 * REPORT commands: service level, handle time, abandonment, CSAT and
 * agents' time from the journal (report.h). The connection waits while
 * the report thread works; everybody else goes on.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "report.h"
#include "server.h"

/* The span FROM and TO may name: ms since 1970, with room to add. */
#define REPORT_MS_MAX	(LLONG_MAX / 2)
/* In enum report_by's order, from REPORT_BY_TIER. */
#define REPORT_BY_WORDS	"tier|queue|agent|hour"

/* On the loop thread, once the worker has the answer. */
static void
report_done(struct report_job *job)
{
	struct conn	*c = job->arg;

	c->report_job = NULL;
	c->flags &= ~CONN_WAIT_REPORT;
	resp_add_raw(&c->reply, job->out.data, job->out.len);
	conn_want_flush(c);
	conn_resume(c);
}

/* A name that fits the request (any name: the report finds no rows). */
static int
report_queue(struct conn *c, struct cmd_values *v, struct cmd_value *q)
{
	if (q->len > 0 && q->len < ENGINE_NAME_MAX)
		return (0);
	resp_add_error(&c->reply, "ERR bad queue name");
	return (-1);
}

static int
report_parse(struct conn *c, const struct cmd_args *a, struct report_req *r)
{
	const char	*queue = cmd_str(a, "QUEUE");

	memset(r, 0, sizeof *r);
	r->kind = cmd_is(a->argv[1], "SLA") ? REPORT_SLA :
	    cmd_is(a->argv[1], "QUEUES") ? REPORT_QUEUES : REPORT_AGENTS;
	/* TO is exclusive: by default, up to and with the present ms. */
	r->now = server_now();
	r->to = cmd_str(a, "TO") != NULL ? cmd_val(a, "TO")->n : r->now + 1;
	if (cmd_str(a, "FROM") != NULL)
		r->from = cmd_val(a, "FROM")->n;
	else
		r->from = r->to > REPORT_DEFAULT_SPAN ? r->to -
		    REPORT_DEFAULT_SPAN : 0;
	if (queue != NULL)
		snprintf(r->queue, sizeof r->queue, "%s", queue);
	/* BY's words are in enum report_by's order, after NONE. */
	if (cmd_str(a, "BY") != NULL)
		r->by = (enum report_by)(REPORT_BY_TIER + cmd_val(a, "BY")->n);
	if (r->from >= r->to) {
		resp_add_error(&c->reply, "ERR FROM (%lld) must be before TO "
		    "(%lld)", (long long)r->from, (long long)r->to);
		return (-1);
	}
	/* An agent's time belongs to no queue or tier: it cannot be split. */
	if (r->kind == REPORT_AGENTS && (r->by == REPORT_BY_TIER ||
	    r->by == REPORT_BY_QUEUE)) {
		resp_add_error(&c->reply, "ERR REPORT AGENTS groups by agent, "
		    "and BY hour; for queues or tiers use REPORT SLA BY agent "
		    "or REPORT QUEUES BY agent");
		return (-1);
	}
	return (0);
}

/* Agents' spells still running count up to now. */
static void
report_open_spell(const struct agent *a, void *arg)
{
	struct report_job	*job = arg;
	enum agent_status	 st;
	const char		*reason;
	char			 detail[ENGINE_NAME_MAX + 8];
	hl_ms			 since;

	if (engine_agent_spell(server.engine, a->name, &st, &reason,
	    &since) != 0 || st == AGENT_OFFLINE)
		return;
	if (st == AGENT_BREAK)
		snprintf(detail, sizeof detail, "break:%s", reason);
	else
		snprintf(detail, sizeof detail, "%s", st == AGENT_WRAPUP ?
		    "wrapup" : "ready");
	report_job_add_open(job, a->name, detail, since);
}

static void
cmd_report(struct conn *c, const struct cmd_args *a)
{
	struct report_req	 req;
	struct report_job	*job;

	if (report_parse(c, a, &req) != 0)
		return;
	job = report_job_new(&req);
	if (req.kind == REPORT_AGENTS && req.queue[0] == '\0')
		engine_agent_foreach(server.engine, report_open_spell, job);
	job->done = report_done;
	job->arg = c;
	if (report_submit(job) != 0) {
		resp_add_error(&c->reply, "BUSY %d reports are already "
		    "running; try again shortly", REPORT_MAX_JOBS);
		return;
	}
	c->flags |= CONN_WAIT_REPORT;
	c->report_job = job;
}

/* The same options for the three reports. */
#define REPORT_OPTS	ARGS(OPT("FROM", "ms", .type = ARG_INT, .min = 0, \
			    .max = REPORT_MS_MAX), \
			OPT("TO", "ms", .type = ARG_INT, .min = 0, \
			    .max = REPORT_MS_MAX), \
			OPT("QUEUE", "q", .check = report_queue), \
			OPT("BY", NULL, .type = ARG_WORD, \
			    .words = REPORT_BY_WORDS))

const struct cmd_entry cmd_report_table[] = {
	{ .name = "REPORT", .sub = "SLA", .roles = ROLE_MANAGE,
	  .exec = cmd_report, .opts = REPORT_OPTS },
	{ .name = "REPORT", .sub = "AGENTS", .roles = ROLE_MANAGE,
	  .exec = cmd_report, .opts = REPORT_OPTS },
	{ .name = "REPORT", .sub = "QUEUES", .roles = ROLE_MANAGE,
	  .exec = cmd_report, .opts = REPORT_OPTS },
	{ .name = NULL }
};
