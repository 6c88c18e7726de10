/*
 * Connection and server commands: PING HELLO AUTH QUIT CONFIG AUDIT COMMAND
 * SHUTDOWN DEBUG (INFO is cmd-info.c).
 */
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
#include "hasher.h"
#include "log.h"
#include "pubsub.h"
#include "server.h"
#include "session.h"
#include "store.h"
#include "throttle.h"

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
