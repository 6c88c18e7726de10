/*
 * store-row.c: the ticket and customer rows, each made from the one list
 * of its columns (TICKET_FIELDS, CUSTOMER_FIELDS in store_internal.h):
 * the SQL of the statements that write and read it, the parameters of a
 * row, a row read back, and the check at open that the tables and the
 * lists agree.
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

/* The type each kind of member is declared with in its table. */
#define ROW_TYPE_U64		"INTEGER"
#define ROW_TYPE_INT		"INTEGER"
#define ROW_TYPE_MS		"INTEGER"
#define ROW_TYPE_U32		"INTEGER"
#define ROW_TYPE_FLAG		"INTEGER"
#define ROW_TYPE_STATE		"TEXT"
#define ROW_TYPE_SEGMENT	"TEXT"
#define ROW_TYPE_NAME		"TEXT"
#define ROW_TYPE_STR		"TEXT"
#define ROW_TYPE_SEALED		"TEXT"
#define ROW_TYPE_ATTRS		"TEXT"

/* Whether a kind is written with the whole row only (sealed, set once). */
#define ROW_ONCE_U64		0
#define ROW_ONCE_INT		0
#define ROW_ONCE_MS		0
#define ROW_ONCE_U32		0
#define ROW_ONCE_FLAG		0
#define ROW_ONCE_STATE		0
#define ROW_ONCE_SEGMENT	0
#define ROW_ONCE_NAME		0
#define ROW_ONCE_STR		0
#define ROW_ONCE_SEALED		1
#define ROW_ONCE_ATTRS		1

struct row_column {
	const char	*name;
	const char	*type;
	int		 once;
};

