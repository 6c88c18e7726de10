#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cmd.h"
#include "conn.h"
#include "guard.h"
#include "hasher.h"
#include "hmap.h"
#include "journal.h"
#include "log.h"
#include "pubsub.h"
#include "report.h"
#include "server.h"
#include "waiters.h"
#include "xmalloc.h"

/*
 * Live sessions per user. An agent goes offline when its last connection
 * closes; counting them by walking every connection at each close made a
 * mass disconnect quadratic (10,000 agents dropping at once held the loop
 * for 0.8 s, 92% of it in that walk: bench/conns).
 */
struct conn_user {
	size_t	n;
	char	name[ENGINE_NAME_MAX];
};

static const char *
conn_user_name(const void *p)
{
	return (((const struct conn_user *)p)->name);
}

static struct hmap	conn_users = { .key = conn_user_name };

static void	conn_session_end(struct conn *);
static void	conn_read_cb(evutil_socket_t, short, void *);
static void	conn_hup_cb(evutil_socket_t, short, void *);
static void	conn_write_cb(struct bufferevent *, void *);
static void	conn_event_cb(struct bufferevent *, short, void *);

static struct resp_limits
conn_limits(void)
{
	struct resp_limits	l;

	l.max_inline = server.cfg.max_inline;
	l.max_args = server.cfg.max_args;
	l.max_bulk = server.cfg.max_bulk;
	return (l);
}

/*
 * Before login a connection gets small limits ([limits] preauth_max_bytes
 * and preauth_max_args): AUTH, HELLO, PING and QUIT need no more, and a
 * stranger must not make the daemon hold megabytes.
 */
static struct resp_limits
conn_preauth_limits(void)
{
	struct resp_limits	l = conn_limits();
	size_t			max = server.cfg.preauth_max_bytes;

	if (l.max_inline > max)
		l.max_inline = max;
	if (l.max_bulk > max)
		l.max_bulk = max;
	if (l.max_args > server.cfg.preauth_max_args)
		l.max_args = server.cfg.preauth_max_args;
	return (l);
}

