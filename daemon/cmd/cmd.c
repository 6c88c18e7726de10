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
#include "log.h"
#include "server.h"
#include "text.h"

static const struct cmd_entry *cmd_tables[] = {
	cmd_server_table,
	cmd_info_table,
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

/* Words an option takes after its keyword. */
static int
cmd_opt_words(const struct cmd_arg *d)
{
	return (d->type == ARG_FLAG ? 0 : d->type == ARG_PAIR ? 2 : 1);
}

/*
 * The most words a row takes, or -1 if there is no most (options, a
 * repeated positional). Of CMD_ONE_OPT's options, the longest counts.
 */
static int
cmd_arity_max(const struct cmd_entry *e)
{
	const struct cmd_arg	*d;
	int			 max = e->sub != NULL ? 2 : 1, one = 0;

	for (d = e->args; d != NULL && d->name != NULL; d++) {
		if ((d->flags & ARG_MANY) != 0)
			return (-1);
		max++;
	}
	for (d = e->opts; d != NULL && d->name != NULL; d++) {
		if ((e->flags & CMD_ONE_OPT) == 0)
			return (-1);
		if (1 + cmd_opt_words(d) > one)
			one = 1 + cmd_opt_words(d);
	}
	return (max + one);
}

/* Words with name and sub; negative: at least that many. */
int
cmd_arity(const struct cmd_entry *e)
{
	const struct cmd_arg	*d;
	int			 min = e->sub != NULL ? 2 : 1, one = 0;

	for (d = e->args; d != NULL && d->name != NULL; d++)
		if ((d->flags & ARG_OPTIONAL) == 0)
			min++;
	/* CMD_ONE_OPT: at least the shortest option. */
	for (d = e->opts; d != NULL && d->name != NULL; d++)
		if ((e->flags & CMD_ONE_OPT) != 0 &&
		    (one == 0 || 1 + cmd_opt_words(d) < one))
			one = 1 + cmd_opt_words(d);
	min += one;
	return (cmd_arity_max(e) == min ? min : -min);
}

/* " <queue>", " [reason]", " <channel>...": one positional. */
static int
cmd_usage_arg(const struct cmd_arg *d, char *buf, size_t len)
{
	const char	*label = d->type == ARG_WORD ? d->words : d->name;

	if ((d->flags & ARG_OPTIONAL) != 0)
		return (snprintf(buf, len, " [%s]%s", label,
		    (d->flags & ARG_MANY) != 0 ? "..." : ""));
	return (snprintf(buf, len, " <%s>%s", label,
	    (d->flags & ARG_MANY) != 0 ? "..." : ""));
}

/* " [TIER t]", " [ATTR k v]...", " [ACCEPT]", or " QUEUE <q>" (one of). */
static int
cmd_usage_opt(const struct cmd_entry *e, const struct cmd_arg *d,
    char *buf, size_t len)
{
	const char	*value = d->type == ARG_WORD ? d->words : d->value;

	if ((e->flags & CMD_ONE_OPT) != 0)
		return (snprintf(buf, len, "%s%s%s%s%s", d == e->opts ? " " :
		    " | ", d->name, value != NULL ? " <" : "",
		    value != NULL ? value : "", value != NULL ? ">" : ""));
	return (snprintf(buf, len, " [%s%s%s]%s", d->name, value != NULL ?
	    " " : "", value != NULL ? value : "",
	    (d->flags & ARG_MANY) != 0 ? "..." : ""));
}

const char *
cmd_usage(const struct cmd_entry *e, char *buf, size_t len)
{
	const struct cmd_arg	*d;
	size_t			 n;
	int			 k;

	k = snprintf(buf, len, "%s%s%s", e->name, e->sub != NULL ? " " : "",
	    e->sub != NULL ? e->sub : "");
	for (d = e->args; k > 0 && d != NULL && d->name != NULL; d++) {
		n = (size_t)k < len ? (size_t)k : len;
		k += cmd_usage_arg(d, buf + n, len - n);
	}
	for (d = e->opts; k > 0 && d != NULL && d->name != NULL; d++) {
		n = (size_t)k < len ? (size_t)k : len;
		k += cmd_usage_opt(e, d, buf + n, len - n);
	}
	return (buf);
}

/* The option whose keyword w is, or -1. */
static int
cmd_opt_find(const struct cmd_arg *opts, const char *w)
{
	int	o;

	for (o = 0; opts != NULL && opts[o].name != NULL; o++)
		if (strcasecmp(opts[o].name, w) == 0)
			return (o);
	return (-1);
}

/* w's place among words ("tier|queue|agent"), any case, or -1. */
static int
cmd_word_find(const char *words, const char *w)
{
	size_t	n, wl = strlen(w);
	int	k;

	for (k = 0; *words != '\0'; k++) {
		n = strcspn(words, "|");
		if (n == wl && strncasecmp(words, w, n) == 0)
			return (k);
		words += n;
		if (*words == '|')
			words++;
	}
	return (-1);
}

static void
cmd_word_error(struct conn *c, const struct cmd_arg *d, const char *w)
{
	char		 list[CMD_USAGE_MAX];
	const char	*p;
	size_t		 n;
	int		 k = 0, len;

	/* "tier|queue|agent|hour" as "tier, queue, agent or hour" */
	list[0] = '\0';
	for (p = d->words; *p != '\0'; p += n + (p[n] == '|')) {
		n = strcspn(p, "|");
		len = (int)strlen(list);
		snprintf(list + len, sizeof list - (size_t)len, "%s%.*s",
		    k == 0 ? "" : p[n] == '\0' ? " or " : ", ", (int)n, p);
		k++;
	}
	resp_add_error(&c->reply, "ERR %s takes %s, not '%.32s'", d->name, list,
	    w);
}

/* Argument i is text (UTF-8 without NUL): a NUL would cut a name short. */
static int
cmd_word_text(struct conn *c, const struct cmd_args *a,
    const struct cmd_entry *e, int i, const char *label)
{
	const char	*why;

	if (text_check(a->argv[i], a->argvlen[i], &why) == 0)
		return (0);
	resp_add_error(&c->reply, "ERR argument %d%s of '%s%s%s' %s", i,
	    label, e->name, e->sub ? " " : "", e->sub ? e->sub : "", why);
	return (-1);
}

/* An integer from min to max: 0, or -1 with -ERR written. */
static int
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

/* Word i read as d says into val: 0, or -1 with -ERR written. */
static int
cmd_word_read(struct conn *c, const struct cmd_args *a,
    const struct cmd_entry *e, const struct cmd_arg *d, int i,
    const char *label, struct cmd_value *val)
{
	char	err[TEXT_ERRMAX];
	int	k;

	val->s = a->argv[i];
	val->len = a->argvlen[i];
	val->argi = i;
	if ((d->flags & ARG_RAW) != 0)
		return (0);
	if (cmd_word_text(c, a, e, i, label) != 0)
		return (-1);
	switch (d->type) {
	case ARG_NAME:
		if (text_name_check(val->s, val->len, (size_t)d->max,
		    d->textflags, d->what, err, sizeof err) != 0) {
			resp_add_error(&c->reply, "ERR %s", err);
			return (-1);
		}
		break;
	case ARG_INT:
		return (cmd_parse_int(c, val->s, d->min, d->max, &val->n));
	case ARG_ID:
		return (cmd_parse_int(c, val->s, 1, LLONG_MAX, &val->n));
	case ARG_WORD:
		if ((k = cmd_word_find(d->words, val->s)) < 0) {
			cmd_word_error(c, d, val->s);
			return (-1);
		}
		val->n = k;
		break;
	default:
		break;
	}
	return (0);
}

/* "ATTR k v": a pair, one of up to d->max when repeated. */
static int
cmd_pair_read(struct conn *c, const struct cmd_args *a,
    const struct cmd_entry *e, const struct cmd_arg *d, int i,
    struct cmd_values *v, struct cmd_value *val)
{
	if (cmd_word_text(c, a, e, i + 1, "") != 0 ||
	    ((d->flags & ARG_RAW) == 0 && cmd_word_text(c, a, e, i + 2,
	    "") != 0))
		return (-1);
	if ((d->flags & ARG_MANY) == 0) {
		val->s = a->argv[i + 1];
		val->len = a->argvlen[i + 1];
		val->argi = i + 1;
		return (0);
	}
	if (v->npairs == d->max) {
		resp_add_error(&c->reply, "ERR at most %d %s", v->npairs,
		    d->what != NULL ? d->what : d->name);
		return (-1);
	}
	v->pairs[v->npairs].key = a->argv[i + 1];
	v->pairs[v->npairs].value = a->argv[i + 2];
	if (v->npairs++ == 0) {
		val->s = a->argv[i + 1];
		val->len = a->argvlen[i + 1];
		val->argi = i + 1;
	}
	val->n = v->npairs;
	return (0);
}

/* The positionals from word *i on; *i is left on the first option. */
static int
cmd_parse_args(struct conn *c, const struct cmd_args *a,
    const struct cmd_entry *e, struct cmd_values *v, int *i)
{
	const struct cmd_arg	*d;
	char			 label[CMD_USAGE_MAX];
	int			 k;

	for (k = 0; e->args != NULL && e->args[k].name != NULL; k++) {
		d = &e->args[k];
		if (*i >= a->argc || ((d->flags & ARG_OPTIONAL) != 0 &&
		    cmd_opt_find(e->opts, a->argv[*i]) >= 0))
			break;
		if ((d->flags & ARG_OPTIONAL) != 0)
			label[0] = '\0';
		else
			snprintf(label, sizeof label, " <%s>", d->name);
		if ((d->flags & ARG_MANY) != 0) {
			v->pos[k].s = a->argv[*i];
			v->pos[k].len = a->argvlen[*i];
			v->pos[k].argi = *i;
			for (; *i < a->argc; (*i)++)
				if ((d->flags & ARG_RAW) == 0 &&
				    cmd_word_text(c, a, e, *i, label) != 0)
					return (-1);
			v->pos[k].n = a->argc - v->pos[k].argi;
			break;
		}
		if (cmd_word_read(c, a, e, d, *i, label, &v->pos[k]) != 0)
			return (-1);
		(*i)++;
	}
	return (0);
}

/*
 * Read argv as the row describes it into v: words, types and ranges.
 * 0, or -1 with the error written: a word the row has no place for is
 * "syntax error near '<word>'; usage: <the row's usage>".
 */
static int
cmd_parse(struct conn *c, const struct cmd_args *a, const struct cmd_entry *e,
    struct cmd_values *v)
{
	const struct cmd_arg	*d;
	char			 usage[CMD_USAGE_MAX];
	int			 i = e->sub != NULL ? 2 : 1, k, o, given = 0;

	v->e = e;
	memset(v->pos, 0, sizeof v->pos);
	memset(v->opt, 0, sizeof v->opt);
	v->npairs = 0;
	/* The command's own words are text: "PING\0x" is not PING. */
	for (k = 0; k < i; k++)
		if (cmd_word_text(c, a, e, k, "") != 0)
			return (-1);
	if (cmd_parse_args(c, a, e, v, &i) != 0)
		return (-1);
	while (i < a->argc) {
		if ((o = cmd_opt_find(e->opts, a->argv[i])) < 0)
			goto syntax;
		d = &e->opts[o];
		if (i + cmd_opt_words(d) >= a->argc ||
		    ((e->flags & CMD_ONE_OPT) != 0 && given > 0))
			goto syntax;
		if (cmd_word_text(c, a, e, i, "") != 0)
			return (-1);
		given++;
		if (d->type == ARG_FLAG) {
			v->opt[o].s = a->argv[i];
			v->opt[o].len = a->argvlen[i];
			v->opt[o].argi = i;
			v->opt[o].n = 1;
		} else if (d->type == ARG_PAIR) {
			if (cmd_pair_read(c, a, e, d, i, v, &v->opt[o]) != 0)
				return (-1);
		} else if (cmd_word_read(c, a, e, d, i + 1, "",
		    &v->opt[o]) != 0)
			return (-1);
		i += 1 + cmd_opt_words(d);
	}
	if ((e->flags & CMD_ONE_OPT) != 0 && given == 0) {
		resp_add_error(&c->reply, "ERR syntax error; usage: %s",
		    cmd_usage(e, usage, sizeof usage));
		return (-1);
	}
	return (0);
syntax:
	resp_add_error(&c->reply, "ERR syntax error near '%.64s'; usage: %s",
	    a->argv[i], cmd_usage(e, usage, sizeof usage));
	return (-1);
}

/* What cmd_parse() relies on, checked once over every row. */
static void
cmd_table_check(const struct cmd_entry *e, void *arg)
{
	const struct cmd_arg	*d;
	char			 usage[CMD_USAGE_MAX];
	int			 n;

	for (n = 0, d = e->args; d != NULL && d->name != NULL; d++, n++)
		if ((d->flags & ARG_OPTIONAL) == 0 && d != e->args &&
		    (d[-1].flags & ARG_OPTIONAL) != 0)
			fatalx("%s %s: a required argument after an optional "
			    "one", e->name, e->sub ? e->sub : "");
	if (n > CMD_MAX_ARGS)
		fatalx("%s %s: more than %d arguments", e->name,
		    e->sub ? e->sub : "", CMD_MAX_ARGS);
	for (n = 0, d = e->opts; d != NULL && d->name != NULL; d++, n++)
		if (d->type == ARG_PAIR && (d->flags & ARG_MANY) != 0 &&
		    (d->max < 1 || d->max > CMD_MAX_PAIRS))
			fatalx("%s %s: %s needs a most from 1 to %d", e->name,
			    e->sub ? e->sub : "", d->name, CMD_MAX_PAIRS);
	if (n > CMD_MAX_ARGS)
		fatalx("%s %s: more than %d options", e->name,
		    e->sub ? e->sub : "", CMD_MAX_ARGS);
	if (strlen(cmd_usage(e, usage, sizeof usage)) + 1 >= sizeof usage)
		fatalx("%s %s: usage longer than %d bytes", e->name,
		    e->sub ? e->sub : "", CMD_USAGE_MAX);
}

/* The rows' .check hooks, positionals then options: targets resolved. */
static int
cmd_resolve(struct conn *c, struct cmd_values *v)
{
	const struct cmd_entry	*e = v->e;
	int			 k;

	for (k = 0; e->args != NULL && e->args[k].name != NULL; k++)
		if (e->args[k].check != NULL && v->pos[k].s != NULL &&
		    e->args[k].check(c, v, &v->pos[k]) != 0)
			return (-1);
	for (k = 0; e->opts != NULL && e->opts[k].name != NULL; k++)
		if (e->opts[k].check != NULL && v->opt[k].s != NULL &&
		    e->opts[k].check(c, v, &v->opt[k]) != 0)
			return (-1);
	return (0);
}

const struct cmd_value *
cmd_val(const struct cmd_args *a, const char *name)
{
	const struct cmd_entry	*e = a->v->e;
	int			 k;

	for (k = 0; e->args != NULL && e->args[k].name != NULL; k++)
		if (strcmp(e->args[k].name, name) == 0)
			return (&a->v->pos[k]);
	for (k = 0; e->opts != NULL && e->opts[k].name != NULL; k++)
		if (strcmp(e->opts[k].name, name) == 0)
			return (&a->v->opt[k]);
	fatalx("%s %s has no argument '%s'", e->name, e->sub ? e->sub : "",
	    name);
}

const char *
cmd_str(const struct cmd_args *a, const char *name)
{
	return (cmd_val(a, name)->s);
}

int
cmd_find_user(struct conn *c, struct cmd_values *v, struct cmd_value *val)
{
	if (store_get_user(server.store, val->s, &v->user))
		return (0);
	resp_add_error(&c->reply, "NOTFOUND no such user '%.64s'", val->s);
	return (-1);
}

int
cmd_find_agent(struct conn *c, struct cmd_values *v, struct cmd_value *val)
{
	if ((val->ptr = engine_agent_get(server.engine, val->s)) != NULL)
		return (0);
	resp_add_error(&c->reply, "NOTFOUND no such agent '%.64s'", val->s);
	return (-1);
}

/*
 * Arity, authentication, role, mode, then the row's grammar (text, types,
 * ranges, targets): 0, or -1 with the error written.
 */
static int
cmd_check(struct conn *c, const struct cmd_args *a, const struct cmd_entry *e,
    struct cmd_values *v)
{
	char	usage[CMD_USAGE_MAX];
	int	arity = cmd_arity(e), max = cmd_arity_max(e);

	if ((arity > 0 && a->argc != arity) ||
	    (arity < 0 && a->argc < -arity) || (max > 0 && a->argc > max)) {
		resp_add_error(&c->reply, "ERR wrong number of arguments for "
		    "'%s%s%s' command; usage: %s", e->name, e->sub ? " " : "",
		    e->sub ? e->sub : "", cmd_usage(e, usage, sizeof usage));
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
	if (cmd_parse(c, a, e, v) != 0)
		return (-1);
	return (cmd_resolve(c, v));
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
 * mode and the row's grammar. A reply that depends on a change is held
 * for the commit.
 */
void
cmd_dispatch(struct conn *c, const struct cmd_args *a)
{
	const struct cmd_entry	*e;
	struct cmd_values	 v;
	struct cmd_args		 parsed;
	int			 family;
	size_t			 start, row;
	uint64_t		 before;
	static int		 checked;

	if (!checked) {
		cmd_foreach(cmd_table_check, NULL);
		checked = 1;
	}
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
	if (cmd_check(c, a, e, &v) == 0) {
		c->block_row = row;
		parsed = *a;
		parsed.v = &v;
		e->exec(c, &parsed);
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
