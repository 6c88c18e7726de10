/*
 * fuzz_cmd.c: libFuzzer target for command sequences through the real
 * daemon: the event loop's read path, cmd_dispatch(), every handler, the
 * engine, the journal's group commit into a real store (SQLite in a fresh
 * temporary folder per input), pub/sub and AGENT NEXT's waiters. Nothing
 * of the dispatcher is copied here: the harness only plays the clients
 * and the clock.
 *
 * Each input is a fresh daemon (server_init with the configuration below,
 * test clock on, on a copy of the data folder a first start left) with
 * eight client slots, seven already logged in by conn_login() as the
 * daemon does after a good AUTH, with the role the store gives:
 *
 *	0 admin (admin)    1 sam (supervisor)   2 alice (agent)
 *	3 bob (agent)      4 carol (agent, capacity 2, group senior)
 *	5 vera (agent, group vip)               6 pbx (integration)
 *	7 not logged in (AUTH <user> <user>-pw logs in)
 *
 * The input is read line by line:
 *
 *	<slot> <command>	the slot's client sends the inline command
 *				(Redis quoting: "a b", "\x00"); the loop
 *				iteration ends: commit, replies, resumes
 *	<slot>&<command>	the same, in one iteration with the next line
 *	+<n>[s|m|h|d]		the virtual clock moves forward n ms (or s, m,
 *				h, d): engine timers and AGENT NEXT timeouts
 *				that fall due fire
 *	x<slot>			the slot's client hangs up; its next command
 *				comes from a fresh connection of the same user
 *	!			the daemon restarts on its data folder (after
 *				the check below), clients reconnect
 *	# ...			a comment
 *
 * After every line: the engine's invariants (engine_check_invariants: one
 * offer per ticket and per agent, both sides agreeing; active counts;
 * shown statuses; no free agent beside a waiting ticket it may take,
 * cooldowns aside; queue counters equal to a recount; SLA breaches fired
 * when due; follow-up links), no
 * commit failed, blocked clients counted right and none left waiting with
 * its offer out, every session acting with
 * its user's current role, every reply well-formed RESP2 and one reply
 * per command (outside pub/sub), the events channel's seqs going up. At
 * the end and before a restart: the store, reloaded into a second engine,
 * holds what the live engine holds (what was acknowledged was saved). A
 * broken check aborts, which libFuzzer reports as a crash; so does
 * undefined behaviour (built with -fno-sanitize-recover) and a leak.
 *
 * FUZZ_CMD_TRACE=1 shows each line and the replies it got.
 *
 * Password hashing: Argon2id costs ~0.1 s a call by design, which would
 * leave the fuzzer a handful of runs a second; auth_init, auth_hash and
 * auth_verify are replaced below by a fast keyed hash with the same
 * contract, and daemon/security/auth.c is not linked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "auth.h"
#include "config.h"
#include "conn.h"
#include "hasher.h"
#include "journal.h"
#include "log.h"
#include "report.h"
#include "server.h"
#include "store.h"
#include "waiters.h"

int	LLVMFuzzerInitialize(int *, char ***);
static void	fz_start(void);
static void	fz_copy_dir(const char *, const char *);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_FAIL(...) do {						\
	fprintf(stderr, "fuzz_cmd: %s:%d: ", __FILE__, __LINE__);	\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	abort();							\
} while (0)
#define FZ_CHECK(cond) do {						\
	if (!(cond))							\
		FZ_FAIL("%s", #cond);					\
} while (0)

/* Monday 2 March 2026, 08:00 UTC (09:00 in the office calendar). */
#define FZ_T0		"1772438400000"
#define FZ_SLOTS	8
#define FZ_LINE_MAX	(16 * 1024)

static const struct {
	const char	*user;
	int		 role;		/* 0: not logged in */
} fz_users[FZ_SLOTS] = {
	{ "admin", ROLE_ADMIN },
	{ "sam", ROLE_SUPERVISOR },
	{ "alice", ROLE_AGENT },
	{ "bob", ROLE_AGENT },
	{ "carol", ROLE_AGENT },
	{ "vera", ROLE_AGENT },
	{ "pbx", ROLE_INTEGRATION },
	{ NULL, 0 }
};

/*
 * Short times, so that a few clock steps reach every timer: offers,
 * ladder steps, wrap-up, SLA warnings, breaches and escalation steps,
 * cooldowns, follow-ups. Two queues keep office hours.
 */