void
conn_accept(int fd, const char *addr, int is_unix)
{
	static const char	 full[] = "-ERR max number of clients reached\r\n";
	struct conn		*c;
	struct resp_limits	 limits = conn_preauth_limits();
	int			 one = 1;

	server.stats.connections_received++;
	if (server.nconns >= server.cfg.max_clients) {
		server.stats.connections_rejected++;
		if (write(fd, full, sizeof full - 1) < 0)
			log_debug("reject %s: %s", addr, strerror(errno));
		close(fd);
		return;
	}
	if (!is_unix)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c = xcalloc(1, sizeof *c);
	snprintf(c->addr, sizeof c->addr, "%s", addr);
	if (is_unix)
		c->flags |= CONN_UNIX;
	if (guard_admit(c) != 0) {
		if (write(fd, GUARD_FULL, sizeof GUARD_FULL - 1) < 0)
			log_debug("reject %s: %s", addr, strerror(errno));
		close(fd);
		free(c);
		return;
	}
	c->id = ++server.next_conn_id;
	c->fd = fd;
	c->created = server_now();
	buf_init(&c->reply);
	if ((c->parser = resp_parser_new(&limits)) == NULL)
		fatalx("out of memory");
	/*
	 * Replies that the socket cannot take at once queue in a bufferevent;
	 * requests are read by a plain event, which saves the FIONREAD ioctl
	 * libevent's evbuffer_read makes before every read (measured: one of
	 * four syscalls per unpipelined request).
	 */
	c->bev = bufferevent_socket_new(server.base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->rev = event_new(server.base, fd, EV_READ | EV_PERSIST, conn_read_cb,
	    c);
	c->hup = event_new(server.base, fd, EV_CLOSED | EV_PERSIST, conn_hup_cb,
	    c);
	if (c->bev == NULL || c->rev == NULL || c->hup == NULL)
		fatalx("cannot create connection events");
	bufferevent_setcb(c->bev, NULL, conn_write_cb, conn_event_cb, c);
	conn_set_idle(c);
	guard_start(c);
	TAILQ_INSERT_TAIL(&server.conns, c, entry);
	server.nconns++;
	log_debug("client %llu connected from %s", (unsigned long long)c->id,
	    addr);
}

/*
 * (Re)arm reading. Idle clients are cut off by the read event's timeout,
 * which restarts at every read; subscribers and blocked agents are exempt.
 */
void
conn_set_idle(struct conn *c)
{
	struct timeval	tv;

	if ((c->flags & (CONN_DEAD | CONN_READ_OFF)) != 0)
		return;
	if (server.cfg.idle_timeout <= 0 ||
	    (c->flags & (CONN_PUBSUB | CONN_BLOCKED)) != 0) {
		event_add(c->rev, NULL);
		return;
	}
	tv.tv_sec = server.cfg.idle_timeout / 1000;
	tv.tv_usec = (server.cfg.idle_timeout % 1000) * 1000;
	event_add(c->rev, &tv);
}

size_t
conn_output_len(const struct conn *c)
{
	return (c->reply.len +
	    evbuffer_get_length(bufferevent_get_output(c->bev)));
}

void
conn_want_flush(struct conn *c)
{
	if ((c->flags & (CONN_IN_FLUSH | CONN_DEAD)) != 0)
		return;
	c->flags |= CONN_IN_FLUSH;
	TAILQ_INSERT_TAIL(&server.flush, c, flush_entry);
}

/*
 * Unsent replies a connection may hold. Before login a client has one
 * command in flight, so its replies are small: a client pipelining PINGs
 * without reading them is cut at four commands' worth, not at the 64 MiB
 * a logged-in client may be owed.
 */
static size_t
conn_output_limit(const struct conn *c)
{
	if (!c->authed)
		return (CONN_PREAUTH_OUTPUT_FACTOR * server.cfg.preauth_max_bytes);
	if ((c->flags & CONN_PUBSUB) != 0)
		return (server.cfg.pubsub_output_limit);
	return (server.cfg.output_limit);
}

static void
conn_check_output(struct conn *c)
{
	size_t	limit = conn_output_limit(c);

	if (conn_output_len(c) > limit) {
		server.stats.output_limit_disconnects++;
		log_warnx("client %llu (%s, user %s): output buffer over %zu "
		    "bytes, disconnecting", (unsigned long long)c->id, c->addr,
		    c->authed ? c->user : "-", limit);
		conn_kill(c, "output limit");
	}
}

/*
 * Stop reading while the connection cannot go on: the peer's pipelined
 * input waits in the socket, not in our memory. Before login, at once
 * while its one command (AUTH) waits, and a command still incomplete past
 * preauth_max_bytes is a protocol error; after, past a bound.
 */
static void
conn_bound_input(struct conn *c)
{
	size_t	pending = resp_parser_pending(c->parser);
	int	waiting = (c->flags & (CONN_BLOCKED | CONN_WAIT_AUTH |
		    CONN_WAIT_REPORT)) != 0;

	if ((c->flags & (CONN_DEAD | CONN_CLOSE | CONN_READ_OFF)) != 0)
		return;
	if (!c->authed && !waiting &&
	    pending > server.cfg.preauth_max_bytes) {
		server.stats.protocol_errors++;
		resp_add_error(&c->reply, "ERR Protocol error: command longer "
		    "than %zu bytes before AUTH", server.cfg.preauth_max_bytes);
		log_info("client %llu (%s): protocol error: command over %zu "
		    "bytes before AUTH", (unsigned long long)c->id, c->addr,
		    server.cfg.preauth_max_bytes);
		c->flags |= CONN_CLOSE;
		return;
	}
	if (waiting && (!c->authed ||
	    pending > server.cfg.max_bulk + server.cfg.max_inline)) {
		c->flags |= CONN_READ_OFF;
		event_del(c->rev);
		/* A client that leaves meanwhile is seen at once, so its
		 * waiting password check is dropped unrun (daemon/security/hasher.c). */
		event_add(c->hup, NULL);
	}
}

static void
conn_hup_cb(evutil_socket_t fd, short what, void *arg)
{
	conn_kill(arg, "closed by client");
}

void
conn_process(struct conn *c)
{
	struct resp_cmd	cmd;
	struct cmd_args	args;
	int		rc;

	while ((c->flags & (CONN_BLOCKED | CONN_WAIT_AUTH | CONN_WAIT_REPORT |
	    CONN_CLOSE | CONN_DEAD)) == 0) {
		rc = resp_parser_next(c->parser, &cmd);
		if (rc == RESP_AGAIN)
			break;
		if (rc == RESP_ERROR) {
			server.stats.protocol_errors++;
			resp_add_error(&c->reply, "ERR Protocol error: %s",
			    resp_parser_error(c->parser));
			log_info("client %llu (%s): protocol error: %s",
			    (unsigned long long)c->id, c->addr,
			    resp_parser_error(c->parser));
			c->flags |= CONN_CLOSE;
			break;
		}
		c->commands++;
		server.stats.commands_processed++;
		args.argc = cmd.argc;
		args.argv = cmd.argv;
		args.argvlen = cmd.argvlen;
		cmd_dispatch(c, &args);
		if (c->reply.len > conn_output_limit(c)) {
			conn_check_output(c);
			break;
		}
	}
	conn_bound_input(c);
	guard_request(c);
	conn_want_flush(c);
}

static void
conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	static char	 buf[64 * 1024];
	struct conn	*c = arg;
	ssize_t		 n;

	if ((what & EV_TIMEOUT) != 0) {
		server.stats.idle_disconnects++;
		conn_kill(c, "idle timeout");
		return;
	}
	n = read(fd, buf, sizeof buf);
	if (n == 0) {
		conn_kill(c, "closed by client");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_kill(c, strerror(errno));
		return;
	}
	if ((c->flags & (CONN_DEAD | CONN_CLOSE)) != 0)
		return;
	if (resp_parser_feed(c->parser, buf, (size_t)n) != 0)
		fatalx("out of memory");
	conn_process(c);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	if ((c->flags & CONN_CLOSE) != 0 && c->reply.len == 0)
		conn_kill(c, "closed after reply");
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;

	if ((what & BEV_EVENT_EOF) != 0)
		conn_kill(c, "closed by client");
	else if ((what & BEV_EVENT_ERROR) != 0)
		conn_kill(c, strerror(EVUTIL_SOCKET_ERROR()));
}

