/*
 * conn.h: one client connection: its parser, the replies it is owed, its
 * identity and its mode (normal, blocked in AGENT NEXT, subscribed).
 */
#ifndef HOTLINE_CONN_H
#define HOTLINE_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "engine.h"
#include "resp.h"

struct hash_job;
struct report_job;

#define CONN_IN_FLUSH	0x01	/* on server.flush */
#define CONN_IN_RESUME	0x02	/* on server.resume */
#define CONN_CLOSE	0x04	/* close once replies are sent */
#define CONN_DEAD	0x08	/* freed at the safe point */
#define CONN_PUBSUB	0x10	/* subscribed: only pub/sub commands */
#define CONN_BLOCKED	0x20	/* a command waits (AGENT NEXT), woken or not */
#define CONN_UNIX	0x40
#define CONN_READ_OFF	0x80	/* reading paused (blocked, input bounded) */
#define CONN_WAIT_AUTH	0x100	/* a password being checked or hashed, or
				   an AUTH answer held */
#define CONN_WAIT_REPORT 0x200	/* a REPORT on the report thread */
#define CONN_SESSION	0x400	/* counted in its user's live sessions */
#define CONN_WAITING	0x800	/* on the waiters' list (waiters.c) */

/* Unsent replies before login: this many times preauth_max_bytes. */
#define CONN_PREAUTH_OUTPUT_FACTOR	4

/* Byte ranges of replies that depend on the pending commit. */
struct conn_range {
	size_t	start;
	size_t	end;
};

struct conn {
	uint64_t		 id;
	int			 fd;
	int			 flags;
	struct bufferevent	*bev;		/* output that had to wait */
	struct event		*rev;		/* input */
	struct event		*hup;		/* the peer left, reading paused */
	char			 addr[128];
	hl_ms			 created;
	uint64_t		 commands;

	struct resp_parser	*parser;
	struct buf		 reply;		/* not yet handed to the socket */
	struct conn_range	*ranges;
	size_t			 nranges, cranges;

	int			 authed;
	char			 user[ENGINE_NAME_MAX];
	int			 role;
	int			 auth_failures;
	struct hash_job		*auth_job;	/* on the hasher thread */
	struct event		*auth_timer;	/* a failure's delayed answer */
	int			 auth_hello;	/* answer with HELLO's map */

	struct report_job	*report_job;	/* on the report thread */

	/* A command blocked until woken (cmd_block(), daemon/cmd/cmd.c) */
	void			(*block_resume)(struct conn *, int why);
	size_t			 block_row;	/* its command-table row */
	int			 block_wake;	/* CMD_WAKE_* bits since */

	/* daemon/net/waiters.c: waiting for an offer to its agent */
	struct event		*block_timer;	/* its timeout */
	uint64_t		 offer_shown;	/* the offer AGENT NEXT showed */
	TAILQ_ENTRY(conn)	 wait_entry;

	/* daemon/net/guard.c: deadlines, and the count of its address */
	struct event		*auth_deadline;	/* auth_timeout from accept */
	struct event		*request_timer;	/* request_timeout */
	uint64_t		 request_mark;	/* commands when it was armed */
	int			 guard_counted;	/* unauthenticated, counted */

	/* SUBSCRIBE / PSUBSCRIBE */
	char			**channels;
	size_t			 nchannels;
	char			**patterns;
	size_t			 npatterns;

	TAILQ_ENTRY(conn)	 entry;
	TAILQ_ENTRY(conn)	 flush_entry;
	TAILQ_ENTRY(conn)	 resume_entry;
	TAILQ_ENTRY(conn)	 dead_entry;
};

void	conn_accept(int fd, const char *addr, int is_unix);
/* Run the parsed commands the connection has, unless blocked. */
void	conn_process(struct conn *);
/* Queue the reply buffer for sending at the end of the iteration. */
void	conn_want_flush(struct conn *);
void	conn_flush_all(void);
/*
 * Go on at the end of the iteration: a blocked command that was woken is
 * answered (cmd_unblock()), then the pipelined commands run.
 */
void	conn_resume(struct conn *);
void	conn_resume_all(void);
/* Mark for freeing at the safe point (end of the iteration). */
void	conn_kill(struct conn *, const char *why);
void	conn_free_dead(void);
/* Record that the reply written since `start` waits on the commit. */
void	conn_mark_write(struct conn *, size_t start);
/* Replace every commit-dependent reply by an error (failed commit). */
void	conn_fail_writes(const char *err);
/* Output bytes queued (reply buffer and socket buffer). */
size_t	conn_output_len(const struct conn *);
void	conn_set_idle(struct conn *);
/* The source address without the port ("unix" for the unix socket). */
void	conn_host(const struct conn *, char *buf, size_t len);
/* AUTH succeeded: the connection is now user's, with role. */
void	conn_login(struct conn *, const char *user, int role);
/* Live (not killed) connections authenticated as user. */
size_t	conn_user_count(const char *user);
/* The user's role changed: its open sessions take the new one at once. */
void	conn_user_role(const char *user, int role);

#endif
