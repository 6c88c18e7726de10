/*
 * cmd.h: the command table. Each family (cmd-server.c, cmd-ticket.c, ...)
 * exports a NULL-terminated array of rows; cmd_dispatch() is the one place
 * that checks lookup, arity, authentication, role and mode before a handler
 * runs. Handlers never repeat those checks.
 */
#ifndef HOTLINE_CMD_H
#define HOTLINE_CMD_H

#include <stddef.h>

#include "engine.h"

struct conn;
struct resp_buf;

#define CMD_NOAUTH	0x01	/* allowed before AUTH */
#define CMD_WRITE	0x02	/* changes state: journaled */
#define CMD_PUBSUB	0x04	/* allowed while subscribed */
#define CMD_AUDIT	0x08	/* audited even though it changes no ticket */
/*
 * argv[i] may hold any byte: a password, or PING's message. Every other
 * argument is text (UTF-8 without NUL), checked by cmd_dispatch().
 */
#define CMD_BYTES(i)	(0x100 << (i))
#define CMD_BYTES_LAST	22	/* the last i CMD_BYTES() can mark */

struct cmd_args {
	int		 argc;
	char		**argv;
	size_t		*argvlen;
};

struct cmd_entry {
	const char	*name;		/* "TICKET" */
	const char	*sub;		/* "CREATE", or NULL */
	int		 arity;		/* words with name and sub; <0: at least */
	int		 flags;
	int		 roles;		/* ROLE_* bits allowed */
	const char	*usage;
	void		(*exec)(struct conn *, const struct cmd_args *);
};

extern const struct cmd_entry cmd_server_table[];
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
	struct resp_buf	*b;		/* &c->reply */
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
int	cmd_parse_id(struct conn *, const char *, uint64_t *);
int	cmd_parse_int(struct conn *, const char *, long long min,
	    long long max, long long *);
int	cmd_is(const char *arg, const char *keyword);
/*
 * A name argument (what: "customer id", "channel"...) of at most max - 1
 * bytes and flags as text_name_check(): 0, or -1 with -ERR written.
 */
int	cmd_check_name(struct conn *, const struct cmd_args *, int i,
	    size_t max, int flags, const char *what);

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
