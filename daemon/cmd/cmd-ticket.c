/* TICKET commands: the lifecycle of a ticket (docs/PROTOCOL.md, "Tickets"). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "journal.h"
#include "log.h"
#include "reply.h"
#include "server.h"
#include "store.h"

#define TICKET_MAX_ATTRS	64
#define TICKET_LIST_DEFAULT	100
#define TICKET_LIST_MAX		10000

static int
ticket_arg(struct conn *c, const struct cmd_args *a, uint64_t *id)
{
	return (cmd_parse_id(c, a->argv[2], id));
}

static void
cmd_ticket_create(struct conn *c, const struct cmd_args *a)
{
	struct ticket_create	 req;
	struct attr		 attrs[TICKET_MAX_ATTRS];
	struct actor		 who = cmd_actor(c);
	char			 err[ENGINE_ERRMAX];
	long long		 prio;
	uint64_t		 id;
	int			 i, rc;

	memset(&req, 0, sizeof req);
	req.queue = a->argv[2];
	req.customer = a->argv[3];
	req.attrs = attrs;
	for (i = 4; i < a->argc; i++) {
		if (cmd_is(a->argv[i], "ATTR") && i + 2 < a->argc) {
			if (req.nattrs == TICKET_MAX_ATTRS) {
				resp_add_error(&c->reply, "ERR at most %d "
				    "attributes", TICKET_MAX_ATTRS);
				return;
			}
			attrs[req.nattrs].key = a->argv[i + 1];
			attrs[req.nattrs].value = a->argv[i + 2];
			req.nattrs++;
			i += 2;
			continue;
		}
		if (i + 1 >= a->argc)
			goto syntax;
		if (cmd_is(a->argv[i], "TIER"))
			req.tier = a->argv[++i];
		else if (cmd_is(a->argv[i], "SUBJECT"))
			req.subject = a->argv[++i];
		else if (cmd_is(a->argv[i], "CHANNEL"))
			req.channel = a->argv[++i];
		else if (cmd_is(a->argv[i], "PRIORITY")) {
			if (cmd_parse_int(c, a->argv[++i], -1000, 1000,
			    &prio) != 0)
				return;
			req.priority = (int)prio;
		} else
			goto syntax;
	}
	rc = engine_ticket_create(server.engine, server_now(), &who, &req, &id,
	    err);
	if (rc != ENGINE_OK)
		cmd_reply_engine(c, rc, err);
	else
		resp_add_int(&c->reply, (long long)id);
	return;
syntax:
	resp_add_error(&c->reply, "ERR syntax error near '%.64s'; usage: "
	    "TICKET CREATE <queue> <customer> [TIER t] [SUBJECT s] "
	    "[CHANNEL c] [PRIORITY n] [ATTR k v]...", a->argv[i]);
}

static void
cmd_ticket_get(struct conn *c, const struct cmd_args *a)
{
	const struct ticket	*t;
	struct ticket		 old;
	char			 err[STORE_ERRMAX];
	uint64_t		 id;
	int			 rc;

	if (ticket_arg(c, a, &id) != 0)
		return;
	if ((t = engine_ticket_get(server.engine, id)) != NULL) {
		reply_ticket(&c->reply, t, 1);
		return;
	}
	rc = store_get_ticket(server.store, id, &old, err);
	if (rc < 0)
		resp_add_error(&c->reply, "ERR %s", err);
	else if (rc == 0)
		resp_add_error(&c->reply, "NOTFOUND no such ticket %llu",
		    (unsigned long long)id);
	else {
		reply_ticket(&c->reply, &old, 0);
		store_ticket_free(&old);
	}
}

struct ticket_list {
	const char		*queue;
	const char		*agent;
	int			 has_state;
	enum ticket_state	 state;
	const struct ticket	**found;
	size_t			 n, max;
};

static void
ticket_list_one(const struct ticket *t, void *arg)
{
	struct ticket_list	*l = arg;

	if (l->n == l->max)
		return;
	if (l->queue != NULL && strcmp(t->queue, l->queue) != 0)
		return;
	if (l->agent != NULL && strcmp(t->agent, l->agent) != 0)
		return;
	if (l->has_state && t->state != l->state)
		return;
	l->found[l->n++] = t;
}

static int
ticket_cmp(const void *x, const void *y)
{
	const struct ticket	*a = *(const struct ticket * const *)x;
	const struct ticket	*b = *(const struct ticket * const *)y;

	return (a->id < b->id ? -1 : a->id > b->id);
}

static void
cmd_ticket_list(struct conn *c, const struct cmd_args *a)
{
	struct ticket_list	l;
	long long		limit = TICKET_LIST_DEFAULT;
	size_t			i;
	int			k;

	memset(&l, 0, sizeof l);
	for (k = 2; k < a->argc; k += 2) {
		if (k + 1 >= a->argc)
			goto syntax;
		if (cmd_is(a->argv[k], "QUEUE"))
			l.queue = a->argv[k + 1];
		else if (cmd_is(a->argv[k], "AGENT"))
			l.agent = a->argv[k + 1];
		else if (cmd_is(a->argv[k], "STATE")) {
			if (ticket_state_parse(a->argv[k + 1], &l.state) != 0) {
				resp_add_error(&c->reply, "ERR unknown state "
				    "'%.32s'", a->argv[k + 1]);
				return;
			}
			l.has_state = 1;
		} else if (cmd_is(a->argv[k], "LIMIT")) {
			if (cmd_parse_int(c, a->argv[k + 1], 1,
			    TICKET_LIST_MAX, &limit) != 0)
				return;
		} else
			goto syntax;
	}
	l.max = (size_t)limit;
	if (l.queue != NULL && !engine_has_queue(server.engine, l.queue)) {
		resp_add_error(&c->reply, "ERR unknown queue '%.64s'", l.queue);
		return;
	}
	/* Open tickets only: closed ones are in the history and reports. */
	if ((l.found = calloc(l.max, sizeof *l.found)) == NULL)
		fatalx("out of memory");
	engine_ticket_foreach(server.engine, ticket_list_one, &l);
	qsort(l.found, l.n, sizeof *l.found, ticket_cmp);
	resp_add_array(&c->reply, l.n);
	for (i = 0; i < l.n; i++)
		reply_ticket(&c->reply, l.found[i], 1);
	free(l.found);
	return;