static const char fz_config[] =
    "[server]\n"
    "bind =\n"
    "unixsocket =\n"
    "data_dir = %s\n"
    "log_level = error\n"
    "protected_mode = no\n"
    "[http]\n"
    "enabled = no\n"
    "[auth]\n"
    "fail_delay = 0\n"
    "fail_delay_max = 0\n"
    "lock_after = 3\n"
    "lock_time = 1m\n"
    "[routing]\n"
    "reject_cooldown = 20s\n"
    "short_abandon = 5s\n"
    "[insight]\n"
    "repeat_window = 1d\n"
    "complaints_queue = complaints\n"
    "[tier standard]\n"
    "priority = 0\n"
    "ladder = group senior 20s if complaints >= 2, skilled\n"
    "[tier silver]\n"
    "priority = 100\n"
    "ladder = group senior 10s if repeat, skilled\n"
    "[tier gold]\n"
    "priority = 200\n"
    "ladder = manager 10s, group senior 10s if complaints >= 1, skilled\n"
    "[tier diamond]\n"
    "priority = 300\n"
    "ladder = manager 10s, group vip 10s, skilled\n"
    "[calendar office]\n"
    "timezone = Europe/Paris\n"
    "mon-fri = 08:00-12:30, 13:30-20:00\n"
    "sat = 09:00-13:00\n"
    "sun = closed\n"
    "holidays = 01-01, 05-01, 12-25\n"
    "[sla standard]\n"
    "answer = 60s\n"
    "resolve = 1h\n"
    "step = answer 100%% notify\n"
    "[sla gold]\n"
    "answer = 30s\n"
    "resolve = 30m\n"
    "step = answer 100%% notify, boost 100\n"
    "step = resolve 100%% notify, page\n"
    "[sla diamond]\n"
    "answer = 20s\n"
    "resolve = 20m\n"
    "warning = 75%%\n"
    "step = answer 50%% notify\n"
    "step = answer 100%% boost 200, page\n"
    "step = answer 150%% overflow general\n"
    "step = resolve 100%% notify, page\n"
    "[sla diamond complaints]\n"
    "answer = 15s\n"
    "[queue general]\n"
    "strategy = longest-idle\n"
    "wrapup = 5s\n"
    "offer_timeout = 10s\n"
    "max_missed = 2\n"
    "[queue billing]\n"
    "calendar = office\n"
    "strategy = least-busy\n"
    "wrapup = 3s\n"
    "offer_timeout = 10s\n"
    "max_missed = 3\n"
    "overflow = general\n"
    "[queue tech]\n"
    "strategy = top-skill\n"
    "offer_timeout = 15s\n"
    "max_missed = 2\n"
    "overflow = general\n"
    "[queue complaints]\n"
    "calendar = office\n"
    "strategy = round-robin\n"
    "wrapup = 10s\n"
    "offer_timeout = 10s\n"
    "max_missed = 1\n"
    "overflow = general\n"
    "[queue lottery]\n"
    "strategy = random\n"
    "offer_timeout = 5s\n"
    "max_missed = 1\n"
    "[followup best]\n"
    "tiers = gold, diamond\n"
    "segments = enterprise\n"
    "queue = general\n"
    "delay = 1h\n"
    "skip_dispositions = spam, duplicate\n"
    "subject = Satisfaction follow-up\n"
    "[user admin]\n"
    "role = admin\n"
    "password_hash = %s\n"
    "[user sam]\n"
    "role = supervisor\n"
    "skills = general:5, complaints:5\n"
    "password_hash = %s\n"
    "[user alice]\n"
    "role = agent\n"
    "skills = billing:5, general:3, lottery:1\n"
    "password_hash = %s\n"
    "[user bob]\n"
    "role = agent\n"
    "skills = tech:4, general:3, lottery:2\n"
    "password_hash = %s\n"
    "[user carol]\n"
    "role = agent\n"
    "skills = complaints:5, billing:3, general:2\n"
    "groups = senior\n"
    "capacity = 2\n"
    "password_hash = %s\n"
    "[user vera]\n"
    "role = agent\n"
    "skills = billing:4, tech:3, general:4\n"
    "groups = vip, senior\n"
    "password_hash = %s\n"
    "[user pbx]\n"
    "role = integration\n"
    "password_hash = %s\n";

static char	fz_root[512];		/* the process's temporary folder */
static char	fz_conf[600];
static char	fz_data[600];
static char	fz_tmpl[600];		/* the data folder after a first start */

struct fz_slot {
	uint64_t	id;		/* its connection's id, 0: none yet */
	int		peer;		/* the client's end of the socket pair */
	char		*in;		/* replies received, not yet parsed */
	size_t		 inlen;
	/* One reply per command, unless pub/sub or a protocol error (a
	 * reply to no command) was seen on the connection. */
	uint64_t	 replies;
	int		 uncounted;
	long long	 last_seq;	/* of the events channel's messages */
	/* AGENT NEXT with a timeout: when it falls due in virtual time. */
	uint64_t	 block_cmds;	/* c->commands when it blocked */
	hl_ms		 block_due;	/* 0: not blocked with a timeout */
};

static struct fz_slot	fz_slot[FZ_SLOTS];
static int		fz_trace;	/* FUZZ_CMD_TRACE=1: show the dialogue */

/* ---- Password hashing stand-in (see the top comment). ---- */

int
auth_init(void)
{
	return (sodium_init() < 0 ? -1 : 0);
}

