/* AGENT commands: presence, offers (NEXT), and user management. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "auth.h"
#include "cmd.h"
#include "conn.h"
#include "hasher.h"
#include "journal.h"
#include "log.h"
#include "reply.h"
#include "server.h"
#include "store.h"
#include "text.h"
#include "throttle.h"
#include "waiters.h"

#define AGENT_NEXT_MAX_TIMEOUT	86400

/* "[reason] [FOR name]": whom a presence command is about. */
static const char *
agent_target(struct conn *c, const struct cmd_args *a, int first,
    const char **reason)
{
	const char	*who = c->user;
	int		 i;

	if (reason != NULL)
		*reason = "";
	for (i = first; i < a->argc; i++) {
		if (cmd_is(a->argv[i], "FOR") && i + 1 < a->argc)
			who = a->argv[++i];
		else if (reason != NULL && **reason == '\0')
			*reason = a->argv[i];
		else {
			resp_add_error(&c->reply, "ERR syntax error near "
			    "'%.64s'", a->argv[i]);
			return (NULL);
		}
	}
	return (who);
}

static void
cmd_agent_ready(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*name;

	if ((name = agent_target(c, a, 2, NULL)) != NULL)
		cmd_reply_engine(c, engine_agent_ready(server.engine,
		    server_now(), &who, name, err), err);
}

static void
cmd_agent_break(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*name, *reason;

	if ((name = agent_target(c, a, 2, &reason)) != NULL)
		cmd_reply_engine(c, engine_agent_break(server.engine,
		    server_now(), &who, name, *reason ? reason : "break", err),
		    err);
}

static void
cmd_agent_logout(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*name;

	if ((name = agent_target(c, a, 2, NULL)) != NULL)
		cmd_reply_engine(c, engine_agent_logout(server.engine,
		    server_now(), &who, name, err), err);
}

/* Accept the offer and answer with the ticket, now active. */
static void
agent_next_take(struct conn *c, uint64_t id)
{
	struct actor		 who = cmd_actor(c);
	char			 err[ENGINE_ERRMAX];
	int			 rc;

	rc = engine_ticket_accept(server.engine, server_now(), &who, id, err);
	if (rc != ENGINE_OK)
		cmd_reply_engine(c, rc, err);
	else
		reply_ticket(&c->reply, engine_ticket_get(server.engine, id),
		    1);
}

/*
 * The agent's outstanding offer, shown (remembered, so that a hang-up
 * passes it to another desk: waiters_closed()) or, with ACCEPT, taken.
 * 0 if there is none.
 */
static int
agent_next_offer(struct conn *c, const struct agent *ag, int accept)
{
	const struct ticket	*t;

	if (ag->offer == 0 ||
	    (t = engine_ticket_get(server.engine, ag->offer)) == NULL)
		return (0);
	if (accept)
		agent_next_take(c, ag->offer);
	else {
		c->offer_shown = t->id;
		reply_ticket(&c->reply, t, 1);
	}
	return (1);
}

/*
 * The continuation of a blocked AGENT NEXT (cmd_unblock()): the offer
 * that woke it, nil at the timeout, or on waiting when the offer went
 * meanwhile.
 */
static void
agent_next_resume(struct conn *c, int why, int accept,
    cmd_resume_fn *again)
{
	const struct agent	*ag;

	if ((ag = engine_agent_get(server.engine, c->user)) == NULL) {
		waiters_remove(c);
		resp_add_error(&c->reply, "NOTFOUND %s is not an agent",
		    c->user);
	} else if (agent_next_offer(c, ag, accept))
		waiters_remove(c);
	else if ((why & CMD_WAKE_TIMEOUT) != 0) {
		waiters_remove(c);
		resp_add_nil(&c->reply);
	} else {
		waiters_requeue(c);
		cmd_block(c, again);
	}
}

static void
agent_next_show(struct conn *c, int why)
{
	agent_next_resume(c, why, 0, agent_next_show);
}

static void
agent_next_accept(struct conn *c, int why)
{
	agent_next_resume(c, why, 1, agent_next_accept);
}

/*
 * AGENT NEXT [timeout-s] [ACCEPT]: the outstanding offer at once, else
 * block until one is made. With ACCEPT the offer is accepted as it is
 * made, auto-answer as voice desks have it: one round trip instead of
 * NEXT then TICKET ACCEPT. An agent who asks for work while offline is
 * made ready first.
 */
