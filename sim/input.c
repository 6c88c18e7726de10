/*
 * input.c: what hotline-sim reads besides the configuration: the demand
 * (calls per 15-minute interval, queue and tier) and the roster (agents,
 * skills, groups, capacity, shift), both CSV; or a roster made up of n
 * agents, or of the configuration's [user] agents.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xmalloc.h"

#define CSV_LINE_MAX	4096
#define CSV_FIELDS_MAX	8
#define MINUTES_PER_INTERVAL	15
#define CAPACITY_MAX		100	/* tickets an agent holds at once */

/* "HH:MM" on a quarter hour, 00:00 to 24:00 (the end of the day). */
int
sim_parse_clock(const char *s, int *interval)
{
	int	h, m, n;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] != '\0' ||
	    h < 0 || m < 0 || m > 59 || m % MINUTES_PER_INTERVAL != 0 ||
	    h * 60 + m > SIM_INTERVALS * MINUTES_PER_INTERVAL)
		return (-1);
	*interval = (h * 60 + m) / MINUTES_PER_INTERVAL;
	return (0);
}

static char *
csv_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

/* Splits a line at commas; blank and '#' lines give 0 fields. */
static int
csv_split(char *line, char **f, int max)
{
	int	n = 0;
	char	*s = csv_trim(line);

	if (*s == '\0' || *s == '#')
		return (0);
	for (;;) {
		char	*c = strchr(s, ',');

		if (n == max)
			return (-1);
		if (c != NULL)
			*c = '\0';
		f[n++] = csv_trim(s);
		if (c == NULL)
			return (n);
		s = c + 1;
	}
}

/* A CSV file read line by line; errors name the file and line. */
struct csv {
	FILE		*fp;
	const char	*path;
	int		 lineno;
	char		 line[CSV_LINE_MAX];
	char		*f[CSV_FIELDS_MAX];
};