int
auth_hash(const char *password, size_t len, char *out, size_t outlen)
{
	static const char	prefix[] = "$argon2id$fuzz$";
	unsigned char		h[16];
	size_t			i;

	if (outlen < sizeof prefix + 2 * sizeof h)
		return (-1);
	crypto_generichash(h, sizeof h, (const unsigned char *)password,
	    len, NULL, 0);
	memcpy(out, prefix, sizeof prefix - 1);
	for (i = 0; i < sizeof h; i++)
		snprintf(out + sizeof prefix - 1 + 2 * i, 3, "%02x", h[i]);
	return (0);
}

int
auth_verify(const char *hash, const char *password, size_t len)
{
	char	mine[AUTH_HASH_MAX];

	if (hash == NULL || *hash == '\0' ||
	    auth_hash(password, len, mine, sizeof mine) != 0)
		return (0);
	return (strlen(hash) == strlen(mine) &&
	    sodium_memcmp(hash, mine, strlen(mine)) == 0);
}

/* ---- Set-up ---- */

static void
fz_write_config(void)
{
	char	h[7][AUTH_HASH_MAX], pw[64];
	FILE	*fp;
	int	i;

	for (i = 0; i < 7; i++) {
		snprintf(pw, sizeof pw, "%s-pw", fz_users[i].user);
		FZ_CHECK(auth_hash(pw, strlen(pw), h[i], sizeof h[i]) == 0);
	}
	FZ_CHECK((fp = fopen(fz_conf, "w")) != NULL);
	fprintf(fp, fz_config, fz_data, h[0], h[1], h[2], h[3], h[4], h[5],
	    h[6]);
	FZ_CHECK(fclose(fp) == 0);
}

static void
fz_cleanup(void)
{
	char	cmd[700];

	if (fz_root[0] == '\0')
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fz_root);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_cmd: cannot remove %s\n", fz_root);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");
	struct stat	 st;

	/* A RAM disk when there is one: a store per input. */
	if (tmp == NULL || *tmp == '\0')
		tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fz_root, sizeof fz_root, "%s/fuzz_cmd.XXXXXX", tmp);
	if (mkdtemp(fz_root) == NULL) {
		fprintf(stderr, "fuzz_cmd: mkdtemp %s: %s\n", fz_root,
		    strerror(errno));
		exit(1);
	}
	atexit(fz_cleanup);
	snprintf(fz_conf, sizeof fz_conf, "%s/hotline.conf", fz_root);
	snprintf(fz_data, sizeof fz_data, "%s/data", fz_root);
	FZ_CHECK(auth_init() == 0);
	fz_write_config();
	setenv("HOTLINE_TEST_CLOCK", FZ_T0, 1);
	log_init(LOG_LEVEL_ERROR, NULL);
	fz_trace = getenv("FUZZ_CMD_TRACE") != NULL;
	/* A first start, kept as every input's starting point. */
	fz_start();
	server_finish();
	snprintf(fz_tmpl, sizeof fz_tmpl, "%s/template", fz_root);
	fz_copy_dir(fz_data, fz_tmpl);
	return (0);
}

/* The data folder starts empty for every input. */
static void
fz_empty_data(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[900];

	if ((d = opendir(fz_data)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", fz_data, de->d_name);
		FZ_CHECK(unlink(path) == 0);
	}
	closedir(d);
}

static void
fz_copy(const char *from, const char *to)
{
	char	buf[64 * 1024];
	int	in, out;
	ssize_t	n;

	FZ_CHECK((in = open(from, O_RDONLY | O_CLOEXEC)) >= 0);
	FZ_CHECK((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) >= 0);
	while ((n = read(in, buf, sizeof buf)) > 0)
		FZ_CHECK(write(out, buf, (size_t)n) == n);
	FZ_CHECK(n == 0);
	close(in);
	close(out);
}

/*
 * Each input starts from the folder a first start left (schema made, key
 * drawn, configured users saved): creating them anew for every input
 * took most of its time.
 */
static void
fz_copy_dir(const char *from, const char *to)
{
	DIR		*d;
	struct dirent	*de;
	char		 a[900], b[900];

	FZ_CHECK((d = opendir(from)) != NULL);
	if (mkdir(to, 0700) != 0)
		FZ_CHECK(errno == EEXIST);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, "hotline.db") != 0 &&
		    strcmp(de->d_name, "hotline.key") != 0)
			continue;
		snprintf(a, sizeof a, "%s/%s", from, de->d_name);
		snprintf(b, sizeof b, "%s/%s", to, de->d_name);
		fz_copy(a, b);
	}
	closedir(d);
}

/* ---- Clients ---- */

static struct conn *
fz_find(uint64_t id)
{
	struct conn	*c;

	if (id == 0)
		return (NULL);
	TAILQ_FOREACH(c, &server.conns, entry) {
		if (c->id == id)
			return ((c->flags & CONN_DEAD) != 0 ? NULL : c);
	}
	return (NULL);
}

static void
fz_slot_close(struct fz_slot *s)
{
	if (s->peer >= 0)
		close(s->peer);
	s->peer = -1;
	s->id = 0;
	free(s->in);	/* nothing outlives an input: leak checks stay exact */
	s->in = NULL;
	s->inlen = 0;
	s->block_due = 0;
	s->replies = 0;
	s->uncounted = 0;
	s->last_seq = 0;
}