static void
cmd_agent_next(struct conn *c, const struct cmd_args *a)
{
	struct actor		 who = cmd_actor(c);
	const struct agent	*ag;
	char			 err[ENGINE_ERRMAX];
	long long		 timeout = 0;
	int			 rc, accept = 0, i = 2;

	if (a->argc > i && strcasecmp(a->argv[i], "ACCEPT") != 0) {
		if (cmd_parse_int(c, a->argv[i], 0, AGENT_NEXT_MAX_TIMEOUT,
		    &timeout) != 0)
			return;
		i++;
	}
	if (a->argc > i && strcasecmp(a->argv[i], "ACCEPT") == 0) {
		accept = 1;
		i++;
	}
	if (a->argc > i) {
		resp_add_error(&c->reply, "ERR usage: AGENT NEXT [timeout-s] "
		    "[ACCEPT]");
		return;
	}
	if ((ag = engine_agent_get(server.engine, c->user)) == NULL) {
		resp_add_error(&c->reply, "NOTFOUND %s is not an agent",
		    c->user);
		return;
	}
	if (ag->status == AGENT_BREAK) {
		resp_add_error(&c->reply, "BADSTATE %s is on break (%s); "
		    "AGENT READY first", ag->name, ag->reason);
		return;
	}
	if (ag->status == AGENT_OFFLINE) {
		rc = engine_agent_ready(server.engine, server_now(), &who,
		    c->user, err);
		if (rc != ENGINE_OK) {
			cmd_reply_engine(c, rc, err);
			return;
		}
		ag = engine_agent_get(server.engine, c->user);
	}
	if (agent_next_offer(c, ag, accept))
		return;
	waiters_add(c, (hl_ms)timeout * 1000);
	cmd_block(c, accept ? agent_next_accept : agent_next_show);
}

static void
cmd_agent_status(struct conn *c, const struct cmd_args *a)
{
	const struct agent	*ag;
	const char		*name = a->argc > 2 ? a->argv[2] : c->user;

	if ((ag = engine_agent_get(server.engine, name)) == NULL) {
		resp_add_error(&c->reply, "NOTFOUND no such agent '%.64s'",
		    name);
		return;
	}
	reply_agent(&c->reply, ag, server_now());
}

static void
agent_list_one(const struct agent *ag, void *arg)
{
	struct cmd_rows	*r = arg;

	reply_agent(r->b, ag, server_now());
	r->n++;
}

static void
cmd_agent_list(struct conn *c, const struct cmd_args *a)
{
	struct cmd_rows	r;

	cmd_rows_open(c, &r);
	engine_agent_foreach(server.engine, agent_list_one, &r);
	cmd_rows_close(c, &r, 0, NULL);
}

struct agent_opts {
	int			role;
	struct agent_update	up;
	struct skill		skills[ENGINE_MAX_SKILLS];
	char			groups[ENGINE_MAX_GROUPS][ENGINE_NAME_MAX];
};

/* [ROLE r] [SKILLS q:l,...] [GROUPS g,...] [CAPACITY n] */
static int
agent_parse_opts(struct conn *c, const struct cmd_args *a, int first,
    struct agent_opts *o)
{
	long long	cap;
	int		i;

	memset(o, 0, sizeof *o);
	o->up.nskills = o->up.ngroups = -1;
	o->up.skills = o->skills;
	o->up.groups = o->groups;
	for (i = first; i < a->argc; i += 2) {
		if (i + 1 >= a->argc)
			goto syntax;
		if (cmd_is(a->argv[i], "ROLE")) {
			if ((o->role = role_parse(a->argv[i + 1])) == 0) {
				resp_add_error(&c->reply, "ERR unknown role "
				    "'%.32s' (agent, supervisor, integration, "
				    "admin)", a->argv[i + 1]);
				return (-1);
			}
			o->up.role = o->role;
		} else if (cmd_is(a->argv[i], "SKILLS")) {
			if (config_parse_skills(a->argv[i + 1], o->skills,
			    ENGINE_MAX_SKILLS, &o->up.nskills) != 0) {
				resp_add_error(&c->reply, "ERR bad skills "
				    "'%.64s' (queue:level,... levels 1-5)",
				    a->argv[i + 1]);
				return (-1);
			}
		} else if (cmd_is(a->argv[i], "GROUPS")) {
			if (config_parse_groups(a->argv[i + 1], o->groups,
			    ENGINE_MAX_GROUPS, &o->up.ngroups) != 0) {
				resp_add_error(&c->reply, "ERR bad groups "
				    "'%.64s'", a->argv[i + 1]);
				return (-1);
			}
		} else if (cmd_is(a->argv[i], "CAPACITY")) {
			if (cmd_parse_int(c, a->argv[i + 1], 1, 100, &cap) != 0)
				return (-1);
			o->up.capacity = (int)cap;
		} else
			goto syntax;
	}
	return (0);
syntax:
	resp_add_error(&c->reply, "ERR syntax error near '%.64s'; options: "
	    "[ROLE r] [SKILLS q:l,...] [GROUPS g,...] [CAPACITY n]",
	    a->argv[i]);
	return (-1);
}

