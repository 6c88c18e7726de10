/*
 * journal-commit.c: a batch written in one transaction (events, facts,
 * rows, presence, sessions), its failure kept or rolled back, and what it
 * made durable published and settled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "journal_internal.h"
#include "json.h"
#include "log.h"
#include "store.h"

const double journal_commit_bounds[JOURNAL_COMMIT_BUCKETS] = {
	0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1
};

static int
journal_write_sessions(struct journal *j, struct store *st, char *err)
{
	struct jsession	*js;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < j->nsessions && rc == 0; i++) {
		js = &j->sessions[i];
		switch (js->op) {
		case JS_PUT:
			rc = store_session_put(st, &js->s, err);
			break;
		case JS_DEL:
			rc = store_session_del(st, js->s.id, err);
			break;
		case JS_DEL_USER:
			rc = store_session_del_user(st, js->s.user, err);
			break;
		case JS_TOUCH:
			rc = store_session_touch(st, js->s.id, js->now, err);
			break;
		case JS_PURGE:
			rc = store_session_purge(st, js->now, err);
			break;
		}
	}
	return (rc);
}

static int
journal_cmp_id(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static int
journal_final_has(const struct journal *j, uint64_t id)
{
	size_t	i;

	for (i = 0; i < j->nfinal; i++)
		if (j->final[i].id == id)
			return (1);
	return (0);
}

static void
journal_event_at(const struct journal *j, size_t i, struct engine_event *ev,
    struct engine_fact *f)
{
	const struct jevent	*je = &j->events[i];

	ev->time = je->time;
	ev->ticket = je->ticket;
	ev->kind = (enum event_type)je->kind;
	ev->type = event_type_name(ev->kind);
	ev->flags = je->flags;
	ev->queue = journal_at(j, je->queue);
	ev->row = NULL;		/* rows are the store's by now */
	ev->agent = journal_at(j, je->agent);
	ev->customer = journal_at(j, je->customer);
	ev->actor = journal_at(j, je->actor);
	ev->data = journal_at(j, je->data);
	ev->fact = NULL;
	if (je->has_fact) {
		f->kind = (enum fact_kind)je->fact.kind;
		f->flag = je->fact.flag;
		f->value = je->fact.value;
		f->since = je->fact.since;
		f->queue = journal_at(j, je->fact.queue);
		f->tier = journal_at(j, je->fact.tier);
		f->agent = journal_at(j, je->fact.agent);
		f->detail = journal_at(j, je->fact.detail);
		ev->fact = f;
	}
}

/* Created in this batch: its row is written whole (store_put_ticket). */
static int
journal_created(const struct journal *j, uint64_t id)
{
	return (j->ncreated > 0 && bsearch(&id, j->created, j->ncreated,
	    sizeof *j->created, journal_cmp_id) != NULL);
}

/* Write rows of everything the batch touched, each once. */
static int
journal_write_rows(struct journal *j, struct store *st, struct engine *e,
    char *err)
{
	const struct ticket	*t;
	const struct customer	*c;
	const struct agent	*a;
	const char		*name, *prev;
	size_t			 i, k;

	if (j->ntickets > 1)
		qsort(j->tickets, j->ntickets, sizeof *j->tickets,
		    journal_cmp_id);
	if (j->ncreated > 1)
		qsort(j->created, j->ncreated, sizeof *j->created,
		    journal_cmp_id);
	for (i = 0; i < j->ntickets; i++) {
		if (i > 0 && j->tickets[i] == j->tickets[i - 1])
			continue;
		if ((t = engine_ticket_get(e, j->tickets[i])) != NULL &&
		    t->state != TICKET_CLOSED && t->state != TICKET_ABANDONED) {
			if (store_put_ticket(st, t, journal_created(j,
			    t->id), err) != 0)
				return (-1);
		} else if (!journal_final_has(j, j->tickets[i]))
			log_debug("journal: ticket %llu gone without a final "
			    "state", (unsigned long long)j->tickets[i]);
	}
	for (i = 0; i < j->nfinal; i++)
		if (store_put_ticket(st, &j->final[i], journal_created(j,
		    j->final[i].id), err) != 0)
			return (-1);
	for (i = 0; i < j->ncustomers; i++) {
		name = journal_at(j, j->customers[i]);
		for (prev = NULL, k = 0; k < i && prev == NULL; k++)
			if (strcmp(journal_at(j, j->customers[k]), name) == 0)
				prev = name;
		if (prev == NULL && (c = engine_customer_get(e, name)) != NULL &&
		    store_put_customer(st, c, err) != 0)
			return (-1);
	}
	for (i = 0; i < j->nagents; i++) {
		name = journal_at(j, j->agents[i]);
		for (prev = NULL, k = 0; k < i && prev == NULL; k++)
			if (strcmp(journal_at(j, j->agents[k]), name) == 0)
				prev = name;
		if (prev == NULL && (a = engine_agent_get(e, name)) != NULL &&
		    store_put_agent(st, a, err) != 0)
			return (-1);
	}
	return (0);
}

