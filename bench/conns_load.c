/*
 * conns_load: the client side of bench/conns. It holds many connections
 * against hotlined while something else (hotline-bench) loads it:
 *
 *  - --holds N connections, each logged in as its own agent user
 *    <prefix>1..N and AGENT READY: connected agents (bench/conns gives
 *    them a queue of their own, so the load is not offered to them);
 *  - --subscribers S connections SUBSCRIBEd to --channel (a wallboard
 *    each), reading and counting every message; the last --slow of them
 *    stop reading once subscribed, with a small receive buffer, so that
 *    the daemon's output to them piles up until pubsub_output_limit.
 *
 * When all are in place it prints "ready ..." and keeps serving, sampling
 * the resident memory of --pid every --sample-ms, until SIGTERM or SIGINT
 * (or --duration). Then the slow subscribers read what they were sent, to
 * see the daemon close them (or not, within --drain seconds); the report:
 * a "result k=v ..." line and one "rss <ms> <KiB>" line per sample, the
 * time counted from "ready".
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "xmalloc.h"

#define SLOW_RCVBUF	4096
#define MAX_SAMPLES	100000
#define STALL_S		60	/* none set up for so long: stuck */

enum step { S_AUTH, S_SECOND, S_LIVE };

struct cconn {
	struct load_conn lc;
	int		 sub;		/* a subscriber */
	int		 slow;		/* ... that stops reading */
	enum step	 step;
	uint64_t	 messages;
	int		 lost;		/* closed by the server */
	int64_t		 lost_at;
};

static struct {
	const char	*host;
	int		 port;
	int		 holds;
	const char	*prefix;
	const char	*password;
	int		 subs;
	int		 slow;
	const char	*sub_user;
	const char	*sub_password;
	const char	*channel;
	int		 pid;
	int		 sample_ms;
	int		 window;
	double		 duration;
	double		 drain;

	struct cconn	*conns;
	int		 nconns;
	int		 live;
	int64_t		 t0;
	int64_t		 ready_at;
	int		 holds_lost;
	int		 subs_lost;
	int		 slow_closed;
	int64_t		*st;
	long		*skb;
	int		 nsamples;
} C;

static long
rss_kb(void)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kb = -1;

	snprintf(path, sizeof path, "/proc/%d/status", C.pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	fclose(f);
	return (kb);
}

static void
sample(int64_t now)
{
	long	kb;

	if (C.pid <= 0 || C.nsamples == MAX_SAMPLES || (kb = rss_kb()) < 0)
		return;
	C.st[C.nsamples] = now;
	C.skb[C.nsamples++] = kb;
}

static void
conn_lost(struct load_conn *lc)
{
	struct cconn	*c = lc->arg;

	c->lost = 1;
	c->lost_at = load_now_us();
	if (c->slow)
		C.slow_closed++;
	else if (c->sub)
		C.subs_lost++;
	else
		C.holds_lost++;
	if (c->step != S_LIVE)
		load_fail("%s %d: closed before it was set up",
		    c->sub ? "subscriber" : "hold", (int)(c - C.conns) + 1);
}

static ssize_t
conn_reply(struct load_conn *lc, const char *buf, size_t len)
{
	struct cconn	*c = lc->arg;
	ssize_t		 n;

	if ((n = load_ok_len(buf, len, c->sub ? "subscriber" : "hold",
	    (int)(c - C.conns) + 1)) <= 0)
		return (n);
	switch (c->step) {
	case S_AUTH:
		c->step = S_SECOND;
		break;
	case S_SECOND:			/* AGENT READY, or the subscribe */
		c->step = S_LIVE;
		C.live++;
		if (c->slow)
			load_pause(&c->lc, 1);
		break;
	case S_LIVE:
		if (c->sub && n > 16 && memcmp(buf, "*3\r\n$7\r\nmessage\r\n",
		    16) == 0)
			c->messages++;
		else
			load_fail("unexpected '%.40s'", buf);
		break;
	}
	return (n);
}