static int
is_agent_role(int role)
{
	return (role == ROLE_AGENT || role == ROLE_SUPERVISOR);
}

/* A new agent: what the options left unsaid takes the defaults. */
static int
agent_opts_add(struct conn *c, struct agent_opts *o, const char *name,
    int role, char *err)
{
	struct actor	who = cmd_actor(c);

	o->up.role = role;
	if (o->up.capacity == 0)
		o->up.capacity = 1;
	if (o->up.nskills < 0)
		o->up.nskills = 0;
	if (o->up.ngroups < 0)
		o->up.ngroups = 0;
	return (engine_agent_add(server.engine, server_now(), &who, name,
	    &o->up, err));
}

/* A user event for the journal (users outside the engine have no other). */
static void
agent_user_event(struct conn *c, enum event_type type, const char *name,
    int role)
{
	struct engine_event	ev;
	char			data[128];

	snprintf(data, sizeof data, "{\"role\":\"%s\"}", role_name(role));
	engine_event_init(&ev, type, server_now(), c->user);
	ev.agent = name;
	ev.data = data;
	journal_emit(server.journal, &ev);
}

/*
 * AGENT ADD and AGENT PASSWD hash on the hasher's threads, never on the
 * loop: the connection waits for the answer like AUTH's (its pipelined
 * commands after it too), everybody else goes on. Once hashed, the change
 * is made and audited, and its reply held for the commit.
 */
static struct hash_job *
agent_hash_job(struct conn *c, enum hash_op op, const char *name,
    const struct cmd_args *a, int newarg)
{
	struct hash_job	*job = hasher_job_new(op);

	snprintf(job->user, sizeof job->user, "%s", name);
	conn_host(c, job->host, sizeof job->host);
	snprintf(job->source, sizeof job->source, "@%s", c->user);
	memcpy(job->newpass, a->argv[newarg], a->argvlen[newarg]);
	job->newpasslen = a->argvlen[newarg];
	job->arg = c;
	return (job);
}

/* Hand the job over, or answer -BUSY; 0 if the connection now waits. */
static int
agent_hash_submit(struct conn *c, struct hash_job *job)
{
	if (hasher_submit(job) != 0) {
		hasher_job_free(job);
		resp_add_error(&c->reply, "BUSY try again: too many password "
		    "hashes are waiting");
		return (-1);
	}
	c->auth_job = job;
	c->flags |= CONN_WAIT_AUTH;
	return (0);
}

/* As cmd_dispatch audits a write command, once its outcome is known. */
static void
agent_hash_audit(struct conn *c, const char *sub, const char *name, int ok)
{
	char		*argv[3] = { "AGENT", (char *)sub, (char *)name };
	size_t		 argvlen[3] = { 5, strlen(sub), strlen(name) };
	struct cmd_args	 args = { 3, argv, argvlen };

	if ((c->role & (ROLE_SUPERVISOR | ROLE_ADMIN)) != 0)
		audit_command(c, &args, ok);
}

/* The answer is written (from start on): audit it, hold it, go on. */
static void
agent_hash_answered(struct conn *c, const char *sub, const char *name,
    size_t start, uint64_t before)
{
	agent_hash_audit(c, sub, name, c->reply.len == start ||
	    c->reply.data[start] != '-');
	if (journal_count(server.journal) != before)
		conn_mark_write(c, start);
	cmd_auth_release(c);
}

