/*
 * hotline-bench-agents.c: the agents, each logged in as its own agent
 * user on its own connection, looping AGENT NEXT -> TICKET ACCEPT ->
 * TICKET RESOLVE -> AGENT READY (or NEXT ... ACCEPT, and no READY with
 * --no-ready); every reply but NEXT's is timed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libevent.h>

#include "hotline-bench.h"

static void	agent_reply(redisAsyncContext *, void *, void *);

void
agent_send(struct agent *a, enum agent_step step, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	if (a->c.ac == NULL || a->c.closing)
		return;
	a->step = step;
	a->sent = now_us();
	va_start(ap, fmt);
	rc = redisvAsyncCommand(a->c.ac, agent_reply, a, fmt, ap);
	va_end(ap);
	if (rc != REDIS_OK)
		bench_fail("%s: cannot send: %s", a->c.name, a->c.ac->errstr);
}

void
agent_next(struct agent *a)
{
	if (bench.phase == PHASE_RUN)
		agent_send(a, AG_NEXT, bench.o.auto_accept ?
		    "AGENT NEXT %d ACCEPT" : "AGENT NEXT %d",
		    bench.o.next_timeout);
	else
		conn_close(&a->c);
}

static const char *
agent_step_cmd(enum agent_step s)
{
	switch (s) {
	case AG_AUTH:	 return ("AUTH");
	case AG_START:	 return ("AGENT READY");
	case AG_NEXT:	 return ("AGENT NEXT");
	case AG_ACCEPT:	 return ("TICKET ACCEPT");
	case AG_RESOLVE: return ("TICKET RESOLVE");
	case AG_READY:	 return ("AGENT READY");
	case AG_RECOVER: return ("AGENT READY");
	}
	return ("?");
}

static void
agent_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	struct agent	*a = arg;
	redisReply	*r = reply;
	int64_t		 now = now_us();
	uint64_t	 id;

	(void)ac;
	if (r == NULL || bench.aborting)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		if (a->step == AG_AUTH || a->step == AG_START) {
			bench_fail("%s: %s: -%s%s", a->c.name,
			    agent_step_cmd(a->step), r->str,
			    a->step == AG_AUTH ? " (does the agent user exist "
			    "with this password? see --setup and "
			    "--agent-password)" : "");
			return;
		}
		bench_error(&a->c, agent_step_cmd(a->step), r);
		if (a->step == AG_RECOVER)
			bench_fail("%s: cannot recover", a->c.name);
		else
			agent_send(a, AG_RECOVER, "AGENT READY");
		return;
	}
	switch (a->step) {
	case AG_AUTH:
		agent_send(a, AG_START, "AGENT READY");
		break;
	case AG_START:
		conn_ready();
		break;
	case AG_NEXT:
		if (r->type == REDIS_REPLY_NIL) {
			bench.next_nil++;
			agent_next(a);
			break;
		}
		if ((id = reply_id(map_field(r, "id"))) == 0) {
			bench_fail("%s: AGENT NEXT: reply is not a ticket map",
			    a->c.name);
			break;
		}
		bench.progress++;
		a->ticket = id;
		a->leftover = id < bench.first_id;
		if (a->leftover)
			bench.leftover++;
		else {
			bench.offers++;
			bench.waiting--;
			ticket_offered(id, now);
		}
		if (bench.o.auto_accept) {
			/* Offered and accepted in the one round trip. */
			const redisReply *st = map_field(r, "state");

			if (st == NULL || st->type != REDIS_REPLY_STRING ||
			    strcmp(st->str, "active") != 0) {
				bench_fail("%s: AGENT NEXT ACCEPT: ticket %" PRIu64
				    " not active", a->c.name, id);
				break;
			}
			agent_send(a, AG_RESOLVE, "TICKET RESOLVE %" PRIu64, id);
		} else if (!a->c.closing)
			agent_send(a, AG_ACCEPT, "TICKET ACCEPT %" PRIu64, id);
		/* (closing: an offer returns to the queue at logout) */
		ops_wake();
		break;
	case AG_ACCEPT:
		bench.progress++;
		record(&bench.lat[LAT_ACCEPT], now - a->sent);
		agent_send(a, AG_RESOLVE, "TICKET RESOLVE %" PRIu64, a->ticket);
		break;
	case AG_RESOLVE:
		bench.progress++;
		record(&bench.lat[LAT_RESOLVE], now - a->sent);
		if (!a->leftover) {
			ticket_resolved(a->ticket, now);
			if (bench.phase == PHASE_RUN)
				bench.completed++;
		}
		if (bench.o.no_ready)
			agent_next(a);	/* ready as it resolved: no wrap-up */
		else
			agent_send(a, AG_READY, "AGENT READY");
		if (bench.o.tickets != 0 && bench.completed >= bench.o.tickets &&
		    bench.phase == PHASE_RUN)
			run_end();
		break;
	case AG_READY:
		bench.progress++;
		record(&bench.lat[LAT_READY], now - a->sent);
		agent_next(a);
		break;
	case AG_RECOVER:
		agent_next(a);
		break;
	}
}
