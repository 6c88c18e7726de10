/*
 * console-view.c: the wallboard's tables as rows of cells, each with a
 * colour class, shared by the ncurses screen and the --once text so both
 * always say the same. The queue table picks its columns by priority for
 * the width it has: 80 columns show the essentials, wider terminals add
 * the per-tier breakdown, the 15-minute and hour service levels, and more.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "fmt.h"
#include "rmap.h"
#include "xmalloc.h"

enum qcol {
	QC_NAME, QC_STATE, QC_WAIT, QC_TIERS, QC_OLDEST, QC_SL, QC_SL15,
	QC_SL1H, QC_ASA, QC_ANS, QC_ABN, QC_BRCH, QC_OFR, QC_ACT, QC_AGENTS,
	NQCOLS
};

static const struct {
	const char	*head;
	int		 width;		/* QC_TIERS: per tier */
	int		 prio;		/* 0 always; higher ones go first */
} qcols[NQCOLS] = {
	{ "QUEUE", 10, 0 },
	{ "STATE", 6, 0 },
	{ "WAIT", 4, 0 },
	{ "", 3, 2 },
	{ "OLDEST", 7, 0 },
	{ "SL%", 5, 0 },
	{ "SL15m", 5, 4 },
	{ "SL1h", 5, 4 },
	{ "ASA", 5, 1 },
	{ "ANS", 4, 3 },
	{ "ABN", 4, 3 },
	{ "BRCH", 4, 1 },
	{ "OFR", 4, 5 },
	{ "ACT", 4, 5 },
	{ "AGENTS", 6, 1 }
};

#define QC_NAME_MAX	18
#define AGENT_FIXED_W	30	/* status, time, ticket, missed, blanks */
#define AGENT_TIME_MAX_MS	(int64_t)(90 * 86400000LL)

static int
qcol_width(const struct console *c, int k)
{
	return (k == QC_TIERS ? c->ntiers * (qcols[k].width + 1) - 1 :
	    qcols[k].width);
}

/* Which columns fit: by priority, then the name takes what is left. */
static void
qcols_pick(const struct console *c, int width, int on[NQCOLS], int *name_w)
{
	int	k, prio, used = 0;

	for (k = 0; k < NQCOLS; k++) {
		on[k] = qcols[k].prio == 0;
		if (on[k])
			used += qcol_width(c, k) + 1;
	}
	for (prio = 1; prio <= 5; prio++)
		for (k = 0; k < NQCOLS; k++) {
			if (qcols[k].prio != prio || qcol_width(c, k) <= 0)
				continue;
			if (used + qcol_width(c, k) + 1 <= width) {
				on[k] = 1;
				used += qcol_width(c, k) + 1;
			}
		}
	*name_w = qcols[QC_NAME].width + (width - used > 0 ? width - used : 0);
	if (*name_w > QC_NAME_MAX)
		*name_w = QC_NAME_MAX;
}

static void __attribute__((format(printf, 5, 6)))
cell(struct row *r, int width, int right, enum ccolor color,
    const char *fmt, ...)
{
	struct cell	*cl;
	va_list		 ap;
	char		 raw[256];

	if (r->n >= ROW_MAX_CELLS)
		return;
	cl = &r->c[r->n++];
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	fmt_fit(raw, (size_t)width, cl->text, sizeof cl->text);
	cl->width = width;
	cl->right = right;
	cl->color = color;
}

/* Column heads for tiers: the usual four by their usual abbreviations. */
static void
tier_abbrev(const char *tier, char *out, size_t len)
{
	static const char *const known[][2] = {
		{ "standard", "STD" }, { "silver", "SLV" }, { "gold", "GLD" },
		{ "diamond", "DIA" }, { "platinum", "PLT" }, { "bronze", "BRZ" }
	};
	size_t	i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(tier, known[i][0]) == 0) {
			snprintf(out, len, "%s", known[i][1]);
			return;
		}
	for (i = 0; i + 1 < len && i < 3 && tier[i] != '\0'; i++)
		out[i] = (char)toupper((unsigned char)tier[i]);
	out[i] = '\0';
}