syntax:
	resp_add_error(&c->reply, "ERR syntax error; usage: TICKET LIST "
	    "[QUEUE q] [STATE s] [AGENT a] [LIMIT n]");
}

static void
ticket_history_one(int64_t seq, const struct engine_event *ev, void *arg)
{
	struct cmd_rows	*r = arg;
	struct resp_buf	*b = r->b;

	resp_add_map(b, 7);
	resp_add_field_int(b, "seq", seq);
	resp_add_field_int(b, "time", ev->time);
	resp_add_field_str(b, "type", ev->type);
	resp_add_field_str(b, "agent", ev->agent != NULL ? ev->agent : "");
	resp_add_field_str(b, "customer", ev->customer != NULL ?
	    ev->customer : "");
	resp_add_field_str(b, "actor", ev->actor != NULL ? ev->actor : "");
	resp_add_field_str(b, "data", ev->data != NULL ? ev->data : "{}");
	r->n++;
}

/* The query runs once: its rows go behind a count set at the end. */
static void
cmd_ticket_history(struct conn *c, const struct cmd_args *a)
{
	struct cmd_rows	r;
	char		err[STORE_ERRMAX];
	uint64_t	id;
	int		rc;

	if (ticket_arg(c, a, &id) != 0)
		return;
	cmd_rows_open(c, &r);
	/* Committed history: what a restart would show. */
	rc = store_ticket_history(server.store, id, ticket_history_one, &r,
	    err);
	if (rc == 0 && r.n == 0) {
		resp_drop_deferred(&c->reply, r.mark);
		resp_add_error(&c->reply, "NOTFOUND no such ticket %llu",
		    (unsigned long long)id);
	} else
		cmd_rows_close(c, &r, rc, err);
}

static void
ticket_done(struct conn *c, int rc, const char *err)
{
	cmd_reply_engine(c, rc, err);
}

static void
cmd_ticket_accept(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;

	if (ticket_arg(c, a, &id) == 0)
		ticket_done(c, engine_ticket_accept(server.engine,
		    server_now(), &who, id, err), err);
}

static void
cmd_ticket_reject(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;

	if (ticket_arg(c, a, &id) == 0)
		ticket_done(c, engine_ticket_reject(server.engine,
		    server_now(), &who, id, a->argc > 3 ? a->argv[3] : "",
		    err), err);
}

