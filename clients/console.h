/*
 * console.h: hotline-console, the supervisor's wallboard. Its parts:
 *   console.c         options, main; what each change of the model does
 *                     (repaint, a message, --once's print, quitting)
 *   console-data.c    the model: queues, agents, live alarms; it records
 *                     and marks what changed, and draws nothing
 *   console-feed.c    the model's event feed
 *   tmap.c            ticket id -> queue and alarm level
 *   console-sync.c    the links: snapshots at (re)connection, then events
 *                     (SUBSCRIBE events) with coalesced re-reads
 *   console-view.c    rows of cells for queues, agents and the feed,
 *                     shared by the screen and the --once text
 *   console-screen.c  ncurses: layout, panes, colours, resize
 *   console-keys.c    keys, prompts, actions, the help overlay
 */
#ifndef HOTLINE_CONSOLE_H
#define HOTLINE_CONSOLE_H

#include <stdint.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "evmsg.h"
#include "link.h"
#include "rmap.h"
#include "tmap.h"

#define CON_NAME_MAX	64
#define CON_MAX_TIERS	8
#define CON_FEED_MAX	400	/* ordinary events kept */
#define CON_ALERTS_MAX	200	/* breaches, escalations, warnings kept */

/* Colour classes; the screen maps them to pairs, --once ignores them. */
enum ccolor {
	CC_NORMAL,
	CC_GOOD,
	CC_WARN,
	CC_BAD,
	CC_DIM,
	CC_ACCENT,
	CC_GOLD,
	CC_DIAMOND,
	CC_HEADER,
	CC_TITLE,
	CC_NCOLORS
};

/* Alarm level of a waiting ticket's answer SLA. */
enum alarm {
	ALARM_NONE,
	ALARM_WARNING,
	ALARM_BREACH
};

struct cqueue {
	char		name[CON_NAME_MAX];
	int64_t		waiting;
	int64_t		tier_waiting[CON_MAX_TIERS];
	int64_t		oldest_wait_ms;
	int64_t		offered;
	int64_t		active;
	int64_t		breaches_today;
	int64_t		answered_today;
	int64_t		abandoned_today;
	int64_t		asa_today_ms;
	char		sl_today[16];
	char		sl_15m[16];
	char		sl_1h[16];
	int64_t		agents_available;
	int64_t		agents_logged_in;
	int64_t		fetched;	/* monotonic ms of the snapshot */
	int		warnings;	/* live alarms among its waiting tickets */
	int		breaches;
	int		dirty;		/* an event touched it: re-read */
	int		inflight;
};

struct cagent {
	char		name[CON_NAME_MAX];
	char		status[CON_NAME_MAX];
	char		reason[CON_NAME_MAX];
	char		skills[256];
	char		connection[16];	/* connected, detached, absent */
	int64_t		status_ms;
	int64_t		fetched;
	int64_t		offer;
	int64_t		active;
	int64_t		capacity;
	int64_t		missed;
	int64_t		handled;
	uint64_t	ticket;		/* the ticket being worked, 0: none */
	int		dirty;
	int		inflight;
	int		gone;		/* deleted */
};

/* Feed items sort by kind: breaches first, then escalations, warnings,
 * and the rest; newest first within each. */
enum feed_kind {
	FEED_BREACH,
	FEED_ESCALATION,
	FEED_WARNING,
	FEED_OTHER,
	NFEED_KINDS
};

struct feed_item {
	int64_t		time;
	int64_t		seq;
	enum feed_kind	kind;
	uint64_t	ticket;
	char		label[12];	/* BREACH, accept, agent... */
	char		queue[CON_NAME_MAX];	/* "" until known */
	char		detail[128];
	enum ccolor	color;
};

struct console_opts {
	struct link_opts	 link;
	struct link_session	 session;	/* both links' token */
	int			 once;
	int			 width;		/* --once */
	int			 sl_target;	/* percent */
	int			 sl_amber;	/* points below target: amber */
	int			 color;
	const char		*filter;
};

