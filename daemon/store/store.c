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

#include "json.h"
#include "log.h"
#include "resp.h"
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
	/* An upsert, not REPLACE: rows change in place and only the indexes
	 * whose columns changed are touched. */
	[ST_TICKET] = "INSERT INTO tickets(" TICKET_COLUMNS ") "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?) "
	    "ON CONFLICT(id) DO UPDATE SET state = excluded.state, "
	    "queue = excluded.queue, customer = excluded.customer, "
	    "tier = excluded.tier, channel = excluded.channel, "
	    "subject = excluded.subject, disposition = excluded.disposition, "
	    "creator = excluded.creator, agent = excluded.agent, "
	    "target = excluded.target, priority = excluded.priority, "
	    "boost = excluded.boost, step = excluded.step, "
	    "created_ms = excluded.created_ms, "
	    "enqueued_ms = excluded.enqueued_ms, "
	    "updated_ms = excluded.updated_ms, "
	    "step_started_ms = excluded.step_started_ms, "
	    "offered_ms = excluded.offered_ms, "
	    "accepted_ms = excluded.accepted_ms, "
	    "resolved_ms = excluded.resolved_ms, "
	    "pending_until_ms = excluded.pending_until_ms, "
	    "attrs = excluded.attrs, answer_due_ms = excluded.answer_due_ms, "
	    "resolve_due_ms = excluded.resolve_due_ms, "
	    "resolve_used_ms = excluded.resolve_used_ms, "
	    "clock_mark_ms = excluded.clock_mark_ms, "
	    "paused_ms = excluded.paused_ms, sla_fired = excluded.sla_fired, "
	    "escalations = excluded.escalations, "
	    "followup_of = excluded.followup_of, followup = excluded.followup, "
	    "repeat_contact = excluded.repeat_contact, "
	    "complaint = excluded.complaint, complaints = excluded.complaints, "
	    "csat = excluded.csat, work_ms = excluded.work_ms",
	[ST_TICKET_STATE] = "UPDATE tickets SET state = ?2, queue = ?3, "
	    "customer = ?4, tier = ?5, channel = ?6, disposition = ?8, "
	    "creator = ?9, agent = ?10, target = ?11, priority = ?12, "
	    "boost = ?13, step = ?14, created_ms = ?15, enqueued_ms = ?16, "
	    "updated_ms = ?17, step_started_ms = ?18, offered_ms = ?19, "
	    "accepted_ms = ?20, resolved_ms = ?21, pending_until_ms = ?22, "
	    "answer_due_ms = ?24, resolve_due_ms = ?25, "
	    "resolve_used_ms = ?26, clock_mark_ms = ?27, paused_ms = ?28, "
	    "sla_fired = ?29, escalations = ?30, followup_of = ?31, "
	    "followup = ?32, repeat_contact = ?33, complaint = ?34, "
	    "complaints = ?35, csat = ?36, work_ms = ?37 WHERE id = ?1",
	[ST_CUSTOMER] = "INSERT OR REPLACE INTO customers(id, name, phone, "
	    "tier, segment, manager, attrs, created_ms, updated_ms, "
	    "phone_index) VALUES (?,?,?,?,?,?,?,?,?,?)",
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
	[ST_PRESENCE] = "UPDATE users SET status = ?, status_base = ?, "
	    "status_reason = ?, status_since_ms = ?, idle_since_ms = ?, "
	    "wrapup_until_ms = ?, offer = ?, missed = ?, spell = ?, "
	    "spell_reason = ?, spell_since_ms = ? WHERE name = ?",
	[ST_USER_GET] = "SELECT hash, role FROM users WHERE name = ?",
	[ST_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)",
	[ST_TICKET_GET] = "SELECT " TICKET_COLUMNS " FROM tickets WHERE id = ?",
	[ST_HISTORY] = "SELECT seq, time_ms, type, ticket, agent, customer, "
	    "actor, data FROM events WHERE ticket = ? ORDER BY seq",
	[ST_CUSTOMER_TICKETS] = "SELECT " TICKET_COLUMNS " FROM tickets "
	    "WHERE customer = ? ORDER BY id DESC LIMIT ?",
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

