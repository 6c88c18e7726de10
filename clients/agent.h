/*
 * agent.h: hotline-agent, the agent's desk. What its parts share:
 *   agent.c        options, password, main
 *   agent-desk.c   the two links (commands, subscription), login, the
 *                  live events of agent.<name>, reconnect and restore
 *   agent-job.c    running commands one at a time, as chains of requests
 *   agent-cmd.c    the desk commands (accept, note, transfer, new, ...)
 *   agent-show.c   offers, customer cards, ticket lists, replies as text
 *   agent-term.c   the terminal: libedit prompt with the live countdown,
 *                  history
 *   agent-complete.c  Tab completion at that prompt
 *   agent-script.c    script input (--exec, stdin), without a terminal
 */
#ifndef HOTLINE_AGENT_H
#define HOTLINE_AGENT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "evmsg.h"
#include "link.h"
#include "rmap.h"
#include "words.h"

#define DESK_NAME_MAX	64
#define DESK_TEXT_MAX	256

enum presence {
	PRESENCE_OFFLINE,	/* not taking offers (operator, logged out) */
	PRESENCE_READY,
	PRESENCE_BREAK
};

struct desk_opts {
	struct link_opts	 link;
	struct link_session	 session;	/* both links' token */
	const char		*exec;		/* --exec script */
	int			 interactive;
	int			 no_ready;	/* front-line operator */
	int			 keep_going;	/* scripts: go on after errors */
	int			 color;
	int			 bell;
	const char		*history;	/* NULL: no history file */
};

/* Terminal attributes: escape sequences, or "" without colour. */
struct desk_colors {
	const char	*reset, *bold, *dim, *red, *green, *yellow, *blue,
			*magenta, *cyan, *reverse;
};

/* A ticket as the desk shows it (copied out of a TICKET GET reply). */
struct tview {
	uint64_t	id;
	char		state[16];
	char		queue[DESK_NAME_MAX];
	char		tier[DESK_NAME_MAX];
	char		channel[16];
	char		customer[DESK_TEXT_MAX];
	char		subject[DESK_TEXT_MAX];
	char		agent[DESK_NAME_MAX];
	char		disposition[DESK_NAME_MAX];
	char		answer_sla[16];
	char		resolve_sla[16];
	char		insight[DESK_TEXT_MAX];	/* repeat / complaints, if any */
	char		attrs[DESK_TEXT_MAX];	/* "order=A-5521, ...", if any */
	int64_t		priority;
	int64_t		escalations;
	int64_t		wait_ms;
	int64_t		created;
	int64_t		accepted_at;	/* answered before: the clock stopped */
	int64_t		answer_target_ms;
	int64_t		answer_left_ms;
	int64_t		resolve_due;
	int64_t		resolve_left_ms;
	int64_t		pending_until;
	int64_t		fetched;	/* monotonic ms when read */
};

struct desk;
struct job;
typedef void job_fn(struct job *, const redisReply *);

/* One desk command being run: its words and where it is. */
struct job {
	struct desk		*d;
	const struct desk_cmd	*cmd;
	char			*line;		/* as typed */
	struct words		 w;
	int			 arg;		/* first argument after #id */
	uint64_t		 ticket;
	job_fn			*next;		/* gets the reply owed */
	job_fn			*then;		/* after a lookup; what shows */
	struct tview		 tv;
	char			 text[DESK_TEXT_MAX];
	TAILQ_ENTRY(job)	 entry;
};
TAILQ_HEAD(jobs, job);

struct desk_cmd {
	const char	*name;
	const char	*alias;
	const char	*usage;
	const char	*help;
	int		 flags;
#define CMD_TICKET	0x1	/* takes an optional #id (bare N too) */
#define CMD_FREE_TEXT	0x2	/* ... and free text: only #id names a ticket */
#define CMD_AGENT	0x4	/* the user must be an agent */
#define CMD_LOCAL	0x8	/* runs before login, needs no server */
	void		(*run)(struct job *);
	const char	*complete;	/* what the arguments complete to */
};

struct desk {
	struct desk_opts	 o;
	struct desk_colors	 c;
	struct event_base	*base;
	struct link		*cmd;		/* commands */
	struct link		*sub;		/* SUBSCRIBE agent.<name> */
	const char		*user;

	int			 cols;		/* terminal width (scripts: 100) */
	int			 logged_in;	/* the login sequence finished */
	int			 is_agent;
	char			 role[32];
	enum presence		 want;		/* what the person chose */
	char			 reason[DESK_NAME_MAX];
	char			 status[DESK_NAME_MAX];	/* last known */
	int64_t			 lost_at;	/* monotonic ms, 0 if connected */
	int64_t			 retry_at;	/* next reconnect attempt */

