#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "json.h"
#include "log.h"
#include "checkpoint.h"
#include "config.h"
#include "crypto.h"
#include "store.h"
#include "store_internal.h"
#include "walbuf.h"
#include "xmalloc.h"

static const char *store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_EVENT] = "INSERT INTO events(seq, time_ms, type, ticket, agent, "
	    "customer, actor, data) VALUES (?,?,?,?,?,?,?,?)",
	/* ST_TICKET, ST_TICKET_STATE: store_row_sql. */
	/* ST_CUSTOMER: store_row_sql. */
	[ST_AGENT] = "UPDATE users SET skills = ?, groups = ?, capacity = ?, "
	    "role = ? WHERE name = ?",
	/* A new hash brings its own demo flag; the same one keeps what
	 * was learnt of it (a role change rewrites the row). */
	[ST_USER_PUT] = "INSERT INTO users(name, hash, role, skills, groups, "
	    "capacity, created_ms, updated_ms, demo) "
	    "VALUES (?1,?2,?3,'','',1,?4,?4,?5) "
	    "ON CONFLICT(name) DO UPDATE SET hash = excluded.hash, "
	    "role = excluded.role, updated_ms = excluded.updated_ms, "
	    "demo = CASE WHEN users.hash = excluded.hash AND excluded.demo < 0 "
	    "THEN users.demo ELSE excluded.demo END",
	[ST_USER_DEL] = "DELETE FROM users WHERE name = ?",
	/* Only when what a restart cannot rebuild changed (store_put_presence):
	 * the column offer (migration 8) is no longer written nor read. */
	[ST_PRESENCE] = "UPDATE users SET status = ?1, status_base = ?2, "
	    "status_reason = ?3, status_since_ms = ?4, idle_since_ms = ?5, "
	    "wrapup_until_ms = ?6, missed = ?7, spell = ?8, "
	    "spell_reason = ?9, spell_since_ms = ?10 WHERE name = ?11 AND "
	    "(status_base IS NOT ?2 OR status_reason IS NOT ?3 OR "
	    "wrapup_until_ms IS NOT ?6 OR missed IS NOT ?7 OR spell IS NOT ?8 "
	    "OR spell_reason IS NOT ?9 OR spell_since_ms IS NOT ?10)",
	[ST_USER_GET] = "SELECT hash, role FROM users WHERE name = ?",
	[ST_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)",
	/* ST_TICKET_GET: store_row_sql. */
	[ST_HISTORY] = "SELECT seq, time_ms, type, ticket, agent, customer, "
	    "actor, data FROM events WHERE ticket = ? ORDER BY seq",
	/* ST_CUSTOMER_TICKETS: store_row_sql. */
	[ST_FIND_PHONE] = "SELECT id FROM customers WHERE phone_index = ? "
	    "ORDER BY updated_ms DESC LIMIT 64",
	[ST_SESSION_PUT] = "INSERT INTO sessions(id, hash, user, created_ms, "
	    "expires_ms, used_ms, client) VALUES (?,?,?,?,?,?,?)",
	[ST_SESSION_DEL] = "DELETE FROM sessions WHERE id = ?",
	[ST_SESSION_DEL_USER] = "DELETE FROM sessions WHERE user = ?",
	[ST_SESSION_TOUCH] = "UPDATE sessions SET used_ms = max(used_ms, ?2) "
	    "WHERE id = ?1",
	[ST_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_ms <= ?",
	[ST_SESSION_FIND] = "SELECT id, hash, user, created_ms, expires_ms, "
	    "used_ms, client FROM sessions WHERE hash = ?",
	[ST_SESSION_GET] = "SELECT id, hash, user, created_ms, expires_ms, "
	    "used_ms, client FROM sessions WHERE id = ?",
	[ST_FACT] = "INSERT INTO facts(time_ms, seq, kind, ticket, queue, "
	    "tier, agent, value, flag, since_ms, detail) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
};

int
store_fail(struct store *st, char *err, const char *what)
{
	snprintf(err, STORE_ERRMAX, "%s: %s (%s)", what, sqlite3_errmsg(st->db),
	    sqlite3_errstr(sqlite3_extended_errcode(st->db)));
	return (-1);
}