#define ROW_COLUMN(col, member, kind) \
	{ #col, ROW_TYPE_##kind, ROW_ONCE_##kind },
static const struct row_column ticket_columns[TICKET_NCOLS] = {
	TICKET_FIELDS(ROW_COLUMN)
};
static const struct row_column customer_columns[CUSTOMER_NCOLS] = {
	CUSTOMER_FIELDS(ROW_COLUMN)
};

/* Append to a statement being made. */
static void __attribute__((format(printf, 2, 3)))
row_cat(char **sql, const char *fmt, ...)
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

/* "a, b, c": the names of n columns. */
static void
row_names(char **sql, const struct row_column *cols, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		row_cat(sql, "%s%s", i > 0 ? ", " : "", cols[i].name);
}

/* "?1,?2,...": n parameters. */
static void
row_params(char **sql, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		row_cat(sql, "%s?%d", i > 0 ? "," : "", i + 1);
}

char *
store_ticket_select(const char *tail)
{
	char	*sql = NULL;

	row_cat(&sql, "SELECT ");
	row_names(&sql, ticket_columns, TICKET_NCOLS);
	row_cat(&sql, " FROM tickets %s", tail);
	return (sql);
}

char *
store_customer_select(const char *tail)
{
	char	*sql = NULL;

	row_cat(&sql, "SELECT ");
	row_names(&sql, customer_columns, CUSTOMER_NCOLS);
	row_cat(&sql, " FROM customers %s", tail);
	return (sql);
}

/*
 * The whole ticket row is an upsert, not REPLACE: rows change in place
 * and only the indexes whose columns changed are touched. A transition
 * updates the columns that can change, by the same parameter numbers. A
 * customer row is replaced whole, with its blind index of the phone as
 * the last parameter (CUSTOMER_NCOLS + 1). NULL for a statement that is
 * not one of these rows'.
 */
char *
store_row_sql(int which)
{
	char	*sql = NULL;
	int	 i, n;

	switch (which) {
	case ST_TICKET:
		row_cat(&sql, "INSERT INTO tickets(");
		row_names(&sql, ticket_columns, TICKET_NCOLS);
		row_cat(&sql, ") VALUES (");
		row_params(&sql, TICKET_NCOLS);
		row_cat(&sql, ") ON CONFLICT(id) DO UPDATE SET ");
		for (i = n = 0; i < TICKET_NCOLS; i++)
			if (i != TICKET_COL_id)
				row_cat(&sql, "%s%s = excluded.%s",
				    n++ > 0 ? ", " : "",
				    ticket_columns[i].name,
				    ticket_columns[i].name);
		return (sql);
	case ST_TICKET_STATE:
		row_cat(&sql, "UPDATE tickets SET ");
		for (i = n = 0; i < TICKET_NCOLS; i++)
			if (i != TICKET_COL_id && !ticket_columns[i].once)
				row_cat(&sql, "%s%s = ?%d",
				    n++ > 0 ? ", " : "",
				    ticket_columns[i].name, i + 1);
		row_cat(&sql, " WHERE id = ?%d", TICKET_COL_id + 1);
		return (sql);
	case ST_TICKET_GET:
		return (store_ticket_select("WHERE id = ?"));
	case ST_CUSTOMER_TICKETS:
		return (store_ticket_select("WHERE customer = ? "
		    "ORDER BY id DESC LIMIT ?"));
	case ST_CUSTOMER:
		row_cat(&sql, "INSERT OR REPLACE INTO customers(");
		row_names(&sql, customer_columns, CUSTOMER_NCOLS);
		row_cat(&sql, ", phone_index) VALUES (");
		row_params(&sql, CUSTOMER_NCOLS + 1);
		row_cat(&sql, ")");
		return (sql);
	default:
		return (NULL);
	}
}

static int
row_column_find(const struct row_column *cols, int n, const char *name)
{
	int	i;

	for (i = 0; i < n; i++)
		if (name != NULL && strcmp(cols[i].name, name) == 0)
			return (i);
	return (-1);
}

/*
 * The migrations made the table; the list says what is read and written.
 * A column the list lacks would be silently dropped at each write of a
 * row, one the table lacks fails every write: both are a forgotten half
 * of a new field, said here at open rather than found in a lost value.
 * extra: a column the list does not hold that is written beside it.
 */
static int
row_check(struct store *st, const char *table, const char *list,
    const struct row_column *cols, int n, const char *extra, char *err)
{
	sqlite3_stmt	*s;
	const char	*name, *type;
	char		 sql[128];
	int		 seen[TICKET_NCOLS + CUSTOMER_NCOLS] = { 0 }, i, rc;

	snprintf(sql, sizeof sql, "SELECT name, type FROM "
	    "pragma_table_info('%s')", table);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "check tables"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 0);
		type = (const char *)sqlite3_column_text(s, 1);
		if (extra != NULL && name != NULL && strcmp(name, extra) == 0)
			continue;
		if ((i = row_column_find(cols, n, name)) < 0) {
			snprintf(err, STORE_ERRMAX, "%s: table %s has column "
			    "%s, which %s does not list", st->path, table,
			    name != NULL ? name : "", list);
			break;
		}
		if (type == NULL || strcasecmp(type, cols[i].type) != 0) {
			snprintf(err, STORE_ERRMAX, "%s: column %s.%s is %s, "
			    "%s says %s", st->path, table, name,
			    type != NULL ? type : "untyped", list,
			    cols[i].type);
			break;
		}
		seen[i] = 1;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return (-1);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "check tables"));
	for (i = 0; i < n; i++) {
		if (!seen[i]) {
			snprintf(err, STORE_ERRMAX, "%s: %s lists column %s, "
			    "which table %s lacks (a migration adding it?)",
			    st->path, list, cols[i].name, table);
			return (-1);
		}
	}
	return (0);
}

int
store_row_check(struct store *st, char *err)
{
	if (row_check(st, "tickets", "TICKET_FIELDS", ticket_columns,
	    TICKET_NCOLS, NULL, err) != 0 ||
	    row_check(st, "customers", "CUSTOMER_FIELDS", customer_columns,
	    CUSTOMER_NCOLS, "phone_index", err) != 0)
		return (-1);
	return (0);
}

/*
 * Sealed columns: the associated data is "<key>:<column>", key naming the
 * row ("ticket:42", "customer:c-7").
 */
static void
row_seal(struct store *st, sqlite3_stmt *s, int i, const char *key,
    const char *col, const char *plain)
{
	char	ad[ENGINE_NAME_MAX + 64];

	snprintf(ad, sizeof ad, "%s:%s", key, col);
	store_bind_sealed_str(st, s, i, plain, ad);
}

static void
row_seal_attrs(struct store *st, sqlite3_stmt *s, int i, const char *key,
    const char *col, const struct attr *attrs, int n)
{
	char	ad[ENGINE_NAME_MAX + 64];

	snprintf(ad, sizeof ad, "%s:%s", key, col);
	store_bind_attrs(st, s, i, attrs, n, ad);
}

