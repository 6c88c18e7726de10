#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <sodium.h>

#include "auth.h"
#include "conn.h"
#include "http.h"
#include "journal.h"
#include "log.h"
#include "presence.h"
#include "pubsub.h"
#include "report.h"
#include "retention.h"
#include "server.h"
#include "session.h"
#include "hasher.h"
#include "store.h"
#include "throttle.h"
#include "waiters.h"
#include "xmalloc.h"

struct server	server;

/* The service level of QUEUE STATS (today, 15 min, 1 h) reaches back a
 * day at most: what a restart reads back from the journal's facts. */
#define SERVER_SL_RELOAD	(24 * 3600 * 1000 + 60 * 1000)

hl_ms
server_now(void)
{
	struct timespec	ts;

	if (server.test_clock != 0)
		return (server.test_clock);
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((hl_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * For tests that need known times (reports over hours or days, retention
 * over months): started with HOTLINE_TEST_CLOCK=<unix-ms>, time stands
 * still until DEBUG CLOCK moves it.
 */
static void
server_test_clock(void)
{
	const char	*v = getenv("HOTLINE_TEST_CLOCK");
	char		*end;
	long long	 ms;

	if (v == NULL || *v == '\0')
		return;
	ms = strtoll(v, &end, 10);
	if (*end != '\0' || ms <= 0)
		fatalx("HOTLINE_TEST_CLOCK must be a time in unix ms, not '%s'",
		    v);
	server.test_clock = ms;
	log_warnx("test clock at %lld: time moves only by DEBUG CLOCK", ms);
}

int
server_set_clock(hl_ms now)
{
	if (server.test_clock == 0 || now < server.test_clock)
		return (-1);
	server.test_clock = now;
	engine_advance(server.engine, now);
	return (0);
}

static void
server_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	char	addr[128], host[INET6_ADDRSTRLEN];
	int	is_unix = arg != NULL;

	if (is_unix)
		snprintf(addr, sizeof addr, "unix:%.100s", server.cfg.unixsocket);
	else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		snprintf(addr, sizeof addr, "[%s]:%d", host,
		    ntohs(s6->sin6_port));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		snprintf(addr, sizeof addr, "%s:%d", host,
		    ntohs(s4->sin_port));
	}
	evutil_make_socket_nonblocking(fd);
	conn_accept(fd, addr, is_unix);
}

static void
server_accept_retry(evutil_socket_t fd, short what, void *arg)
{
	if (server.tcp != NULL)
		evconnlistener_enable(server.tcp);
	if (server.unix_listener != NULL)
		evconnlistener_enable(server.unix_listener);
}

/* Out of descriptors: stop accepting for a second instead of spinning. */
static void
server_accept_error(struct evconnlistener *l, void *arg)
{
	struct timeval	tv = { 1, 0 };
	int		err = EVUTIL_SOCKET_ERROR();

	log_warnx("accept: %s; pausing accepts for 1 s",
	    evutil_socket_error_to_string(err));
	server.stats.accept_pauses++;
	if (server.tcp != NULL)
		evconnlistener_disable(server.tcp);
	if (server.unix_listener != NULL)
		evconnlistener_disable(server.unix_listener);
	evtimer_add(server.accept_retry, &tv);
}

/* A numeric address and port; port 0 lets the system pick one. */
int
server_sockaddr(const char *host, int port, struct sockaddr_storage *ss,
    int *len)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof *s4;
		return (0);
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
		return (0);
	}
	return (-1);
}

