/*
 * store-read.c: committed data back out of the store: closed tickets,
 * histories, a customer's tickets, the phone index, and the recovery of
 * every open ticket, customer and agent into a fresh engine. Sealed
 * values that do not authenticate are reported, never returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config.h"
#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_internal.h"
#include "xmalloc.h"

void
store_copy(char *dst, size_t len, sqlite3_stmt *s, int col)
{
	const char	*v = (const char *)sqlite3_column_text(s, col);

	snprintf(dst, len, "%s", v != NULL ? v : "");
}

char *
store_dup(sqlite3_stmt *s, int col)
{
	const char	*v = (const char *)sqlite3_column_text(s, col);

	return (xstrdup(v != NULL ? v : ""));
}

/* Attributes are a flat JSON object of strings; json_each reads them. */
static int
store_attrs(struct store *st, const char *text, struct attr **out, int *n)
{
	sqlite3_stmt	*j;
	struct attr	*a;

	*out = NULL;
	*n = 0;
	if (text == NULL || *text == '\0')
		return (0);
	if (sqlite3_prepare_v2(st->db, "SELECT key, value FROM json_each(?)",
	    -1, &j, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(j, 1, text, -1, SQLITE_STATIC);
	while (sqlite3_step(j) == SQLITE_ROW) {
		a = xreallocarray(*out, (size_t)*n + 1, sizeof *a);
		*out = a;
		a[*n].key = store_dup(j, 0);
		a[*n].value = store_dup(j, 1);
		(*n)++;
	}
	sqlite3_finalize(j);
	return (0);
}

/* Sealed attributes of a row: 0, -1, or STORE_TAMPERED. */
int
store_sealed_attrs(struct store *st, sqlite3_stmt *s, int col, const char *ad,
    struct attr **out, int *n)
{
	char	*text;
	int	 rc;

	*out = NULL;
	*n = 0;
	if ((text = store_unseal(st, s, col, ad)) == NULL)
		return (STORE_TAMPERED);
	rc = store_attrs(st, text, out, n);
	free(text);
	return (rc);
}

void
store_free_attrs(struct attr *a, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		free(a[i].key);
		free(a[i].value);
	}
	free(a);
}

static void
store_err_tampered(char *err, uint64_t ticket)
{
	snprintf(err, STORE_ERRMAX, "stored data for ticket %llu failed "
	    "authentication", (unsigned long long)ticket);
}

int
store_get_ticket(struct store *st, uint64_t id, struct ticket *t, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_TICKET_GET];
	int		 rc, found = 0;

	sqlite3_bind_int64(s, 1, (sqlite3_int64)id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = store_row_ticket(st, s, t);
		found = rc == 0 ? 1 : -1;
		if (rc == STORE_TAMPERED)
			store_err_tampered(err, id);
		else if (rc != 0)
			snprintf(err, STORE_ERRMAX, "ticket %llu: bad row",
			    (unsigned long long)id);
	} else if (rc != SQLITE_DONE)
		found = store_fail(st, err, "read ticket");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (found);
}

/*
 * A row (seq, time_ms, type, ticket, agent, customer, actor, data) as an
 * event, its data unsealed into *data (the caller frees it), or
 * STORE_TAMPERED, logged.
 */
int
store_row_event(struct store *st, sqlite3_stmt *s, struct engine_event *ev,
    char **data)
{
	int64_t	seq = sqlite3_column_int64(s, 0);
	char	ad[64];

	memset(ev, 0, sizeof *ev);	/* no flags, queue, row nor fact */
	ev->time = sqlite3_column_int64(s, 1);
	ev->type = (const char *)sqlite3_column_text(s, 2);
	ev->kind = event_type_parse(ev->type);
	ev->ticket = (uint64_t)sqlite3_column_int64(s, 3);
	ev->agent = (const char *)sqlite3_column_text(s, 4);
	ev->customer = (const char *)sqlite3_column_text(s, 5);
	ev->actor = (const char *)sqlite3_column_text(s, 6);
	snprintf(ad, sizeof ad, "event:%lld", (long long)seq);
	if ((*data = store_unseal(st, s, 7, ad)) == NULL) {
		log_warnx("store: event %lld (ticket %llu): data failed "
		    "authentication (a tampered or corrupt row in table events "
		    "of %s)", (long long)seq, (unsigned long long)ev->ticket,
		    st->path);
		return (STORE_TAMPERED);
	}
	ev->data = *data;
	return (0);
}

