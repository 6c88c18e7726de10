/*
 * cmd.h: the command table. Each family (cmd-server.c, cmd-ticket.c, ...)
 * exports a NULL-terminated array of rows; cmd_dispatch() is the one place
 * that checks lookup, arity, authentication, role and mode, then parses
 * and checks the arguments as the row describes them, before a handler
 * runs. Handlers never repeat those checks, nor parse words.
 */
#ifndef HOTLINE_CMD_H
#define HOTLINE_CMD_H

#include <stddef.h>

#include "engine.h"
#include "store.h"

struct conn;
struct buf;

#define CMD_NOAUTH	0x01	/* allowed before AUTH */
#define CMD_WRITE	0x02	/* changes state: journaled */
#define CMD_PUBSUB	0x04	/* allowed while subscribed */
#define CMD_AUDIT	0x08	/* audited even though it changes no ticket */
/* Exactly one of the row's options: "QUEUE <q> | AGENT <a>". */
#define CMD_ONE_OPT	0x10

struct cmd_values;

struct cmd_args {
	int			 argc;
	char			**argv;
	size_t			*argvlen;
	/* The arguments as the row describes them, parsed and checked. */
	const struct cmd_values	*v;
};

/*
 * How cmd_dispatch() reads a word (tmux's args template). After the
 * command's name come the positionals in order, required ones first,
 * then the options, keyword and value(s), in any order; a word that is
 * an option's keyword ends the optional positionals. Every word is text
 * (UTF-8 without NUL: a NUL would cut a name short) unless ARG_RAW.
 */
enum cmd_type {
	ARG_TEXT = 0,	/* text: UTF-8 without NUL (the default) */
	ARG_NAME,	/* a name: text_name_check(), .max bytes with NUL */
	ARG_INT,	/* an integer from .min to .max */
	ARG_ID,		/* a ticket id: an integer from 1 */
	ARG_WORD,	/* one of .words ("tier|queue"), any case: ->n is
			   its place */
	ARG_FLAG,	/* an option without a value: "ACCEPT" */
	ARG_PAIR	/* an option with two values: "ATTR k v" */
};

#define ARG_OPTIONAL	0x01	/* a positional that may be left out */
#define ARG_MANY	0x02	/* a positional: every word to the end;
				   an ARG_PAIR: given up to .max times */
#define ARG_RAW		0x04	/* bytes, not text: a password (a pair's
				   second word) */

struct cmd_value;

struct cmd_arg {
	const char	*name;		/* positional "queue"; option "TIER" */
	const char	*value;		/* an option's value in the usage: "t" */
	enum cmd_type	 type;
	int		 flags;		/* ARG_* */
	long long	 min, max;	/* ARG_INT's range; ARG_NAME's size,
					   ARG_MANY's count */
	const char	*words;		/* ARG_WORD's choice: "tier|queue" */
	const char	*what;		/* in errors: "user name", "attributes" */
	int		 textflags;	/* ARG_NAME: text_name_check()'s */
	/*
	 * Run once every word parsed, before the handler: resolve a target
	 * ("an agent that exists") or check a value; 0, or -1 with the
	 * error written.
	 */
	int		(*check)(struct conn *, struct cmd_values *,
			    struct cmd_value *);
};

/*
 * A row's argument lists: .args = ARGS(POS("queue"), POS("customer")),
 * .opts = ARGS(OPT("PRIORITY", "n", .type = ARG_INT, .min = -1000,
 * .max = 1000)). POS's and OPT's other fields are designated.
 */
#define ARGS(...)	((const struct cmd_arg[]){ __VA_ARGS__, \
			    { .name = NULL } })
#define POS(n, ...)	{ .name = (n), __VA_ARGS__ }
#define OPT(n, v, ...)	{ .name = (n), .value = (v), __VA_ARGS__ }

#define CMD_MAX_ARGS	12	/* positionals, or options, of one row */
#define CMD_MAX_PAIRS	64	/* an ARG_PAIR option given ARG_MANY times */

struct cmd_value {
	const char	*s;		/* the word; NULL when not given */
	size_t		 len;
	long long	 n;		/* ARG_INT, ARG_ID; ARG_WORD's index;
					   ARG_FLAG: 1 */
	int		 argi;		/* its place in argv (ARG_MANY: the
					   first) */
	const void	*ptr;		/* what .check resolved (an agent) */
};

struct cmd_values {
	const struct cmd_entry	*e;			/* the row */
	struct cmd_value	 pos[CMD_MAX_ARGS];
	struct cmd_value	 opt[CMD_MAX_ARGS];
	struct attr		 pairs[CMD_MAX_PAIRS];	/* ARG_PAIR ARG_MANY */
	int			 npairs;
	struct store_user	 user;			/* cmd_find_user */
};

/*
 * A row says what its command takes (.args, .opts: NULL for nothing);
 * its arity and usage line follow from that (cmd_arity, cmd_usage).
 */
struct cmd_entry {
	const char		*name;	/* "TICKET" */
	const char		*sub;	/* "CREATE", or NULL */
	int			 flags;
	int			 roles;	/* ROLE_* bits allowed */
	void			(*exec)(struct conn *, const struct cmd_args *);
	const struct cmd_arg	*args;	/* positionals, { NULL } ended */
	const struct cmd_arg	*opts;	/* keyword options, { NULL } ended */
};