static double
journal_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
journal_observe(struct journal *j, double seconds)
{
	int	b;

	for (b = 0; b < JOURNAL_COMMIT_BUCKETS; b++)
		if (seconds <= journal_commit_bounds[b])
			break;
	j->stats.commit_hist[b]++;
	j->stats.commit_seconds += seconds;
}

size_t
journal_backlog(const struct journal *j)
{
	return (j->backlog != NULL ? j->backlog->nevents : 0);
}

static int
journal_is_audit(int kind)
{
	return (kind == EV_AUDIT_LOGIN || kind == EV_AUDIT_LOGIN_FAILED ||
	    kind == EV_AUDIT_COMMAND);
}

/*
 * A batch whose loss costs memory nothing: audit records, and agents'
 * status changes that moved no ticket (kept, they write the agents'
 * presence rows with the next commit: journal_write_presence),
 * sessions' last uses and the purge of expired ones (both dropped, not
 * kept: the next use or purge writes them). No user, ticket, customer,
 * agent or session row to write.
 */
static int
journal_soft(const struct journal *j)
{
	size_t	i;

	if (j->nusers > 0 || j->ntickets > 0 || j->nfinal > 0 ||
	    j->ncustomers > 0 || j->nagents > 0)
		return (0);
	for (i = 0; i < j->nevents; i++)
		if (!journal_is_audit(j->events[i].kind) &&
		    j->events[i].kind != EV_AGENT_STATUS &&
		    j->events[i].kind != EV_AGENT_ATTACHED &&
		    j->events[i].kind != EV_AGENT_DETACHED &&
		    j->events[i].kind != EV_AGENT_REATTACHED &&
		    j->events[i].kind != EV_AGENT_ABSENT)
			return (0);
	for (i = 0; i < j->nsessions; i++)
		if (j->sessions[i].op != JS_TOUCH &&
		    j->sessions[i].op != JS_PURGE)
			return (0);
	return (1);
}

static void
journal_log_record(const char *what, const struct engine_event *ev)
{
	log_warnx("%s: %s actor=%s agent=%s data=%s", what, ev->type,
	    ev->actor != NULL ? ev->actor : "",
	    ev->agent != NULL ? ev->agent : "",
	    ev->data != NULL ? ev->data : "");
}

/*
 * Keep the failed batch's records for the next commit: all of a soft
 * batch; only the audit records of another, the commands' marked as not
 * saved (their change was rolled back and their reply says so).
 */
static void
journal_keep(struct journal *j, int soft)
{
	struct engine_event	 ev;
	struct engine_fact	 fact;
	struct buf		 data;
	struct json		 w;
	size_t			 i;

	if (j->backlog == NULL)
		j->backlog = journal_new();
	buf_init(&data);
	for (i = 0; i < j->nevents; i++) {
		journal_event_at(j, i, &ev, &fact);
		if (!soft && !journal_is_audit(ev.kind))
			continue;
		if (j->backlog->nevents >= JOURNAL_BACKLOG_MAX) {
			j->stats.backlog_dropped++;
			journal_log_record("journal: backlog full, record "
			    "dropped", &ev);
			continue;
		}
		if (!soft && ev.kind == EV_AUDIT_COMMAND && ev.data != NULL &&
		    json_extend(&w, &data, ev.data) == 0) {
			json_bool(&w, "saved", false);
			ev.data = json_end(&w);
		}
		journal_emit(j->backlog, &ev);
	}
	buf_free(&data);
}

void
journal_drop_backlog(struct journal *j, const char *why)
{
	struct engine_event	ev;
	struct engine_fact	fact;
	size_t			i, n = journal_backlog(j);

	if (n == 0)
		return;
	log_warnx("journal: %zu records kept in memory cannot be written "
	    "(%s): logged here, then dropped", n, why);
	for (i = 0; i < n; i++) {
		journal_event_at(j->backlog, i, &ev, &fact);
		journal_log_record("journal: record dropped", &ev);
	}
	j->stats.backlog_dropped += n;
	journal_discard(j->backlog);
}

static void
journal_settle(struct journal *j)
{
	struct engine_event	ev;
	struct engine_fact	fact;
	size_t			i;

	for (i = 0; i < j->nevents && j->settled != NULL; i++) {
		journal_event_at(j, i, &ev, &fact);
		j->settled(&ev, j->settled_arg);
	}
}

static int
journal_put_presence(struct store *st, struct engine *e, const char *name,
    const char **prev, char *err)
{
	struct agent_presence	p;

	if (name == NULL || *name == '\0' ||
	    (*prev != NULL && strcmp(*prev, name) == 0))
		return (0);
	*prev = name;
	if (engine_agent_presence(e, name, &p) != 0)
		return (0);	/* deleted: its row is gone too */
	return (store_put_presence(st, name, &p, err));
}

