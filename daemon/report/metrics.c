/*
 * metrics.c: the figures of GET /metrics and of INFO commandstats/metrics,
 * computed from the live engine, connections and counters at the moment
 * they are asked for: nothing is cached between scrapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "guard.h"
#include "journal.h"
#include "log.h"
#include "hasher.h"
#include "metrics.h"
#include "server.h"
#include "store.h"
#include "waiters.h"
#include "xmalloc.h"

#define NSTATUS		5	/* enum agent_status */
#define NCONN		3	/* enum agent_conn */
#define NWINDOWS	3

static const char *windows[NWINDOWS] = { "today", "15m", "1h" };

/* Every queue's statistics, taken once per scrape. */
struct mqueues {
	struct queue_stats	*st;
	size_t			 n, cap;
	hl_ms			 now;
};

/* A label value as the exposition format wants it: \, " and newline escaped. */
static const char *
mlabel(const char *s, char *buf, size_t len)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			buf[o++] = '\\';
			buf[o++] = *s;
		} else if (*s == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return (buf);
}

static void
mfamily(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
mqueue_add(const char *name, void *arg)
{
	struct mqueues	*m = arg;

	if (m->n == m->cap) {
		m->cap = m->cap == 0 ? 16 : m->cap * 2;
		m->st = xreallocarray(m->st, m->cap, sizeof *m->st);
	}
	if (engine_queue_stats(server.engine, name, m->now, &m->st[m->n]) == 0)
		m->n++;
}

static void
mqueues_take(struct mqueues *m)
{
	memset(m, 0, sizeof *m);
	m->now = server_now();
	engine_queue_foreach(server.engine, mqueue_add, m);
}

static const struct sl_counts *
mwindow(const struct queue_stats *st, int w, int tier)
{
	if (w == 0)
		return (&st->sl_today[tier]);
	if (w == 1)
		return (&st->sl_15m[tier]);
	return (&st->sl_1h[tier]);
}

/* Agents by status, then by connection (presence apart from it). */
static void
magent(const struct agent *a, void *arg)
{
	size_t	*by = arg;

	if ((unsigned)a->status < NSTATUS)
		by[a->status]++;
	if ((unsigned)a->conn < NCONN)
		by[NSTATUS + a->conn]++;
}

static void
magents(size_t by[NSTATUS + NCONN])
{
	memset(by, 0, (NSTATUS + NCONN) * sizeof *by);
	engine_agent_foreach(server.engine, magent, by);
}

size_t
metrics_subscribers(void)
{
	struct conn	*c;
	size_t		 n = 0;

	TAILQ_FOREACH(c, &server.conns, entry)
		n += (c->flags & CONN_PUBSUB) != 0;
	return (n);
}

static double
moldest_wait(const struct queue_stats *st, hl_ms now)
{
	if (st->oldest_enqueued == 0 || st->oldest_enqueued > now)
		return (0);
	return ((double)(now - st->oldest_enqueued) / 1000.0);
}

double
metrics_commit_quantile(double q)
{
	const struct journal_stats	*js = journal_stats(server.journal);
	double				 rank, lower, upper, cum = 0;
	uint64_t			 total = 0;
	int				 b;

	for (b = 0; b <= JOURNAL_COMMIT_BUCKETS; b++)
		total += js->commit_hist[b];
	if (total == 0)
		return (0);
	rank = q * (double)total;
	for (b = 0; b <= JOURNAL_COMMIT_BUCKETS; b++) {
		if (cum + (double)js->commit_hist[b] >= rank &&
		    js->commit_hist[b] > 0)
			break;
		cum += (double)js->commit_hist[b];
	}
	/* Past the last bound nothing is known but that bound. */
	if (b >= JOURNAL_COMMIT_BUCKETS)
		return (journal_commit_bounds[JOURNAL_COMMIT_BUCKETS - 1]);
	lower = b == 0 ? 0 : journal_commit_bounds[b - 1];
	upper = journal_commit_bounds[b];
	return (lower + (upper - lower) * (rank - cum) /
	    (double)js->commit_hist[b]);
}

static void
mqueue_families(struct buf *b, const struct mqueues *m)
{
	const struct sl_counts	*c;
	char			 q[2 * ENGINE_NAME_MAX + 1], t[2 * ENGINE_NAME_MAX + 1];
	uint64_t		 answered, abandoned, denom;
	size_t			 i;
	int			 k, w, ntiers = engine_tier_count(server.engine);

	mfamily(b, "hotline_tickets_waiting", "gauge",
	    "Tickets queued and not yet offered, by tier.");
	for (i = 0; i < m->n; i++)
		for (k = 0; k < ntiers && k < ENGINE_MAX_TIERS; k++)
			buf_printf(b, "hotline_tickets_waiting{queue=\"%s\","
			    "tier=\"%s\"} %zu\n", mlabel(m->st[i].name, q,
			    sizeof q), mlabel(engine_tier_name(server.engine, k),
			    t, sizeof t), m->st[i].waiting_by_tier[k]);

	mfamily(b, "hotline_oldest_wait_seconds", "gauge",
	    "How long the longest-waiting ticket of the queue has waited.");
	for (i = 0; i < m->n; i++)
		buf_printf(b, "hotline_oldest_wait_seconds{queue=\"%s\"} "
		    "%.3f\n",
		    mlabel(m->st[i].name, q, sizeof q),
		    moldest_wait(&m->st[i], m->now));

	mfamily(b, "hotline_service_level_ratio", "gauge",
	    "Answered within target / (answered + abandoned after the "
	    "short-abandon threshold); absent when nothing was counted.");
	for (i = 0; i < m->n; i++)
		for (k = 0; k < ntiers && k < ENGINE_MAX_TIERS; k++)
			for (w = 0; w < NWINDOWS; w++) {
				c = mwindow(&m->st[i], w, k);
				if ((denom = c->answered + c->abandoned) == 0)
					continue;
				buf_printf(b, "hotline_service_level_ratio"
				    "{queue=\"%s\",tier=\"%s\",window=\"%s\"} "
				    "%.6g\n",
				    mlabel(m->st[i].name, q, sizeof q),
				    mlabel(engine_tier_name(server.engine, k),
				    t, sizeof t), windows[w],
				    (double)c->in_target / (double)denom);
			}

	mfamily(b, "hotline_answered", "gauge",
	    "Tickets answered (accepted) in the window, every tier.");
	for (i = 0; i < m->n; i++)
		for (w = 0; w < NWINDOWS; w++) {
			for (answered = 0, k = 0; k < ENGINE_MAX_TIERS; k++)
				answered += mwindow(&m->st[i], w, k)->answered;
			buf_printf(b, "hotline_answered{queue=\"%s\","
			    "window=\"%s\"} %llu\n",
			    mlabel(m->st[i].name, q, sizeof q),
			    windows[w], (unsigned long long)answered);
		}

	mfamily(b, "hotline_abandoned", "gauge",
	    "Tickets abandoned in the window after the short-abandon "
	    "threshold, every tier.");
	for (i = 0; i < m->n; i++)
		for (w = 0; w < NWINDOWS; w++) {
			for (abandoned = 0, k = 0; k < ENGINE_MAX_TIERS; k++)
				abandoned += mwindow(&m->st[i], w, k)->abandoned;
			buf_printf(b, "hotline_abandoned{queue=\"%s\","
			    "window=\"%s\"} %llu\n",
			    mlabel(m->st[i].name, q, sizeof q),
			    windows[w], (unsigned long long)abandoned);
		}

	mfamily(b, "hotline_sla_breaches_today", "gauge",
	    "Answer and resolve SLA breaches today (the queue calendar's "
	    "local day).");
	for (i = 0; i < m->n; i++)
		buf_printf(b, "hotline_sla_breaches_today{queue=\"%s\"} %llu\n",
		    mlabel(m->st[i].name, q, sizeof q),
		    (unsigned long long)m->st[i].breaches_today);
}

static void
mcommand_calls(const struct cmd_entry *e, const struct cmd_stat *s,
    void *arg)
{
	struct buf	*b = arg;
	char		 name[64], esc[130];

	snprintf(name, sizeof name, "%s%s%s", e->name, e->sub ? " " : "",
	    e->sub ? e->sub : "");
	buf_printf(b, "hotline_commands_total{command=\"%s\"} %llu\n",
	    mlabel(name, esc, sizeof esc), (unsigned long long)s->calls);
}

static void
mcommand_errors(const struct cmd_entry *e, const struct cmd_stat *s,
    void *arg)
{
	struct buf	*b = arg;
	char		 name[64], esc[130];

	snprintf(name, sizeof name, "%s%s%s", e->name, e->sub ? " " : "",
	    e->sub ? e->sub : "");
	buf_printf(b, "hotline_command_errors_total{command=\"%s\"} %llu\n",
	    mlabel(name, esc, sizeof esc), (unsigned long long)s->errors);
}

static void
mhistogram(struct buf *b)
{
	const struct journal_stats	*js = journal_stats(server.journal);
	uint64_t			 cum = 0;
	int				 i;

	mfamily(b, "hotline_journal_commit_seconds", "histogram",
	    "Latency of the journal's group commits, BEGIN to COMMIT.");
	for (i = 0; i < JOURNAL_COMMIT_BUCKETS; i++) {
		cum += js->commit_hist[i];
		buf_printf(b, "hotline_journal_commit_seconds_bucket"
		    "{le=\"%g\"} %llu\n", journal_commit_bounds[i],
		    (unsigned long long)cum);
	}
	cum += js->commit_hist[JOURNAL_COMMIT_BUCKETS];
	buf_printf(b, "hotline_journal_commit_seconds_bucket{le=\"+Inf\"} "
	    "%llu\n",
	    (unsigned long long)cum);
	buf_printf(b, "hotline_journal_commit_seconds_sum %.9f\n",
	    js->commit_seconds);
	buf_printf(b, "hotline_journal_commit_seconds_count %llu\n",
	    (unsigned long long)cum);
}

static void
mscalar(struct buf *b, const char *name, const char *type,
    const char *help, unsigned long long v)
{
	mfamily(b, name, type, help);
	buf_printf(b, "%s %llu\n", name, v);
}

void
metrics_prometheus(struct buf *b)
{
	const struct store_stats	*ss = store_stats(server.store);
	const struct journal_stats	*js = journal_stats(server.journal);
	struct mqueues			 m;
	size_t				 by[NSTATUS + NCONN];
	int				 s;

	mqueues_take(&m);
	mqueue_families(b, &m);
	free(m.st);

	magents(by);
	mfamily(b, "hotline_agents", "gauge", "Agents by status.");
	for (s = 0; s < NSTATUS; s++)
		buf_printf(b, "hotline_agents{status=\"%s\"} %zu\n",
		    agent_status_name((enum agent_status)s), by[s]);
	mfamily(b, "hotline_agents_connection", "gauge",
	    "Agents by connection: at a desk, in the reconnect grace, gone.");
	for (s = 0; s < NCONN; s++)
		buf_printf(b, "hotline_agents_connection{connection=\"%s\"} "
		    "%zu\n",
		    agent_conn_name((enum agent_conn)s), by[NSTATUS + s]);

	mfamily(b, "hotline_commands_total", "counter",
	    "Commands run, per command-table row.");
	cmd_stats_foreach(mcommand_calls, b);
	mfamily(b, "hotline_command_errors_total", "counter",
	    "Commands answered with an error reply, per command-table row.");
	cmd_stats_foreach(mcommand_errors, b);

	mhistogram(b);

	mscalar(b, "hotline_connected_clients", "gauge",
	    "Client connections (TCP and unix socket).", server.nconns);
	mscalar(b, "hotline_subscribers", "gauge",
	    "Connections in publish/subscribe mode.", metrics_subscribers());
	mscalar(b, "hotline_blocked_clients", "gauge",
	    "Connections blocked in AGENT NEXT.", waiters_count());
	mscalar(b, "hotline_open_tickets", "gauge",
	    "Tickets neither closed nor abandoned.",
	    engine_ticket_count(server.engine));
	mscalar(b, "hotline_events_written_total", "counter",
	    "Events written to the journal.", (unsigned long long)
	    ss->events_written);
	mscalar(b, "hotline_commit_failures_total", "counter",
	    "Group commits that failed and were rolled back.",
	    (unsigned long long)js->failures);
	mscalar(b, "hotline_output_limit_disconnects_total", "counter",
	    "Clients cut off at their output limit.", (unsigned long long)
	    server.stats.output_limit_disconnects);
	mscalar(b, "hotline_auth_failures_total", "counter",
	    "Failed AUTH attempts.", (unsigned long long)
	    server.stats.auth_failures);
	mscalar(b, "hotline_unauthenticated_clients", "gauge",
	    "Connections not logged in yet.", guard_unauth_count());
	mfamily(b, "hotline_guard_disconnects_total", "counter",
	    "Connections refused or closed to protect the daemon, by reason "
	    "(docs/OPERATIONS.md, Security).");
	buf_printf(b, "hotline_guard_disconnects_total"
	    "{reason=\"unauth_per_addr\"} %llu\n",
	    (unsigned long long)server.stats.unauth_rejected);
	buf_printf(b, "hotline_guard_disconnects_total"
	    "{reason=\"auth_timeout\"} %llu\n",
	    (unsigned long long)server.stats.auth_timeouts);
	buf_printf(b, "hotline_guard_disconnects_total"
	    "{reason=\"request_timeout\"} %llu\n",
	    (unsigned long long)server.stats.request_timeouts);
	buf_printf(b, "hotline_guard_disconnects_total{reason=\"http\"} %llu\n",
	    (unsigned long long)server.stats.http_rejected);
	mscalar(b, "hotline_subscribe_refused_total", "counter",
	    "SUBSCRIBE and PSUBSCRIBE refused: a bad name or max_subscriptions.",
	    (unsigned long long)server.stats.subscribe_refused);
	mscalar(b, "hotline_hasher_queued", "gauge",
	    "Password checks and hashes waiting for a hashing thread.",
	    hasher_stats()->queued);
	mscalar(b, "hotline_hasher_dropped_total", "counter",
	    "Password checks dropped unrun: their client had left.",
	    (unsigned long long)hasher_stats()->dropped);
	mscalar(b, "hotline_hasher_busy_total", "counter",
	    "Password checks refused with -BUSY: the queue was full.",
	    (unsigned long long)hasher_stats()->busy);
	mfamily(b, "hotline_uptime_seconds", "gauge",
	    "Seconds since the daemon started.");
	buf_printf(b, "hotline_uptime_seconds %.3f\n",
	    (double)(server_now() - server.started) / 1000.0);
}

static void
minfo_command(const struct cmd_entry *e, const struct cmd_stat *s, void *arg)
{
	struct buf	*b = arg;
	char		 name[64], *p;

	if (s->calls == 0)
		return;
	/* Redis's spelling of a subcommand: cmdstat_config|get. */
	snprintf(name, sizeof name, "%s%s%s", e->name, e->sub ? "|" : "",
	    e->sub ? e->sub : "");
	for (p = name; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	buf_printf(b, "cmdstat_%s:calls=%llu,errors=%llu\r\n", name,
	    (unsigned long long)s->calls, (unsigned long long)s->errors);
}

void
metrics_info_commandstats(struct buf *b)
{
	buf_printf(b, "# Commandstats\r\n");
	cmd_stats_foreach(minfo_command, b);
	buf_printf(b, "\r\n");
}

void
metrics_info_metrics(struct buf *b)
{
	const struct journal_stats	*js = journal_stats(server.journal);
	struct mqueues			 m;
	size_t				 by[NSTATUS + NCONN], waiting = 0, i;
	double				 oldest = 0, o;
	int				 s;

	mqueues_take(&m);
	for (i = 0; i < m.n; i++) {
		waiting += m.st[i].waiting;
		if ((o = moldest_wait(&m.st[i], m.now)) > oldest)
			oldest = o;
	}
	magents(by);
	buf_printf(b, "# Metrics\r\n");
	buf_printf(b, "journal_commits:%llu\r\n",
	    (unsigned long long)js->batches);
	buf_printf(b, "journal_commit_p50_usec:%.0f\r\n",
	    metrics_commit_quantile(0.5) * 1e6);
	buf_printf(b, "journal_commit_p99_usec:%.0f\r\n",
	    metrics_commit_quantile(0.99) * 1e6);
	buf_printf(b, "journal_last_commit_failed:%d\r\n", js->last_failed);
	for (s = 0; s < NSTATUS; s++)
		buf_printf(b, "agents_%s:%zu\r\n",
		    agent_status_name((enum agent_status)s), by[s]);
	for (s = 0; s < NCONN; s++)
		buf_printf(b, "agents_%s:%zu\r\n",
		    agent_conn_name((enum agent_conn)s), by[NSTATUS + s]);
	buf_printf(b, "tickets_waiting:%zu\r\n", waiting);
	buf_printf(b, "oldest_wait_ms:%.0f\r\n", oldest * 1000);
	/* One line per queue, as Redis writes keyspace lines (db0:keys=..). */
	for (i = 0; i < m.n; i++)
		buf_printf(b, "queue_%s:waiting=%zu,offered=%zu,active=%zu,"
		    "oldest_wait_ms=%.0f,breaches_today=%llu\r\n",
		    m.st[i].name, m.st[i].waiting, m.st[i].offered,
		    m.st[i].active, moldest_wait(&m.st[i], m.now) * 1000,
		    (unsigned long long)m.st[i].breaches_today);
	buf_printf(b, "\r\n");
	free(m.st);
}
