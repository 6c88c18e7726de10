/*
 * hotline-bench-shift.c: the simulated shift. Operator connections create
 * tickets (closed loop: a pipeline per operator and a cap on tickets
 * waiting for an agent; or open loop at a target rate); agent connections,
 * each logged in as its own agent user, loop AGENT NEXT -> TICKET ACCEPT
 * -> TICKET RESOLVE -> AGENT READY (or NEXT ... ACCEPT, and no READY with
 * --no-ready). One libevent loop, hiredis's async
 * API, one thread. Every reply is timed into the histograms of struct
 * bench; AGENT NEXT is not (it waits for work by design), but the time
 * from sending a ticket's CREATE to its offer arriving is.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
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
#include "xmalloc.h"

#define MAX_ERRORS_SHOWN 20
#define MAX_ERRORS	100	/* more unexpected replies abort the run */

struct bench	bench;

static void	agent_reply(redisAsyncContext *, void *, void *);
static void	op_fill(struct op *);
static void	run_end(void);

int64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static void
record(struct histo *h, int64_t us)
{
	if (bench.phase == PHASE_RUN)
		histo_add(h, us > 0 ? (uint64_t)us : 0);
}

/*
 * Something went wrong that invalidates the run: say so, stop the loop.
 * What was measured so far is still reported.
 */
static void __attribute__((format(printf, 1, 2)))
bench_fail(const char *fmt, ...)
{
	va_list	ap;

	if (bench.aborting)
		return;
	fprintf(stderr, "hotline-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	bench.failed = 1;
	bench.aborting = 1;
	if (bench.phase == PHASE_RUN)
		bench.end = now_us();
	event_base_loopbreak(bench.base);
}

/* An error reply nobody expected: shown, counted, and fatal in numbers. */
static void
bench_error(const struct conn *c, const char *cmd, const redisReply *r)
{
	bench.errors++;
	bench.failed = 1;
	if (bench.errors <= MAX_ERRORS_SHOWN)
		fprintf(stderr, "hotline-bench: %s: %s: -%s\n", c->name, cmd,
		    r->str);
	if (bench.errors == MAX_ERRORS_SHOWN)
		fprintf(stderr, "hotline-bench: (further errors not shown)\n");
	if (bench.errors >= MAX_ERRORS)
		bench_fail("%d error replies: giving up", MAX_ERRORS);
}

static void
conn_on_connect(const redisAsyncContext *ac, int status)
{
	struct conn	*c = ac->data;

	if (status == REDIS_OK)
		return;
	c->ac = NULL;		/* hiredis frees it after this callback */
	bench.nconns--;
	bench_fail("%s: cannot connect: %s", c->name, ac->errstr);
}

static void
conn_on_disconnect(const redisAsyncContext *ac, int status)
{
	struct conn	*c = ac->data;

	c->ac = NULL;
	bench.nconns--;
	if ((status != REDIS_OK || !c->closing) && !bench.aborting)
		bench_fail("%s: connection lost: %s", c->name,
		    ac->errstr[0] != '\0' ? ac->errstr : "closed by the server");
	if (bench.nconns == 0 && bench.phase == PHASE_DRAIN)
		event_base_loopexit(bench.base, NULL);
}

static int
conn_open(struct conn *c)
{
	const struct options	*o = &bench.o;

	if (o->socket != NULL)
		c->ac = redisAsyncConnectUnix(o->socket);
	else
		c->ac = redisAsyncConnect(o->host, o->port);
	if (c->ac == NULL) {
		bench_fail("%s: out of memory", c->name);
		return (-1);
	}
	if (c->ac->err) {
		bench_fail("%s: cannot connect: %s", c->name, c->ac->errstr);
		redisAsyncFree(c->ac);
		c->ac = NULL;
		return (-1);
	}
	c->ac->data = c;
	bench.nconns++;
	redisLibeventAttach(c->ac, bench.base);
	redisAsyncSetConnectCallback(c->ac, conn_on_connect);
	redisAsyncSetDisconnectCallback(c->ac, conn_on_disconnect);
	return (0);
}

/* Close once the replies still owed have arrived. */
static void
conn_close(struct conn *c)
{
	if (c->ac == NULL || c->closing)
		return;
	c->closing = 1;
	redisAsyncDisconnect(c->ac);
}

static int
conn_send(struct conn *c, redisCallbackFn *fn, void *arg, const char *fmt,
    ...)
{
	va_list	ap;
	int	rc;

	if (c->ac == NULL || c->closing)
		return (-1);
	va_start(ap, fmt);
	rc = redisvAsyncCommand(c->ac, fn, arg, fmt, ap);
	va_end(ap);
	if (rc != REDIS_OK) {
		bench_fail("%s: cannot send: %s", c->name, c->ac->errstr);
		return (-1);
	}
	return (0);
}

/* The value of a field of a map reply (a flat array), or NULL. */
static const redisReply *
map_field(const redisReply *r, const char *field)
{
	size_t	i;

	if (r->type != REDIS_REPLY_ARRAY)
		return (NULL);
	for (i = 0; i + 1 < r->elements; i += 2) {
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(r->element[i]->str, field) == 0)
			return (r->element[i + 1]);
	}
	return (NULL);
}