extern const struct cmd_entry cmd_server_table[];
extern const struct cmd_entry cmd_info_table[];
extern const struct cmd_entry cmd_ticket_table[];
extern const struct cmd_entry cmd_agent_table[];
extern const struct cmd_entry cmd_queue_table[];
extern const struct cmd_entry cmd_customer_table[];
extern const struct cmd_entry cmd_pubsub_table[];
extern const struct cmd_entry cmd_report_table[];
extern const struct cmd_entry cmd_session_table[];

void	cmd_dispatch(struct conn *, const struct cmd_args *);
/* Call fn for every row (tests, INFO, HELP). */
void	cmd_foreach(void (*fn)(const struct cmd_entry *, void *), void *);

/* The row's usage line, generated from its arguments (COMMAND, errors). */
#define CMD_USAGE_MAX	256
const char	*cmd_usage(const struct cmd_entry *, char *, size_t);
/* Words with name and sub; negative: at least (COMMAND's arity). */
int		 cmd_arity(const struct cmd_entry *);

/*
 * A parsed argument by its row name ("queue", "TIER"): never NULL, ->s
 * NULL when it was not given. cmd_str() is its word, or NULL.
 */
const struct cmd_value	*cmd_val(const struct cmd_args *, const char *);
const char		*cmd_str(const struct cmd_args *, const char *);

/* Targets for .check: a stored user (v->user), an agent (->ptr). */
int	cmd_find_user(struct conn *, struct cmd_values *, struct cmd_value *);
int	cmd_find_agent(struct conn *, struct cmd_values *, struct cmd_value *);

/*
 * Per row since start: dispatches that matched it, and those answered with
 * an error (arity, role and mode refusals included; a blocked AGENT NEXT
 * when it is answered; AUTH, AGENT ADD and AGENT PASSWD wait for the hasher
 * and are answered later, uncounted here, AUTH's failures counted in
 * auth_failures instead).
 */
struct cmd_stat {
	uint64_t	calls;
	uint64_t	errors;
};
void	cmd_stats_foreach(void (*fn)(const struct cmd_entry *,
	    const struct cmd_stat *, void *), void *);

/*
 * Rows read once (a query, a walk of the engine) straight into the reply,
 * behind a count set when the last is in (resp_add_deferred_len()).
 * A row callback writes to rows->b and counts itself in rows->n.
 */
struct cmd_rows {
	struct conn	*c;
	struct buf	*b;		/* &c->reply */
	size_t		 n;
	size_t		 mark;
};
void	cmd_rows_open(struct conn *, struct cmd_rows *);
/* rc 0: the array is complete; else the rows give way to "-ERR err". */
void	cmd_rows_close(struct conn *, struct cmd_rows *, int rc,
	    const char *err);

/* Helpers shared by the handlers. */
struct actor	cmd_actor(const struct conn *);
void	cmd_reply_engine(struct conn *, int rc, const char *err);
int	cmd_is(const char *arg, const char *keyword);

/*
 * Password checks (cmd-server.c), shared with AGENT PASSWD ... OLD: a
 * refusal answered after delay ms (WRONGPASS in the words of kind), and
 * the end of the wait either way.
 */
#define AUTH_KIND_AUTH		0
#define AUTH_KIND_HELLO		1	/* HELLO 2 AUTH: answered with a map */
#define AUTH_KIND_PASSWD	2	/* AGENT PASSWD ... OLD */
void	cmd_auth_refuse(struct conn *, hl_ms delay, int kind);
void	cmd_auth_release(struct conn *);
/* Logged in: the answer AUTH or HELLO ... AUTH owes (OK, or HELLO's map). */
void	cmd_auth_accepted(struct conn *);
/* AUTH with a session token (cmd-session.c); the attempt is counted by
 * the throttle under (host, name) already. */
void	cmd_session_auth(struct conn *, const char *user, size_t userlen,
	    const char *token, size_t len, const char *host, const char *name);

/*
 * Blocking, as Redis's blockClient() and unblockClient(). A handler with
 * no answer yet calls cmd_block() with its continuation and returns: the
 * connection runs no further command. What it waits for calls cmd_wake()
 * (daemon/net/waiters.c: an offer to the agent, or the timeout); at the
 * end of the iteration, after the commit, cmd_unblock() runs the
 * continuation with why (CMD_WAKE_* bits). The continuation looks again
 * (what woke it may be gone) and answers, or blocks again.
 *
 * Accounting is a dispatch's: the call is counted and audited when
 * dispatched (what was asked); the answer, from the continuation, counts
 * as an error if it is one and is held for the commit if it changed
 * anything, as the handler's own answer would be.
 */
#define CMD_WAKE_READY		0x01	/* what it waits for may be there */
#define CMD_WAKE_TIMEOUT	0x02

typedef void	cmd_resume_fn(struct conn *, int why);

void	cmd_block(struct conn *, cmd_resume_fn *);
void	cmd_wake(struct conn *, int why);
/* Run the continuation of a blocked command that was woken, if any. */
void	cmd_unblock(struct conn *);

#endif
