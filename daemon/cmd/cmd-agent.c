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
#include "json.h"
#include "log.h"
#include "reply.h"
#include "server.h"
#include "store.h"
#include "text.h"
#include "throttle.h"
#include "waiters.h"
#include "xmalloc.h"

#define AGENT_NEXT_MAX_TIMEOUT	86400
#define AGENT_CAPACITY_MIN	1
#define AGENT_CAPACITY_MAX	100

/* FOR name: whom a presence command is about, by default oneself. */
static const char *
agent_target(struct conn *c, const struct cmd_args *a)
{
	const char	*name = cmd_str(a, "FOR");

	return (name != NULL ? name : c->user);
}

static void
cmd_agent_ready(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];

	cmd_reply_engine(c, engine_agent_ready(server.engine, server_now(),
	    &who, agent_target(c, a), err, sizeof err), err);
}

static void
cmd_agent_break(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*reason = cmd_str(a, "reason");

	cmd_reply_engine(c, engine_agent_break(server.engine, server_now(),
	    &who, agent_target(c, a), reason != NULL && *reason != '\0' ?
	    reason : "break", err, sizeof err), err);
}

static void
cmd_agent_logout(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];

	cmd_reply_engine(c, engine_agent_logout(server.engine, server_now(),
	    &who, agent_target(c, a), err, sizeof err), err);
}

/* Accept the offer and answer with the ticket, now active. */
static void
agent_next_take(struct conn *c, uint64_t id)
{
	struct actor		 who = cmd_actor(c);
	char			 err[ENGINE_ERRMAX];
	int			 rc;

	rc = engine_ticket_accept(server.engine, server_now(), &who, id, err,
	    sizeof err);
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
	long long		 timeout = cmd_val(a, "timeout-s")->n;
	int			 rc, accept = cmd_str(a, "ACCEPT") != NULL;

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
		    c->user, err, sizeof err);
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
	const struct agent	*ag = cmd_val(a, "name")->ptr;

	/* Another agent is found before the handler (cmd_find_agent). */
	if (ag == NULL && (ag = engine_agent_get(server.engine,
	    c->user)) == NULL) {
		resp_add_error(&c->reply, "NOTFOUND no such agent '%.64s'",
		    c->user);
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

static int
agent_check_role(struct conn *c, struct cmd_values *v, struct cmd_value *r)
{
	if ((r->n = role_parse(r->s)) != 0)
		return (0);
	resp_add_error(&c->reply, "ERR unknown role '%.32s' (agent, "
	    "supervisor, integration, admin)", r->s);
	return (-1);
}

/* The options of AGENT ADD and AGENT SET, as the engine takes them. */
static int
agent_opts(struct conn *c, const struct cmd_args *a, struct agent_opts *o)
{
	const char	*skills = cmd_str(a, "SKILLS");
	const char	*groups = cmd_str(a, "GROUPS");

	memset(o, 0, sizeof *o);
	o->up.nskills = o->up.ngroups = -1;
	o->up.skills = o->skills;
	o->up.groups = o->groups;
	o->role = o->up.role = (int)cmd_val(a, "ROLE")->n;
	o->up.capacity = (int)cmd_val(a, "CAPACITY")->n;
	if (skills != NULL && config_parse_skills(skills, o->skills,
	    ENGINE_MAX_SKILLS, &o->up.nskills) != 0) {
		resp_add_error(&c->reply, "ERR bad skills '%.64s' "
		    "(queue:level,... levels 1-5)", skills);
		return (-1);
	}
	if (groups != NULL && config_parse_groups(groups, o->groups,
	    ENGINE_MAX_GROUPS, &o->up.ngroups) != 0) {
		resp_add_error(&c->reply, "ERR bad groups '%.64s'", groups);
		return (-1);
	}
	return (0);
}

static int
is_agent_role(int role)
{
	return (role == ROLE_AGENT || role == ROLE_SUPERVISOR);
}

/* A new agent: what the options left unsaid takes the defaults. */
static int
agent_opts_add(struct conn *c, struct agent_opts *o, const char *name,
    int role, char *err, size_t errlen)
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
	    &o->up, err, errlen));
}

/* A user event for the journal (users outside the engine have no other). */
static void
agent_user_event(struct conn *c, enum event_type type, const char *name,
    int role)
{
	struct engine_event	ev;
	struct buf		data;
	struct json		w;

	buf_init(&data);
	json_begin(&w, &data);
	json_str(&w, "role", role_name(role));
	engine_event_init(&ev, type, server_now(), c->user);
	ev.agent = name;
	ev.data = json_end(&w);
	journal_emit(server.journal, &ev);
	buf_free(&data);
}

