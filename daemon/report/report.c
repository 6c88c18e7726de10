/*
 * report.c: REPORT off the loop. One worker thread with its own read-only
 * connection to hotline.db reads the facts of a report's range inside one
 * read transaction (a consistent snapshot; WAL lets the loop commit
 * meanwhile) and sums them (report-agg.c) into the whole reply, handed
 * back to the loop (worker.c), as AUTH's password checks are. Jobs start
 * only after the commit of the iteration that asked for them, so a report
 * sees every change acknowledged before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "report.h"
#include "store.h"
#include "worker.h"
#include "xmalloc.h"

TAILQ_HEAD(report_queue, report_job);

static struct {
	struct worker		*worker;
	struct report_queue	 held;		/* until the commit is done */
	sqlite3			*db;		/* the worker's, read-only */
	size_t			 pending;	/* held, queued or running */
} report;

/* Check the client is still there every this many rows. */
#define REPORT_CANCEL_ROWS	4096

/* Shutting down: the report in progress stops at its next check. */
static atomic_int	report_quit;

struct report_job *
report_job_new(const struct report_req *req)
{
	struct report_job	*job;

	job = xcalloc(1, sizeof *job);
	job->req = *req;
	resp_buf_init(&job->out);
	atomic_init(&job->cancel, 0);
	return (job);
}

void
report_job_add_open(struct report_job *job, const char *agent,
    const char *detail, hl_ms since)
{
	struct report_fact	*f;

	job->open = xreallocarray(job->open, job->nopen + 1,
	    sizeof *job->open);
	f = &job->open[job->nopen++];
	memset(f, 0, sizeof *f);
	f->kind = FACT_STATUS;
	f->time = job->req.now;
	f->since = since;
	f->queue = f->tier = "";
	f->agent = xstrdup(agent);
	f->detail = xstrdup(detail);
}

static void
report_job_free(struct report_job *job)
{
	size_t	i;

	for (i = 0; i < job->nopen; i++) {
		free((char *)job->open[i].agent);
		free((char *)job->open[i].detail);
	}
	free(job->open);
	resp_buf_free(&job->out);
	free(job);
}

static void
report_row_fact(sqlite3_stmt *s, struct report_fact *f)
{
	const char	*kind = (const char *)sqlite3_column_text(s, 1);

	f->time = sqlite3_column_int64(s, 0);
	if (kind == NULL || fact_kind_parse(kind, &f->kind) != 0)
		f->kind = FACT_NKINDS;
	f->queue = (const char *)sqlite3_column_text(s, 2);
	f->tier = (const char *)sqlite3_column_text(s, 3);
	f->agent = (const char *)sqlite3_column_text(s, 4);
	f->value = sqlite3_column_int64(s, 5);
	f->flag = sqlite3_column_int(s, 6);
	f->since = sqlite3_column_int64(s, 7);
	f->detail = (const char *)sqlite3_column_text(s, 8);
	if (f->queue == NULL)
		f->queue = "";
	if (f->tier == NULL)
		f->tier = "";
	if (f->agent == NULL)
		f->agent = "";
	if (f->detail == NULL)
		f->detail = "";
}

/*
 * Sum the rows of one query: 0, 1 cancelled, -1 a SQLite error, -2 too
 * many rows. Status spells come from their own query (they may have begun
 * long before the range), so the first one skips them.
 */
