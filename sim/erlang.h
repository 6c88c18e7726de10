/*
 * erlang.h: the staffing formulas workforce tools use. Erlang C (M/M/n,
 * callers wait for ever) and Erlang A (M/M/n+M, exponential patience),
 * for one queue served by one pool; they know nothing of tiers, ladders
 * or skills, which is what the simulation adds.
 */
#ifndef HOTLINE_ERLANG_H
#define HOTLINE_ERLANG_H

struct erlang {
	double	sl;		/* answered within t, of all callers */
	double	asa;		/* mean wait of answered callers, s */
	double	abandon;	/* fraction of callers who hang up */
	double	pwait;		/* fraction who wait at all */
};

/* lambda calls/s, aht s, t s; n agents. */
void	erlang_c(int n, double lambda, double aht, double t, struct erlang *);
/* patience: mean, s (0: none, Erlang C). */
void	erlang_a(int n, double lambda, double aht, double patience, double t,
	    struct erlang *);
/* The fewest agents whose sl reaches target (0 for no calls; -1 beyond
 * ERLANG_MAX_AGENTS). */
#define ERLANG_MAX_AGENTS	5000
int	erlang_c_agents(double lambda, double aht, double t, double target);
int	erlang_a_agents(double lambda, double aht, double patience, double t,
	    double target);

#endif