/* Migrations, applied in order; PRAGMA user_version is their count. */
static const char *store_migrations[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE events(seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL,"
	" type TEXT NOT NULL, ticket INTEGER, agent TEXT, customer TEXT,"
	" actor TEXT, data TEXT NOT NULL);"
	"CREATE INDEX events_ticket ON events(ticket, seq)"
	" WHERE ticket IS NOT NULL;"
	"CREATE INDEX events_time ON events(time_ms);"
	"CREATE TABLE tickets(id INTEGER PRIMARY KEY, state TEXT NOT NULL,"
	" queue TEXT NOT NULL, customer TEXT NOT NULL, tier TEXT NOT NULL,"
	" channel TEXT NOT NULL, subject TEXT NOT NULL, disposition TEXT NOT NULL,"
	" creator TEXT NOT NULL, agent TEXT NOT NULL, target TEXT NOT NULL,"
	" priority INTEGER NOT NULL, boost INTEGER NOT NULL, step INTEGER NOT NULL,"
	" created_ms INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL,"
	" updated_ms INTEGER NOT NULL, step_started_ms INTEGER NOT NULL,"
	" offered_ms INTEGER NOT NULL, accepted_ms INTEGER NOT NULL,"
	" resolved_ms INTEGER NOT NULL, pending_until_ms INTEGER NOT NULL,"
	" attrs TEXT);"
	"CREATE INDEX tickets_open ON tickets(id)"
	" WHERE state NOT IN ('closed', 'abandoned');"
	"CREATE INDEX tickets_customer ON tickets(customer, id);"
	"CREATE TABLE customers(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" phone TEXT NOT NULL, tier TEXT NOT NULL, segment TEXT NOT NULL,"
	" manager TEXT NOT NULL, attrs TEXT, created_ms INTEGER NOT NULL,"
	" updated_ms INTEGER NOT NULL);"
	"CREATE TABLE users(name TEXT PRIMARY KEY, hash TEXT NOT NULL,"
	" role TEXT NOT NULL, skills TEXT NOT NULL, groups TEXT NOT NULL,"
	" capacity INTEGER NOT NULL, created_ms INTEGER NOT NULL,"
	" updated_ms INTEGER NOT NULL);",
	/* 2: SLA clocks and escalations of each ticket. */
	"ALTER TABLE tickets ADD COLUMN answer_due_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN resolve_due_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN resolve_used_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN clock_mark_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN paused_ms INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN sla_fired INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN escalations INTEGER NOT NULL"
	" DEFAULT 0;",
	/* 3: personal data sealed in place (store-keys.c lists the fields), the
	 * blind index of phones, and the check of the key. */
	"ALTER TABLE customers ADD COLUMN phone_index BLOB;"
	"UPDATE customers SET phone_index = hl_blind(phone),"
	" name = hl_seal(name, 'customer:' || id || ':name'),"
	" phone = hl_seal(phone, 'customer:' || id || ':phone'),"
	" attrs = hl_seal(coalesce(attrs, ''), 'customer:' || id || ':attrs');"
	"CREATE INDEX customers_phone ON customers(phone_index)"
	" WHERE phone_index IS NOT NULL;"
	"UPDATE tickets SET"
	" subject = hl_seal(subject, 'ticket:' || id || ':subject'),"
	" attrs = hl_seal(coalesce(attrs, ''), 'ticket:' || id || ':attrs');"
	"UPDATE events SET data = hl_seal(data, 'event:' || seq);"
	"INSERT OR REPLACE INTO meta(key, value)"
	" VALUES ('key_check', hl_key_check());"
	"INSERT OR REPLACE INTO meta(key, value) SELECT 'scrub_pending', 1"
	" WHERE EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM tickets)"
	" OR EXISTS (SELECT 1 FROM customers);",
	/* 4: follow-ups and customer insight. Complaint counts are rebuilt at
	 * start from the indexed complaint tickets; older rows count when
	 * they are (still) in the default complaints queue. */
	"ALTER TABLE tickets ADD COLUMN followup_of INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN followup INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN repeat_contact INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN complaint INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0;"
	"UPDATE tickets SET complaint = 1 WHERE queue = 'complaints';"
	"CREATE INDEX tickets_complaint ON tickets(customer) WHERE complaint = 1;",
	/* 5: report facts (plaintext, non-personal; store-facts.c), CSAT and
	 * handle time of tickets, the index retention prunes by. Facts start
	 * now: reports say they reach back to here on an older journal. */
	"ALTER TABLE tickets ADD COLUMN csat INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN work_ms INTEGER NOT NULL DEFAULT 0;"
	"UPDATE tickets SET work_ms = -accepted_ms WHERE state = 'active';"
	"CREATE TABLE facts(time_ms INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" kind TEXT NOT NULL, ticket INTEGER, queue TEXT NOT NULL,"
	" tier TEXT NOT NULL, agent TEXT NOT NULL, value INTEGER NOT NULL,"
	" flag INTEGER NOT NULL, since_ms INTEGER NOT NULL,"
	" detail TEXT NOT NULL, PRIMARY KEY (time_ms, seq)) WITHOUT ROWID;"
	"CREATE INDEX facts_status ON facts(time_ms) WHERE kind = 'status';"
	"CREATE INDEX tickets_done ON tickets(updated_ms)"
	" WHERE state IN ('closed', 'abandoned');"
	"INSERT OR REPLACE INTO meta(key, value)"
	" SELECT 'facts_since', (SELECT max(time_ms) + 1 FROM events)"
	" WHERE EXISTS (SELECT 1 FROM events);",
	/* 6: whether a user's password is the sample file's demo one: 1 yes,
	 * 0 no, -1 not known yet (a hash from the configuration, or older
	 * rows): protected mode checks those once and keeps the answer. */
	"ALTER TABLE users ADD COLUMN demo INTEGER NOT NULL DEFAULT -1;",
	/* 7: session tokens (store-sessions.c): the keyed hash of each token,
	 * never the token; the key is made at open (session_secret). */
	"CREATE TABLE sessions(id TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE,"
	" user TEXT NOT NULL, created_ms INTEGER NOT NULL,"
	" expires_ms INTEGER NOT NULL, used_ms INTEGER NOT NULL,"
	" client TEXT NOT NULL);"
	"CREATE INDEX sessions_user ON sessions(user);"
	"CREATE INDEX sessions_expires ON sessions(expires_ms);"
	"CREATE TABLE session_secret(id INTEGER PRIMARY KEY CHECK (id = 1),"
	" key BLOB NOT NULL);",
	/* 8: each agent's presence as of its last commit (store_put_presence),
	 * written in the same transaction as the events that changed it, so
	 * a start reads the rows (store_load_presence), not the journal. */
	"ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'offline';"
	"ALTER TABLE users ADD COLUMN status_base TEXT NOT NULL"
	" DEFAULT 'offline';"
	"ALTER TABLE users ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE users ADD COLUMN status_since_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN idle_since_ms INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN wrapup_until_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN offer INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN missed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN spell TEXT NOT NULL DEFAULT 'offline';"
	"ALTER TABLE users ADD COLUMN spell_reason TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE users ADD COLUMN spell_since_ms INTEGER NOT NULL"
	" DEFAULT 0;",
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

static int
store_migrate(struct store *st, char *err)
{
	int64_t	version;
	int	n = (int)(sizeof store_migrations / sizeof store_migrations[0]);
	char	sql[64];

	version = store_query_int(st, "PRAGMA user_version", 0);
	if (version > n) {
		snprintf(err, STORE_ERRMAX, "%s: schema version %lld is newer "
		    "than this hotlined (%d): upgrade hotlined", st->path,
		    (long long)version, n);
		return (-1);
	}
	for (; version < n; version++) {
		if (store_exec(st, "BEGIN", err) != 0)
			return (-1);
		snprintf(sql, sizeof sql, "PRAGMA user_version = %lld",
		    (long long)version + 1);
		if (store_exec(st, store_migrations[version], err) != 0 ||
		    store_exec(st, sql, err) != 0) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return (-1);
		}
		if (store_exec(st, "COMMIT", err) != 0)
			return (-1);
		log_info("store: migrated %s to schema version %lld", st->path,
		    (long long)version + 1);
	}
	return (0);
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
	resp_buf_init(&st->scratch);
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
	int		 i;

	if ((st = store_new(dir, err)) == NULL)
		return (NULL);
	if (store_open_db(st, dir, full_sync, err) != 0) {
		store_close(st);
		return (NULL);
	}
	for (i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
		    SQLITE_OK) {
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
	resp_buf_free(&st->scratch);
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




/* Attributes as a flat JSON object, sealed; "" when there are none. */
static void
store_bind_attrs(struct store *st, sqlite3_stmt *s, int i,
    const struct attr *attrs, int n, const char *ad)
{
	resp_buf_reset(&st->scratch);
	if (n > 0)
		json_add_attrs(&st->scratch, attrs, n);
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
 * Parameters of a ticket row, numbered as TICKET_COLUMNS (ST_TICKET and
 * ST_TICKET_STATE share them). The subject and attributes are sealed only
 * for the whole row: the other statement does not have them.
 */
static void
store_bind_ticket(struct store *st, sqlite3_stmt *s, const struct ticket *t,
    int whole)
{
	char		 ad[64];

	sqlite3_bind_int64(s, 1, (sqlite3_int64)t->id);
	store_bind_text(s, 2, ticket_state_name(t->state));
	store_bind_text(s, 3, t->queue);
	store_bind_text(s, 4, t->customer);
	store_bind_text(s, 5, t->tier);
	store_bind_text(s, 6, t->channel);
	if (whole) {
		snprintf(ad, sizeof ad, "ticket:%llu:subject",
		    (unsigned long long)t->id);
		store_bind_sealed_str(st, s, 7, t->subject, ad);
	}
	store_bind_text(s, 8, t->disposition != NULL ? t->disposition : "");
	store_bind_text(s, 9, t->creator);
	store_bind_text(s, 10, t->agent);
	store_bind_text(s, 11, t->target);
	sqlite3_bind_int(s, 12, t->priority);
	sqlite3_bind_int(s, 13, t->boost);
	sqlite3_bind_int(s, 14, t->step);
	sqlite3_bind_int64(s, 15, t->created);
	sqlite3_bind_int64(s, 16, t->enqueued);
	sqlite3_bind_int64(s, 17, t->updated);
	sqlite3_bind_int64(s, 18, t->step_started);
	sqlite3_bind_int64(s, 19, t->offered_at);
	sqlite3_bind_int64(s, 20, t->accepted_at);
	sqlite3_bind_int64(s, 21, t->resolved_at);
	sqlite3_bind_int64(s, 22, t->pending_until);
	if (whole) {
		snprintf(ad, sizeof ad, "ticket:%llu:attrs",
		    (unsigned long long)t->id);
		store_bind_attrs(st, s, 23, t->attrs, t->nattrs, ad);
	}
	sqlite3_bind_int64(s, 24, t->answer_due);
	sqlite3_bind_int64(s, 25, t->resolve_due);
	sqlite3_bind_int64(s, 26, t->resolve_used);
	sqlite3_bind_int64(s, 27, t->clock_mark);
	sqlite3_bind_int64(s, 28, t->paused);
	sqlite3_bind_int64(s, 29, t->sla_fired);
	sqlite3_bind_int(s, 30, t->escalations);
	sqlite3_bind_int64(s, 31, (sqlite3_int64)t->followup_of);
	sqlite3_bind_int64(s, 32, (sqlite3_int64)t->followup);
	sqlite3_bind_int(s, 33, t->repeat_contact);
	sqlite3_bind_int(s, 34, t->complaint);
	sqlite3_bind_int(s, 35, t->complaints);
	sqlite3_bind_int(s, 36, t->csat);
	sqlite3_bind_int64(s, 37, t->work);
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
	char		 ad[ENGINE_NAME_MAX + 32];

	store_bind_text(s, 1, c->id);
	snprintf(ad, sizeof ad, "customer:%s:name", c->id);
	store_bind_sealed_str(st, s, 2, c->name, ad);
	snprintf(ad, sizeof ad, "customer:%s:phone", c->id);
	store_bind_sealed_str(st, s, 3, c->phone, ad);
	store_bind_text(s, 4, c->tier);
	store_bind_text(s, 5, segment_name(c->segment));
	store_bind_text(s, 6, c->manager);
	snprintf(ad, sizeof ad, "customer:%s:attrs", c->id);
	store_bind_attrs(st, s, 7, c->attrs, c->nattrs, ad);
	sqlite3_bind_int64(s, 8, c->created);
	sqlite3_bind_int64(s, 9, c->updated);
	if (c->phone != NULL && crypto_blind_phone(st->crypto, c->phone,
	    idx) == 0)
		sqlite3_bind_blob(s, 10, idx, sizeof idx, SQLITE_TRANSIENT);
	return (store_step_done(st, ST_CUSTOMER, err, "write customer"));
}

/* Skills and groups are kept as the text the config file uses. */
static void
store_skills_text(struct resp_buf *b, const struct agent *a)
{
	char	num[16];
	int	i;

	for (i = 0; i < a->nskills; i++) {
		if (i > 0)
			resp_add_raw(b, ",", 1);
		resp_add_raw(b, a->skills[i].queue, strlen(a->skills[i].queue));
		snprintf(num, sizeof num, ":%d", a->skills[i].level);
		resp_add_raw(b, num, strlen(num));
	}
	resp_add_raw(b, "", 1);		/* NUL */
}

int
store_put_agent(struct store *st, const struct agent *a, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_AGENT];
	char		 groups[ENGINE_MAX_GROUPS * ENGINE_NAME_MAX];
	int		 i;

	resp_buf_reset(&st->scratch);
	store_skills_text(&st->scratch, a);
	groups[0] = '\0';
	for (i = 0; i < a->ngroups; i++) {
		if (i > 0)
			strcat(groups, ",");
		strcat(groups, a->groups[i]);
	}
	store_bind_text(s, 1, st->scratch.data);
	store_bind_text(s, 2, groups);
	sqlite3_bind_int(s, 3, a->capacity);
	store_bind_text(s, 4, role_name(a->role));
	store_bind_text(s, 5, a->name);
	return (store_step_done(st, ST_AGENT, err, "write agent"));
}

int
store_put_presence(struct store *st, const char *name,
    const struct agent_presence *p, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_PRESENCE];

	store_bind_text(s, 1, agent_status_name(p->status));
	store_bind_text(s, 2, agent_status_name(p->base));
	store_bind_text(s, 3, p->reason);
	sqlite3_bind_int64(s, 4, p->status_since);
	sqlite3_bind_int64(s, 5, p->idle_since);
	sqlite3_bind_int64(s, 6, p->wrapup_until);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)p->offer);
	sqlite3_bind_int(s, 8, p->missed);
	store_bind_text(s, 9, agent_status_name(p->spell));
	store_bind_text(s, 10, p->spell_reason);
	sqlite3_bind_int64(s, 11, p->spell_since);
	store_bind_text(s, 12, name);
	return (store_step_done(st, ST_PRESENCE, err, "write presence"));
}

