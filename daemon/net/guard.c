#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cmd.h"
#include "conn.h"
#include "guard.h"
#include "hmap.h"
#include "http.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

/*
 * Unauthenticated connections per source address ("unix" for the unix
 * socket), so that one address cannot take every slot before logging in.
 */
#define GUARD_HOST_MAX	64	/* "[" INET6_ADDRSTRLEN "]" fits */
/* A flood of refusals is logged once per this many seconds, with a count. */
#define GUARD_LOG_EVERY	10

struct guard_addr {
	size_t	n;
	char	host[GUARD_HOST_MAX];
};

struct guard_rate {
	int		started;
	time_t		last;
	uint64_t	suppressed;
};

static const char *
guard_addr_host(const void *p)
{
	return (((const struct guard_addr *)p)->host);
}

static struct hmap		 guard_addrs = { .key = guard_addr_host };
static size_t			 guard_unauth;
static struct guard_rate	 guard_full_rate, guard_http_rate;

static void	guard_auth_cb(evutil_socket_t, short, void *);
static void	guard_request_cb(evutil_socket_t, short, void *);

/* 1 if this line may be logged now; *suppressed: lines held back since. */
static int
guard_rate_ok(struct guard_rate *r, uint64_t *suppressed)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (r->started && ts.tv_sec - r->last < GUARD_LOG_EVERY) {
		r->suppressed++;
		return (0);
	}
	*suppressed = r->suppressed;
	r->suppressed = 0;
	r->last = ts.tv_sec;
	r->started = 1;
	return (1);
}

static void
guard_timeval(hl_ms ms, struct timeval *tv)
{
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
}

int
guard_admit(struct conn *c)
{
	struct guard_addr	*a;
	char			 host[GUARD_HOST_MAX];
	size_t			 max = server.cfg.max_unauth_per_addr;
	uint64_t		 more;

	conn_host(c, host, sizeof host);
	a = hmap_str_get(&guard_addrs, host);
	if (a != NULL && max > 0 && a->n >= max) {
		server.stats.unauth_rejected++;
		if (guard_rate_ok(&guard_full_rate, &more))
			log_warnx("refusing a connection from %s: %zu "
			    "connections from there have not authenticated "
			    "([limits] max_unauth_per_addr = %zu; %llu more "
			    "refused before this one went unlogged)", host,
			    a->n, max, (unsigned long long)more);
		return (-1);
	}
	if (a == NULL) {
		a = xcalloc(1, sizeof *a);
		memcpy(a->host, host, sizeof a->host);
		hmap_str_put(&guard_addrs, a);
	}
	a->n++;
	guard_unauth++;
	c->guard_counted = 1;
	return (0);
}

static void
guard_uncount(struct conn *c)
{
	struct guard_addr	*a;
	char			 host[GUARD_HOST_MAX];

	if (!c->guard_counted)
		return;
	c->guard_counted = 0;
	conn_host(c, host, sizeof host);
	if ((a = hmap_str_get(&guard_addrs, host)) == NULL)
		return;
	guard_unauth--;
	if (--a->n == 0) {
		hmap_str_del(&guard_addrs, host);
		free(a);
	}
}

size_t
guard_unauth_count(void)
{
	return (guard_unauth);
}

void
guard_start(struct conn *c)
{
	struct timeval	tv;

	if (server.cfg.auth_timeout <= 0 || c->authed)
		return;
	if ((c->auth_deadline = evtimer_new(server.base, guard_auth_cb,
	    c)) == NULL)
		fatalx("cannot create a connection timer");
	guard_timeval(server.cfg.auth_timeout, &tv);
	evtimer_add(c->auth_deadline, &tv);
}

void
guard_login(struct conn *c)
{
	guard_uncount(c);
	if (c->auth_deadline != NULL)
		evtimer_del(c->auth_deadline);
}

/*
 * Send a last error if nothing else is queued, then close at once: a peer
 * that does not read must not keep its slot by leaving that error unsent.
 */
static void
guard_expire(struct conn *c, const char *why, const char *err)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	if (c->reply.len == 0 && evbuffer_get_length(out) == 0 &&
	    write(c->fd, err, strlen(err)) < 0)
		log_debug("client %llu: %s", (unsigned long long)c->id,
		    strerror(errno));
	conn_kill(c, why);
}

static void
guard_auth_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	char		 err[128];

	if ((c->flags & CONN_DEAD) != 0 || c->authed)
		return;
	server.stats.auth_timeouts++;
	log_info("client %llu (%s): not authenticated within %lld ms "
	    "([limits] auth_timeout), closing", (unsigned long long)c->id,
	    c->addr, (long long)server.cfg.auth_timeout);
	snprintf(err, sizeof err, "-ERR authentication timeout: AUTH within "
	    "%lld ms of connecting\r\n", (long long)server.cfg.auth_timeout);
	guard_expire(c, "auth timeout", err);
}

