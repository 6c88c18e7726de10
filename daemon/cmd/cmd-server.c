/* Connection and server commands: PING HELLO AUTH QUIT INFO CONFIG SHUTDOWN. */
#include <fnmatch.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>

#include "audit.h"
#include "auth.h"
#include "cmd.h"
#include "conn.h"
#include "guard.h"
#include "journal.h"
#include "log.h"
#include "pubsub.h"
#include "server.h"
#include "session.h"
#include "hasher.h"
#include "http.h"
#include "metrics.h"
#include "report.h"
#include "retention.h"
#include "store.h"
#include "throttle.h"
#include "waiters.h"

#define HELLO_PROTO		2	/* RESP2, the only one spoken */
#define HELLO_PROTO_MAX		1000
#define AUDIT_LIMIT_DEFAULT	100
#define AUDIT_LIMIT_MAX		10000

static void
cmd_ping(struct conn *c, const struct cmd_args *a)
{
	const struct cmd_value	*msg = cmd_val(a, "message");

	if ((c->flags & CONN_PUBSUB) != 0) {
		/* Redis answers a subscribed PING as a pub/sub message. */
		resp_add_array(&c->reply, 2);
		resp_add_cstr(&c->reply, "pong");
		if (msg->s != NULL)
			resp_add_bulk(&c->reply, msg->s, msg->len);
		else
			resp_add_cstr(&c->reply, "");
		return;
	}
	if (msg->s != NULL)
		resp_add_bulk(&c->reply, msg->s, msg->len);
	else
		resp_add_status(&c->reply, "PONG");
}

static void
hello_reply(struct conn *c)
{
	resp_add_map(&c->reply, 7);
	resp_add_field_str(&c->reply, "server", "hotline");
	resp_add_field_str(&c->reply, "version", PACKAGE_VERSION);
	resp_add_field_int(&c->reply, "proto", 2);
	resp_add_field_int(&c->reply, "id", (long long)c->id);
	resp_add_field_str(&c->reply, "mode", "standalone");
	resp_add_field_str(&c->reply, "role", "master");
	resp_add_cstr(&c->reply, "modules");
	resp_add_array(&c->reply, 0);
}

void
cmd_auth_accepted(struct conn *c)
{
	if (c->auth_hello == AUTH_KIND_HELLO)
		hello_reply(c);
	else
		resp_add_status(&c->reply, "OK");
}

/* The answer to a password check is out: the connection goes on. */
void
cmd_auth_release(struct conn *c)
{
	c->flags &= ~CONN_WAIT_AUTH;
	conn_want_flush(c);
	conn_resume(c);
}

static void
auth_refused_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	if (c->auth_hello == AUTH_KIND_PASSWD)
		resp_add_error(&c->reply, "WRONGPASS old password does not "
		    "match");
	else
		resp_add_error(&c->reply, "WRONGPASS invalid username-password "
		    "pair or user is disabled.");
	cmd_auth_release(c);
}

/*
 * A failed password check is answered late, later at each failure
 * (daemon/security/throttle.c); the connection waits meanwhile.
 */
void
cmd_auth_refuse(struct conn *c, hl_ms delay, int kind)
{
	struct timeval	tv;

	server.stats.auth_failures++;
	c->auth_failures++;
	c->auth_hello = kind;
	c->flags |= CONN_WAIT_AUTH;
	if (c->auth_timer == NULL)
		c->auth_timer = evtimer_new(server.base, auth_refused_cb, c);
	tv.tv_sec = delay / 1000;
	tv.tv_usec = (delay % 1000) * 1000;
	evtimer_add(c->auth_timer, &tv);
}

/*
 * On the loop thread, once the hasher has checked the password, or has
 * dropped the check because the client left first. An attempt whose
 * client left counts as a failure: a flood of connect, AUTH, close is
 * throttled like any other.
 */