int
store_ticket_history(struct store *st, uint64_t id,
    void (*fn)(int64_t, const struct engine_event *, void *), void *arg,
    char *err)
{
	sqlite3_stmt		*s = st->stmt[ST_HISTORY];
	struct engine_event	 ev;
	char			*data;
	int			 rc;

	sqlite3_bind_int64(s, 1, (sqlite3_int64)id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (store_row_event(st, s, &ev, &data) != 0)
			break;
		fn(sqlite3_column_int64(s, 0), &ev, arg);
		free(data);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW) {
		store_err_tampered(err, id);
		return (-1);
	}
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "read history"));
	return (0);
}

/* Events whose type starts with prefix, newest first (AUDIT). */
int
store_events_by_type(struct store *st, const char *prefix, int limit,
    void (*fn)(int64_t, const struct engine_event *, void *), void *arg,
    char *err)
{
	sqlite3_stmt		*s;
	struct engine_event	 ev;
	char			 hi[128], *data;
	int			 rc;

	/* A range on type uses no index but stays a plain scan of recent
	 * rows from the end of the journal, stopping at LIMIT. */
	if (sqlite3_prepare_v2(st->db, "SELECT seq, time_ms, type, ticket, "
	    "agent, customer, actor, data FROM events WHERE type >= ? AND "
	    "type < ? ORDER BY seq DESC LIMIT ?", -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "read events"));
	snprintf(hi, sizeof hi, "%s\x7f", prefix);
	sqlite3_bind_text(s, 1, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (store_row_event(st, s, &ev, &data) != 0) {
			snprintf(err, STORE_ERRMAX, "stored data of event %lld "
			    "failed authentication",
			    (long long)sqlite3_column_int64(s, 0));
			sqlite3_finalize(s);
			return (-1);
		}
		fn(sqlite3_column_int64(s, 0), &ev, arg);
		free(data);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "read events"));
	return (0);
}

int
store_customer_tickets(struct store *st, const char *customer, int limit,
    void (*fn)(const struct ticket *, void *), void *arg, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_CUSTOMER_TICKETS];
	struct ticket	 t;
	uint64_t	 bad = 0;
	int		 rc;

	store_bind_text(s, 1, customer);
	sqlite3_bind_int(s, 2, limit);
	/* A row that fails is left out (and logged); the others still show. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (store_row_ticket(st, s, &t) == 0)
			fn(&t, arg);
		else
			bad = (uint64_t)sqlite3_column_int64(s, 0);
		store_ticket_free(&t);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "read customer tickets"));
	if (bad != 0) {
		store_err_tampered(err, bad);
		return (-1);
	}
	return (0);
}

/*
 * The committed index finds the candidates; the engine's live row confirms
 * each (a phone changed since the last commit no longer matches). The
 * most recently updated wins when several customers share a number.
 */
int
store_find_phone(struct store *st, const struct engine *e, const char *phone,
    char id[ENGINE_NAME_MAX], char *err)
{
	sqlite3_stmt		*s = st->stmt[ST_FIND_PHONE];
	const struct customer	*c;
	uint8_t			 idx[CRYPTO_BLINDBYTES], live[CRYPTO_BLINDBYTES];
	int			 rc = SQLITE_DONE, found = 0;

	if (crypto_blind_phone(st->crypto, phone, idx) != 0)
		return (0);
	sqlite3_bind_blob(s, 1, idx, sizeof idx, SQLITE_STATIC);
	while (!found && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		c = engine_customer_get(e, (const char *)sqlite3_column_text(s,
		    0));
		if (c != NULL && crypto_blind_phone(st->crypto, c->phone,
		    live) == 0 && memcmp(live, idx, sizeof idx) == 0) {
			snprintf(id, ENGINE_NAME_MAX, "%s", c->id);
			found = 1;
		}
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (!found && rc != SQLITE_DONE)
		return (store_fail(st, err, "find phone"));
	return (found);
}

static int
store_load_tickets(struct store *st, struct engine *e, char *err)
{
	sqlite3_stmt	*s;
	struct ticket	 t;
	char		*sql;
	int		 rc;
	size_t		 n = 0;

	sql = store_ticket_select("WHERE state NOT IN ('closed', "
	    "'abandoned') ORDER BY id");
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return (store_fail(st, err, "load tickets"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = store_row_ticket(st, s, &t)) == STORE_TAMPERED) {
			snprintf(err, STORE_ERRMAX, "ticket %llu: %s",
			    (unsigned long long)t.id, STORE_TAMPERED_HINT);
			sqlite3_finalize(s);
			return (-1);
		}
		if (rc != 0 || engine_restore_ticket(e, &t) != 0) {
			snprintf(err, STORE_ERRMAX, "ticket %llu: cannot "
			    "restore", (unsigned long long)t.id);
			store_ticket_free(&t);
			sqlite3_finalize(s);
			return (-1);
		}
		store_ticket_free(&t);
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "load tickets"));
	log_info("store: loaded %zu open tickets", n);
	return (0);
}

