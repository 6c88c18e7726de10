/* CUSTOMER commands: the customer card every agent sees. */
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "reply.h"
#include "server.h"
#include "store.h"

#define CUSTOMER_MAX_ATTRS	64
#define CUSTOMER_RECENT		20

static void
cmd_customer_set(struct conn *c, const struct cmd_args *a)
{
	struct customer_update	 up;
	struct actor		 who = cmd_actor(c);
	char			 err[ENGINE_ERRMAX];

	memset(&up, 0, sizeof up);
	up.name = cmd_str(a, "NAME");
	up.phone = cmd_str(a, "PHONE");
	up.tier = cmd_str(a, "TIER");
	up.segment = cmd_str(a, "SEGMENT");
	up.manager = cmd_str(a, "MANAGER");
	up.attrs = a->v->pairs;
	up.nattrs = a->v->npairs;
	cmd_reply_engine(c, engine_customer_set(server.engine, server_now(),
	    &who, cmd_str(a, "id"), &up, err, sizeof err), err);
}

struct customer_tickets {
	struct cmd_rows	 rows;
	int		 open;		/* which kind this call writes */
};

static int
ticket_is_open(const struct ticket *t)
{
	return (t->state != TICKET_RESOLVED && t->state != TICKET_CLOSED &&
	    t->state != TICKET_ABANDONED);
}

static void
customer_ticket(const struct ticket *stored, void *arg)
{
	struct customer_tickets	*ct = arg;
	struct buf		*b = ct->rows.b;
	const struct ticket	*t;

	/* The store has committed rows; the engine has the live state. */
	t = engine_ticket_get(server.engine, stored->id);
	if (t == NULL)
		t = stored;
	if (ticket_is_open(t) != ct->open)
		return;
	ct->rows.n++;
	resp_add_map(b, 10);
	resp_add_field_int(b, "id", (long long)t->id);
	resp_add_field_str(b, "state", ticket_state_name(t->state));
	resp_add_field_str(b, "queue", t->queue);
	resp_add_field_str(b, "tier", t->tier);
	resp_add_field_str(b, "subject", t->subject);
	resp_add_field_str(b, "agent", t->agent);
	resp_add_field_str(b, "disposition", t->disposition);
	resp_add_field_int(b, "created", t->created);
	resp_add_field_int(b, "repeat_contact", t->repeat_contact);
	resp_add_field_int(b, "followup_of", (long long)t->followup_of);
}

/* One query; a failure is logged and leaves the rows read before it. */
static void
customer_tickets(struct conn *c, const char *id, int open)
{
	struct customer_tickets	ct;
	char			err[STORE_ERRMAX];

	ct.open = open;
	cmd_rows_open(c, &ct.rows);
	if (store_customer_tickets(server.store, id, CUSTOMER_RECENT,
	    customer_ticket, &ct, err) != 0)
		log_warnx("customer %s: %s", id, err);
	cmd_rows_close(c, &ct.rows, 0, NULL);
}

static int
customer_find(struct conn *c, struct cmd_values *v, struct cmd_value *id)
{
	if ((id->ptr = engine_customer_get(server.engine, id->s)) != NULL)
		return (0);
	resp_add_error(&c->reply, "NOTFOUND no such customer '%.64s'", id->s);
	return (-1);
}

/* The card and the story: open tickets and recent ones with outcome. */
static void
cmd_customer_get(struct conn *c, const struct cmd_args *a)
{
	const struct customer	*cu = cmd_val(a, "id")->ptr;

	reply_customer(&c->reply, cu, 2);
	resp_add_cstr(&c->reply, "open_tickets");
	customer_tickets(c, cu->id, 1);
	resp_add_cstr(&c->reply, "recent_tickets");
	customer_tickets(c, cu->id, 0);
}

/* By phone, through the store's blind index: the id, or nil. */
static void
cmd_customer_find(struct conn *c, const struct cmd_args *a)
{
	const char	*phone = cmd_str(a, "PHONE");
	char		 id[ENGINE_NAME_MAX], err[STORE_ERRMAX];
	int		 rc;

	if (strpbrk(phone, "0123456789") == NULL) {
		resp_add_error(&c->reply, "ERR no digit in phone number "
		    "'%.64s'", phone);
		return;
	}
	rc = store_find_phone(server.store, server.engine, phone, id, err);
	if (rc < 0) {
		log_warnx("customer find: %s", err);
		resp_add_error(&c->reply, "ERR %s", err);
	} else if (rc == 0)
		resp_add_nil(&c->reply);
	else
		resp_add_cstr(&c->reply, id);
}

const struct cmd_entry cmd_customer_table[] = {
	{ .name = "CUSTOMER", .sub = "SET", .flags = CMD_WRITE,
	  .roles = ROLE_SUPERVISOR | ROLE_INTEGRATION | ROLE_ADMIN,
	  .exec = cmd_customer_set, .args = ARGS(POS("id")),
	  .opts = ARGS(OPT("NAME", "n"), OPT("PHONE", "p"), OPT("TIER", "t"),
	      OPT("SEGMENT", "s"), OPT("MANAGER", "agent"),
	      OPT("ATTR", "k v", .type = ARG_PAIR, .flags = ARG_MANY,
	      .max = CUSTOMER_MAX_ATTRS, .what = "attributes")) },
	{ .name = "CUSTOMER", .sub = "GET", .roles = ROLE_ANY,
	  .exec = cmd_customer_get,
	  .args = ARGS(POS("id", .check = customer_find)) },
	/* One way to find a customer today; NAME would be a second OPT. */
	{ .name = "CUSTOMER", .sub = "FIND", .flags = CMD_ONE_OPT,
	  .roles = ROLE_ANY, .exec = cmd_customer_find,
	  .opts = ARGS(OPT("PHONE", "p")) },
	{ .name = NULL }
};
