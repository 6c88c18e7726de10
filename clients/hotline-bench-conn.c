/*
 * hotline-bench-conn.c: the shift's connections (hiredis, attached to the
 * one libevent loop), how a run fails (bench_fail) or counts an error
 * reply nobody expected (bench_error), and reading replies.
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

#define MAX_ERRORS_SHOWN 20
#define MAX_ERRORS	100	/* more unexpected replies abort the run */

struct bench	bench;

int64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

void
record(struct histo *h, int64_t us)
{
	if (bench.phase == PHASE_RUN)
		histo_add(h, us > 0 ? (uint64_t)us : 0);
}

/*
 * Something went wrong that invalidates the run: say so, stop the loop.
 * What was measured so far is still reported.
 */
void __attribute__((format(printf, 1, 2)))
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
void
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

int
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
void
conn_close(struct conn *c)
{
	if (c->ac == NULL || c->closing)
		return;
	c->closing = 1;
	redisAsyncDisconnect(c->ac);
}

int
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

void
conn_free(struct conn *c)
{
	if (c->ac != NULL)
		redisAsyncFree(c->ac);	/* the disconnect callback clears it */
}

/* The value of a field of a map reply (a flat array), or NULL. */
const redisReply *
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

uint64_t
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
