/*
 * checkpoint.h: WAL checkpoints on a thread of their own. A checkpoint
 * copies the WAL back into the database and fsyncs it; done by the loop
 * thread, every few dozen commits would stall every client for
 * milliseconds. The thread has its own connection and touches nothing
 * else of the daemon.
 */
#ifndef HOTLINE_CHECKPOINT_H
#define HOTLINE_CHECKPOINT_H

#include <stdint.h>

#include <sqlite3.h>

struct checkpointer;

/* Start for the database at path; db is the loop's connection. */
struct checkpointer	*checkpoint_start(sqlite3 *db, const char *path,
			    int full_sync, char *err, size_t errlen);
void			 checkpoint_stop(struct checkpointer *);
uint64_t		 checkpoint_count(const struct checkpointer *);

#endif