/* The slot's connection, opened (and logged in) if it has none. */
static struct conn *
fz_conn(int i)
{
	struct fz_slot		*s = &fz_slot[i];
	struct conn		*c;
	struct store_user	 u;
	char			 addr[64];
	int			 sv[2];

	if ((c = fz_find(s->id)) != NULL &&
	    (c->flags & CONN_CLOSE) == 0)
		return (c);
	fz_slot_close(s);
	FZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv) == 0);
	snprintf(addr, sizeof addr, "10.0.0.%d:%d", i + 1, 40000 + i);
	conn_accept(sv[0], addr, 0);
	c = TAILQ_LAST(&server.conns, conn_list);
	if (c == NULL || c->fd != sv[0]) {
		/* Refused (max_clients): the client sees its socket close. */
		close(sv[1]);
		return (NULL);
	}
	s->id = c->id;
	s->peer = sv[1];
	/* Logged in as a good AUTH would: with the role the store gives,
	 * and not at all if the user is gone. */
	if (fz_users[i].role != 0 &&
	    store_get_user(server.store, fz_users[i].user, &u))
		conn_login(c, fz_users[i].user, u.role);
	return (c);
}

/* ---- Replies: every byte a client receives is well-formed RESP2 ---- */

static const char *
fz_crlf(const char *p, const char *end)
{
	for (; p + 1 < end; p++) {
		if (p[0] == '\r' && p[1] == '\n')
			return (p);
		if (p[0] == '\r' || p[0] == '\n')
			FZ_FAIL("bare CR or LF in a reply line");
	}
	return (NULL);
}

static long long
fz_int(const char *p, const char *e)
{
	long long	v = 0;
	int		neg = 0;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	if (p == e || e - p > 18)
		FZ_FAIL("bad integer in a reply");
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			FZ_FAIL("bad integer in a reply");
		v = v * 10 + (*p - '0');
	}
	return (neg ? -v : v);
}

/* Bytes of one complete reply at p, 0 if incomplete; aborts if bad. */
static size_t
fz_reply(const char *p, const char *end, int depth)
{
	const char	*e, *q;
	long long	 n, i;
	size_t		 k;

	if (p == end)
		return (0);
	FZ_CHECK(depth < 32);
	if ((e = fz_crlf(p + 1, end)) == NULL)
		return (0);
	switch (*p) {
	case '+':
		return ((size_t)(e + 2 - p));
	case '-':
		/* "-CODE message": the code in capitals. */
		FZ_CHECK(e > p + 1 && p[1] >= 'A' && p[1] <= 'Z');
		return ((size_t)(e + 2 - p));
	case ':':
		(void)fz_int(p + 1, e);
		return ((size_t)(e + 2 - p));
	case '$':
		n = fz_int(p + 1, e);
		FZ_CHECK(n >= -1);
		if (n == -1)
			return ((size_t)(e + 2 - p));
		if (end - (e + 2) < n + 2)
			return (0);
		q = e + 2 + n;
		FZ_CHECK(q[0] == '\r' && q[1] == '\n');
		return ((size_t)(q + 2 - p));
	case '*':
		n = fz_int(p + 1, e);
		FZ_CHECK(n >= -1);
		q = e + 2;
		for (i = 0; i < n; i++) {
			if ((k = fz_reply(q, end, depth + 1)) == 0)
				return (0);
			q += k;
		}
		return ((size_t)(q - p));
	default:
		FZ_FAIL("reply starts with 0x%02x", (unsigned char)*p);
	}
	return (0);
}

static void
fz_show(int slot, const char *p, size_t n)
{
	size_t	i;

	fprintf(stderr, "  %d< ", slot);
	for (i = 0; i < n && i < 400; i++) {
		if (p[i] == '\r')
			continue;
		fputc(p[i] == '\n' ? ' ' : p[i], stderr);
	}
	fputc('\n', stderr);
}

static int
fz_starts(const char *p, size_t n, const char *with)
{
	return (n >= strlen(with) && strncasecmp(p, with, strlen(with)) == 0);
}

/*
 * The events channel carries every committed event once, in journal
 * order: its seqs only go up.
 */
static void
fz_events_seq(struct fz_slot *s, const char *q, size_t n)
{
	static const char	head[] = "message\r\n$6\r\nevents\r\n";
	const char		*at, *end = q + n;
	long long		 seq;

	if (!fz_starts(q, n, head))
		return;
	for (at = q; at + 6 < end && memcmp(at, "\"seq\":", 6) != 0; at++)
		;
	if (at + 6 >= end)
		FZ_FAIL("an event without its seq");
	for (seq = 0, at += 6; at < end && *at >= '0' && *at <= '9'; at++)
		seq = seq * 10 + (*at - '0');
	if (seq <= s->last_seq)
		FZ_FAIL("event seq %lld after %lld on channel events", seq,
		    s->last_seq);
	s->last_seq = seq;
}

