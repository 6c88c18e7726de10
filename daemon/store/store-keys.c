/*
 * store-keys.c: personal data at rest, the store's side. Values are sealed
 * on the way in and opened on the way out (crypto.h); the SQL functions
 * hl_* let the migration encrypt a plaintext database in place and the
 * key rotation re-encrypt one, each in a single statement per table.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_internal.h"
#include "xmalloc.h"

/*
 * The sealed columns and the associated data that binds each value to its
 * row and field: customers.name, .phone, .attrs ("customer:<id>:<field>"),
 * tickets.subject, .attrs ("ticket:<id>:<field>"), events.data
 * ("event:<seq>"). attrs are sealed even when empty, so that a row cannot
 * lose them unnoticed. Key rotation re-seals every one of them.
 */
#define STORE_RESEAL \
	"UPDATE customers SET" \
	" phone_index = hl_reblind(phone, 'customer:' || id || ':phone')," \
	" name = hl_reseal(name, 'customer:' || id || ':name')," \
	" phone = hl_reseal(phone, 'customer:' || id || ':phone')," \
	" attrs = hl_reseal(attrs, 'customer:' || id || ':attrs');" \
	"UPDATE tickets SET" \
	" subject = hl_reseal(subject, 'ticket:' || id || ':subject')," \
	" attrs = hl_reseal(attrs, 'ticket:' || id || ':attrs');" \
	"UPDATE events SET data = hl_reseal(data, 'event:' || seq);"

/* hl_seal(plain, ad): the value sealed for its row and field. */
static void
store_fn_seal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);
	const void	*plain;
	const char	*ad;
	size_t		 len;
	uint8_t		*out;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	plain = sqlite3_value_blob(argv[0]);
	len = (size_t)sqlite3_value_bytes(argv[0]);
	ad = (const char *)sqlite3_value_text(argv[1]);
	if ((out = sqlite3_malloc64(len + CRYPTO_OVERHEAD)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	crypto_seal(st->crypto, ad != NULL ? ad : "", plain != NULL ? plain :
	    "", len, out);
	sqlite3_result_blob64(ctx, out, len + CRYPTO_OVERHEAD, sqlite3_free);
}

/* The plaintext of a sealed SQL value under the current key, or NULL. */
static char *
store_fn_unseal(sqlite3_context *ctx, sqlite3_value *v, const char *ad,
    size_t *len)
{
	struct store	*st = sqlite3_user_data(ctx);
	const uint8_t	*in;
	size_t		 n;
	char		*out, msg[256];

	if (sqlite3_value_type(v) == SQLITE_BLOB) {
		in = sqlite3_value_blob(v);
		n = (size_t)sqlite3_value_bytes(v);
		if ((out = sqlite3_malloc64(n + 1)) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return (NULL);
		}
		if (crypto_unseal(st->crypto, ad, in, n, out, len) == 0) {
			out[*len] = '\0';
			return (out);
		}
		sqlite3_free(out);
	}
	snprintf(msg, sizeof msg, "stored data failed authentication: %s",
	    ad);
	sqlite3_result_error(ctx, msg, -1);
	return (NULL);
}

/* hl_reseal(sealed, ad): sealed again under the next key (rotation). */
static void
store_fn_reseal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);
	const char	*ad = (const char *)sqlite3_value_text(argv[1]);
	char		*plain;
	size_t		 len;
	uint8_t		*out;

	if (ad == NULL)
		ad = "";
	if ((plain = store_fn_unseal(ctx, argv[0], ad, &len)) == NULL)
		return;
	if ((out = sqlite3_malloc64(len + CRYPTO_OVERHEAD)) == NULL) {
		sqlite3_free(plain);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	crypto_seal(st->next, ad, plain, len, out);
	sqlite3_free(plain);
	sqlite3_result_blob64(ctx, out, len + CRYPTO_OVERHEAD, sqlite3_free);
}

static void
store_result_blind(sqlite3_context *ctx, const struct crypto *c,
    const char *phone)
{
	uint8_t	idx[CRYPTO_BLINDBYTES];

	if (phone == NULL || crypto_blind_phone(c, phone, idx) != 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_blob(ctx, idx, sizeof idx, SQLITE_TRANSIENT);
}

/* hl_blind(phone): the blind index of a plaintext phone (migration). */
static void
store_fn_blind(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);

	store_result_blind(ctx, st->crypto,
	    (const char *)sqlite3_value_text(argv[0]));
}

/* hl_reblind(sealed phone, ad): its blind index under the next key. */
static void
store_fn_reblind(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);
	const char	*ad = (const char *)sqlite3_value_text(argv[1]);
	char		*phone;
	size_t		 len;

	if ((phone = store_fn_unseal(ctx, argv[0], ad != NULL ? ad : "",
	    &len)) == NULL)
		return;
	store_result_blind(ctx, st->next, phone);
	sqlite3_free(phone);
}

/* hl_key_check(): the check value of the current key. */
static void
store_fn_key_check(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);
	uint8_t		 check[CRYPTO_CHECKBYTES];

	crypto_key_check(st->crypto, check);
	sqlite3_result_blob(ctx, check, sizeof check, SQLITE_TRANSIENT);
}