static uint64_t
reply_id(const redisReply *r)
{
	char			*end;
	unsigned long long	 v;

	if (r == NULL)
		return (0);
	if (r->type == REDIS_REPLY_INTEGER)
		return (r->integer > 0 ? (uint64_t)r->integer : 0);
	if (r->type != REDIS_REPLY_STRING)
		return (0);
	errno = 0;
	v = strtoull(r->str, &end, 10);
	if (errno != 0 || end == r->str || *end != '\0')
		return (0);
	return (v);
}

/* Smooth weighted round-robin: the exact mix, evenly spread. */
static int
tier_next(void)
{
	int	i, best = 0;

	for (i = 0; i < bench.ntiers; i++) {
		bench.tiers[i].current += bench.tiers[i].weight;
		if (bench.tiers[i].current > bench.tiers[best].current)
			best = i;
	}
	bench.tiers[best].current -= bench.tier_total;
	return (best);
}

/*
 * The two ends of create -> offer and create -> resolved may come in
 * either order (the operator's reply and the agent's offer leave the
 * daemon after the same commit): whichever comes second records.
 */
static void
ticket_created(uint64_t id, int64_t sent, int tier)
{
	struct tickent	*t = tickmap_get(&bench.map, id, 1);

	t->sent = sent;
	t->tier = tier;
	if (t->offered != 0) {
		record(&bench.lat[LAT_OFFER], t->offered - sent);
		record(&bench.tier_offer[tier], t->offered - sent);
	}
	if (t->done != 0) {
		record(&bench.lat[LAT_LIFECYCLE], t->done - sent);
		tickmap_del(&bench.map, t);
	}
}

static void
ticket_offered(uint64_t id, int64_t now)
{
	struct tickent	*t = tickmap_get(&bench.map, id, 1);

	t->offered = now;
	if (t->sent != 0) {
		record(&bench.lat[LAT_OFFER], now - t->sent);
		record(&bench.tier_offer[t->tier], now - t->sent);
	}
}

static void
ticket_resolved(uint64_t id, int64_t now)
{
	struct tickent	*t = tickmap_get(&bench.map, id, 1);

	t->done = now;
	if (t->sent != 0) {
		record(&bench.lat[LAT_LIFECYCLE], now - t->sent);
		tickmap_del(&bench.map, t);
	}
}

static void
op_push(struct op *o, int64_t sent, int tier)
{
	struct pending	*nr;
	size_t		 i;

	if (o->n == o->cap) {
		nr = xcalloc(o->cap * 2, sizeof *nr);
		for (i = 0; i < o->n; i++)
			nr[i] = o->ring[(o->head + i) % o->cap];
		free(o->ring);
		o->ring = nr;
		o->head = 0;
		o->cap *= 2;
	}
	o->ring[(o->head + o->n) % o->cap].sent = sent;
	o->ring[(o->head + o->n) % o->cap].tier = tier;
	o->n++;
}

static void
op_created(redisAsyncContext *ac, void *reply, void *arg)
{
	struct op	*o = arg;
	redisReply	*r = reply;
	struct pending	 p;
	int64_t		 now = now_us();
	uint64_t	 id;

	(void)ac;
	if (o->n == 0)
		return;
	p = o->ring[o->head];
	o->head = (o->head + 1) % o->cap;
	o->n--;
	if (r == NULL)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		bench.waiting--;
		bench_error(&o->c, "TICKET CREATE", r);
	} else if ((id = reply_id(r)) == 0) {
		bench.waiting--;
		bench_fail("%s: TICKET CREATE: reply is not a ticket id",
		    o->c.name);
		return;
	} else {
		if (bench.phase == PHASE_RUN)
			bench.created++;
		bench.progress++;
		record(&bench.lat[LAT_CREATE], now - p.sent);
		ticket_created(id, p.sent, p.tier);
	}
	if (bench.phase == PHASE_RUN && bench.o.rate == 0)
		op_fill(o);
}