static int
agent_password_ok(struct conn *c, const struct cmd_args *a, int i)
{
	if (a->argvlen[i] == 0) {
		resp_add_error(&c->reply, "ERR empty password");
		return (0);
	}
	if (a->argvlen[i] > AUTH_PASSWORD_MAX) {
		resp_add_error(&c->reply, "ERR password longer than %d bytes",
		    AUTH_PASSWORD_MAX);
		return (0);
	}
	return (1);
}

static void
agent_add_done(struct hash_job *job)
{
	struct conn		*c = job->arg;
	struct agent_opts	*o = job->ctx;
	struct store_user	 u;
	char			 err[ENGINE_ERRMAX];
	size_t			 start;
	uint64_t		 before;
	int			 rc;

	if (c == NULL)
		return;		/* the client left: nothing was added */
	c->auth_job = NULL;
	start = c->reply.len;
	before = journal_count(server.journal);
	/* The skills and groups point into the copy, not the original. */
	o->up.skills = o->skills;
	o->up.groups = o->groups;
	if (!job->ok)
		resp_add_error(&c->reply, "ERR password hashing failed (out of "
		    "memory)");
	else if (store_get_user(server.store, job->user, &u) ||
	    engine_agent_get(server.engine, job->user) != NULL)
		resp_add_error(&c->reply, "ERR user '%.64s' already exists",
		    job->user);
	else if (is_agent_role(o->role) && (rc = agent_opts_add(c, o,
	    job->user, o->role, err)) != ENGINE_OK)
		cmd_reply_engine(c, rc, err);
	else {
		journal_put_user_demo(server.journal, job->user, job->out,
		    o->role, job->demo, server_now());
		agent_user_event(c, EV_USER_ADDED, job->user, o->role);
		resp_add_status(&c->reply, "OK");
	}
	agent_hash_answered(c, "ADD", job->user, start, before);
}

static void
cmd_agent_add(struct conn *c, const struct cmd_args *a)
{
	struct agent_opts	 o;
	struct store_user	 u;
	struct hash_job		*job;
	const char		*name = a->argv[2];
	char			 err[ENGINE_ERRMAX];
	int			 demo;

	/* Users of every role: the engine sees only agents' names. */
	if (cmd_check_name(c, a, 2, ENGINE_NAME_MAX, TEXT_WORD,
	    "user name") != 0)
		return;
	if (agent_parse_opts(c, a, 4, &o) != 0)
		return;
	if (o.role == 0)
		o.role = o.up.role = ROLE_AGENT;
	if (store_get_user(server.store, name, &u) ||
	    engine_agent_get(server.engine, name) != NULL) {
		resp_add_error(&c->reply, "ERR user '%.64s' already exists",
		    name);
		return;
	}
	if (!agent_password_ok(c, a, 3))
		return;
	if ((demo = server_password_demo(name, a->argv[3], a->argvlen[3], err,
	    sizeof err)) < 0) {
		resp_add_error(&c->reply, "ERR %s", err);
		return;
	}
	job = agent_hash_job(c, HASH_MAKE, name, a, 3);
	job->demo = demo;
	if ((job->ctx = malloc(sizeof o)) == NULL)
		fatalx("out of memory");
	memcpy(job->ctx, &o, sizeof o);
	job->done = agent_add_done;
	agent_hash_submit(c, job);
}

static void
cmd_agent_set(struct conn *c, const struct cmd_args *a)
{
	struct agent_opts	 o;
	struct actor		 who = cmd_actor(c);
	struct store_user	 u;
	char			 err[ENGINE_ERRMAX];
	const char		*name = a->argv[2];
	int			 rc = ENGINE_OK, was_agent;

	if (agent_parse_opts(c, a, 3, &o) != 0)
		return;
	if (!store_get_user(server.store, name, &u)) {
		resp_add_error(&c->reply, "NOTFOUND no such user '%.64s'",
		    name);
		return;
	}
	was_agent = engine_agent_get(server.engine, name) != NULL;
	if (o.role != 0 && !is_agent_role(o.role) && was_agent)
		rc = engine_agent_delete(server.engine, server_now(), &who,
		    name, err);
	else if (!was_agent && is_agent_role(o.role ? o.role : u.role))
		rc = agent_opts_add(c, &o, name, o.role ? o.role : u.role, err);
	else if (was_agent)
		rc = engine_agent_update(server.engine, server_now(), &who,
		    name, &o.up, err);
	if (rc != ENGINE_OK) {
		cmd_reply_engine(c, rc, err);
		return;
	}
	if (o.role != 0 && o.role != u.role) {
		journal_put_user(server.journal, name, u.hash, o.role,
		    server_now());
		agent_user_event(c, EV_USER_UPDATED, name, o.role);
		conn_user_role(name, o.role);
	}
	resp_add_status(&c->reply, "OK");
}

