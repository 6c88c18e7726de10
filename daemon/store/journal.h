/*
 * journal.h: group commit. The engine's events, user changes and the rows
 * they touch collect here during one loop iteration and are written to the
 * store in one transaction; replies wait for it; subscribers hear of the
 * events only once they are committed.
 */
#ifndef HOTLINE_JOURNAL_H
#define HOTLINE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct journal;
struct store;

struct journal	*journal_new(void);
void		 journal_free(struct journal *);
/* The engine's emit callback; arg is the journal. */
void		 journal_emit(void *arg, const struct engine_event *);
/* User rows (passwords live outside the engine). hash NULL: delete. */
void		 journal_put_user(struct journal *, const char *name,
		    const char *hash, int role, hl_ms now);
/* The same, when the password is known: demo says if it is name-demo. */
void		 journal_put_user_demo(struct journal *, const char *name,
		    const char *hash, int role, int demo, hl_ms now);
void		 journal_del_user(struct journal *, const char *name);
/*
 * Session rows (daemon/security/session.h), written in the batch's transaction
 * after the user rows: a new one, one revoked, all of a user's (a new
 * password, a deleted user), a last use, and the purge of expired ones.
 * A batch of last uses and purges alone is soft (journal_commit).
 */
struct store_session;
void		 journal_session_put(struct journal *,
		    const struct store_session *);
void		 journal_session_del(struct journal *, const char *id);
void		 journal_session_del_user(struct journal *, const char *user);
void		 journal_session_touch(struct journal *, const char *id,
		    hl_ms now);
void		 journal_session_purge(struct journal *, hl_ms now);
/*
 * The last state of a ticket that left memory in this batch (an event
 * with EVF_TICKET_FINAL handed it over), so that a change to it in the
 * same batch (TICKET RATE of a ticket just closed) starts from it; NULL
 * if none.
 */
struct ticket	*journal_final_ticket(struct journal *, uint64_t id);
/* Changes waiting for the commit (grows with every emit). */
uint64_t	 journal_count(const struct journal *);
int		 journal_pending(const struct journal *);
/*
 * Write everything in one transaction: the backlog first, then the batch.
 * 0: written. -1 with err: rolled back, and memory holds changes the disk
 * does not (the caller fails the replies and rebuilds the engine); the
 * batch's audit records are kept in the backlog (a command's marked
 * "saved":false). 1 with err: not written, but the batch held only audit
 * records and agents' status changes, which nothing in memory needs on
 * disk: all of it waits in the backlog for the next commit, and the
 * batch stands (its replies go out as they are). Within a second of a
 * failure such a batch goes to the backlog untried (err is "").
 */
int		 journal_commit(struct journal *, struct store *,
		    struct engine *, char *err);
/* Records waiting in the backlog; at most JOURNAL_BACKLOG_MAX, beyond it
 * each new one is logged in full and dropped. */
#define JOURNAL_BACKLOG_MAX	10000
size_t		 journal_backlog(const struct journal *);
/* Shutting down with a backlog that cannot be written: log each record
 * (the only trace left of it) and drop them. */
void		 journal_drop_backlog(struct journal *, const char *why);
/* Drop the batch after a failed commit. */
void		 journal_discard(struct journal *);

/* Called by journal_emit for every event (offers wake AGENT NEXT). */
void		 journal_set_listener(struct journal *,
		    void (*fn)(const struct engine_event *, void *), void *);
/* Called for every committed event, in order, with its seq. */
void		 journal_set_publisher(struct journal *,
		    void (*fn)(int64_t, const struct engine_event *, void *),
		    void *);
/* Called for every event of a batch that stands (committed, or kept in
 * the backlog), while memory is as the batch left it. */
void		 journal_set_settled(struct journal *,
		    void (*fn)(const struct engine_event *, void *), void *);

/* Commit latency buckets: upper bounds in seconds; one more is +Inf. */
#define JOURNAL_COMMIT_BUCKETS	11
extern const double journal_commit_bounds[JOURNAL_COMMIT_BUCKETS];

struct journal_stats {
	uint64_t	batches;	/* commits that succeeded */
	uint64_t	events;
	uint64_t	failures;
	uint64_t	max_batch;
	/* Latency of each successful commit, BEGIN to COMMIT: counts per
	 * bucket (not cumulative; the last is above every bound). */
	uint64_t	commit_hist[JOURNAL_COMMIT_BUCKETS + 1];
	double		commit_seconds;			/* their sum */
	int		last_failed;	/* until a commit succeeds again */
	uint64_t	kept;		/* batches kept in the backlog */
	uint64_t	backlog_written;
	uint64_t	backlog_dropped;
	char		last_error[256];
};
const struct journal_stats *journal_stats(const struct journal *);

#endif