static int
row_unseal(struct store *st, sqlite3_stmt *s, int i, const char *key,
    const char *col, char **out)
{
	char	ad[ENGINE_NAME_MAX + 64];

	snprintf(ad, sizeof ad, "%s:%s", key, col);
	if ((*out = store_unseal(st, s, i, ad)) == NULL)
		return (STORE_TAMPERED);
	return (0);
}

static int
row_unseal_attrs(struct store *st, sqlite3_stmt *s, int i, const char *key,
    const char *col, struct attr **out, int *n)
{
	char	ad[ENGINE_NAME_MAX + 64];

	snprintf(ad, sizeof ad, "%s:%s", key, col);
	return (store_sealed_attrs(st, s, i, ad, out, n));
}

/*
 * Binding member v of each kind as parameter i, column col, in a row
 * writer: its st, s, r (the row), key (for sealing) and whole (0 leaves
 * the sealed columns unbound). ATTRS counts in r->nattrs.
 */
#define ROW_PUT_U64(i, col, v)		sqlite3_bind_int64(s, i, \
					    (sqlite3_int64)(v))
#define ROW_PUT_INT(i, col, v)		sqlite3_bind_int(s, i, v)
#define ROW_PUT_MS(i, col, v)		sqlite3_bind_int64(s, i, v)
#define ROW_PUT_U32(i, col, v)		sqlite3_bind_int64(s, i, v)
#define ROW_PUT_FLAG(i, col, v)		sqlite3_bind_int(s, i, v)
#define ROW_PUT_STATE(i, col, v)	store_bind_text(s, i, \
					    ticket_state_name(v))
#define ROW_PUT_SEGMENT(i, col, v)	store_bind_text(s, i, \
					    segment_name(v))
#define ROW_PUT_NAME(i, col, v)		store_bind_text(s, i, v)
#define ROW_PUT_STR(i, col, v)		store_bind_text(s, i, \
					    (v) != NULL ? (v) : "")
#define ROW_PUT_SEALED(i, col, v)	if (whole) \
					    row_seal(st, s, i, key, col, v)
#define ROW_PUT_ATTRS(i, col, v)	if (whole) \
					    row_seal_attrs(st, s, i, key, \
					    col, v, r->nattrs)
#define TICKET_PUT(col, member, kind) \
	ROW_PUT_##kind(TICKET_COL_##col + 1, #col, r->member);
#define CUSTOMER_PUT(col, member, kind) \
	ROW_PUT_##kind(CUSTOMER_COL_##col + 1, #col, r->member);

/*
 * The parameters of a ticket row, numbered as TICKET_FIELDS (ST_TICKET
 * and ST_TICKET_STATE share them). The sealed columns are bound for the
 * whole row only: the other statement does not have them.
 */
void
store_bind_ticket(struct store *st, sqlite3_stmt *s, const struct ticket *r,
    int whole)
{
	char	key[64];

	snprintf(key, sizeof key, "ticket:%llu", (unsigned long long)r->id);
	TICKET_FIELDS(TICKET_PUT)
}

/* Those of a customer row (ST_CUSTOMER), but its blind index. */
void
store_bind_customer(struct store *st, sqlite3_stmt *s,
    const struct customer *r)
{
	const int	whole = 1;
	char		key[ENGINE_NAME_MAX + 16];

	snprintf(key, sizeof key, "customer:%s", r->id);
	CUSTOMER_FIELDS(CUSTOMER_PUT)
}

/*
 * Reading column i (named col) of each kind into member m: 0, -1 (not
 * understood) or STORE_TAMPERED, in a row reader: its st, s, r and key.
 * An unknown segment reads as individual, the default.
 */
#define ROW_GET_U64(i, col, m)		((m) = (uint64_t) \
					    sqlite3_column_int64(s, i), 0)
#define ROW_GET_INT(i, col, m)		((m) = sqlite3_column_int(s, i), 0)
#define ROW_GET_MS(i, col, m)		((m) = sqlite3_column_int64(s, i), 0)
#define ROW_GET_U32(i, col, m)		((m) = (uint32_t) \
					    sqlite3_column_int64(s, i), 0)