static void
op_send(struct op *o, int64_t sent)
{
	int	tier = tier_next();

	if (conn_send(&o->c, op_created, o, "TICKET CREATE %s bench-%" PRIu64
	    " TIER %s", bench.o.queue, bench.next_customer++ %
	    (uint64_t)bench.o.customers, bench.tiers[tier].name) != 0)
		return;
	op_push(o, sent, tier);
	bench.sent++;
	bench.waiting++;
}

/* When create k is due in open loop. */
static int64_t
rate_due(uint64_t k)
{
	return (bench.start + (int64_t)((double)k * 1e6 / bench.o.rate));
}

static int
quota_left(void)
{
	return (bench.o.tickets == 0 || bench.sent < bench.o.tickets);
}

/* Closed loop: keep the pipeline full while the backlog allows. */
static void
op_fill(struct op *o)
{
	o->parked = 0;
	while (bench.phase == PHASE_RUN && !bench.aborting &&
	    o->n < (size_t)bench.o.pipeline && quota_left()) {
		if (bench.o.backlog > 0 && bench.waiting >= bench.o.backlog) {
			o->parked = 1;
			return;
		}
		op_send(o, now_us());
	}
}

static void
ops_wake(void)
{
	int	i;

	if (bench.o.rate != 0 || bench.phase != PHASE_RUN)
		return;
	for (i = 0; i < bench.o.operators; i++) {
		if (bench.o.backlog > 0 && bench.waiting >= bench.o.backlog)
			return;
		if (bench.ops[i].parked)
			op_fill(&bench.ops[i]);
	}
}

/*
 * Open loop: send what is due, then sleep until the next create is. Its
 * latency counts from when it was due, not from when it went out, so a
 * client or server that falls behind shows in the numbers.
 */
static void
rate_tick(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	tv;
	int64_t		now = now_us(), next;
	uint64_t	due;
	struct op	*o;

	(void)fd;
	(void)what;
	(void)arg;
	/* Create k is due at start + k / rate, the first one at once. */
	due = (uint64_t)((double)(now - bench.start) * bench.o.rate / 1e6) + 1;
	while (bench.sent < due && quota_left() && !bench.aborting) {
		o = &bench.ops[bench.next_op++ % (size_t)bench.o.operators];
		op_send(o, rate_due(bench.sent));
	}
	if (bench.phase != PHASE_RUN || bench.aborting || !quota_left())
		return;
	next = rate_due(bench.sent) - now_us();
	if (next < 0)
		next = 0;
	tv.tv_sec = (time_t)(next / 1000000);
	tv.tv_usec = (suseconds_t)(next % 1000000);
	evtimer_add(bench.ev_rate, &tv);
}

static void
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

static void
agent_next(struct agent *a)
{
	if (bench.phase == PHASE_RUN)
		agent_send(a, AG_NEXT, bench.o.auto_accept ?
		    "AGENT NEXT %d ACCEPT" : "AGENT NEXT %d",
		    bench.o.next_timeout);
	else
		conn_close(&a->c);
}

static void
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

/*
 * Tickets below the next id at the start were there before: agents work
 * them off, but they count neither as lifecycles nor in the latencies.
 */
static void
op_info(redisAsyncContext *ac, void *reply, void *arg)
{
	struct op	*o = arg;
	redisReply	*r = reply;
	const char	*p;

	(void)ac;
	if (r == NULL || bench.aborting)
		return;
	if (r->type != REDIS_REPLY_STRING || (p = strstr(r->str,
	    "next_ticket_id:")) == NULL) {
		bench_fail("%s: INFO stats: no next_ticket_id in the reply",
		    o->c.name);
		return;
	}
	bench.first_id = strtoull(p + strlen("next_ticket_id:"), NULL, 10);
	conn_ready();
}

static void
op_auth(redisAsyncContext *ac, void *reply, void *arg)
{
	struct op	*o = arg;
	redisReply	*r = reply;

	(void)ac;
	if (r == NULL || bench.aborting)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		bench_fail("%s: AUTH %s: -%s", o->c.name, bench.o.user, r->str);
		return;
	}
	if (o == &bench.ops[0])
		conn_send(&o->c, op_info, o, "INFO stats");
	else
		conn_ready();
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
static void
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

static void
conn_free(struct conn *c)
{
	if (c->ac != NULL)
		redisAsyncFree(c->ac);	/* the disconnect callback clears it */
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
