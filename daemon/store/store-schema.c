/*
 * store-schema.c: the schema's history. Each migration is applied once,
 * in order, in its own transaction; PRAGMA user_version is their count.
 * They are history: a change is a new one appended, never an edit. The
 * current ticket and customer columns are checked against their lists at
 * open (store-row.c).
 */
#include <stdio.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_internal.h"

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
