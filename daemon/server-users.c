/*
 * server-users.c: the users the daemon starts with and protected mode.
 * The [user] sections and HOTLINE_ADMIN_PASSWORD are written to the
 * users table and the engine's agents at start and at each reload; a
 * daemon reachable from other machines refuses to start (or to reload)
 * with no users, or with one still on the sample file's demo password.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "conn.h"
#include "journal.h"
#include "log.h"
#include "server.h"
#include "server_internal.h"
#include "store.h"
#include "xmalloc.h"

/* The sample file's passwords: "<name>-demo". */
#define DEMO_SUFFIX	"-demo"
#define DEMO_SUFFIX_LEN	(sizeof DEMO_SUFFIX - 1)
/* Users scanned for protected mode: the first allocation's room. */
#define DEMO_SCAN_FIRST	16

/*
 * A user the configuration (or HOTLINE_ADMIN_PASSWORD) makes an admin or
 * an integration is no agent, even if AGENT SET ROLE supervisor made it
 * one: as AGENT SET ROLE admin would, its agent record goes. Kept, it
 * came back from the store at every start, an agent the users table no
 * longer had (found by tests/fuzz/fuzz_cmd).
 */
static void
server_not_an_agent(const char *name)
{
	struct actor	system = { "system", ROLE_ADMIN };
	char		err[ENGINE_ERRMAX];

	if (engine_agent_get(server.engine, name) != NULL &&
	    engine_agent_delete(server.engine, server_now(), &system, name,
	    err, sizeof err) != ENGINE_OK)
		log_warnx("user %s: %s", name, err);
}

/* The users named in the config exist, with the skills the config gives. */
void
server_sync_users(void)
{
	struct store_user	 u;
	struct config_user	*cu;
	struct agent_update	 up;
	struct actor		 system = { "system", ROLE_ADMIN };
	const struct agent	*a;
	char			 err[ENGINE_ERRMAX];
	int			 i, rc, exists;

	for (i = 0; i < server.cfg.nusers; i++) {
		cu = &server.cfg.users[i];
		exists = store_get_user(server.store, cu->name, &u);
		if (!exists && cu->password_hash[0] != '\0')
			journal_put_user(server.journal, cu->name,
			    cu->password_hash, cu->role, server_now());
		else if (exists && u.role != cu->role) {
			journal_put_user(server.journal, cu->name, u.hash,
			    cu->role, server_now());
			conn_user_role(cu->name, cu->role);
		}
		if (cu->role != ROLE_AGENT && cu->role != ROLE_SUPERVISOR) {
			server_not_an_agent(cu->name);
			continue;
		}
		memset(&up, 0, sizeof up);
		up.role = cu->role;
		up.skills = cu->skills;
		up.nskills = cu->nskills;
		up.groups = (const char (*)[ENGINE_NAME_MAX])cu->groups;
		up.ngroups = cu->ngroups;
		up.capacity = cu->capacity;
		a = engine_agent_get(server.engine, cu->name);
		if (a == NULL)
			rc = engine_agent_add(server.engine, server_now(),
			    &system, cu->name, &up, err, sizeof err);
		else if (a->capacity != cu->capacity ||
		    a->nskills != cu->nskills || a->ngroups != cu->ngroups ||
		    a->role != cu->role ||
		    memcmp(a->skills, cu->skills, sizeof(struct skill) *
		    (size_t)cu->nskills) != 0 ||
		    memcmp(a->groups, cu->groups, sizeof a->groups[0] *
		    (size_t)cu->ngroups) != 0)
			rc = engine_agent_update(server.engine, server_now(),
			    &system, cu->name, &up, err, sizeof err);
		else
			rc = ENGINE_OK;
		if (rc != ENGINE_OK)
			log_warnx("config user %s: %s", cu->name, err);
	}
}

/* The sample file's demo password of a user: "<name>-demo". */
static int
server_is_demo(const char *name, const char *pw, size_t len)
{
	size_t	n = strlen(name);

	return (len == n + DEMO_SUFFIX_LEN && memcmp(pw, name, n) == 0 &&
	    memcmp(pw + n, DEMO_SUFFIX, DEMO_SUFFIX_LEN) == 0);
}

/* HOTLINE_ADMIN_PASSWORD creates user admin or resets its password. */
void
server_env_admin(void)
{
	const char	*pw = getenv("HOTLINE_ADMIN_PASSWORD");
	char		 hash[AUTH_HASH_MAX];

	if (pw == NULL || *pw == '\0')
		return;
	/* An environment variable is a C string: it cannot hold a NUL. */
	if (auth_hash(pw, strlen(pw), hash, sizeof hash) != 0)
		fatalx("cannot hash HOTLINE_ADMIN_PASSWORD (at most %d bytes)",
		    AUTH_PASSWORD_MAX);
	journal_put_user_demo(server.journal, "admin", hash, ROLE_ADMIN,
	    server_is_demo("admin", pw, strlen(pw)), server_now());
	server_not_an_agent("admin");
	conn_user_role("admin", ROLE_ADMIN);
	log_info("user admin set from HOTLINE_ADMIN_PASSWORD");
}

static int
server_loopback(const char *bind)
{
	struct in_addr	a4;
	struct in6_addr	a6;

	if (*bind == '\0')
		return (1);	/* no TCP listener at all */
	if (inet_pton(AF_INET, bind, &a4) == 1)
		return ((ntohl(a4.s_addr) >> IN_CLASSA_NSHIFT) ==
		    IN_LOOPBACKNET);
	if (inet_pton(AF_INET6, bind, &a6) == 1)
		return (IN6_IS_ADDR_LOOPBACK(&a6));
	return (0);
}

