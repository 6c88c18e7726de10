/*
 * store-ticket.c: the ticket row, made from the one list of its columns
 * (TICKET_FIELDS, store_internal.h): the SQL of the statements that write
 * and read it, the parameters of a row, a row read back, and the check at
 * open that the table and the list agree.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_internal.h"
#include "xmalloc.h"

/* The type each kind of member is declared with in table tickets. */
#define TICKET_TYPE_U64		"INTEGER"
#define TICKET_TYPE_INT		"INTEGER"
#define TICKET_TYPE_MS		"INTEGER"
#define TICKET_TYPE_U32		"INTEGER"
#define TICKET_TYPE_FLAG	"INTEGER"
#define TICKET_TYPE_STATE	"TEXT"
#define TICKET_TYPE_NAME	"TEXT"
#define TICKET_TYPE_STR		"TEXT"
#define TICKET_TYPE_SEALED	"TEXT"
#define TICKET_TYPE_ATTRS	"TEXT"

/* Whether a kind is written with the whole row only (sealed, set once). */
#define TICKET_ONCE_U64		0
#define TICKET_ONCE_INT		0
#define TICKET_ONCE_MS		0
#define TICKET_ONCE_U32		0
#define TICKET_ONCE_FLAG	0
#define TICKET_ONCE_STATE	0
#define TICKET_ONCE_NAME	0
#define TICKET_ONCE_STR		0
#define TICKET_ONCE_SEALED	1
#define TICKET_ONCE_ATTRS	1

struct ticket_column {
	const char	*name;
	const char	*type;
	int		 once;
};

#define TICKET_COLUMN(col, member, kind) \
	{ #col, TICKET_TYPE_##kind, TICKET_ONCE_##kind },
static const struct ticket_column ticket_columns[TICKET_NCOLS] = {
	TICKET_FIELDS(TICKET_COLUMN)
};

/* Append to a statement being made. */
static void __attribute__((format(printf, 2, 3)))
ticket_cat(char **sql, const char *fmt, ...)
{
	va_list	 ap;
	char	*more, *both;

	va_start(ap, fmt);
	xvasprintf(&more, fmt, ap);
	va_end(ap);
	xasprintf(&both, "%s%s", *sql != NULL ? *sql : "", more);
	free(*sql);
	free(more);
	*sql = both;
}

char *
store_ticket_select(const char *tail)
{
	char	*sql = NULL;
	int	 i;

	ticket_cat(&sql, "SELECT ");
	for (i = 0; i < TICKET_NCOLS; i++)
		ticket_cat(&sql, "%s%s", i > 0 ? ", " : "",
		    ticket_columns[i].name);
	ticket_cat(&sql, " FROM tickets %s", tail);
	return (sql);
}

/*
 * The whole row is an upsert, not REPLACE: rows change in place and only
 * the indexes whose columns changed are touched. A transition updates the
 * columns that can change, by the same parameter numbers. NULL for a
 * statement that is not the ticket row's.
 */
char *
store_ticket_sql(int which)
{
	char	*sql = NULL;
	int	 i, n;

	switch (which) {
	case ST_TICKET:
		ticket_cat(&sql, "INSERT INTO tickets(");
		for (i = 0; i < TICKET_NCOLS; i++)
			ticket_cat(&sql, "%s%s", i > 0 ? ", " : "",
			    ticket_columns[i].name);
		ticket_cat(&sql, ") VALUES (");
		for (i = 0; i < TICKET_NCOLS; i++)
			ticket_cat(&sql, "%s?%d", i > 0 ? "," : "", i + 1);
		ticket_cat(&sql, ") ON CONFLICT(id) DO UPDATE SET ");
		for (i = n = 0; i < TICKET_NCOLS; i++)
			if (i != TICKET_COL_id)
				ticket_cat(&sql, "%s%s = excluded.%s",
				    n++ > 0 ? ", " : "",
				    ticket_columns[i].name,
				    ticket_columns[i].name);
		return (sql);
	case ST_TICKET_STATE:
		ticket_cat(&sql, "UPDATE tickets SET ");
		for (i = n = 0; i < TICKET_NCOLS; i++)
			if (i != TICKET_COL_id && !ticket_columns[i].once)
				ticket_cat(&sql, "%s%s = ?%d",
				    n++ > 0 ? ", " : "",
				    ticket_columns[i].name, i + 1);
		ticket_cat(&sql, " WHERE id = ?%d", TICKET_COL_id + 1);
		return (sql);
	case ST_TICKET_GET:
		return (store_ticket_select("WHERE id = ?"));
	case ST_CUSTOMER_TICKETS:
		return (store_ticket_select("WHERE customer = ? "
		    "ORDER BY id DESC LIMIT ?"));
	default:
		return (NULL);
	}
}

static int
ticket_column_find(const char *name)
{
	int	i;

	for (i = 0; i < TICKET_NCOLS; i++)
		if (name != NULL && strcmp(ticket_columns[i].name, name) == 0)
			return (i);
	return (-1);
}

/*
 * The migrations made the table; the list says what is read and written.
 * A column the list lacks would be silently dropped at each write of a
 * row, one the table lacks fails every write: both are a forgotten half
 * of a new field, said here at open rather than found in a lost value.
 */
int
store_ticket_check(struct store *st, char *err)
{
	sqlite3_stmt	*s;
	const char	*name, *type;
	int		 seen[TICKET_NCOLS] = { 0 }, i, rc;

	if (sqlite3_prepare_v2(st->db, "SELECT name, type FROM "
	    "pragma_table_info('tickets')", -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "check tickets"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 0);
		type = (const char *)sqlite3_column_text(s, 1);
		if ((i = ticket_column_find(name)) < 0) {
			snprintf(err, STORE_ERRMAX, "%s: table tickets has "
			    "column %s, which TICKET_FIELDS does not list",
			    st->path, name != NULL ? name : "");
			break;
		}
		if (type == NULL ||
		    strcasecmp(type, ticket_columns[i].type) != 0) {
			snprintf(err, STORE_ERRMAX, "%s: column tickets.%s is "
			    "%s, TICKET_FIELDS says %s", st->path, name,
			    type != NULL ? type : "untyped",
			    ticket_columns[i].type);
			break;
		}
		seen[i] = 1;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return (-1);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "check tickets"));
	for (i = 0; i < TICKET_NCOLS; i++) {
		if (!seen[i]) {
			snprintf(err, STORE_ERRMAX, "%s: TICKET_FIELDS lists "
			    "column %s, which table tickets lacks (a migration "
			    "adding it?)", st->path, ticket_columns[i].name);
			return (-1);
		}
	}
	return (0);
}

