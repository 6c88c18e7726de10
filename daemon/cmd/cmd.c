#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "cmd.h"
#include "conn.h"
#include "guard.h"
#include "journal.h"
#include "server.h"
#include "text.h"

static const struct cmd_entry *cmd_tables[] = {
	cmd_server_table,
	cmd_ticket_table,
	cmd_agent_table,
	cmd_queue_table,
	cmd_customer_table,
	cmd_pubsub_table,
	cmd_report_table,
	cmd_session_table,
	NULL
};

/* Indexed by the row's position over all tables, in cmd_tables order. */
#define CMD_MAX_ROWS	256
static struct cmd_stat	cmd_stats[CMD_MAX_ROWS];

void
cmd_foreach(void (*fn)(const struct cmd_entry *, void *), void *arg)
{
	const struct cmd_entry	**t, *e;

	for (t = cmd_tables; *t != NULL; t++)
		for (e = *t; e->name != NULL; e++)
			fn(e, arg);
}

int
cmd_is(const char *arg, const char *keyword)
{
	return (strcasecmp(arg, keyword) == 0);
}

void
cmd_stats_foreach(void (*fn)(const struct cmd_entry *,
    const struct cmd_stat *, void *), void *arg)
{
	const struct cmd_entry	**t, *e;
	size_t			  row = 0;

	for (t = cmd_tables; *t != NULL; t++)
		for (e = *t; e->name != NULL; e++, row++)
			if (row < CMD_MAX_ROWS)
				fn(e, &cmd_stats[row], arg);
}

/*
 * Find the row for argv: a plain command, or a family and subcommand.
 * *row is its position over all tables (its cmd_stats slot).
 */
static const struct cmd_entry *
cmd_lookup(const struct cmd_args *a, int *family, size_t *row)
{
	const struct cmd_entry	**t, *e;

	*family = 0;
	*row = 0;
	for (t = cmd_tables; *t != NULL; t++) {
		for (e = *t; e->name != NULL; e++, (*row)++) {
			if (strcasecmp(e->name, a->argv[0]) != 0)
				continue;
			if (e->sub == NULL)
				return (e);
			*family = 1;
			if (a->argc > 1 && strcasecmp(e->sub, a->argv[1]) == 0)
				return (e);
		}
	}
	return (NULL);
}

static const char *
cmd_roles_text(int roles)
{
	static char	buf[128];
	int		bit;

	buf[0] = '\0';
	for (bit = ROLE_AGENT; bit <= ROLE_ADMIN; bit <<= 1) {
		if ((roles & bit) == 0)
			continue;
		if (buf[0] != '\0')
			strcat(buf, ", ");
		strcat(buf, role_name(bit));
	}
	return (buf);
}

/* " <id>" when the usage names argument i so, else "". */
static void
cmd_arg_label(const struct cmd_entry *e, int i, char *buf, size_t len)
{
	const char	*w = e->usage;
	size_t		 n;

	buf[0] = '\0';
	for (; i > 0 && w != NULL; i--)
		if ((w = strchr(w, ' ')) != NULL)
			w++;
	if (w == NULL || *w != '<' || (n = strcspn(w, " ")) >= len - 1)
		return;
	snprintf(buf, len, " %.*s", (int)n, w);
}

/*
 * Every argument is text unless the row marks it bytes: a NUL would cut
 * it short in a name, a note or a key ("C1\0x" would overwrite "C1").
 */
static int
cmd_check_text(struct conn *c, const struct cmd_args *a,
    const struct cmd_entry *e)
{
	const char	*why;
	char		 label[64];
	int		 i;

	for (i = 0; i < a->argc; i++) {
		if (i > 0 && i <= CMD_BYTES_LAST &&
		    (e->flags & CMD_BYTES(i)) != 0)
			continue;
		if (text_check(a->argv[i], a->argvlen[i], &why) != 0) {
			cmd_arg_label(e, i, label, sizeof label);
			resp_add_error(&c->reply, "ERR argument %d%s of "
			    "'%s%s%s' %s", i, label, e->name, e->sub ? " " : "",
			    e->sub ? e->sub : "", why);
			return (-1);
		}
	}
	return (0);
}

int
cmd_check_name(struct conn *c, const struct cmd_args *a, int i, size_t max,
    int flags, const char *what)
{
	char	err[TEXT_ERRMAX];

	if (text_name_check(a->argv[i], a->argvlen[i], max, flags, what, err,
	    sizeof err) != 0) {
		resp_add_error(&c->reply, "ERR %s", err);
		return (-1);
	}
	return (0);
}

/*
 * Arity, authentication, role, mode and text: 0, or -1 with the error
 * written.
 */
static int
cmd_check(struct conn *c, const struct cmd_args *a, const struct cmd_entry *e)
{
	if ((e->arity > 0 && a->argc != e->arity) ||
	    (e->arity < 0 && a->argc < -e->arity)) {
		resp_add_error(&c->reply, "ERR wrong number of arguments for "
		    "'%s%s%s' command; usage: %s", e->name, e->sub ? " " : "",
		    e->sub ? e->sub : "", e->usage);
		return (-1);
	}
	if (!c->authed && (e->flags & CMD_NOAUTH) == 0) {
		resp_add_error(&c->reply, "NOAUTH Authentication required.");
		return (-1);
	}
	if (c->authed && (e->flags & CMD_NOAUTH) == 0 &&
	    (e->roles & c->role) == 0) {
		resp_add_error(&c->reply, "NOPERM '%s%s%s' requires role %s; "
		    "you are %s", e->name, e->sub ? " " : "",
		    e->sub ? e->sub : "", cmd_roles_text(e->roles),
		    role_name(c->role));
		return (-1);
	}
	if ((c->flags & CONN_PUBSUB) != 0 && (e->flags & CMD_PUBSUB) == 0) {
		resp_add_error(&c->reply, "ERR only (P)SUBSCRIBE / "
		    "(P)UNSUBSCRIBE / PING / QUIT are allowed in this context");
		return (-1);
	}
	return (cmd_check_text(c, a, e));
}