static int
server_listen_tcp(char *err, size_t errlen)
{
	struct sockaddr_storage	ss;
	int			sslen;
	socklen_t		len = sizeof ss;
	FILE			*fp;
	char			path[600];

	if (server.cfg.bind[0] == '\0')
		return (0);
	if (server_sockaddr(server.cfg.bind, server.cfg.port, &ss,
	    &sslen) != 0) {
		snprintf(err, errlen, "bad bind address '%s' (a numeric IPv4 "
		    "or IPv6 address)", server.cfg.bind);
		return (-1);
	}
	server.tcp = evconnlistener_new_bind(server.base, server_accept_cb,
	    NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_EXEC, 511, (struct sockaddr *)&ss, sslen);
	if (server.tcp == NULL) {
		snprintf(err, errlen, "cannot listen on %s port %d: %s",
		    server.cfg.bind, server.cfg.port, strerror(errno));
		return (-1);
	}
	evconnlistener_set_error_cb(server.tcp, server_accept_error);
	getsockname(evconnlistener_get_fd(server.tcp), (struct sockaddr *)&ss,
	    &len);
	server.bound_port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	log_info("listening on %s port %d", server.cfg.bind, server.bound_port);
	/* Tests and scripts that asked for port 0 learn the port here. */
	snprintf(path, sizeof path, "%s/hotline.port", server.cfg.data_dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fprintf(fp, "%d\n", server.bound_port);
		fclose(fp);
	}
	return (0);
}

static int
server_listen_unix(char *err, size_t errlen)
{
	struct sockaddr_un	sun;
	int			fd;

	if (server.cfg.unixsocket[0] == '\0')
		return (0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(server.cfg.unixsocket) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "unix socket path too long: %s",
		    server.cfg.unixsocket);
		return (-1);
	}
	strcpy(sun.sun_path, server.cfg.unixsocket);
	unlink(sun.sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    chmod(sun.sun_path, 0770) != 0 || listen(fd, 511) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", sun.sun_path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return (-1);
	}
	evutil_make_socket_nonblocking(fd);
	server.unix_listener = evconnlistener_new(server.base, server_accept_cb,
	    &server, LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (server.unix_listener == NULL) {
		snprintf(err, errlen, "cannot listen on %s", sun.sun_path);
		close(fd);
		return (-1);
	}
	evconnlistener_set_error_cb(server.unix_listener, server_accept_error);
	log_info("listening on unix socket %s", sun.sun_path);
	return (0);
}

static void
server_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	server.engine_timer_at = -1;
	engine_advance(server.engine, server_now());
}

void
server_arm_timer(void)
{
	hl_ms		at = engine_next_deadline(server.engine), delay;
	struct timeval	tv;

	if (at == server.engine_timer_at)
		return;
	server.engine_timer_at = at;
	if (at < 0) {
		evtimer_del(server.engine_timer);
		return;
	}
	delay = at - server_now();
	if (delay < 0)
		delay = 0;
	tv.tv_sec = delay / 1000;
	tv.tv_usec = (delay % 1000) * 1000;
	evtimer_add(server.engine_timer, &tv);
}

static void
server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	char	err[CONFIG_ERRMAX];

	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading %s", server.config_path);
		if (server_reload(err, sizeof err) != 0)
			log_warnx("reload failed, keeping the old "
			    "configuration: %s", err);
		log_reopen();
		return;
	}
	log_info("signal %d: shutting down", (int)sig);
	server.shutdown = 1;
	event_base_loopbreak(server.base);
}

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
	    err) != ENGINE_OK)
		log_warnx("user %s: %s", name, err);
}

/* The users named in the config exist, with the skills the config gives. */
static void
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
			    &system, cu->name, &up, err);
		else if (a->capacity != cu->capacity ||
		    a->nskills != cu->nskills || a->ngroups != cu->ngroups ||
		    a->role != cu->role ||
		    memcmp(a->skills, cu->skills, sizeof(struct skill) *
		    (size_t)cu->nskills) != 0 ||
		    memcmp(a->groups, cu->groups, sizeof a->groups[0] *
		    (size_t)cu->ngroups) != 0)
			rc = engine_agent_update(server.engine, server_now(),
			    &system, cu->name, &up, err);
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

	return (len == n + 5 && memcmp(pw, name, n) == 0 &&
	    memcmp(pw + n, "-demo", 5) == 0);
}

/* HOTLINE_ADMIN_PASSWORD creates user admin or resets its password. */
static void
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

static void
server_throttle_conf(void)
{
	struct throttle_conf	tc;

	tc.delay = server.cfg.auth_fail_delay;
	tc.delay_max = server.cfg.auth_fail_delay_max;
	tc.lock_after = server.cfg.auth_lock_after;
	tc.addr_lock_after = server.cfg.auth_address_lock_after;
	tc.lock_time = server.cfg.auth_lock_time;
	throttle_configure(&tc);
	hasher_configure(server.cfg.auth_hash_queue,
	    server.cfg.auth_hash_queue_per_address);
}

