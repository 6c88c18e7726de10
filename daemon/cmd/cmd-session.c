/*
 * Session tokens: SESSION NEW, LIST, REVOKE, and AUTH with a token
 * (daemon/security/session.h). Every change is a row the journal writes: SESSION
 * NEW's reply, the one place the token is ever shown, goes out only once
 * its row is committed.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "cmd.h"
#include "conn.h"
#include "journal.h"
#include "log.h"
#include "server.h"
#include "session.h"
#include "store.h"
#include "throttle.h"

/*
 * AUTH user <token>, after throttle_begin counted it: a keyed hash and an
 * indexed lookup on the loop, no Argon2id. A refusal is throttled like a
 * wrong password (the same counters, the same delays and locks); an
 * expired token is refused and its row purged. The token itself is never
 * logged nor audited.
 */
void
cmd_session_auth(struct conn *c, const char *user, size_t userlen,
    const char *token, size_t len, const char *host, const char *name)
{
	struct store_session	ss;
	struct store_user	u;
	hl_ms			now = server_now();
	int			ok;

	ok = session_check(server.store, user, userlen, token, len, now, &ss);
	if (ok && store_get_user(server.store, ss.user, &u) && u.role != 0) {
		throttle_success(host, name);
		c->flags &= ~CONN_WAIT_AUTH;
		journal_session_touch(server.journal, ss.id, now);
		conn_login(c, u.name, u.role);
		log_info("client %llu (%s): authenticated as %s (%s) with "
		    "session %s", (unsigned long long)c->id, c->addr, c->user,
		    role_name(c->role), ss.id);
		audit_login(c, c->user, 1, "");
		cmd_auth_accepted(c);
		return;
	}
	/* An expired token's row goes with the other expired ones: a purge,
	 * which a failed commit may drop (journal_commit), not a delete that
	 * would make the batch one memory must see written. */
	if (ss.id[0] != '\0' && ss.expires <= now)
		journal_session_purge(server.journal, now);
	log_info("client %llu (%s): failed AUTH for '%.64s' (session token)",
	    (unsigned long long)c->id, c->addr, name);
	audit_login(c, name, 0, ss.id[0] != '\0' && ss.expires <= now ?
	    "expired session token" : "invalid session token");
	cmd_auth_refuse(c, throttle_fail(host, name, now), c->auth_hello);
}

/* FOR user: one's own sessions, or (supervisors, admins) another's. */
static int
session_target(struct conn *c, const struct cmd_args *a, const char **user)
{
	struct store_user	u;

	if ((*user = cmd_str(a, "FOR")) == NULL)
		*user = c->user;
	if (strcmp(*user, c->user) == 0)
		return (0);
	if ((c->role & ROLE_MANAGE) == 0) {
		resp_add_error(&c->reply, "NOPERM only supervisors and admins "
		    "see or revoke the sessions of another user");
		return (-1);
	}
	if (!store_get_user(server.store, *user, &u)) {
		resp_add_error(&c->reply, "NOTFOUND no such user '%.64s'",
		    *user);
		return (-1);
	}
	if (u.role == ROLE_ADMIN && c->role != ROLE_ADMIN) {
		resp_add_error(&c->reply, "NOPERM only admins see or revoke "
		    "an admin's sessions");
		return (-1);
	}
	return (0);
}

static void
session_count_row(const struct store_session *ss, void *arg)
{
	(*(size_t *)arg)++;
}

static size_t
session_live(const char *user, hl_ms now)
{
	char	err[STORE_ERRMAX];
	size_t	n = 0;

	if (store_session_list(server.store, user, now, session_count_row, &n,
	    err) != 0)
		log_warnx("sessions of %s: %s", user, err);
	return (n);
}

/* TTL's most is the configuration's (session_ttl_max), not the row's. */
static int
session_ttl_check(struct conn *c, struct cmd_values *v, struct cmd_value *t)
{
	long long	max = server.cfg.session_ttl_max / 1000;

	if (t->n <= max)
		return (0);
	resp_add_error(&c->reply, "ERR value %lld out of range (1 to %lld)",
	    t->n, max);
	return (-1);
}

