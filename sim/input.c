/*
 * input.c: what hotline-sim reads besides the configuration: the demand
 * (calls per 15-minute interval, queue and tier) and the roster (agents,
 * skills, groups, capacity, shift), both CSV; or a roster made up of n
 * agents, or of the configuration's [user] agents.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xmalloc.h"

#define CSV_LINE_MAX	4096
#define CSV_FIELDS_MAX	8
#define MINUTES_PER_INTERVAL	15

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
int
sim_demand_load(struct sim_model *m, const char *path, char *err,
    size_t errlen)
{
	FILE	*fp;
	char	 line[CSV_LINE_MAX], *f[CSV_FIELDS_MAX], *end;
	int	 n, lineno = 0, q, t, i, rc = -1;
	double	 calls;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		if ((n = csv_split(line, f, CSV_FIELDS_MAX)) == 0 ||
		    strcmp(f[0], "interval") == 0)
			continue;
		if (n != 4) {
			snprintf(err, errlen, "%s:%d: want interval,queue,"
			    "tier,calls", path, lineno);
			goto out;
		}
		if (sim_parse_clock(f[0], &i) != 0 || i >= SIM_INTERVALS) {
			snprintf(err, errlen, "%s:%d: bad interval '%s' "
			    "(HH:MM on a quarter hour)", path, lineno, f[0]);
			goto out;
		}
		if ((q = model_queue(m, f[1])) < 0) {
			snprintf(err, errlen, "%s:%d: no queue '%s' in the "
			    "configuration", path, lineno, f[1]);
			goto out;
		}
		if ((t = model_tier(m, f[2])) < 0) {
			snprintf(err, errlen, "%s:%d: no tier '%s' in the "
			    "configuration", path, lineno, f[2]);
			goto out;
		}
		calls = strtod(f[3], &end);
		if (end == f[3] || *end != '\0' || calls < 0) {
			snprintf(err, errlen, "%s:%d: bad calls '%s'", path,
			    lineno, f[3]);
			goto out;
		}
		SIM_CALLS(m, q, t, i) += calls;
	}
	rc = 0;
out:
	fclose(fp);
	return (rc);
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
int
sim_roster_load(struct sim_model *m, const char *path, char *err,
    size_t errlen)
{
	FILE			*fp;
	char			 line[CSV_LINE_MAX], *f[CSV_FIELDS_MAX], *end;
	struct sim_agent	*a;
	int			 n, lineno = 0, from, to, rc = -1;
	long			 cap;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		if ((n = csv_split(line, f, CSV_FIELDS_MAX)) == 0 ||
		    strcmp(f[0], "name") == 0)
			continue;
		if (n != 6 && n != 7) {
			snprintf(err, errlen, "%s:%d: want name,skills,groups,"
			    "capacity,start,end[,breaks]", path, lineno);
			goto out;
		}
		a = sim_roster_add(m);
		if (strlen(f[0]) == 0 || strlen(f[0]) >= sizeof a->name) {
			snprintf(err, errlen, "%s:%d: bad name", path, lineno);
			goto out;
		}
		snprintf(a->name, sizeof a->name, "%s", f[0]);
		if (config_parse_skills(f[1], a->skills, ENGINE_MAX_SKILLS,
		    &a->nskills) != 0 || config_parse_groups(f[2], a->groups,
		    ENGINE_MAX_GROUPS, &a->ngroups) != 0) {
			snprintf(err, errlen, "%s:%d: bad skills or groups",
			    path, lineno);
			goto out;
		}
		cap = strtol(f[3], &end, 10);
		if (end == f[3] || *end != '\0' || cap < 1 || cap > 100) {
			snprintf(err, errlen, "%s:%d: bad capacity '%s'",
			    path, lineno, f[3]);
			goto out;
		}
		a->capacity = (int)cap;
		if (sim_parse_clock(f[4], &from) != 0 ||
		    sim_parse_clock(f[5], &to) != 0 || to <= from) {
			snprintf(err, errlen, "%s:%d: bad shift %s-%s", path,
			    lineno, f[4], f[5]);
			goto out;
		}
		a->start = (hl_ms)from * SIM_INTERVAL_MS;
		a->end = (hl_ms)to * SIM_INTERVAL_MS;
		if (n == 7 && roster_breaks(f[6], a) != 0) {
			snprintf(err, errlen, "%s:%d: bad breaks '%s' "
			    "(HH:MM-HH:MM within the shift, separated by "
			    "spaces)", path, lineno, f[6]);
			goto out;
		}
		/* the day's last shifts finish what is still waiting */
		if (to == SIM_INTERVALS)
			a->end += m->drain;
	}
	rc = 0;
out:
	fclose(fp);
	return (rc);
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
