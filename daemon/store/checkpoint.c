#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "log.h"
#include "xmalloc.h"

/* Checkpoint once the WAL holds this many pages, or every second. */
#define CHECKPOINT_PAGES	1000
#define CHECKPOINT_PERIOD_MS	1000
/* Past this many pages the writer makes the WAL start over (below). */
#define CHECKPOINT_REWIND	4000

struct checkpointer {
	sqlite3		*db;		/* the thread's own connection */
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;
	int		 pending;	/* WAL pages seen by the hook */
	int		 stop;
	int		 running;	/* the thread is checkpointing */
	int		 rewind;	/* the writer wants the last word */
	uint64_t	 count;
};

/*
 * Runs on the writer's thread after each commit. Mostly just a signal.
 * But SQLite starts the WAL over only at a commit that finds every frame
 * copied back, and under a steady stream of commits the thread's copy is
 * never complete at that moment: the WAL would grow without end. So past
 * CHECKPOINT_REWIND pages the thread stands aside and the writer, between
 * two of its commits, copies what is left itself (the frames since the
 * thread's last pass) and syncs; its next commit starts the WAL over.
 */
static int
checkpoint_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct checkpointer	*cp = arg;
	int			 busy, log_pages, done, rc;

	if (pages < CHECKPOINT_PAGES)
		return (SQLITE_OK);
	pthread_mutex_lock(&cp->lock);
	cp->pending = pages;
	if (pages >= CHECKPOINT_REWIND)
		cp->rewind = 1;
	busy = cp->running;
	if (!cp->rewind)
		pthread_cond_signal(&cp->wake);
	pthread_mutex_unlock(&cp->lock);
	if (!cp->rewind || busy)
		return (SQLITE_OK);
	rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
	    &log_pages, &done);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("checkpoint: %s", sqlite3_errmsg(db));
	pthread_mutex_lock(&cp->lock);
	if (rc == SQLITE_OK && done == log_pages) {
		cp->rewind = 0;
		cp->pending = 0;
		cp->count++;
	}
	pthread_mutex_unlock(&cp->lock);
	return (SQLITE_OK);
}

static void *
checkpoint_main(void *arg)
{
	struct checkpointer	*cp = arg;
	struct timespec		 until;
	int			 log_pages, done, rc;

	pthread_mutex_lock(&cp->lock);
	while (!cp->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += CHECKPOINT_PERIOD_MS / 1000;
		if (cp->pending == 0 || cp->rewind)
			pthread_cond_timedwait(&cp->wake, &cp->lock, &until);
		if (cp->stop)
			break;
		if (cp->rewind)
			continue;	/* the writer's turn */
		cp->pending = 0;
		cp->running = 1;
		pthread_mutex_unlock(&cp->lock);
		rc = sqlite3_wal_checkpoint_v2(cp->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &log_pages, &done);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warnx("checkpoint: %s", sqlite3_errmsg(cp->db));
		pthread_mutex_lock(&cp->lock);
		cp->running = 0;
		if (rc == SQLITE_OK && log_pages > 0)
			cp->count++;
	}
	pthread_mutex_unlock(&cp->lock);
	return (NULL);
}

struct checkpointer *
checkpoint_start(sqlite3 *db, const char *path, int full_sync, char *err,
    size_t errlen)
{
	struct checkpointer	*cp;

	cp = xcalloc(1, sizeof *cp);
	if (sqlite3_open_v2(path, &cp->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(cp->db, full_sync ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: checkpoint connection: %s", path,
		    cp->db != NULL ? sqlite3_errmsg(cp->db) : "cannot open");
		sqlite3_close(cp->db);
		free(cp);
		return (NULL);
	}
	sqlite3_busy_timeout(cp->db, 1000);
	pthread_mutex_init(&cp->lock, NULL);
	pthread_cond_init(&cp->wake, NULL);
	if (pthread_create(&cp->thread, NULL, checkpoint_main, cp) != 0) {
		snprintf(err, errlen, "cannot start the checkpoint thread");
		sqlite3_close(cp->db);
		free(cp);
		return (NULL);
	}
	/* The loop's connection no longer checkpoints by itself. */
	sqlite3_wal_autocheckpoint(db, 0);
	sqlite3_wal_hook(db, checkpoint_hook, cp);
	return (cp);
}

void
checkpoint_stop(struct checkpointer *cp)
{
	if (cp == NULL)
		return;
	pthread_mutex_lock(&cp->lock);
	cp->stop = 1;
	pthread_cond_signal(&cp->wake);
	pthread_mutex_unlock(&cp->lock);
	pthread_join(cp->thread, NULL);
	sqlite3_close(cp->db);
	pthread_mutex_destroy(&cp->lock);
	pthread_cond_destroy(&cp->wake);
	free(cp);
}

uint64_t
checkpoint_count(const struct checkpointer *cp)
{
	return (cp->count);
}