/* presence: with it, the agents as the last commit left them (a rebuild);
 * without, as their rows say (a start). */
static struct engine *
server_new_engine(int presence)
{
	struct engine_config	ec;
	struct engine		*e;
	char			err[STORE_ERRMAX];
	long			n;

	config_engine(&server.cfg, &ec);
	if ((e = engine_new(&ec, journal_emit, server.journal)) == NULL)
		fatalx("cannot create the engine");
	if (store_load(server.store, e, err) != 0 ||
	    store_load_insight(server.store, e, server_now() -
	    engine_repeat_window(e), err) != 0)
		fatalx("loading %s: %s", store_path(server.store), err);
	/* QUEUE STATS' windows reach back a day at most. */
	if (store_load_sl(server.store, e, server_now() - SERVER_SL_RELOAD,
	    err) != 0)
		log_warnx("%s: %s", store_path(server.store), err);
	if (presence)
		presence_restore(e);
	else if (server.cfg.reconnect_grace > 0) {
		/* A restart keeps presence as a closed connection does. */
		if ((n = store_load_presence(server.store, e, server_now(),
		    server.cfg.reconnect_grace, err)) < 0)
			fatalx("loading %s: %s", store_path(server.store), err);
		if (n > 0)
			log_info("store: %ld agents back in their status, "
			    "detached, for reconnect_grace", n);
	}
	engine_restore_done(e, server_now());
	return (e);
}

/*
 * A batch stands (committed, or kept): the agents it names, and the agent
 * of each ticket it names, are as it left them. That is the presence a
 * rebuild puts back.
 */
static void
server_settled(const struct engine_event *ev, void *arg)
{
	const struct ticket	*t;

	presence_note(server.engine, ev->agent);
	if (ev->ticket != 0 &&
	    (t = engine_ticket_get(server.engine, ev->ticket)) != NULL &&
	    (ev->agent == NULL || strcmp(t->agent, ev->agent) != 0))
		presence_note(server.engine, t->agent);
}

static void
server_note_agent(const struct agent *a, void *arg)
{
	presence_note(server.engine, a->name);
}

/* Presence follows the connections there are now, whatever was noted. */
static void
server_presence_sync(const struct agent *a, void *arg)
{
	if (conn_user_count(a->name) > 0)
		engine_agent_attach(server.engine, server_now(), a->name);
	else
		engine_agent_detach(server.engine, server_now(), a->name,
		    server.cfg.reconnect_grace);
}

/*
 * A commit failed: memory holds changes the disk does not. Rebuild the
 * engine from what was committed, with every agent's presence (status,
 * offer, wrap-up, reconnect grace: not stored) as the last commit left
 * it, so the daemon is as before the failed batch. Then the connections
 * decide: an agent whose last connection closed meanwhile is detached
 * (its grace starts now), one that logged in is attached.
 */
void
server_rebuild_engine(void)
{
	size_t	n;

	engine_free(server.engine);
	server.engine = server_new_engine(1);
	n = presence_count();
	engine_agent_foreach(server.engine, server_presence_sync, NULL);
	server.engine_timer_at = -2;
	server.stats.engine_rebuilds++;
	log_warnx("engine rebuilt from %s after a failed commit (%zu agents' "
	    "presence put back)", store_path(server.store), n);
}

/* Commits failed: try the pending changes and the backlog again. */
static void
server_commit_retry(evutil_socket_t fd, short what, void *arg)
{
	static hl_ms	 logged;
	char		 err[STORE_ERRMAX];
	hl_ms		 now = server_now();

	if (journal_pending(server.journal) ||
	    journal_backlog(server.journal) == 0)
		return;		/* server_after_iteration commits them */
	if (journal_commit(server.journal, server.store, server.engine,
	    err) == 0)
		return;
	/* A line a minute while it lasts, not one a second. */
	if (now - logged >= 60000) {
		logged = now;
		log_warnx("commit failed: %s; %zu audit and status records "
		    "wait in memory, retried every second", err,
		    journal_backlog(server.journal));
	}
	server_arm_retry();
}