int
store_exec(struct store *st, const char *sql, char *err)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, STORE_ERRMAX, "%s: %s", st->path,
		    msg != NULL ? msg : "error");
		sqlite3_free(msg);
		return (-1);
	}
	return (0);
}

int64_t
store_query_int(struct store *st, const char *sql, int64_t dflt)
{
	sqlite3_stmt	*s;
	int64_t		 v = dflt;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return (dflt);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (v);
}

struct store *
store_new(const char *dir, char *err)
{
	struct store	*st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, STORE_ERRMAX, "%s: %s", dir, strerror(errno));
		return (NULL);
	}
	st = xcalloc(1, sizeof *st);
	st->lock_fd = -1;
	buf_init(&st->scratch);
	xasprintf(&st->path, "%s/hotline.db", dir);
	return (st);
}

/*
 * A key file beside a missing or empty database: the database was lost
 * (a wrong path, a failed restore, a deleted file), not never made. A new
 * one would issue ticket ids and event seqs from 1 again, ids promised
 * never to be reused; starting afresh must be asked for.
 */
static int
store_orphan_key(struct store *st, const char *dir, int existed, char *err)
{
	char	key[PATH_MAX];

	snprintf(key, sizeof key, "%s/%s", dir, CRYPTO_KEY_FILE);
	if (access(key, F_OK) != 0)
		return (0);
	snprintf(err, STORE_ERRMAX, "%.120s is %s but %.120s exists: this "
	    "folder held a database, and a new one would reuse its ticket "
	    "ids; restore hotline.db from your backup, or, to start afresh on "
	    "purpose, move %s out of the folder (keep it: it opens the "
	    "backups)", st->path, existed ? "empty" : "missing", key,
	    CRYPTO_KEY_FILE);
	return (-1);
}

/* Lock, open, find the key, migrate: what the daemon and a rotation share. */
int
store_open_db(struct store *st, const char *dir, int full_sync, char *err)
{
	uint8_t	check[CRYPTO_CHECKBYTES];
	int64_t	version;
	int	existed;

	if (store_lock(st, dir, err) != 0)
		return (-1);
	/* Checked before sqlite3_open, which would create the file. */
	existed = access(st->path, F_OK) == 0;
	if (!existed && store_orphan_key(st, dir, 0, err) != 0)
		return (-1);
	if (walbuf_register() != SQLITE_OK) {
		snprintf(err, STORE_ERRMAX, "cannot register the %s VFS",
		    WALBUF_VFS);
		return (-1);
	}
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, WALBUF_VFS) != SQLITE_OK) {
		snprintf(err, STORE_ERRMAX, "%s: %s", st->path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : "cannot open");
		return (-1);
	}
	/* A short busy timeout: another process holding the file is an error
	 * to report, not a reason to stall the loop. */
	sqlite3_busy_timeout(st->db, 100);
	if (store_exec(st, "PRAGMA journal_mode = WAL", err) != 0 ||
	    store_exec(st, full_sync ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", err) != 0 ||
	    store_exec(st, "PRAGMA foreign_keys = ON", err) != 0 ||
	    store_functions(st, err) != 0)
		return (-1);
	if (store_query_int(st, "SELECT count(*) FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'", 0) != 1) {
		snprintf(err, STORE_ERRMAX, "%s: cannot enable WAL mode",
		    st->path);
		return (-1);
	}
	version = store_query_int(st, "PRAGMA user_version", 0);
	if (version == 0 && existed && store_orphan_key(st, dir, 1, err) != 0)
		return (-1);
	if (version >= 3 && store_read_check(st, check, err) != 0)
		return (-1);
	if ((st->crypto = crypto_open_dir(dir, version >= 3 ? check : NULL,
	    err, STORE_ERRMAX)) == NULL)
		return (-1);
	if (version < 3 &&
	    store_exec(st, "PRAGMA secure_delete = ON", err) != 0)
		return (-1);
	if (store_migrate(st, err) != 0)
		return (-1);
	/* Migration 3 flags a database that held plaintext until the old
	 * values are scrubbed: a crash in between scrubs at the next start. */
	if (store_query_int(st, "SELECT count(*) FROM meta WHERE key = "
	    "'scrub_pending'", 0) > 0) {
		if (store_exec(st, "PRAGMA secure_delete = ON", err) != 0 ||
		    store_scrub(st, err) != 0 ||
		    store_exec(st, "DELETE FROM meta WHERE key = "
		    "'scrub_pending'", err) != 0)
			return (-1);
		log_info("store: encrypted the personal data in %s", st->path);
	}
	return (store_exec(st, "PRAGMA secure_delete = OFF", err));
}

