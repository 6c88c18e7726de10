/*
 * report-agg.c: the figures of REPORT, summed from journal facts. Pure:
 * facts go in (in any order), one RESP reply comes out; no SQLite, no
 * clock. Rows are keyed by the dimensions the report groups by (queue,
 * tier, agent, hour) and found through lib/hmap.h. Agent status spells
 * are cut to the range, and to hours when grouping by hour.
 * docs/PROTOCOL.md gives the formulas.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hmap.h"
#include "log.h"
#include "report.h"
#include "xmalloc.h"

#define DIM_QUEUE	0x1
#define DIM_TIER	0x2
#define DIM_AGENT	0x4
#define DIM_HOUR	0x8

struct rbreak {
	char		reason[ENGINE_NAME_MAX];
	hl_ms		ms;
};

struct rrow {
	char		 queue[ENGINE_NAME_MAX];
	char		 tier[ENGINE_NAME_MAX];
	char		 agent[ENGINE_NAME_MAX];
	hl_ms		 hour;
	uint64_t	 answered, in_target, abandoned, short_abandoned;
	uint64_t	 handled, transfers, escalations;
	uint64_t	 answer_breaches, resolve_breaches, missed, rejected;
	uint64_t	 rated, satisfied;
	hl_ms		 answer_ms, abandon_ms, handle_ms;
	int64_t		 csat_sum;
	hl_ms		 ready_ms, wrapup_ms, break_ms;
	struct rbreak	*breaks;
	int		 nbreaks;
};

struct report_agg {
	struct report_req	 req;
	hl_ms			 from, to, data_from;
	int			 dims;
	struct rrow		 total;
	struct rrow		**rows;
	size_t			 nrows, crows;
	struct hmap		 index;		/* the rows by struct agg_key */
};

/* What a row is grouped by ("" and 0 for the dimensions not asked for). */
struct agg_key {
	const char	*queue, *tier, *agent;
	hl_ms		 hour;
};

static const char *const report_bys[] = {
	"", "tier", "queue", "agent", "hour"
};

const char *
report_by_name(enum report_by by)
{
	return (report_bys[by]);
}

int
report_by_parse(const char *s, enum report_by *out)
{
	size_t	i;

	for (i = 1; i < sizeof report_bys / sizeof report_bys[0]; i++) {
		if (strcasecmp(s, report_bys[i]) == 0) {
			*out = (enum report_by)i;
			return (0);
		}
	}
	return (-1);
}

/* Rows of SLA group by BY; of QUEUES by queue (and BY); of AGENTS by
 * agent (and hour). */
static int
agg_dims(const struct report_req *r)
{
	static const int	by_dim[] = {
		[REPORT_BY_NONE] = 0,
		[REPORT_BY_TIER] = DIM_TIER,
		[REPORT_BY_QUEUE] = DIM_QUEUE,
		[REPORT_BY_AGENT] = DIM_AGENT,
		[REPORT_BY_HOUR] = DIM_HOUR
	};
	int			dims = by_dim[r->by];

	if (r->kind == REPORT_QUEUES)
		dims |= DIM_QUEUE;
	else if (r->kind == REPORT_AGENTS)
		dims |= DIM_AGENT;
	return (dims);
}

struct report_agg *
report_agg_new(const struct report_req *req, hl_ms data_from)
{
	struct report_agg	*g = xcalloc(1, sizeof *g);

	g->req = *req;
	g->data_from = data_from;
	g->from = req->from > data_from ? req->from : data_from;
	g->to = req->to;
	if (g->from > g->to)
		g->from = g->to;
	g->dims = agg_dims(req);
	return (g);
}

void
report_agg_range(const struct report_agg *g, hl_ms *from, hl_ms *to)
{
	*from = g->from;
	*to = g->to;
}

static void
agg_row_free(struct rrow *r)
{
	free(r->breaks);
}

void
report_agg_free(struct report_agg *g)
{
	size_t	i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nrows; i++) {
		agg_row_free(g->rows[i]);
		free(g->rows[i]);
	}
	agg_row_free(&g->total);
	free(g->rows);
	hmap_free(&g->index, NULL);
	free(g);
}

static hl_ms
agg_hour(hl_ms t)
{
	hl_ms	h = t / REPORT_HOUR_MS;

	if (t % REPORT_HOUR_MS != 0 && t < 0)
		h--;
	return (h * REPORT_HOUR_MS);
}

