/* Connection and server commands: PING HELLO AUTH QUIT INFO CONFIG SHUTDOWN. */
#include <fnmatch.h>
#include <limits.h>
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
	}
	memcpy(job->user, name, sizeof job->user);
	snprintf(job->host, sizeof job->host, "%s", host);
	/* Before login the address is the source that waits its turn;
	 * after, the user. */
	if (c->authed)
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
info_line(struct resp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
info_line(struct resp_buf *b, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	resp_add_raw(b, line, (size_t)n);
	resp_add_raw(b, "\r\n", 2);
}

/* Reports and retention, in INFO persistence. */
static void
info_retention(struct resp_buf *b)
{
	const struct retention_stats	*r = retention_stats();

	info_line(b, "reports_pending:%zu", report_pending());
	info_line(b, "report_data_from:%lld",
	    (long long)store_data_from(server.store));
	info_line(b, "retention_keep_ms:%lld",
	    (long long)server.cfg.retention_keep);
	info_line(b, "retention_batches:%llu", (unsigned long long)r->batches);
	info_line(b, "retention_pruned_tickets:%llu",
	    (unsigned long long)r->tickets);
	info_line(b, "retention_pruned_events:%llu",
	    (unsigned long long)r->events);
	info_line(b, "retention_failures:%llu",
	    (unsigned long long)r->failures);
	info_line(b, "retention_max_batch_usec:%llu",
	    (unsigned long long)r->max_batch_usec);
}

/* Password checking, in INFO stats: what an operator watches in a flood. */
static void
info_auth(struct resp_buf *b)
{
	const struct hasher_stats	*h = hasher_stats();

	info_line(b, "auth_locked_refusals:%llu",
	    (unsigned long long)throttle_refusals());
	info_line(b, "auth_throttle_entries:%zu", throttle_entries());
	info_line(b, "hasher_threads:%d", h->threads);
	info_line(b, "hasher_queued:%zu", h->queued);
	info_line(b, "hasher_running:%zu", h->running);
	info_line(b, "hasher_jobs_done:%llu", (unsigned long long)h->done);
	info_line(b, "hasher_jobs_dropped:%llu",
	    (unsigned long long)h->dropped);
	info_line(b, "hasher_busy_refusals:%llu",
	    (unsigned long long)h->busy);
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
cmd_info(struct conn *c, const struct cmd_args *a)
{
	const char			*sec = cmd_str(a, "section");
	const struct store_stats	*ss = store_stats(server.store);
	const struct journal_stats	*js = journal_stats(server.journal);
	struct resp_buf			 b;
	struct conn			*k;
	size_t				 pubsub = 0;
	hl_ms				 now = server_now();

	if (sec != NULL && !info_want(sec, "server") &&
	    !info_want(sec, "clients") && !info_want(sec, "stats") &&
	    !info_want(sec, "persistence") && !info_want(sec, "metrics") &&
	    !info_want(sec, "commandstats")) {
		resp_add_error(&c->reply, "ERR unknown INFO section '%.32s' "
		    "(server, clients, stats, persistence, metrics, "
		    "commandstats)", sec);
		return;
	}
	resp_buf_init(&b);
	if (info_want(sec, "server")) {
		info_line(&b, "# Server");
		info_line(&b, "hotline_version:%s", PACKAGE_VERSION);
		info_line(&b, "process_id:%d", (int)getpid());
		info_line(&b, "tcp_port:%d", server.bound_port);
		info_line(&b, "http_port:%d", http_port());
		info_line(&b, "unixsocket:%s", server.cfg.unixsocket);
		info_line(&b, "config_file:%s", server.config_path);
		info_line(&b, "uptime_in_seconds:%lld",
		    (long long)(now - server.started) / 1000);
		info_line(&b, "time_ms:%lld", (long long)now);
		info_line(&b, "%s", "");
	}
	if (info_want(sec, "clients")) {
		TAILQ_FOREACH(k, &server.conns, entry)
			pubsub += (k->flags & CONN_PUBSUB) != 0;
		info_line(&b, "# Clients");
		info_line(&b, "connected_clients:%zu", server.nconns);
		info_line(&b, "maxclients:%zu", server.cfg.max_clients);
		info_line(&b, "blocked_clients:%zu", waiters_count());
		info_line(&b, "unauthenticated_clients:%zu",
		    guard_unauth_count());
		info_line(&b, "pubsub_clients:%zu", pubsub);
		info_line(&b, "pubsub_channels:%zu", pubsub_channels());
		info_line(&b, "pubsub_patterns:%zu", pubsub_patterns());
		info_line(&b, "%s", "");
	}
	if (info_want(sec, "stats")) {
		info_line(&b, "# Stats");
		info_line(&b, "total_connections_received:%llu",
		    (unsigned long long)server.stats.connections_received);
		info_line(&b, "rejected_connections:%llu",
		    (unsigned long long)server.stats.connections_rejected);
		info_line(&b, "total_commands_processed:%llu",
		    (unsigned long long)server.stats.commands_processed);
		info_line(&b, "protocol_errors:%llu",
		    (unsigned long long)server.stats.protocol_errors);
		info_line(&b, "output_limit_disconnects:%llu",
		    (unsigned long long)server.stats.output_limit_disconnects);
		info_line(&b, "idle_disconnects:%llu",
		    (unsigned long long)server.stats.idle_disconnects);
		info_line(&b, "auth_failures:%llu",
		    (unsigned long long)server.stats.auth_failures);
		info_auth(&b);
		info_line(&b, "accept_pauses:%llu",
		    (unsigned long long)server.stats.accept_pauses);
		info_line(&b, "rejected_unauth_connections:%llu",
		    (unsigned long long)server.stats.unauth_rejected);
		info_line(&b, "auth_timeouts:%llu",
		    (unsigned long long)server.stats.auth_timeouts);
		info_line(&b, "request_timeouts:%llu",
		    (unsigned long long)server.stats.request_timeouts);
		info_line(&b, "http_on_resp_disconnects:%llu",
		    (unsigned long long)server.stats.http_rejected);
		info_line(&b, "subscribe_refused:%llu",
		    (unsigned long long)server.stats.subscribe_refused);
		info_line(&b, "open_tickets:%zu",
		    engine_ticket_count(server.engine));
		info_line(&b, "next_ticket_id:%llu",
		    (unsigned long long)engine_next_id(server.engine));
		info_line(&b, "%s", "");
	}
	if (info_want(sec, "persistence")) {
		info_line(&b, "# Persistence");
		info_line(&b, "db_path:%s", store_path(server.store));
		info_line(&b, "durability:%s", server.cfg.durability ==
		    DURABILITY_FULL ? "full" : "normal");
		info_line(&b, "journal_mode:wal");
		info_line(&b, "last_event_seq:%lld",
		    (long long)store_last_seq(server.store));
		info_line(&b, "commits:%llu", (unsigned long long)ss->commits);
		info_line(&b, "commit_failures:%llu",
		    (unsigned long long)ss->commit_failures);
		info_line(&b, "engine_rebuilds:%llu",
		    (unsigned long long)server.stats.engine_rebuilds);
		info_line(&b, "commit_backlog:%zu",
		    journal_backlog(server.journal));
		info_line(&b, "commit_backlog_written:%llu",
		    (unsigned long long)js->backlog_written);
		info_line(&b, "commit_backlog_dropped:%llu",
		    (unsigned long long)js->backlog_dropped);
		info_line(&b, "events_written:%llu",
		    (unsigned long long)ss->events_written);
		info_line(&b, "last_commit_events:%llu",
		    (unsigned long long)ss->last_commit_events);
		info_line(&b, "last_commit_usec:%llu",
		    (unsigned long long)ss->last_commit_usec);
		info_line(&b, "max_batch_events:%llu",
		    (unsigned long long)js->max_batch);
		info_line(&b, "wal_checkpoints:%llu",
		    (unsigned long long)store_checkpoints(server.store));
		info_retention(&b);
		info_line(&b, "%s", "");
	}
	if (info_want(sec, "metrics"))
		metrics_info_metrics(&b);
	if (info_want(sec, "commandstats"))
		metrics_info_commandstats(&b);
	resp_add_bulk(&c->reply, b.data, b.len);
	resp_buf_free(&b);
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

struct audit_rows {
	struct resp_buf	b;
	size_t		n;
};

static void
audit_row(int64_t seq, const struct engine_event *ev, void *arg)
{
	struct audit_rows	*r = arg;

	resp_add_map(&r->b, 5);
	resp_add_field_int(&r->b, "seq", seq);
	resp_add_field_int(&r->b, "time", ev->time);
	resp_add_field_str(&r->b, "type", ev->type);
	resp_add_field_str(&r->b, "actor", ev->actor != NULL ? ev->actor : "");
	resp_add_field_str(&r->b, "data", ev->data != NULL ? ev->data : "{}");
	r->n++;
}

static void
cmd_audit(struct conn *c, const struct cmd_args *a)
{
	struct audit_rows	r;
	char			err[STORE_ERRMAX];
	long long		limit = AUDIT_LIMIT_DEFAULT;

	if (cmd_str(a, "LIMIT") != NULL)
		limit = cmd_val(a, "LIMIT")->n;
	memset(&r, 0, sizeof r);
	resp_buf_init(&r.b);
	if (store_events_by_type(server.store, "audit.", (int)limit,
	    audit_row, &r, err) != 0)
		resp_add_error(&c->reply, "ERR %s", err);
	else {
		resp_add_array(&c->reply, r.n);
		resp_add_raw(&c->reply, r.b.data, r.b.len);
	}
	resp_buf_free(&r.b);
}

static void
command_count(const struct cmd_entry *e, void *arg)
{
	(*(size_t *)arg)++;
}

static void
command_row(const struct cmd_entry *e, void *arg)
{
	struct conn	*c = arg;
	char		 usage[CMD_USAGE_MAX];
	size_t		 n = 0;
	int		 bit;

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
	size_t	n = 0;

	cmd_foreach(command_count, &n);
	resp_add_array(&c->reply, n);
	cmd_foreach(command_row, c);
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