/*
 * Send what a connection is owed. When nothing is queued in the socket
 * buffer, write directly: it saves a trip through the loop per reply.
 */
static void
conn_flush(struct conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	ssize_t		 n = 0;

	if (c->reply.len > 0 && evbuffer_get_length(out) == 0) {
		do
			n = write(c->fd, c->reply.data, c->reply.len);
		while (n < 0 && errno == EINTR);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			conn_kill(c, strerror(errno));
			return;
		}
		if (n < 0)
			n = 0;
	}
	if ((size_t)n < c->reply.len)
		evbuffer_add(out, c->reply.data + n, c->reply.len - (size_t)n);
	buf_reset(&c->reply);
	if ((c->flags & CONN_CLOSE) != 0 && evbuffer_get_length(out) == 0)
		conn_kill(c, "closed after reply");
	else
		conn_check_output(c);
}

void
conn_flush_all(void)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&server.flush)) != NULL) {
		TAILQ_REMOVE(&server.flush, c, flush_entry);
		c->flags &= ~CONN_IN_FLUSH;
		c->nranges = 0;
		if ((c->flags & CONN_DEAD) == 0)
			conn_flush(c);
	}
}

void
conn_resume(struct conn *c)
{
	if ((c->flags & (CONN_IN_RESUME | CONN_DEAD)) != 0)
		return;
	c->flags |= CONN_IN_RESUME;
	TAILQ_INSERT_TAIL(&server.resume, c, resume_entry);
}

void
conn_resume_all(void)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&server.resume)) != NULL) {
		TAILQ_REMOVE(&server.resume, c, resume_entry);
		c->flags &= ~CONN_IN_RESUME;
		if ((c->flags & CONN_DEAD) != 0)
			continue;
		c->flags &= ~CONN_READ_OFF;
		event_del(c->hup);
		cmd_unblock(c);
		conn_set_idle(c);
		conn_process(c);
	}
}

void
conn_kill(struct conn *c, const char *why)
{
	if ((c->flags & CONN_DEAD) != 0)
		return;
	log_debug("client %llu (%s) closing: %s", (unsigned long long)c->id,
	    c->addr, why);
	c->flags |= CONN_DEAD;
	conn_session_end(c);
	guard_close(c);
	event_del(c->rev);
	event_del(c->hup);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	if ((c->flags & CONN_IN_FLUSH) != 0) {
		TAILQ_REMOVE(&server.flush, c, flush_entry);
		c->flags &= ~CONN_IN_FLUSH;
	}
	if ((c->flags & CONN_IN_RESUME) != 0) {
		TAILQ_REMOVE(&server.resume, c, resume_entry);
		c->flags &= ~CONN_IN_RESUME;
	}
	waiters_closed(c);
	pubsub_unsubscribe_all(c);
	TAILQ_INSERT_TAIL(&server.dead, c, dead_entry);
}

void
conn_host(const struct conn *c, char *buf, size_t len)
{
	const char	*colon;
	size_t		 n;

	if ((c->flags & CONN_UNIX) != 0) {
		snprintf(buf, len, "unix");
		return;
	}
	/* "1.2.3.4:567" or "[::1]:567" */
	colon = strrchr(c->addr, ':');
	n = colon != NULL ? (size_t)(colon - c->addr) : strlen(c->addr);
	if (n >= len)
		n = len - 1;
	memcpy(buf, c->addr, n);
	buf[n] = '\0';
}

