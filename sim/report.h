/*
 * report.h: replications summed up (mean and 95% confidence interval per
 * interval and tier), Erlang staffing beside them, as a table, CSV and
 * an SVG chart.
 */
#ifndef HOTLINE_SIM_REPORT_H
#define HOTLINE_SIM_REPORT_H

#include <stdio.h>

#include "sim.h"

/* A figure over the replications that define it. */
struct sim_stat {
	double	mean;
	double	ci;		/* half-width, 95% */
	int	n;
};

/* One row: a tier (ntiers: all) in an interval (SIM_INTERVALS: the day). */
struct sim_row {
	struct sim_stat	offered, answered, abandoned, unanswered, sl, asa;
	struct sim_stat	aband;
	struct sim_stat	occupancy, agents;	/* all-tier rows only */
	int		erlang_c, erlang_a;	/* all-tier rows only */
};

struct sim_report {
	int		 ntiers;
	int		 nreps;
	struct sim_row	*rows;	/* [(ntiers + 1) * (SIM_INTERVALS + 1)] */
};

#define SIM_ROW(rp, t, i) \
	(&(rp)->rows[(size_t)(t) * (SIM_INTERVALS + 1) + (i)])

void	sim_report_build(struct sim_report *, const struct sim_model *,
	    const struct sim_result *, int nreps);
void	sim_report_free(struct sim_report *);
void	sim_report_table(const struct sim_report *, const struct sim_model *,
	    FILE *);
void	sim_report_csv(const struct sim_report *, const struct sim_model *,
	    FILE *);
void	sim_report_svg(const struct sim_report *, const struct sim_model *,
	    FILE *);
/* Whether the day's service level of every tier with calls reaches the
 * target (on the mean of the replications). */
int	sim_report_meets(const struct sim_report *, const struct sim_model *);
/* The handle time Erlang is given for a queue, s: offer acceptance,
 * handling and wrap-up means. */
double	sim_model_aht(const struct sim_model *, int q);

#endif