static void
fz_count(struct fz_slot *s, const char *p, size_t n)
{
	const char	*q;

	s->replies++;
	if (fz_starts(p, n, "-ERR Protocol error"))
		s->uncounted = 1;
	if (*p != '*' || (q = memchr(p, '\n', n)) == NULL ||
	    (q = memchr(q + 1, '\n', n - (size_t)(q + 1 - p))) == NULL)
		return;
	/* Pub/sub shapes: ["subscribe", ...], ["message", ...], ... */
	q++;
	n -= (size_t)(q - p);
	fz_events_seq(s, q, n);
	if (fz_starts(q, n, "subscribe") || fz_starts(q, n, "unsubscribe") ||
	    fz_starts(q, n, "psubscribe") || fz_starts(q, n, "punsubscribe") ||
	    fz_starts(q, n, "message") || fz_starts(q, n, "pmessage") ||
	    fz_starts(q, n, "pong"))
		s->uncounted = 1;
}

/* Read what the slot's client was sent and check it. */
static void
fz_drain(struct fz_slot *s)
{
	char	buf[64 * 1024], *p;
	ssize_t	n;
	size_t	at, k;

	if (s->peer < 0)
		return;
	while ((n = read(s->peer, buf, sizeof buf)) > 0) {
		FZ_CHECK((p = realloc(s->in, s->inlen + (size_t)n)) != NULL);
		s->in = p;
		memcpy(s->in + s->inlen, buf, (size_t)n);
		s->inlen += (size_t)n;
	}
	if (s->inlen == 0)
		return;
	for (at = 0; (k = fz_reply(s->in + at, s->in + s->inlen, 0)) > 0; ) {
		if (fz_trace)
			fz_show((int)(s - fz_slot), s->in + at, k);
		fz_count(s, s->in + at, k);
		at += k;
	}
	memmove(s->in, s->in + at, s->inlen - at);
	s->inlen -= at;
}

/* ---- The loop, driven by hand ---- */

static void
fz_iteration(void)
{
	event_base_loop(server.base, EVLOOP_NONBLOCK);
	server_after_iteration();
}

static int
fz_waiting(void)
{
	struct conn	*c;

	if (hasher_stats()->queued > 0 || hasher_stats()->running > 0 ||
	    report_pending() > 0)
		return (1);
	TAILQ_FOREACH(c, &server.conns, entry) {
		if ((c->flags & CONN_DEAD) == 0 &&
		    (c->flags & (CONN_WAIT_AUTH | CONN_WAIT_REPORT)) != 0)
			return (1);
	}
	return (0);
}

/* Until every client has what it was sent and nothing is in flight. */
static void
fz_settle(void)
{
	struct conn	*c;
	int		 i, rounds, more, avail;

	for (rounds = 0; ; rounds++) {
		FZ_CHECK(rounds < 100000);
		more = 0;
		for (i = 0; i < FZ_SLOTS; i++) {
			if ((c = fz_find(fz_slot[i].id)) == NULL ||
			    (c->flags & CONN_READ_OFF) != 0)
				continue;
			if (ioctl(c->fd, FIONREAD, &avail) == 0 && avail > 0)
				more = 1;
		}
		if (fz_waiting()) {
			/* A hash or a report on its thread: wait for it. */
			event_base_loop(server.base, EVLOOP_ONCE);
			server_after_iteration();
		} else if (more)
			fz_iteration();
		else
			break;
		for (i = 0; i < FZ_SLOTS; i++)
			fz_drain(&fz_slot[i]);
	}
	for (i = 0; i < FZ_SLOTS; i++)
		fz_drain(&fz_slot[i]);
}

