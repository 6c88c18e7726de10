/*
 * test_walbuf.c: the VFS shim that writes a commit's WAL frames in one
 * call. What it must never do: let a reader (another connection, the
 * checkpointer) see a commit before its frames are written, report a
 * commit whose frames could not be written as done, or stay broken after
 * such a failure once the disk takes writes again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "walbuf.h"

static char	dir[] = "/tmp/hotline-walbuf-XXXXXX";
static char	path[256];

static int
setup(void **state)
{
	strcpy(dir + strlen(dir) - 6, "XXXXXX");
	if (mkdtemp(dir) == NULL)
		return (-1);
	snprintf(path, sizeof path, "%s/t.db", dir);
	return (walbuf_register() == SQLITE_OK ? 0 : -1);
}

static int
teardown(void **state)
{
	char	cmd[512];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return (system(cmd) == 0 ? 0 : -1);
}

static sqlite3 *
open_db(const char *vfs)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_wal_autocheckpoint(db, 0);
	return (db);
}

static int64_t
count(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int64_t		 n;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), "
	    "coalesce(sum(length(v)), 0) FROM t", -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) != SQLITE_ROW)
		fail_msg("count: %s (%d)", sqlite3_errmsg(db),
		    sqlite3_extended_errcode(db));
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (n);
}

static int
insert(sqlite3 *db, int rows, int size)
{
	char	sql[256], *msg = NULL;

	snprintf(sql, sizeof sql, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 "
	    "UNION ALL SELECT i + 1 FROM n WHERE i < %d) INSERT INTO t(v) "
	    "SELECT randomblob(%d) FROM n; COMMIT;", rows, size);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return (0);
	print_message("insert %d x %d: %s (%d)\n", rows, size, msg != NULL ? msg : "?", sqlite3_extended_errcode(db));
	sqlite3_free(msg);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return (-1);
}

/* Each commit, of a few pages or of hundreds, is there for a reader on
 * the plain VFS the moment COMMIT returns. */
static void
test_reader_sees_each_commit(void **state)
{
	sqlite3	*w = open_db(WALBUF_VFS), *r = open_db(NULL);
	int	 i;

	assert_int_equal(sqlite3_exec(w, "CREATE TABLE t(id INTEGER PRIMARY "
	    "KEY, v BLOB)", NULL, NULL, NULL), SQLITE_OK);
	for (i = 1; i <= 200; i++) {
		assert_int_equal(insert(w, i % 50 == 0 ? 300 : 3, 900), 0);
		assert_int_equal(count(r), count(w));
		if (i % 40 == 0)	/* the WAL restarts from its start */
			assert_int_equal(sqlite3_wal_checkpoint_v2(r, NULL,
			    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL), SQLITE_OK);
	}
	sqlite3_close(w);
	sqlite3_close(r);
	r = open_db(NULL);
	assert_int_equal(count(r), 4 * 300 + 196 * 3);
	sqlite3_close(r);
}

/* A commit whose frames cannot be written (the file size limit stands in
 * for a full disk) fails, nothing of it shows, and once the limit is gone
 * the same connection commits again. */
static void
test_failed_write_fails_the_commit(void **state)
{
	sqlite3		*w = open_db(WALBUF_VFS), *r = open_db(NULL);
	struct rlimit	 old, low;
	struct stat	 sb;
	char		 wal[300];

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(sqlite3_exec(w, "CREATE TABLE t(id INTEGER PRIMARY "
	    "KEY, v BLOB)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(insert(w, 10, 100), 0);
	snprintf(wal, sizeof wal, "%s-wal", path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)sb.st_size + 64 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);
	assert_int_equal(insert(w, 400, 1000), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(count(r), 10);
	assert_int_equal(count(w), 10);
	assert_int_equal(insert(w, 400, 1000), 0);
	assert_int_equal(count(r), 410);
	sqlite3_close(w);
	sqlite3_close(r);
	r = open_db(NULL);
	assert_int_equal(count(r), 410);
	assert_int_equal(sqlite3_exec(r, "PRAGMA integrity_check", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reader_sees_each_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_failed_write_fails_the_commit, setup, teardown),
	};

	return (cmocka_run_group_tests_name("walbuf", tests, NULL, NULL));
}
