/*
 * journal.c: the demand, behaviour and roster of a running centre, read
 * from its store (DIR/hotline.db, read-only, beside a running hotlined:
 * WAL lets a reader in). Only columns kept in clear are read: queues,
 * tiers, times, handle times, the users' skills; nothing personal, and
 * no key is needed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sim.h"
#include "xmalloc.h"

#define DAY_MS		((hl_ms)24 * 60 * 60 * 1000)
#define MS_PER_S	1000.0
#define BUSY_WAIT_MS	5000	/* the daemon may be committing */

static int
journal_index(const char *name, const char *(*get)(const struct config *,
    int), const struct config *cfg, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strcmp(get(cfg, i), name) == 0)
			return (i);
	return (-1);
}

static const char *
cfg_queue(const struct config *cfg, int i)
{
	return (cfg->queues[i].name);
}

static const char *
cfg_tier(const struct config *cfg, int i)
{
	return (cfg->tiers[i].name);
}

/* Files the call's manager in its cell; whether there was one. */
static int
journal_manager(struct sim_model *m, int q, int t, const char *name)
{
	struct sim_managers	*pool;

	if (m->managers == NULL)
		m->managers = xcalloc((size_t)m->nqueues * m->ntiers,
		    sizeof *m->managers);
	pool = &m->managers[q * m->ntiers + t];
	pool->names = xreallocarray(pool->names, (size_t)pool->n + 1,
	    sizeof *pool->names);
	snprintf(pool->names[pool->n++], ENGINE_NAME_MAX, "%s",
	    name != NULL ? name : "");
	return (name != NULL && *name != '\0');
}

void
sim_journal_free(struct sim_model *m)
{
	int	i;

	if (m->managers == NULL)
		return;
	for (i = 0; i < m->nqueues * m->ntiers; i++)
		free(m->managers[i].names);
	free(m->managers);
	m->managers = NULL;
}

/* The store, read-only, and the one statement being stepped. */
struct jdb {
	sqlite3		*db;
	sqlite3_stmt	*st;
	const char	*dir;
};

static int
jdb_open(struct jdb *j, const char *dir, char *err, size_t errlen)
{
	char	path[1024];

	memset(j, 0, sizeof *j);
	j->dir = dir;
	if ((size_t)snprintf(path, sizeof path, "%s/hotline.db", dir) >=
	    sizeof path) {
		snprintf(err, errlen, "%s: path too long", dir);
		return (-1);
	}
	if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(j->db));
		sqlite3_close(j->db);
		return (-1);
	}
	sqlite3_busy_timeout(j->db, BUSY_WAIT_MS);
	return (0);
}

/* Prepares sql as the statement stepped next; -1 with the reason. */
static int
jdb_prepare(struct jdb *j, const char *sql, char *err, size_t errlen)
{
	sqlite3_finalize(j->st);
	j->st = NULL;
	if (sqlite3_prepare_v2(j->db, sql, -1, &j->st, NULL) == SQLITE_OK)
		return (0);
	snprintf(err, errlen, "%s: %s", j->dir, sqlite3_errmsg(j->db));
	return (-1);
}

/* After the last sqlite3_step: 0 when it ended well. */
static int
jdb_done(struct jdb *j, int step, char *err, size_t errlen)
{
	if (step == SQLITE_DONE)
		return (0);
	snprintf(err, errlen, "%s: %s", j->dir, sqlite3_errmsg(j->db));
	return (-1);
}

static int
jdb_close(struct jdb *j, int rc)
{
	sqlite3_finalize(j->st);
	sqlite3_close(j->db);
	return (rc);
}

/* The days read: those up to the newest call's, whole UTC days. */
static int
journal_days(struct jdb *j, int days, struct sim_journal *out, char *err,
    size_t errlen)
{
	if (jdb_prepare(j, "SELECT max(created_ms) FROM tickets WHERE "
	    "followup_of = 0", err, errlen) != 0)
		return (-1);
	if (sqlite3_step(j->st) != SQLITE_ROW)
		return (jdb_done(j, SQLITE_ERROR, err, errlen));
	if (sqlite3_column_type(j->st, 0) == SQLITE_NULL) {
		snprintf(err, errlen, "%s: the journal has no calls", j->dir);
		return (-1);
	}
	out->to = (sqlite3_column_int64(j->st, 0) / DAY_MS + 1) * DAY_MS;
	out->from = out->to - (hl_ms)days * DAY_MS;
	return (0);
}