static int
store_load_customers(struct store *st, struct engine *e, char *err)
{
	sqlite3_stmt	*s;
	struct customer	 c;
	char		*sql;
	int		 rc;

	sql = store_customer_select("");
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return (store_fail(st, err, "load customers"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = store_row_customer(st, s, &c)) != 0) {
			snprintf(err, STORE_ERRMAX, "customer %s: %s", c.id,
			    rc == STORE_TAMPERED ? STORE_TAMPERED_HINT :
			    "a corrupt row");
			sqlite3_finalize(s);
			return (-1);
		}
		rc = engine_restore_customer(e, &c);
		store_customer_free(&c);
		if (rc != 0) {
			snprintf(err, STORE_ERRMAX, "customer %s: cannot "
			    "restore", c.id);
			sqlite3_finalize(s);
			return (-1);
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "load customers"));
	return (0);
}

static int
store_load_agents(struct store *st, struct engine *e, char *err)
{
	sqlite3_stmt	*s;
	struct agent	 a;
	const char	*text;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT name, role, skills, groups, "
	    "capacity FROM users WHERE role IN ('agent', 'supervisor')", -1,
	    &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "load agents"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&a, 0, sizeof a);
		store_copy(a.name, sizeof a.name, s, 0);
		a.role = role_parse((const char *)sqlite3_column_text(s, 1));
		text = (const char *)sqlite3_column_text(s, 2);
		if (text != NULL && config_parse_skills(text, a.skills,
		    ENGINE_MAX_SKILLS, &a.nskills) != 0)
			a.nskills = 0;
		text = (const char *)sqlite3_column_text(s, 3);
		if (text != NULL && config_parse_groups(text, a.groups,
		    ENGINE_MAX_GROUPS, &a.ngroups) != 0)
			a.ngroups = 0;
		a.capacity = sqlite3_column_int(s, 4);
		if (a.capacity < 1)
			a.capacity = 1;
		a.status = AGENT_OFFLINE;
		if (engine_restore_agent(e, &a) != 0) {
			snprintf(err, STORE_ERRMAX, "agent %s: cannot restore",
			    a.name);
			sqlite3_finalize(s);
			return (-1);
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "load agents"));
	return (0);
}

/*
 * Closed tickets are not in memory, so what the engine knows of a
 * customer's complaints and last contact comes from the tables: the
 * complaint tickets through their partial index, the contacts from the
 * journal's time index (ticket.created events since the window began,
 * follow-ups left out), oldest first so the latest wins.
 */
