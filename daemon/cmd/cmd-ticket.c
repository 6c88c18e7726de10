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
#include "xmalloc.h"

#define TICKET_MAX_ATTRS	64
#define TICKET_LIST_DEFAULT	100
#define TICKET_LIST_MAX		10000
#define TICKET_PRIORITY_MIN	(-1000)
#define TICKET_PRIORITY_MAX	1000

/* The ticket id every TICKET command but CREATE and LIST starts with. */
static uint64_t
ticket_id(const struct cmd_args *a)
{
	return ((uint64_t)cmd_val(a, "id")->n);
}

static void
cmd_ticket_create(struct conn *c, const struct cmd_args *a)
{
	struct ticket_create	 req;
	struct actor		 who = cmd_actor(c);
	char			 err[ENGINE_ERRMAX];
	uint64_t		 id;
	int			 rc;

	memset(&req, 0, sizeof req);
	req.queue = cmd_str(a, "queue");
	req.customer = cmd_str(a, "customer");
	req.tier = cmd_str(a, "TIER");
	req.subject = cmd_str(a, "SUBJECT");
	req.channel = cmd_str(a, "CHANNEL");
	req.priority = (int)cmd_val(a, "PRIORITY")->n;
	req.attrs = a->v->pairs;
	req.nattrs = a->v->npairs;
	rc = engine_ticket_create(server.engine, server_now(), &who, &req, &id,
	    err, sizeof err);
	if (rc != ENGINE_OK)
		cmd_reply_engine(c, rc, err);
	else
		resp_add_int(&c->reply, (long long)id);
}

static void
cmd_ticket_get(struct conn *c, const struct cmd_args *a)
{
	const struct ticket	*t;
	struct ticket		 old;
	char			 err[STORE_ERRMAX];
	uint64_t		 id = ticket_id(a);
	int			 rc;

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

/* TICKET LIST QUEUE q: a queue the configuration has. */
static int
ticket_list_queue(struct conn *c, struct cmd_values *v, struct cmd_value *q)
{
	if (engine_has_queue(server.engine, q->s))
		return (0);
	resp_add_error(&c->reply, "ERR unknown queue '%.64s'", q->s);
	return (-1);
}

static int
ticket_list_state(struct conn *c, struct cmd_values *v, struct cmd_value *s)
{
	enum ticket_state	state;

	if (ticket_state_parse(s->s, &state) != 0) {
		resp_add_error(&c->reply, "ERR unknown state '%.32s'", s->s);
		return (-1);
	}
	s->n = state;
	return (0);
}

static void
cmd_ticket_list(struct conn *c, const struct cmd_args *a)
{
	struct ticket_list	l;
	size_t			i;

	memset(&l, 0, sizeof l);
	l.queue = cmd_str(a, "QUEUE");
	l.agent = cmd_str(a, "AGENT");
	if ((l.has_state = cmd_str(a, "STATE") != NULL))
		l.state = (enum ticket_state)cmd_val(a, "STATE")->n;
	l.max = cmd_str(a, "LIMIT") != NULL ?
	    (size_t)cmd_val(a, "LIMIT")->n : TICKET_LIST_DEFAULT;
	/* Open tickets only: closed ones are in the history and reports. */
	l.found = xcalloc(l.max, sizeof *l.found);
	engine_ticket_foreach(server.engine, ticket_list_one, &l);
	qsort(l.found, l.n, sizeof *l.found, ticket_cmp);
	resp_add_array(&c->reply, l.n);
	for (i = 0; i < l.n; i++)
		reply_ticket(&c->reply, l.found[i], 1);
	free(l.found);
}

static void
ticket_history_one(int64_t seq, const struct engine_event *ev, void *arg)
{
	struct cmd_rows	*r = arg;
	struct buf	*b = r->b;

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
	uint64_t	id = ticket_id(a);
	int		rc;

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
	ticket_done(c, engine_ticket_accept(server.engine, server_now(), &who,
	    ticket_id(a), err, sizeof err), err);
}

static void
cmd_ticket_reject(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*reason = cmd_str(a, "reason");

	ticket_done(c, engine_ticket_reject(server.engine, server_now(), &who,
	    ticket_id(a), reason != NULL ? reason : "", err, sizeof err), err);
}

static void
cmd_ticket_note(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];

	ticket_done(c, engine_ticket_note(server.engine, server_now(), &who,
	    ticket_id(a), cmd_str(a, "text"), err, sizeof err), err);
}

