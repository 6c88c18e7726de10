/*
 * report.c: what a planner reads. Each figure is a mean over the
 * replications with a 95% confidence interval (Student's t), beside what
 * Erlang C and Erlang A ask for the same demand.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "erlang.h"
#include "report.h"
#include "xmalloc.h"

#define MS_PER_S	1000.0
#define PERCENT		100.0
#define INTERVAL_S	(SIM_INTERVAL_MS / MS_PER_S)

/* t quantiles for a two-sided 95% interval, by degrees of freedom 1-30;
 * beyond, the normal's. */
static const double t975[] = {
	0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
	2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093,
	2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045,
	2.042
};
#define T975_NORMAL	1.960

struct acc {
	double	sum;
	double	sumsq;
	int	n;
};

static void
acc_add(struct acc *a, double v)
{
	a->sum += v;
	a->sumsq += v * v;
	a->n++;
}

static struct sim_stat
acc_stat(const struct acc *a)
{
	struct sim_stat	s = { 0, 0, a->n };
	double		var;
	int		df = a->n - 1;

	if (a->n == 0)
		return (s);
	s.mean = a->sum / a->n;
	if (a->n > 1) {
		var = (a->sumsq - a->n * s.mean * s.mean) / df;
		if (var < 0)
			var = 0;
		s.ci = (df < (int)(sizeof t975 / sizeof t975[0]) ? t975[df] :
		    T975_NORMAL) * sqrt(var / a->n);
	}
	return (s);
}

double
sim_model_aht(const struct sim_model *m, int q)
{
	double	wrap = m->wrapup.kind != DIST_NONE ? sim_dist_mean(&m->wrapup) :
		    m->cfg->queues[q].wrapup / MS_PER_S;

	return (sim_dist_mean(&m->accept) + sim_dist_mean(&m->handle) + wrap);
}

/* Erlang per queue (a pool each), summed over the queues. */
static void
report_erlang(const struct sim_model *m, int i, struct sim_row *row)
{
	double	lambda, t = m->sl_time / MS_PER_S;
	double	patience = m->patience.kind == DIST_NONE ? 0 :
		    sim_dist_mean(&m->patience);
	int	q, k, c, a;

	row->erlang_c = row->erlang_a = 0;
	for (q = 0; q < m->nqueues; q++) {
		lambda = 0;
		for (k = 0; k < m->ntiers; k++)
			lambda += sim_model_calls(m, q, k, i);
		if (lambda <= 0)
			continue;
		lambda /= INTERVAL_S;
		c = erlang_c_agents(lambda, sim_model_aht(m, q), t,
		    m->sl_target);
		a = erlang_a_agents(lambda, sim_model_aht(m, q), patience, t,
		    m->sl_target);
		row->erlang_c = c < 0 || row->erlang_c < 0 ? -1 :
		    row->erlang_c + c;
		row->erlang_a = a < 0 || row->erlang_a < 0 ? -1 :
		    row->erlang_a + a;
	}
}