static void
auth_done(struct hash_job *job)
{
	struct conn	*c = job->arg;
	hl_ms		 now = server_now();

	if (c == NULL) {
		if (job->ok && job->role != 0)
			throttle_cancel(job->host, job->user);
		else
			throttle_fail(job->host, job->user, now);
		return;
	}
	c->auth_job = NULL;
	if (job->ok && job->role != 0 && throttle_locked(job->host, job->user,
	    now)) {
		/* Right, but a lock came meanwhile: refused all the same. */
		throttle_cancel(job->host, job->user);
		audit_login(c, job->user, 0, "locked");
		cmd_auth_refuse(c, 0, c->auth_hello);
		return;
	}
	if (job->ok && job->role != 0) {
		throttle_success(job->host, job->user);
		conn_login(c, job->user, job->role);
		log_info("client %llu (%s): authenticated as %s (%s)",
		    (unsigned long long)c->id, c->addr, c->user,
		    role_name(c->role));
		audit_login(c, c->user, 1, "");
		cmd_auth_accepted(c);
		cmd_auth_release(c);
		return;
	}
	log_info("client %llu (%s): failed AUTH for '%.64s'",
	    (unsigned long long)c->id, c->addr, job->user);
	audit_login(c, job->user, 0, "wrong password");
	cmd_auth_refuse(c, throttle_fail(job->host, job->user, now),
	    c->auth_hello);
}

/*
 * Start checking a password: the connection waits (its later commands
 * too, and before login its reading: daemon/net/conn.c) while a hasher thread
 * runs Argon2id; everybody else goes on. The attempt counts against the
 * address and the (address, user) pair as it arrives (daemon/security/throttle.c).
 * User name and password are bytes with lengths: a NUL inside either is
 * part of it.
 */
static void
auth_start(struct conn *c, const char *user, size_t userlen,
    const char *password, size_t passwordlen, int hello)
{
	struct store_user	 u;
	struct hash_job		*job;
	char			 host[128], name[ENGINE_NAME_MAX];
	int			 known;

	if (passwordlen > AUTH_PASSWORD_MAX) {
		resp_add_error(&c->reply, "ERR password longer than %d bytes",
		    AUTH_PASSWORD_MAX);
		return;
	}
	conn_host(c, host, sizeof host);
	/* The name as the throttle counts it, the same at every step. */
	snprintf(name, sizeof name, "%s", user);
	c->flags |= CONN_WAIT_AUTH;
	c->auth_hello = hello ? AUTH_KIND_HELLO : AUTH_KIND_AUTH;
	/* Locked: refused at once, unchecked; even the right password
	 * would be refused, so guessing on is pointless and costs nothing.
	 * Counted (INFO auth_locked_refusals), not journaled: a flood must
	 * not turn into a database row per attempt. */
	if (throttle_begin(host, name, server_now()) != 0) {
		log_debug("client %llu (%s): AUTH for '%.64s' while locked",
		    (unsigned long long)c->id, c->addr, user);
		cmd_auth_refuse(c, 0, c->auth_hello);
		return;
	}
	/* A session token is checked here, on the loop, in microseconds
	 * (cmd-session.c): never an Argon2id run. */
	if (session_is_token(password, passwordlen)) {
		cmd_session_auth(c, user, userlen, password, passwordlen, host,
		    name);
		return;
	}
	job = hasher_job_new(HASH_VERIFY);
	/* A name no user can have (a NUL inside, too long) is checked
	 * against nothing, never against the user its prefix names. */
	known = userlen < sizeof u.name && memchr(user, '\0', userlen) ==
	    NULL && store_get_user(server.store, user, &u);
	if (known) {
		snprintf(job->hash, sizeof job->hash, "%.127s", u.hash);
		job->role = u.role;
		job->priority = (u.role & ROLE_MANAGE) != 0;
	}
	memcpy(job->user, name, sizeof job->user);
	snprintf(job->host, sizeof job->host, "%s", host);
	/* Before login the address is the source that waits its turn;
	 * after, the user. A supervisor's or admin's login waits in a lane
	 * of its own, by name, served first (hasher.h). */
	if (job->priority)
		snprintf(job->source, sizeof job->source, "!%s", name);
	else if (c->authed)
		snprintf(job->source, sizeof job->source, "@%s", c->user);
	else
		snprintf(job->source, sizeof job->source, "%.64s", host);
	memcpy(job->password, password, passwordlen);
	job->passwordlen = passwordlen;
	job->done = auth_done;
	job->arg = c;
	if (hasher_submit(job) != 0) {
		throttle_cancel(host, job->user);
		hasher_job_free(job);
		c->flags &= ~CONN_WAIT_AUTH;
		resp_add_error(&c->reply, "BUSY try again: too many password "
		    "checks are waiting");
		return;
	}
	c->auth_job = job;
}

