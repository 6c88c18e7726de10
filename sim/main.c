/*
 * hotline-sim: a day of a contact centre in virtual time, on the routing
 * engine hotlined runs (the same configuration file), replicated with
 * seeds; Erlang C and Erlang A staffing beside it; a search for the
 * smallest roster that meets the target (docs/SIMULATION.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "erlang.h"
#include "report.h"
#include "sim.h"
#include "xmalloc.h"

#define DEFAULT_CONFIG		"config/hotline.conf"
#define DEFAULT_DATE		"2026-01-05"	/* a Monday */
#define DEFAULT_REPS		10
#define DEFAULT_SEED		1
#define DEFAULT_HANDLE		"exp:180"
#define DEFAULT_ACCEPT		"const:0"
#define DEFAULT_TARGET		"80/20"
#define DEFAULT_DRAIN_MS	(2 * 60 * 60 * 1000)
#define DEFAULT_DAYS		7
#define MAX_DAYS		366
#define MAX_REPS		10000
#define SEARCH_MAX_AGENTS	ERLANG_MAX_AGENTS
#define MS_PER_S		1000

static const struct option longopts[] = {
	{ "config",	required_argument,	NULL, 'c' },
	{ "demand",	required_argument,	NULL, 'd' },
	{ "from-journal", required_argument,	NULL, 'j' },
	{ "days",	required_argument,	NULL, 'y' },
	{ "save-demand", required_argument,	NULL, 'W' },
	{ "roster",	required_argument,	NULL, 'r' },
	{ "agents",	required_argument,	NULL, 'n' },
	{ "handle",	required_argument,	NULL, 'H' },
	{ "wrapup",	required_argument,	NULL, 'w' },
	{ "patience",	required_argument,	NULL, 'p' },
	{ "accept",	required_argument,	NULL, 'a' },
	{ "target",	required_argument,	NULL, 't' },
	{ "reps",	required_argument,	NULL, 'R' },
	{ "seed",	required_argument,	NULL, 's' },
	{ "date",	required_argument,	NULL, 'D' },
	{ "surge",	required_argument,	NULL, 'S' },
	{ "ladder",	required_argument,	NULL, 'L' },
	{ "search",	no_argument,		NULL, 'x' },
	{ "csv",	required_argument,	NULL, 'C' },
	{ "svg",	required_argument,	NULL, 'G' },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: hotline-sim --demand FILE | --from-journal DIR [options]\n"
"  --config FILE      hotline.conf: tiers, ladders, queues, calendars, SLA\n"
"                     (default " DEFAULT_CONFIG ")\n"
"  --demand FILE      CSV interval,queue,tier,calls (15-minute intervals)\n"
"  --from-journal DIR demand, handle time and patience from a centre's\n"
"                     store (DIR/hotline.db), the roster from its users\n"
"  --days N           the days the journal is read over (default %d)\n"
"  --save-demand FILE write the demand (as read) as a --demand file\n"
"  --roster FILE      CSV name,skills,groups,capacity,start,end\n"
"  --agents N|+N      N agents on every queue all day; +N adds N to the\n"
"                     roster (default: the configuration's agents)\n"
"  --handle DIST      handle time (default " DEFAULT_HANDLE ")\n"
"  --wrapup DIST      wrap-up (default: the queue's wrapup)\n"
"  --patience DIST    caller patience, abandonment (default none)\n"
"  --accept DIST      offer acceptance delay (default " DEFAULT_ACCEPT ")\n"
"                     DIST: exp:MEAN, lognormal:MEAN,SD, const:S, none\n"
"  --target P/T       service level target: P%% within T s (default "
DEFAULT_TARGET ")\n"
"  --reps N           replications (default %d)\n"
"  --seed S           seed of the first replication (default %d)\n"
"  --date YYYY-MM-DD  the simulated day, UTC (default " DEFAULT_DATE ")\n"
"  --surge F@HH:MM    demand times F from then; F@HH:MM-HH:MM until then\n"
"  --ladder T=STEPS   tier T's ladder instead of the file's, e.g.\n"
"                     diamond='manager 20s, group vip 5s, skilled'\n"
"  --search           the fewest --agents meeting the target every tier\n"
"  --csv FILE         the table as CSV\n"
"  --svg FILE         service level per interval and tier, as SVG\n"
"  --quiet            no table on stdout\n"
"  --help             this\n", DEFAULT_DAYS, DEFAULT_REPS, DEFAULT_SEED);
}