/*
 * Demand: the calls of the `days` whole UTC days up to the newest call's,
 * follow-ups left out, averaged per interval of the day. Handle time:
 * mean and sd of the resolved calls' work. Patience, exponential with
 * right-censoring: answered callers were still patient when answered, so
 * its mean is every caller's wait summed over the number who hung up.
 */
static int
journal_calls(struct jdb *j, struct sim_model *m, int days,
    struct sim_journal *out, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	hl_ms		 created, accepted, updated, work;
	double		 hsum = 0, hsq = 0, exposure = 0;
	const char	*state;
	int		 q, t, step;

	if (journal_days(j, days, out, err, errlen) != 0)
		return (-1);
	/* customers' managers are kept in clear, as their tiers */
	if (jdb_prepare(j, "SELECT t.queue, t.tier, t.state, t.created_ms, "
	    "t.accepted_ms, t.updated_ms, t.work_ms, c.manager FROM tickets t "
	    "LEFT JOIN customers c ON c.id = t.customer WHERE "
	    "t.followup_of = 0 AND t.created_ms >= ? AND t.created_ms < ?",
	    err, errlen) != 0)
		return (-1);
	st = j->st;
	sqlite3_bind_int64(st, 1, out->from);
	sqlite3_bind_int64(st, 2, out->to);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		q = journal_index((const char *)sqlite3_column_text(st, 0),
		    cfg_queue, m->cfg, m->nqueues);
		t = journal_index((const char *)sqlite3_column_text(st, 1),
		    cfg_tier, m->cfg, m->ntiers);
		state = (const char *)sqlite3_column_text(st, 2);
		created = sqlite3_column_int64(st, 3);
		accepted = sqlite3_column_int64(st, 4);
		updated = sqlite3_column_int64(st, 5);
		work = sqlite3_column_int64(st, 6);
		if (q < 0 || t < 0) {
			out->skipped++;
			continue;
		}
		out->calls++;
		SIM_CALLS(m, q, t, (int)((created - out->from) % DAY_MS /
		    SIM_INTERVAL_MS)) += 1.0 / days;
		if (journal_manager(m, q, t, (const char *)
		    sqlite3_column_text(st, 7)))
			out->managed++;
		if (accepted > 0) {
			exposure += (double)(accepted - created);
			if ((strcmp(state, "resolved") == 0 ||
			    strcmp(state, "closed") == 0) && work > 0) {
				hsum += work / MS_PER_S;
				hsq += (work / MS_PER_S) * (work / MS_PER_S);
				out->handled++;
			}
		} else if (strcmp(state, "abandoned") == 0) {
			exposure += (double)(updated - created);
			out->abandoned++;
		}
	}
	if (jdb_done(j, step, err, errlen) != 0)
		return (-1);
	if (out->handled > 0) {
		out->handle_mean = hsum / out->handled;
		if (out->handled > 1)
			out->handle_sd = sqrt(fmax(0.0, (hsq - out->handled *
			    out->handle_mean * out->handle_mean) /
			    (out->handled - 1)));
	}
	if (out->abandoned > 0)
		out->patience_mean = exposure / MS_PER_S / out->abandoned;
	return (0);
}

int
sim_journal_load(struct sim_model *m, const char *dir, int days,
    struct sim_journal *out, char *err, size_t errlen)
{
	struct jdb	j;

	memset(out, 0, sizeof *out);
	if (jdb_open(&j, dir, err, errlen) != 0)
		return (-1);
	return (jdb_close(&j, journal_calls(&j, m, days, out, err, errlen)));
}

/* The users of role agent as the store keeps them, on all day. */
static int
journal_users(struct jdb *j, struct sim_model *m, char *err, size_t errlen)
{
	struct sim_agent	*a;
	const char		*skills, *groups;
	int			 step;

	if (jdb_prepare(j, "SELECT name, skills, groups, capacity FROM users "
	    "WHERE role = 'agent' ORDER BY name", err, errlen) != 0)
		return (-1);
	while ((step = sqlite3_step(j->st)) == SQLITE_ROW) {
		a = sim_roster_add(m);
		snprintf(a->name, sizeof a->name, "%s",
		    (const char *)sqlite3_column_text(j->st, 0));
		skills = (const char *)sqlite3_column_text(j->st, 1);
		groups = (const char *)sqlite3_column_text(j->st, 2);
		if (config_parse_skills(skills ? skills : "", a->skills,
		    ENGINE_MAX_SKILLS, &a->nskills) != 0)
			a->nskills = 0;
		if (config_parse_groups(groups ? groups : "", a->groups,
		    ENGINE_MAX_GROUPS, &a->ngroups) != 0)
			a->ngroups = 0;
		a->capacity = sqlite3_column_int(j->st, 3);
		if (a->capacity < 1)
			a->capacity = 1;
	}
	if (jdb_done(j, step, err, errlen) != 0)
		return (-1);
	if (m->nagents == 0) {
		snprintf(err, errlen, "%s: no users of role agent", j->dir);
		return (-1);
	}
	return (0);
}

