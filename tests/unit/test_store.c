/* Unit tests of the SQLite store (daemon/store.c) on real files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"

static char	dir[] = "/tmp/hotline-store-XXXXXX";

static int
setup(void **state)
{
	strcpy(dir, "/tmp/hotline-store-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return (-1);
	return (0);
}

static int
teardown(void **state)
{
	char	cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return (system(cmd) == 0 ? 0 : -1);
}

static struct store *
open_store(void)
{
	char		 err[STORE_ERRMAX];
	struct store	*st = store_open(dir, 0, err);

	if (st == NULL)
		fail_msg("store_open: %s", err);
	return (st);
}

static void
make_ticket(struct ticket *t, uint64_t id, const char *customer)
{
	static struct attr	attrs[] = { { "caller", "+33 1 23" },
				    { "quote\"d", "line\nbreak" } };

	memset(t, 0, sizeof *t);
	t->id = id;
	t->state = TICKET_QUEUED;
	strcpy(t->queue, "billing");
	snprintf(t->customer, sizeof t->customer, "%s", customer);
	strcpy(t->tier, "gold");
	strcpy(t->channel, "voice");
	t->subject = "refund please";
	t->disposition = "";
	strcpy(t->creator, "op1");
	t->priority = 5;
	t->created = t->enqueued = t->updated = 1700000000000LL + (hl_ms)id;
	t->attrs = attrs;
	t->nattrs = 2;
}

static void
test_schema_and_wal(void **state)
{
	struct store	*st = open_store();
	char		 path[512];
	sqlite3		*db;
	sqlite3_stmt	*s;

	store_close(st);
	snprintf(path, sizeof path, "%s/hotline.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), STORE_SCHEMA_VERSION);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
	/* Opening again does not re-run migrations. */
	st = open_store();
	store_close(st);
}

static void
test_commit_and_reopen(void **state)
{
	struct store		*st = open_store();
	struct engine_event	 ev = { 1700000000001LL, "ticket.created", 1,
				    NULL, "c1", "op1", "{\"queue\":\"billing\"}" };
	struct ticket		 t, got;
	char			 err[STORE_ERRMAX];

	make_ticket(&t, 1, "c1");
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_append_event(st, store_last_seq(st) + 1, &ev,
	    err), 0);
	assert_int_equal(store_put_ticket(st, &t, err), 0);
	assert_int_equal(store_set_next_id(st, 2, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_int_equal(store_last_seq(st), 1);
	store_close(st);

	st = open_store();
	assert_int_equal(store_last_seq(st), 1);
	assert_int_equal(store_next_id(st), 2);
	assert_int_equal(store_get_ticket(st, 1, &got, err), 1);
	assert_string_equal(got.queue, "billing");
	assert_string_equal(got.subject, "refund please");
	assert_int_equal(got.priority, 5);
	assert_int_equal(got.state, TICKET_QUEUED);
	assert_int_equal(got.nattrs, 2);
	assert_string_equal(got.attrs[0].key, "caller");
	assert_string_equal(got.attrs[1].key, "quote\"d");
	assert_string_equal(got.attrs[1].value, "line\nbreak");
	store_ticket_free(&got);
	assert_int_equal(store_get_ticket(st, 99, &got, err), 0);
	store_close(st);
}

static void
test_rollback_loses_batch(void **state)
{
	struct store		*st = open_store();
	struct engine_event	 ev = { 1, "ticket.created", 7, NULL, NULL,
				    "x", "{}" };
	struct ticket		 t, got;
	char			 err[STORE_ERRMAX];

	make_ticket(&t, 7, "c7");
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_append_event(st, 1, &ev, err), 0);
	assert_int_equal(store_put_ticket(st, &t, err), 0);
	assert_int_equal(store_set_next_id(st, 8, err), 0);
	store_rollback(st);
	assert_int_equal(store_last_seq(st), 0);
	assert_int_equal(store_next_id(st), 1);
	assert_int_equal(store_get_ticket(st, 7, &got, err), 0);
	/* A duplicate seq fails the whole transaction, not half of it. */
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_append_event(st, 1, &ev, err), 0);
	assert_int_equal(store_append_event(st, 1, &ev, err), -1);
	assert_non_null(strstr(err, "constraint"));
	store_rollback(st);
	assert_int_equal(store_get_ticket(st, 7, &got, err), 0);
	store_close(st);
}

static void
count_event(int64_t seq, const struct engine_event *ev, void *arg)
{
	int	*n = arg;

	assert_int_equal(seq, *n + 1);
	(*n)++;
}

static void
test_history_in_order(void **state)
{
	struct store		*st = open_store();
	struct engine_event	 ev = { 1, "ticket.note", 3, "alice", NULL,
				    "alice", "{}" };
	char			 err[STORE_ERRMAX];
	int			 i, n = 0;

	assert_int_equal(store_begin(st, err), 0);
	for (i = 1; i <= 50; i++) {
		ev.time = i;
		assert_int_equal(store_append_event(st, i, &ev, err), 0);
	}
	assert_int_equal(store_commit(st, err), 0);
	assert_int_equal(store_ticket_history(st, 3, count_event, &n, err), 0);
	assert_int_equal(n, 50);
	n = 0;
	assert_int_equal(store_ticket_history(st, 4, count_event, &n, err), 0);
	assert_int_equal(n, 0);
	store_close(st);
}

static void
test_users(void **state)
{
	struct store		*st = open_store();
	struct store_user	 u;
	char			 err[STORE_ERRMAX];

	assert_int_equal(store_count_users(st), 0);
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_user(st, "bob", "$argon2id$fake",
	    ROLE_SUPERVISOR, 5, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_int_equal(store_get_user(st, "bob", &u), 1);
	assert_string_equal(u.hash, "$argon2id$fake");
	assert_int_equal(u.role, ROLE_SUPERVISOR);
	assert_int_equal(store_get_user(st, "nobody", &u), 0);
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_del_user(st, "bob", err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_int_equal(store_get_user(st, "bob", &u), 0);
	store_close(st);
}

/* A second writer holding the lock is a clear error, not a hang. */
static void
test_locked_database(void **state)
{
	struct store	*st = open_store();
	char		 path[512], err[STORE_ERRMAX];
	sqlite3		*db;

	snprintf(path, sizeof path, "%s/hotline.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(store_begin(st, err), -1);
	assert_non_null(strstr(err, "locked"));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_and_wal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_reopen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback_loses_batch,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_in_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked_database, setup,
		    teardown),
	};

	return (cmocka_run_group_tests_name("store", tests, NULL, NULL));
}