/* QUEUE q | AGENT a: the row admits exactly one. */
static void
cmd_ticket_transfer(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*queue = cmd_str(a, "QUEUE");
	int		 rc;

	if (queue != NULL)
		rc = engine_ticket_transfer_queue(server.engine, server_now(),
		    &who, ticket_id(a), queue, err, sizeof err);
	else
		rc = engine_ticket_transfer_agent(server.engine, server_now(),
		    &who, ticket_id(a), cmd_str(a, "AGENT"), err, sizeof err);
	ticket_done(c, rc, err);
}

static void
cmd_ticket_pending(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];

	/* Without UNTIL (0): until TICKET RESUME. */
	ticket_done(c, engine_ticket_pending(server.engine, server_now(), &who,
	    ticket_id(a), (hl_ms)cmd_val(a, "UNTIL")->n, err, sizeof err), err);
}

static void
cmd_ticket_resume(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];

	ticket_done(c, engine_ticket_resume(server.engine, server_now(), &who,
	    ticket_id(a), err, sizeof err), err);
}

static void
cmd_ticket_resolve(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*disposition = cmd_str(a, "DISPOSITION");

	ticket_done(c, engine_ticket_resolve(server.engine, server_now(), &who,
	    ticket_id(a), disposition != NULL ? disposition : "", err,
	    sizeof err), err);
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
	uint64_t	 id = ticket_id(a);
	int		 rc, loaded = 0;

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
	    (int)cmd_val(a, "score")->n, cmd_str(a, "comment"), stored, err,
	    sizeof err);
	if (loaded)
		store_ticket_free(&old);
	cmd_reply_engine(c, rc, err);
}

static void
cmd_ticket_close(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];

	ticket_done(c, engine_ticket_close(server.engine, server_now(), &who,
	    ticket_id(a), err, sizeof err), err);
}

static void
cmd_ticket_abandon(struct conn *c, const struct cmd_args *a)
{
	struct actor	who = cmd_actor(c);
	char		err[ENGINE_ERRMAX];

	ticket_done(c, engine_ticket_abandon(server.engine, server_now(), &who,
	    ticket_id(a), err, sizeof err), err);
}

static void
cmd_ticket_escalate(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*reason = cmd_str(a, "reason");

	ticket_done(c, engine_ticket_escalate(server.engine, server_now(),
	    &who, ticket_id(a), reason != NULL ? reason : "", err, sizeof err),
	    err);
}

/* TIER t | PRIORITY n | QUEUE q: the row admits exactly one. */
static void
cmd_ticket_set(struct conn *c, const struct cmd_args *a)
{
	struct actor	 who = cmd_actor(c);
	char		 err[ENGINE_ERRMAX];
	const char	*tier = cmd_str(a, "TIER");
	const char	*queue = cmd_str(a, "QUEUE");
	uint64_t	 id = ticket_id(a);
	int		 rc;

	if (tier != NULL)
		rc = engine_ticket_set_tier(server.engine, server_now(), &who,
		    id, tier, err, sizeof err);
	else if (queue != NULL)
		rc = engine_ticket_transfer_queue(server.engine, server_now(),
		    &who, id, queue, err, sizeof err);
	else
		rc = engine_ticket_set_priority(server.engine, server_now(),
		    &who, id, (int)cmd_val(a, "PRIORITY")->n, err, sizeof err);
	ticket_done(c, rc, err);
}

/* Every TICKET command but CREATE and LIST names its ticket first. */
#define TICKET_ID	POS("id", .type = ARG_ID)
#define TICKET_PRIORITY	OPT("PRIORITY", "n", .type = ARG_INT, \
			    .min = TICKET_PRIORITY_MIN, \
			    .max = TICKET_PRIORITY_MAX)

