/*
 * store.h: the SQLite journal and state tables. Every change is an event
 * appended to `events`; the current row of each ticket, customer and user
 * is written beside it in the same transaction. Personal data (customer
 * name, phone, attributes; ticket subject, attributes; every event's data)
 * is sealed on the way in and opened on the way out, under the key file
 * <dir>/hotline.key (crypto.h): callers only ever see plaintext.
 */
#ifndef HOTLINE_STORE_H
#define HOTLINE_STORE_H

#include <stdint.h>

#include "engine.h"

#define STORE_ERRMAX	512
#define STORE_SCHEMA_VERSION	8

struct buf;
struct store;
struct sqlite3;

struct store_user {
	char	name[ENGINE_NAME_MAX];
	char	hash[256];
	int	role;
};

/*
 * Open (creating and migrating) <dir>/hotline.db with the key in
 * <dir>/hotline.key, created with mode 0600 for a new database or one
 * still in plaintext (encrypted in place by the migration). Refused: a key
 * file open to group or others, a key that is not the database's, a folder
 * that another process holds (each store takes an exclusive lock on it).
 */
struct store	*store_open(const char *dir, int full_sync, char *err);
void		 store_close(struct store *);
const char	*store_path(const struct store *);

/* Attributes as the attrs column and the export hold them: a JSON object. */
const char	*store_attrs_json(struct buf *, const struct attr *, int n);

int	store_begin(struct store *, char *err);
int	store_commit(struct store *, char *err);
void	store_rollback(struct store *);

/* Within a transaction. seq is assigned by the caller (store_last_seq+1). */
int	store_append_event(struct store *, int64_t seq,
	    const struct engine_event *, char *err);
/* whole: the row with its sealed subject and attributes (a new ticket);
 * else only what changes (a row not found is written whole). */
int	store_put_ticket(struct store *, const struct ticket *, int whole,
	    char *err);
int	store_put_customer(struct store *, const struct customer *, char *err);
int	store_put_agent(struct store *, const struct agent *, char *err);
/* An agent's presence (status, reason, wrap-up end, spell) as the batch
 * being committed left it, in its user row: written only when what a
 * restart cannot rebuild changed (not its offer, nor busy/available). */
int	store_put_presence(struct store *, const char *name,
	    const struct agent_presence *, char *err);
/* demo: the password is name-demo (1), is not (0), not known (-1). */
int	store_put_user(struct store *, const char *name, const char *hash,
	    int role, int demo, hl_ms now, char *err);
int	store_del_user(struct store *, const char *name, char *err);
/* Raise the floor of ticket ids (before deleting the newest tickets). */
int	store_set_next_id(struct store *, uint64_t, char *err);
/* The report fact an event carries (ev->fact), beside it (store-facts.c). */
int	store_append_fact(struct store *, int64_t seq,
	    const struct engine_event *, char *err);

int64_t	 store_last_seq(const struct store *);
/* The next ticket id: above every ticket row and the floor. */
uint64_t store_next_id(struct store *);

/* Reads of committed data. */
int	store_get_user(struct store *, const char *name, struct store_user *);
int	store_count_users(struct store *);
/* Users whose password is, or may be, the demo one (flag 1 or -1). */
int	store_users_maybe_demo(struct store *,
	    void (*fn)(const char *name, const char *hash, int demo, void *),
	    void *arg, char *err);
/* What a check learnt of that hash (in a transaction of the caller's). */
int	store_set_user_demo(struct store *, const char *name,
	    const char *hash, int demo, char *err);
/*
 * Session tokens (store-sessions.c). A row keeps the keyed hash of its
 * token, never the token (daemon/security/session.c).
 */
#define STORE_SESSION_KEYBYTES	32
#define STORE_SESSION_HASHBYTES	32
#define STORE_SESSION_IDLEN	16

struct store_session {
	char	id[STORE_SESSION_IDLEN + 1];
	uint8_t	hash[STORE_SESSION_HASHBYTES];
	char	user[ENGINE_NAME_MAX];
	hl_ms	created, expires, used;
	char	client[128];
};

/* The database's key for token hashes, made on first use. */
int	store_session_secret(struct store *,
	    uint8_t key[STORE_SESSION_KEYBYTES], char *err);
/* Writes, within a transaction (the journal's). */
int	store_session_put(struct store *, const struct store_session *,
	    char *err);
int	store_session_del(struct store *, const char *id, char *err);
int	store_session_del_user(struct store *, const char *user, char *err);
int	store_session_touch(struct store *, const char *id, hl_ms now,
	    char *err);
