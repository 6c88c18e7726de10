/* Unit tests of the SQLite store (daemon/store*.c) on real files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "session.h"
#include "store.h"

static char	dir[] = "/tmp/hotline-store-XXXXXX";

#define SCHEMA_STR(v)	#v
#define SCHEMA_TEXT_OF(v) SCHEMA_STR(v)
#define SCHEMA_TEXT	SCHEMA_TEXT_OF(STORE_SCHEMA_VERSION)

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
	struct engine_event	 ev = {
	    .time = 1700000000001LL, .kind = EV_TICKET_CREATED,
	    .type = "ticket.created", .ticket = 1, .customer = "c1",
	    .actor = "op1", .data = "{\"queue\":\"billing\"}" };
	struct ticket		 t, got;
	char			 err[STORE_ERRMAX];

	make_ticket(&t, 1, "c1");
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_append_event(st, store_last_seq(st) + 1, &ev,
	    err), 0);
	assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
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
	struct engine_event	 ev = {
	    .time = 1, .kind = EV_TICKET_CREATED, .type = "ticket.created",
	    .ticket = 7, .actor = "x", .data = "{}" };
	struct ticket		 t, got;
	char			 err[STORE_ERRMAX];

	make_ticket(&t, 7, "c7");
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_append_event(st, 1, &ev, err), 0);
	assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
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
	struct engine_event	 ev = {
	    .time = 1, .kind = EV_TICKET_NOTE, .type = "ticket.note",
	    .ticket = 3, .agent = "alice", .actor = "alice", .data = "{}" };
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
	    ROLE_SUPERVISOR, -1, 5, err), 0);
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

static void
session_count(const struct store_session *ss, void *arg)
{
	(*(int *)arg)++;
}

/*
 * Sessions: the token's keyed hash finds its row, the token is nowhere in
 * the file, the key and the rows survive a reopen, and deletes by id, by
 * user and by expiry take what they should.
 */