/*
 * AGENT ADD and AGENT PASSWD hash on the hasher's threads, never on the
 * loop: the connection waits for the answer like AUTH's (its pipelined
 * commands after it too), everybody else goes on. Once hashed, the change
 * is made and audited, and its reply held for the commit.
 */
static struct hash_job *
agent_hash_job(struct conn *c, enum hash_op op, const char *name,
    const struct cmd_value *pw)
{
	struct hash_job	*job = hasher_job_new(op);

	snprintf(job->user, sizeof job->user, "%s", name);
	conn_host(c, job->host, sizeof job->host);
	snprintf(job->source, sizeof job->source, "@%s", c->user);
	memcpy(job->newpass, pw->s, pw->len);
	job->newpasslen = pw->len;
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
	struct cmd_args	 args = { 3, argv, argvlen, NULL };

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
agent_password_ok(struct conn *c, const struct cmd_value *pw)
{
	if (pw->len == 0) {
		resp_add_error(&c->reply, "ERR empty password");
		return (0);
	}
	if (pw->len > AUTH_PASSWORD_MAX) {
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
	    job->user, o->role, err, sizeof err)) != ENGINE_OK)
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
	const char		*name = cmd_str(a, "name");
	const struct cmd_value	*pw = cmd_val(a, "password");
	char			 err[ENGINE_ERRMAX];
	int			 demo;

	if (agent_opts(c, a, &o) != 0)
		return;
	if (o.role == 0)
		o.role = o.up.role = ROLE_AGENT;
	if (store_get_user(server.store, name, &u) ||
	    engine_agent_get(server.engine, name) != NULL) {
		resp_add_error(&c->reply, "ERR user '%.64s' already exists",
		    name);
		return;
	}
	if (!agent_password_ok(c, pw))
		return;
	if ((demo = server_password_demo(name, pw->s, pw->len, err,
	    sizeof err)) < 0) {
		resp_add_error(&c->reply, "ERR %s", err);
		return;
	}
	job = agent_hash_job(c, HASH_MAKE, name, pw);
	job->demo = demo;
	job->ctx = xmalloc(sizeof o);
	memcpy(job->ctx, &o, sizeof o);
	job->done = agent_add_done;
	agent_hash_submit(c, job);
}