enum pane {
	PANE_QUEUES,
	PANE_AGENTS,
	PANE_FEED,
	NPANES
};

/* A question on the bottom line, for an action (console-keys.c). */
struct prompt {
	int		active;
	int		action;		/* the key that asked */
	int		step;
	char		label[160];
	char		buf[128];
	size_t		len;
	uint64_t	ticket;
	char		agent[CON_NAME_MAX];
};

struct screen;

struct console {
	struct console_opts	 o;
	struct event_base	*base;
	struct link		*cmd;
	struct link		*sub;
	const char		*user;
	int			 subscribed;
	int			 loaded;	/* a snapshot arrived */
	int			 loading;
	int			 quitting;
	int			 exit_code;
	int64_t			 lost_at;
	int			 changed;	/* DATA_*, since last looked */
	char			 why[256];	/* the link's error */

	char			 tiers[CON_MAX_TIERS][RMAP_TIER_MAX];
	int			 ntiers;
	struct cqueue		*queues;
	int			 nqueues;
	struct cagent		*agents;
	int			 nagents;
	struct tmap		 tickets;

	/* Rings, one per kind; the newest item at (head + n - 1) % max. */
	struct feed_item	*feed[NFEED_KINDS];
	int			 feed_max[NFEED_KINDS];
	int			 feed_n[NFEED_KINDS];
	int			 feed_head[NFEED_KINDS];
	/*
	 * The answer-SLA breaches of tickets still waiting, oldest first:
	 * one item per ticket, however many, kept until the ticket is
	 * answered or gone (then its item joins the breach ring, as
	 * history). Rebuilt from the waiting tickets at each snapshot.
	 */
	struct feed_item	*live;
	int			 nlive;
	int			 live_max;

	char			 filter[CON_NAME_MAX];	/* a queue, "": all */
	enum pane		 focus;
	int			 sel[NPANES];	/* selected visible item */
	int			 help;		/* the help overlay is up */
	struct prompt		 prompt;

	struct event		*ev_changed;	/* the model changed */
	struct event		*ev_refresh;	/* coalesced re-reads */
	struct event		*ev_draw;	/* one redraw per loop turn */
	struct event		*ev_tick;	/* 1 s: waits and clocks */
	struct event		*ev_stdin;
	struct event		*ev_sigwinch;
	struct event		*ev_sigterm;
	struct event		*ev_sigint;
	struct event		*ev_msg;	/* clears the status message */

	struct screen		*scr;
};

/* console.c */
void	console_quit(struct console *, int code);

/*
 * console-data.c, console-feed.c: the model. Each change is marked in
 * c->changed and activates c->ev_changed (when set): whoever shows the
 * model reads it then, and clears c->changed.
 */
#define DATA_TABLES	0x01	/* queues, agents, alarms or the feed */
#define DATA_LOADED	0x02	/* a snapshot is complete */
#define DATA_LOST	0x04	/* a link is down, reconnecting: c->why */
#define DATA_FATAL	0x08	/* a link is down for good: c->why */
void	data_init(struct console *);
void	data_free(struct console *);
void	data_mark(struct console *, int what);
int	data_queue_index(const struct console *, const char *);
struct cagent *data_agent(struct console *, const char *);
/* Queues shown under the filter. */
int	data_queue_visible(const struct console *, const struct cqueue *);
/* Agents shown under the queue filter. */
int	data_agent_visible(const struct console *, const struct cagent *);
/* The snapshot's replies: QUEUE LIST, AGENT LIST, the waiting (queued
 * and offered) and the active tickets; then data_loaded(). */
void	data_set_queues(struct console *, const redisReply *);
void	data_set_agents(struct console *, const redisReply *);
void	data_set_waiting(struct console *, const redisReply *);
void	data_set_active(struct console *, const redisReply *);
void	data_loaded(struct console *);
void	data_lost(struct console *, const char *why, int fatal);
/* A re-read's reply (QUEUE STATS, AGENT STATUS; NULL: the link went
 * down): 1 if more is to be re-read (an event touched it meanwhile; an
 * agent's new status changes its queues' agent counts). */