int
store_functions(struct store *st, char *err)
{
	static const struct {
		const char	*name;
		int		 nargs;
		void		(*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{ "hl_seal", 2, store_fn_seal },
		{ "hl_reseal", 2, store_fn_reseal },
		{ "hl_blind", 1, store_fn_blind },
		{ "hl_reblind", 2, store_fn_reblind },
		{ "hl_key_check", 0, store_fn_key_check },
	};
	size_t	i;

	/* DIRECTONLY: never callable from a trigger or view in the file. */
	for (i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (sqlite3_create_function_v2(st->db, fns[i].name,
		    fns[i].nargs, SQLITE_UTF8 | SQLITE_DIRECTONLY, st,
		    fns[i].fn, NULL, NULL, NULL) != SQLITE_OK)
			return (store_fail(st, err, "register functions"));
	return (0);
}

/*
 * One process at a time owns the data folder: a second hotlined, or a key
 * rotation while the daemon runs, would write under another key. flock is
 * released by the kernel however the process ends.
 */
int
store_lock(struct store *st, const char *dir, char *err)
{
	if ((st->lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
	    0) {
		snprintf(err, STORE_ERRMAX, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			snprintf(err, STORE_ERRMAX, "%s is in use by another "
			    "hotlined (or a key rotation): stop it first", dir);
		else
			snprintf(err, STORE_ERRMAX, "%s: lock: %s", dir,
			    strerror(errno));
		return (-1);
	}
	return (0);
}

/* The key check stored by migration 3 (or the last rotation). */
int
store_read_check(struct store *st, uint8_t check[CRYPTO_CHECKBYTES],
    char *err)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = "
	    "'key_check'", -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "read key check"));
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) == SQLITE_BLOB &&
	    sqlite3_column_bytes(s, 0) == CRYPTO_CHECKBYTES) {
		memcpy(check, sqlite3_column_blob(s, 0), CRYPTO_CHECKBYTES);
		rc = 0;
	} else
		snprintf(err, STORE_ERRMAX, "%s: no key check in table meta: "
		    "damaged database", st->path);
	sqlite3_finalize(s);
	return (rc);
}

/*
 * After personal data was encrypted in place or re-encrypted, nothing of
 * the old values may stay in free pages or in the WAL: VACUUM rewrites the
 * file from the live rows, the checkpoints empty the WAL.
 */
int
store_scrub(struct store *st, char *err)
{
	return (store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", err) != 0 ||
	    store_exec(st, "VACUUM", err) != 0 ||
	    store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", err) != 0 ?
	    -1 : 0);
}

/* Seal plain for its row and field (ad) into parameter i of s. */
void
store_bind_sealed(struct store *st, sqlite3_stmt *s, int i, const char *plain,
    size_t len, const char *ad)
{
	uint8_t	*out;

	out = xmalloc(len + CRYPTO_OVERHEAD);
	crypto_seal(st->crypto, ad, plain != NULL ? plain : "", len, out);
	/* SQLite frees it once the statement is done with it. */
	sqlite3_bind_blob(s, i, out, (int)(len + CRYPTO_OVERHEAD), free);
}

void
store_bind_sealed_str(struct store *st, sqlite3_stmt *s, int i,
    const char *plain, const char *ad)
{
	if (plain == NULL)
		plain = "";
	store_bind_sealed(st, s, i, plain, strlen(plain), ad);
}

/* The plaintext of sealed column col, NUL-terminated, malloc'd; NULL when
 * it does not authenticate (tampered, moved from another row, not a sealed
 * value at all, or sealed under another key). */
char *
store_unseal(struct store *st, sqlite3_stmt *s, int col, const char *ad)
{
	const uint8_t	*in;
	size_t		 len, n;
	char		*out;

	if (sqlite3_column_type(s, col) != SQLITE_BLOB)
		return (NULL);
	in = sqlite3_column_blob(s, col);
	len = (size_t)sqlite3_column_bytes(s, col);
	out = xmalloc(len + 1);
	if (crypto_unseal(st->crypto, ad, in, len, out, &n) != 0) {
		free(out);
		return (NULL);
	}
	out[n] = '\0';
	return (out);
}

/*
 * Offline: a new key; every sealed value re-sealed under it and the key
 * check replaced, in one transaction. The new key is in hotline.key.new
 * (synced) before the commit and renamed over hotline.key after it, so a
 * crash leaves either the old key valid (before the commit; the .new file
 * is removed at the next start) or the .new one (after; adopted at the
 * next start).
 */
int
store_rotate_key(const char *dir, char *err)
{
	struct store	*st;
	sqlite3_stmt	*s;
	uint8_t		 check[CRYPTO_CHECKBYTES];
	char		 next[PATH_MAX];
	int		 committed = 0, rc = -1;

	if ((st = store_new(dir, err)) == NULL)
		return (-1);
	if (store_open_db(st, dir, 1, err) != 0 ||
	    (st->next = crypto_rotate_start(dir, err, STORE_ERRMAX)) == NULL)
		goto out;
	crypto_key_check(st->next, check);
	if (store_exec(st, "PRAGMA secure_delete = ON", err) != 0 ||
	    store_exec(st, "BEGIN EXCLUSIVE", err) != 0)
		goto out;
	if (store_exec(st, STORE_RESEAL, err) != 0 ||
	    sqlite3_prepare_v2(st->db, "UPDATE meta SET value = ? WHERE key = "
	    "'key_check'", -1, &s, NULL) != SQLITE_OK) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	sqlite3_bind_blob(s, 1, check, sizeof check, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE || store_exec(st, "COMMIT", err) != 0) {
		if (rc != SQLITE_DONE)
			store_fail(st, err, "write key check");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
		goto out;
	}
	committed = 1;
	rc = -1;
	if (crypto_rotate_finish(dir, err, STORE_ERRMAX) != 0)
		goto out;
	if (store_scrub(st, err) != 0)
		log_warnx("store: %s (the rotation itself is done)", err);
	rc = 0;
out:
	/* Before the commit the new key is worth nothing: drop it now. */
	if (rc != 0 && !committed && st->next != NULL) {
		snprintf(next, sizeof next, "%s/%s.new", dir, CRYPTO_KEY_FILE);
		unlink(next);
	}
	store_close(st);
	return (rc);
}