int
store_put_user(struct store *st, const char *name, const char *hash, int role,
    int demo, hl_ms now, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_USER_PUT];

	store_bind_text(s, 1, name);
	store_bind_text(s, 2, hash);
	store_bind_text(s, 3, role_name(role));
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int(s, 5, demo < 0 ? -1 : demo != 0);
	return (store_step_done(st, ST_USER_PUT, err, "write user"));
}

int
store_users_maybe_demo(struct store *st,
    void (*fn)(const char *, const char *, int, void *), void *arg, char *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT name, hash, demo FROM users "
	    "WHERE demo != 0 ORDER BY name", -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "read users"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int(s, 2), arg);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "read users"));
	return (0);
}

int
store_set_user_demo(struct store *st, const char *name, const char *hash,
    int demo, char *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE users SET demo = ? WHERE "
	    "name = ? AND hash = ?", -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "write user"));
	sqlite3_bind_int(s, 1, demo != 0);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, hash);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "write user"));
	return (0);
}

int
store_del_user(struct store *st, const char *name, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_USER_DEL];

	store_bind_text(s, 1, name);
	return (store_step_done(st, ST_USER_DEL, err, "delete user"));
}

int
store_get_user(struct store *st, const char *name, struct store_user *u)
{
	sqlite3_stmt	*s = st->stmt[ST_USER_GET];
	int		 found = 0;
	const char	*hash, *role;

	store_bind_text(s, 1, name);
	if (sqlite3_step(s) == SQLITE_ROW) {
		hash = (const char *)sqlite3_column_text(s, 0);
		role = (const char *)sqlite3_column_text(s, 1);
		snprintf(u->name, sizeof u->name, "%s", name);
		snprintf(u->hash, sizeof u->hash, "%s", hash ? hash : "");
		u->role = role_parse(role != NULL ? role : "");
		found = 1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (found);
}

int
store_count_users(struct store *st)
{
	return ((int)store_query_int(st, "SELECT count(*) FROM users", 0));
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