/* 1 to max. */
static int
parse_count(const char *s, long max, long *n)
{
	char	*end;

	errno = 0;
	*n = strtol(s, &end, 10);
	return (end == s || *end != '\0' || errno != 0 || *n < 1 || *n > max ?
	    -1 : 0);
}

static int
bad_usage(const char *what)
{
	fprintf(stderr, "hotline-sim: bad %s\n", what);
	return (2);
}

static int
parse_date(const char *s, hl_ms *day0)
{
	struct tm	tm;
	char		*end;
	time_t		t;

	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return (-1);
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	*day0 = (hl_ms)t * MS_PER_S;
	return (0);
}

static int
parse_target(const char *s, struct sim_model *m)
{
	double	p, t;
	int	n;

	if (sscanf(s, "%lf/%lf%n", &p, &t, &n) != 2 || s[n] != '\0' ||
	    p <= 0 || p > 100 || t < 0)
		return (-1);
	m->sl_target = p / 100.0;
	m->sl_time = (hl_ms)(t * MS_PER_S);
	return (0);
}

/* F@HH:MM or F@HH:MM-HH:MM */
static int
parse_surge(const char *s, struct sim_surge *sg)
{
	char	buf[64], *at, *dash, *end;

	if (strlen(s) >= sizeof buf)
		return (-1);
	strcpy(buf, s);
	if ((at = strchr(buf, '@')) == NULL)
		return (-1);
	*at++ = '\0';
	sg->factor = strtod(buf, &end);
	if (end == buf || *end != '\0' || sg->factor < 0)
		return (-1);
	sg->to = SIM_INTERVALS;
	if ((dash = strchr(at, '-')) != NULL) {
		*dash++ = '\0';
		if (sim_parse_clock(dash, &sg->to) != 0)
			return (-1);
	}
	if (sim_parse_clock(at, &sg->from) != 0 || sg->to <= sg->from)
		return (-1);
	return (0);
}

/* --ladder TIER=STEPS: a what-if on the routing without editing the
 * file. */
static int
apply_ladder(struct config *cfg, const char *arg, char *err, size_t errlen)
{
	const char	*eq = strchr(arg, '=');
	char		 perr[CONFIG_ERRMAX];
	int		 i;

	if (eq == NULL) {
		snprintf(err, errlen, "bad --ladder '%s' (TIER=STEPS)", arg);
		return (-1);
	}
	for (i = 0; i < cfg->ntiers; i++)
		if (strlen(cfg->tiers[i].name) == (size_t)(eq - arg) &&
		    strncmp(cfg->tiers[i].name, arg, (size_t)(eq - arg)) == 0)
			break;
	if (i == cfg->ntiers) {
		snprintf(err, errlen, "--ladder: no tier '%.*s' in the "
		    "configuration", (int)(eq - arg), arg);
		return (-1);
	}
	if (config_parse_ladder(eq + 1, cfg->tiers[i].steps, ENGINE_MAX_STEPS,
	    &cfg->tiers[i].nsteps, perr, sizeof perr) != 0) {
		snprintf(err, errlen, "--ladder %s: %s", cfg->tiers[i].name,
		    perr);
		return (-1);
	}
	return (0);
}

/* The roster when no file gives it: the journal's users, or the
 * configuration's. */
static int
model_roster(struct sim_model *m, const char *journal,
    struct sim_journal *jn, char *err, size_t errlen)
{
	if (journal == NULL)
		return (sim_roster_users(m, err, errlen));
	if (sim_journal_roster(m, journal, jn, err, errlen) != 0)
		return (-1);
	if (jn->worked > 0)
		printf("journal: shifts of %d agents from their status spells, "
		    "%d who did not work left out\n", jn->worked, jn->idle);
	else
		printf("journal: no status spells: the %d agents on all day\n",
		    m->nagents);
	return (0);
}

/* Runs the replications; res has nreps slots. */
static int
replicate(const struct sim_model *m, int nreps, uint64_t seed,
    struct sim_result *res)
{
	char	err[SIM_ERRMAX];
	int	r;