	struct tview		 offer;		/* id 0: no offer */
	uint64_t		 offer_shown;	/* id whose card was printed */
	uint64_t		 current;	/* what commands act on */
	int64_t			 current_due;	/* its resolve due, Unix ms */

	struct jobs		 jobs;		/* queued commands, head runs */
	int			 running;	/* the head job is running */
	int			 dispatching;	/* inside desk_run_next */
	int			 failed;	/* a command failed: exit 1 */
	int			 quitting;
	int			 exit_code;

	/* The tiers, lowest first, and completion lists, read at login. */
	char			 tiers[8][RMAP_TIER_MAX];
	int			 ntiers;
	char			**queues;
	int			 nqueues;
	char			**agents;
	int			 nagents;
	char			**commands;	/* protocol commands, "TICKET ACCEPT" */
	int			 ncommands;
	uint64_t		 mine[64];	/* tickets held, for completion */
	int			 nmine;

	struct event		*tick;		/* 1 s while counting down */
	struct event		*ev_stdin;
	struct event		*ev_sigint;
	struct event		*ev_sigterm;
	struct event		*ev_sighup;
	struct event		*ev_sigwinch;
};

/* agent-desk.c */
int	desk_start(struct desk *);
void	desk_stop(struct desk *);
void	desk_quit(struct desk *, int code);
/* Shows a ticket offered to us (fetches it and its customer). */
void	desk_show_offer(struct desk *, uint64_t id);
/* `wait`: shows the offer AGENT NEXT answered with, then ends the job. */
void	desk_offer_from_next(struct job *, const redisReply *);
/* The offer id is gone (accepted, rejected, timed out...); a later offer
 * of the same ticket gets its card again. */
void	desk_offer_gone(struct desk *, uint64_t id);
/* Re-reads what the desk holds, for completion and the prompt. */
void	desk_refresh_mine(struct desk *);
/* Replaces a completion list with the names in a reply. */
void	desk_set_names(char ***, int *, const redisReply *, const char *field);

/* agent-cmd.c */
extern const struct desk_cmd desk_cmds[];
const struct desk_cmd *desk_cmd_find(const char *name);
/* Queues a line typed or read from a script; runs it when its turn comes. */
void	desk_submit(struct desk *, const char *line);
/* The next queued command, if none runs. */
void	desk_run_next(struct desk *);
/* At exit: the commands never run. */
void	desk_drop_jobs(struct desk *);
void	job_done(struct job *, int ok);
/* Sends a command for a job; the reply goes to fn (connection loss fails it). */
int	job_call(struct job *, job_fn *fn, ...) __attribute__((sentinel));
int	job_callv(struct job *, job_fn *fn, int argc, const char **argv);
/* Ends the job with an error printed; returns so callers can `return`. */
void	job_fail(struct job *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An error reply ends the job (1), anything else goes on (0). */
int	job_error(struct job *, const redisReply *);
/* The ticket the job acts on, as text; -1 (job failed) when there is none. */
int	job_ticket(struct job *, char *num, size_t len);
/* The words after the command and its #id. */
int	job_nargs(const struct job *);

/* agent-show.c */
void	tview_read(struct tview *, const redisReply *);
void	show_offer(struct desk *, const struct tview *, const redisReply *cust);
void	show_ticket(struct desk *, const struct tview *, const redisReply *cust);
void	show_customer(struct desk *, const redisReply *cust);
/* With held_only, offers (shown on their own card) are left out. */
void	show_ticket_list(struct desk *, const char *title, const redisReply *,
	    int held_only);
void	show_history(struct desk *, uint64_t id, const redisReply *);
void	show_agent_status(struct desk *, const redisReply *);
void	show_queues(struct desk *, const redisReply *);
void	show_reply(struct desk *, const redisReply *);
const char *tier_color(const struct desk *, const char *tier);

/* agent-term.c */
int	term_start(struct desk *);
void	term_stop(struct desk *);
/* Prints text above the prompt (interactive) or on stdout. */
void	term_write(struct desk *, const char *text);
void	term_printf(struct desk *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An error: red above the prompt, or on stderr for scripts. */
void	term_error(struct desk *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Recomputes the prompt (status, offer countdown) and redraws if changed. */
void	term_prompt(struct desk *);
/* Columns text takes (UTF-8; what lies between \001 markers: none). */
size_t	term_width(const char *s, const char *end);
/* The terminal's width. */
int	term_cols(void);

/* agent-complete.c: libedit's function for the Tab key; the desk is the
 * editor's EL_CLIENTDATA. */
struct editline;
unsigned char cmpl_key(struct editline *, int ch);

/* agent-script.c */
int	script_start(struct desk *);
void	script_stop(void);
/* Script input: 1 once every statement was read (EOF, or --exec). */
int	term_script_done(const struct desk *);

#endif
