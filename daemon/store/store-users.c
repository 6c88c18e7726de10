/*
 * store-users.c: the rows of users: a user's password hash and role, an
 * agent's skills, groups and capacity, and its presence as a restart
 * needs it.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "store_internal.h"

/* Skills and groups are kept as the text the config file uses. */
static void
store_skills_text(struct buf *b, const struct agent *a)
{
	char	num[16];
	int	i;

	for (i = 0; i < a->nskills; i++) {
		if (i > 0)
			buf_add(b, ",", 1);
		buf_add(b, a->skills[i].queue, strlen(a->skills[i].queue));
		snprintf(num, sizeof num, ":%d", a->skills[i].level);
		buf_add(b, num, strlen(num));
	}
	buf_add(b, "", 1);		/* NUL */
}

int
store_put_agent(struct store *st, const struct agent *a, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_AGENT];
	char		 groups[ENGINE_MAX_GROUPS * ENGINE_NAME_MAX];
	int		 i;

	buf_reset(&st->scratch);
	store_skills_text(&st->scratch, a);
	groups[0] = '\0';
	for (i = 0; i < a->ngroups; i++) {
		if (i > 0)
			strcat(groups, ",");
		strcat(groups, a->groups[i]);
	}
	store_bind_text(s, 1, st->scratch.data);
	store_bind_text(s, 2, groups);
	sqlite3_bind_int(s, 3, a->capacity);
	store_bind_text(s, 4, role_name(a->role));
	store_bind_text(s, 5, a->name);
	return (store_step_done(st, ST_AGENT, err, "write agent"));
}

/*
 * Most commits change an agent's presence only in what a restart rebuilds
 * from elsewhere: its offer is the ticket row offered to it, written in
 * the same commit, and busy or available follows the tickets it holds.
 * Writing the row for those rewrote a page of users in nearly every
 * commit (docs/PERFORMANCE.md); the statement now leaves the row alone
 * unless its base status, reason, wrap-up end, missed offers or spell
 * changed, and the times of busy/available it then carries are those of
 * that change. The committed row is what it compares with, so a rolled
 * back batch or a deleted and re-added user needs no bookkeeping here.
 */
int
store_put_presence(struct store *st, const char *name,
    const struct agent_presence *p, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_PRESENCE];

	store_bind_text(s, 1, agent_status_name(p->status));
	store_bind_text(s, 2, agent_status_name(p->base));
	store_bind_text(s, 3, p->reason);
	sqlite3_bind_int64(s, 4, p->status_since);
	sqlite3_bind_int64(s, 5, p->idle_since);
	sqlite3_bind_int64(s, 6, p->wrapup_until);
	sqlite3_bind_int(s, 7, p->missed);
	store_bind_text(s, 8, agent_status_name(p->spell));
	store_bind_text(s, 9, p->spell_reason);
	sqlite3_bind_int64(s, 10, p->spell_since);
	store_bind_text(s, 11, name);
	return (store_step_done(st, ST_PRESENCE, err, "write presence"));
}

int
store_put_user(struct store *st, const char *name, const char *hash, int role,
    int demo, hl_ms now, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_USER_PUT];

	store_bind_text(s, 1, name);
	store_bind_text(s, 2, hash);
	store_bind_text(s, 3, role_name(role));
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int(s, 5, demo < 0 ? -1 : demo != 0);
	return (store_step_done(st, ST_USER_PUT, err, "write user"));
}

int
store_users_maybe_demo(struct store *st,
    void (*fn)(const char *, const char *, int, void *), void *arg, char *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT name, hash, demo FROM users "
	    "WHERE demo != 0 ORDER BY name", -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "read users"));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int(s, 2), arg);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "read users"));
	return (0);
}

int
store_set_user_demo(struct store *st, const char *name, const char *hash,
    int demo, char *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE users SET demo = ? WHERE "
	    "name = ? AND hash = ?", -1, &s, NULL) != SQLITE_OK)
		return (store_fail(st, err, "write user"));
	sqlite3_bind_int(s, 1, demo != 0);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, hash);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (store_fail(st, err, "write user"));
	return (0);
}

int
store_del_user(struct store *st, const char *name, char *err)
{
	sqlite3_stmt	*s = st->stmt[ST_USER_DEL];

	store_bind_text(s, 1, name);
	return (store_step_done(st, ST_USER_DEL, err, "delete user"));
}

int
store_get_user(struct store *st, const char *name, struct store_user *u)
{
	sqlite3_stmt	*s = st->stmt[ST_USER_GET];
	int		 found = 0;
	const char	*hash, *role;

	store_bind_text(s, 1, name);
	if (sqlite3_step(s) == SQLITE_ROW) {
		hash = (const char *)sqlite3_column_text(s, 0);
		role = (const char *)sqlite3_column_text(s, 1);
		snprintf(u->name, sizeof u->name, "%s", name);
		snprintf(u->hash, sizeof u->hash, "%s", hash ? hash : "");
		u->role = role_parse(role != NULL ? role : "");
		found = 1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (found);
}

int
store_count_users(struct store *st)
{
	return ((int)store_query_int(st, "SELECT count(*) FROM users", 0));
}