static void
fz_send(int i, const char *cmd, size_t len)
{
	static const char	 crlf[] = "\r\n";
	struct fz_slot		*s = &fz_slot[i];
	size_t			 off = 0;
	ssize_t			 n;

	if (fz_conn(i) == NULL)
		return;

	while (off < len + 2) {
		n = off < len ? write(s->peer, cmd + off, len - off) :
		    write(s->peer, crlf + (off - len), len + 2 - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		FZ_CHECK(n < 0 && errno == EAGAIN);
		/* The socket is full: let the daemon read (or not). */
		fz_iteration();
		fz_drain(s);
		if (fz_find(s->id) == NULL)
			return;
	}
}

static void
fz_hangup(int i)
{
	struct fz_slot	*s = &fz_slot[i];
	struct conn	*c = fz_find(s->id);

	if (c == NULL)
		return;
	close(s->peer);
	s->peer = -1;
	fz_iteration();
	/* Reading paused (a blocked agent's full pipeline): the daemon
	 * notices the hang-up through the write side instead. */
	if ((c = fz_find(s->id)) != NULL)
		conn_kill(c, "closed by client");
	server_after_iteration();
	fz_slot_close(s);
}

/* AGENT NEXT's timeouts are real-time timers: fire them in virtual time. */
static void
fz_note_blocked(void)
{
	struct fz_slot	*s;
	struct conn	*c;
	struct timeval	 at, now;
	hl_ms		 left;
	int		 i;

	for (i = 0; i < FZ_SLOTS; i++) {
		s = &fz_slot[i];
		if ((c = fz_find(s->id)) == NULL ||
		    (c->flags & CONN_BLOCKED) == 0) {
			s->block_due = 0;
			continue;
		}
		if (s->block_due != 0 && s->block_cmds == c->commands)
			continue;
		s->block_due = 0;
		s->block_cmds = c->commands;
		if (c->block_timer == NULL ||
		    !event_pending(c->block_timer, EV_TIMEOUT, &at))
			continue;
		gettimeofday(&now, NULL);
		left = (hl_ms)(at.tv_sec - now.tv_sec) * 1000 +
		    (at.tv_usec - now.tv_usec) / 1000;
		/* Timeouts are whole seconds. */
		left = (left + 999) / 1000 * 1000;
		s->block_due = server_now() + (left > 0 ? left : 0);
	}
}

static void
fz_clock(hl_ms step)
{
	struct conn	*c;
	hl_ms		 now = server_now() + step;
	int		 i;

	FZ_CHECK(server_set_clock(now) == 0);
	for (i = 0; i < FZ_SLOTS; i++) {
		if (fz_slot[i].block_due == 0 || fz_slot[i].block_due > now ||
		    (c = fz_find(fz_slot[i].id)) == NULL ||
		    (c->flags & CONN_BLOCKED) == 0)
			continue;
		event_active(c->block_timer, EV_TIMEOUT, 1);
		fz_slot[i].block_due = 0;
	}
	fz_iteration();
}

/* ---- Invariants ---- */

/* The engine's, from the engine's own checker (daemon/engine/check.c). */
static void
fz_check_engine(void)
{
	char	err[ENGINE_ERRMAX];

	if (engine_check_invariants(server.engine, server_now(), err,
	    sizeof err) != 0)
		FZ_FAIL("%s", err);
}

static void
fz_check(void)
{
	const struct journal_stats	*js = journal_stats(server.journal);
	struct conn			*c;
	struct fz_slot			*s;
	struct store_user		 u;
	size_t				 blocked = 0;
	int				 i;

	if (js->failures != 0)
		FZ_FAIL("a commit failed: %s", js->last_error);
	FZ_CHECK(!journal_pending(server.journal));
	TAILQ_FOREACH(c, &server.conns, entry) {
		if ((c->flags & CONN_DEAD) != 0)
			continue;
		if ((c->flags & CONN_BLOCKED) != 0) {
			blocked++;
			FZ_CHECK(c->authed);
		}
	}
	FZ_CHECK(waiters_count() == blocked);
	/* An offer wakes the agent's first AGENT NEXT: an agent blocked with
	 * an offer out missed it, unless another of its sessions took it.
	 * When the session shown the offer hangs up, the offer goes to a
	 * desk still waiting (waiters_closed()). */
	TAILQ_FOREACH(c, &server.conns, entry) {
		const struct agent	*a;
		struct conn		*o;

		if ((c->flags & (CONN_DEAD | CONN_BLOCKED)) != CONN_BLOCKED ||
		    (a = engine_agent_get(server.engine, c->user)) == NULL ||
		    a->offer == 0)
			continue;
		TAILQ_FOREACH(o, &server.conns, entry) {
			if (o != c && (o->flags & (CONN_DEAD |
			    CONN_BLOCKED)) == 0 && o->authed &&
			    strcmp(o->user, c->user) == 0)
				break;
		}
		if (o == NULL)
			FZ_FAIL("client %llu (%s) still waits in AGENT NEXT "
			    "with offer %llu out", (unsigned long long)c->id,
			    c->user, (unsigned long long)a->offer);
	}
	/* A session acts as its user is now: deleted, it is closed; given
	 * another role, it has that role. */
	TAILQ_FOREACH(c, &server.conns, entry) {
		if ((c->flags & (CONN_DEAD | CONN_CLOSE)) != 0 || !c->authed)
			continue;
		if (!store_get_user(server.store, c->user, &u))
			FZ_FAIL("client %llu logged in as %s, a user no more",
			    (unsigned long long)c->id, c->user);
		if (u.role != c->role)
			FZ_FAIL("client %llu logged in as %s with role %s, "
			    "the user's role is %s", (unsigned long long)c->id,
			    c->user, role_name(c->role), role_name(u.role));
	}
	for (i = 0; i < FZ_SLOTS; i++) {
		s = &fz_slot[i];
		if ((c = fz_find(s->id)) == NULL || s->uncounted ||
		    (c->flags & (CONN_BLOCKED | CONN_WAIT_AUTH |
		    CONN_WAIT_REPORT | CONN_PUBSUB | CONN_CLOSE)) != 0)
			continue;
		if (s->replies != c->commands)
			FZ_FAIL("client %d: %llu commands, %llu replies", i,
			    (unsigned long long)c->commands,
			    (unsigned long long)s->replies);
	}
	fz_check_engine();
}

/* ---- What was acknowledged was saved ---- */

static void
fz_noemit(void *arg, const struct engine_event *ev)
{
}

static int
fz_streq(const char *a, const char *b)
{
	return (strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0);
}

static void
fz_same_ticket(const struct ticket *t, void *arg)
{
	struct engine		*saved = arg;
	const struct ticket	*s = engine_ticket_get(saved, t->id);
	enum ticket_state	 want;
	int			 i;

	if (s == NULL)
		FZ_FAIL("ticket %llu (%s) not in the store",
		    (unsigned long long)t->id, ticket_state_name(t->state));
	/* An offer is live state: the restored ticket waits again. */
	want = t->state == TICKET_OFFERED ? TICKET_QUEUED : t->state;
	if (s->state != want)
		FZ_FAIL("ticket %llu is %s, stored %s",
		    (unsigned long long)t->id, ticket_state_name(t->state),
		    ticket_state_name(s->state));
	if (strcmp(s->queue, t->queue) != 0 ||
	    strcmp(s->customer, t->customer) != 0 ||
	    strcmp(s->tier, t->tier) != 0 ||
	    strcmp(s->channel, t->channel) != 0 ||
	    !fz_streq(s->subject, t->subject) ||
	    !fz_streq(s->disposition, t->disposition) ||
	    s->priority != t->priority || s->created != t->created ||
	    s->followup_of != t->followup_of || s->followup != t->followup ||
	    s->csat != t->csat || s->nattrs != t->nattrs)
		FZ_FAIL("ticket %llu differs from its stored row",
		    (unsigned long long)t->id);
	if ((want == TICKET_ACTIVE || want == TICKET_PENDING) &&
	    strcmp(s->agent, t->agent) != 0)
		FZ_FAIL("ticket %llu held by %s, stored %s",
		    (unsigned long long)t->id, t->agent, s->agent);
	for (i = 0; i < t->nattrs; i++) {
		if (!fz_streq(s->attrs[i].key, t->attrs[i].key) ||
		    !fz_streq(s->attrs[i].value, t->attrs[i].value))
			FZ_FAIL("ticket %llu attribute %d differs",
			    (unsigned long long)t->id, i);
	}
}

static void
fz_same_customer(struct engine *saved, const char *id)
{
	const struct customer	*c = engine_customer_get(server.engine, id);
	const struct customer	*s = engine_customer_get(saved, id);
	int			 i;

	if (c == NULL)
		return;
	if (s == NULL)
		FZ_FAIL("customer %s not in the store", id);
	if (!fz_streq(c->name, s->name) || !fz_streq(c->phone, s->phone) ||
	    strcmp(c->tier, s->tier) != 0 || c->segment != s->segment ||
	    strcmp(c->manager, s->manager) != 0 || c->nattrs != s->nattrs)
		FZ_FAIL("customer %s differs from its stored row", id);
	for (i = 0; i < c->nattrs; i++) {
		if (!fz_streq(s->attrs[i].key, c->attrs[i].key) ||
		    !fz_streq(s->attrs[i].value, c->attrs[i].value))
			FZ_FAIL("customer %s attribute %d differs", id, i);
	}
}

static void
fz_same_ticket_customer(const struct ticket *t, void *arg)
{
	fz_same_customer(arg, t->customer);
}

static void
fz_same_agent(const struct agent *a, void *arg)
{
	struct engine		*saved = arg;
	const struct agent	*s = engine_agent_get(saved, a->name);
	int			 i;

	if (s == NULL)
		FZ_FAIL("agent %s not in the store", a->name);
	if (s->role != a->role || s->capacity != a->capacity ||
	    s->nskills != a->nskills || s->ngroups != a->ngroups)
		FZ_FAIL("agent %s differs from its stored row", a->name);
	/* Names compared as strings: the bytes after a name's NUL are
	 * whatever an earlier, longer value left there. */
	for (i = 0; i < a->nskills; i++)
		if (strcmp(s->skills[i].queue, a->skills[i].queue) != 0 ||
		    s->skills[i].level != a->skills[i].level)
			FZ_FAIL("agent %s skill %d differs from its stored "
			    "row", a->name, i);
	for (i = 0; i < a->ngroups; i++)
		if (strcmp(s->groups[i], a->groups[i]) != 0)
			FZ_FAIL("agent %s group %d differs from its stored "
			    "row", a->name, i);
}

static void
fz_count_agent(const struct agent *a, void *arg)
{
	(*(size_t *)arg)++;
}

static void
fz_check_store(void)
{
	struct engine_config	 ec;
	struct engine		*saved;
	char			 err[STORE_ERRMAX];
	size_t			 n1 = 0, n2 = 0;

	config_engine(&server.cfg, &ec);
	FZ_CHECK((saved = engine_new(&ec, fz_noemit, NULL)) != NULL);
	if (store_load(server.store, saved, err) != 0)
		FZ_FAIL("reloading the store: %s", err);
	engine_restore_done(saved, server_now());
	if (engine_ticket_count(saved) != engine_ticket_count(server.engine))
		FZ_FAIL("%zu tickets open, %zu in the store",
		    engine_ticket_count(server.engine),
		    engine_ticket_count(saved));
	engine_ticket_foreach(server.engine, fz_same_ticket, saved);
	engine_ticket_foreach(server.engine, fz_same_ticket_customer, saved);
	engine_agent_foreach(server.engine, fz_same_agent, saved);
	engine_agent_foreach(server.engine, fz_count_agent, &n1);
	engine_agent_foreach(saved, fz_count_agent, &n2);
	if (n1 != n2)
		FZ_FAIL("%zu agents, %zu in the store", n1, n2);
	FZ_CHECK(engine_next_id(saved) == engine_next_id(server.engine));
	engine_free(saved);
}

/* ---- One input ---- */

static hl_ms
fz_parse_step(const char *s, size_t n)
{
	hl_ms	v = 0;
	size_t	i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > 10LL * 365 * 86400 * 1000)
			break;
		v = v * 10 + (s[i] - '0');
	}
	if (i < n) {
		switch (s[i]) {
		case 's': v *= 1000; break;
		case 'm': v *= 60 * 1000; break;
		case 'h': v *= 3600 * 1000; break;
		case 'd': v *= 86400 * 1000; break;
		}
	}
	/* At most a year a step: timers over years add nothing. */
	if (v > 366LL * 86400 * 1000)
		v = 366LL * 86400 * 1000;
	return (v);
}