/* The names with their terminating NUL, so that ("ab", "c") and ("a",
 * "bc") differ. */
static uint64_t
agg_hash(const struct agg_key *k)
{
	uint64_t	h = HMAP_FNV_BASIS;

	h = hmap_fnv(h, k->queue, strlen(k->queue) + 1);
	h = hmap_fnv(h, k->tier, strlen(k->tier) + 1);
	h = hmap_fnv(h, k->agent, strlen(k->agent) + 1);
	h = hmap_fnv(h, &k->hour, sizeof k->hour);
	return (hmap_mix(h));
}

static int
agg_row_is(const void *row, const void *key)
{
	const struct rrow	*r = row;
	const struct agg_key	*k = key;

	return (r->hour == k->hour && strcmp(r->queue, k->queue) == 0 &&
	    strcmp(r->tier, k->tier) == 0 && strcmp(r->agent, k->agent) == 0);
}

/* The row of these key fields, made on first use; NULL past the limit. */
static struct rrow *
agg_row(struct report_agg *g, const char *q, const char *t, const char *a,
    hl_ms hour)
{
	struct rrow	*r;
	struct agg_key	 k;
	uint64_t	 h;

	k.queue = (g->dims & DIM_QUEUE) ? q : "";
	k.tier = (g->dims & DIM_TIER) ? t : "";
	k.agent = (g->dims & DIM_AGENT) ? a : "";
	k.hour = (g->dims & DIM_HOUR) ? hour : 0;
	h = agg_hash(&k);
	if ((r = hmap_find(&g->index, h, agg_row_is, &k)) != NULL)
		return (r);
	if (g->nrows == REPORT_MAX_ROWS)
		return (NULL);
	if (g->nrows == g->crows) {
		g->crows = g->crows ? g->crows * 2 : 64;
		g->rows = xreallocarray(g->rows, g->crows, sizeof *g->rows);
	}
	r = xcalloc(1, sizeof *r);
	snprintf(r->queue, sizeof r->queue, "%s", k.queue);
	snprintf(r->tier, sizeof r->tier, "%s", k.tier);
	snprintf(r->agent, sizeof r->agent, "%s", k.agent);
	r->hour = k.hour;
	g->rows[g->nrows++] = r;
	hmap_add(&g->index, h, r);
	return (r);
}

static void
agg_status(struct rrow *r, const char *detail, hl_ms ms)
{
	int	i;

	if (strcmp(detail, "ready") == 0)
		r->ready_ms += ms;
	else if (strcmp(detail, "wrapup") == 0)
		r->wrapup_ms += ms;
	else if (strncmp(detail, "break", 5) == 0) {
		r->break_ms += ms;
		detail += detail[5] == ':' ? 6 : 5;
		for (i = 0; i < r->nbreaks; i++)
			if (strcmp(r->breaks[i].reason, detail) == 0)
				break;
		if (i == r->nbreaks) {
			r->breaks = xreallocarray(r->breaks, (size_t)i + 1,
			    sizeof *r->breaks);
			snprintf(r->breaks[i].reason, sizeof r->breaks[i].reason,
			    "%s", detail);
			r->breaks[i].ms = 0;
			r->nbreaks++;
		}
		r->breaks[i].ms += ms;
	}
}

static void
agg_count(struct rrow *r, const struct report_fact *f)
{
	switch (f->kind) {
	case FACT_ANSWERED:
		r->answered++;
		r->answer_ms += f->value;
		if (f->flag)
			r->in_target++;
		break;
	case FACT_ABANDONED:
		r->abandoned++;
		r->abandon_ms += f->value;
		break;
	case FACT_SHORT_ABANDONED:
		r->short_abandoned++;
		break;
	case FACT_HANDLED:
		r->handled++;
		r->handle_ms += f->value;
		break;
	case FACT_TRANSFERRED:
		r->transfers++;
		break;
	case FACT_ESCALATED:
		r->escalations++;
		break;
	case FACT_ANSWER_BREACH:
		r->answer_breaches++;
		break;
	case FACT_RESOLVE_BREACH:
		r->resolve_breaches++;
		break;
	case FACT_MISSED:
		r->missed++;
		break;
	case FACT_REJECTED:
		r->rejected++;
		break;
	case FACT_RATED:
		r->rated++;
		r->csat_sum += f->value;
		if (f->value >= 4)
			r->satisfied++;
		break;
	case FACT_STATUS:
	case FACT_NKINDS:
		break;
	}
}

