/*
 * hotline-bench-ops.c: the operators, who create tickets: closed loop (a
 * pipeline per operator and a cap on tickets waiting for an agent) or
 * open loop at a target rate, in the tier mix asked for; and the times a
 * ticket's create, offer and resolution are recorded at.
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
#include "xmalloc.h"

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
void
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

void
ticket_offered(uint64_t id, int64_t now)
{
	struct tickent	*t = tickmap_get(&bench.map, id, 1);

	t->offered = now;
	if (t->sent != 0) {
		record(&bench.lat[LAT_OFFER], now - t->sent);
		record(&bench.tier_offer[t->tier], now - t->sent);
	}
}

void
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
void
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

void
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
void
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

void
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