/*
 * The presence rows of the agents b names (the backlog, or the batch), and
 * of each ticket's agent, as memory holds them now: in the same
 * transaction as the events, so a restart finds the presence of the last
 * commit (store_load_presence). The same names as server_settled notes.
 */
static int
journal_write_presence(struct journal *b, struct store *st,
    struct engine *e, char *err)
{
	struct engine_event	 ev;
	struct engine_fact	 fact;
	const struct ticket	*t;
	const char		*prev = NULL;
	size_t			 i;

	for (i = 0; b != NULL && i < b->nevents; i++) {
		journal_event_at(b, i, &ev, &fact);
		if (journal_put_presence(st, e, ev.agent, &prev, err) != 0)
			return (-1);
		if (ev.ticket != 0 &&
		    (t = engine_ticket_get(e, ev.ticket)) != NULL &&
		    journal_put_presence(st, e, t->agent, &prev, err) != 0)
			return (-1);
	}
	return (0);
}

/* Append the events of b (the backlog, or the batch) from seq on. */
static int
journal_append(struct journal *b, struct store *st, int64_t *seq, char *err)
{
	struct engine_event	ev;
	struct engine_fact	fact;
	size_t			i;

	for (i = 0; b != NULL && i < b->nevents; i++) {
		journal_event_at(b, i, &ev, &fact);
		if (store_append_event(st, ++*seq, &ev, err) != 0 ||
		    (ev.fact != NULL && store_append_fact(st, *seq, &ev,
		    err) != 0))
			return (-1);
	}
	return (0);
}

static void
journal_publish(struct journal *j, struct journal *b, int64_t *seq)
{
	struct engine_event	ev;
	struct engine_fact	fact;
	size_t			i;

	for (i = 0; b != NULL && i < b->nevents && j->publisher != NULL;
	    i++) {
		journal_event_at(b, i, &ev, &fact);
		j->publisher(++*seq, &ev, j->publisher_arg);
	}
}

int
journal_commit(struct journal *j, struct store *st, struct engine *e,
    char *err)
{
	int64_t			 seq;
	size_t			 i, nbl = journal_backlog(j);
	double			 started;
	int			 soft;

	if (!journal_pending(j) && nbl == 0)
		return (0);
	started = journal_clock();
	/* Commits are failing: a batch that can wait does, without another
	 * attempt that would write the whole backlog again and fail; the
	 * retry (a batch with nothing new) tries for it. */
	if (j->stats.last_failed && journal_pending(j) && journal_soft(j) &&
	    started - j->failed_at < 1.0) {
		err[0] = '\0';
		j->stats.kept++;
		journal_settle(j);
		journal_keep(j, 1);
		journal_discard(j);
		return (1);
	}
	if (store_begin(st, err) != 0)
		goto fail;
	for (i = 0; i < j->nusers; i++) {
		struct juser *u = &j->users[i];
		if ((u->del ? store_del_user(st, u->name, err) :
		    store_put_user(st, u->name, u->hash, u->role, u->demo,
		    u->now, err)) != 0)
			goto fail;
	}
	if (journal_write_sessions(j, st, err) != 0)
		goto fail;
	seq = store_last_seq(st);
	if (journal_append(j->backlog, st, &seq, err) != 0 ||
	    journal_append(j, st, &seq, err) != 0)
		goto fail;
	if (journal_write_rows(j, st, e, err) != 0 ||
	    journal_write_presence(j->backlog, st, e, err) != 0 ||
	    journal_write_presence(j, st, e, err) != 0 ||
	    store_commit(st, err) != 0)
		goto fail;

	journal_observe(j, journal_clock() - started);
	j->stats.last_failed = 0;
	j->stats.batches++;
	j->stats.events += j->nevents + nbl;
	if (j->nevents > j->stats.max_batch)
		j->stats.max_batch = j->nevents;
	seq = store_last_seq(st) - (int64_t)(j->nevents + nbl);
	journal_publish(j, j->backlog, &seq);
	journal_publish(j, j, &seq);
	journal_settle(j);
	if (nbl > 0) {
		j->stats.backlog_written += nbl;
		log_info("journal: wrote the %zu records kept in memory while "
		    "commits failed", nbl);
		journal_discard(j->backlog);
	}
	journal_discard(j);
	return (0);

fail:
	j->stats.failures++;
	j->stats.last_failed = 1;
	j->failed_at = journal_clock();
	snprintf(j->stats.last_error, sizeof j->stats.last_error, "%s", err);
	store_rollback(st);
	if ((soft = journal_soft(j))) {
		j->stats.kept++;
		journal_settle(j);
	}
	journal_keep(j, soft);
	journal_discard(j);
	return (soft ? 1 : -1);
}

const struct journal_stats *
journal_stats(const struct journal *j)
{
	return (&j->stats);
}
