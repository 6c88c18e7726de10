/*
 * hotline-bench.h: what the load generator's parts share. The shift
 * (hotline-bench-shift.c: phases; -ops.c: operators; -agents.c: agents;
 * -conn.c: connections and failures) runs operators and agents on one
 * event loop and fills struct bench; main (hotline-bench.c) parses
 * options and reports.
 */
#ifndef HOTLINE_BENCH_H
#define HOTLINE_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <event2/util.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "histo.h"
#include "tickmap.h"

#define BENCH_MAX_TIERS	16

enum lat {
	LAT_CREATE,		/* TICKET CREATE sent -> its id received */
	LAT_OFFER,		/* TICKET CREATE sent -> AGENT NEXT reply */
	LAT_ACCEPT,
	LAT_RESOLVE,
	LAT_READY,
	LAT_LIFECYCLE,		/* TICKET CREATE sent -> RESOLVE reply */
	NLAT
};

enum phase {
	PHASE_SETUP,		/* AGENT ADD the agents (--setup) */
	PHASE_CONNECT,		/* AUTH everyone, agents AGENT READY */
	PHASE_RUN,		/* measuring */
	PHASE_DRAIN		/* collect the replies owed, then close */
};

struct options {
	const char	*host;
	int		 port;
	const char	*socket;
	const char	*user;
	const char	*password;
	int		 agents;
	const char	*agent_prefix;
	const char	*agent_password;
	int		 operators;
	double		 duration;	/* 0 with tickets */
	uint64_t	 tickets;	/* 0 with duration */
	double		 rate;		/* 0: closed loop */
	int		 pipeline;
	int		 backlog;	/* 0: no cap */
	const char	*tiers;
	const char	*queue;
	int		 customers;
	int		 next_timeout;	/* AGENT NEXT timeout, seconds */
	int		 auto_accept;	/* AGENT NEXT ... ACCEPT */
	int		 no_ready;	/* RESOLVE, then straight to NEXT */
	int		 stall;
	int		 setup;
	int		 csv;
};

struct tier {
	char	name[64];
	int	weight;
	int	current;	/* smooth weighted round-robin */
};

/* What every connection has; operators and agents embed it. */
struct conn {
	struct redisAsyncContext *ac;
	char			  name[96];
	int			  closing;
};

/* A create in flight: replies come back in order, so a ring suffices. */
struct pending {
	int64_t	sent;
	int	tier;
};

struct op {
	struct conn	 c;
	struct pending	*ring;
	size_t		 cap;
	size_t		 head;
	size_t		 n;
	int		 parked;	/* waiting for the backlog to shrink */
};

enum agent_step {
	AG_AUTH,
	AG_START,		/* the unmeasured AGENT READY after AUTH */
	AG_NEXT,
	AG_ACCEPT,
	AG_RESOLVE,
	AG_READY,
	AG_RECOVER		/* AGENT READY after an error reply */
};

struct agent {
	struct conn	 c;
	char		 user[64];
	enum agent_step	 step;
	uint64_t	 ticket;
	int		 leftover;	/* the ticket is from before the run */
	int64_t		 sent;
};

struct bench {
	struct options		 o;
	struct event_base	*base;
	enum phase		 phase;
	int			 failed;
	int			 aborting;
	int			 nconns;	/* open contexts */
	int			 nready;	/* authenticated and ready */

	struct tier		 tiers[BENCH_MAX_TIERS];
	int			 ntiers;
	int			 tier_total;
	uint64_t		 next_customer;

	struct conn		 setup;
	int			 setup_left;
	int			 setup_added;
	int			 setup_existed;
	int64_t			 setup_started;

	struct op		*ops;
	struct agent		*agents;
	size_t			 next_op;	/* rate mode round-robin */

	struct event		*ev_window;
	struct event		*ev_rate;
	struct event		*ev_watch;
	struct event		*ev_drain;
	struct event		*ev_int;

	int64_t			 start;		/* the measured window */
	int64_t			 end;
	uint64_t		 sent;		/* TICKET CREATE sent */
	uint64_t		 created;	/* ... and answered with an id */
	uint64_t		 offers;	/* AGENT NEXT gave a ticket */
	uint64_t		 completed;	/* RESOLVE answered, in window */
	uint64_t		 next_nil;	/* AGENT NEXT timed out */
	uint64_t		 first_id;	/* INFO next_ticket_id at start */
	uint64_t		 leftover;	/* older tickets worked off */
	uint64_t		 errors;
	uint64_t		 progress;	/* replies that moved a ticket */
	uint64_t		 watch_progress;
	int			 watch_idle;
	int64_t			 waiting;	/* sent, not offered yet */

	struct tickmap		 map;
	struct histo		 lat[NLAT];
	struct histo		 tier_offer[BENCH_MAX_TIERS];
};

extern struct bench	bench;

int64_t	now_us(void);
/* Creates the events and starts (with --setup, AGENT ADD first). */
int	shift_start(void);
/* After the loop: frees whatever is still connected, and the events. */
void	shift_free(void);

/* Within the shift. hotline-bench-conn.c: */
/* Into histogram h, when measuring. */
void	record(struct histo *h, int64_t us);
void	bench_fail(const char *, ...) __attribute__((format(printf, 1, 2)));
void	bench_error(const struct conn *, const char *cmd,
	    const redisReply *);
int	conn_open(struct conn *);
void	conn_close(struct conn *);
int	conn_send(struct conn *, redisCallbackFn *, void *arg,
	    const char *fmt, ...);
void	conn_free(struct conn *);
const redisReply *map_field(const redisReply *,
	    const char *field);
uint64_t reply_id(const redisReply *);
/* hotline-bench-ops.c */
void	ticket_created(uint64_t id, int64_t sent, int tier);
void	ticket_offered(uint64_t id, int64_t now);
void	ticket_resolved(uint64_t id, int64_t now);
void	op_fill(struct op *);
void	ops_wake(void);
void	rate_tick(evutil_socket_t, short what, void *arg);
void	op_auth(redisAsyncContext *, void *reply, void *arg);
/* hotline-bench-agents.c */
void	agent_send(struct agent *, enum agent_step, const char *fmt, ...);
void	agent_next(struct agent *);
/* hotline-bench-shift.c */
void	conn_ready(void);
void	run_end(void);

#endif
