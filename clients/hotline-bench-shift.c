/*
 * hotline-bench-shift.c: the simulated shift. Operator connections create
 * tickets (closed loop: a pipeline per operator and a cap on tickets
 * waiting for an agent; or open loop at a target rate); agent connections,
 * each logged in as its own agent user, loop AGENT NEXT -> TICKET ACCEPT
 * -> TICKET RESOLVE -> AGENT READY (or NEXT ... ACCEPT, and no READY with
 * --no-ready). One libevent loop, hiredis's async
 * API, one thread. Every reply is timed into the histograms of struct
 * bench; AGENT NEXT is not (it waits for work by design), but the time
 * from sending a ticket's CREATE to its offer arriving is. This file has
 * the phases (set-up, connecting, the measured window, the drain) and the
 * watchdog; hotline-bench-ops.c the operators, hotline-bench-agents.c the
 * agents, hotline-bench-conn.c the connections and the failures.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "hotline-bench.h"
#include "xmalloc.h"

void
conn_ready(void)
{
	if (++bench.nready < bench.o.operators + bench.o.agents)
		return;
	bench.phase = PHASE_RUN;
	bench.start = now_us();
	if (bench.o.duration > 0) {
		struct timeval	tv;

		tv.tv_sec = (time_t)bench.o.duration;
		tv.tv_usec = (suseconds_t)((bench.o.duration -
		    (double)tv.tv_sec) * 1e6);
		evtimer_add(bench.ev_window, &tv);
	}
	if (bench.o.rate > 0) {
		struct timeval	tv = { 0, 0 };

		evtimer_add(bench.ev_rate, &tv);
	}
	for (int i = 0; i < bench.o.agents; i++)
		agent_next(&bench.agents[i]);
	if (bench.o.rate == 0) {
		for (int i = 0; i < bench.o.operators; i++)
			op_fill(&bench.ops[i]);
	}
}

static void
connect_all(void)
{
	int	i;

	bench.phase = PHASE_CONNECT;
	for (i = 0; i < bench.o.operators && !bench.aborting; i++) {
		struct op	*o = &bench.ops[i];

		snprintf(o->c.name, sizeof o->c.name, "operator %d", i + 1);
		if (conn_open(&o->c) != 0)
			return;
		conn_send(&o->c, op_auth, o, "AUTH %s %s", bench.o.user,
		    bench.o.password);
	}
	for (i = 0; i < bench.o.agents && !bench.aborting; i++) {
		struct agent	*a = &bench.agents[i];

		snprintf(a->user, sizeof a->user, "%s%d", bench.o.agent_prefix,
		    i + 1);
		snprintf(a->c.name, sizeof a->c.name, "agent %s", a->user);
		if (conn_open(&a->c) != 0)
			return;
		agent_send(a, AG_AUTH, "AUTH %s %s", a->user,
		    bench.o.agent_password);
	}
}

static void
setup_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	redisReply	*r = reply;
	long		 i = (long)(intptr_t)arg;

	(void)ac;
	if (r == NULL || bench.aborting)
		return;
	if (i == 0) {
		if (r->type == REDIS_REPLY_ERROR)
			bench_fail("setup: AUTH %s: -%s", bench.o.user, r->str);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		if (strstr(r->str, "already exists") == NULL) {
			bench_fail("setup: AGENT ADD %s%ld: -%s",
			    bench.o.agent_prefix, i, r->str);
			return;
		}
		bench.setup_existed++;
	} else
		bench.setup_added++;
	if (--bench.setup_left > 0)
		return;
	conn_close(&bench.setup);
	if (!bench.o.csv)
		fprintf(stderr, "setup: %d agents added, %d already existed "
		    "(%.1f s)\n", bench.setup_added, bench.setup_existed,
		    (double)(now_us() - bench.setup_started) / 1e6);
	connect_all();
}

/* As the operator user (an admin): AGENT ADD <prefix>1..N, pipelined. */
static void
setup_agents(void)
{
	long	i;

	bench.phase = PHASE_SETUP;
	bench.setup_started = now_us();
	bench.setup_left = bench.o.agents;
	snprintf(bench.setup.name, sizeof bench.setup.name, "setup");
	if (conn_open(&bench.setup) != 0)
		return;
	conn_send(&bench.setup, setup_reply, (void *)(intptr_t)0,
	    "AUTH %s %s", bench.o.user, bench.o.password);
	for (i = 1; i <= bench.o.agents; i++)
		conn_send(&bench.setup, setup_reply, (void *)(intptr_t)i,
		    "AGENT ADD %s%ld %s SKILLS %s:3", bench.o.agent_prefix, i,
		    bench.o.agent_password, bench.o.queue);
}