static void
agent_passwd_done(struct hash_job *job)
{
	struct conn		*c = job->arg;
	struct store_user	 u;
	size_t			 start;
	uint64_t		 before;
	hl_ms			 now = server_now();

	if (job->op == HASH_CHANGE) {
		/* An OLD guess counts like an AUTH (daemon/security/throttle.c). */
		if (job->ok)
			throttle_success(job->host, job->user);
		else if (c == NULL)
			throttle_fail(job->host, job->user, now);
	}
	if (c == NULL)
		return;		/* the client left: nothing was changed */
	c->auth_job = NULL;
	start = c->reply.len;
	before = journal_count(server.journal);
	if (job->op == HASH_CHANGE && !job->ok) {
		log_info("client %llu (%s): wrong OLD password for '%.64s'",
		    (unsigned long long)c->id, c->addr, job->user);
		agent_hash_audit(c, "PASSWD", job->user, 0);
		cmd_auth_refuse(c, throttle_fail(job->host, job->user, now),
		    AUTH_KIND_PASSWD);
		return;
	}
	if (job->out[0] == '\0')
		resp_add_error(&c->reply, "ERR password hashing failed (out of "
		    "memory)");
	else if (!store_get_user(server.store, job->user, &u))
		resp_add_error(&c->reply, "NOTFOUND no such user '%.64s'",
		    job->user);
	else if (job->op == HASH_CHANGE && strcmp(u.hash, job->hash) != 0)
		resp_add_error(&c->reply, "ERR the password changed meanwhile; "
		    "try again");
	else {
		journal_put_user_demo(server.journal, job->user, job->out,
		    u.role, job->demo, server_now());
		/* A new password ends the sessions the old one opened. */
		journal_session_del_user(server.journal, job->user);
		agent_user_event(c, EV_USER_PASSWORD, job->user, u.role);
		resp_add_status(&c->reply, "OK");
	}
	agent_hash_answered(c, "PASSWD", job->user, start, before);
}

/*
 * Admins reset anyone's password; others change their own with OLD. A
 * wrong OLD is a password guess: throttled and locked like AUTH's, per
 * address and (address, user).
 */
static void
cmd_agent_passwd(struct conn *c, const struct cmd_args *a)
{
	struct store_user	 u;
	struct hash_job		*job;
	const char		*name = u.name;
	char			 host[128], err[ENGINE_ERRMAX];
	int			 demo;

	if (a->argc != 4 && !(a->argc == 6 && cmd_is(a->argv[4], "OLD"))) {
		resp_add_error(&c->reply, "ERR usage: AGENT PASSWD <name> "
		    "<password> [OLD <old-password>]");
		return;
	}
	if (c->role != ROLE_ADMIN) {
		if (strcmp(a->argv[2], c->user) != 0) {
			resp_add_error(&c->reply, "NOPERM only an admin may "
			    "change another user's password");
			return;
		}
		if (a->argc != 6) {
			resp_add_error(&c->reply, "ERR changing your own "
			    "password needs OLD <old-password>");
			return;
		}
	}
	if (!store_get_user(server.store, a->argv[2], &u)) {
		resp_add_error(&c->reply, "NOTFOUND no such user '%.64s'",
		    a->argv[2]);
		return;
	}
	/* From here the name is the stored one: the throttle's key and the
	 * job's user are the same string. */
	if (!agent_password_ok(c, a, 3))
		return;
	if (a->argc == 6 && a->argvlen[5] > AUTH_PASSWORD_MAX) {
		resp_add_error(&c->reply, "ERR password longer than %d bytes",
		    AUTH_PASSWORD_MAX);
		return;
	}
	if (a->argc == 6) {
		conn_host(c, host, sizeof host);
		if (throttle_begin(host, name, server_now()) != 0) {
			log_info("client %llu (%s): AGENT PASSWD for '%.64s' "
			    "while locked", (unsigned long long)c->id, c->addr,
			    name);
			agent_hash_audit(c, "PASSWD", name, 0);
			cmd_auth_refuse(c, 0, AUTH_KIND_PASSWD);
			return;
		}
	}
	if ((demo = server_password_demo(name, a->argv[3], a->argvlen[3], err,
	    sizeof err)) < 0) {
		if (a->argc == 6)
			throttle_cancel(host, name);
		resp_add_error(&c->reply, "ERR %s", err);
		return;
	}
	job = agent_hash_job(c, a->argc == 6 ? HASH_CHANGE : HASH_MAKE, name,
	    a, 3);
	job->demo = demo;
	if (a->argc == 6) {
		snprintf(job->hash, sizeof job->hash, "%.127s", u.hash);
		memcpy(job->password, a->argv[5], a->argvlen[5]);
		job->passwordlen = a->argvlen[5];
	}
	job->done = agent_passwd_done;
	if (agent_hash_submit(c, job) != 0 && a->argc == 6)
		throttle_cancel(host, name);
}