void
server_arm_retry(void)
{
	struct timeval	tv = { 1, 0 };

	if (!evtimer_pending(server.commit_retry, NULL))
		evtimer_add(server.commit_retry, &tv);
}

/*
 * The end of one loop iteration: commit what the iteration changed in one
 * transaction, then release the replies that waited for it. Unblocked
 * clients run their queued commands, which may need one more round.
 */
void
server_after_iteration(void)
{
	char	err[STORE_ERRMAX];
	int	round, rc, failed = 0;

	for (round = 0; round < 16; round++) {
		conn_free_dead();
		/* After a failure, once per iteration is enough: retrying at
		 * once would fail again and rebuild again. */
		if (!failed && journal_pending(server.journal)) {
			rc = journal_commit(server.journal, server.store,
			    server.engine, err);
			if (rc < 0) {
				log_warnx("commit failed: %s", err);
				conn_fail_writes(err);
				server_rebuild_engine();
			} else if (rc > 0 && err[0] != '\0')
				log_warnx("commit failed: %s; its audit and "
				    "status records wait in memory (%zu) for "
				    "the next commit", err,
				    journal_backlog(server.journal));
			failed = rc != 0;
		}
		report_flush();
		conn_flush_all();
		if (TAILQ_EMPTY(&server.resume) && TAILQ_EMPTY(&server.dead) &&
		    (failed || !journal_pending(server.journal)))
			break;
		conn_resume_all();
	}
	if (failed || journal_pending(server.journal) ||
	    journal_backlog(server.journal) > 0)
		server_arm_retry();
	server_arm_timer();
}

static int
server_loopback(const char *bind)
{
	struct in_addr	a4;
	struct in6_addr	a6;

	if (*bind == '\0')
		return (1);	/* no TCP listener at all */
	if (inet_pton(AF_INET, bind, &a4) == 1)
		return ((ntohl(a4.s_addr) >> 24) == 127);
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
	    "may not have the demo password %.64s-demo; choose another",
	    server.cfg.bind, name);
	return (-1);
}

struct demo_user {
	char	name[ENGINE_NAME_MAX];
	char	hash[256];
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
		ds->cap = ds->cap ? ds->cap * 2 : 16;
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
	char	demo[ENGINE_NAME_MAX + 8], err[STORE_ERRMAX];
	size_t	i, checked = 0;