	for (r = 0; r < nreps; r++)
		if (sim_run(m, seed + (uint64_t)r, &res[r], err,
		    sizeof err) != 0) {
			fprintf(stderr, "hotline-sim: replication %d: %s\n",
			    r + 1, err);
			while (r >= 0)
				sim_result_free(&res[r--]);
			return (-1);
		}
	return (0);
}

static void
results_free(struct sim_result *res, int nreps)
{
	int	r;

	for (r = 0; r < nreps; r++)
		sim_result_free(&res[r]);
}

/* Whether n agents all day meet the target; -1 on error. */
static int
search_try(struct sim_model *m, int n, int nreps, uint64_t seed,
    struct sim_result *res, struct sim_report *rp)
{
	char	err[SIM_ERRMAX];
	int	ok;

	free(m->agents);
	m->agents = NULL;
	m->nagents = 0;
	if (sim_roster_count(m, n, err, sizeof err) != 0) {
		fprintf(stderr, "hotline-sim: %s\n", err);
		return (-1);
	}
	if (replicate(m, nreps, seed, res) != 0)
		return (-1);
	sim_report_build(rp, m, res, nreps);
	ok = sim_report_meets(rp, m);
	printf("search: %4d agents: day SL %5.1f%% +- %.1f%%: %s\n", n,
	    SIM_ROW(rp, m->ntiers, SIM_INTERVALS)->sl.mean * 100,
	    SIM_ROW(rp, m->ntiers, SIM_INTERVALS)->sl.ci * 100,
	    ok ? "meets" : "short");
	results_free(res, nreps);
	sim_report_free(rp);
	return (ok);
}

/* Bisects between the busiest interval's offered load and Erlang C's
 * need there (doubled until it meets): SL grows with the agents. */
static int
search(struct sim_model *m, int nreps, uint64_t seed, struct sim_result *res,
    int *best)
{
	struct sim_report	rp;
	int			lo = 1, hi = 1, i, ok;

	sim_report_build(&rp, m, res, 0);
	for (i = 0; i < SIM_INTERVALS; i++)
		if (SIM_ROW(&rp, m->ntiers, i)->erlang_c > hi)
			hi = SIM_ROW(&rp, m->ntiers, i)->erlang_c;
	sim_report_free(&rp);
	for (;;) {
		if ((ok = search_try(m, hi, nreps, seed, res, &rp)) < 0)
			return (-1);
		if (ok)
			break;
		lo = hi + 1;
		if ((hi *= 2) > SEARCH_MAX_AGENTS) {
			fprintf(stderr, "hotline-sim: no roster up to %d "
			    "agents meets the target\n", SEARCH_MAX_AGENTS);
			return (-1);
		}
	}
	while (lo < hi) {
		int	mid = lo + (hi - lo) / 2;

		if ((ok = search_try(m, mid, nreps, seed, res, &rp)) < 0)
			return (-1);
		if (ok)
			hi = mid;
		else
			lo = mid + 1;
	}
	*best = hi;
	return (0);
}

/* What was read, and the journal's fits for what the command line left
 * open: handle time lognormal (its mean and sd), patience exponential. */
static void
journal_apply(struct sim_model *m, const struct sim_journal *jn, int days,
    int fit_handle, int fit_patience)
{
	char	from[16], to[16], buf[64];
	time_t	t;

	t = (time_t)(jn->from / MS_PER_S);
	strftime(from, sizeof from, "%Y-%m-%d", gmtime(&t));
	t = (time_t)(jn->to / MS_PER_S) - 1;
	strftime(to, sizeof to, "%Y-%m-%d", gmtime(&t));
	printf("journal: %llu calls over %d day%s (%s to %s, UTC), %llu "
	    "skipped (queue or tier not configured); %llu handled, %llu "
	    "abandoned, %llu with an account manager\n",
	    (unsigned long long)jn->calls, days, days == 1 ? "" : "s", from,
	    to, (unsigned long long)jn->skipped,
	    (unsigned long long)jn->handled,
	    (unsigned long long)jn->abandoned,
	    (unsigned long long)jn->managed);
	if (fit_handle && jn->handled > 0) {
		m->handle.kind = jn->handle_sd > 0 ? DIST_LOGNORMAL :
		    DIST_CONST;
		m->handle.mean = jn->handle_mean;
		m->handle.sd = jn->handle_sd;
		printf("journal: handle time %s\n", sim_dist_format(&m->handle,
		    buf, sizeof buf));
	}
	if (fit_patience && jn->abandoned > 0) {
		m->patience.kind = DIST_EXP;
		m->patience.mean = jn->patience_mean;
		printf("journal: patience %s\n", sim_dist_format(&m->patience,
		    buf, sizeof buf));
	}
}