/* Protected mode applies: on, and reachable from other machines. */
static int
server_exposed(const struct config *cfg)
{
	return (cfg->protected_mode && !server_loopback(server.cfg.bind));
}

static void
server_demo_advice(char *err, size_t errlen, const char *user)
{
	snprintf(err, errlen, "protected mode: listening on %.64s while user "
	    "%.64s still has the demo password; change it (AGENT PASSWD, or "
	    "password_hash from hotlined --hash-password), bind to 127.0.0.1, "
	    "or set protected_mode = no in [server]", server.cfg.bind, user);
}

int
server_password_demo(const char *name, const char *pw, size_t len,
    char *err, size_t errlen)
{
	if (!server_is_demo(name, pw, len))
		return (0);
	if (!server_exposed(&server.cfg))
		return (1);
	snprintf(err, errlen, "protected mode: listening on %.64s, a user "
	    "may not have the demo password %.64s" DEMO_SUFFIX "; choose "
	    "another", server.cfg.bind, name);
	return (-1);
}

struct demo_user {
	char	name[ENGINE_NAME_MAX];
	char	hash[sizeof ((struct store_user *)NULL)->hash];	/* as stored */
	int	demo;
};

struct demo_scan {
	struct demo_user	*v;
	size_t			 n, cap;
};

static void
demo_collect(const char *name, const char *hash, int demo, void *arg)
{
	struct demo_scan	*ds = arg;
	struct demo_user	*u;

	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : DEMO_SCAN_FIRST;
		ds->v = xreallocarray(ds->v, ds->cap, sizeof *ds->v);
	}
	u = &ds->v[ds->n++];
	snprintf(u->name, sizeof u->name, "%s", name != NULL ? name : "");
	snprintf(u->hash, sizeof u->hash, "%s", hash != NULL ? hash : "");
	u->demo = demo;
}

/*
 * Whether each user whose flag is not known yet has the demo password:
 * an Argon2id verify each (tens of ms), so the answers are kept in the
 * users table and no user is verified twice. Passwords set by AGENT ADD,
 * AGENT PASSWD or HOTLINE_ADMIN_PASSWORD are flagged when set, for free;
 * only hashes from the configuration file (and rows older than the flag)
 * cost a verify, once.
 */
static void
server_demo_verify(struct demo_scan *ds)
{
	char	demo[ENGINE_NAME_MAX + DEMO_SUFFIX_LEN], err[STORE_ERRMAX];
	size_t	i, checked = 0;

	for (i = 0; i < ds->n; i++) {
		if (ds->v[i].demo >= 0)
			continue;
		snprintf(demo, sizeof demo, "%s" DEMO_SUFFIX, ds->v[i].name);
		ds->v[i].demo = auth_verify(ds->v[i].hash, demo,
		    strlen(demo)) ? 1 : 0;
		checked++;
	}
	if (checked == 0)
		return;
	if (store_begin(server.store, err) != 0)
		goto fail;
	for (i = 0; i < ds->n; i++)
		if (store_set_user_demo(server.store, ds->v[i].name,
		    ds->v[i].hash, ds->v[i].demo, err) != 0) {
			store_rollback(server.store);
			goto fail;
		}
	if (store_commit(server.store, err) != 0) {
		store_rollback(server.store);
		goto fail;
	}
	log_info("protected mode: checked %zu passwords against the demo "
	    "ones (once: the answers are kept)", checked);
	return;
fail:
	log_warnx("protected mode: checked %zu passwords but could not keep "
	    "the answers (they will be checked again): %s", checked, err);
}

/*
 * Protected mode, as Redis has it: reachable from other machines, the
 * daemon must have users, and none still on the sample file's demo
 * password, in the database (where logins are checked) or coming from
 * cfg's [user] sections. Says what to do instead of starting (or of
 * reloading).
 */
int
server_protected_mode(const struct config *cfg, char *err, size_t errlen)
{
	struct demo_scan	 ds = { NULL, 0, 0 };
	struct store_user	 u;
	char			 demo[ENGINE_NAME_MAX + DEMO_SUFFIX_LEN];
	char			 serr[STORE_ERRMAX];
	size_t			 i;
	int			 k, rc = 0;

	if (!server_exposed(cfg))
		return (0);
	if (store_count_users(server.store) == 0) {
		snprintf(err, errlen, "protected mode: listening on %.64s with "
		    "no users at all; set HOTLINE_ADMIN_PASSWORD or add [user] "
		    "sections, bind to 127.0.0.1, or set protected_mode = no "
		    "in [server]", server.cfg.bind);
		return (-1);
	}
	if (store_users_maybe_demo(server.store, demo_collect, &ds,
	    serr) != 0) {
		snprintf(err, errlen, "protected mode: %s", serr);
		free(ds.v);
		return (-1);
	}
	server_demo_verify(&ds);
	for (i = 0; i < ds.n && rc == 0; i++)
		if (ds.v[i].demo == 1) {
			server_demo_advice(err, errlen, ds.v[i].name);
			rc = -1;
		}
	free(ds.v);
	/* A reload's new [user] sections, not in the database yet. */
	for (k = 0; k < cfg->nusers && rc == 0; k++) {
		if (cfg->users[k].password_hash[0] == '\0' ||
		    store_get_user(server.store, cfg->users[k].name, &u))
			continue;
		snprintf(demo, sizeof demo, "%s" DEMO_SUFFIX,
		    cfg->users[k].name);
		if (auth_verify(cfg->users[k].password_hash, demo,
		    strlen(demo))) {
			server_demo_advice(err, errlen, cfg->users[k].name);
			rc = -1;
		}
	}
	return (rc);
}

