/*
 * store_internal.h: what the store's files share. store.c opens, commits
 * and writes events, tickets and customers; store-schema.c migrates;
 * store-row.c makes the ticket and customer rows from their lists;
 * store-users.c writes users and presence; store-read.c reads back and
 * recovers; store-keys.c seals and opens personal data, holds the folder
 * lock and rotates the key.
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

/*
 * The ticket row, a line a column: X(column, member of struct ticket, kind).
 * store-row.c makes from this list the statements that write and read
 * the row, their parameter and column numbers, and the check at open that
 * table tickets has these columns and no other. A new ticket field is a
 * line here and a migration adding its column (store-schema.c); nothing
 * else is numbered or listed by hand. Kinds, by how the member is kept:
 *	U64	uint64_t		INT	int
 *	MS	hl_ms			U32	uint32_t
 *	FLAG	uint8_t, 0 or 1		STATE	enum ticket_state, by name
 *	SEGMENT	enum segment, by name	NAME	char array
 *	STR	char *, never NULL	SEALED	char *, sealed
 *	ATTRS	struct attr * and nattrs, sealed
 * SEALED and ATTRS hold personal data, sealed under "ticket:<id>:<column>"
 * and written with the whole row only: they never change after creation.
 */
#define TICKET_FIELDS(X) \
	X(id,			id,		U64)	\
	X(state,		state,		STATE)	\
	X(queue,		queue,		NAME)	\
	X(customer,		customer,	NAME)	\
	X(tier,			tier,		NAME)	\
	X(channel,		channel,	NAME)	\
	X(subject,		subject,	SEALED)	\
	X(disposition,		disposition,	STR)	\
	X(creator,		creator,	NAME)	\
	X(agent,		agent,		NAME)	\
	X(target,		target,		NAME)	\
	X(priority,		priority,	INT)	\
	X(boost,		boost,		INT)	\
	X(step,			step,		INT)	\
	X(created_ms,		created,	MS)	\
	X(enqueued_ms,		enqueued,	MS)	\
	X(updated_ms,		updated,	MS)	\
	X(step_started_ms,	step_started,	MS)	\
	X(offered_ms,		offered_at,	MS)	\
	X(accepted_ms,		accepted_at,	MS)	\
	X(resolved_ms,		resolved_at,	MS)	\
	X(pending_until_ms,	pending_until,	MS)	\
	X(attrs,		attrs,		ATTRS)	\
	X(answer_due_ms,	answer_due,	MS)	\
	X(resolve_due_ms,	resolve_due,	MS)	\
	X(resolve_used_ms,	resolve_used,	MS)	\
	X(clock_mark_ms,	clock_mark,	MS)	\
	X(paused_ms,		paused,		MS)	\
	X(sla_fired,		sla_fired,	U32)	\
	X(escalations,		escalations,	INT)	\
	X(followup_of,		followup_of,	U64)	\
	X(followup,		followup,	U64)	\
	X(repeat_contact,	repeat_contact,	FLAG)	\
	X(complaint,		complaint,	FLAG)	\
	X(complaints,		complaints,	INT)	\
	X(csat,			csat,		INT)	\
	X(work_ms,		work,		MS)

/* Column numbers of a ticket row as selected (0-based); the statements'
 * parameter numbers are these plus one. */
#define TICKET_COL_ENUM(col, member, kind)	TICKET_COL_##col,
enum { TICKET_FIELDS(TICKET_COL_ENUM) TICKET_NCOLS };

/*
 * The customer row, the same way (struct customer; sealed columns under
 * "customer:<id>:<column>"). Its column phone_index, the blind index of
 * the phone, is not a member: it is written beside the list, as the
 * parameter after it, and found through ST_FIND_PHONE.
 */
#define CUSTOMER_FIELDS(X) \
	X(id,			id,		NAME)	\
	X(name,			name,		SEALED)	\
	X(phone,		phone,		SEALED)	\
	X(tier,			tier,		NAME)	\
	X(segment,		segment,	SEGMENT) \
	X(manager,		manager,	NAME)	\
	X(attrs,		attrs,		ATTRS)	\
	X(created_ms,		created,	MS)	\
	X(updated_ms,		updated,	MS)

#define CUSTOMER_COL_ENUM(col, member, kind)	CUSTOMER_COL_##col,
enum { CUSTOMER_FIELDS(CUSTOMER_COL_ENUM) CUSTOMER_NCOLS };

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

/* store-schema.c: migrate to this hotlined's schema. */
int	 store_migrate(struct store *, char *err);

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

void	 store_bind_attrs(struct store *, sqlite3_stmt *, int,
	    const struct attr *, int n, const char *ad);

/* store-row.c: the ticket and customer rows, from their lists. The SQL of
 * ST_TICKET, ST_TICKET_STATE, ST_TICKET_GET, ST_CUSTOMER_TICKETS and
 * ST_CUSTOMER (NULL for another); the check of both tables; "SELECT <the
 * row> FROM <table> <tail>" (free it); the parameters of a row (whole:
 * with its sealed columns, for ST_TICKET; else for ST_TICKET_STATE); a
 * row read back: 0, -1, or STORE_TAMPERED, logged. */
char	*store_row_sql(int which);
int	 store_row_check(struct store *, char *err);
char	*store_ticket_select(const char *tail);
char	*store_customer_select(const char *tail);
void	 store_bind_ticket(struct store *, sqlite3_stmt *,
	    const struct ticket *, int whole);
void	 store_bind_customer(struct store *, sqlite3_stmt *,
	    const struct customer *);
int	 store_row_ticket(struct store *, sqlite3_stmt *, struct ticket *);
int	 store_row_customer(struct store *, sqlite3_stmt *,
	    struct customer *);
void	 store_customer_free(struct customer *);

/* store-read.c: text columns copied or duplicated ("" for NULL); sealed
 * attributes (0, -1, or STORE_TAMPERED) and their release; a row of
 * (seq, time_ms, type, ticket, agent, customer, actor, data). */
void	 store_copy(char *dst, size_t len, sqlite3_stmt *, int col);
char	*store_dup(sqlite3_stmt *, int col);
int	 store_sealed_attrs(struct store *, sqlite3_stmt *, int col,
	    const char *ad, struct attr **, int *n);
void	 store_free_attrs(struct attr *, int n);
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