int
store_load_insight(struct store *st, struct engine *e, hl_ms since,
    char *err)
{
	sqlite3_stmt	*s;
	size_t		 n = 0, m = 0;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT customer, count(*) FROM "
	    "tickets WHERE complaint = 1 GROUP BY customer", -1, &s,
	    NULL) != SQLITE_OK)
		return (store_fail(st, err, "load complaints"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (engine_restore_complaints(e, (const char *)
		    sqlite3_column_text(s, 0), sqlite3_column_int(s, 1)) == 0)
			n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "load complaints"));
	if (sqlite3_prepare_v2(st->db, "SELECT t.customer, t.created_ms, "
	    "t.repeat_contact FROM events e JOIN tickets t ON t.id = e.ticket "
	    "WHERE e.time_ms >= ? AND e.type = 'ticket.created' AND "
	    "t.followup_of = 0 ORDER BY t.created_ms, t.id", -1, &s,
	    NULL) != SQLITE_OK)
		return (store_fail(st, err, "load contacts"));
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (engine_restore_contact(e, (const char *)
		    sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1),
		    sqlite3_column_int(s, 2)) == 0)
			m++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "load contacts"));
	log_info("store: insight: %zu customers with complaints, %zu recent "
	    "contacts", n, m);
	return (0);
}

int
store_load(struct store *st, struct engine *e, char *err)
{
	if (store_load_agents(st, e, err) != 0 ||
	    store_load_customers(st, e, err) != 0 ||
	    store_load_tickets(st, e, err) != 0)
		return (-1);
	engine_set_next_id(e, store_next_id(st));
	return (0);
}

static int
store_status_parse(const char *s, enum agent_status *st)
{
	int	i;

	for (i = AGENT_OFFLINE; i <= AGENT_BREAK; i++) {
		if (s != NULL && strcmp(s, agent_status_name(i)) == 0) {
			*st = (enum agent_status)i;
			return (0);
		}
	}
	return (-1);
}

long
store_load_presence(struct store *st, struct engine *e, hl_ms now,
    hl_ms grace, char *err)
{
	struct agent_presence	 p;
	const struct agent	*a;
	sqlite3_stmt		*s;
	char			 name[ENGINE_NAME_MAX];
	long			 n = 0;
	int			 rc;

	/* The offer each agent holds is the ticket offered to it: that row is
	 * written by every commit that offers or takes back (the presence row
	 * is not, store_put_presence). The condition on state repeated lets
	 * the partial index of open tickets serve. */
	if (sqlite3_prepare_v2(st->db, "SELECT u.name, u.status, "
	    "u.status_base, u.status_reason, u.status_since_ms, "
	    "u.idle_since_ms, u.wrapup_until_ms, coalesce(o.id, 0), u.missed, "
	    "u.spell, u.spell_reason, u.spell_since_ms FROM users u "
	    "LEFT JOIN (SELECT agent, max(id) AS id FROM tickets WHERE "
	    "state NOT IN ('closed', 'abandoned') AND state = 'offered' "
	    "GROUP BY agent) o ON o.agent = u.name "
	    "WHERE u.role IN ('agent', 'supervisor') AND "
	    "(u.status_base != 'offline' OR o.id IS NOT NULL)", -1, &s,
	    NULL) != SQLITE_OK)
		return (store_fail(st, err, "load presence"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&p, 0, sizeof p);
		store_copy(name, sizeof name, s, 0);
		if ((a = engine_agent_get(e, name)) == NULL ||
		    store_status_parse((const char *)sqlite3_column_text(s, 1),
		    &p.status) != 0 ||
		    store_status_parse((const char *)sqlite3_column_text(s, 2),
		    &p.base) != 0 ||
		    store_status_parse((const char *)sqlite3_column_text(s, 9),
		    &p.spell) != 0) {
			log_warnx("store: agent %s: presence row not "
			    "understood, the agent starts offline", name);
			continue;
		}
		store_copy(p.reason, sizeof p.reason, s, 3);
		p.status_since = sqlite3_column_int64(s, 4);
		p.idle_since = sqlite3_column_int64(s, 5);
		p.wrapup_until = sqlite3_column_int64(s, 6);
		p.offer = (uint64_t)sqlite3_column_int64(s, 7);
		p.missed = sqlite3_column_int(s, 8);
		store_copy(p.spell_reason, sizeof p.spell_reason, s, 10);
		p.spell_since = sqlite3_column_int64(s, 11);
		/* Counters since start: the row does not hold them. */
		p.handled = a->handled;
		p.offered_total = a->offered_total;
		if (engine_restore_presence_restart(e, now, name, &p,
		    grace) == 0)
			n++;
		else
			log_warnx("store: agent %s: presence not restored, "
			    "the agent starts offline", name);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "load presence"));
	return (n);
}