void
sim_report_build(struct sim_report *rp, const struct sim_model *m,
    const struct sim_result *res, int nreps)
{
	struct acc	a[9];
	int		t, i, k, r;

	rp->ntiers = m->ntiers;
	rp->nreps = nreps;
	rp->rows = xcalloc((size_t)(m->ntiers + 1) * (SIM_INTERVALS + 1),
	    sizeof *rp->rows);
	for (t = 0; t <= m->ntiers; t++)
		for (i = 0; i <= SIM_INTERVALS; i++) {
			struct sim_row	*row = SIM_ROW(rp, t, i);

			memset(a, 0, sizeof a);
			for (r = 0; r < nreps; r++) {
				struct sim_counts	c;
				double			busy = 0, staffed = 0;
				double			sl_n;
				int			lo = i, hi = i + 1;
				int			staffed_n = 0;

				if (i == SIM_INTERVALS) {
					lo = 0;
					hi = SIM_INTERVALS;
				}
				memset(&c, 0, sizeof c);
				for (k = lo; k < hi; k++) {
					const struct sim_counts *x =
					    SIM_CELL(&res[r], t, k);

					c.offered += x->offered;
					c.answered += x->answered;
					c.abandoned += x->abandoned;
					c.short_abandoned += x->short_abandoned;
					c.unanswered += x->unanswered;
					c.in_target += x->in_target;
					c.answer_ms += x->answer_ms;
					busy += res[r].busy_ms[k];
					staffed += res[r].staffed_ms[k];
					if (res[r].staffed_ms[k] > 0)
						staffed_n++;
				}
				acc_add(&a[0], c.offered);
				acc_add(&a[1], c.answered);
				acc_add(&a[2], c.abandoned);
				acc_add(&a[8], c.unanswered);
				/* as QUEUE STATS counts it, with the calls
				 * nobody answered by the end as misses */
				sl_n = c.answered + c.abandoned -
				    c.short_abandoned + c.unanswered;
				if (sl_n > 0)
					acc_add(&a[3], c.in_target / sl_n);
				if (c.answered > 0)
					acc_add(&a[4], c.answer_ms /
					    c.answered / MS_PER_S);
				if (c.answered + c.abandoned > 0)
					acc_add(&a[5], c.abandoned /
					    (c.answered + c.abandoned));
				if (staffed > 0)
					acc_add(&a[6], busy / staffed);
				/* the day: over the intervals someone worked */
				acc_add(&a[7], staffed / SIM_INTERVAL_MS /
				    (staffed_n > 0 ? staffed_n : 1));
			}
			row->offered = acc_stat(&a[0]);
			row->answered = acc_stat(&a[1]);
			row->abandoned = acc_stat(&a[2]);
			row->unanswered = acc_stat(&a[8]);
			row->sl = acc_stat(&a[3]);
			row->asa = acc_stat(&a[4]);
			row->aband = acc_stat(&a[5]);
			row->occupancy = acc_stat(&a[6]);
			row->agents = acc_stat(&a[7]);
			if (t == m->ntiers && i < SIM_INTERVALS)
				report_erlang(m, i, row);
		}
}

void
sim_report_free(struct sim_report *rp)
{
	free(rp->rows);
	rp->rows = NULL;
}

static const char *
report_tier(const struct sim_model *m, int t)
{
	return (t == m->ntiers ? "all" : m->cfg->tiers[t].name);
}

static const char *
report_when(int i, char *buf, size_t len)
{
	if (i == SIM_INTERVALS)
		snprintf(buf, len, "day");
	else
		snprintf(buf, len, "%02d:%02d", i / 4, i % 4 * 15);
	return (buf);
}

static int
row_shown(const struct sim_row *row)
{
	return (row->offered.mean > 0);
}

static void
table_stat(FILE *fp, const struct sim_stat *s, double scale, int prec)
{
	if (s->n == 0)
		fprintf(fp, " %6s %5s", "-", "");
	else
		fprintf(fp, " %6.*f %5.*f", prec, s->mean * scale, prec,
		    s->ci * scale);
}

void
sim_report_table(const struct sim_report *rp, const struct sim_model *m,
    FILE *fp)
{
	char	when[8];
	int	i, t;

	fprintf(fp, "%-5s %-10s %8s %8s %7s %6s %5s %6s %5s %6s %5s "
	    "%6s %6s %5s %5s\n", "time", "tier", "offered", "answered",
	    "aband", "SL%", "+-", "ASA s", "+-", "aban%", "+-", "occ%",
	    "agents", "erlC", "erlA");
	for (i = 0; i <= SIM_INTERVALS; i++)
		for (t = 0; t <= m->ntiers; t++) {
			const struct sim_row *row = SIM_ROW(rp, t, i);

			if (!row_shown(row))
				continue;
			fprintf(fp, "%-5s %-10s %8.1f %8.1f %7.1f",
			    report_when(i, when, sizeof when),
			    report_tier(m, t), row->offered.mean,
			    row->answered.mean, row->abandoned.mean);
			table_stat(fp, &row->sl, PERCENT, 1);
			table_stat(fp, &row->asa, 1, 1);
			table_stat(fp, &row->aband, PERCENT, 1);
			if (t == m->ntiers) {
				fprintf(fp, " %6.1f %6.1f",
				    row->occupancy.mean * PERCENT,
				    row->agents.mean);
				if (i < SIM_INTERVALS)
					fprintf(fp, " %5d %5d", row->erlang_c,
					    row->erlang_a);
			}
			fputc('\n', fp);
		}
}