static void
conn_open(int i, void *arg)
{
	struct cconn	*c = &C.conns[i];

	(void)arg;
	c->sub = i >= C.holds;
	c->slow = i >= C.nconns - C.slow;
	if (load_connect(&c->lc, C.host, C.port, c->slow ? SLOW_RCVBUF : 0,
	    conn_reply, c) != 0)
		return;
	c->lc.on_close = conn_lost;
	if (c->sub)
		load_send(&c->lc, "AUTH %s %s\r\nSUBSCRIBE %s\r\n", C.sub_user,
		    C.sub_password, C.channel);
	else
		load_send(&c->lc, "AUTH %s%d %s\r\nAGENT READY\r\n", C.prefix,
		    i + 1, C.password);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: conns_load --port N [options]\n"
	    "  --host H             hotlined address (default 127.0.0.1)\n"
	    "  --holds N            agent connections (default 100)\n"
	    "  --hold-prefix P      their users are P1..PN (default bench-hold)\n"
	    "  --hold-password P    their password\n"
	    "  --subscribers N      subscriber connections (default 10)\n"
	    "  --slow N             of which N stop reading (default 1)\n"
	    "  --sub-user U         the subscribers' user\n"
	    "  --sub-password P     its password\n"
	    "  --channel C          what they subscribe to (default events)\n"
	    "  --pid PID            sample this process's RSS\n"
	    "  --sample-ms MS       every MS (default 250)\n"
	    "  --window N           connections being set up at once (256)\n"
	    "  --duration S         stop after S s even without a signal\n"
	    "  --drain S            wait S s for the slow ones to be closed\n"
	    "                       (default 5)\n"
	    "Prints \"ready ...\" once set up, the report after SIGTERM.\n");
}

static int
parse_options(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "holds", required_argument, NULL, 'n' },
		{ "hold-prefix", required_argument, NULL, 'x' },
		{ "hold-password", required_argument, NULL, 'a' },
		{ "subscribers", required_argument, NULL, 'S' },
		{ "slow", required_argument, NULL, 'z' },
		{ "sub-user", required_argument, NULL, 'u' },
		{ "sub-password", required_argument, NULL, 'A' },
		{ "channel", required_argument, NULL, 'c' },
		{ "pid", required_argument, NULL, 'P' },
		{ "sample-ms", required_argument, NULL, 'm' },
		{ "window", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "drain", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	C.host = "127.0.0.1";
	C.holds = 100;
	C.prefix = "bench-hold";
	C.subs = 10;
	C.slow = 1;
	C.channel = "events";
	C.sample_ms = 250;
	C.window = 256;
	C.duration = 86400;
	C.drain = 5;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'H': C.host = optarg; break;
		case 'p':
			if (load_int("--port", optarg, 1, 65535, &C.port) != 0)
				return (-1);
			break;
		case 'n':
			if (load_int("--holds", optarg, 0, 1e6, &C.holds) != 0)
				return (-1);
			break;
		case 'x': C.prefix = optarg; break;
		case 'a': C.password = optarg; break;
		case 'S':
			if (load_int("--subscribers", optarg, 0, 1e5, &C.subs) != 0)
				return (-1);
			break;
		case 'z':
			if (load_int("--slow", optarg, 0, 1e5, &C.slow) != 0)
				return (-1);
			break;
		case 'u': C.sub_user = optarg; break;
		case 'A': C.sub_password = optarg; break;
		case 'c': C.channel = optarg; break;
		case 'P':
			if (load_int("--pid", optarg, 1, 1e9, &C.pid) != 0)
				return (-1);
			break;
		case 'm':
			if (load_int("--sample-ms", optarg, 1, 60000, &C.sample_ms) != 0)
				return (-1);
			break;
		case 'w':
			if (load_int("--window", optarg, 1, 1e5, &C.window) != 0)
				return (-1);
			break;
		case 'd':
			if (load_number("--duration", optarg, 0.1, 1e6,
			    &C.duration) != 0)
				return (-1);
			break;
		case 'D':
			if (load_number("--drain", optarg, 0, 3600, &C.drain) != 0)
				return (-1);
			break;
		case 'h': usage(stdout); exit(0);
		default: return (-1);
		}
	}
	if (optind != argc || C.port == 0 || C.slow > C.subs ||
	    (C.holds > 0 && C.password == NULL) ||
	    (C.subs > 0 && (C.sub_user == NULL || C.sub_password == NULL)))
		return (-1);
	return (0);
}