static void
cmd_agent_set(struct conn *c, const struct cmd_args *a)
{
	struct agent_opts	 o;
	struct actor		 who = cmd_actor(c);
	const struct store_user	*u = &a->v->user;	/* cmd_find_user */
	char			 err[ENGINE_ERRMAX];
	const char		*name = u->name;
	int			 rc = ENGINE_OK, was_agent;

	if (agent_opts(c, a, &o) != 0)
		return;
	was_agent = engine_agent_get(server.engine, name) != NULL;
	if (o.role != 0 && !is_agent_role(o.role) && was_agent)
		rc = engine_agent_delete(server.engine, server_now(), &who,
		    name, err, sizeof err);
	else if (!was_agent && is_agent_role(o.role ? o.role : u->role))
		rc = agent_opts_add(c, &o, name, o.role ? o.role : u->role,
		    err, sizeof err);
	else if (was_agent)
		rc = engine_agent_update(server.engine, server_now(), &who,
		    name, &o.up, err, sizeof err);
	if (rc != ENGINE_OK) {
		cmd_reply_engine(c, rc, err);
		return;
	}
	if (o.role != 0 && o.role != u->role) {
		journal_put_user(server.journal, name, u->hash, o.role,
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
	const struct cmd_value	*pw = cmd_val(a, "password");
	const struct cmd_value	*old = cmd_val(a, "OLD");
	const char		*name = u.name;
	char			 host[128], err[ENGINE_ERRMAX];
	int			 demo;

	/* Refused before the lookup: who exists is no answer to give. */
	if (c->role != ROLE_ADMIN) {
		if (strcmp(cmd_str(a, "name"), c->user) != 0) {
			resp_add_error(&c->reply, "NOPERM only an admin may "
			    "change another user's password");
			return;
		}
		if (old->s == NULL) {
			resp_add_error(&c->reply, "ERR changing your own "
			    "password needs OLD <old-password>");
			return;
		}
	}
	if (!store_get_user(server.store, cmd_str(a, "name"), &u)) {
		resp_add_error(&c->reply, "NOTFOUND no such user '%.64s'",
		    cmd_str(a, "name"));
		return;
	}
	/* From here the name is the stored one: the throttle's key and the
	 * job's user are the same string. */
	if (!agent_password_ok(c, pw))
		return;
	if (old->s != NULL && old->len > AUTH_PASSWORD_MAX) {
		resp_add_error(&c->reply, "ERR password longer than %d bytes",
		    AUTH_PASSWORD_MAX);
		return;
	}
	if (old->s != NULL) {
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
	if ((demo = server_password_demo(name, pw->s, pw->len, err,
	    sizeof err)) < 0) {
		if (old->s != NULL)
			throttle_cancel(host, name);
		resp_add_error(&c->reply, "ERR %s", err);
		return;
	}
	job = agent_hash_job(c, old->s != NULL ? HASH_CHANGE : HASH_MAKE, name,
	    pw);
	job->demo = demo;
	if (old->s != NULL) {
		snprintf(job->hash, sizeof job->hash, "%.127s", u.hash);
		memcpy(job->password, old->s, old->len);
		job->passwordlen = old->len;
	}
	job->done = agent_passwd_done;
	if (agent_hash_submit(c, job) != 0 && old->s != NULL)
		throttle_cancel(host, name);
}

static void
cmd_agent_del(struct conn *c, const struct cmd_args *a)
{
	struct actor		 who = cmd_actor(c);
	const struct store_user	*u = &a->v->user;	/* cmd_find_user */
	struct conn		*k;
	char			 err[ENGINE_ERRMAX];
	const char		*name = u->name;
	int			 rc;

	if (engine_agent_get(server.engine, name) != NULL &&
	    (rc = engine_agent_delete(server.engine, server_now(), &who, name,
	    err, sizeof err)) != ENGINE_OK) {
		cmd_reply_engine(c, rc, err);
		return;
	}
	journal_del_user(server.journal, name);
	journal_session_del_user(server.journal, name);
	agent_user_event(c, EV_USER_DELETED, name, u->role);
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

/* Whom a presence command is about, if not oneself. */
#define AGENT_FOR	OPT("FOR", "name")
/* What AGENT ADD and AGENT SET may say of a user. */
#define AGENT_OPTS	OPT("ROLE", "r", .check = agent_check_role), \
			OPT("SKILLS", "q:l,..."), OPT("GROUPS", "g,..."), \
			OPT("CAPACITY", "n", .type = ARG_INT, \
			    .min = AGENT_CAPACITY_MIN, \
			    .max = AGENT_CAPACITY_MAX)

const struct cmd_entry cmd_agent_table[] = {
	{ .name = "AGENT", .sub = "READY", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_agent_ready,
	  .opts = ARGS(AGENT_FOR) },
	{ .name = "AGENT", .sub = "BREAK", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_agent_break,
	  .args = ARGS(POS("reason", .flags = ARG_OPTIONAL)),
	  .opts = ARGS(AGENT_FOR) },
	{ .name = "AGENT", .sub = "LOGOUT", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_agent_logout,
	  .opts = ARGS(AGENT_FOR) },
	{ .name = "AGENT", .sub = "NEXT", .flags = CMD_WRITE,
	  .roles = ROLE_AGENT | ROLE_SUPERVISOR, .exec = cmd_agent_next,
	  .args = ARGS(POS("timeout-s", .type = ARG_INT, .flags = ARG_OPTIONAL,
	      .min = 0, .max = AGENT_NEXT_MAX_TIMEOUT)),
	  .opts = ARGS(OPT("ACCEPT", NULL, .type = ARG_FLAG)) },
	{ .name = "AGENT", .sub = "STATUS", .roles = ROLE_FLOOR,
	  .exec = cmd_agent_status,
	  .args = ARGS(POS("name", .flags = ARG_OPTIONAL,
	      .check = cmd_find_agent)) },
	{ .name = "AGENT", .sub = "LIST", .roles = ROLE_FLOOR,
	  .exec = cmd_agent_list },
	/* Users of every role: the engine sees only agents' names. */
	{ .name = "AGENT", .sub = "ADD", .flags = CMD_WRITE,
	  .roles = ROLE_ADMIN, .exec = cmd_agent_add,
	  .args = ARGS(POS("name", .type = ARG_NAME, .max = ENGINE_NAME_MAX,
	      .textflags = TEXT_WORD, .what = "user name"),
	      POS("password", .flags = ARG_RAW)),
	  .opts = ARGS(AGENT_OPTS) },
	{ .name = "AGENT", .sub = "SET", .flags = CMD_WRITE,
	  .roles = ROLE_ADMIN, .exec = cmd_agent_set,
	  .args = ARGS(POS("name", .check = cmd_find_user)),
	  .opts = ARGS(AGENT_OPTS) },
	{ .name = "AGENT", .sub = "PASSWD", .flags = CMD_WRITE,
	  .roles = ROLE_ANY, .exec = cmd_agent_passwd,
	  .args = ARGS(POS("name"), POS("password", .flags = ARG_RAW)),
	  .opts = ARGS(OPT("OLD", "old-password", .flags = ARG_RAW)) },
	{ .name = "AGENT", .sub = "DEL", .flags = CMD_WRITE,
	  .roles = ROLE_ADMIN, .exec = cmd_agent_del,
	  .args = ARGS(POS("name", .check = cmd_find_user)) },
	{ .name = NULL }
};