/* The associated data a sealed column of ticket id is sealed under. */
static void
ticket_ad(char *ad, size_t len, uint64_t id, const char *col)
{
	snprintf(ad, len, "ticket:%llu:%s", (unsigned long long)id, col);
}

static void
ticket_seal(struct store *st, sqlite3_stmt *s, int i, uint64_t id,
    const char *col, const char *plain)
{
	char	ad[64];

	ticket_ad(ad, sizeof ad, id, col);
	store_bind_sealed_str(st, s, i, plain, ad);
}

static void
ticket_seal_attrs(struct store *st, sqlite3_stmt *s, int i, uint64_t id,
    const char *col, const struct attr *attrs, int n)
{
	char	ad[64];

	ticket_ad(ad, sizeof ad, id, col);
	store_bind_attrs(st, s, i, attrs, n, ad);
}

/*
 * Binding member v of each kind as parameter i, column col, in
 * store_bind_ticket (its st, s, t and whole).
 */
#define TICKET_PUT_U64(i, col, v)	sqlite3_bind_int64(s, i, \
					    (sqlite3_int64)(v))
#define TICKET_PUT_INT(i, col, v)	sqlite3_bind_int(s, i, v)
#define TICKET_PUT_MS(i, col, v)	sqlite3_bind_int64(s, i, v)
#define TICKET_PUT_U32(i, col, v)	sqlite3_bind_int64(s, i, v)
#define TICKET_PUT_FLAG(i, col, v)	sqlite3_bind_int(s, i, v)
#define TICKET_PUT_STATE(i, col, v)	store_bind_text(s, i, \
					    ticket_state_name(v))
#define TICKET_PUT_NAME(i, col, v)	store_bind_text(s, i, v)
#define TICKET_PUT_STR(i, col, v)	store_bind_text(s, i, \
					    (v) != NULL ? (v) : "")
#define TICKET_PUT_SEALED(i, col, v)	if (whole) \
					    ticket_seal(st, s, i, t->id, col, v)
#define TICKET_PUT_ATTRS(i, col, v)	if (whole) \
					    ticket_seal_attrs(st, s, i, t->id, \
					    col, v, t->nattrs)
