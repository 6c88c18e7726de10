/*
 * store-facts.c: the journal's report facts (engine.h, struct
 * engine_fact) and retention. A fact is written beside the event that
 * records it, in the same transaction, into `facts`: plaintext and
 * non-personal (kinds, queues, tiers, agent names, durations, scores),
 * clustered by time, so a year of reports reads a range of narrow rows
 * and never decrypts an event. Retention deletes closed tickets with
 * their events and facts, a small batch at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_internal.h"
#include "xmalloc.h"

int
store_append_fact(struct store *st, int64_t seq,
    const struct engine_event *ev, char *err)
{
	const struct engine_fact	*f = ev->fact;
	sqlite3_stmt			*s = st->stmt[ST_FACT];

	sqlite3_bind_int64(s, 1, ev->time);
	sqlite3_bind_int64(s, 2, seq);
	store_bind_text(s, 3, fact_kind_name(f->kind));
	if (ev->ticket != 0)
		sqlite3_bind_int64(s, 4, (sqlite3_int64)ev->ticket);
	store_bind_text(s, 5, f->queue != NULL ? f->queue : "");
	store_bind_text(s, 6, f->tier != NULL ? f->tier : "");
	store_bind_text(s, 7, f->agent != NULL ? f->agent : "");
	sqlite3_bind_int64(s, 8, f->value);
	sqlite3_bind_int(s, 9, f->flag);
	sqlite3_bind_int64(s, 10, f->since);
	store_bind_text(s, 11, f->detail != NULL ? f->detail : "");
	return (store_step_done(st, ST_FACT, err, "append fact"));
}

/*
 * QUEUE STATS after a restart: the service-level outcomes since `since`
 * (the last day) counted into the engine again, oldest first.
 */
int
store_load_sl(struct store *st, struct engine *e, hl_ms since, char *err)
{
	sqlite3_stmt	*s;
	enum fact_kind	 kind;
	int		 rc;
	size_t		 n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT time_ms, kind, queue, tier, "
	    "value, flag FROM facts WHERE time_ms >= ? AND kind IN "
	    "('answered', 'abandoned', 'short_abandoned', 'answer_breach', "
	    "'resolve_breach') ORDER BY time_ms, seq", -1, &s, NULL) !=
	    SQLITE_OK)
		return (store_fail(st, err, "load service level"));
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fact_kind_parse((const char *)sqlite3_column_text(s, 1),
		    &kind) != 0)
			continue;
		engine_restore_sl(e, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 2),
		    (const char *)sqlite3_column_text(s, 3), kind,
		    sqlite3_column_int64(s, 4), sqlite3_column_int(s, 5));
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "load service level"));
	log_info("store: service level of the last day rebuilt from %zu "
	    "facts", n);
	return (0);
}

static int
store_prepare(struct store *st, sqlite3_stmt **s, const char *sql, char *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "prune"));
	return (0);
}

/* Run s with id bound as ?1, count the rows it changed. */
static int
store_prune_run(struct store *st, sqlite3_stmt *s, int64_t id,
    uint64_t *count, char *err)
{
	int	rc;

	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "prune"));
	*count += (uint64_t)sqlite3_changes(st->db);
	return (0);
}

/* The tickets of this batch: closed or abandoned, untouched since cutoff. */
static int64_t *
store_prune_ids(struct store *st, hl_ms cutoff, int batch, int *n, char *err)
{
	sqlite3_stmt	*s;
	int64_t		*ids;
	int		 rc;

	*n = 0;
	ids = xcalloc((size_t)batch, sizeof *ids);
	if (store_prepare(st, &s, "SELECT id FROM tickets WHERE state IN "
	    "('closed', 'abandoned') AND updated_ms < ? ORDER BY updated_ms "
	    "LIMIT ?", err) != 0) {
		free(ids);
		return (NULL);
	}
	sqlite3_bind_int64(s, 1, cutoff);
	sqlite3_bind_int(s, 2, batch);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < batch)
		ids[(*n)++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		free(ids);
		store_fail(st, err, "prune");
		return (NULL);
	}
	return (ids);
}