static void
cmd_agent_del(struct conn *c, const struct cmd_args *a)
{
	struct actor		 who = cmd_actor(c);
	struct store_user	 u;
	struct conn		*k;
	char			 err[ENGINE_ERRMAX];
	const char		*name = a->argv[2];
	int			 rc;

	if (!store_get_user(server.store, name, &u)) {
		resp_add_error(&c->reply, "NOTFOUND no such user '%.64s'",
		    name);
		return;
	}
	if (engine_agent_get(server.engine, name) != NULL &&
	    (rc = engine_agent_delete(server.engine, server_now(), &who, name,
	    err)) != ENGINE_OK) {
		cmd_reply_engine(c, rc, err);
		return;
	}
	journal_del_user(server.journal, name);
	journal_session_del_user(server.journal, name);
	agent_user_event(c, EV_USER_DELETED, name, u.role);
	/* A deleted user's sessions end with it; the one that deleted
	 * itself once it has its answer. */
	TAILQ_FOREACH(k, &server.conns, entry) {
		if (k != c && k->authed && strcmp(k->user, name) == 0)
			conn_kill(k, "user deleted");
	}
	if (strcmp(c->user, name) == 0)
		c->flags |= CONN_CLOSE;
	resp_add_status(&c->reply, "OK");
}

const struct cmd_entry cmd_agent_table[] = {
	{ "AGENT", "READY", -2, CMD_WRITE, ROLE_FLOOR,
	  "AGENT READY [FOR name]", cmd_agent_ready },
	{ "AGENT", "BREAK", -2, CMD_WRITE, ROLE_FLOOR,
	  "AGENT BREAK [reason] [FOR name]", cmd_agent_break },
	{ "AGENT", "LOGOUT", -2, CMD_WRITE, ROLE_FLOOR,
	  "AGENT LOGOUT [FOR name]", cmd_agent_logout },
	{ "AGENT", "NEXT", -2, CMD_WRITE, ROLE_AGENT | ROLE_SUPERVISOR,
	  "AGENT NEXT [timeout-s] [ACCEPT]", cmd_agent_next },
	{ "AGENT", "STATUS", -2, 0, ROLE_FLOOR, "AGENT STATUS [name]",
	  cmd_agent_status },
	{ "AGENT", "LIST", 2, 0, ROLE_FLOOR, "AGENT LIST", cmd_agent_list },
	{ "AGENT", "ADD", -4, CMD_WRITE | CMD_BYTES(3), ROLE_ADMIN,
	  "AGENT ADD <name> <password> [ROLE r] [SKILLS q:l,...] "
	  "[GROUPS g,...] [CAPACITY n]", cmd_agent_add },
	{ "AGENT", "SET", -5, CMD_WRITE, ROLE_ADMIN,
	  "AGENT SET <name> [ROLE r] [SKILLS q:l,...] [GROUPS g,...] "
	  "[CAPACITY n]", cmd_agent_set },
	{ "AGENT", "PASSWD", -4, CMD_WRITE | CMD_BYTES(3) | CMD_BYTES(5),
	  ROLE_ANY,
	  "AGENT PASSWD <name> <password> [OLD <old-password>]",
	  cmd_agent_passwd },
	{ "AGENT", "DEL", 3, CMD_WRITE, ROLE_ADMIN, "AGENT DEL <name>",
	  cmd_agent_del },
	{ NULL, NULL, 0, 0, 0, NULL, NULL }
};