	for (i = 0; i < ds->n; i++) {
		if (ds->v[i].demo >= 0)
			continue;
		snprintf(demo, sizeof demo, "%s-demo", ds->v[i].name);
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
static int
server_protected_mode(const struct config *cfg, char *err, size_t errlen)
{
	struct demo_scan	 ds = { NULL, 0, 0 };
	struct store_user	 u;
	char			 demo[ENGINE_NAME_MAX + 8], serr[STORE_ERRMAX];
	size_t			 i;
	int			 k, rc = 0;

	if (!server_exposed(cfg))
		return (0);
	if (store_count_users(server.store) == 0) {
		snprintf(err, errlen, "protected mode: listening on %.64s with no "
		    "users at all; set HOTLINE_ADMIN_PASSWORD or add [user] "
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
		snprintf(demo, sizeof demo, "%s-demo", cfg->users[k].name);
		if (auth_verify(cfg->users[k].password_hash, demo,
		    strlen(demo))) {
			server_demo_advice(err, errlen, cfg->users[k].name);
			rc = -1;
		}
	}
	return (rc);
}

int
server_init(const char *config_path, const struct config *cfg)
{
	struct event_config	*evcfg;
	uint8_t			 key[STORE_SESSION_KEYBYTES];
	char	err[CONFIG_ERRMAX > STORE_ERRMAX ? CONFIG_ERRMAX :
		    STORE_ERRMAX];

	memset(&server, 0, sizeof server);
	server.cfg = *cfg;
	snprintf(server.config_path, sizeof server.config_path, "%s",
	    config_path);
	TAILQ_INIT(&server.conns);
	TAILQ_INIT(&server.flush);
	TAILQ_INIT(&server.resume);
	TAILQ_INIT(&server.dead);
	server_test_clock();
	server.started = server_now();
	server.engine_timer_at = -2;
	signal(SIGPIPE, SIG_IGN);

	if (auth_init() != 0)
		fatalx("libsodium initialisation failed");
	/* Offer timeouts and ladder steps are due to the millisecond; without
	 * the precise timer, epoll rounds them up by several. */
	if ((evcfg = event_config_new()) == NULL ||
	    event_config_set_flag(evcfg, EVENT_BASE_FLAG_PRECISE_TIMER) != 0 ||
	    (server.base = event_base_new_with_config(evcfg)) == NULL)
		fatalx("event_base_new failed");
	event_config_free(evcfg);
	if (hasher_start(server.base, cfg->auth_hash_threads) != 0)
		fatalx("cannot start the password hashing thread");
	server_throttle_conf();
	if ((server.store = store_open(cfg->data_dir, cfg->durability ==
	    DURABILITY_FULL, err)) == NULL)
		fatalx("store: %s", err);
	if (store_session_secret(server.store, key, err) != 0)
		fatalx("store: %s", err);
	session_set_key(key);
	sodium_memzero(key, sizeof key);
	if (report_start(server.base, store_path(server.store), err,
	    sizeof err) != 0)
		fatalx("%s", err);
	server.journal = journal_new();
	journal_set_listener(server.journal, waiters_on_event, NULL);
	journal_set_publisher(server.journal, pubsub_publish_event, NULL);
	journal_set_settled(server.journal, server_settled, NULL);
	pubsub_init();
	server.engine = server_new_engine(0);
	/* What the rows gave back is committed presence: a rebuild before
	 * the first commit puts it back too. */
	engine_agent_foreach(server.engine, server_note_agent, NULL);
	log_info("loaded %zu open tickets from %s; next ticket id %llu",
	    engine_ticket_count(server.engine), store_path(server.store),
	    (unsigned long long)engine_next_id(server.engine));

	server_env_admin();
	server_sync_users();
	/* Sessions that expired while the daemon was down. */
	journal_session_purge(server.journal, server_now());
	if (journal_commit(server.journal, server.store, server.engine,
	    err) != 0)
		fatalx("store: %s", err);
	if (store_count_users(server.store) == 0)
		log_warnx("no users: set HOTLINE_ADMIN_PASSWORD or add [user] "
		    "sections to %s", config_path);
	if (server_protected_mode(&server.cfg, err, sizeof err) != 0) {
		log_warnx("%s", err);
		return (-1);
	}

	server.accept_retry = evtimer_new(server.base, server_accept_retry,
	    NULL);
	server.engine_timer = evtimer_new(server.base, server_timer_cb, NULL);
	server.commit_retry = evtimer_new(server.base, server_commit_retry,
	    NULL);
	if (server_listen_tcp(err, sizeof err) != 0 ||
	    server_listen_unix(err, sizeof err) != 0 ||
	    http_start(err, sizeof err) != 0) {
		log_warnx("%s", err);
		return (-1);
	}
	server.sig_term = evsignal_new(server.base, SIGTERM, server_signal_cb,
	    NULL);
	server.sig_int = evsignal_new(server.base, SIGINT, server_signal_cb,
	    NULL);
	server.sig_hup = evsignal_new(server.base, SIGHUP, server_signal_cb,
	    NULL);
	evsignal_add(server.sig_term, NULL);
	evsignal_add(server.sig_int, NULL);
	evsignal_add(server.sig_hup, NULL);
	server_arm_timer();
	if (retention_start() != 0)
		fatalx("cannot start retention");
	server.ready = 1;
	return (0);
}

int
server_reload(char *err, size_t errlen)
{
	struct config		*cfg;
	struct engine_config	 ec;
	struct engine_event	 ev;
	char			 eerr[ENGINE_ERRMAX];

	cfg = xmalloc(sizeof *cfg);
	config_defaults(cfg);
	if (config_load(cfg, server.config_path, err, errlen) != 0) {
		free(cfg);
		return (-1);
	}
	/* Before anything changes: a refused reload keeps the old state. */
	if (server_protected_mode(cfg, err, errlen) != 0) {
		config_free(cfg);
		free(cfg);
		return (-1);
	}
	config_engine(cfg, &ec);
	if (engine_reconfigure(server.engine, &ec, eerr) != 0) {
		snprintf(err, errlen, "%s", eerr);
		config_free(cfg);
		free(cfg);
		return (-1);
	}
	if (strcmp(cfg->bind, server.cfg.bind) != 0 ||
	    cfg->port != server.cfg.port ||
	    strcmp(cfg->unixsocket, server.cfg.unixsocket) != 0 ||
	    strcmp(cfg->data_dir, server.cfg.data_dir) != 0 ||
	    cfg->durability != server.cfg.durability ||
	    cfg->http_enabled != server.cfg.http_enabled ||
	    strcmp(cfg->http_bind, server.cfg.http_bind) != 0 ||
	    cfg->http_port != server.cfg.http_port ||
	    cfg->auth_hash_threads != server.cfg.auth_hash_threads)
		log_warnx("reload: listeners, data_dir, durability and "
		    "hash_threads change only at restart");
	/* Keep what only a restart changes; take the rest. */
	memcpy(cfg->bind, server.cfg.bind, sizeof cfg->bind);
	cfg->port = server.cfg.port;
	memcpy(cfg->unixsocket, server.cfg.unixsocket, sizeof cfg->unixsocket);
	memcpy(cfg->data_dir, server.cfg.data_dir, sizeof cfg->data_dir);
	cfg->durability = server.cfg.durability;
	cfg->http_enabled = server.cfg.http_enabled;
	memcpy(cfg->http_bind, server.cfg.http_bind, sizeof cfg->http_bind);
	cfg->http_port = server.cfg.http_port;
	cfg->auth_hash_threads = server.cfg.auth_hash_threads;
	/* The engine now uses the new calendars: the old zones can go. */
	config_free(&server.cfg);
	server.cfg = *cfg;
	free(cfg);
	log_set_level(server.cfg.log_level);
	server_throttle_conf();
	server_sync_users();
	engine_event_init(&ev, EV_CONFIG_RELOADED, server_now(), "system");
	journal_emit(server.journal, &ev);
	log_info("configuration reloaded from %s", server.config_path);
	return (0);
}

void
server_run(void)
{
	while (!server.shutdown) {
		event_base_loop(server.base, EVLOOP_ONCE);
		server_after_iteration();
	}
}

static int
server_outputs_pending(void)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &server.conns, entry) {
		if ((c->flags & CONN_DEAD) == 0 && evbuffer_get_length(
		    bufferevent_get_output(c->bev)) > 0)
			return (1);
	}
	return (0);
}

/* Stop accepting, commit what is pending, send what is owed, close. */
void
server_finish(void)
{
	struct conn	*c;
	hl_ms		 deadline = server_now() + 2000;
	char		 err[STORE_ERRMAX];

	server.ready = 0;
	http_stop();
	if (server.tcp != NULL)
		evconnlistener_free(server.tcp);
	if (server.unix_listener != NULL) {
		evconnlistener_free(server.unix_listener);
		unlink(server.cfg.unixsocket);
	}
	server.tcp = server.unix_listener = NULL;
	server_after_iteration();
	while (server_outputs_pending() && server_now() < deadline)
		event_base_loop(server.base, EVLOOP_NONBLOCK);
	/* No logout events now: nothing would commit them. */
	TAILQ_FOREACH(c, &server.conns, entry) {
		c->authed = 0;
		conn_kill(c, "shutdown");
	}
	conn_free_dead();
	if (journal_pending(server.journal))
		journal_discard(server.journal);
	/* Records kept while commits failed: a last try, then the log. */
	if (journal_backlog(server.journal) > 0 &&
	    journal_commit(server.journal, server.store, server.engine,
	    err) != 0)
		journal_drop_backlog(server.journal, err);
	hasher_stop();
	report_stop();
	retention_stop();
	throttle_clear();
	engine_free(server.engine);
	config_free(&server.cfg);
	journal_free(server.journal);
	pubsub_free();
	store_close(server.store);
	session_clear_key();
	event_free(server.accept_retry);
	event_free(server.engine_timer);
	event_free(server.commit_retry);
	presence_free();
	event_free(server.sig_term);
	event_free(server.sig_int);
	event_free(server.sig_hup);
	event_base_free(server.base);
	log_info("hotlined stopped");
}