/*
 * A partial command is waiting in the input. Its deadline runs from the
 * first read that left it there (re-armed when a command completes), so
 * a client that trickles bytes cannot hold the connection open, whatever
 * idle_timeout says. Clients waiting on the daemon (AGENT NEXT, AUTH, a
 * REPORT, reading paused) are not racing a deadline: what they pipelined
 * is read when they resume.
 */
void
guard_request(struct conn *c)
{
	struct timeval	tv;

	if ((c->flags & (CONN_DEAD | CONN_CLOSE)) != 0)
		return;
	if (server.cfg.request_timeout <= 0 || (c->flags & (CONN_BLOCKED |
	    CONN_WAIT_AUTH | CONN_WAIT_REPORT | CONN_READ_OFF)) != 0 ||
	    resp_parser_pending(c->parser) == 0) {
		if (c->request_timer != NULL)
			evtimer_del(c->request_timer);
		return;
	}
	if (c->request_timer == NULL) {
		if ((c->request_timer = evtimer_new(server.base,
		    guard_request_cb, c)) == NULL)
			fatalx("cannot create a connection timer");
	} else if (evtimer_pending(c->request_timer, NULL) &&
	    c->request_mark == c->commands)
		return;		/* the same partial command */
	c->request_mark = c->commands;
	guard_timeval(server.cfg.request_timeout, &tv);
	evtimer_add(c->request_timer, &tv);
}

static void
guard_request_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	char		 err[128];

	if ((c->flags & (CONN_DEAD | CONN_CLOSE)) != 0)
		return;
	server.stats.request_timeouts++;
	log_info("client %llu (%s, user %s): request not complete within "
	    "%lld ms ([limits] request_timeout; %zu bytes of it received), "
	    "closing", (unsigned long long)c->id, c->addr,
	    c->authed ? c->user : "-", (long long)server.cfg.request_timeout,
	    resp_parser_pending(c->parser));
	snprintf(err, sizeof err, "-ERR request timeout: a command must "
	    "arrive whole within %lld ms\r\n",
	    (long long)server.cfg.request_timeout);
	guard_expire(c, "request timeout", err);
}

void
guard_close(struct conn *c)
{
	guard_uncount(c);
	if (c->auth_deadline != NULL)
		evtimer_del(c->auth_deadline);
	if (c->request_timer != NULL)
		evtimer_del(c->request_timer);
}

void
guard_free(struct conn *c)
{
	if (c->auth_deadline != NULL)
		event_free(c->auth_deadline);
	if (c->request_timer != NULL)
		event_free(c->request_timer);
	c->auth_deadline = c->request_timer = NULL;
}

/*
 * A browser can be made to POST to any host and port: the request line
 * and headers arrive as inline commands, and the body could carry real
 * ones (cross-protocol scripting). No command is named POST or ends with
 * a colon (Host:), and a request line ends with its version: such a line
 * is an attack or a mistake, closed before the body is read, as Redis
 * does for POST and Host:. "GET foo" typed at redis-cli is only an
 * unknown command.
 */
int
guard_http(struct conn *c, const struct cmd_args *a)
{
	static const char	*methods[] = { "GET", "PUT", "HEAD", "DELETE",
				    "OPTIONS", "PATCH", "CONNECT", "TRACE",
				    NULL };
	const char		*what = NULL;
	char			 port[32] = "";
	uint64_t		 more;
	int			 i;

	if (strcasecmp(a->argv[0], "POST") == 0)
		what = "POST";
	for (i = 0; what == NULL && methods[i] != NULL; i++)
		if (strcasecmp(a->argv[0], methods[i]) == 0 && a->argc >= 3 &&
		    strncmp(a->argv[a->argc - 1], "HTTP/", 5) == 0)
			what = methods[i];
	if (what == NULL && a->argvlen[0] > 1 &&
	    a->argv[0][a->argvlen[0] - 1] == ':')
		what = "a header line";
	if (what == NULL)
		return (0);
	server.stats.http_rejected++;
	if (guard_rate_ok(&guard_http_rate, &more)) {
		if (http_port() != 0)
			snprintf(port, sizeof port, " (monitoring HTTP is on "
			    "port %d)", http_port());
		log_warnx("client %llu (%s): possible SECURITY ATTACK detected: "
		    "it sent HTTP (%s) to the RESP port, as a web page can "
		    "make a browser do (cross-protocol scripting); connection "
		    "closed%s; %llu more went unlogged before this one",
		    (unsigned long long)c->id, c->addr, what, port,
		    (unsigned long long)more);
	}
	conn_kill(c, "HTTP on the RESP port");
	return (1);
}