#define ROW_GET_FLAG(i, col, m)		((m) = sqlite3_column_int(s, i) != 0, \
					    0)
#define ROW_GET_STATE(i, col, m)	ticket_state_parse((const char *) \
					    sqlite3_column_text(s, i), &(m))
#define ROW_GET_SEGMENT(i, col, m)	(segment_parse((const char *) \
					    sqlite3_column_text(s, i), \
					    &(m)) != 0 ? \
					    ((m) = SEGMENT_INDIVIDUAL, 0) : 0)
#define ROW_GET_NAME(i, col, m)		(store_copy(m, sizeof m, s, i), 0)
#define ROW_GET_STR(i, col, m)		((m) = store_dup(s, i), 0)
#define ROW_GET_SEALED(i, col, m)	row_unseal(st, s, i, key, col, &(m))
#define ROW_GET_ATTRS(i, col, m)	row_unseal_attrs(st, s, i, key, col, \
					    &(m), &r->nattrs)
#define TICKET_GET(col, member, kind) \
	if (rc == 0 && (rc = ROW_GET_##kind(TICKET_COL_##col, #col, \
	    r->member)) != 0) \
		field = #col;
#define CUSTOMER_GET(col, member, kind) \
	if (rc == 0 && (rc = ROW_GET_##kind(CUSTOMER_COL_##col, #col, \
	    r->member)) != 0) \
		field = #col;

/*
 * A row that failed (rc) at a column, logged naming both ("ticket 42"),
 * with what the column held when that is text (a sealed one is not).
 */
static void
row_log(struct store *st, sqlite3_stmt *s, const char *table,
    const char *row, const struct row_column *cols, int n,
    const char *field, int rc)
{
	int	i = row_column_find(cols, n, field);

	if (rc == STORE_TAMPERED)
		log_warnx("store: %s: %s failed authentication (a tampered "
		    "or corrupt row in table %s of %s)", row, field, table,
		    st->path);
	else
		log_warnx("store: %s: %s '%.32s' not understood (a corrupt "
		    "row in table %s of %s)", row, field, i >= 0 &&
		    sqlite3_column_type(s, i) == SQLITE_TEXT ?
		    (const char *)sqlite3_column_text(s, i) : "", table,
		    st->path);
}

/*
 * A row selected as store_ticket_select does. 0; -1 for a column not
 * understood; STORE_TAMPERED when a sealed column does not authenticate.
 * Both are logged, naming the row and the column. On error r holds
 * nothing to free.
 */
int
store_row_ticket(struct store *st, sqlite3_stmt *s, struct ticket *r)
{
	const char	*field = "";
	char		 key[64];
	int		 rc = 0;

	memset(r, 0, sizeof *r);
	/* First: the sealed columns are sealed under it. */
	r->id = (uint64_t)sqlite3_column_int64(s, TICKET_COL_id);
	snprintf(key, sizeof key, "ticket:%llu", (unsigned long long)r->id);
	TICKET_FIELDS(TICKET_GET)
	if (rc == 0)
		return (0);
	snprintf(key, sizeof key, "ticket %llu", (unsigned long long)r->id);
	row_log(st, s, "tickets", key, ticket_columns, TICKET_NCOLS, field,
	    rc);
	store_ticket_free(r);
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

/* A row selected as store_customer_select does; as store_row_ticket. */
int
store_row_customer(struct store *st, sqlite3_stmt *s, struct customer *r)
{
	const char	*field = "";
	char		 key[ENGINE_NAME_MAX + 16];
	int		 rc = 0;

	memset(r, 0, sizeof *r);
	store_copy(r->id, sizeof r->id, s, CUSTOMER_COL_id);
	snprintf(key, sizeof key, "customer:%s", r->id);
	CUSTOMER_FIELDS(CUSTOMER_GET)
	if (rc == 0)
		return (0);
	snprintf(key, sizeof key, "customer %s", r->id);
	row_log(st, s, "customers", key, customer_columns, CUSTOMER_NCOLS,
	    field, rc);
	store_customer_free(r);
	return (rc);
}

void
store_customer_free(struct customer *c)
{
	free(c->name);
	free(c->phone);
	store_free_attrs(c->attrs, c->nattrs);
	c->name = c->phone = NULL;
	c->attrs = NULL;
	c->nattrs = 0;
}