static int
csv_open(struct csv *c, const char *path, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->path = path;
	if ((c->fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}

/* The fields of the next line (its count; 0 at the end), skipping blank
 * and comment lines and a header (its first field is `header`). */
static int
csv_next(struct csv *c, const char *header)
{
	int	n;

	while (fgets(c->line, sizeof c->line, c->fp) != NULL) {
		c->lineno++;
		if ((n = csv_split(c->line, c->f, CSV_FIELDS_MAX)) != 0 &&
		    strcmp(c->f[0], header) != 0)
			return (n);
	}
	return (0);
}

static int __attribute__((format(printf, 4, 5)))
csv_err(const struct csv *c, char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(err, errlen, "%s:%d: ", c->path, c->lineno);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* Every line of path through fn, which sets err and returns -1 to stop. */
static int
csv_load(struct sim_model *m, const char *path, const char *header,
    int (*fn)(struct sim_model *, struct csv *, int, char *, size_t),
    char *err, size_t errlen)
{
	struct csv	c;
	int		n, rc = 0;

	if (csv_open(&c, path, err, errlen) != 0)
		return (-1);
	while (rc == 0 && (n = csv_next(&c, header)) != 0)
		rc = fn(m, &c, n, err, errlen);
	fclose(c.fp);
	return (rc);
}

static int
model_queue(const struct sim_model *m, const char *name)
{
	int	i;

	for (i = 0; i < m->cfg->nqueues; i++)
		if (strcmp(m->cfg->queues[i].name, name) == 0)
			return (i);
	return (-1);
}

static int
model_tier(const struct sim_model *m, const char *name)
{
	int	i;

	for (i = 0; i < m->cfg->ntiers; i++)
		if (strcmp(m->cfg->tiers[i].name, name) == 0)
			return (i);
	return (-1);
}

/* interval,queue,tier,calls: a header line starting "interval" is skipped;
 * cells given twice add up. */
static int
demand_line(struct sim_model *m, struct csv *c, int n, char *err,
    size_t errlen)
{
	char	**f = c->f, *end;
	int	 q, t, i;
	double	 calls;

	if (n != 4)
		return (csv_err(c, err, errlen, "want interval,queue,tier,"
		    "calls"));
	if (sim_parse_clock(f[0], &i) != 0 || i >= SIM_INTERVALS)
		return (csv_err(c, err, errlen, "bad interval '%s' (HH:MM on "
		    "a quarter hour)", f[0]));
	if ((q = model_queue(m, f[1])) < 0)
		return (csv_err(c, err, errlen, "no queue '%s' in the "
		    "configuration", f[1]));
	if ((t = model_tier(m, f[2])) < 0)
		return (csv_err(c, err, errlen, "no tier '%s' in the "
		    "configuration", f[2]));
	calls = strtod(f[3], &end);
	if (end == f[3] || *end != '\0' || calls < 0)
		return (csv_err(c, err, errlen, "bad calls '%s'", f[3]));
	SIM_CALLS(m, q, t, i) += calls;
	return (0);
}

int
sim_demand_load(struct sim_model *m, const char *path, char *err,
    size_t errlen)
{
	return (csv_load(m, path, "interval", demand_line, err, errlen));
}

int
sim_demand_save(const struct sim_model *m, const char *path, char *err,
    size_t errlen)
{
	FILE	*fp;
	int	 q, t, i;

	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	fprintf(fp, "interval,queue,tier,calls\n");
	for (i = 0; i < SIM_INTERVALS; i++)
		for (q = 0; q < m->nqueues; q++)
			for (t = 0; t < m->ntiers; t++)
				if (SIM_CALLS(m, q, t, i) > 0)
					fprintf(fp, "%02d:%02d,%s,%s,%.4g\n",
					    i / 4, i % 4 * MINUTES_PER_INTERVAL,
					    m->cfg->queues[q].name,
					    m->cfg->tiers[t].name,
					    SIM_CALLS(m, q, t, i));
	if (fclose(fp) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}

struct sim_agent *
sim_roster_add(struct sim_model *m)
{
	struct sim_agent	*a;

	m->agents = xreallocarray(m->agents, (size_t)m->nagents + 1,
	    sizeof *m->agents);
	a = &m->agents[m->nagents++];
	memset(a, 0, sizeof *a);
	a->capacity = 1;
	a->start = 0;
	a->end = SIM_DAY_MS + m->drain;
	return (a);
}

/* "12:00-12:30 15:00-15:15": breaks within the shift. */
static int
roster_breaks(char *s, struct sim_agent *a)
{
	char	*tok, *save, *dash;
	int	 from, to;

	for (tok = strtok_r(s, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		if ((dash = strchr(tok, '-')) == NULL ||
		    a->nbreaks == SIM_MAX_BREAKS)
			return (-1);
		*dash++ = '\0';
		if (sim_parse_clock(tok, &from) != 0 ||
		    sim_parse_clock(dash, &to) != 0 || to <= from ||
		    (hl_ms)from * SIM_INTERVAL_MS < a->start ||
		    (hl_ms)to * SIM_INTERVAL_MS > a->end)
			return (-1);
		a->breaks[a->nbreaks].start = (hl_ms)from * SIM_INTERVAL_MS;
		a->breaks[a->nbreaks++].end = (hl_ms)to * SIM_INTERVAL_MS;
	}
	return (0);
}

/* name,skills,groups,capacity,start,end[,breaks]; skills "billing:5
 * tech:3", groups "vip senior" and breaks "12:00-12:30 15:00-15:15"
 * separated by spaces (commas separate fields). */
static int
roster_line(struct sim_model *m, struct csv *c, int n, char *err,
    size_t errlen)
{
	struct sim_agent	*a;
	char			**f = c->f, *end;
	int			 from, to;
	long			 cap;

	if (n != 6 && n != 7)
		return (csv_err(c, err, errlen, "want name,skills,groups,"
		    "capacity,start,end[,breaks]"));
	a = sim_roster_add(m);
	if (strlen(f[0]) == 0 || strlen(f[0]) >= sizeof a->name)
		return (csv_err(c, err, errlen, "bad name"));
	snprintf(a->name, sizeof a->name, "%s", f[0]);
	if (config_parse_skills(f[1], a->skills, ENGINE_MAX_SKILLS,
	    &a->nskills) != 0 || config_parse_groups(f[2], a->groups,
	    ENGINE_MAX_GROUPS, &a->ngroups) != 0)
		return (csv_err(c, err, errlen, "bad skills or groups"));
	cap = strtol(f[3], &end, 10);
	if (end == f[3] || *end != '\0' || cap < 1 || cap > CAPACITY_MAX)
		return (csv_err(c, err, errlen, "bad capacity '%s'", f[3]));
	a->capacity = (int)cap;
	if (sim_parse_clock(f[4], &from) != 0 ||
	    sim_parse_clock(f[5], &to) != 0 || to <= from)
		return (csv_err(c, err, errlen, "bad shift %s-%s", f[4], f[5]));
	a->start = (hl_ms)from * SIM_INTERVAL_MS;
	a->end = (hl_ms)to * SIM_INTERVAL_MS;
	if (n == 7 && roster_breaks(f[6], a) != 0)
		return (csv_err(c, err, errlen, "bad breaks (HH:MM-HH:MM "
		    "within the shift, separated by spaces)"));
	/* the day's last shifts finish what is still waiting */
	if (to == SIM_INTERVALS)
		a->end += m->drain;
	return (0);
}

int
sim_roster_load(struct sim_model *m, const char *path, char *err,
    size_t errlen)
{
	return (csv_load(m, path, "name", roster_line, err, errlen));
}

int
sim_roster_count(struct sim_model *m, int n, char *err, size_t errlen)
{
	struct sim_agent	*a;
	int			 i, q;

	if (m->cfg->nqueues > ENGINE_MAX_SKILLS) {
		snprintf(err, errlen, "more queues than an agent has skills "
		    "(%d): give a roster", ENGINE_MAX_SKILLS);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		a = sim_roster_add(m);
		snprintf(a->name, sizeof a->name, "sim%04d", m->nagents);
		for (q = 0; q < m->cfg->nqueues; q++) {
			snprintf(a->skills[q].queue, sizeof a->skills[q].queue,
			    "%s", m->cfg->queues[q].name);
			a->skills[q].level = 1;
		}
		a->nskills = m->cfg->nqueues;
	}
	return (0);
}

int
sim_roster_users(struct sim_model *m, char *err, size_t errlen)
{
	const struct config_user	*u;
	struct sim_agent		*a;
	int				 i;

	for (i = 0; i < m->cfg->nusers; i++) {
		u = &m->cfg->users[i];
		if (u->role != ROLE_AGENT)
			continue;
		a = sim_roster_add(m);
		snprintf(a->name, sizeof a->name, "%s", u->name);
		memcpy(a->skills, u->skills, sizeof a->skills);
		a->nskills = u->nskills;
		memcpy(a->groups, u->groups, sizeof a->groups);
		a->ngroups = u->ngroups;
		a->capacity = u->capacity > 0 ? u->capacity : 1;
	}
	if (m->nagents == 0) {
		snprintf(err, errlen, "the configuration has no [user] of "
		    "role agent: give --agents or --roster");
		return (-1);
	}
	return (0);
}

double
sim_model_calls(const struct sim_model *m, int q, int t, int i)
{
	double	c = SIM_CALLS(m, q, t, i);

	if (m->surge.factor > 0 && i >= m->surge.from && i < m->surge.to)
		c *= m->surge.factor;
	return (c);
}