void
view_queue_header(const struct console *c, struct row *r, int width)
{
	int	on[NQCOLS], name_w, k, t;
	char	ab[8];

	r->n = 0;
	qcols_pick(c, width, on, &name_w);
	for (k = 0; k < NQCOLS; k++) {
		if (!on[k])
			continue;
		if (k == QC_TIERS) {
			for (t = 0; t < c->ntiers; t++) {
				tier_abbrev(c->tiers[t], ab, sizeof ab);
				cell(r, qcols[k].width, 1, CC_HEADER, "%s", ab);
			}
		} else
			cell(r, k == QC_NAME ? name_w : qcols[k].width,
			    k != QC_NAME && k != QC_STATE, CC_HEADER, "%s",
			    qcols[k].head);
	}
}

int64_t
view_oldest_wait(const struct cqueue *q)
{
	if (q->waiting == 0 || q->oldest_wait_ms == 0)
		return (0);
	return (q->oldest_wait_ms + fmt_mono_ms() - q->fetched);
}

static int
sl_value(const char *sl, double *v)
{
	char	*end;

	if (*sl == '\0' || strcmp(sl, "-") == 0)
		return (-1);
	*v = strtod(sl, &end);
	return (end == sl ? -1 : 0);
}

static enum ccolor
sl_color(const struct console *c, const char *sl)
{
	double	v;

	if (sl_value(sl, &v) != 0)
		return (CC_NORMAL);
	if (v >= c->o.sl_target)
		return (CC_GOOD);
	if (v >= c->o.sl_target - c->o.sl_amber)
		return (CC_WARN);
	return (CC_BAD);
}

/* Red: a waiting ticket is past its answer target, or the service level
 * is below target by more than the amber band. Amber: a warning, or the
 * service level below target. Green otherwise. */
enum ccolor
view_queue_color(const struct console *c, const struct cqueue *q)
{
	enum ccolor	sl = sl_color(c, q->sl_today);

	if (q->breaches > 0 || sl == CC_BAD)
		return (CC_BAD);
	if (q->warnings > 0 || sl == CC_WARN)
		return (CC_WARN);
	return (CC_GOOD);
}

static const char *
sl_text(const char *sl, char *buf, size_t len)
{
	double	v;

	if (sl_value(sl, &v) != 0)
		return ("-");
	snprintf(buf, len, "%.1f", v);
	return (buf);
}

void
view_queue_row(const struct console *c, const struct cqueue *q,
    struct row *r, int width)
{
	enum ccolor	 qc = view_queue_color(c, q);
	char		 d[FMT_DURATION_MAX], b[16];
	int		 on[NQCOLS], name_w, t;
	int64_t		 oldest = view_oldest_wait(q);

	r->n = 0;
	qcols_pick(c, width, on, &name_w);
	cell(r, name_w, 0, qc, "%s", q->name);
	cell(r, qcols[QC_STATE].width, 0, qc, "%s", q->breaches > 0 ?
	    "BREACH" : qc == CC_BAD ? "LOW SL" : q->warnings > 0 ? "warn" :
	    qc == CC_WARN ? "low SL" : "ok");
	cell(r, qcols[QC_WAIT].width, 1, q->waiting > 0 ? CC_NORMAL : CC_DIM,
	    "%lld", (long long)q->waiting);
	if (on[QC_TIERS])
		for (t = 0; t < c->ntiers; t++)
			cell(r, qcols[QC_TIERS].width, 1, q->tier_waiting[t] > 0 ?
			    view_tier_color(c, c->tiers[t]) : CC_DIM, "%lld",
			    (long long)q->tier_waiting[t]);
	cell(r, qcols[QC_OLDEST].width, 1, q->breaches > 0 ? CC_BAD :
	    q->warnings > 0 ? CC_WARN : CC_NORMAL, "%s",
	    oldest > 0 ? fmt_duration(oldest, d, sizeof d) : "-");
	cell(r, qcols[QC_SL].width, 1, sl_color(c, q->sl_today), "%s",
	    sl_text(q->sl_today, b, sizeof b));
	if (on[QC_SL15])
		cell(r, qcols[QC_SL15].width, 1, sl_color(c, q->sl_15m), "%s",
		    sl_text(q->sl_15m, b, sizeof b));
	if (on[QC_SL1H])
		cell(r, qcols[QC_SL1H].width, 1, sl_color(c, q->sl_1h), "%s",
		    sl_text(q->sl_1h, b, sizeof b));
	if (on[QC_ASA])
		cell(r, qcols[QC_ASA].width, 1, CC_NORMAL, "%s",
		    q->answered_today > 0 ? fmt_short(q->asa_today_ms, d,
		    sizeof d) : "-");
	if (on[QC_ANS])
		cell(r, qcols[QC_ANS].width, 1, CC_NORMAL, "%lld",
		    (long long)q->answered_today);
	if (on[QC_ABN])
		cell(r, qcols[QC_ABN].width, 1, q->abandoned_today > 0 ?
		    CC_WARN : CC_NORMAL, "%lld", (long long)q->abandoned_today);
	if (on[QC_BRCH])
		cell(r, qcols[QC_BRCH].width, 1, q->breaches_today > 0 ?
		    CC_BAD : CC_NORMAL, "%lld", (long long)q->breaches_today);
	if (on[QC_OFR])
		cell(r, qcols[QC_OFR].width, 1, CC_NORMAL, "%lld",
		    (long long)q->offered);
	if (on[QC_ACT])
		cell(r, qcols[QC_ACT].width, 1, CC_NORMAL, "%lld",
		    (long long)q->active);
	if (on[QC_AGENTS])
		cell(r, qcols[QC_AGENTS].width, 1, q->agents_available > 0 ?
		    CC_GOOD : CC_NORMAL, "%lld/%lld",
		    (long long)q->agents_available,
		    (long long)q->agents_logged_in);
}