/* A spell [since, time) cut to the range, and to hours if grouped so. */
static int
agg_spell(struct report_agg *g, const struct report_fact *f)
{
	struct rrow	*r;
	hl_ms		 a = f->since > g->from ? f->since : g->from;
	hl_ms		 b = f->time < g->to ? f->time : g->to, end;

	if (a >= b)
		return (0);
	agg_status(&g->total, f->detail, b - a);
	while (a < b) {
		end = (g->dims & DIM_HOUR) ? agg_hour(a) + REPORT_HOUR_MS : b;
		if (end > b)
			end = b;
		if ((r = agg_row(g, f->queue, f->tier, f->agent,
		    agg_hour(a))) == NULL)
			return (-1);
		agg_status(r, f->detail, end - a);
		a = end;
	}
	return (0);
}

int
report_agg_add(struct report_agg *g, const struct report_fact *f)
{
	struct rrow	*r;

	if (f->kind == FACT_STATUS) {
		/* Spells are the agent's whole time, in no queue. */
		if (g->req.kind != REPORT_AGENTS || g->req.queue[0] != '\0' ||
		    f->agent[0] == '\0')
			return (0);
		return (agg_spell(g, f));
	}
	if (f->time < g->from || f->time >= g->to)
		return (0);
	if (g->req.queue[0] != '\0' && strcmp(f->queue, g->req.queue) != 0)
		return (0);
	if (g->req.kind == REPORT_AGENTS && f->agent[0] == '\0')
		return (0);
	if ((r = agg_row(g, f->queue, f->tier, f->agent,
	    agg_hour(f->time))) == NULL)
		return (-1);
	agg_count(r, f);
	agg_count(&g->total, f);
	return (0);
}

/* A flat map whose size is known once written, behind a deferred count. */
struct fields {
	struct buf	*b;
	size_t		 n;
	size_t		 mark;
};

static void
fields_int(struct fields *m, const char *name, long long v)
{
	resp_add_field_int(m->b, name, v);
	m->n++;
}

static void
fields_str(struct fields *m, const char *name, const char *v)
{
	resp_add_field_str(m->b, name, v);
	m->n++;
}

/* A ratio as text with the given decimals, "-" with nothing to count. */
static void
fields_ratio(struct fields *m, const char *name, double num, uint64_t den,
    double scale, int decimals)
{
	resp_add_cstr(m->b, name);
	if (den == 0)
		resp_add_cstr(m->b, "-");
	else
		resp_add_bulkf(m->b, "%.*f", decimals, scale * num /
		    (double)den);
	m->n++;
}

static long long
agg_avg(hl_ms sum, uint64_t n)
{
	return (n == 0 ? 0 : (long long)(sum / (hl_ms)n));
}

static void
agg_csat(struct fields *m, const struct rrow *r)
{
	fields_int(m, "csat_count", (long long)r->rated);
	fields_ratio(m, "csat_avg", (double)r->csat_sum, r->rated, 1, 2);
	fields_ratio(m, "csat_satisfied", (double)r->satisfied, r->rated, 100,
	    1);
}

static int
agg_cmp_break(const void *x, const void *y)
{
	return (strcmp(((const struct rbreak *)x)->reason,
	    ((const struct rbreak *)y)->reason));
}

static void
agg_agent_fields(struct fields *m, struct rrow *r)
{
	char	name[ENGINE_NAME_MAX + 32];
	int	i;

	fields_int(m, "answered", (long long)r->answered);
	fields_int(m, "handled", (long long)r->handled);
	fields_int(m, "aht_ms", agg_avg(r->handle_ms, r->handled));
	fields_int(m, "handle_ms", r->handle_ms);
	fields_int(m, "transfers", (long long)r->transfers);
	fields_int(m, "missed", (long long)r->missed);
	fields_int(m, "rejected", (long long)r->rejected);
	agg_csat(m, r);
	fields_int(m, "time_ready_ms", r->ready_ms);
	fields_int(m, "time_wrapup_ms", r->wrapup_ms);
	fields_int(m, "time_break_ms", r->break_ms);
	if (r->nbreaks > 1)
		qsort(r->breaks, (size_t)r->nbreaks, sizeof *r->breaks,
		    agg_cmp_break);
	for (i = 0; i < r->nbreaks; i++) {
		snprintf(name, sizeof name, "time_break.%s_ms",
		    r->breaks[i].reason);
		fields_int(m, name, r->breaks[i].ms);
	}
}

