/*
 * store-export.c: reading a data folder from outside the daemon, for
 * `hotlined --export`. The connection is read-only and takes no lock, so
 * it works while the daemon runs (WAL readers never block the writer);
 * sealed values are opened with the key file, which must be the one the
 * database was written with.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>
#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_internal.h"

static int
store_ro_key(struct store *st, const char *keyfile, char *err)
{
	uint8_t	key[CRYPTO_KEYBYTES], check[CRYPTO_CHECKBYTES];
	uint8_t	mine[CRYPTO_CHECKBYTES];
	int	rc;

	if (store_read_check(st, check, err) != 0)
		return (-1);
	if (crypto_init() != 0) {
		snprintf(err, STORE_ERRMAX, "libsodium initialisation failed");
		return (-1);
	}
	if ((rc = crypto_key_load(keyfile, key, err, STORE_ERRMAX)) <= 0) {
		if (rc == 0)
			snprintf(err, STORE_ERRMAX, "%.400s: no such key file",
			    keyfile);
		return (-1);
	}
	st->crypto = crypto_new(key);
	sodium_memzero(key, sizeof key);
	if (st->crypto == NULL) {
		snprintf(err, STORE_ERRMAX, "%.400s: cannot set up the key",
		    keyfile);
		return (-1);
	}
	crypto_key_check(st->crypto, mine);
	if (sodium_memcmp(mine, check, sizeof mine) != 0) {
		snprintf(err, STORE_ERRMAX, "%.200s does not match the "
		    "database %.200s (written with another key)", keyfile,
		    st->path);
		return (-1);
	}
	return (0);
}

struct store *
store_open_readonly(const char *dir, const char *keyfile, char *err)
{
	struct store	*st;
	struct stat	 sb;
	char		 dflt[PATH_MAX];
	int64_t		 version;

	snprintf(dflt, sizeof dflt, "%s/hotline.db", dir);
	if (stat(dflt, &sb) != 0) {
		snprintf(err, STORE_ERRMAX, "%.400s: no database", dflt);
		return (NULL);
	}
	if ((st = store_new(dir, err)) == NULL)
		return (NULL);
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, STORE_ERRMAX, "%s: %s", st->path, st->db != NULL ?
		    sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	version = store_query_int(st, "PRAGMA user_version", -1);
	if (version != STORE_SCHEMA_VERSION) {
		snprintf(err, STORE_ERRMAX, "%s: schema version %lld, this "
		    "hotlined reads %d: start the matching hotlined once on it",
		    st->path, (long long)version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (store_row_check(st, err) != 0)
		goto fail;
	if (keyfile == NULL) {
		snprintf(dflt, sizeof dflt, "%s/%s", dir, CRYPTO_KEY_FILE);
		keyfile = dflt;
	}
	if (store_ro_key(st, keyfile, err) != 0)
		goto fail;
	return (st);
fail:
	store_close(st);
	return (NULL);
}

/* The caller's callback and what it gets, for store_export's rows. */
struct export_cb {
	int	(*ticket)(const struct ticket *, void *);
	int	(*event)(int64_t, const struct engine_event *, void *);
	void	*arg;
};

/* A row of tickets: 0, 1 the callback refused it, -1 tampered. */
static int
store_export_ticket(struct store *st, sqlite3_stmt *s,
    const struct export_cb *cb)
{
	struct ticket	t;
	int		rc;

	if (store_row_ticket(st, s, &t) != 0)
		return (-1);
	rc = cb->ticket(&t, cb->arg);
	store_ticket_free(&t);
	return (rc != 0);
}

static int
store_export_event(struct store *st, sqlite3_stmt *s,
    const struct export_cb *cb)
{
	struct engine_event	 ev;
	char			*data;
	int			 rc;

	if (store_row_event(st, s, &ev, &data) != 0)
		return (-1);
	rc = cb->event(sqlite3_column_int64(s, 0), &ev, cb->arg);
	free(data);
	return (rc != 0);
}

/*
 * Every row sql gives for [from, to), through one. One unreadable row
 * (store_row_* logged which and why) does not cost the others: it is
 * skipped and counted, and the caller says the export is incomplete.
 */
static int
store_export(struct store *st, const char *sql, hl_ms from, hl_ms to,
    int (*one)(struct store *, sqlite3_stmt *, const struct export_cb *),
    const struct export_cb *cb, uint64_t *skipped, char *err)
{
	sqlite3_stmt	*s;
	int		 rc, bad = 0;

	*skipped = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "export"));
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while (bad == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((bad = one(st, s, cb)) < 0) {
			(*skipped)++;
			bad = 0;
		} else if (bad > 0)
			snprintf(err, STORE_ERRMAX, "cannot write the export");
	}
	sqlite3_finalize(s);
	if (bad != 0)
		return (-1);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "export"));
	return (0);
}

/* Tickets created in [from, to), by id, their sealed fields opened. */
int
store_export_tickets(struct store *st, hl_ms from, hl_ms to,
    int (*fn)(const struct ticket *, void *), void *arg, uint64_t *skipped,
    char *err)
{
	struct export_cb	 cb = { fn, NULL, arg };
	char			*sql;
	int			 rc;

	sql = store_ticket_select("WHERE created_ms >= ? AND created_ms < ? "
	    "ORDER BY id");
	rc = store_export(st, sql, from, to, store_export_ticket, &cb,
	    skipped, err);
	free(sql);
	return (rc);
}

/* Events of [from, to) in journal order, their data opened. */
int
store_export_events(struct store *st, hl_ms from, hl_ms to,
    int (*fn)(int64_t, const struct engine_event *, void *), void *arg,
    uint64_t *skipped, char *err)
{
	struct export_cb	cb = { NULL, fn, arg };

	return (store_export(st, "SELECT seq, time_ms, type, ticket, agent, "
	    "customer, actor, data FROM events WHERE time_ms >= ? AND "
	    "time_ms < ? ORDER BY seq", from, to, store_export_event, &cb,
	    skipped, err));
}