/* SESSION NEW [TTL seconds] */
static void
cmd_session_new(struct conn *c, const struct cmd_args *a)
{
	struct store_session	ss;
	char			token[SESSION_TOKEN_LEN + 1];
	hl_ms			now = server_now();
	hl_ms			max = server.cfg.session_ttl_max;
	hl_ms			ttl = server.cfg.session_ttl;

	if (ttl > max)
		ttl = max;
	if (cmd_str(a, "TTL") != NULL)
		ttl = cmd_val(a, "TTL")->n * 1000;	/* session_ttl_check */
	if (session_live(c->user, now) >= SESSION_MAX_PER_USER) {
		resp_add_error(&c->reply, "ERR %s holds %d live sessions, the "
		    "most: SESSION REVOKE some first", c->user,
		    SESSION_MAX_PER_USER);
		return;
	}
	memset(&ss, 0, sizeof ss);
	session_new(token, ss.hash, ss.id);
	snprintf(ss.user, sizeof ss.user, "%s", c->user);
	ss.created = ss.used = now;
	ss.expires = now + ttl;
	snprintf(ss.client, sizeof ss.client, "%s", c->addr);
	/* Expired rows go as new ones come: the table holds live ones. */
	journal_session_purge(server.journal, now);
	journal_session_put(server.journal, &ss);
	resp_add_map(&c->reply, 4);
	resp_add_field_str(&c->reply, "id", ss.id);
	resp_add_field_str(&c->reply, "token", token);
	resp_add_field_int(&c->reply, "expires", ss.expires);
	resp_add_field_int(&c->reply, "ttl", ttl / 1000);
	sodium_memzero(token, sizeof token);
	log_info("client %llu (%s): %s opened session %s for %llds",
	    (unsigned long long)c->id, c->addr, c->user, ss.id,
	    (long long)(ttl / 1000));
}

static void
session_list_row(const struct store_session *ss, void *arg)
{
	struct cmd_rows	*r = arg;

	resp_add_map(r->b, 6);
	resp_add_field_str(r->b, "id", ss->id);
	resp_add_field_str(r->b, "user", ss->user);
	resp_add_field_int(r->b, "created", ss->created);
	resp_add_field_int(r->b, "expires", ss->expires);
	resp_add_field_int(r->b, "last_used", ss->used);
	resp_add_field_str(r->b, "client", ss->client);
	r->n++;
}

/* SESSION LIST [FOR user]: the live sessions, oldest first; no token. */
static void
cmd_session_list(struct conn *c, const struct cmd_args *a)
{
	struct cmd_rows	r;
	const char	*user;
	char		err[STORE_ERRMAX];

	if (session_target(c, a, &user) != 0)
		return;
	cmd_rows_open(c, &r);
	cmd_rows_close(c, &r, store_session_list(server.store, user,
	    server_now(), session_list_row, &r, err), err);
}

/* SESSION REVOKE id|ALL [FOR user]: the count revoked. */
static void
cmd_session_revoke(struct conn *c, const struct cmd_args *a)
{
	struct store_session	ss;
	const char		*user, *id = cmd_str(a, "id|ALL");
	size_t			n;

	if (session_target(c, a, &user) != 0)
		return;
	if (cmd_is(id, "ALL")) {
		n = session_live(user, server_now());
		journal_session_del_user(server.journal, user);
		log_info("client %llu (%s): %s revoked the %zu sessions of %s",
		    (unsigned long long)c->id, c->addr, c->user, n, user);
		resp_add_int(&c->reply, (long long)n);
		return;
	}
	/* Another user's session, by id, counts as not found: ids are not
	 * an oracle of who holds what. */
	if (!store_session_get(server.store, id, &ss) ||
	    strcmp(ss.user, user) != 0) {
		resp_add_error(&c->reply,
		    "NOTFOUND no such session '%.32s'%s%s", id,
		    cmd_str(a, "FOR") != NULL ? " for " : "",
		    cmd_str(a, "FOR") != NULL ? user : "");
		return;
	}
	journal_session_del(server.journal, ss.id);
	log_info("client %llu (%s): %s revoked session %s of %s",
	    (unsigned long long)c->id, c->addr, c->user, ss.id, ss.user);
	resp_add_int(&c->reply, 1);
}

/* Whose sessions, if not one's own (supervisors and admins). */
#define SESSION_FOR	OPT("FOR", "user")

const struct cmd_entry cmd_session_table[] = {
	{ .name = "SESSION", .sub = "NEW", .flags = CMD_WRITE,
	  .roles = ROLE_ANY, .exec = cmd_session_new,
	  .opts = ARGS(OPT("TTL", "seconds", .type = ARG_INT, .min = 1,
	      .max = LLONG_MAX / 1000, .check = session_ttl_check)) },
	{ .name = "SESSION", .sub = "LIST", .roles = ROLE_ANY,
	  .exec = cmd_session_list, .opts = ARGS(SESSION_FOR) },
	{ .name = "SESSION", .sub = "REVOKE", .flags = CMD_WRITE,
	  .roles = ROLE_ANY, .exec = cmd_session_revoke,
	  .args = ARGS(POS("id|ALL")), .opts = ARGS(SESSION_FOR) },
	{ .name = NULL }
};
