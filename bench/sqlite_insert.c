/*
 * sqlite_insert: raw SQLite inserts per second, the ceiling of hotlined's
 * journal. A fresh database in WAL mode at synchronous NORMAL or FULL, the
 * journal's events table with its two indexes, and transactions of --batch
 * rows (BEGIN, the inserts through one prepared statement, COMMIT), one
 * after another for --seconds. Checkpoints run as hotlined runs them: on a
 * thread of their own with its own connection (daemon/store/checkpoint.c, linked
 * as is), unless --inline-checkpoint leaves them to SQLite's automatic
 * checkpoint on the inserting connection.
 *
 * A row is what the journal writes for one event: time, a type, a ticket,
 * an agent, a customer, an actor and --data bytes of data (sealed event
 * data is about 100 bytes). Prints a table, or one CSV line.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "checkpoint.h"
#include "histo.h"

#define SCHEMA \
	"CREATE TABLE events(seq INTEGER PRIMARY KEY, time_ms INTEGER NOT " \
	"NULL, type TEXT NOT NULL, ticket INTEGER, agent TEXT, customer TEXT," \
	" actor TEXT, data TEXT NOT NULL);" \
	"CREATE INDEX events_ticket ON events(ticket, seq) WHERE ticket IS " \
	"NOT NULL;" \
	"CREATE INDEX events_time ON events(time_ms);"
#define INSERT \
	"INSERT INTO events(time_ms, type, ticket, agent, customer, actor, " \
	"data) VALUES (?, ?, ?, ?, ?, ?, ?)"
#define MAX_DATA	4096

static const char *types[] = {
	"ticket.created", "ticket.queued", "ticket.offered", "ticket.accepted",
	"ticket.resolved", "agent.status"
};

static struct {
	const char	*dir;
	int		 full;
	int		 batch;
	double		 seconds;
	int		 data;
	int		 inline_checkpoint;
	int		 csv;
} O;

static int64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: sqlite_insert --dir DIR [options]\n"
	    "  --dir DIR            where the database is made (and removed)\n"
	    "  --sync normal|full   synchronous (default normal)\n"
	    "  --batch N            rows per transaction (default 1)\n"
	    "  --seconds S          how long to insert (default 2)\n"
	    "  --data BYTES         data bytes per row (default 100)\n"
	    "  --inline-checkpoint  SQLite's automatic checkpoints instead of\n"
	    "                       hotlined's checkpoint thread\n"
	    "  --csv                one CSV line: sync,batch,rows,commits,"
	    "seconds,\n"
	    "                       rows_per_s,commits_per_s,checkpoints,\n"
	    "                       commit_p50,commit_p99,commit_max (us)\n");
}

static int
parse_options(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "sync", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "seconds", required_argument, NULL, 't' },
		{ "data", required_argument, NULL, 'D' },
		{ "inline-checkpoint", no_argument, NULL, 'i' },
		{ "csv", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char	*end;
	int	 ch;

	O.batch = 1;
	O.seconds = 2;
	O.data = 100;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		errno = 0;
		end = NULL;
		switch (ch) {
		case 'd': O.dir = optarg; break;
		case 's':
			if (strcmp(optarg, "full") == 0)
				O.full = 1;
			else if (strcmp(optarg, "normal") != 0)
				return (-1);
			break;
		case 'b': O.batch = (int)strtol(optarg, &end, 10); break;
		case 't': O.seconds = strtod(optarg, &end); break;
		case 'D': O.data = (int)strtol(optarg, &end, 10); break;
		case 'i': O.inline_checkpoint = 1; break;
		case 'c': O.csv = 1; break;
		case 'h': usage(stdout); exit(0);
		default: return (-1);
		}
		if (end != NULL && (*end != '\0' || errno != 0))
			return (-1);
	}
	if (optind != argc || O.dir == NULL || O.batch < 1 ||
	    O.batch > 1000000 || !(O.seconds > 0) || O.data < 0 ||
	    O.data > MAX_DATA)
		return (-1);
	return (0);
}

static int
exec(sqlite3 *db, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return (0);
	fprintf(stderr, "sqlite_insert: %s: %s\n", sql, msg != NULL ? msg :
	    sqlite3_errmsg(db));
	sqlite3_free(msg);
	return (-1);
}

static void
remove_db(const char *path)
{
	char	p[4096];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

int
main(int argc, char **argv)
{
	struct checkpointer	*cp = NULL;
	struct histo		 h;
	sqlite3			*db = NULL;
	sqlite3_stmt		*st = NULL;
	char			 path[4096], agent[32], cust[32], err[256];
	unsigned char		 data[MAX_DATA];
	uint64_t		 rows = 0, commits = 0, ckpts = 0;
	int64_t			 start, end, t0, now;
	int			 i, rc = 1;

	if (parse_options(argc, argv) != 0) {
		usage(stderr);
		return (2);
	}
	histo_init(&h);
	for (i = 0; i < O.data; i++)
		data[i] = (unsigned char)(rand() & 0xff);
	snprintf(path, sizeof path, "%s/insert.db", O.dir);
	remove_db(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite_insert: %s: %s\n", path,
		    db != NULL ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	/* As hotlined's store, but patient: the figure is a ceiling. */
	sqlite3_busy_timeout(db, 1000);
	if (exec(db, "PRAGMA journal_mode = WAL") != 0 ||
	    exec(db, O.full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL") != 0 || exec(db, SCHEMA) != 0 ||
	    sqlite3_prepare_v2(db, INSERT, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (!O.inline_checkpoint && (cp = checkpoint_start(db, path, O.full,
	    err, sizeof err)) == NULL) {
		fprintf(stderr, "sqlite_insert: %s\n", err);
		goto out;
	}
	start = now = now_us();
	end = start + (int64_t)(O.seconds * 1e6);
	while (now < end) {
		t0 = now;
		if (exec(db, "BEGIN") != 0)
			goto out;
		for (i = 0; i < O.batch; i++, rows++) {
			snprintf(agent, sizeof agent, "bench-agent%d",
			    (int)(rows % 8) + 1);
			snprintf(cust, sizeof cust, "bench-%d",
			    (int)(rows % 1000));
			sqlite3_bind_int64(st, 1, 1700000000000LL +
			    (int64_t)rows);
			sqlite3_bind_text(st, 2, types[rows % 6], -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, (int64_t)(rows / 6 + 1));
			sqlite3_bind_text(st, 4, agent, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 5, cust, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 6, "bench-op", -1, SQLITE_STATIC);
			sqlite3_bind_blob(st, 7, data, O.data, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE ||
			    sqlite3_reset(st) != SQLITE_OK)
				goto fail;
		}
		if (exec(db, "COMMIT") != 0)
			goto out;
		commits++;
		now = now_us();
		histo_add(&h, (uint64_t)(now - t0));
	}
	if (cp != NULL)
		ckpts = checkpoint_count(cp);
	if (O.csv)
		printf("%s,%d,%" PRIu64 ",%" PRIu64 ",%.3f,%.1f,%.1f,%" PRIu64
		    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
		    O.full ? "full" : "normal", O.batch, rows, commits,
		    (double)(now - start) / 1e6,
		    (double)rows * 1e6 / (double)(now - start),
		    (double)commits * 1e6 / (double)(now - start), ckpts,
		    histo_percentile(&h, 50), histo_percentile(&h, 99), h.max);
	else
		printf("sqlite %s, WAL, synchronous %s, %s checkpoints, %d rows "
		    "per transaction of %d data bytes each\n%" PRIu64 " rows, %"
		    PRIu64 " commits in %.2f s: %.0f rows/s, %.0f commits/s; "
		    "commit p50 %" PRIu64 " us, p99 %" PRIu64 " us, max %"
		    PRIu64 " us\n", sqlite3_libversion(), O.full ? "FULL" :
		    "NORMAL", O.inline_checkpoint ? "automatic" : "threaded",
		    O.batch, O.data, rows, commits,
		    (double)(now - start) / 1e6,
		    (double)rows * 1e6 / (double)(now - start),
		    (double)commits * 1e6 / (double)(now - start),
		    histo_percentile(&h, 50), histo_percentile(&h, 99), h.max);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "sqlite_insert: %s\n", sqlite3_errmsg(db));
out:
	checkpoint_stop(cp);
	sqlite3_finalize(st);
	sqlite3_close(db);
	remove_db(path);
	return (rc);
}