static int
write_file(const char *path, const struct sim_report *rp,
    const struct sim_model *m,
    void (*fn)(const struct sim_report *, const struct sim_model *, FILE *))
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "hotline-sim: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	fn(rp, m, fp);
	if (fclose(fp) != 0) {
		fprintf(stderr, "hotline-sim: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	struct config		 cfg;
	struct sim_model	 m;
	struct sim_result	*res;
	struct sim_report	 rp;
	const char		*config_path = DEFAULT_CONFIG, *demand = NULL;
	const char		*roster = NULL, *agents = NULL, *csv = NULL;
	const char		*svg = NULL, *date = DEFAULT_DATE;
	const char		*target = DEFAULT_TARGET;
	const char		*handle = NULL, *accept = DEFAULT_ACCEPT;
	const char		*wrapup = NULL, *patience = NULL;
	const char		*journal = NULL, *save_demand = NULL;
	const char		*ladders[CONFIG_MAX_TIERS];
	int			 nladders = 0;
	struct sim_journal	 jn;
	long			 days = DEFAULT_DAYS;
	char			 err[CONFIG_ERRMAX], *end, dbuf[64];
	long			 nreps = DEFAULT_REPS, n;
	unsigned long long	 seed = DEFAULT_SEED;
	int			 ch, do_search = 0, quiet = 0, best, rc = 1, i;

	memset(&m, 0, sizeof m);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			demand = optarg;
			break;
		case 'j':
			journal = optarg;
			break;
		case 'W':
			save_demand = optarg;
			break;
		case 'y':
			if (parse_count(optarg, MAX_DAYS, &days) != 0)
				return (bad_usage("--days"));
			break;
		case 'r':
			roster = optarg;
			break;
		case 'n':
			agents = optarg;
			break;
		case 'H':
			handle = optarg;
			break;
		case 'w':
			wrapup = optarg;
			break;
		case 'p':
			patience = optarg;
			break;
		case 'a':
			accept = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'R':
			if (parse_count(optarg, MAX_REPS, &nreps) != 0)
				return (bad_usage("--reps"));
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0)
				return (bad_usage("--seed"));
			break;
		case 'D':
			date = optarg;
			break;
		case 'S':
			if (parse_surge(optarg, &m.surge) != 0)
				return (bad_usage("--surge (F@HH:MM or "
				    "F@HH:MM-HH:MM)"));
			break;
		case 'L':
			if (nladders == CONFIG_MAX_TIERS)
				return (bad_usage("--ladder (too many)"));
			ladders[nladders++] = optarg;
			break;
		case 'x':
			do_search = 1;
			break;
		case 'C':
			csv = optarg;
			break;
		case 'G':
			svg = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return (0);
		default:
			usage(stderr);
			return (2);
		}
	}
	if (optind != argc || (demand == NULL && journal == NULL)) {
		usage(stderr);
		return (2);
	}
	if (parse_target(target, &m) != 0 || parse_date(date, &m.day0) != 0) {
		return (bad_usage("--target (P/T) or --date (YYYY-MM-DD)"));
	}
	if (sim_dist_parse(handle ? handle : DEFAULT_HANDLE, &m.handle, err,
	    sizeof err) != 0 ||
	    sim_dist_parse(accept, &m.accept, err, sizeof err) != 0 ||
	    sim_dist_parse(patience ? patience : "none", &m.patience, err,
	    sizeof err) != 0 ||
	    (wrapup != NULL && sim_dist_parse(wrapup, &m.wrapup, err,
	    sizeof err) != 0)) {
		fprintf(stderr, "hotline-sim: %s\n", err);
		return (2);
	}
	if (m.handle.kind == DIST_NONE || m.accept.kind == DIST_NONE) {
		fprintf(stderr, "hotline-sim: --handle and --accept need a "
		    "distribution\n");
		return (2);
	}
	config_defaults(&cfg);
	if (config_load(&cfg, config_path, err, sizeof err) != 0) {
		fprintf(stderr, "hotline-sim: %s\n", err);
		return (1);
	}
	for (i = 0; i < nladders; i++)
		if (apply_ladder(&cfg, ladders[i], err, sizeof err) != 0) {
			fprintf(stderr, "hotline-sim: %s\n", err);
			config_free(&cfg);
			return (2);
		}
	m.cfg = &cfg;
	m.nqueues = cfg.nqueues;
	m.ntiers = cfg.ntiers;
	m.drain = DEFAULT_DRAIN_MS;
	m.calls = xcalloc((size_t)m.nqueues * m.ntiers * SIM_INTERVALS,
	    sizeof *m.calls);
	res = xcalloc((size_t)nreps, sizeof *res);
	if (demand != NULL && sim_demand_load(&m, demand, err,
	    sizeof err) != 0)
		goto fail;
	if (journal != NULL) {
		if (sim_journal_load(&m, journal, (int)days, &jn, err,
		    sizeof err) != 0)
			goto fail;
		journal_apply(&m, &jn, (int)days, handle == NULL,
		    patience == NULL);
	}
	if (save_demand != NULL && sim_demand_save(&m, save_demand, err,
	    sizeof err) != 0)
		goto fail;
	if (roster != NULL && sim_roster_load(&m, roster, err,
	    sizeof err) != 0)
		goto fail;
	n = 0;
	if (agents != NULL) {
		n = strtol(agents, &end, 10);
		if (end == agents || *end != '\0' || n < 0 ||
		    n > SEARCH_MAX_AGENTS || (agents[0] != '+' &&
		    roster != NULL)) {
			snprintf(err, sizeof err, "bad --agents '%s' (N, or "
			    "+N to add to the roster)", agents);
			goto fail;
		}
	}
	/* the roster: the file's, the journal's or the configuration's,
	 * unless --agents N makes one; +N adds to it */
	if (roster == NULL && !do_search && (agents == NULL ||
	    agents[0] == '+') && model_roster(&m, journal, &jn, err,
	    sizeof err) != 0)
		goto fail;
	if (n > 0 && sim_roster_count(&m, (int)n, err, sizeof err) != 0)
		goto fail;

	printf("hotline-sim: %ld replications from seed %llu; target %.0f%% "
	    "in %llds; handle %s", nreps, seed, m.sl_target * 100,
	    (long long)(m.sl_time / MS_PER_S),
	    sim_dist_format(&m.handle, dbuf, sizeof dbuf));
	printf(", wrap-up %s", m.wrapup.kind == DIST_NONE ? "queue's" :
	    sim_dist_format(&m.wrapup, dbuf, sizeof dbuf));
	printf(", patience %s", sim_dist_format(&m.patience, dbuf,
	    sizeof dbuf));
	printf(", accept %s\n", sim_dist_format(&m.accept, dbuf, sizeof dbuf));
	if (do_search) {
		if (roster != NULL || (agents != NULL && agents[0] == '+')) {
			snprintf(err, sizeof err, "--search sizes a roster of "
			    "identical agents: no --roster");
			goto fail;
		}
		if (search(&m, (int)nreps, seed, res, &best) != 0)
			goto out;
		printf("search: the fewest agents meeting %.0f%% in %llds "
		    "for every tier: %d\n", m.sl_target * 100,
		    (long long)(m.sl_time / MS_PER_S), best);
		free(m.agents);
		m.agents = NULL;
		m.nagents = 0;
		if (sim_roster_count(&m, best, err, sizeof err) != 0)
			goto fail;
	}
	printf("hotline-sim: %d agents\n", m.nagents);
	if (replicate(&m, (int)nreps, seed, res) != 0)
		goto out;
	sim_report_build(&rp, &m, res, (int)nreps);
	if (!quiet)
		sim_report_table(&rp, &m, stdout);
	rc = 0;
	if (csv != NULL && write_file(csv, &rp, &m, sim_report_csv) != 0)
		rc = 1;
	if (svg != NULL && write_file(svg, &rp, &m, sim_report_svg) != 0)
		rc = 1;
	sim_report_free(&rp);
	results_free(res, (int)nreps);
	goto out;
fail:
	fprintf(stderr, "hotline-sim: %s\n", err);
out:
	free(res);
	free(m.calls);
	free(m.agents);
	sim_journal_free(&m);
	config_free(&cfg);
	return (rc);
}