static void
cmd_ticket_note(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;

	if (ticket_arg(c, a, &id) == 0)
		ticket_done(c, engine_ticket_note(server.engine, server_now(),
		    &who, id, a->argv[3], err), err);
}

static void
cmd_ticket_transfer(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;
	int		rc;

	if (ticket_arg(c, a, &id) != 0)
		return;
	if (cmd_is(a->argv[3], "QUEUE"))
		rc = engine_ticket_transfer_queue(server.engine, server_now(),
		    &who, id, a->argv[4], err);
	else if (cmd_is(a->argv[3], "AGENT"))
		rc = engine_ticket_transfer_agent(server.engine, server_now(),
		    &who, id, a->argv[4], err);
	else {
		resp_add_error(&c->reply, "ERR usage: TICKET TRANSFER <id> "
		    "QUEUE <q> | AGENT <a>");
		return;
	}
	ticket_done(c, rc, err);
}

static void
cmd_ticket_pending(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;
	long long	until = 0;

	if (ticket_arg(c, a, &id) != 0)
		return;
	if (a->argc == 5 && cmd_is(a->argv[3], "UNTIL")) {
		if (cmd_parse_int(c, a->argv[4], 1, LLONG_MAX, &until) != 0)
			return;
	} else if (a->argc != 3) {
		resp_add_error(&c->reply, "ERR usage: TICKET PENDING <id> "
		    "[UNTIL <unix-ms>]");
		return;
	}
	ticket_done(c, engine_ticket_pending(server.engine, server_now(), &who,
	    id, (hl_ms)until, err), err);
}

static void
cmd_ticket_resume(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;

	if (ticket_arg(c, a, &id) == 0)
		ticket_done(c, engine_ticket_resume(server.engine,
		    server_now(), &who, id, err), err);
}

static void
cmd_ticket_resolve(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*disposition = "";
	uint64_t	 id;

	if (ticket_arg(c, a, &id) != 0)
		return;
	if (a->argc == 5 && cmd_is(a->argv[3], "DISPOSITION"))
		disposition = a->argv[4];
	else if (a->argc != 3) {
		resp_add_error(&c->reply, "ERR usage: TICKET RESOLVE <id> "
		    "[DISPOSITION d]");
		return;
	}
	ticket_done(c, engine_ticket_resolve(server.engine, server_now(), &who,
	    id, disposition, err), err);
}

/*
 * A closed ticket is no longer in the engine: it is rated from its stored
 * row (or from the last state this batch gave it), written back at the
 * commit with the score.
 */
static void
cmd_ticket_rate(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	struct ticket	 old, *stored = NULL;
	char		 err[STORE_ERRMAX];
	long long	 score;
	uint64_t	 id;
	int		 rc, loaded = 0;

	if (ticket_arg(c, a, &id) != 0)
		return;
	if (a->argc > 5) {
		resp_add_error(&c->reply, "ERR usage: TICKET RATE <id> <1-5> "
		    "[comment]");
		return;
	}
	if (cmd_parse_int(c, a->argv[3], INT_MIN, INT_MAX, &score) != 0)
		return;
	if (engine_ticket_get(server.engine, id) == NULL &&
	    (stored = journal_final_ticket(server.journal, id)) == NULL) {
		if ((rc = store_get_ticket(server.store, id, &old, err)) < 0) {
			resp_add_error(&c->reply, "ERR %s", err);
			return;
		}
		if (rc == 1) {
			stored = &old;
			loaded = 1;
		}
	}
	/* The ticket.rated event hands the updated row to the journal. */
	rc = engine_ticket_rate(server.engine, server_now(), &who, id,
	    (int)score, a->argc > 4 ? a->argv[4] : NULL, stored, err);
	if (loaded)
		store_ticket_free(&old);
	cmd_reply_engine(c, rc, err);
}

static void
cmd_ticket_close(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;

	if (ticket_arg(c, a, &id) == 0)
		ticket_done(c, engine_ticket_close(server.engine, server_now(),
		    &who, id, err), err);
}

static void
cmd_ticket_abandon(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;

	if (ticket_arg(c, a, &id) == 0)
		ticket_done(c, engine_ticket_abandon(server.engine,
		    server_now(), &who, id, err), err);
}