enum ccolor
view_tier_color(const struct console *c, const char *tier)
{
	switch (tier_level((char (*)[RMAP_TIER_MAX])c->tiers, c->ntiers,
	    tier)) {
	case 2:
		return (CC_DIAMOND);
	case 1:
		return (CC_GOLD);
	default:
		return (CC_NORMAL);
	}
}

int64_t
view_status_time(const struct cagent *a)
{
	return (a->status_ms + fmt_mono_ms() - a->fetched);
}

static enum ccolor
status_color(const char *st)
{
	if (strcmp(st, "available") == 0)
		return (CC_GOOD);
	if (strcmp(st, "busy") == 0)
		return (CC_ACCENT);
	if (strcmp(st, "wrapup") == 0 || strncmp(st, "break", 5) == 0)
		return (CC_WARN);
	return (CC_DIM);
}

/* Agent cells: name, status, time in it, ticket (#12, #13? offered),
 * missed. Room beyond a 14-column name goes to the status (breaks with
 * their reason) first. */
static int
agent_name_width(int width, int *status_w)
{
	int	name_w = width - AGENT_FIXED_W, extra;

	*status_w = 12;
	if (name_w > 14) {
		extra = name_w - 14 < 8 ? name_w - 14 : 8;
		*status_w += extra;
		name_w -= extra;
	}
	return (name_w > 6 ? name_w : 6);
}

void
view_agent_header(struct row *r, int width)
{
	int	status_w, name_w = agent_name_width(width, &status_w);

	r->n = 0;
	cell(r, name_w, 0, CC_HEADER, "AGENT");
	cell(r, status_w, 0, CC_HEADER, "STATUS");
	cell(r, 6, 1, CC_HEADER, "TIME");
	cell(r, 6, 0, CC_HEADER, "TICKET");
	cell(r, 2, 1, CC_HEADER, "MS");
}

void
view_agent_cell(const struct console *c, const struct cagent *a,
    struct row *r, int width)
{
	int	status_w, name_w = agent_name_width(width, &status_w);
	char	d[FMT_DURATION_MAX];

	r->n = 0;
	cell(r, name_w, 0, CC_NORMAL, "%s", a->name);
	/* Presence apart from the connection: a desk closed within the
	 * grace, or tickets held by an agent who is gone. */
	if (strcmp(a->connection, "detached") == 0)
		cell(r, status_w, 0, CC_WARN, "away:%s", a->status);
	else if (strcmp(a->connection, "absent") == 0 && a->active > 0)
		cell(r, status_w, 0, CC_BAD, "ABSENT(%lld)",
		    (long long)a->active);
	else
		cell(r, status_w, 0, status_color(a->status), "%s", a->status);
	/* Agents never seen since the daemon started have no real time. */
	if (view_status_time(a) > AGENT_TIME_MAX_MS)
		cell(r, 6, 1, CC_DIM, "-");
	else
		cell(r, 6, 1, strcmp(a->status, "offline") == 0 ? CC_DIM :
		    CC_NORMAL, "%s", fmt_duration(view_status_time(a), d,
		    sizeof d));
	if (a->ticket != 0)
		cell(r, 6, 0, CC_NORMAL, "#%llu", (unsigned long long)a->ticket);
	else if (a->offer != 0)
		cell(r, 6, 0, CC_WARN, "#%lld?", (long long)a->offer);
	else
		cell(r, 6, 0, CC_DIM, "-");
	cell(r, 2, 1, a->missed > 0 ? CC_WARN : CC_DIM, "%lld",
	    (long long)a->missed);
}

