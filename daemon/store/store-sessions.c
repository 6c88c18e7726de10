/*
 * store-sessions.c: session tokens at rest. A row holds the keyed hash of
 * its token (daemon/security/session.c), never the token; the key is a secret of
 * the database, made once with libsodium's generator. Reads are of
 * committed rows; writes come from the journal, inside its transaction.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store.h"
#include "store_internal.h"

int
store_session_secret(struct store *st, uint8_t key[STORE_SESSION_KEYBYTES],
    char *err)
{
	sqlite3_stmt	*s;
	int		 rc, found = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT key FROM session_secret "
	    "WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "read the session key"));
	if ((rc = sqlite3_step(s)) == SQLITE_ROW &&
	    sqlite3_column_bytes(s, 0) == STORE_SESSION_KEYBYTES) {
		memcpy(key, sqlite3_column_blob(s, 0), STORE_SESSION_KEYBYTES);
		found = 1;
	}
	sqlite3_finalize(s);
	if (found)
		return (0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return (store_fail(st, err, "read the session key"));
	/* First start on this schema: make it (a lost key only ends the
	 * sessions, which then fail like expired ones). */
	randombytes_buf(key, STORE_SESSION_KEYBYTES);
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO "
	    "session_secret(id, key) VALUES (1, ?)", -1, &s, NULL) !=
	    SQLITE_OK)
		return (store_fail(st, err, "write the session key"));
	sqlite3_bind_blob(s, 1, key, STORE_SESSION_KEYBYTES, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "write the session key"));
	return (0);
}

int
store_session_put(struct store *st, const struct store_session *ss,
    char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_SESSION_PUT];

	store_bind_text(s, 1, ss->id);
	sqlite3_bind_blob(s, 2, ss->hash, sizeof ss->hash, SQLITE_STATIC);
	store_bind_text(s, 3, ss->user);
	sqlite3_bind_int64(s, 4, ss->created);
	sqlite3_bind_int64(s, 5, ss->expires);
	sqlite3_bind_int64(s, 6, ss->used);
	store_bind_text(s, 7, ss->client);
	return (store_step_done(st, ST_SESSION_PUT, err, "write session"));
}

int
store_session_del(struct store *st, const char *id, char *err)
{
	store_bind_text(st->stmt[ST_SESSION_DEL], 1, id);
	return (store_step_done(st, ST_SESSION_DEL, err, "delete session"));
}

int
store_session_del_user(struct store *st, const char *user, char *err)
{
	store_bind_text(st->stmt[ST_SESSION_DEL_USER], 1, user);
	return (store_step_done(st, ST_SESSION_DEL_USER, err,
	    "delete sessions"));
}

int
store_session_touch(struct store *st, const char *id, hl_ms now, char *err)
{
	store_bind_text(st->stmt[ST_SESSION_TOUCH], 1, id);
	sqlite3_bind_int64(st->stmt[ST_SESSION_TOUCH], 2, now);
	return (store_step_done(st, ST_SESSION_TOUCH, err, "touch session"));
}

int
store_session_purge(struct store *st, hl_ms now, char *err)
{
	sqlite3_bind_int64(st->stmt[ST_SESSION_PURGE], 1, now);
	return (store_step_done(st, ST_SESSION_PURGE, err,
	    "purge expired sessions"));
}

static void
store_session_row(sqlite3_stmt *s, struct store_session *ss)
{
	const char	*t;

	memset(ss, 0, sizeof *ss);
	t = (const char *)sqlite3_column_text(s, 0);
	snprintf(ss->id, sizeof ss->id, "%s", t != NULL ? t : "");
	if (sqlite3_column_bytes(s, 1) == (int)sizeof ss->hash)
		memcpy(ss->hash, sqlite3_column_blob(s, 1), sizeof ss->hash);
	t = (const char *)sqlite3_column_text(s, 2);
	snprintf(ss->user, sizeof ss->user, "%s", t != NULL ? t : "");
	ss->created = sqlite3_column_int64(s, 3);
	ss->expires = sqlite3_column_int64(s, 4);
	ss->used = sqlite3_column_int64(s, 5);
	t = (const char *)sqlite3_column_text(s, 6);
	snprintf(ss->client, sizeof ss->client, "%s", t != NULL ? t : "");
}

static int
store_session_one(struct store *st, int which, struct store_session *ss)
{
	sqlite3_stmt	*s = st->stmt[which];
	int		 found = 0;

	if (sqlite3_step(s) == SQLITE_ROW) {
		store_session_row(s, ss);
		found = 1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (found);
}

int
store_session_find(struct store *st,
    const uint8_t hash[STORE_SESSION_HASHBYTES], struct store_session *ss)
{
	sqlite3_bind_blob(st->stmt[ST_SESSION_FIND], 1, hash,
	    STORE_SESSION_HASHBYTES, SQLITE_STATIC);
	return (store_session_one(st, ST_SESSION_FIND, ss));
}

int
store_session_get(struct store *st, const char *id, struct store_session *ss)
{
	store_bind_text(st->stmt[ST_SESSION_GET], 1, id);
	return (store_session_one(st, ST_SESSION_GET, ss));
}

int
store_session_list(struct store *st, const char *user, hl_ms now,
    void (*fn)(const struct store_session *, void *), void *arg, char *err)
{
	sqlite3_stmt		*s;
	struct store_session	 ss;
	int			 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT id, hash, user, created_ms, "
	    "expires_ms, used_ms, client FROM sessions WHERE user = ? AND "
	    "expires_ms > ? ORDER BY created_ms, id", -1, &s, NULL) !=
	    SQLITE_OK)
		return (store_fail(st, err, "read sessions"));
	store_bind_text(s, 1, user);
	sqlite3_bind_int64(s, 2, now);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_session_row(s, &ss);
		fn(&ss, arg);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "read sessions"));
	return (0);
}