static int
store_prune_tickets(struct store *st, const int64_t *ids, int n,
    struct store_pruned *out, char *err)
{
	static const char	*sql[] = {
		"DELETE FROM facts WHERE (time_ms, seq) IN (SELECT time_ms, "
		    "seq FROM events WHERE ticket = ?1)",
		"DELETE FROM events WHERE ticket = ?1",
		"DELETE FROM tickets WHERE id = ?1"
	};
	sqlite3_stmt		*s[3] = { NULL, NULL, NULL };
	uint64_t		*count[3] = { &out->facts, &out->events,
				    &out->tickets };
	int			 i, k, rc = -1;

	for (k = 0; k < 3; k++)
		if (store_prepare(st, &s[k], sql[k], err) != 0)
			goto done;
	for (i = 0; i < n; i++)
		for (k = 0; k < 3; k++)
			if (store_prune_run(st, s[k], ids[i], count[k],
			    err) != 0)
				goto done;
	rc = 0;
done:
	for (k = 0; k < 3; k++)
		sqlite3_finalize(s[k]);
	return (rc);
}

/* The highest seq deleted, so that a restart never issues it again. */
static int
store_prune_mark(struct store *st, hl_ms cutoff, char *err)
{
	char	sql[256];

	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta(key, value) "
	    "SELECT 'pruned_before', max(%lld, coalesce((SELECT value FROM "
	    "meta WHERE key = 'pruned_before'), 0));"
	    "INSERT OR REPLACE INTO meta(key, value) VALUES ('pruned_seq', "
	    "%lld);", (long long)cutoff, (long long)st->last_seq);
	return (store_exec(st, sql, err));
}

/*
 * One batch of retention in its own transaction: at most `batch` closed
 * or abandoned tickets last changed before cutoff, with their events and
 * facts, and at most `batch` agent status facts that ended before it.
 * Open tickets are never touched. Deleted pages are overwritten
 * (secure_delete): pruned notes and names do not linger in the file.
 * Afterwards reports reach back to cutoff (meta pruned_before).
 */
int
store_prune(struct store *st, hl_ms cutoff, int batch,
    struct store_pruned *out, char *err)
{
	sqlite3_stmt	*s = NULL;
	int64_t		*ids;
	int		 n, rc = -1;

	memset(out, 0, sizeof *out);
	if (store_exec(st, "PRAGMA secure_delete = ON", err) != 0)
		return (-1);
	if (store_exec(st, "BEGIN IMMEDIATE", err) != 0)
		goto off;
	/* Ticket ids come from the rows (store_next_id): the floor keeps
	 * them above the tickets about to go. */
	if (store_set_next_id(st, store_next_id(st), err) != 0)
		goto fail;
	if ((ids = store_prune_ids(st, cutoff, batch, &n, err)) == NULL)
		goto fail;
	rc = store_prune_tickets(st, ids, n, out, err);
	free(ids);
	if (rc != 0 || store_prepare(st, &s, "DELETE FROM facts WHERE "
	    "(time_ms, seq) IN (SELECT time_ms, seq FROM facts WHERE kind = "
	    "'status' AND time_ms < ?1 LIMIT ?2)", err) != 0)
		goto fail;
	sqlite3_bind_int(s, 2, batch);
	if (store_prune_run(st, s, cutoff, &out->facts, err) != 0)
		goto fail;
	out->more = n == batch || out->facts >= (uint64_t)batch;
	if ((out->tickets > 0 || out->facts > 0) &&
	    store_prune_mark(st, cutoff, err) != 0)
		goto fail;
	if ((rc = store_exec(st, "COMMIT", err)) == 0)
		goto off;
fail:
	rc = -1;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
off:
	sqlite3_finalize(s);
	if (store_exec(st, "PRAGMA secure_delete = OFF", err) != 0 && rc == 0)
		rc = -1;
	return (rc);
}

/*
 * How far back reports are complete: facts began at migration 5 on an
 * older journal (facts_since), and retention deleted what ended before
 * pruned_before. 0 when the journal is whole.
 */
hl_ms
store_facts_from(sqlite3 *db)
{
	sqlite3_stmt	*s;
	hl_ms		 v = 0;

	if (sqlite3_prepare_v2(db, "SELECT max(value) FROM meta WHERE key IN "
	    "('facts_since', 'pruned_before')", -1, &s, NULL) != SQLITE_OK)
		return (0);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (v);
}

hl_ms
store_data_from(struct store *st)
{
	return (store_facts_from(st->db));
}