static void
cmd_ticket_escalate(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;

	if (ticket_arg(c, a, &id) == 0)
		ticket_done(c, engine_ticket_escalate(server.engine,
		    server_now(), &who, id, a->argc > 3 ? a->argv[3] : "",
		    err), err);
}

static void
cmd_ticket_set(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];
	uint64_t	id;
	long long	prio;
	int		rc;

	if (ticket_arg(c, a, &id) != 0)
		return;
	if (cmd_is(a->argv[3], "TIER"))
		rc = engine_ticket_set_tier(server.engine, server_now(), &who,
		    id, a->argv[4], err);
	else if (cmd_is(a->argv[3], "PRIORITY")) {
		if (cmd_parse_int(c, a->argv[4], -1000, 1000, &prio) != 0)
			return;
		rc = engine_ticket_set_priority(server.engine, server_now(),
		    &who, id, (int)prio, err);
	} else if (cmd_is(a->argv[3], "QUEUE"))
		rc = engine_ticket_transfer_queue(server.engine, server_now(),
		    &who, id, a->argv[4], err);
	else {
		resp_add_error(&c->reply, "ERR usage: TICKET SET <id> "
		    "TIER|PRIORITY|QUEUE <value>");
		return;
	}
	ticket_done(c, rc, err);
}

const struct cmd_entry cmd_ticket_table[] = {
	{ "TICKET", "CREATE", -4, CMD_WRITE, ROLE_ANY,
	  "TICKET CREATE <queue> <customer> [TIER t] [SUBJECT s] [CHANNEL c] "
	  "[PRIORITY n] [ATTR k v]...", cmd_ticket_create },
	{ "TICKET", "GET", 3, 0, ROLE_ANY, "TICKET GET <id>", cmd_ticket_get },
	{ "TICKET", "LIST", -2, 0, ROLE_ANY,
	  "TICKET LIST [QUEUE q] [STATE s] [AGENT a] [LIMIT n]",
	  cmd_ticket_list },
	{ "TICKET", "HISTORY", 3, 0, ROLE_ANY, "TICKET HISTORY <id>",
	  cmd_ticket_history },
	{ "TICKET", "ACCEPT", 3, CMD_WRITE, ROLE_FLOOR, "TICKET ACCEPT <id>",
	  cmd_ticket_accept },
	{ "TICKET", "REJECT", -3, CMD_WRITE, ROLE_FLOOR,
	  "TICKET REJECT <id> [reason]", cmd_ticket_reject },
	{ "TICKET", "NOTE", 4, CMD_WRITE, ROLE_FLOOR,
	  "TICKET NOTE <id> <text>", cmd_ticket_note },
	{ "TICKET", "TRANSFER", 5, CMD_WRITE, ROLE_FLOOR,
	  "TICKET TRANSFER <id> QUEUE <q> | AGENT <a>", cmd_ticket_transfer },
	{ "TICKET", "PENDING", -3, CMD_WRITE, ROLE_FLOOR,
	  "TICKET PENDING <id> [UNTIL <unix-ms>]", cmd_ticket_pending },
	{ "TICKET", "RESUME", 3, CMD_WRITE, ROLE_FLOOR, "TICKET RESUME <id>",
	  cmd_ticket_resume },
	{ "TICKET", "RESOLVE", -3, CMD_WRITE, ROLE_FLOOR,
	  "TICKET RESOLVE <id> [DISPOSITION d]", cmd_ticket_resolve },
	{ "TICKET", "CLOSE", 3, CMD_WRITE, ROLE_FLOOR, "TICKET CLOSE <id>",
	  cmd_ticket_close },
	{ "TICKET", "RATE", -4, CMD_WRITE, ROLE_ANY,
	  "TICKET RATE <id> <1-5> [comment]", cmd_ticket_rate },
	{ "TICKET", "ABANDON", 3, CMD_WRITE, ROLE_ANY, "TICKET ABANDON <id>",
	  cmd_ticket_abandon },
	{ "TICKET", "ESCALATE", -3, CMD_WRITE, ROLE_MANAGE,
	  "TICKET ESCALATE <id> [reason]", cmd_ticket_escalate },
	{ "TICKET", "SET", 5, CMD_WRITE, ROLE_MANAGE,
	  "TICKET SET <id> TIER|PRIORITY|QUEUE <value>", cmd_ticket_set },
	{ NULL, NULL, 0, 0, 0, NULL, NULL }
};