/* Start the daemon on the data folder as it is, the clock at `now`. */
static void
fz_boot(hl_ms now)
{
	struct config	*cfg;
	char		 err[CONFIG_ERRMAX], clock[32];
	int		 i;

	snprintf(clock, sizeof clock, "%lld", (long long)now);
	setenv("HOTLINE_TEST_CLOCK", clock, 1);
	FZ_CHECK((cfg = malloc(sizeof *cfg)) != NULL);
	config_defaults(cfg);
	if (config_load(cfg, fz_conf, err, sizeof err) != 0)
		FZ_FAIL("%s", err);
	if (server_init(fz_conf, cfg) != 0)
		FZ_FAIL("server_init failed");
	free(cfg);		/* server.cfg owns what it pointed to */
	/* libFuzzer's own handlers (Ctrl-C, -max_total_time) stay in force;
	 * the daemon's would swallow SIGTERM and SIGINT. */
	evsignal_del(server.sig_term);
	evsignal_del(server.sig_int);
	evsignal_del(server.sig_hup);
	journal_set_listener(server.journal, waiters_on_event, NULL);
	for (i = 0; i < FZ_SLOTS; i++) {
		fz_slot[i].peer = -1;
		fz_slot_close(&fz_slot[i]);
	}
}

static void
fz_start(void)
{
	fz_empty_data();
	if (fz_tmpl[0] != '\0')
		fz_copy_dir(fz_tmpl, fz_data);
	fz_boot(strtoll(FZ_T0, NULL, 10));
}