void
view_feed_line(const struct feed_item *f, struct row *r, int width)
{
	char	t[16];
	int	detail_w = width - 38;

	r->n = 0;
	cell(r, 8, 0, CC_DIM, "%s", fmt_clock(f->time, t, sizeof t));
	cell(r, 8, 0, f->color, "%s", f->label);
	if (f->ticket != 0)
		cell(r, 7, 0, CC_NORMAL, "#%llu", (unsigned long long)f->ticket);
	else
		cell(r, 7, 0, CC_NORMAL, "%s", "");
	cell(r, 10, 0, CC_NORMAL, "%s", f->queue);
	cell(r, detail_w > 10 ? detail_w : 10, 0,
	    f->kind == FEED_OTHER ? CC_NORMAL : f->color, "%s", f->detail);
}

void
view_row_text(const struct row *r, char *buf, size_t len)
{
	size_t	at = 0;
	int	i, pad, n;

	buf[0] = '\0';
	for (i = 0; i < r->n && at < len; i++) {
		const struct cell *cl = &r->c[i];

		pad = cl->width - (int)fmt_width(cl->text);
		if (pad < 0)
			pad = 0;
		n = snprintf(buf + at, len - at, "%s%*s%s%*s",
		    i > 0 ? " " : "", cl->right ? pad : 0, "", cl->text,
		    cl->right ? 0 : pad, "");
		if (n < 0)
			break;
		at += (size_t)n;
	}
	/* No trailing blanks in text output. */
	at = strlen(buf);
	while (at > 0 && buf[at - 1] == ' ')
		buf[--at] = '\0';
}

static int
tment_cmp(const void *a, const void *b)
{
	uint64_t	x = ((const struct tment *)a)->id;
	uint64_t	y = ((const struct tment *)b)->id;

	return (x < y ? -1 : x > y);
}

/* --once: the same tables as the screen, as text, and the alarms. */
int
console_print_once(struct console *c)
{
	struct row	 r;
	struct tment	*alarm, *t;
	char		 line[1024], when[32];
	size_t		 nalarms = 0, k;
	int		 i, w = c->o.width;
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (c->filter[0] != '\0' && data_queue_index(c, c->filter) < 0) {
		fprintf(stderr, "hotline-console: no queue '%s'\n", c->filter);
		return (1);
	}
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	printf("Hotline %s as %s, %s; service level target %d%%\n\n",
	    link_where(c->cmd), c->user, when, c->o.sl_target);
	view_queue_header(c, &r, w);
	view_row_text(&r, line, sizeof line);
	printf("%s\n", line);
	for (i = 0; i < c->nqueues; i++) {
		if (!data_queue_visible(c, &c->queues[i]))
			continue;
		view_queue_row(c, &c->queues[i], &r, w);
		view_row_text(&r, line, sizeof line);
		printf("%s\n", line);
	}
	printf("\n");
	view_agent_header(&r, 50);
	view_row_text(&r, line, sizeof line);
	printf("%s\n", line);
	for (i = 0; i < c->nagents; i++) {
		if (!data_agent_visible(c, &c->agents[i]))
			continue;
		view_agent_cell(c, &c->agents[i], &r, 50);
		view_row_text(&r, line, sizeof line);
		printf("%s\n", line);
	}
	alarm = xcalloc(tmap_count(&c->tickets) + 1, sizeof *alarm);
	for (k = 0; (t = tmap_next(&c->tickets, &k)) != NULL;) {
		if (t->level != ALARM_NONE && (t->queue < 0 ||
		    t->queue >= c->nqueues ||
		    data_queue_visible(c, &c->queues[t->queue])))
			alarm[nalarms++] = *t;
	}
	qsort(alarm, nalarms, sizeof *alarm, tment_cmp);
	if (nalarms > 0)
		printf("\nWaiting tickets past their answer SLA, or near it:\n");
	for (k = 0; k < nalarms; k++)
		printf("#%-7llu %-14s %s\n", (unsigned long long)alarm[k].id,
		    alarm[k].queue >= 0 && alarm[k].queue < c->nqueues ?
		    c->queues[alarm[k].queue].name : "?",
		    alarm[k].level == ALARM_BREACH ? "BREACHED" : "warning");
	free(alarm);
	fflush(stdout);
	return (ferror(stdout) ? 1 : 0);
}
