/*
 * store_internal.h: what the store's files share. store.c opens, migrates
 * and writes; store-read.c reads back and recovers; store-keys.c seals
 * and opens personal data, holds the folder lock and rotates the key.
 */
#ifndef HOTLINE_STORE_INTERNAL_H
#define HOTLINE_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include <sqlite3.h>

#include "buf.h"
#include "crypto.h"
#include "store.h"

struct checkpointer;

/* The columns of a ticket row, in store_row_ticket's order. */
#define TICKET_COLUMNS \
	"id, state, queue, customer, tier, channel, subject, disposition, " \
	"creator, agent, target, priority, boost, step, created_ms, " \
	"enqueued_ms, updated_ms, step_started_ms, offered_ms, accepted_ms, " \
	"resolved_ms, pending_until_ms, attrs, answer_due_ms, resolve_due_ms, " \
	"resolve_used_ms, clock_mark_ms, paused_ms, sla_fired, escalations, " \
	"followup_of, followup, repeat_contact, complaint, complaints, " \
	"csat, work_ms"

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_EVENT,
	ST_TICKET,
	ST_TICKET_STATE,
	ST_CUSTOMER,
	ST_AGENT,
	ST_USER_PUT,
	ST_USER_DEL,
	ST_PRESENCE,
	ST_USER_GET,
	ST_META_SET,
	ST_TICKET_GET,
	ST_HISTORY,
	ST_CUSTOMER_TICKETS,
	ST_FIND_PHONE,
	ST_FACT,
	ST_SESSION_PUT,
	ST_SESSION_DEL,
	ST_SESSION_DEL_USER,
	ST_SESSION_TOUCH,
	ST_SESSION_PURGE,
	ST_SESSION_FIND,
	ST_SESSION_GET,
	ST_COUNT
};

/* A sealed value that does not authenticate: tampered, or not ours. */
#define STORE_TAMPERED	(-2)
#define STORE_TAMPERED_HINT \
	"stored data failed authentication (a tampered or corrupt row; " \
	"restore hotline.db from a backup, or delete the row)"

struct store {
	sqlite3			*db;
	char			*path;
	int			 lock_fd;	/* flock on the data folder */
	struct crypto		*crypto;
	struct crypto		*next;		/* while rotating the key */
	sqlite3_stmt		*stmt[ST_COUNT];
	int64_t			 last_seq;
	int64_t			 txn_seq;	/* last_seq when BEGIN ran */
	struct timeval		 txn_start;
	uint64_t		 txn_events;
	struct buf		 scratch;
	struct store_stats	 stats;
	struct checkpointer	*checkpointer;
};

/* store.c */
int	 store_fail(struct store *, char *err, const char *what);
int	 store_step_done(struct store *, int which, char *err,
	    const char *what);
int	 store_exec(struct store *, const char *sql, char *err);
int64_t	 store_query_int(struct store *, const char *sql, int64_t dflt);
void	 store_bind_text(sqlite3_stmt *, int, const char *);
struct store *store_new(const char *dir, char *err);
int	 store_open_db(struct store *, const char *dir, int full_sync,
	    char *err);

/* store-read.c: a row of TICKET_COLUMNS; of (seq, time_ms, type, ticket,
 * agent, customer, actor, data). 0, -1, or STORE_TAMPERED. */
int	 store_row_ticket(struct store *, sqlite3_stmt *, struct ticket *);
int	 store_row_event(struct store *, sqlite3_stmt *, struct engine_event *,
	    char **data);

/* store-keys.c */
int	 store_functions(struct store *, char *err);
int	 store_lock(struct store *, const char *dir, char *err);
int	 store_read_check(struct store *, uint8_t check[CRYPTO_CHECKBYTES],
	    char *err);
int	 store_scrub(struct store *, char *err);
void	 store_bind_sealed(struct store *, sqlite3_stmt *, int,
	    const char *plain, size_t len, const char *ad);
void	 store_bind_sealed_str(struct store *, sqlite3_stmt *, int,
	    const char *plain, const char *ad);
char	*store_unseal(struct store *, sqlite3_stmt *, int col, const char *ad);

#endif