static void
agg_service_fields(struct fields *m, const struct rrow *r)
{
	uint64_t	offered = r->answered + r->abandoned;

	fields_int(m, "answered", (long long)r->answered);
	fields_int(m, "answered_in_target", (long long)r->in_target);
	fields_ratio(m, "service_level", (double)r->in_target, offered, 100,
	    1);
	fields_int(m, "asa_ms", agg_avg(r->answer_ms, r->answered));
	fields_int(m, "abandoned", (long long)r->abandoned);
	fields_int(m, "short_abandoned", (long long)r->short_abandoned);
	fields_ratio(m, "abandon_rate", (double)r->abandoned, offered, 100, 1);
	fields_int(m, "abandon_wait_ms", agg_avg(r->abandon_ms, r->abandoned));
	fields_int(m, "handled", (long long)r->handled);
	fields_int(m, "aht_ms", agg_avg(r->handle_ms, r->handled));
	fields_int(m, "transfers", (long long)r->transfers);
	fields_int(m, "escalations", (long long)r->escalations);
	fields_int(m, "breaches", (long long)(r->answer_breaches +
	    r->resolve_breaches));
	fields_int(m, "answer_breaches", (long long)r->answer_breaches);
	fields_int(m, "resolve_breaches", (long long)r->resolve_breaches);
	fields_int(m, "missed", (long long)r->missed);
	fields_int(m, "rejected", (long long)r->rejected);
	agg_csat(m, r);
}

/* One row (or the total, keys 0) as a flat map into out. */
static void
agg_write_row(const struct report_agg *g, struct rrow *r, int keys,
    struct buf *out)
{
	struct fields	m;

	m.b = out;
	m.n = 0;
	m.mark = resp_add_deferred_len(out);
	if (keys & DIM_QUEUE)
		fields_str(&m, "queue", r->queue);
	if (keys & DIM_TIER)
		fields_str(&m, "tier", r->tier);
	if (keys & DIM_AGENT)
		fields_str(&m, "agent", r->agent);
	if (keys & DIM_HOUR)
		fields_int(&m, "hour", r->hour);
	if (g->req.kind == REPORT_AGENTS)
		agg_agent_fields(&m, r);
	else
		agg_service_fields(&m, r);
	resp_set_deferred_map(out, m.mark, m.n);
}

static int
agg_cmp_row(const void *x, const void *y)
{
	const struct rrow	*a = *(const struct rrow * const *)x;
	const struct rrow	*b = *(const struct rrow * const *)y;
	int			 c;

	if ((c = strcmp(a->queue, b->queue)) != 0 ||
	    (c = strcmp(a->tier, b->tier)) != 0 ||
	    (c = strcmp(a->agent, b->agent)) != 0)
		return (c);
	return (a->hour < b->hour ? -1 : a->hour > b->hour);
}

static const char *
agg_kind_name(enum report_kind k)
{
	return (k == REPORT_SLA ? "sla" : k == REPORT_QUEUES ? "queues" :
	    "agents");
}

/*
 * The reply: what was asked, the range summed and how far back the
 * journal is complete, then one map per group (sorted by its keys) and the
 * total. A report that groups by nothing has its total as its one row.
 */
void
report_agg_reply(struct report_agg *g, struct buf *out)
{
	size_t	i;

	if (g->dims == 0 && g->nrows == 0)
		agg_row(g, "", "", "", 0);
	if (g->nrows > 1)
		qsort(g->rows, g->nrows, sizeof *g->rows, agg_cmp_row);
	resp_add_map(out, 11);
	resp_add_field_str(out, "report", agg_kind_name(g->req.kind));
	resp_add_field_int(out, "from", g->from);
	resp_add_field_int(out, "to", g->to);
	resp_add_field_int(out, "requested_from", g->req.from);
	resp_add_field_int(out, "data_from", g->data_from);
	resp_add_field_int(out, "partial", g->req.from < g->data_from);
	resp_add_field_str(out, "queue", g->req.queue);
	resp_add_field_str(out, "by", report_by_name(g->req.by));
	resp_add_field_int(out, "generated", g->req.now);
	resp_add_cstr(out, "rows");
	resp_add_array(out, g->nrows);
	for (i = 0; i < g->nrows; i++)
		agg_write_row(g, g->rows[i], g->dims, out);
	resp_add_cstr(out, "total");
	agg_write_row(g, &g->total, 0, out);
}