#define TICKET_PUT(col, member, kind) \
	TICKET_PUT_##kind(TICKET_COL_##col + 1, #col, t->member);

/*
 * The parameters of a row, numbered as TICKET_FIELDS (ST_TICKET and
 * ST_TICKET_STATE share them). The sealed columns are bound for the whole
 * row only: the other statement does not have them.
 */
void
store_bind_ticket(struct store *st, sqlite3_stmt *s, const struct ticket *t,
    int whole)
{
	TICKET_FIELDS(TICKET_PUT)
}

static int
ticket_unseal(struct store *st, sqlite3_stmt *s, int i, uint64_t id,
    const char *col, char **out)
{
	char	ad[64];

	ticket_ad(ad, sizeof ad, id, col);
	if ((*out = store_unseal(st, s, i, ad)) == NULL)
		return (STORE_TAMPERED);
	return (0);
}

static int
ticket_unseal_attrs(struct store *st, sqlite3_stmt *s, int i, uint64_t id,
    const char *col, struct attr **out, int *n)
{
	char	ad[64];

	ticket_ad(ad, sizeof ad, id, col);
	return (store_sealed_attrs(st, s, i, ad, out, n));
}

/*
 * Reading column i (named col) of each kind into member m: 0, -1 (not
 * understood) or STORE_TAMPERED, in store_row_ticket (its st, s and t).
 */
#define TICKET_GET_U64(i, col, m)	((m) = (uint64_t) \
					    sqlite3_column_int64(s, i), 0)
#define TICKET_GET_INT(i, col, m)	((m) = sqlite3_column_int(s, i), 0)
#define TICKET_GET_MS(i, col, m)	((m) = sqlite3_column_int64(s, i), 0)
#define TICKET_GET_U32(i, col, m)	((m) = (uint32_t) \
					    sqlite3_column_int64(s, i), 0)
#define TICKET_GET_FLAG(i, col, m)	((m) = sqlite3_column_int(s, i) != 0, \
					    0)
#define TICKET_GET_STATE(i, col, m)	ticket_state_parse((const char *) \
					    sqlite3_column_text(s, i), &(m))
#define TICKET_GET_NAME(i, col, m)	(store_copy(m, sizeof m, s, i), 0)
#define TICKET_GET_STR(i, col, m)	((m) = store_dup(s, i), 0)
#define TICKET_GET_SEALED(i, col, m)	ticket_unseal(st, s, i, t->id, col, \
					    &(m))
#define TICKET_GET_ATTRS(i, col, m)	ticket_unseal_attrs(st, s, i, t->id, \
					    col, &(m), &t->nattrs)
#define TICKET_GET(col, member, kind) \
	if (rc == 0 && (rc = TICKET_GET_##kind(TICKET_COL_##col, #col, \
	    t->member)) != 0) \
		field = #col;

/*
 * A row selected as store_ticket_select does. 0; -1 for a column not
 * understood; STORE_TAMPERED when a sealed column does not authenticate.
 * Both are logged, naming the row and the column. On error t holds
 * nothing to free.
 */
int
store_row_ticket(struct store *st, sqlite3_stmt *s, struct ticket *t)
{
	const char	*field = "", *v;
	int		 rc = 0, i;

	memset(t, 0, sizeof *t);
	/* First: the sealed columns are sealed under it. */
	t->id = (uint64_t)sqlite3_column_int64(s, TICKET_COL_id);
	TICKET_FIELDS(TICKET_GET)
	if (rc == 0)
		return (0);
	if (rc == STORE_TAMPERED)
		log_warnx("store: ticket %llu: %s failed authentication (a "
		    "tampered or corrupt row in table tickets of %s)",
		    (unsigned long long)t->id, field, st->path);
	else {
		/* The value said when it is text (a sealed one is not). */
		i = ticket_column_find(field);
		v = sqlite3_column_type(s, i) == SQLITE_TEXT ?
		    (const char *)sqlite3_column_text(s, i) : "";
		log_warnx("store: ticket %llu: %s '%.32s' not understood (a "
		    "corrupt row in table tickets of %s)",
		    (unsigned long long)t->id, field, v, st->path);
	}
	store_ticket_free(t);
	return (rc);
}

void
store_ticket_free(struct ticket *t)
{
	free(t->subject);
	free(t->disposition);
	store_free_attrs(t->attrs, t->nattrs);
	t->subject = t->disposition = NULL;
	t->attrs = NULL;
	t->nattrs = 0;
}
