/* AGENT commands: presence, offers (NEXT), and user management. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "cmd.h"
#include "conn.h"
#include "journal.h"
#include "log.h"
#include "reply.h"
#include "server.h"
#include "store.h"
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

/*
 * The outstanding offer at once, else block until one is made. An agent
 * who asks for work while offline is made ready first.
 */
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

void
cmd_agent_next_accept(struct conn *c)
{
	uint64_t	id = c->accept_offer;
	uint64_t	before = journal_count(server.journal);
	size_t		start = c->reply.len;

	c->accept_offer = 0;
	agent_next_take(c, id);
	if (journal_count(server.journal) != before)
		conn_mark_write(c, start);
}

/*
 * AGENT NEXT [timeout-s] [ACCEPT]. With ACCEPT the offer is accepted as it
 * is made, auto-answer as voice desks have it: one round trip instead of
 * NEXT then TICKET ACCEPT.
 */
static void
cmd_agent_next(struct conn *c, const struct cmd_args *a)
{
	struct actor		 who = cmd_actor(c);
	const struct agent	*ag;
	const struct ticket	*t;
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
	if (ag->offer != 0 &&
	    (t = engine_ticket_get(server.engine, ag->offer)) != NULL) {
		if (accept)
			agent_next_take(c, ag->offer);
		else
			reply_ticket(&c->reply, t, 1);
		return;
	}
	waiters_add(c, (hl_ms)timeout * 1000, accept);
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
agent_count(const struct agent *ag, void *arg)
{
	(*(size_t *)arg)++;
}

static void
agent_list_one(const struct agent *ag, void *arg)
{
	reply_agent(arg, ag, server_now());
}

static void
cmd_agent_list(struct conn *c, const struct cmd_args *a)
{
	size_t	n = 0;

	engine_agent_foreach(server.engine, agent_count, &n);
	resp_add_array(&c->reply, n);
	engine_agent_foreach(server.engine, agent_list_one, &c->reply);
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
agent_user_event(struct conn *c, const char *type, const char *name,
    int role)
{
	struct engine_event	ev;
	char			data[128];

	snprintf(data, sizeof data, "{\"role\":\"%s\"}", role_name(role));
	memset(&ev, 0, sizeof ev);
	ev.time = server_now();
	ev.type = type;
	ev.agent = name;
	ev.actor = c->user;
	ev.data = data;
	journal_emit(server.journal, &ev);
}

static void
cmd_agent_add(struct conn *c, const struct cmd_args *a)
{
	struct agent_opts	 o;
	struct store_user	 u;
	char			 hash[AUTH_HASH_MAX], err[ENGINE_ERRMAX];
	const char		*name = a->argv[2];
	int			 rc;

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
	if (a->argvlen[3] == 0) {
		resp_add_error(&c->reply, "ERR empty password");
		return;
	}
	if (is_agent_role(o.role) &&
	    (rc = agent_opts_add(c, &o, name, o.role, err)) != ENGINE_OK) {
		cmd_reply_engine(c, rc, err);
		return;
	}
	if (auth_hash(a->argv[3], hash, sizeof hash) != 0)
		fatalx("password hashing failed (out of memory)");
	journal_put_user(server.journal, name, hash, o.role, server_now());
	agent_user_event(c, "user.added", name, o.role);
	resp_add_status(&c->reply, "OK");
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
		agent_user_event(c, "user.updated", name, o.role);
		conn_user_role(name, o.role);
	}
	resp_add_status(&c->reply, "OK");
}

/* Admins reset anyone's password; others change their own with OLD. */
static void
cmd_agent_passwd(struct conn *c, const struct cmd_args *a)
{
	struct store_user	 u;
	char			 hash[AUTH_HASH_MAX];
	const char		*name = a->argv[2];

	if (a->argc != 4 && !(a->argc == 6 && cmd_is(a->argv[4], "OLD"))) {
		resp_add_error(&c->reply, "ERR usage: AGENT PASSWD <name> "
		    "<password> [OLD <old-password>]");
		return;
	}
	if (c->role != ROLE_ADMIN) {
		if (strcmp(name, c->user) != 0) {
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
	if (!store_get_user(server.store, name, &u)) {
		resp_add_error(&c->reply, "NOTFOUND no such user '%.64s'",
		    name);
		return;
	}
	if (a->argc == 6 && !auth_verify(u.hash, a->argv[5])) {
		resp_add_error(&c->reply, "WRONGPASS old password does not "
		    "match");
		return;
	}
	if (a->argvlen[3] == 0) {
		resp_add_error(&c->reply, "ERR empty password");
		return;
	}
	if (auth_hash(a->argv[3], hash, sizeof hash) != 0)
		fatalx("password hashing failed (out of memory)");
	journal_put_user(server.journal, name, hash, u.role, server_now());
	agent_user_event(c, "user.password", name, u.role);
	resp_add_status(&c->reply, "OK");
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
	agent_user_event(c, "user.deleted", name, u.role);
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
	{ "AGENT", "ADD", -4, CMD_WRITE, ROLE_ADMIN,
	  "AGENT ADD <name> <password> [ROLE r] [SKILLS q:l,...] "
	  "[GROUPS g,...] [CAPACITY n]", cmd_agent_add },
	{ "AGENT", "SET", -5, CMD_WRITE, ROLE_ADMIN,
	  "AGENT SET <name> [ROLE r] [SKILLS q:l,...] [GROUPS g,...] "
	  "[CAPACITY n]", cmd_agent_set },
	{ "AGENT", "PASSWD", -4, CMD_WRITE, ROLE_ANY,
	  "AGENT PASSWD <name> <password> [OLD <old-password>]",
	  cmd_agent_passwd },
	{ "AGENT", "DEL", 3, CMD_WRITE, ROLE_ADMIN, "AGENT DEL <name>",
	  cmd_agent_del },
	{ NULL, NULL, 0, 0, 0, NULL, NULL }
};