int	store_session_purge(struct store *, hl_ms now, char *err);
/* Reads of committed rows: 1 found, 0 not. */
int	store_session_find(struct store *,
	    const uint8_t hash[STORE_SESSION_HASHBYTES], struct store_session *);
int	store_session_get(struct store *, const char *id,
	    struct store_session *);
/* The user's live sessions (expiring after now), oldest first. */
int	store_session_list(struct store *, const char *user, hl_ms now,
	    void (*fn)(const struct store_session *, void *), void *arg,
	    char *err);
/* Load every open ticket, customer and agent into the engine. */
int	store_load(struct store *, struct engine *, char *err);
/*
 * After a restart, before engine_restore_done: every agent whose row says
 * it was not offline, or to whom a ticket row is offered, comes back in
 * that status with that offer, detached, its grace counted from now
 * (engine_restore_presence_restart); busy or available then follows its
 * tickets (engine_restore_done). Skipped by callers when reconnect_grace
 * is 0. The number of agents put back, or -1.
 */
long	store_load_presence(struct store *, struct engine *, hl_ms now,
	    hl_ms grace, char *err);
/*
 * Then the customer insight, from every ticket kept (closed ones too):
 * complaint counts, and each customer's latest ticket opened after
 * `since` (now minus the repeat window) with its repeat flag.
 */
int	store_load_insight(struct store *, struct engine *, hl_ms since,
	    char *err);
/* A ticket no longer in memory (closed, abandoned): 1 found, 0 not, -1 err
 * ("stored data for ticket N failed authentication" when tampered with). */
int	store_get_ticket(struct store *, uint64_t, struct ticket *, char *err);
void	store_ticket_free(struct ticket *);
/* Events of one ticket in order. */
int	store_ticket_history(struct store *, uint64_t,
	    void (*fn)(int64_t seq, const struct engine_event *, void *),
	    void *arg, char *err);
/* Events whose type starts with a prefix, newest first, at most limit. */
int	store_events_by_type(struct store *, const char *prefix, int limit,
	    void (*fn)(int64_t seq, const struct engine_event *, void *),
	    void *arg, char *err);
/* The customer's most recent tickets, newest first. */
int	store_customer_tickets(struct store *, const char *customer, int limit,
	    void (*fn)(const struct ticket *, void *), void *arg, char *err);

/* The customer whose phone matches (digits and a leading '+' compared),
 * through the blind index: 1 found (its id), 0 none, -1 err. Committed
 * rows only, each confirmed against the engine's live customer. */
int	store_find_phone(struct store *, const struct engine *,
	    const char *phone, char id[ENGINE_NAME_MAX], char *err);

/* QUEUE STATS after a restart: service-level facts since `since`. */
int	store_load_sl(struct store *, struct engine *, hl_ms since, char *err);

/* Retention: one batch, in its own transaction (store-facts.c). */
struct store_pruned {
	uint64_t	tickets;
	uint64_t	events;
	uint64_t	facts;
	int		more;		/* a full batch: more may be due */
};
int	store_prune(struct store *, hl_ms cutoff, int batch,
	    struct store_pruned *, char *err);
/* Reports are complete from this time on (0: the whole journal). */
hl_ms	store_data_from(struct store *);
hl_ms	store_facts_from(struct sqlite3 *);

/* Read-only, beside a running daemon (store-export.c): no lock, the key
 * file (NULL: <dir>/hotline.key) checked against the database. */
struct store	*store_open_readonly(const char *dir, const char *keyfile,
		    char *err);
/* Tickets created in [from, to) by id; events of [from, to) by seq. A
 * callback returning non-zero stops with an error; a row that cannot be
 * read (tampered, corrupt) is logged, skipped and counted in *skipped. */
int	store_export_tickets(struct store *, hl_ms from, hl_ms to,
	    int (*fn)(const struct ticket *, void *), void *arg,
	    uint64_t *skipped, char *err);
int	store_export_events(struct store *, hl_ms from, hl_ms to,
	    int (*fn)(int64_t, const struct engine_event *, void *), void *arg,
	    uint64_t *skipped, char *err);

/* Offline: re-encrypt everything under a new key, which replaces
 * <dir>/hotline.key. Refused while a daemon holds the folder. */
int	store_rotate_key(const char *dir, char *err);

/* Counters for INFO persistence. */
struct store_stats {
	uint64_t	commits;
	uint64_t	commit_failures;
	uint64_t	events_written;
	uint64_t	last_commit_usec;
	uint64_t	last_commit_events;
};
const struct store_stats *store_stats(const struct store *);
/* WAL checkpoints done by the checkpoint thread. */
uint64_t	 store_checkpoints(const struct store *);

#endif