static void
fz_stop(void)
{
	int	i;

	fz_check_store();
	server_finish();
	for (i = 0; i < FZ_SLOTS; i++)
		fz_slot_close(&fz_slot[i]);
}

static void
fz_end(void)
{
	fz_stop();
}

/* A restart (as after kill -9, since every batch is committed): the
 * daemon recovers from the store; every client reconnects. */
static void
fz_restart(void)
{
	hl_ms	now = server_now();

	fz_stop();
	fz_boot(now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *nl;
	size_t		 len;
	int		 slot, batched = 0;

	fz_start();
	fz_check();
	for (; p < end && !server.shutdown; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len == 0 || p[0] == '#')
			continue;
		if (fz_trace)
			fprintf(stderr, "%.*s\n", (int)len, p);
		if (p[0] >= '0' && p[0] < '0' + FZ_SLOTS) {
			slot = p[0] - '0';
			if (len > FZ_LINE_MAX)
				len = FZ_LINE_MAX;
			/* "<slot> <command>": the command after the blank. */
			fz_send(slot, p + (len >= 2 ? 2 : 1),
			    len >= 2 ? len - 2 : 0);
			if (len >= 2 && p[1] == '&') {
				batched = 1;
				continue;
			}
			fz_iteration();
		} else if (p[0] == '+') {
			if (batched)
				fz_iteration();
			fz_clock(fz_parse_step(p + 1, len - 1));
		} else if (p[0] == '!') {
			if (batched)
				fz_iteration();
			fz_settle();
			fz_restart();
		} else if (p[0] == 'x' && len >= 2 && p[1] >= '0' &&
		    p[1] < '0' + FZ_SLOTS) {
			if (batched)
				fz_iteration();
			fz_hangup(p[1] - '0');
		} else
			continue;
		batched = 0;
		fz_settle();
		fz_note_blocked();
		fz_check();
	}
	if (batched) {
		fz_iteration();
		fz_settle();
		fz_check();
	}
	fz_end();
	return (0);
}