static void
test_sessions(void **state)
{
	struct store		*st = open_store();
	struct store_session	 a, b, c, got;
	uint8_t			 key[STORE_SESSION_KEYBYTES];
	uint8_t			 key2[STORE_SESSION_KEYBYTES];
	char			 err[STORE_ERRMAX], tok[SESSION_TOKEN_LEN + 1];
	char			 tok2[SESSION_TOKEN_LEN + 1], path[300];
	FILE			*fp;
	char			*data;
	long			 len;
	int			 n = 0;

	assert_int_equal(store_session_secret(st, key, err), 0);
	session_set_key(key);
	memset(&a, 0, sizeof a);
	session_new(tok, a.hash, a.id);
	assert_true(session_is_token(tok, strlen(tok)));
	assert_false(session_is_token(tok, strlen(tok) - 1));
	assert_memory_equal(tok, "hlt_", 4);
	strcpy(a.user, "alice");
	strcpy(a.client, "127.0.0.1:5000");
	a.created = a.used = 1000;
	a.expires = 5000;
	b = a;
	session_new(tok2, b.hash, b.id);
	assert_string_not_equal(tok, tok2);
	assert_string_not_equal(a.id, b.id);
	c = b;
	session_new(tok2, c.hash, c.id);
	strcpy(c.user, "bob");
	c.expires = 2000;
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_session_put(st, &a, err), 0);
	assert_int_equal(store_session_put(st, &b, err), 0);
	assert_int_equal(store_session_put(st, &c, err), 0);
	assert_int_equal(store_session_touch(st, a.id, 1500, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	store_close(st);

	/* Reopened: the same key, and the token finds its row. */
	st = open_store();
	assert_int_equal(store_session_secret(st, key2, err), 0);
	assert_memory_equal(key, key2, sizeof key);
	assert_int_equal(session_check(st, "alice", 5, tok, strlen(tok), 1600,
	    &got), 1);
	assert_string_equal(got.id, a.id);
	assert_int_equal(got.used, 1500);
	assert_string_equal(got.client, "127.0.0.1:5000");
	/* Someone else's name, a later time, a token cut short: no. */
	assert_int_equal(session_check(st, "bob", 3, tok, strlen(tok), 1600,
	    &got), 0);
	assert_int_equal(session_check(st, "alice", 5, tok, strlen(tok), 5000,
	    &got), 0);
	assert_string_equal(got.id, a.id);	/* named, but expired */
	assert_int_equal(session_check(st, "alice", 5, tok, strlen(tok) - 1,
	    1600, &got), 0);
	assert_int_equal(store_session_list(st, "alice", 1600, session_count,
	    &n, err), 0);
	assert_int_equal(n, 2);
	/* Purge takes bob's expired one; del by id, then by user. */
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_session_purge(st, 2000, err), 0);
	assert_int_equal(store_session_del(st, a.id, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_int_equal(store_session_get(st, c.id, &got), 0);
	assert_int_equal(store_session_get(st, a.id, &got), 0);
	assert_int_equal(store_session_get(st, b.id, &got), 1);
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_session_del_user(st, "alice", err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_int_equal(store_session_get(st, b.id, &got), 0);
	store_close(st);

	/* The token itself never reached the file. */
	snprintf(path, sizeof path, "%s/hotline.db", dir);
	assert_non_null(fp = fopen(path, "rb"));
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	assert_non_null(data = malloc((size_t)len));
	assert_int_equal(fread(data, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	assert_null(memmem(data, (size_t)len, tok + 4, strlen(tok) - 4));
	free(data);
	session_clear_key();
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

/* Personal data at rest. */

#define NOTE		"whisper-note-91"
#define NAME		"Odile Secretname"
#define PHONE		"+33 7 11 22 33 44"
#define PHONE_DIGITS	"33711223344"
#define CATTR		"yes-hidden-attr"

static void
noop_emit(void *arg, const struct engine_event *ev)
{
}

/* An engine that knows tier gold and queue billing, for store_load. */
static struct engine *
new_engine(void)
{
	static struct tier_def	tier;
	static struct queue_def	queue;
	struct engine_config	ec;
	struct engine		*e;

	memset(&tier, 0, sizeof tier);
	strcpy(tier.name, "gold");
	tier.nsteps = 1;
	tier.steps[0].kind = STEP_SKILLED;
	memset(&queue, 0, sizeof queue);
	strcpy(queue.name, "billing");
	queue.offer_timeout = 30000;
	memset(&ec, 0, sizeof ec);
	ec.tiers = &tier;
	ec.ntiers = 1;
	ec.queues = &queue;
	ec.nqueues = 1;
	assert_non_null(e = engine_new(&ec, noop_emit, NULL));
	return (e);
}

static int
file_has(const char *path, const char *needle)
{
	FILE	*fp;
	char	*buf;
	long	 len;
	int	 found;

	if ((fp = fopen(path, "rb")) == NULL)
		return (0);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	assert_non_null(buf = malloc((size_t)len + 1));
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	found = memmem(buf, (size_t)len, needle, strlen(needle)) != NULL;
	free(buf);
	return (found);
}

/* Any file of the data folder (db, WAL, shm, key) holding needle. */
static int
dir_has(const char *needle)
{
	const char	*names[] = { "hotline.db", "hotline.db-wal",
			    "hotline.db-shm", "hotline.key" };
	char		 path[512];
	size_t		 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (file_has(path, needle))
			return (1);
	}
	return (0);
}

static void
assert_nothing_plain(void)
{
	const char	*secrets[] = { NOTE, NAME, PHONE, PHONE_DIGITS, CATTR,
			    "refund please", "+33 1 23", "line\nbreak" };
	size_t		 i;

	for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		if (dir_has(secrets[i]))
			fail_msg("'%s' is in the data folder", secrets[i]);
}

static sqlite3 *
raw_db(void)
{
	char	 path[512];
	sqlite3	*db;

	snprintf(path, sizeof path, "%s/hotline.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 1000);
	return (db);
}

static void
raw_exec(const char *sql)
{
	sqlite3	*db = raw_db();
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static char *
raw_text(const char *sql)
{
	sqlite3		*db = raw_db();
	sqlite3_stmt	*s;
	char		*v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_non_null(v = strdup((const char *)sqlite3_column_text(s, 0)));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return (v);
}

static void
assert_raw(const char *sql, const char *want)
{
	char	*v = raw_text(sql);

	assert_string_equal(v, want);
	free(v);
}

/* A stored ticket's later rows leave its sealed subject and attributes
 * alone (bytes identical), and a row not found is written whole. */
static void
test_ticket_rows_after_the_first(void **state)
{
	struct store	*st = open_store();
	struct ticket	 t, got;
	char		 err[STORE_ERRMAX], *before, *after;

	make_ticket(&t, 5, "c5");
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	before = raw_text("SELECT hex(subject) || hex(attrs) FROM tickets "
	    "WHERE id = 5");
	t.state = TICKET_ACTIVE;
	strcpy(t.agent, "alice");
	t.subject = "must not be written";
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_ticket(st, &t, 0, err), 0);
	make_ticket(&t, 6, "c6");			/* never stored */
	assert_int_equal(store_put_ticket(st, &t, 0, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	after = raw_text("SELECT hex(subject) || hex(attrs) FROM tickets "
	    "WHERE id = 5");
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(store_get_ticket(st, 5, &got, err), 1);
	assert_int_equal(got.state, TICKET_ACTIVE);
	assert_string_equal(got.agent, "alice");
	assert_string_equal(got.subject, "refund please");
	assert_int_equal(got.nattrs, 2);
	store_ticket_free(&got);
	assert_int_equal(store_get_ticket(st, 6, &got, err), 1);
	assert_string_equal(got.subject, "refund please");
	store_ticket_free(&got);
	store_close(st);
}

/*
 * Every member of struct ticket a value of its own, none zero, from k:
 * what a round trip must give back. A new member gets a line here too.
 */
static void
fill_ticket(struct ticket *t, uint64_t id, int k)
{
	static struct attr	attrs[2][3] = {
		{ { "a1", "x" }, { "b1", "y" }, { "c1", "z" } },
		{ { "a2", "x" }, { "b2", "y" }, { "c2", "z" } } };
	static char		subject[2][32], disposition[2][32];
	hl_ms			ms = 1700000000000LL + k * 100;

	memset(t, 0, sizeof *t);
	snprintf(subject[k % 2], sizeof subject[0], "subject %d", k);
	snprintf(disposition[k % 2], sizeof disposition[0], "done %d", k);
	t->id = id;
	t->state = k % 2 ? TICKET_PENDING : TICKET_ACTIVE;
	snprintf(t->queue, sizeof t->queue, "queue-%d", k);
	snprintf(t->customer, sizeof t->customer, "customer-%d", k);
	snprintf(t->tier, sizeof t->tier, "tier-%d", k);
	snprintf(t->channel, sizeof t->channel, "chan-%d", k);
	t->subject = subject[k % 2];
	t->disposition = disposition[k % 2];
	snprintf(t->creator, sizeof t->creator, "creator-%d", k);
	snprintf(t->agent, sizeof t->agent, "agent-%d", k);
	snprintf(t->target, sizeof t->target, "target-%d", k);
	t->priority = k + 1;
	t->boost = k + 2;
	t->step = k + 3;
	t->created = ms + 1;
	t->enqueued = ms + 2;
	t->updated = ms + 3;
	t->step_started = ms + 4;
	t->offered_at = ms + 5;
	t->accepted_at = ms + 6;
	t->resolved_at = ms + 7;
	t->pending_until = ms + 8;
	t->answer_due = ms + 9;
	t->resolve_due = ms + 10;
	t->resolve_used = ms + 11;
	t->clock_mark = ms + 12;
	t->paused = ms + 13;
	t->sla_fired = 0x80000000u | (uint32_t)k;	/* the top bit too */
	t->escalations = k + 4;
	t->followup_of = id + 100 + (uint64_t)k;
	t->followup = id + 200 + (uint64_t)k;
	t->complaints = k + 5;
	t->repeat_contact = 1;
	t->complaint = 1;
	t->work = ms + 14;
	t->attrs = attrs[k % 2];
	t->nattrs = k % 2 ? 3 : 2;
	t->csat = 1 + k % 5;
	t->priv = NULL;			/* the engine's, never stored */
}

static void
assert_ticket_equal(const struct ticket *a, const struct ticket *b)
{
	int	i;

	assert_int_equal(a->id, b->id);
	assert_int_equal(a->state, b->state);
	assert_string_equal(a->queue, b->queue);
	assert_string_equal(a->customer, b->customer);
	assert_string_equal(a->tier, b->tier);
	assert_string_equal(a->channel, b->channel);
	assert_string_equal(a->subject, b->subject);
	assert_string_equal(a->disposition, b->disposition);
	assert_string_equal(a->creator, b->creator);
	assert_string_equal(a->agent, b->agent);
	assert_string_equal(a->target, b->target);
	assert_int_equal(a->priority, b->priority);
	assert_int_equal(a->boost, b->boost);
	assert_int_equal(a->step, b->step);
	assert_int_equal(a->created, b->created);
	assert_int_equal(a->enqueued, b->enqueued);
	assert_int_equal(a->updated, b->updated);
	assert_int_equal(a->step_started, b->step_started);
	assert_int_equal(a->offered_at, b->offered_at);
	assert_int_equal(a->accepted_at, b->accepted_at);
	assert_int_equal(a->resolved_at, b->resolved_at);
	assert_int_equal(a->pending_until, b->pending_until);
	assert_int_equal(a->answer_due, b->answer_due);
	assert_int_equal(a->resolve_due, b->resolve_due);
	assert_int_equal(a->resolve_used, b->resolve_used);
	assert_int_equal(a->clock_mark, b->clock_mark);
	assert_int_equal(a->paused, b->paused);
	assert_int_equal(a->sla_fired, b->sla_fired);
	assert_int_equal(a->escalations, b->escalations);
	assert_int_equal(a->followup_of, b->followup_of);
	assert_int_equal(a->followup, b->followup);
	assert_int_equal(a->complaints, b->complaints);
	assert_int_equal(a->repeat_contact, b->repeat_contact);
	assert_int_equal(a->complaint, b->complaint);
	assert_int_equal(a->work, b->work);
	assert_int_equal(a->nattrs, b->nattrs);
	for (i = 0; i < a->nattrs; i++) {
		assert_string_equal(a->attrs[i].key, b->attrs[i].key);
		assert_string_equal(a->attrs[i].value, b->attrs[i].value);
	}
	assert_int_equal(a->csat, b->csat);
	assert_null(b->priv);
}

/*
 * Every field of a ticket through its row and back, written whole, then
 * by a transition (every member that can change, changed; the sealed
 * subject and attributes kept as written): a member that TICKET_FIELDS
 * forgets, or reads or writes as another, comes back different.
 */
static void
test_ticket_round_trip(void **state)
{
	struct store	*st = open_store();
	struct ticket	 t, first, got;
	char		 err[STORE_ERRMAX];
	const uint64_t	 id = 0x123456789ULL;

	fill_ticket(&t, id, 1);
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	store_close(st);
	st = open_store();
	assert_int_equal(store_get_ticket(st, id, &got, err), 1);
	assert_ticket_equal(&t, &got);
	store_ticket_free(&got);

	first = t;
	fill_ticket(&t, id, 2);
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_ticket(st, &t, 0, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	t.subject = first.subject;
	t.attrs = first.attrs;
	t.nattrs = first.nattrs;
	assert_int_equal(store_get_ticket(st, id, &got, err), 1);
	assert_ticket_equal(&t, &got);
	store_ticket_free(&got);
	store_close(st);
}

/*
 * Every member a customer row keeps, through the row and back, as
 * test_ticket_round_trip (the insight members are rebuilt, not stored).
 */
static void
test_customer_round_trip(void **state)
{
	static struct attr	 attrs[] = { { "plan", "family" },
				    { "note", "line\nbreak" } };
	struct store		*st = open_store();
	struct engine		*e;
	struct customer		 c;
	const struct customer	*got;
	char			 err[STORE_ERRMAX];

	memset(&c, 0, sizeof c);
	strcpy(c.id, "c-round");
	c.name = "Ada Lovelace";
	c.phone = "+44 20 7946 0000";
	strcpy(c.tier, "gold");
	c.segment = SEGMENT_ENTERPRISE;
	strcpy(c.manager, "mgr-7");
	c.attrs = attrs;
	c.nattrs = 2;
	c.created = 1700000000001LL;
	c.updated = 1700000000002LL;
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_customer(st, &c, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	store_close(st);

	st = open_store();
	e = new_engine();
	assert_int_equal(store_load(st, e, err), 0);
	assert_non_null(got = engine_customer_get(e, "c-round"));
	assert_string_equal(got->id, c.id);
	assert_string_equal(got->name, c.name);
	assert_string_equal(got->phone, c.phone);
	assert_string_equal(got->tier, c.tier);
	assert_int_equal(got->segment, c.segment);
	assert_string_equal(got->manager, c.manager);
	assert_int_equal(got->nattrs, 2);
	assert_string_equal(got->attrs[0].key, "plan");
	assert_string_equal(got->attrs[1].value, "line\nbreak");
	assert_int_equal(got->created, c.created);
	assert_int_equal(got->updated, c.updated);
	assert_int_equal(store_find_phone(st, e, "+44 20 7946 0000", c.id,
	    err), 1);
	assert_string_equal(c.id, "c-round");
	engine_free(e);
	store_close(st);
}

/* The tables and the lists of their columns must agree, or no open. */
static void
test_ticket_columns_checked(void **state)
{
	struct store	*st = open_store();
	char		 err[STORE_ERRMAX];

	store_close(st);
	raw_exec("ALTER TABLE tickets ADD COLUMN forgotten INTEGER NOT NULL "
	    "DEFAULT 0");
	assert_null(store_open(dir, 0, err));
	assert_non_null(strstr(err, "column forgotten, which TICKET_FIELDS "
	    "does not list"));
	raw_exec("ALTER TABLE tickets DROP COLUMN forgotten");
	raw_exec("ALTER TABLE tickets DROP COLUMN csat");
	assert_null(store_open(dir, 0, err));
	assert_non_null(strstr(err, "lists column csat, which table tickets "
	    "lacks"));
	raw_exec("ALTER TABLE tickets ADD COLUMN csat INTEGER NOT NULL "
	    "DEFAULT 0");
	raw_exec("ALTER TABLE customers ADD COLUMN forgotten TEXT");
	assert_null(store_open(dir, 0, err));
	assert_non_null(strstr(err, "table customers has column forgotten, "
	    "which CUSTOMER_FIELDS does not list"));
	raw_exec("ALTER TABLE customers DROP COLUMN forgotten");
	st = open_store();
	store_close(st);
}

/*
 * A steady stream of commits, as under load: the checkpoint thread alone
 * never finds every frame copied back at the moment a commit starts, which
 * is when SQLite starts the WAL over, so the WAL grew without end (280 MB
 * beside a 32 MB database in bench/lifecycle). It must stay bounded.
 */
static void
test_wal_rewinds_under_load(void **state)
{
	struct store		*st = open_store();
	struct engine_event	 ev = {
	    .time = 1, .kind = EV_TICKET_NOTE, .type = "ticket.note",
	    .ticket = 0, .agent = "alice", .customer = "c1",
	    .actor = "alice" };
	struct ticket		 t;
	struct stat		 sb;
	char			 err[STORE_ERRMAX], path[512], note[2048];
	off_t			 biggest = 0;
	int			 i;

	snprintf(path, sizeof path, "%s/hotline.db-wal", dir);
	memset(note, 'n', sizeof note - 1);
	note[sizeof note - 1] = '\0';
	ev.data = note;
	for (i = 1; i <= 12000; i++) {
		make_ticket(&t, (uint64_t)(i % 500) + 1, "c1");
		t.updated += i;
		ev.ticket = t.id;
		assert_int_equal(store_begin(st, err), 0);
		assert_int_equal(store_append_event(st, i, &ev, err), 0);
		assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
		assert_int_equal(store_commit(st, err), 0);
		if (i % 500 == 0 && stat(path, &sb) == 0 && sb.st_size > biggest)
			biggest = sb.st_size;
	}
	/* 12,000 commits of 3 pages or more: 150 MB of frames had the WAL
	 * never started over. */
	if (biggest > 48 * 1024 * 1024)
		fail_msg("the WAL grew to %lld bytes", (long long)biggest);
	store_close(st);
}

/* Ticket ids come from the rows: no commit writes a counter, yet an id is
 * never handed out twice, even when the newest ticket is deleted after the
 * floor was raised (what retention does). */
static void
test_next_id_from_rows(void **state)
{
	struct store	*st = open_store();
	struct ticket	 t;
	char		 err[STORE_ERRMAX];

	assert_int_equal(store_next_id(st), 1);
	make_ticket(&t, 41, "c41");
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_int_equal(store_next_id(st), 42);
	assert_raw("SELECT count(*) FROM meta WHERE key = 'next_ticket_id'",
	    "0");
	/* The floor matters once the rows above it are gone. */
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_set_next_id(st, 30, err), 0);
	assert_int_equal(store_set_next_id(st, 42, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	store_close(st);
	raw_exec("DELETE FROM tickets WHERE id = 41");
	st = open_store();
	assert_int_equal(store_next_id(st), 42);
	store_close(st);
}

/* Flip one byte of a stored blob: column `col` of `table` where `where`. */
static void
flip_byte(const char *table, const char *col, const char *where, int at)
{
	sqlite3		*db = raw_db();
	sqlite3_stmt	*s;
	char		 sql[256];
	uint8_t		*b;
	int		 n;

	snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE %s", col, table,
	    where);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(s, 0), SQLITE_BLOB);
	n = sqlite3_column_bytes(s, 0);
	assert_true(at < n);
	assert_non_null(b = malloc((size_t)n));
	memcpy(b, sqlite3_column_blob(s, 0), (size_t)n);
	sqlite3_finalize(s);
	b[at] ^= 0x20;
	snprintf(sql, sizeof sql, "UPDATE %s SET %s = ? WHERE %s", table, col,
	    where);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_blob(s, 1, b, n, free);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* Ticket 1 (open) and 2 (closed) of customer c1, a note on 1. */
static void
write_personal(struct store *st)
{
	static struct attr	 cattrs[] = { { "vip", CATTR } };
	struct engine_event	 note = {
	    .time = 1700000000100LL, .kind = EV_TICKET_NOTE,
	    .type = "ticket.note", .ticket = 1, .agent = "alice",
	    .customer = "c1", .actor = "alice",
	    .data = "{\"text\":\"" NOTE "\"}" };
	struct engine_event	 created = {
	    .time = 1700000000001LL, .kind = EV_TICKET_CREATED,
	    .type = "ticket.created", .ticket = 1, .customer = "c1",
	    .actor = "op1", .data = "{\"subject\":\"refund please\"}" };
	struct customer		 c;
	struct ticket		 t;
	char			 err[STORE_ERRMAX];

	memset(&c, 0, sizeof c);
	strcpy(c.id, "c1");
	c.name = NAME;
	c.phone = PHONE;
	strcpy(c.tier, "gold");
	c.attrs = cattrs;
	c.nattrs = 1;
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_append_event(st, 1, &created, err), 0);
	assert_int_equal(store_append_event(st, 2, &note, err), 0);
	make_ticket(&t, 1, "c1");
	assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
	make_ticket(&t, 2, "c1");
	t.state = TICKET_CLOSED;
	assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
	assert_int_equal(store_put_customer(st, &c, err), 0);
	assert_int_equal(store_commit(st, err), 0);
}

static void
history_text(int64_t seq, const struct engine_event *ev, void *arg)
{
	char	*all = arg;

	strncat(all, ev->data, 1000 - strlen(all));
}

/* What the store gives back is plaintext, as it went in. */
static void
assert_reads_back(struct store *st)
{
	struct engine		*e = new_engine();
	const struct customer	*c;
	struct ticket		 t;
	char			 err[STORE_ERRMAX], all[1024] = "";
	char			 id[ENGINE_NAME_MAX];

	assert_int_equal(store_get_ticket(st, 2, &t, err), 1);
	assert_string_equal(t.subject, "refund please");
	assert_int_equal(t.nattrs, 2);
	assert_string_equal(t.attrs[1].value, "line\nbreak");
	store_ticket_free(&t);
	assert_int_equal(store_ticket_history(st, 1, history_text, all, err),
	    0);
	assert_non_null(strstr(all, NOTE));
	assert_int_equal(store_load(st, e, err), 0);
	assert_non_null(c = engine_customer_get(e, "c1"));
	assert_string_equal(c->name, NAME);
	assert_string_equal(c->phone, PHONE);
	assert_int_equal(c->nattrs, 1);
	assert_string_equal(c->attrs[0].value, CATTR);
	assert_non_null(engine_ticket_get(e, 1));
	/* Found by phone, however it is written; not by a near miss. */
	assert_int_equal(store_find_phone(st, e, "+33711223344", id, err), 1);
	assert_string_equal(id, "c1");
	assert_int_equal(store_find_phone(st, e, "+33 (7) 11.22.33.44", id,
	    err), 1);
	assert_int_equal(store_find_phone(st, e, "33711223344", id, err), 0);
	assert_int_equal(store_find_phone(st, e, "+33711223345", id, err), 0);
	engine_free(e);
}

static void
put_ticket_event(struct store *st, int64_t seq, const struct ticket *t,
    hl_ms at)
{
	struct engine_event	 ev = {
	    .time = at, .kind = EV_TICKET_CREATED, .type = "ticket.created",
	    .ticket = t->id, .customer = t->customer, .actor = "op1",
	    .data = "{}" };
	char			 err[STORE_ERRMAX];

	assert_int_equal(store_append_event(st, seq, &ev, err), 0);
	assert_int_equal(store_put_ticket(st, t, 1, err), 0);
}

/*
 * Follow-up links and insight flags round-trip; the insight the engine
 * gets back counts closed complaint tickets and takes each customer's
 * latest ticket opened since the window began, follow-ups left out.
 */
static void
test_insight_rebuild(void **state)
{
	struct store		*st = open_store();
	struct engine		*e = new_engine();
	const struct customer	*c;
	struct customer		 cu;
	struct ticket		 t;
	char			 err[STORE_ERRMAX];
	hl_ms			 t0 = 1700000000000LL;

	assert_int_equal(store_begin(st, err), 0);
	memset(&cu, 0, sizeof cu);
	cu.name = cu.phone = "";
	strcpy(cu.tier, "gold");
	strcpy(cu.id, "c1");
	assert_int_equal(store_put_customer(st, &cu, err), 0);
	strcpy(cu.id, "c2");
	assert_int_equal(store_put_customer(st, &cu, err), 0);
	make_ticket(&t, 1, "c1");
	t.state = TICKET_CLOSED;
	t.complaint = 1;
	put_ticket_event(st, 1, &t, t.created);
	make_ticket(&t, 2, "c1");
	t.state = TICKET_RESOLVED;
	t.complaint = t.repeat_contact = 1;
	t.complaints = 2;
	t.followup = 3;
	put_ticket_event(st, 2, &t, t.created);
	make_ticket(&t, 3, "c1");		/* scheduled for later */
	t.state = TICKET_SCHEDULED;
	t.followup_of = 2;
	t.created = t0 + 3600000;
	put_ticket_event(st, 3, &t, t0 + 3);
	make_ticket(&t, 4, "c2");
	put_ticket_event(st, 4, &t, t.created);
	make_ticket(&t, 5, "c2");		/* long before the window */
	t.state = TICKET_CLOSED;
	t.complaint = t.repeat_contact = 1;
	t.created = t0 - 36000000;
	put_ticket_event(st, 5, &t, t.created);
	assert_int_equal(store_commit(st, err), 0);

	assert_int_equal(store_get_ticket(st, 2, &t, err), 1);
	assert_int_equal(t.followup, 3);
	assert_int_equal(t.repeat_contact, 1);
	assert_int_equal(t.complaint, 1);
	assert_int_equal(t.complaints, 2);
	store_ticket_free(&t);
	assert_int_equal(store_get_ticket(st, 3, &t, err), 1);
	assert_int_equal(t.state, TICKET_SCHEDULED);
	assert_int_equal(t.followup_of, 2);
	store_ticket_free(&t);

	assert_int_equal(store_load(st, e, err), 0);
	assert_int_equal(engine_ticket_get(e, 3)->state, TICKET_SCHEDULED);
	assert_int_equal(store_load_insight(st, e, t0, err), 0);
	c = engine_customer_get(e, "c1");
	assert_int_equal(c->complaints, 2);
	assert_int_equal(c->last_contact, t0 + 2);
	assert_int_equal(c->last_repeat, 1);
	c = engine_customer_get(e, "c2");
	assert_int_equal(c->complaints, 1);
	assert_int_equal(c->last_contact, t0 + 4);
	assert_int_equal(c->last_repeat, 0);
	engine_free(e);
	store_close(st);
}

/*
 * Presence rows: written with a commit, kept by a password change, read
 * after a reopen; an agent on a break comes back on it, detached for the
 * grace from the restart, one left offline stays absent.
 */
static void
test_presence_rows(void **state)
{
	struct store		*st = open_store();
	struct engine		*e;
	struct agent_presence	 p;
	const struct agent	*a;
	char			 err[STORE_ERRMAX];
	hl_ms			 now = 1700000000000LL;

	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_user(st, "bob", "$argon2id$fake",
	    ROLE_AGENT, -1, 5, err), 0);
	assert_int_equal(store_put_user(st, "carol", "$argon2id$fake",
	    ROLE_AGENT, -1, 5, err), 0);
	memset(&p, 0, sizeof p);
	p.base = p.status = p.spell = AGENT_BREAK;
	strcpy(p.reason, "lunch");
	strcpy(p.spell_reason, "lunch");
	p.status_since = p.spell_since = now - 60000;
	assert_int_equal(store_put_presence(st, "bob", &p, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_user(st, "bob", "$argon2id$other",
	    ROLE_AGENT, -1, 6, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	store_close(st);

	st = open_store();
	e = new_engine();
	assert_int_equal(store_load(st, e, err), 0);
	assert_int_equal(store_load_presence(st, e, now, 30000, err), 1);
	engine_restore_done(e, now);
	a = engine_agent_get(e, "bob");
	assert_int_equal(a->status, AGENT_BREAK);
	assert_string_equal(a->reason, "lunch");
	assert_int_equal(a->status_since, now - 60000);
	assert_int_equal(a->conn, AGENT_DETACHED);
	assert_int_equal(a->grace_until, now + 30000);
	a = engine_agent_get(e, "carol");
	assert_int_equal(a->status, AGENT_OFFLINE);
	assert_int_equal(a->conn, AGENT_ABSENT);
	engine_free(e);
	store_close(st);
}

/*
 * A presence row is rewritten only when what a restart cannot rebuild
 * changed: busy/available and the offer come back from the ticket rows.
 */
static void
test_presence_rows_on_change(void **state)
{
	struct store		*st = open_store();
	struct engine		*e;
	struct agent_presence	 p;
	struct ticket		 t;
	const struct agent	*a;
	char			 err[STORE_ERRMAX];
	hl_ms			 now = 1700000000000LL;

	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_user(st, "bob", "$argon2id$fake",
	    ROLE_AGENT, -1, 5, err), 0);
	memset(&p, 0, sizeof p);
	p.base = p.status = p.spell = AGENT_AVAILABLE;
	p.status_since = p.idle_since = p.spell_since = now - 60000;
	assert_int_equal(store_put_presence(st, "bob", &p, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_raw("SELECT status || ' ' || status_since_ms FROM users "
	    "WHERE name = 'bob'", "available 1699999940000");

	/* Offered ticket 7, so busy: the ticket row says it, not bob's. */
	make_ticket(&t, 7, "c7");
	t.state = TICKET_OFFERED;
	strcpy(t.agent, "bob");
	t.offered_at = now - 1000;
	p.status = AGENT_BUSY;
	p.status_since = now - 1000;
	p.offer = 7;
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_ticket(st, &t, 1, err), 0);
	assert_int_equal(store_put_presence(st, "bob", &p, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_raw("SELECT status || ' ' || status_since_ms FROM users "
	    "WHERE name = 'bob'", "available 1699999940000");
	store_close(st);

	st = open_store();
	e = new_engine();
	assert_int_equal(store_load(st, e, err), 0);
	assert_int_equal(store_load_presence(st, e, now, 30000, err), 1);
	engine_restore_done(e, now);
	a = engine_agent_get(e, "bob");
	assert_int_equal(a->offer, 7);
	assert_int_equal(a->status, AGENT_BUSY);
	assert_int_equal(a->conn, AGENT_DETACHED);
	assert_int_equal(engine_ticket_get(e, 7)->state, TICKET_OFFERED);
	engine_free(e);

	/* A break is a change a restart needs: written. */
	p.base = p.status = p.spell = AGENT_BREAK;
	strcpy(p.reason, "lunch");
	strcpy(p.spell_reason, "lunch");
	p.status_since = p.spell_since = now;
	assert_int_equal(store_begin(st, err), 0);
	assert_int_equal(store_put_presence(st, "bob", &p, err), 0);
	assert_int_equal(store_commit(st, err), 0);
	assert_raw("SELECT status || ' ' || status_reason FROM users "
	    "WHERE name = 'bob'", "break lunch");
	store_close(st);
}

static void
test_sealed_at_rest(void **state)
{
	struct store	*st = open_store();

	write_personal(st);
	/* Committed, still in the WAL, store open. */
	assert_nothing_plain();
	assert_raw("SELECT typeof(subject) || typeof(attrs) FROM tickets "
	    "WHERE id = 1", "blobblob");
	assert_raw("SELECT typeof(name) || typeof(phone) || typeof(attrs) || "
	    "typeof(phone_index) FROM customers", "blobblobblobblob");
	assert_raw("SELECT group_concat(DISTINCT typeof(data)) FROM events",
	    "blob");
	/* Not the plaintext's length either: a nonce and a tag more. */
	assert_raw("SELECT length(subject) FROM tickets WHERE id = 1", "53");
	assert_reads_back(st);
	store_close(st);
	assert_nothing_plain();
	st = open_store();
	assert_reads_back(st);
	store_close(st);
}

/* Schemas 1 and 2 as hotlined wrote them before personal data was sealed. */
static const char *schema2 =
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
	" updated_ms INTEGER NOT NULL);"
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
	" DEFAULT 0;"
	"PRAGMA user_version = 2;";

#define PLAIN_TICKET(id, state) PLAIN_TICKET_IN(id, state, "billing")
#define PLAIN_TICKET_IN(id, state, queue) \
	"INSERT INTO tickets(id, state, queue, customer, tier, channel, " \
	"subject, disposition, creator, agent, target, priority, boost, step, " \
	"created_ms, enqueued_ms, updated_ms, step_started_ms, offered_ms, " \
	"accepted_ms, resolved_ms, pending_until_ms, attrs) VALUES (" #id ", '" \
	state "', '" queue "', 'c1', 'gold', 'voice', 'refund please', '', " \
	"'op1', '', '', 5, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, " \
	"'{\"caller\":\"+33 1 23\",\"quote\\\"d\":\"line\\nbreak\"}');"

/* A plaintext database of schema 2 is encrypted in place at first open. */
static void
test_migrate_plaintext(void **state)
{
	struct store	*st;
	char		 path[512];

	raw_exec("PRAGMA journal_mode = WAL;");
	raw_exec(schema2);
	raw_exec("INSERT INTO meta VALUES ('next_ticket_id', 4);"
	    PLAIN_TICKET(1, "queued") PLAIN_TICKET(2, "closed")
	    PLAIN_TICKET_IN(3, "closed", "complaints")
	    "INSERT INTO customers VALUES ('c1', '" NAME "', '" PHONE "', "
	    "'gold', 'individual', '', '{\"vip\":\"" CATTR "\"}', 1, 1);"
	    "INSERT INTO events VALUES (1, 1, 'ticket.created', 1, NULL, 'c1', "
	    "'op1', '{\"subject\":\"refund please\"}');"
	    "INSERT INTO events VALUES (2, 2, 'ticket.note', 1, 'alice', 'c1', "
	    "'alice', '{\"text\":\"" NOTE "\"}');");
	/* Delete a row too: its plaintext lingers in a free page. */
	raw_exec("INSERT INTO customers VALUES ('gone', '" NAME "', '', "
	    "'gold', 'individual', '', NULL, 1, 1);"
	    "DELETE FROM customers WHERE id = 'gone';");
	snprintf(path, sizeof path, "%s/hotline.db", dir);
	assert_true(dir_has(NOTE) && dir_has(NAME));
	snprintf(path, sizeof path, "%s/hotline.key", dir);
	assert_int_equal(access(path, F_OK), -1);

	st = open_store();
	assert_int_equal(access(path, F_OK), 0);
	assert_nothing_plain();
	assert_raw("PRAGMA user_version", SCHEMA_TEXT);
	/* Reports of this journal start after its last event (time 2). */
	assert_raw("SELECT value FROM meta WHERE key = 'facts_since'", "3");
	assert_raw("SELECT count(*) FROM facts", "0");
	assert_raw("SELECT typeof(subject) || typeof(attrs) FROM tickets "
	    "WHERE id = 2", "blobblob");
	/* Schema 4: tickets in the complaints queue are complaints. */
	assert_raw("SELECT group_concat(id) FROM tickets WHERE complaint = 1",
	    "3");
	assert_int_equal(store_next_id(st), 4);
	assert_reads_back(st);
	store_close(st);
	assert_nothing_plain();
	/* Once only: the next open finds the schema done and the same key. */
	st = open_store();
	assert_reads_back(st);
	store_close(st);
	/* Stopped between the migration and the scrub: the flag it left
	 * gets the next open to scrub. */
	raw_exec("PRAGMA secure_delete = OFF;"
	    "INSERT INTO users(name, hash, role, skills, groups, capacity, "
	    "created_ms, updated_ms) VALUES ('" NAME "', '', 'agent', '', '', "
	    "1, 1, 1);"
	    "DELETE FROM users;"
	    "INSERT INTO meta VALUES ('scrub_pending', 1);");
	assert_true(dir_has(NAME));
	store_close(open_store());
	assert_nothing_plain();
	assert_raw("SELECT count(*) FROM meta WHERE key = 'scrub_pending'",
	    "0");
}

static void
test_tampered(void **state)
{
	struct store	*st = open_store();
	struct engine	*e;
	struct ticket	 t;
	char		 err[STORE_ERRMAX], all[1024] = "";

	write_personal(st);
	store_close(st);

	/* A flipped byte in a closed ticket: that read fails, nothing else. */
	flip_byte("tickets", "subject", "id = 2", 30);
	st = open_store();
	assert_int_equal(store_get_ticket(st, 2, &t, err), -1);
	assert_string_equal(err, "stored data for ticket 2 failed "
	    "authentication");
	assert_int_equal(store_get_ticket(st, 1, &t, err), 1);
	store_ticket_free(&t);
	store_close(st);

	/* A value moved from another row does not open either, nor does
	 * plaintext put in its place. */
	raw_exec("UPDATE tickets SET subject = (SELECT subject FROM tickets "
	    "WHERE id = 1), attrs = 'x' WHERE id = 2");
	st = open_store();
	assert_int_equal(store_get_ticket(st, 2, &t, err), -1);
	store_close(st);
	raw_exec("UPDATE tickets SET subject = 'forged' WHERE id = 2");
	st = open_store();
	assert_int_equal(store_get_ticket(st, 2, &t, err), -1);

	/* The history of a ticket with a tampered event fails as a whole. */
	assert_int_equal(store_ticket_history(st, 1, history_text, all, err),
	    0);
	store_close(st);
	flip_byte("events", "data", "seq = 2", 0);
	st = open_store();
	all[0] = '\0';
	assert_int_equal(store_ticket_history(st, 1, history_text, all, err),
	    -1);
	assert_string_equal(err, "stored data for ticket 1 failed "
	    "authentication");
	assert_null(strstr(all, NOTE));

	/* Recovery refuses an open ticket or a customer it cannot trust,
	 * naming the row. */
	e = new_engine();
	assert_int_equal(store_load(st, e, err), 0);
	engine_free(e);
	store_close(st);
	flip_byte("tickets", "attrs", "id = 1", 40);
	st = open_store();
	e = new_engine();
	assert_int_equal(store_load(st, e, err), -1);
	assert_non_null(strstr(err, "ticket 1: stored data failed "
	    "authentication"));
	engine_free(e);
	store_close(st);
	flip_byte("customers", "phone", "id = 'c1'", 26);
	st = open_store();
	e = new_engine();
	assert_int_equal(store_load(st, e, err), -1);
	assert_non_null(strstr(err, "customer c1: stored data failed "
	    "authentication"));
	engine_free(e);
	store_close(st);
}

static void
read_key(uint8_t *buf, size_t len, const char *name)
{
	char	path[512];
	FILE	*fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "rb"));
	memset(buf, 0, len);
	assert_true(fread(buf, 1, len, fp) > 0);
	fclose(fp);
}

static void
put_key(const uint8_t *buf, size_t len, const char *name)
{
	char	path[512];
	FILE	*fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
	assert_int_equal(chmod(path, 0600), 0);
}

static void
test_rotate_key(void **state)
{
	struct store	*st = open_store();
	uint8_t		 old[65], new[65];
	char		 err[STORE_ERRMAX], path[512];

	write_personal(st);
	/* Never while the folder is in use. */
	assert_int_equal(store_rotate_key(dir, err), -1);
	assert_non_null(strstr(err, "in use"));
	store_close(st);
	read_key(old, sizeof old, "hotline.key");
	assert_int_equal(store_rotate_key(dir, err), 0);
	read_key(new, sizeof new, "hotline.key");
	assert_memory_not_equal(old, new, sizeof old);
	snprintf(path, sizeof path, "%s/hotline.key.new", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_nothing_plain();
	st = open_store();
	assert_reads_back(st);		/* the phone index moved too */
	store_close(st);

	/* The old key no longer opens the database. */
	put_key(old, sizeof old, "hotline.key");
	assert_null(store_open(dir, 0, err));
	assert_non_null(strstr(err, "does not match"));

	/* Stopped after the commit, before the rename: the .new key wins. */
	put_key(new, sizeof new, "hotline.key.new");
	st = open_store();
	assert_reads_back(st);
	store_close(st);
	read_key(old, sizeof old, "hotline.key");
	assert_memory_equal(old, new, sizeof old);
	assert_int_equal(access(path, F_OK), -1);
}

/* One process per folder; the key file is for its owner only. */
static void
test_folder_and_key_file(void **state)
{
	struct store	*st = open_store();
	char		 err[STORE_ERRMAX], path[512];

	assert_null(store_open(dir, 0, err));
	assert_non_null(strstr(err, "in use"));
	store_close(st);
	snprintf(path, sizeof path, "%s/hotline.key", dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_null(store_open(dir, 0, err));
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(path, 0600), 0);
	/* A missing key is an error, never a new key for old data. */
	assert_int_equal(rename(path, "/tmp/hotline-store-key-aside"), 0);
	assert_null(store_open(dir, 0, err));
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(rename("/tmp/hotline-store-key-aside", path), 0);
	store_close(open_store());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_and_wal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_reopen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_next_id_from_rows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wal_rewinds_under_load,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ticket_rows_after_the_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_loses_batch,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_in_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked_database, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ticket_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_customer_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticket_columns_checked,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_presence_rows_on_change,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_presence_rows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_insight_rebuild, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sealed_at_rest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_plaintext, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tampered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotate_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_folder_and_key_file,
		    setup, teardown),
	};

	return (cmocka_run_group_tests_name("store", tests, NULL, NULL));
}