void
sim_report_csv(const struct sim_report *rp, const struct sim_model *m,
    FILE *fp)
{
	char	when[8];
	int	i, t;

	fprintf(fp, "interval,tier,offered,answered,abandoned,unanswered,sl,"
	    "sl_ci,asa,asa_ci,abandon,abandon_ci,occupancy,occupancy_ci,"
	    "agents,erlang_c,erlang_a\n");
	for (i = 0; i <= SIM_INTERVALS; i++)
		for (t = 0; t <= m->ntiers; t++) {
			const struct sim_row *row = SIM_ROW(rp, t, i);

			if (!row_shown(row))
				continue;
			fprintf(fp, "%s,%s,%.3f,%.3f,%.3f,%.3f,%.5f,%.5f,%.3f,"
			    "%.3f,%.5f,%.5f", report_when(i, when, sizeof when),
			    report_tier(m, t), row->offered.mean,
			    row->answered.mean, row->abandoned.mean,
			    row->unanswered.mean, row->sl.mean, row->sl.ci,
			    row->asa.mean, row->asa.ci, row->aband.mean,
			    row->aband.ci);
			if (t == m->ntiers)
				fprintf(fp, ",%.5f,%.5f,%.3f",
				    row->occupancy.mean, row->occupancy.ci,
				    row->agents.mean);
			else
				fprintf(fp, ",,,");
			if (t == m->ntiers && i < SIM_INTERVALS)
				fprintf(fp, ",%d,%d\n", row->erlang_c,
				    row->erlang_a);
			else
				fprintf(fp, ",,\n");
		}
}

/* The chart: service level per interval, a line per tier and the target. */
#define SVG_W		960
#define SVG_H		420
#define SVG_LEFT	60
#define SVG_RIGHT	120
#define SVG_TOP		30
#define SVG_BOTTOM	50
static const char *const svg_colours[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
};
#define SVG_NCOLOURS	(sizeof svg_colours / sizeof svg_colours[0])

void
sim_report_svg(const struct sim_report *rp, const struct sim_model *m,
    FILE *fp)
{
	double	pw = SVG_W - SVG_LEFT - SVG_RIGHT, ph = SVG_H - SVG_TOP -
		    SVG_BOTTOM, x, y;
	int	i, t, first, hour;

	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
	    "font-size=\"12\">\n", SVG_W, SVG_H);
	fprintf(fp, "<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"white\"/>\n");
	fprintf(fp, "<text x=\"%d\" y=\"18\">Service level per 15 min "
	    "(answered within %llds), %d replications</text>\n", SVG_LEFT,
	    (long long)(m->sl_time / 1000), rp->nreps);
	for (i = 0; i <= 100; i += 20) {
		y = SVG_TOP + ph * (1 - i / PERCENT);
		fprintf(fp, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\">%d%%</text>\n", SVG_LEFT,
		    SVG_LEFT + pw, y, y, SVG_LEFT - 6, y + 4, i);
	}
	for (hour = 0; hour <= 24; hour += 2) {
		x = SVG_LEFT + pw * hour / 24.0;
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		    "%02d:00</text>\n", x, SVG_H - SVG_BOTTOM + 18, hour);
	}
	y = SVG_TOP + ph * (1 - m->sl_target);
	fprintf(fp, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"black\" stroke-dasharray=\"6 4\"/>\n", SVG_LEFT,
	    SVG_LEFT + pw, y, y);
	for (t = 0; t <= m->ntiers; t++) {
		const char *colour = t == m->ntiers ? "black" :
		    svg_colours[t % SVG_NCOLOURS];

		fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"%d\" points=\"", colour,
		    t == m->ntiers ? 2 : 1);
		first = 1;
		for (i = 0; i < SIM_INTERVALS; i++) {
			const struct sim_row *row = SIM_ROW(rp, t, i);

			if (!row_shown(row) || row->sl.n == 0)
				continue;
			x = SVG_LEFT + pw * (i + 0.5) / SIM_INTERVALS;
			y = SVG_TOP + ph * (1 - row->sl.mean);
			fprintf(fp, "%s%.1f,%.1f", first ? "" : " ", x, y);
			first = 0;
		}
		fprintf(fp, "\"/>\n<text x=\"%.1f\" y=\"%d\" fill=\"%s\">"
		    "%s</text>\n", SVG_LEFT + pw + 10, SVG_TOP + 16 * (t + 1),
		    colour, report_tier(m, t));
	}
	fprintf(fp, "</svg>\n");
}

int
sim_report_meets(const struct sim_report *rp, const struct sim_model *m)
{
	int	t;

	for (t = 0; t < m->ntiers; t++) {
		const struct sim_row *row = SIM_ROW(rp, t, SIM_INTERVALS);

		if (row_shown(row) && row->sl.n > 0 &&
		    row->sl.mean < m->sl_target)
			return (0);
	}
	return (1);
}