static int
report_scan(struct report_job *job, struct report_agg *g, const char *sql,
    hl_ms a, hl_ms b, int skip_status)
{
	sqlite3_stmt		*s;
	struct report_fact	 f;
	int			 rc, n = 0;

	if (sqlite3_prepare_v2(report.db, sql, -1, &s, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	if (job->req.queue[0] != '\0')
		sqlite3_bind_text(s, 3, job->req.queue, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++n % REPORT_CANCEL_ROWS == 0 &&
		    (atomic_load(&job->cancel) || atomic_load(&report_quit))) {
			sqlite3_finalize(s);
			return (1);
		}
		report_row_fact(s, &f);
		if (f.kind == FACT_NKINDS ||
		    (skip_status && f.kind == FACT_STATUS))
			continue;
		if (report_agg_add(g, &f) != 0) {
			sqlite3_finalize(s);
			return (-2);
		}
	}
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

#define REPORT_COLUMNS	"time_ms, kind, queue, tier, agent, value, flag, " \
			"since_ms, detail"

static void
report_run(struct report_job *job)
{
	struct report_agg	*g;
	hl_ms			 from, to;
	size_t			 i;
	int			 rc;

	if (sqlite3_exec(report.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		resp_add_error(&job->out, "ERR report: %s",
		    sqlite3_errmsg(report.db));
		return;
	}
	g = report_agg_new(&job->req, store_facts_from(report.db));
	report_agg_range(g, &from, &to);
	rc = report_scan(job, g, job->req.queue[0] != '\0' ?
	    "SELECT " REPORT_COLUMNS " FROM facts WHERE time_ms >= ?1 AND "
	    "time_ms < ?2 AND queue = ?3" :
	    "SELECT " REPORT_COLUMNS " FROM facts WHERE time_ms >= ?1 AND "
	    "time_ms < ?2", from, to, 1);
	if (rc == 0 && job->req.kind == REPORT_AGENTS &&
	    job->req.queue[0] == '\0') {
		rc = report_scan(job, g, "SELECT " REPORT_COLUMNS " FROM facts "
		    "WHERE kind = 'status' AND time_ms > ?1 AND since_ms < ?2",
		    from, to, 0);
		for (i = 0; rc == 0 && i < job->nopen; i++)
			if (report_agg_add(g, &job->open[i]) != 0)
				rc = -2;
	}
	if (rc == 0)
		report_agg_reply(g, &job->out);
	else if (rc == -1)
		resp_add_error(&job->out, "ERR report: %s",
		    sqlite3_errmsg(report.db));
	else if (rc == -2)
		resp_add_error(&job->out, "ERR report has more than %d rows: "
		    "narrow FROM/TO or group BY less", REPORT_MAX_ROWS);
	report_agg_free(g);
	sqlite3_exec(report.db, "COMMIT", NULL, NULL, NULL);
}

/* On the worker thread. */
static void
report_work(void *arg)
{
	struct report_job	*job = arg;

	if (!atomic_load(&job->cancel))
		report_run(job);
}

/* On the loop thread: the answer goes to its client, if still there. */
static void
report_done(void *arg)
{
	struct report_job	*job = arg;

	report.pending--;
	if (job->arg != NULL)
		job->done(job);
	report_job_free(job);
}

int
report_start(struct event_base *base, const char *path, char *err,
    size_t errlen)
{
	TAILQ_INIT(&report.held);
	if (sqlite3_open_v2(path, &report.db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: report connection: %s", path,
		    report.db != NULL ? sqlite3_errmsg(report.db) :
		    "cannot open");
		sqlite3_close(report.db);
		report.db = NULL;
		return (-1);
	}
	sqlite3_busy_timeout(report.db, 1000);
	if ((report.worker = worker_start(base, report_work, report_done, err,
	    errlen)) == NULL)
		return (-1);
	return (0);
}

int
report_submit(struct report_job *job)
{
	if (report.pending >= REPORT_MAX_JOBS) {
		report_job_free(job);
		return (-1);
	}
	report.pending++;
	TAILQ_INSERT_TAIL(&report.held, job, entry);
	return (0);
}

/* After the commit: what was held goes to the worker. */
void
report_flush(void)
{
	struct report_job	*job;

	while ((job = TAILQ_FIRST(&report.held)) != NULL) {
		TAILQ_REMOVE(&report.held, job, entry);
		worker_submit(report.worker, job);
	}
}

void
report_cancel(struct report_job *job)
{
	job->arg = NULL;
	atomic_store(&job->cancel, 1);
}

size_t
report_pending(void)
{
	return (report.pending);
}

static void
report_drop(void *job)
{
	report_job_free(job);
}

/* The report in progress stops at its next check; the others are
 * dropped: their clients are gone. */
void
report_stop(void)
{
	struct report_job	*job;

	if (report.worker == NULL)
		return;
	atomic_store(&report_quit, 1);
	worker_stop(report.worker, report_drop);
	atomic_store(&report_quit, 0);
	while ((job = TAILQ_FIRST(&report.held)) != NULL) {
		TAILQ_REMOVE(&report.held, job, entry);
		report_job_free(job);
	}
	sqlite3_close(report.db);
	memset(&report, 0, sizeof report);
}
