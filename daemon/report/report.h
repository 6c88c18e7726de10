/*
 * report.h: REPORT SLA | QUEUES | AGENTS over the journal's facts
 * (engine.h, struct engine_fact). The figures are summed by report-agg.c,
 * which is pure (facts in, a RESP reply out); report.c reads the facts on
 * a worker thread with its own read-only connection, so a report over a
 * year never stalls the loop: the requesting connection waits for its
 * answer, every other client goes on. docs/PROTOCOL.md defines every
 * figure.
 */
#ifndef HOTLINE_REPORT_H
#define HOTLINE_REPORT_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/queue.h>

#include "engine.h"
#include "resp.h"

#define REPORT_MAX_ROWS		50000
#define REPORT_MAX_JOBS		16	/* queued or running; then -BUSY */
#define REPORT_HOUR_MS		3600000
#define REPORT_DEFAULT_SPAN	(24 * REPORT_HOUR_MS)

enum report_kind {
	REPORT_SLA,
	REPORT_QUEUES,
	REPORT_AGENTS
};

enum report_by {
	REPORT_BY_NONE,
	REPORT_BY_TIER,
	REPORT_BY_QUEUE,
	REPORT_BY_AGENT,
	REPORT_BY_HOUR
};

struct report_req {
	enum report_kind	kind;
	enum report_by		by;
	hl_ms			from;		/* as asked */
	hl_ms			to;
	char			queue[ENGINE_NAME_MAX];	/* "" = every queue */
	hl_ms			now;		/* when it was asked */
};

/* A fact as read back from the journal (strings valid during the call). */
struct report_fact {
	hl_ms		 time;
	enum fact_kind	 kind;
	const char	*queue;
	const char	*tier;
	const char	*agent;
	hl_ms		 value;
	int		 flag;
	hl_ms		 since;
	const char	*detail;
};

/* report-agg.c: pure. */
struct report_agg;

/* data_from: how far back the journal is complete (store_facts_from). */
struct report_agg *report_agg_new(const struct report_req *, hl_ms data_from);
/* The range actually summed: [from, to). */
void	report_agg_range(const struct report_agg *, hl_ms *from, hl_ms *to);
/* Count a fact; -1 when the report would pass REPORT_MAX_ROWS rows. */
int	report_agg_add(struct report_agg *, const struct report_fact *);
void	report_agg_reply(struct report_agg *, struct buf *);
void	report_agg_free(struct report_agg *);
int	report_by_parse(const char *, enum report_by *);
const char *report_by_name(enum report_by);

/* report.c: the worker. */
struct report_job {
	struct report_req	 req;
	/* Spells in progress when it was asked: FACT_STATUS ending at now. */
	struct report_fact	*open;
	size_t			 nopen;
	struct buf		 out;		/* the whole reply */
	atomic_int		 cancel;	/* the client left */
	void			(*done)(struct report_job *);
	void			*arg;		/* NULL once the client left */
	TAILQ_ENTRY(report_job)	 entry;
};

struct event_base;

int	report_start(struct event_base *, const char *db_path, char *err,
	    size_t errlen);
void	report_stop(void);
/* A new job; add_open copies an in-progress spell into it. */
struct report_job *report_job_new(const struct report_req *);
void	report_job_add_open(struct report_job *, const char *agent,
	    const char *detail, hl_ms since);
/* Hold the job until the pending commit is done (report_flush), so that
 * a report sees every change acknowledged before it; -1 when too many
 * reports are queued (the job is freed). */
int	report_submit(struct report_job *);
void	report_flush(void);
/* The client is gone: the answer is dropped, the work cut short. */
void	report_cancel(struct report_job *);
size_t	report_pending(void);

#endif