static void
conn_session_end(struct conn *c)
{
	struct conn_user	*u;

	if ((c->flags & CONN_SESSION) == 0)
		return;
	c->flags &= ~CONN_SESSION;
	if ((u = hmap_str_get(&conn_users, c->user)) == NULL || --u->n > 0)
		return;
	hmap_str_del(&conn_users, c->user);
	free(u);
}

void
conn_login(struct conn *c, const char *user, int role)
{
	struct conn_user	*u;
	struct resp_limits	 limits = conn_limits();
	char			 was[sizeof c->user];

	snprintf(was, sizeof was, "%s", c->authed ? c->user : "");
	conn_session_end(c);	/* AUTH again, maybe as someone else */
	/* That was the last desk of the user it was: as if it had closed. */
	if (*was != '\0' && strcmp(was, user) != 0 &&
	    conn_user_count(was) == 0)
		engine_agent_detach(server.engine, server_now(), was,
		    server.cfg.reconnect_grace);
	guard_login(c);
	c->authed = 1;
	resp_parser_set_limits(c->parser, &limits);
	c->role = role;
	snprintf(c->user, sizeof c->user, "%s", user);
	if ((u = hmap_str_get(&conn_users, c->user)) == NULL) {
		u = xcalloc(1, sizeof *u);
		memcpy(u->name, c->user, sizeof u->name);
		hmap_str_put(&conn_users, u);
	}
	u->n++;
	c->flags |= CONN_SESSION;
	/* Within the reconnect grace this re-attaches the agent. */
	engine_agent_attach(server.engine, server_now(), c->user);
}

size_t
conn_user_count(const char *user)
{
	struct conn_user	*u = hmap_str_get(&conn_users, user);

	return (u != NULL ? u->n : 0);
}

/*
 * As Redis applies ACL changes to connected clients: a demoted admin's
 * open session is not an admin's any more (the role was kept from AUTH
 * until the client reconnected). A walk: role changes are rare.
 */
void
conn_user_role(const char *user, int role)
{
	struct conn	*c;

	if (conn_user_count(user) == 0)
		return;
	TAILQ_FOREACH(c, &server.conns, entry) {
		if (c->authed && strcmp(c->user, user) == 0)
			c->role = role;
	}
}

/*
 * Free killed connections. This is the safe point: no handler of theirs
 * is on the stack. An agent whose last connection closed is detached: it
 * keeps its status and offer for [agents] reconnect_grace, then the
 * engine logs it out (at once with a grace of 0).
 */
void
conn_free_dead(void)
{
	struct conn	*c;
	while ((c = TAILQ_FIRST(&server.dead)) != NULL) {
		TAILQ_REMOVE(&server.dead, c, dead_entry);
		TAILQ_REMOVE(&server.conns, c, entry);
		server.nconns--;
		if (c->authed && conn_user_count(c->user) == 0)
			engine_agent_detach(server.engine, server_now(),
			    c->user, server.cfg.reconnect_grace);
		if (c->block_timer != NULL)
			event_free(c->block_timer);
		if (c->auth_timer != NULL)
			event_free(c->auth_timer);
		guard_free(c);
		if (c->auth_job != NULL)
			hasher_cancel(c->auth_job);	/* dropped unrun */
		if (c->report_job != NULL)
			report_cancel(c->report_job);
		event_free(c->rev);
		event_free(c->hup);
		bufferevent_free(c->bev);
		resp_parser_free(c->parser);
		buf_free(&c->reply);
		free(c->ranges);
		free(c->channels);
		free(c->patterns);
		free(c);
	}
}

void
conn_mark_write(struct conn *c, size_t start)
{
	if (c->nranges == c->cranges) {
		c->cranges = c->cranges == 0 ? 8 : c->cranges * 2;
		c->ranges = xreallocarray(c->ranges, c->cranges,
		    sizeof *c->ranges);
	}
	c->ranges[c->nranges].start = start;
	c->ranges[c->nranges].end = c->reply.len;
	c->nranges++;
	conn_want_flush(c);
}

/* The commit failed: every reply that promised a change becomes an error. */
void
conn_fail_writes(const char *err)
{
	struct conn	*c;
	struct buf	 b;
	size_t		 i, at;

	TAILQ_FOREACH(c, &server.flush, flush_entry) {
		if (c->nranges == 0)
			continue;
		buf_init(&b);
		for (at = 0, i = 0; i < c->nranges; i++) {
			buf_add(&b, c->reply.data + at,
			    c->ranges[i].start - at);
			resp_add_error(&b, "ERR not saved: %s", err);
			at = c->ranges[i].end;
		}
		buf_add(&b, c->reply.data + at, c->reply.len - at);
		buf_free(&c->reply);
		c->reply = b;
		c->nranges = 0;
	}
}