static void
cmd_auth(struct conn *c, const struct cmd_args *a)
{
	const struct cmd_value	*user = cmd_val(a, "user");
	const struct cmd_value	*pw = cmd_val(a, "password|token");

	auth_start(c, user->s, user->len, pw->s, pw->len, 0);
}

/* HELLO [protover] [AUTH user password] [SETNAME name]: RESP2 only. */
static void
cmd_hello(struct conn *c, const struct cmd_args *a)
{
	const struct cmd_value	*proto = cmd_val(a, "protover");
	const struct cmd_value	*auth = cmd_val(a, "AUTH");
	int			 pw;

	if (proto->s != NULL && proto->n != HELLO_PROTO) {
		resp_add_error(&c->reply, "NOPROTO sorry, this protocol "
		    "version is not supported");
		return;
	}
	if (auth->s == NULL) {
		hello_reply(c);
		return;
	}
	pw = auth->argi + 1;		/* the pair's second word */
	auth_start(c, auth->s, auth->len, a->argv[pw], a->argvlen[pw], 1);
}

static void
cmd_quit(struct conn *c, const struct cmd_args *a)
{
	resp_add_status(&c->reply, "OK");
	c->flags |= CONN_CLOSE;
}

static void
info_line(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
info_line(struct buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
	buf_add(b, "\r\n", 2);
}

/*
 * INFO's server, clients, stats and persistence sections: one row per
 * line, in the order written. A value is a field of a stats structure
 * (read through the function that gives the structure) or the result of
 * a function; a new counter is one row.
 */
enum info_type {
	INFO_U64,	/* uint64_t field */
	INFO_SIZE,	/* size_t field */
	INFO_INT,	/* int field */
	INFO_I64,	/* int64_t (hl_ms) field */
	INFO_CHARS,	/* char array field */
	INFO_FN_U64,	/* uint64_t fn(void) */
	INFO_FN_SIZE,	/* size_t fn(void) */
	INFO_FN_INT,	/* int fn(void) */
	INFO_FN_I64,	/* int64_t fn(void) */
	INFO_FN_STR	/* const char *fn(void) */
};

struct info_row {
	const char	*section;
	const char	*name;
	enum info_type	 type;
	const void	*(*base)(void);	/* the structure a field is in */
	size_t		 off;		/* the field's offset in it */
	union {
		uint64_t	 (*u64)(void);
		size_t		 (*size)(void);
		int		 (*i)(void);
		int64_t		 (*i64)(void);
		const char	*(*str)(void);
	} fn;
};

static const void *
info_server(void)
{
	return (&server);
}

static const void *
info_store(void)
{
	return (store_stats(server.store));
}

static const void *
info_journal(void)
{
	return (journal_stats(server.journal));
}

static const void *
info_hasher(void)
{
	return (hasher_stats());
}

static const void *
info_retention(void)
{
	return (retention_stats());
}

static int
info_pid(void)
{
	return ((int)getpid());
}

static const char *
info_version(void)
{
	return (PACKAGE_VERSION);
}

static int64_t
info_uptime(void)
{
	return ((server_now() - server.started) / 1000);
}

static int64_t
info_time(void)
{
	return (server_now());
}

static size_t
info_open_tickets(void)
{
	return (engine_ticket_count(server.engine));
}

static uint64_t
info_next_ticket_id(void)
{
	return (engine_next_id(server.engine));
}

static const char *
info_db_path(void)
{
	return (store_path(server.store));
}

static const char *
info_durability(void)
{
	return (server.cfg.durability == DURABILITY_FULL ? "full" : "normal");
}

static const char *
info_journal_mode(void)
{
	return ("wal");
}

static int64_t
info_last_event_seq(void)
{
	return (store_last_seq(server.store));
}

static size_t
info_commit_backlog(void)
{
	return (journal_backlog(server.journal));
}

static uint64_t
info_wal_checkpoints(void)
{
	return (store_checkpoints(server.store));
}

static int64_t
info_data_from(void)
{
	return (store_data_from(server.store));
}

#define INFO_FIELD(sec, name, type, base, st, field)			\
	{ sec, name, type, base, offsetof(st, field), { NULL } }
#define INFO_SERVER(sec, name, type, field)				\
	INFO_FIELD(sec, name, type, info_server, struct server, field)
#define INFO_STAT(name, field)						\
	INFO_SERVER("stats", name, INFO_U64, stats.field)
#define INFO_FN(sec, name, type, member, f)				\
	{ sec, name, type, NULL, 0, { .member = f } }

static const struct info_row info_rows[] = {
	INFO_FN("server", "hotline_version", INFO_FN_STR, str, info_version),
	INFO_FN("server", "process_id", INFO_FN_INT, i, info_pid),
	INFO_SERVER("server", "tcp_port", INFO_INT, bound_port),
	INFO_FN("server", "http_port", INFO_FN_INT, i, http_port),
	INFO_SERVER("server", "unixsocket", INFO_CHARS, cfg.unixsocket),
	INFO_SERVER("server", "config_file", INFO_CHARS, config_path),
	INFO_FN("server", "uptime_in_seconds", INFO_FN_I64, i64, info_uptime),
	INFO_FN("server", "time_ms", INFO_FN_I64, i64, info_time),

	INFO_SERVER("clients", "connected_clients", INFO_SIZE, nconns),
	INFO_SERVER("clients", "maxclients", INFO_SIZE, cfg.max_clients),
	INFO_FN("clients", "blocked_clients", INFO_FN_SIZE, size,
	    waiters_count),
	INFO_FN("clients", "unauthenticated_clients", INFO_FN_SIZE, size,
	    guard_unauth_count),
	INFO_FN("clients", "pubsub_clients", INFO_FN_SIZE, size,
	    metrics_subscribers),
	INFO_FN("clients", "pubsub_channels", INFO_FN_SIZE, size,
	    pubsub_channels),
	INFO_FN("clients", "pubsub_patterns", INFO_FN_SIZE, size,
	    pubsub_patterns),

	INFO_STAT("total_connections_received", connections_received),
	INFO_STAT("rejected_connections", connections_rejected),
	INFO_STAT("total_commands_processed", commands_processed),
	INFO_STAT("protocol_errors", protocol_errors),
	INFO_STAT("output_limit_disconnects", output_limit_disconnects),
	INFO_STAT("idle_disconnects", idle_disconnects),
	INFO_STAT("auth_failures", auth_failures),
	/* Password checking: what an operator watches in a flood. */
	INFO_FN("stats", "auth_locked_refusals", INFO_FN_U64, u64,
	    throttle_refusals),
	INFO_FN("stats", "auth_throttle_entries", INFO_FN_SIZE, size,
	    throttle_entries),
	INFO_FIELD("stats", "hasher_threads", INFO_INT, info_hasher,
	    struct hasher_stats, threads),
	INFO_FIELD("stats", "hasher_queued", INFO_SIZE, info_hasher,
	    struct hasher_stats, queued),
	INFO_FIELD("stats", "hasher_running", INFO_SIZE, info_hasher,
	    struct hasher_stats, running),
	INFO_FIELD("stats", "hasher_jobs_done", INFO_U64, info_hasher,
	    struct hasher_stats, done),
	INFO_FIELD("stats", "hasher_jobs_dropped", INFO_U64, info_hasher,
	    struct hasher_stats, dropped),
	INFO_FIELD("stats", "hasher_busy_refusals", INFO_U64, info_hasher,
	    struct hasher_stats, busy),
	INFO_STAT("accept_pauses", accept_pauses),
	INFO_STAT("rejected_unauth_connections", unauth_rejected),
	INFO_STAT("auth_timeouts", auth_timeouts),
	INFO_STAT("request_timeouts", request_timeouts),
	INFO_STAT("http_on_resp_disconnects", http_rejected),
	INFO_STAT("subscribe_refused", subscribe_refused),
	INFO_FN("stats", "open_tickets", INFO_FN_SIZE, size,
	    info_open_tickets),
	INFO_FN("stats", "next_ticket_id", INFO_FN_U64, u64,
	    info_next_ticket_id),

	INFO_FN("persistence", "db_path", INFO_FN_STR, str, info_db_path),
	INFO_FN("persistence", "durability", INFO_FN_STR, str,
	    info_durability),
	INFO_FN("persistence", "journal_mode", INFO_FN_STR, str,
	    info_journal_mode),
	INFO_FN("persistence", "last_event_seq", INFO_FN_I64, i64,
	    info_last_event_seq),
	INFO_FIELD("persistence", "commits", INFO_U64, info_store,
	    struct store_stats, commits),
	INFO_FIELD("persistence", "commit_failures", INFO_U64, info_store,
	    struct store_stats, commit_failures),
	INFO_SERVER("persistence", "engine_rebuilds", INFO_U64,
	    stats.engine_rebuilds),
	INFO_FN("persistence", "commit_backlog", INFO_FN_SIZE, size,
	    info_commit_backlog),
	INFO_FIELD("persistence", "commit_backlog_written", INFO_U64,
	    info_journal, struct journal_stats, backlog_written),
	INFO_FIELD("persistence", "commit_backlog_dropped", INFO_U64,
	    info_journal, struct journal_stats, backlog_dropped),
	INFO_FIELD("persistence", "events_written", INFO_U64, info_store,
	    struct store_stats, events_written),
	INFO_FIELD("persistence", "last_commit_events", INFO_U64, info_store,
	    struct store_stats, last_commit_events),
	INFO_FIELD("persistence", "last_commit_usec", INFO_U64, info_store,
	    struct store_stats, last_commit_usec),
	INFO_FIELD("persistence", "max_batch_events", INFO_U64, info_journal,
	    struct journal_stats, max_batch),
	INFO_FN("persistence", "wal_checkpoints", INFO_FN_U64, u64,
	    info_wal_checkpoints),
	/* Reports and retention. */
	INFO_FN("persistence", "reports_pending", INFO_FN_SIZE, size,
	    report_pending),
	INFO_FN("persistence", "report_data_from", INFO_FN_I64, i64,
	    info_data_from),
	INFO_SERVER("persistence", "retention_keep_ms", INFO_I64,
	    cfg.retention_keep),
	INFO_FIELD("persistence", "retention_batches", INFO_U64,
	    info_retention, struct retention_stats, batches),
	INFO_FIELD("persistence", "retention_pruned_tickets", INFO_U64,
	    info_retention, struct retention_stats, tickets),
	INFO_FIELD("persistence", "retention_pruned_events", INFO_U64,
	    info_retention, struct retention_stats, events),
	INFO_FIELD("persistence", "retention_failures", INFO_U64,
	    info_retention, struct retention_stats, failures),
	INFO_FIELD("persistence", "retention_max_batch_usec", INFO_U64,
	    info_retention, struct retention_stats, max_batch_usec),
};

/* The sections the table fills, in order, with their headings. */
static const struct {
	const char	*name;
	const char	*title;
} info_sections[] = {
	{ "server", "Server" },
	{ "clients", "Clients" },
	{ "stats", "Stats" },
	{ "persistence", "Persistence" }
};

/* A row whose value is a function's result. */
static void
info_fn_line(struct buf *b, const struct info_row *r)
{
	switch (r->type) {
	case INFO_FN_U64:
		info_line(b, "%s:%llu", r->name,
		    (unsigned long long)r->fn.u64());
		break;
	case INFO_FN_SIZE:
		info_line(b, "%s:%zu", r->name, r->fn.size());
		break;
	case INFO_FN_INT:
		info_line(b, "%s:%d", r->name, r->fn.i());
		break;
	case INFO_FN_I64:
		info_line(b, "%s:%lld", r->name, (long long)r->fn.i64());
		break;
	case INFO_FN_STR:
		info_line(b, "%s:%s", r->name, r->fn.str());
		break;
	default:
		break;
	}
}

static void
info_row_line(struct buf *b, const struct info_row *r)
{
	const char	*p;

	if (r->base == NULL) {
		info_fn_line(b, r);
		return;
	}
	p = (const char *)r->base() + r->off;
	switch (r->type) {
	case INFO_U64:
		info_line(b, "%s:%llu", r->name,
		    (unsigned long long)*(const uint64_t *)(const void *)p);
		break;
	case INFO_SIZE:
		info_line(b, "%s:%zu", r->name, *(const size_t *)(const void *)p);
		break;
	case INFO_INT:
		info_line(b, "%s:%d", r->name, *(const int *)(const void *)p);
		break;
	case INFO_I64:
		info_line(b, "%s:%lld", r->name,
		    (long long)*(const int64_t *)(const void *)p);
		break;
	case INFO_CHARS:
		info_line(b, "%s:%s", r->name, p);
		break;
	default:
		break;
	}
}

static int
info_want(const char *section, const char *name)
{
	return (section == NULL || strcasecmp(section, name) == 0 ||
	    strcasecmp(section, "all") == 0 ||
	    strcasecmp(section, "everything") == 0 ||
	    strcasecmp(section, "default") == 0);
}

static void
info_section(struct buf *b, const char *name, const char *title)
{
	size_t	i;

	info_line(b, "# %s", title);
	for (i = 0; i < sizeof info_rows / sizeof info_rows[0]; i++)
		if (strcmp(info_rows[i].section, name) == 0)
			info_row_line(b, &info_rows[i]);
	info_line(b, "%s", "");
}

static void
cmd_info(struct conn *c, const struct cmd_args *a)
{
	const char	*sec = cmd_str(a, "section");
	struct buf	*b = &c->reply;
	size_t		 i, mark;

	if (sec != NULL && !info_want(sec, "server") &&
	    !info_want(sec, "clients") && !info_want(sec, "stats") &&
	    !info_want(sec, "persistence") && !info_want(sec, "metrics") &&
	    !info_want(sec, "commandstats")) {
		resp_add_error(&c->reply, "ERR unknown INFO section '%.32s' "
		    "(server, clients, stats, persistence, metrics, "
		    "commandstats)", sec);
		return;
	}
	/* One bulk string, written in place. */
	mark = resp_add_deferred_len(b);
	for (i = 0; i < sizeof info_sections / sizeof info_sections[0]; i++)
		if (info_want(sec, info_sections[i].name))
			info_section(b, info_sections[i].name,
			    info_sections[i].title);
	if (info_want(sec, "metrics"))
		metrics_info_metrics(b);
	if (info_want(sec, "commandstats"))
		metrics_info_commandstats(b);
	resp_set_deferred_bulk(b, mark);
}

/* DEBUG CLOCK: the test clock (HOTLINE_TEST_CLOCK) moves forward. */
static void
cmd_debug_clock(struct conn *c, const struct cmd_args *a)
{
	long long	ms = cmd_val(a, "unix-ms")->n;

	if (server.test_clock == 0) {
		resp_add_error(&c->reply, "ERR the test clock is off: start "
		    "hotlined with HOTLINE_TEST_CLOCK=<unix-ms> to use it");
		return;
	}
	if (server_set_clock(ms) != 0) {
		resp_add_error(&c->reply, "ERR the test clock is at %lld and "
		    "never goes back", (long long)server.test_clock);
		return;
	}
	resp_add_status(&c->reply, "OK");
}

/* CONFIG GET never shows secrets: password hashes are not config keys. */
static void
cmd_config_get(struct conn *c, const struct cmd_args *a)
{
	const struct config	*cfg = &server.cfg;
	char			 v[21][64];
	const char		*keys[] = { "bind", "port", "unixsocket",
				    "data_dir", "durability", "log_level",
				    "max_clients", "max_inline", "max_args",
				    "max_bulk", "output_limit",
				    "pubsub_output_limit", "idle_timeout",
				    "reject_cooldown", "repeat_window",
				    "complaints_queue", "request_timeout",
				    "auth_timeout", "max_unauth_per_addr",
				    "max_subscriptions", "reconnect_grace" };
	const char		*vals[21];
	const char		*pattern = cmd_str(a, "pattern");
	static const char	*levels[] = { "error", "warn", "info", "debug" };
	size_t			 i, n = 0, nkeys = sizeof keys / sizeof keys[0];

	vals[0] = cfg->bind;
	snprintf(v[1], sizeof v[1], "%d", server.bound_port);
	vals[1] = v[1];
	vals[2] = cfg->unixsocket;
	vals[3] = cfg->data_dir;
	vals[4] = cfg->durability == DURABILITY_FULL ? "full" : "normal";
	vals[5] = levels[cfg->log_level];
	snprintf(v[6], sizeof v[6], "%zu", cfg->max_clients);
	snprintf(v[7], sizeof v[7], "%zu", cfg->max_inline);
	snprintf(v[8], sizeof v[8], "%zu", cfg->max_args);
	snprintf(v[9], sizeof v[9], "%zu", cfg->max_bulk);
	snprintf(v[10], sizeof v[10], "%zu", cfg->output_limit);
	snprintf(v[11], sizeof v[11], "%zu", cfg->pubsub_output_limit);
	snprintf(v[12], sizeof v[12], "%lldms", (long long)cfg->idle_timeout);
	snprintf(v[13], sizeof v[13], "%lldms",
	    (long long)cfg->reject_cooldown);
	snprintf(v[14], sizeof v[14], "%lldms",
	    (long long)cfg->repeat_window);
	for (i = 6; i < 15; i++)
		vals[i] = v[i];
	vals[15] = cfg->complaints_queue;
	snprintf(v[16], sizeof v[16], "%lldms",
	    (long long)cfg->request_timeout);
	snprintf(v[17], sizeof v[17], "%lldms", (long long)cfg->auth_timeout);
	snprintf(v[18], sizeof v[18], "%zu", cfg->max_unauth_per_addr);
	snprintf(v[19], sizeof v[19], "%zu", cfg->max_subscriptions);
	snprintf(v[20], sizeof v[20], "%lldms",
	    (long long)cfg->reconnect_grace);
	for (i = 16; i < 21; i++)
		vals[i] = v[i];
	for (i = 0; i < nkeys; i++)
		n += fnmatch(pattern, keys[i], FNM_CASEFOLD) == 0;
	resp_add_map(&c->reply, n);
	for (i = 0; i < nkeys; i++)
		if (fnmatch(pattern, keys[i], FNM_CASEFOLD) == 0)
			resp_add_field_str(&c->reply, keys[i], vals[i]);
}

static void
cmd_config_reload(struct conn *c, const struct cmd_args *a)
{
	char	err[CONFIG_ERRMAX];

	if (server_reload(err, sizeof err) != 0)
		resp_add_error(&c->reply, "ERR %s", err);
	else
		resp_add_status(&c->reply, "OK");
}

static void
cmd_shutdown(struct conn *c, const struct cmd_args *a)
{
	log_info("shutdown requested by %s (%s)", c->user, c->addr);
	server.shutdown = 1;
	resp_add_status(&c->reply, "OK");
}

static void
audit_row(int64_t seq, const struct engine_event *ev, void *arg)
{
	struct cmd_rows	*r = arg;

	resp_add_map(r->b, 5);
	resp_add_field_int(r->b, "seq", seq);
	resp_add_field_int(r->b, "time", ev->time);
	resp_add_field_str(r->b, "type", ev->type);
	resp_add_field_str(r->b, "actor", ev->actor != NULL ? ev->actor : "");
	resp_add_field_str(r->b, "data", ev->data != NULL ? ev->data : "{}");
	r->n++;
}

static void
cmd_audit(struct conn *c, const struct cmd_args *a)
{
	struct cmd_rows	r;
	char		err[STORE_ERRMAX];
	long long	limit = AUDIT_LIMIT_DEFAULT;

	if (cmd_str(a, "LIMIT") != NULL)
		limit = cmd_val(a, "LIMIT")->n;
	cmd_rows_open(c, &r);
	cmd_rows_close(c, &r, store_events_by_type(server.store, "audit.",
	    (int)limit, audit_row, &r, err), err);
}

static void
command_row(const struct cmd_entry *e, void *arg)
{
	struct cmd_rows	*r = arg;
	struct conn	*c = r->c;
	char		 usage[CMD_USAGE_MAX];
	size_t		 n;
	int		 bit;

	r->n++;
	resp_add_array(&c->reply, 5);
	if (e->sub != NULL)
		resp_add_bulkf(&c->reply, "%s %s", e->name, e->sub);
	else
		resp_add_cstr(&c->reply, e->name);
	resp_add_int(&c->reply, cmd_arity(e));
	n = ((e->flags & CMD_NOAUTH) != 0) + ((e->flags & CMD_WRITE) != 0) +
	    ((e->flags & CMD_PUBSUB) != 0);
	resp_add_array(&c->reply, n);
	if ((e->flags & CMD_NOAUTH) != 0)
		resp_add_cstr(&c->reply, "no-auth");
	if ((e->flags & CMD_WRITE) != 0)
		resp_add_cstr(&c->reply, "write");
	if ((e->flags & CMD_PUBSUB) != 0)
		resp_add_cstr(&c->reply, "pubsub");
	for (n = 0, bit = ROLE_AGENT; bit <= ROLE_ADMIN; bit <<= 1)
		n += (e->roles & bit) != 0;
	resp_add_array(&c->reply, n);
	for (bit = ROLE_AGENT; bit <= ROLE_ADMIN; bit <<= 1)
		if ((e->roles & bit) != 0)
			resp_add_cstr(&c->reply, role_name(bit));
	resp_add_cstr(&c->reply, cmd_usage(e, usage, sizeof usage));
}

/* The command table itself: name, arity, flags, roles allowed, usage. */
static void
cmd_command(struct conn *c, const struct cmd_args *a)
{
	struct cmd_rows	r;

	cmd_rows_open(c, &r);
	cmd_foreach(command_row, &r);
	cmd_rows_close(c, &r, 0, NULL);
}

const struct cmd_entry cmd_server_table[] = {
	{ .name = "PING", .flags = CMD_NOAUTH | CMD_PUBSUB, .roles = ROLE_ANY,
	  .exec = cmd_ping,
	  .args = ARGS(POS("message", .flags = ARG_OPTIONAL | ARG_RAW)) },
	{ .name = "HELLO", .flags = CMD_NOAUTH, .roles = ROLE_ANY,
	  .exec = cmd_hello,
	  .args = ARGS(POS("protover", .type = ARG_INT, .flags = ARG_OPTIONAL,
	      .min = 1, .max = HELLO_PROTO_MAX)),
	  .opts = ARGS(OPT("AUTH", "user password|token", .type = ARG_PAIR,
	      .flags = ARG_RAW), OPT("SETNAME", "name")) },
	{ .name = "AUTH", .flags = CMD_NOAUTH, .roles = ROLE_ANY,
	  .exec = cmd_auth,
	  .args = ARGS(POS("user"), POS("password|token", .flags = ARG_RAW)) },
	{ .name = "QUIT", .flags = CMD_NOAUTH | CMD_PUBSUB, .roles = ROLE_ANY,
	  .exec = cmd_quit },
	{ .name = "INFO", .roles = ROLE_ANY, .exec = cmd_info,
	  .args = ARGS(POS("section", .flags = ARG_OPTIONAL)) },
	{ .name = "CONFIG", .sub = "GET", .roles = ROLE_MANAGE,
	  .exec = cmd_config_get, .args = ARGS(POS("pattern")) },
	{ .name = "CONFIG", .sub = "RELOAD", .flags = CMD_AUDIT,
	  .roles = ROLE_ADMIN, .exec = cmd_config_reload },
	{ .name = "AUDIT", .roles = ROLE_ADMIN, .exec = cmd_audit,
	  .opts = ARGS(OPT("LIMIT", "n", .type = ARG_INT, .min = 1,
	      .max = AUDIT_LIMIT_MAX)) },
	{ .name = "COMMAND", .roles = ROLE_ANY, .exec = cmd_command },
	{ .name = "SHUTDOWN", .flags = CMD_AUDIT, .roles = ROLE_ADMIN,
	  .exec = cmd_shutdown },
	{ .name = "DEBUG", .sub = "CLOCK", .flags = CMD_AUDIT,
	  .roles = ROLE_ADMIN, .exec = cmd_debug_clock,
	  .args = ARGS(POS("unix-ms", .type = ARG_INT, .min = 1,
	      .max = LLONG_MAX / 2)) },
	{ .name = NULL }
};