static int
cmp_ms(const void *a, const void *b)
{
	hl_ms	x = *(const hl_ms *)a, y = *(const hl_ms *)b;

	return (x < y ? -1 : x > y);
}

/* The median of n values (sorted in place). */
static hl_ms
median_ms(hl_ms *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_ms);
	return (v[n / 2]);
}

/*
 * Shifts from the agents' status spells (facts of kind status: ready,
 * wrap-up, break): each day an agent worked runs from its first spell's
 * start to its last one's end; its shift is the median of those, out to
 * whole quarter hours. Agents who never worked those days are left out.
 * A journal without status facts leaves everyone on all day.
 */
static int
journal_shifts(struct jdb *j, struct sim_model *m,
    struct sim_journal *jn, char *err, size_t errlen)
{
	hl_ms	*first, *last, *v, since, until;
	int	 days = (int)((jn->to - jn->from) / DAY_MS), a, d, k, n, step;
	int	 kept = 0;

	first = xcalloc((size_t)m->nagents * days * 2, sizeof *first);
	last = first + (size_t)m->nagents * days;
	v = xcalloc((size_t)days, sizeof *v);
	if (jdb_prepare(j, "SELECT agent, since_ms, time_ms FROM facts WHERE "
	    "kind = 'status' AND time_ms >= ? AND since_ms < ?", err,
	    errlen) != 0)
		goto fail;
	sqlite3_bind_int64(j->st, 1, jn->from);
	sqlite3_bind_int64(j->st, 2, jn->to);
	while ((step = sqlite3_step(j->st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(j->st, 0);

		for (a = 0; a < m->nagents; a++)
			if (strcmp(m->agents[a].name, name) == 0)
				break;
		since = sqlite3_column_int64(j->st, 1);
		until = sqlite3_column_int64(j->st, 2);
		if (a == m->nagents || until <= since)
			continue;
		if (since < jn->from)
			since = jn->from;
		d = (int)((since - jn->from) / DAY_MS);
		k = a * days + d;
		/* offsets from the day's start, 0 meaning none yet */
		since -= jn->from + (hl_ms)d * DAY_MS - 1;
		until -= jn->from + (hl_ms)d * DAY_MS - 1;
		if (first[k] == 0 || since < first[k])
			first[k] = since;
		if (until > last[k])
			last[k] = until;
	}
	if (jdb_done(j, step, err, errlen) != 0)
		goto fail;
	for (a = 0; a < m->nagents; a++) {
		struct sim_agent	*sa = &m->agents[a];
		hl_ms			 start, end;

		for (n = 0, d = 0; d < days; d++)
			if (first[a * days + d] != 0)
				v[n++] = first[a * days + d] - 1;
		if (n == 0)
			continue;
		start = median_ms(v, n) / SIM_INTERVAL_MS * SIM_INTERVAL_MS;
		for (n = 0, d = 0; d < days; d++)
			if (first[a * days + d] != 0)
				v[n++] = last[a * days + d] - 1;
		end = (median_ms(v, n) + SIM_INTERVAL_MS - 1) /
		    SIM_INTERVAL_MS * SIM_INTERVAL_MS;
		if (end > SIM_DAY_MS)
			end = SIM_DAY_MS;
		if (end <= start)
			end = start + SIM_INTERVAL_MS;
		sa->start = start;
		sa->end = end == SIM_DAY_MS ? end + m->drain : end;
		m->agents[kept++] = *sa;
	}
	if (kept > 0) {
		jn->worked = kept;
		jn->idle = m->nagents - kept;
		m->nagents = kept;
	}
	free(first);
	free(v);
	return (0);
fail:
	free(first);
	free(v);
	return (-1);
}

int
sim_journal_roster(struct sim_model *m, const char *dir,
    struct sim_journal *jn, char *err, size_t errlen)
{
	struct jdb	j;

	if (jdb_open(&j, dir, err, errlen) != 0)
		return (-1);
	if (journal_users(&j, m, err, errlen) != 0)
		return (jdb_close(&j, -1));
	return (jdb_close(&j, journal_shifts(&j, m, jn, err, errlen)));
}
