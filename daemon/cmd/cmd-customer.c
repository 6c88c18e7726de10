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
	struct attr		 attrs[CUSTOMER_MAX_ATTRS];
	struct actor		 who = cmd_actor(c);
	char			 err[ENGINE_ERRMAX];
	int			 i;

	memset(&up, 0, sizeof up);
	up.attrs = attrs;
	for (i = 3; i < a->argc; i += 2) {
		if (cmd_is(a->argv[i], "ATTR") && i + 2 < a->argc) {
			if (up.nattrs == CUSTOMER_MAX_ATTRS) {
				resp_add_error(&c->reply, "ERR at most %d "
				    "attributes", CUSTOMER_MAX_ATTRS);
				return;
			}
			attrs[up.nattrs].key = a->argv[i + 1];
			attrs[up.nattrs].value = a->argv[i + 2];
			up.nattrs++;
			i++;
			continue;
		}
		if (i + 1 >= a->argc)
			goto syntax;
		if (cmd_is(a->argv[i], "NAME"))
			up.name = a->argv[i + 1];
		else if (cmd_is(a->argv[i], "PHONE"))
			up.phone = a->argv[i + 1];
		else if (cmd_is(a->argv[i], "TIER"))
			up.tier = a->argv[i + 1];
		else if (cmd_is(a->argv[i], "SEGMENT"))
			up.segment = a->argv[i + 1];
		else if (cmd_is(a->argv[i], "MANAGER"))
			up.manager = a->argv[i + 1];
		else
			goto syntax;
	}
	cmd_reply_engine(c, engine_customer_set(server.engine, server_now(),
	    &who, a->argv[2], &up, err), err);
	return;
syntax:
	resp_add_error(&c->reply, "ERR syntax error near '%.64s'; usage: "
	    "CUSTOMER SET <id> [NAME n] [PHONE p] [TIER t] [SEGMENT s] "
	    "[MANAGER agent] [ATTR k v]...", a->argv[i]);
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
	struct resp_buf		*b = ct->rows.b;
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

/* The card and the story: open tickets and recent ones with outcome. */
static void
cmd_customer_get(struct conn *c, const struct cmd_args *a)
{
	const struct customer	*cu;

	if ((cu = engine_customer_get(server.engine, a->argv[2])) == NULL) {
		resp_add_error(&c->reply, "NOTFOUND no such customer '%.64s'",
		    a->argv[2]);
		return;
	}
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
	char	id[ENGINE_NAME_MAX], err[STORE_ERRMAX];
	int	rc;

	if (!cmd_is(a->argv[2], "PHONE")) {
		resp_add_error(&c->reply, "ERR usage: CUSTOMER FIND PHONE <p>");
		return;
	}
	if (strpbrk(a->argv[3], "0123456789") == NULL) {
		resp_add_error(&c->reply, "ERR no digit in phone number "
		    "'%.64s'", a->argv[3]);
		return;
	}
	rc = store_find_phone(server.store, server.engine, a->argv[3], id, err);
	if (rc < 0) {
		log_warnx("customer find: %s", err);
		resp_add_error(&c->reply, "ERR %s", err);
	} else if (rc == 0)
		resp_add_nil(&c->reply);
	else
		resp_add_cstr(&c->reply, id);
}

const struct cmd_entry cmd_customer_table[] = {
	{ "CUSTOMER", "SET", -3, CMD_WRITE,
	  ROLE_SUPERVISOR | ROLE_INTEGRATION | ROLE_ADMIN,
	  "CUSTOMER SET <id> [NAME n] [PHONE p] [TIER t] [SEGMENT s] "
	  "[MANAGER agent] [ATTR k v]...", cmd_customer_set },
	{ "CUSTOMER", "GET", 3, 0, ROLE_ANY, "CUSTOMER GET <id>",
	  cmd_customer_get },
	{ "CUSTOMER", "FIND", 4, 0, ROLE_ANY, "CUSTOMER FIND PHONE <p>",
	  cmd_customer_find },
	{ NULL, NULL, 0, 0, 0, NULL, NULL }
};