/* The measured window is over: stop creating, collect what is owed. */
void
run_end(void)
{
	struct timeval	tv = { bench.o.next_timeout + 10, 0 };
	int		i;

	if (bench.phase != PHASE_RUN)
		return;
	bench.end = now_us();
	bench.phase = PHASE_DRAIN;
	event_del(bench.ev_rate);
	event_del(bench.ev_window);
	evtimer_add(bench.ev_drain, &tv);
	for (i = 0; i < bench.o.operators; i++)
		conn_close(&bench.ops[i].c);
	for (i = 0; i < bench.o.agents; i++) {
		if (bench.agents[i].step == AG_NEXT)
			conn_close(&bench.agents[i].c);
	}
	if (bench.nconns == 0)
		event_base_loopexit(bench.base, NULL);
}

static void
window_over(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	run_end();
}

static void
drain_over(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	bench_fail("%d connections still open %d s after the end",
	    bench.nconns, bench.o.next_timeout + 10);
}

/* No ticket moved for --stall seconds: something is stuck. */
static void
watch_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (bench.progress != bench.watch_progress ||
	    bench.phase == PHASE_DRAIN) {
		bench.watch_progress = bench.progress;
		bench.watch_idle = 0;
		return;
	}
	if (bench.phase == PHASE_SETUP || bench.phase == PHASE_CONNECT) {
		if (++bench.watch_idle >= bench.o.stall + 60)
			bench_fail("still connecting after %d s (%d of %d "
			    "connections ready)", bench.watch_idle,
			    bench.nready, bench.o.operators + bench.o.agents);
		return;
	}
	if (++bench.watch_idle >= bench.o.stall)
		bench_fail("stalled: no ticket moved for %d s (%" PRIu64
		    " created, %" PRIu64 " offered, %" PRIu64 " resolved, %"
		    PRId64 " waiting for an agent, %" PRIu64 " AGENT NEXT "
		    "timeouts)", bench.watch_idle, bench.created, bench.offers,
		    bench.completed, bench.waiting, bench.next_nil);
}

static void
interrupted(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (bench.phase == PHASE_RUN) {
		fprintf(stderr, "hotline-bench: interrupted: ending the run\n");
		run_end();
	} else
		bench_fail("interrupted");
}

int
shift_start(void)
{
	struct timeval	sec = { 1, 0 };
	int		i;

	tickmap_init(&bench.map);
	for (i = 0; i < NLAT; i++)
		histo_init(&bench.lat[i]);
	for (i = 0; i < BENCH_MAX_TIERS; i++)
		histo_init(&bench.tier_offer[i]);
	bench.ops = xcalloc((size_t)bench.o.operators, sizeof *bench.ops);
	bench.agents = xcalloc((size_t)bench.o.agents, sizeof *bench.agents);
	for (i = 0; i < bench.o.operators; i++) {
		bench.ops[i].cap = (size_t)bench.o.pipeline + 4;
		bench.ops[i].ring = xcalloc(bench.ops[i].cap,
		    sizeof *bench.ops[i].ring);
	}
	bench.ev_window = evtimer_new(bench.base, window_over, NULL);
	bench.ev_rate = evtimer_new(bench.base, rate_tick, NULL);
	bench.ev_watch = event_new(bench.base, -1, EV_PERSIST, watch_tick,
	    NULL);
	bench.ev_drain = evtimer_new(bench.base, drain_over, NULL);
	bench.ev_int = evsignal_new(bench.base, SIGINT, interrupted, NULL);
	if (bench.ev_window == NULL || bench.ev_rate == NULL ||
	    bench.ev_watch == NULL || bench.ev_drain == NULL ||
	    bench.ev_int == NULL)
		return (-1);
	event_add(bench.ev_watch, &sec);
	event_add(bench.ev_int, NULL);
	if (bench.o.setup)
		setup_agents();
	else
		connect_all();
	return (0);
}

void
shift_free(void)
{
	int	i;

	bench.aborting = 1;
	conn_free(&bench.setup);
	for (i = 0; bench.ops != NULL && i < bench.o.operators; i++) {
		conn_free(&bench.ops[i].c);
		free(bench.ops[i].ring);
	}
	for (i = 0; bench.agents != NULL && i < bench.o.agents; i++)
		conn_free(&bench.agents[i].c);
	free(bench.ops);
	free(bench.agents);
	bench.ops = NULL;
	bench.agents = NULL;
	if (bench.ev_window != NULL)
		event_free(bench.ev_window);
	if (bench.ev_rate != NULL)
		event_free(bench.ev_rate);
	if (bench.ev_watch != NULL)
		event_free(bench.ev_watch);
	if (bench.ev_drain != NULL)
		event_free(bench.ev_drain);
	if (bench.ev_int != NULL)
		event_free(bench.ev_int);
	tickmap_free(&bench.map);
}