/*
 * What an answer written from start owes: held for the commit when the
 * command changed something, counted when it is an error.
 */
static void
cmd_answered(struct conn *c, size_t row, size_t start, uint64_t before)
{
	if (journal_count(server.journal) != before)
		conn_mark_write(c, start);
	if (row < CMD_MAX_ROWS && c->reply.len > start &&
	    c->reply.data[start] == '-')
		cmd_stats[row].errors++;
}

/*
 * The one check before any handler: lookup, arity, authentication, role,
 * mode and text. A reply that depends on a change is held for the commit.
 */
void
cmd_dispatch(struct conn *c, const struct cmd_args *a)
{
	const struct cmd_entry	*e;
	int			 family;
	size_t			 start, row;
	uint64_t		 before;

	if (a->argc == 0)
		return;
	if ((e = cmd_lookup(a, &family, &row)) == NULL) {
		if (!family && guard_http(c, a))
			return;		/* closed */
		if (family && a->argc > 1)
			resp_add_error(&c->reply, "ERR unknown subcommand "
			    "'%.64s' for '%.32s'", a->argv[1], a->argv[0]);
		else if (family)
			resp_add_error(&c->reply, "ERR wrong number of "
			    "arguments for '%.32s' command", a->argv[0]);
		else
			resp_add_error(&c->reply, "ERR unknown command "
			    "'%.64s'", a->argv[0]);
		return;
	}
	start = c->reply.len;
	before = journal_count(server.journal);
	if (cmd_check(c, a, e) == 0) {
		c->block_row = row;
		e->exec(c, a);
		/* A command waiting for the hasher (AUTH, AGENT ADD, AGENT
		 * PASSWD) is audited and held for the commit when answered. */
		if ((c->flags & CONN_WAIT_AUTH) != 0)
			before = journal_count(server.journal);
		else if ((e->flags & (CMD_WRITE | CMD_AUDIT)) != 0 &&
		    (c->role & (ROLE_SUPERVISOR | ROLE_ADMIN)) != 0)
			audit_command(c, a, c->reply.len == start ||
			    c->reply.data[start] != '-');
	}
	/* Counted after the handler: INFO commandstats shows the calls
	 * before its own. */
	if (row < CMD_MAX_ROWS)
		cmd_stats[row].calls++;
	cmd_answered(c, row, start, before);
}

void
cmd_block(struct conn *c, cmd_resume_fn *resume)
{
	c->flags |= CONN_BLOCKED;
	c->block_resume = resume;
	c->block_wake = 0;
	conn_set_idle(c);
}

void
cmd_wake(struct conn *c, int why)
{
	if ((c->flags & CONN_BLOCKED) == 0)
		return;
	c->block_wake |= why;
	conn_resume(c);
}

/*
 * Back through the dispatcher: the blocked command's continuation answers
 * (or blocks again) and its answer is accounted as the handler's would be.
 */
void
cmd_unblock(struct conn *c)
{
	size_t		start = c->reply.len;
	uint64_t	before = journal_count(server.journal);
	int		why = c->block_wake;

	if ((c->flags & CONN_BLOCKED) == 0 || why == 0)
		return;
	c->flags &= ~CONN_BLOCKED;
	c->block_wake = 0;
	c->block_resume(c, why);
	if ((c->flags & CONN_BLOCKED) == 0)
		cmd_answered(c, c->block_row, start, before);
}

void
cmd_rows_open(struct conn *c, struct cmd_rows *r)
{
	r->c = c;
	r->b = &c->reply;
	r->n = 0;
	r->mark = resp_add_deferred_len(&c->reply);
}

void
cmd_rows_close(struct conn *c, struct cmd_rows *r, int rc, const char *err)
{
	if (rc == 0) {
		resp_set_deferred_array(&c->reply, r->mark, r->n);
		return;
	}
	resp_drop_deferred(&c->reply, r->mark);
	resp_add_error(&c->reply, "ERR %s", err);
}

struct actor
cmd_actor(const struct conn *c)
{
	struct actor	a;

	a.name = c->user;
	a.role = c->role;
	return (a);
}

void
cmd_reply_engine(struct conn *c, int rc, const char *err)
{
	switch (rc) {
	case ENGINE_OK:
		resp_add_status(&c->reply, "OK");
		break;
	case ENGINE_NOTFOUND:
		resp_add_error(&c->reply, "NOTFOUND %s", err);
		break;
	case ENGINE_BADSTATE:
		resp_add_error(&c->reply, "BADSTATE %s", err);
		break;
	case ENGINE_NOPERM:
		resp_add_error(&c->reply, "NOPERM %s", err);
		break;
	default:
		resp_add_error(&c->reply, "ERR %s", err);
		break;
	}
}

int
cmd_parse_int(struct conn *c, const char *s, long long min, long long max,
    long long *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0) {
		resp_add_error(&c->reply, "ERR value '%.64s' is not an "
		    "integer", s);
		return (-1);
	}
	if (v < min || v > max) {
		resp_add_error(&c->reply, "ERR value %lld out of range "
		    "(%lld to %lld)", v, min, max);
		return (-1);
	}
	*out = v;
	return (0);
}

int
cmd_parse_id(struct conn *c, const char *s, uint64_t *id)
{
	long long	v;

	if (cmd_parse_int(c, s, 1, LLONG_MAX, &v) != 0)
		return (-1);
	*id = (uint64_t)v;
	return (0);
}
