/*
 * sim.h: hotline-sim, a discrete-event simulation of a contact centre
 * driven through the real engine (daemon/engine/) in virtual time. The
 * model (demand, roster, behaviour) goes in; per interval and per tier
 * counts come out, one set per replication (docs/SIMULATION.md).
 */
#ifndef HOTLINE_SIM_H
#define HOTLINE_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"

#define SIM_INTERVAL_MS		(15 * 60 * 1000)	/* demand granularity */
#define SIM_INTERVALS		96			/* one day */
#define SIM_DAY_MS		((hl_ms)SIM_INTERVALS * SIM_INTERVAL_MS)
#define SIM_ERRMAX		512

/* A duration distribution, parameters in seconds. */
enum sim_dist_kind {
	DIST_NONE,		/* never (patience: callers wait for ever) */
	DIST_CONST,
	DIST_EXP,
	DIST_LOGNORMAL
};

struct sim_dist {
	enum sim_dist_kind	kind;
	double			mean;
	double			sd;		/* lognormal only */
};

/* xoshiro256**: fast, seedable, the same stream on every machine. */
struct sim_rng {
	uint64_t	s[4];
};

void	sim_rng_seed(struct sim_rng *, uint64_t);
double	sim_rng_unit(struct sim_rng *);		/* (0, 1) */
double	sim_rng_normal(struct sim_rng *);
long	sim_rng_poisson(struct sim_rng *, double mean);
int	sim_dist_parse(const char *, struct sim_dist *, char *err, size_t);
hl_ms	sim_dist_draw(const struct sim_dist *, struct sim_rng *);
double	sim_dist_mean(const struct sim_dist *);		/* seconds */
const char *sim_dist_format(const struct sim_dist *, char *buf, size_t);

#define SIM_MAX_BREAKS		8	/* per agent and day */

struct sim_span {
	hl_ms		start;
	hl_ms		end;
};

/* One agent of the roster: a shift and its breaks, in ms from the day's
 * start. */
struct sim_agent {
	char		name[ENGINE_NAME_MAX];
	struct skill	skills[ENGINE_MAX_SKILLS];
	int		nskills;
	char		groups[ENGINE_MAX_GROUPS][ENGINE_NAME_MAX];
	int		ngroups;
	int		capacity;
	hl_ms		start;
	hl_ms		end;
	struct sim_span	breaks[SIM_MAX_BREAKS];
	int		nbreaks;
};

/* A surge: the demand of [from, to) intervals times factor. */
struct sim_surge {
	double		factor;
	int		from;
	int		to;
};

/* The account managers of a cell's recorded calls, one per call ("": the
 * customer had none); a simulated call's customer draws one. */
struct sim_managers {
	char		(*names)[ENGINE_NAME_MAX];
	int		 n;
};

struct sim_model {
	const struct config	*cfg;
	int			 nqueues;	/* cfg's, in file order */
	int			 ntiers;
	double			*calls;		/* [queue][tier][interval] */
	struct sim_agent	*agents;
	int			 nagents;
	struct sim_dist		 handle;
	struct sim_dist		 wrapup;	/* DIST_NONE: the queue's */
	struct sim_dist		 patience;
	struct sim_dist		 accept;
	hl_ms			 day0;		/* epoch ms of 00:00 */
	hl_ms			 drain;		/* after the day, to finish */
	hl_ms			 sl_time;	/* answered within this */
	double			 sl_target;	/* fraction, e.g. 0.8 */
	struct sim_surge	 surge;		/* factor 0: none */
	struct sim_managers	*managers;	/* [queue][tier]; NULL: none */
};

#define SIM_CALLS(m, q, t, i) \
	((m)->calls[((size_t)(q) * (m)->ntiers + (t)) * SIM_INTERVALS + (i)])

/* Expected calls of a cell, the surge applied. */
double	sim_model_calls(const struct sim_model *, int q, int t, int i);

/* Counts of one replication, per tier (ntiers: all tiers) and interval
 * of arrival. */
struct sim_counts {
	double	offered;
	double	answered;
	double	abandoned;
	double	short_abandoned;	/* not counted against SL */
	double	unanswered;		/* still waiting when the run ended */
	double	in_target;		/* answered within sl_time */
	double	answer_ms;		/* summed, for ASA */
};

struct sim_result {
	int			 ntiers;
	struct sim_counts	*counts;	/* [(ntiers + 1) * intervals] */
	double			 busy_ms[SIM_INTERVALS];	/* agent-ms */
	double			 staffed_ms[SIM_INTERVALS];
	uint64_t		 tickets;	/* created, follow-ups too */
};

#define SIM_CELL(r, t, i) \
	(&(r)->counts[(size_t)(t) * SIM_INTERVALS + (i)])

/* input.c: the demand and roster files. */
int	sim_demand_load(struct sim_model *, const char *path, char *err,
	    size_t);
int	sim_roster_load(struct sim_model *, const char *path, char *err,
	    size_t);
/* The demand as a --demand file (what a journal gave, to edit). */
int	sim_demand_save(const struct sim_model *, const char *path, char *err,
	    size_t);
/* n agents skilled (level 1) for every queue, on all day. */
int	sim_roster_count(struct sim_model *, int n, char *err, size_t);
/* The [user] agents of the configuration, on all day. */
int	sim_roster_users(struct sim_model *, char *err, size_t);
int	sim_parse_clock(const char *, int *interval);	/* "HH:MM" */

/* An agent more on the roster, capacity 1, on all day. */
struct sim_agent *sim_roster_add(struct sim_model *);

/* journal.c: what a running centre's store says. */
struct sim_journal {
	hl_ms		from;		/* the days read, [from, to) */
	hl_ms		to;
	uint64_t	calls;
	uint64_t	skipped;	/* of a queue or tier not configured */
	uint64_t	handled;	/* with a handle time */
	uint64_t	abandoned;
	uint64_t	managed;	/* whose customer has a manager */
	int		worked;		/* agents with spells those days */
	int		idle;		/* agents without: left out */
	double		handle_mean;	/* s; 0: none */
	double		handle_sd;
	double		patience_mean;	/* s; 0: nobody hung up */
};
int	sim_journal_load(struct sim_model *, const char *dir, int days,
	    struct sim_journal *, char *err, size_t);
/* The store's agents; their shifts from their status spells of the
 * days jn read, or all day if nobody has any. */
int	sim_journal_roster(struct sim_model *, const char *dir,
	    struct sim_journal *, char *err, size_t);
void	sim_journal_free(struct sim_model *);

/* run.c: one replication. */
int	sim_run(const struct sim_model *, uint64_t seed, struct sim_result *,
	    char *err, size_t);
void	sim_result_free(struct sim_result *);

#endif