const struct cmd_entry cmd_ticket_table[] = {
	{ .name = "TICKET", .sub = "CREATE", .flags = CMD_WRITE,
	  .roles = ROLE_ANY, .exec = cmd_ticket_create,
	  .args = ARGS(POS("queue"), POS("customer")),
	  .opts = ARGS(OPT("TIER", "t"), OPT("SUBJECT", "s"),
	      OPT("CHANNEL", "c"), TICKET_PRIORITY,
	      OPT("ATTR", "k v", .type = ARG_PAIR, .flags = ARG_MANY,
	      .max = TICKET_MAX_ATTRS, .what = "attributes")) },
	{ .name = "TICKET", .sub = "GET", .roles = ROLE_ANY,
	  .exec = cmd_ticket_get, .args = ARGS(TICKET_ID) },
	{ .name = "TICKET", .sub = "LIST", .roles = ROLE_ANY,
	  .exec = cmd_ticket_list,
	  .opts = ARGS(OPT("QUEUE", "q", .check = ticket_list_queue),
	      OPT("STATE", "s", .check = ticket_list_state),
	      OPT("AGENT", "a"),
	      OPT("LIMIT", "n", .type = ARG_INT, .min = 1,
	      .max = TICKET_LIST_MAX)) },
	{ .name = "TICKET", .sub = "HISTORY", .roles = ROLE_ANY,
	  .exec = cmd_ticket_history, .args = ARGS(TICKET_ID) },
	{ .name = "TICKET", .sub = "ACCEPT", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_ticket_accept,
	  .args = ARGS(TICKET_ID) },
	{ .name = "TICKET", .sub = "REJECT", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_ticket_reject,
	  .args = ARGS(TICKET_ID, POS("reason", .flags = ARG_OPTIONAL)) },
	{ .name = "TICKET", .sub = "NOTE", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_ticket_note,
	  .args = ARGS(TICKET_ID, POS("text")) },
	{ .name = "TICKET", .sub = "TRANSFER", .flags = CMD_WRITE | CMD_ONE_OPT,
	  .roles = ROLE_FLOOR, .exec = cmd_ticket_transfer,
	  .args = ARGS(TICKET_ID),
	  .opts = ARGS(OPT("QUEUE", "q"), OPT("AGENT", "a")) },
	{ .name = "TICKET", .sub = "PENDING", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_ticket_pending,
	  .args = ARGS(TICKET_ID),
	  .opts = ARGS(OPT("UNTIL", "unix-ms", .type = ARG_INT, .min = 1,
	      .max = LLONG_MAX)) },
	{ .name = "TICKET", .sub = "RESUME", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_ticket_resume,
	  .args = ARGS(TICKET_ID) },
	{ .name = "TICKET", .sub = "RESOLVE", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_ticket_resolve,
	  .args = ARGS(TICKET_ID), .opts = ARGS(OPT("DISPOSITION", "d")) },
	{ .name = "TICKET", .sub = "CLOSE", .flags = CMD_WRITE,
	  .roles = ROLE_FLOOR, .exec = cmd_ticket_close,
	  .args = ARGS(TICKET_ID) },
	/* The score's range (1-5) is the engine's to say. */
	{ .name = "TICKET", .sub = "RATE", .flags = CMD_WRITE,
	  .roles = ROLE_ANY, .exec = cmd_ticket_rate,
	  .args = ARGS(TICKET_ID, POS("score", .type = ARG_INT,
	      .min = INT_MIN, .max = INT_MAX),
	      POS("comment", .flags = ARG_OPTIONAL)) },
	{ .name = "TICKET", .sub = "ABANDON", .flags = CMD_WRITE,
	  .roles = ROLE_ANY, .exec = cmd_ticket_abandon,
	  .args = ARGS(TICKET_ID) },
	{ .name = "TICKET", .sub = "ESCALATE", .flags = CMD_WRITE,
	  .roles = ROLE_MANAGE, .exec = cmd_ticket_escalate,
	  .args = ARGS(TICKET_ID, POS("reason", .flags = ARG_OPTIONAL)) },
	{ .name = "TICKET", .sub = "SET", .flags = CMD_WRITE | CMD_ONE_OPT,
	  .roles = ROLE_MANAGE, .exec = cmd_ticket_set,
	  .args = ARGS(TICKET_ID),
	  .opts = ARGS(OPT("TIER", "t"), TICKET_PRIORITY, OPT("QUEUE", "q")) },
	{ .name = NULL }
};