struct store *
store_open(const char *dir, int full_sync, char *err)
{
	struct store	*st;
	char		*made;
	int		 i, rc;

	if ((st = store_new(dir, err)) == NULL)
		return (NULL);
	if (store_open_db(st, dir, full_sync, err) != 0) {
		store_close(st);
		return (NULL);
	}
	if (store_row_check(st, err) != 0) {
		store_close(st);
		return (NULL);
	}
	for (i = 0; i < ST_COUNT; i++) {
		made = store_row_sql(i);
		rc = sqlite3_prepare_v3(st->db, made != NULL ? made :
		    store_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
		    NULL);
		free(made);
		if (rc != SQLITE_OK) {
			store_fail(st, err, "prepare");
			store_close(st);
			return (NULL);
		}
	}
	if ((st->checkpointer = checkpoint_start(st->db, st->path, full_sync,
	    err, STORE_ERRMAX)) == NULL) {
		store_close(st);
		return (NULL);
	}
	/* Retention may have pruned the newest events: seqs are not reused. */
	st->last_seq = store_query_int(st, "SELECT max(seq) FROM (SELECT "
	    "max(seq) AS seq FROM events UNION ALL SELECT value FROM meta "
	    "WHERE key = 'pruned_seq')", 0);
	return (st);
}

void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	/* Stop the checkpointer first: closing then checkpoints what is left. */
	checkpoint_stop(st->checkpointer);
	if (st->db != NULL)
		sqlite3_wal_hook(st->db, NULL, NULL);
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store: close %s: %s", st->path,
		    sqlite3_errmsg(st->db));
	crypto_free(st->crypto);
	crypto_free(st->next);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	buf_free(&st->scratch);
	free(st->path);
	free(st);
}


const char *
store_path(const struct store *st)
{
	return (st->path);
}

int
store_step_done(struct store *st, int which, char *err, const char *what)
{
	sqlite3_stmt	*s = st->stmt[which];
	int		 rc;

	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return (store_fail(st, err, what));
	return (0);
}

int
store_begin(struct store *st, char *err)
{
	gettimeofday(&st->txn_start, NULL);
	st->txn_seq = st->last_seq;
	st->txn_events = 0;
	return (store_step_done(st, ST_BEGIN, err, "begin"));
}

int
store_commit(struct store *st, char *err)
{
	struct timeval	now;

	if (store_step_done(st, ST_COMMIT, err, "commit") != 0) {
		return (-1);
	}
	gettimeofday(&now, NULL);
	st->stats.commits++;
	st->stats.events_written += st->txn_events;
	st->stats.last_commit_events = st->txn_events;
	st->stats.last_commit_usec = (uint64_t)((now.tv_sec -
	    st->txn_start.tv_sec) * 1000000 + (now.tv_usec -
	    st->txn_start.tv_usec));
	return (0);
}

void
store_rollback(struct store *st)
{
	char	err[STORE_ERRMAX];

	st->stats.commit_failures++;
	if (sqlite3_get_autocommit(st->db) == 0 &&
	    store_step_done(st, ST_ROLLBACK, err, "rollback") != 0)
		log_warnx("store: %s", err);
	st->last_seq = st->txn_seq;
}

void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}




const char *
store_attrs_json(struct buf *b, const struct attr *attrs, int n)
{
	struct json	w;
	int		i;

	json_begin(&w, b);
	for (i = 0; i < n; i++)
		json_str(&w, attrs[i].key, attrs[i].value);
	return (json_end(&w));
}