/* The slow subscribers read what they hold: closed by the server? */
static void
drain_slow(void)
{
	int64_t	deadline = load_now_us() + (int64_t)(C.drain * 1e6);
	int	i;

	for (i = C.nconns - C.slow; i < C.nconns; i++)
		if (!C.conns[i].lost)
			load_pause(&C.conns[i].lc, 0);
	while (C.slow_closed < C.slow && load_now_us() < deadline &&
	    !load_failed())
		load_poll(100);
}

static void
report(void)
{
	uint64_t	mmin = UINT64_MAX, mmax = 0, total = 0, slow_bytes = 0;
	long		kmax = 0;
	int		i, readers = 0;

	for (i = C.holds; i < C.nconns; i++) {
		struct cconn	*c = &C.conns[i];

		if (c->slow) {
			slow_bytes += c->lc.bytes_in;
			continue;
		}
		readers++;
		total += c->messages;
		if (c->messages < mmin)
			mmin = c->messages;
		if (c->messages > mmax)
			mmax = c->messages;
	}
	for (i = 0; i < C.nsamples; i++)
		if (C.skb[i] > kmax)
			kmax = C.skb[i];
	printf("result holds=%d subscribers=%d slow=%d live=%d setup_s=%.2f "
	    "holds_lost=%d readers_lost=%d readers=%d msgs_min=%" PRIu64
	    " msgs_max=%" PRIu64 " msgs_total=%" PRIu64 " slow_closed=%d "
	    "slow_bytes=%" PRIu64 " rss_ready_kb=%ld rss_max_kb=%ld "
	    "rss_last_kb=%ld samples=%d\n", C.holds, C.subs, C.slow, C.live,
	    (double)(C.ready_at - C.t0) / 1e6, C.holds_lost, C.subs_lost,
	    readers, readers > 0 ? mmin : 0, mmax, total, C.slow_closed,
	    slow_bytes, C.nsamples > 0 ? C.skb[0] : -1L, kmax,
	    C.nsamples > 0 ? C.skb[C.nsamples - 1] : -1L, C.nsamples);
	for (i = C.nconns - C.slow; i < C.nconns; i++)
		if (C.conns[i].lost)
			printf("slow %d closed_ms=%.0f\n", i - C.holds + 1,
			    (double)(C.conns[i].lost_at - C.ready_at) / 1e3);
	for (i = 0; i < C.nsamples; i++)
		printf("rss %.0f %ld\n", (double)(C.st[i] - C.ready_at) / 1e3,
		    C.skb[i]);
}

int
main(int argc, char **argv)
{
	int64_t	now, next, end;
	int	i;

	if (parse_options(argc, argv) != 0) {
		usage(stderr);
		return (2);
	}
	load_catch_signals();
	if (load_init("conns_load") != 0)
		return (1);
	C.nconns = C.holds + C.subs;
	C.conns = xcalloc((size_t)C.nconns + 1, sizeof *C.conns);
	C.st = xcalloc(MAX_SAMPLES, sizeof *C.st);
	C.skb = xcalloc(MAX_SAMPLES, sizeof *C.skb);
	for (i = 0; i < C.nconns; i++)
		C.conns[i].lc.fd = -1;
	C.t0 = load_now_us();
	/* At most --window connections being set up at a time. */
	if (load_ramp(C.nconns, C.window, &C.live, conn_open, NULL, STALL_S,
	    "connections") == 0) {
		C.ready_at = load_now_us();
		sample(C.ready_at);
		printf("ready holds=%d subscribers=%d setup_s=%.2f\n", C.holds,
		    C.subs, (double)(C.ready_at - C.t0) / 1e6);
		fflush(stdout);
		end = C.ready_at + (int64_t)(C.duration * 1e6);
		next = C.ready_at + (int64_t)C.sample_ms * 1000;
		while (!load_stopped() && !load_failed() &&
		    (now = load_now_us()) < end) {
			if (now >= next) {
				sample(now);
				next += (int64_t)C.sample_ms * 1000;
			}
			load_poll((int)((next - now + 999) / 1000));
		}
		sample(load_now_us());
		drain_slow();
		report();
	}
	for (i = 0; i < C.nconns; i++)
		load_close(&C.conns[i].lc);
	free(C.conns);
	free(C.st);
	free(C.skb);
	return (load_failed() ? 1 : 0);
}
