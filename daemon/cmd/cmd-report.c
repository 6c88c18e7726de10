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

#define REPORT_USAGE	"REPORT SLA|AGENTS|QUEUES [FROM ms] [TO ms] " \
			"[QUEUE q] [BY tier|queue|agent|hour]"

/* On the loop thread, once the worker has the answer. */
static void
report_done(struct report_job *job)
{
	struct conn	*c = job->arg;

	c->report_job = NULL;
	c->flags &= ~CONN_WAIT_REPORT;
	buf_add(&c->reply, job->out.data, job->out.len);
	conn_want_flush(c);
	conn_resume(c);
}

static int
report_parse(struct conn *c, const struct cmd_args *a, struct report_req *r)
{
	long long	 v;
	int		 i, has_from = 0;

	memset(r, 0, sizeof *r);
	r->kind = cmd_is(a->argv[1], "SLA") ? REPORT_SLA :
	    cmd_is(a->argv[1], "QUEUES") ? REPORT_QUEUES : REPORT_AGENTS;
	/* TO is exclusive: by default, up to and with the present ms. */
	r->now = server_now();
	r->to = r->now + 1;
	for (i = 2; i < a->argc; i += 2) {
		if (i + 1 >= a->argc)
			goto syntax;
		if (cmd_is(a->argv[i], "FROM") || cmd_is(a->argv[i], "TO")) {
			if (cmd_parse_int(c, a->argv[i + 1], 0, LLONG_MAX / 2,
			    &v) != 0)
				return (-1);
			if (cmd_is(a->argv[i], "FROM")) {
				r->from = v;
				has_from = 1;
			} else
				r->to = v;
		} else if (cmd_is(a->argv[i], "QUEUE")) {
			if (strlen(a->argv[i + 1]) >= sizeof r->queue ||
			    a->argv[i + 1][0] == '\0') {
				resp_add_error(&c->reply, "ERR bad queue name");
				return (-1);
			}
			snprintf(r->queue, sizeof r->queue, "%s",
			    a->argv[i + 1]);
		} else if (cmd_is(a->argv[i], "BY")) {
			if (report_by_parse(a->argv[i + 1], &r->by) != 0) {
				resp_add_error(&c->reply, "ERR BY takes tier, "
				    "queue, agent or hour, not '%.32s'",
				    a->argv[i + 1]);
				return (-1);
			}
		} else
			goto syntax;
	}
	if (!has_from)
		r->from = r->to > REPORT_DEFAULT_SPAN ? r->to -
		    REPORT_DEFAULT_SPAN : 0;
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
syntax:
	resp_add_error(&c->reply, "ERR syntax error near '%.64s'; usage: %s",
	    a->argv[i], REPORT_USAGE);
	return (-1);
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

const struct cmd_entry cmd_report_table[] = {
	{ "REPORT", "SLA", -2, 0, ROLE_MANAGE, REPORT_USAGE, cmd_report },
	{ "REPORT", "AGENTS", -2, 0, ROLE_MANAGE, REPORT_USAGE, cmd_report },
	{ "REPORT", "QUEUES", -2, 0, ROLE_MANAGE, REPORT_USAGE, cmd_report },
	{ NULL, NULL, 0, 0, 0, NULL, NULL }
};