/* Attributes as a flat JSON object, sealed; "" when there are none. */
void
store_bind_attrs(struct store *st, sqlite3_stmt *s, int i,
    const struct attr *attrs, int n, const char *ad)
{
	buf_reset(&st->scratch);
	if (n > 0)
		store_attrs_json(&st->scratch, attrs, n);
	store_bind_sealed(st, s, i, st->scratch.data, st->scratch.len, ad);
}

int
store_append_event(struct store *st, int64_t seq,
    const struct engine_event *ev, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_EVENT];
	char		 ad[64];

	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, ev->time);
	store_bind_text(s, 3, ev->type);
	if (ev->ticket != 0)
		sqlite3_bind_int64(s, 4, (sqlite3_int64)ev->ticket);
	store_bind_text(s, 5, ev->agent);
	store_bind_text(s, 6, ev->customer);
	store_bind_text(s, 7, ev->actor);
	snprintf(ad, sizeof ad, "event:%lld", (long long)seq);
	store_bind_sealed_str(st, s, 8, ev->data != NULL ? ev->data : "{}",
	    ad);
	if (store_step_done(st, ST_EVENT, err, "append event") != 0)
		return (-1);
	st->last_seq = seq;
	st->txn_events++;
	return (0);
}

int64_t
store_last_seq(const struct store *st)
{
	return (st->last_seq);
}

/*
 * Above every ticket row and above the floor kept in meta. Derived from the
 * rows, so no commit has to write it; only what deletes the newest tickets
 * (retention) has to raise the floor first, in the same transaction.
 */
uint64_t
store_next_id(struct store *st)
{
	int64_t	floor, maxid;

	floor = store_query_int(st,
	    "SELECT value FROM meta WHERE key = 'next_ticket_id'", 1);
	maxid = store_query_int(st, "SELECT max(id) FROM tickets", 0);
	return ((uint64_t)(maxid >= floor ? maxid + 1 : floor));
}

int
store_set_next_id(struct store *st, uint64_t id, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_META_SET];

	if ((int64_t)id <= store_query_int(st,
	    "SELECT value FROM meta WHERE key = 'next_ticket_id'", 1))
		return (0);
	store_bind_text(s, 1, "next_ticket_id");
	sqlite3_bind_int64(s, 2, (sqlite3_int64)id);
	return (store_step_done(st, ST_META_SET, err, "next id"));
}

/*
 * A ticket's subject and attributes are set when it is created and never
 * change: sealing them again at each of its transitions cost two seals
 * and their bytes in every commit. A ticket already stored (whole = 0)
 * has its other columns updated; a new one, or one not found, is written
 * whole.
 */
int
store_put_ticket(struct store *st, const struct ticket *t, int whole,
    char *err)
{
	sqlite3_stmt	*s;

	if (!whole) {
		s = st->stmt[ST_TICKET_STATE];
		store_bind_ticket(st, s, t, 0);
		if (store_step_done(st, ST_TICKET_STATE, err,
		    "write ticket") != 0)
			return (-1);
		if (sqlite3_changes(st->db) > 0)
			return (0);
	}
	s = st->stmt[ST_TICKET];
	store_bind_ticket(st, s, t, 1);
	return (store_step_done(st, ST_TICKET, err, "write ticket"));
}

int
store_put_customer(struct store *st, const struct customer *c, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_CUSTOMER];
	uint8_t		 idx[CRYPTO_BLINDBYTES];

	store_bind_customer(st, s, c);
	if (c->phone != NULL && crypto_blind_phone(st->crypto, c->phone,
	    idx) == 0)
		sqlite3_bind_blob(s, CUSTOMER_NCOLS + 1, idx, sizeof idx,
		    SQLITE_TRANSIENT);
	return (store_step_done(st, ST_CUSTOMER, err, "write customer"));
}

const struct store_stats *
store_stats(const struct store *st)
{
	return (&st->stats);
}

uint64_t
store_checkpoints(const struct store *st)
{
	return (st->checkpointer != NULL ? checkpoint_count(st->checkpointer) :
	    0);
}