int	data_set_queue(struct console *, const char *, const redisReply *);
int	data_set_agent(struct console *, const char *, const redisReply *);
void	data_set_ticket_queue(struct console *, uint64_t id, const char *);
/* An event; the id of a ticket whose queue to ask for, or 0. */
uint64_t data_apply(struct console *, const struct evmsg *);
void	data_feed_init(struct console *);
void	data_feed_free(struct console *);
void	data_feed_add(struct console *, const struct evmsg *,
	    const struct tment *);
void	data_feed_set_queue(struct console *, uint64_t id, const char *);
/* A waiting ticket seen breached (a snapshot): its live breach item. */
void	data_feed_breached(struct console *, const redisReply *ticket);
/* Ticket t's alarm or queue changed: its live breach follows. */
void	data_feed_follow(struct console *, const struct tment *t);
/* A new snapshot: the live breaches are read again. */
void	data_feed_live_clear(struct console *);
/* The feed under the queue filter: its length, and item i (breaches
 * first, then escalations, warnings and the rest, newest first). */
int	data_feed_count(const struct console *);
const struct feed_item *data_feed_item(const struct console *, int i);
/* Whether the alarm of an item's ticket is still live. */
int	data_feed_live(const struct console *, const struct feed_item *);

/* console-sync.c: the links that feed the model. */
int	sync_start(struct console *);
void	sync_stop(struct console *);
/* Re-reads everything (a new connection, Ctrl-L, a reload). */
void	sync_snapshot(struct console *);
/* Sends a command for an action; the reply goes to fn with arg. */
int	sync_call(struct console *, redisCallbackFn *fn, void *arg, ...)
	    __attribute__((sentinel));

/* console-view.c: a row is cells of text with a colour each. */
#define ROW_MAX_CELLS	24

struct cell {
	char		text[96];
	int		width;
	int		right;		/* right-aligned */
	enum ccolor	color;
};

struct row {
	struct cell	c[ROW_MAX_CELLS];
	int		n;
};

void	view_queue_header(const struct console *, struct row *, int width);
void	view_queue_row(const struct console *, const struct cqueue *,
	    struct row *, int width);
enum ccolor view_queue_color(const struct console *, const struct cqueue *);
void	view_agent_header(struct row *, int width);
void	view_agent_cell(const struct console *, const struct cagent *,
	    struct row *, int width);
void	view_feed_line(const struct feed_item *, struct row *, int width);
/* The row as plain text, cells padded, at most width columns. */
void	view_row_text(const struct row *, char *buf, size_t len);
enum ccolor view_tier_color(const struct console *, const char *tier);
int64_t	view_oldest_wait(const struct cqueue *);
int64_t	view_status_time(const struct cagent *);
int	console_print_once(struct console *);

/* console-screen.c */
int	screen_start(struct console *);
void	screen_stop(struct console *);
/* The model changed: repaint the panes (once, at the end of this turn). */
void	screen_dirty(struct console *);
/* Repaint some parts only: SCREEN_BOTTOM for the prompt and messages,
 * SCREEN_ALL after the help overlay closes. */
#define SCREEN_BOTTOM	0x10
#define SCREEN_ALL	0x3f
void	screen_dirty_part(struct console *, int parts);
void	screen_draw(struct console *);
void	screen_resize(struct console *);
/* One line at the bottom for a while: results of actions, errors. */
void	screen_message(struct console *, enum ccolor, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* The n-th queue, agent or feed item shown (under the filter), or NULL;
 * and how many there are. */
struct cqueue	*screen_queue(struct console *, int n);
struct cagent	*screen_agent(struct console *, int n);
int		 screen_count(struct console *, enum pane);
/* Agents per row of the grid (for the arrow keys). */
int		 screen_agent_columns(const struct console *);

/* console-keys.c */
void	keys_read(evutil_socket_t, short, void *);
int	keys_prompt_active(const struct console *);
void	keys_draw_prompt(struct console *);

#endif
