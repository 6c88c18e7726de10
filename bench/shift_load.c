/*
 * shift_load: the client side of bench/shift, a shift starting. N desks,
 * users <prefix>1..N, each on its own connection, log in at once with
 * their password and send AGENT READY (pipelined: the daemon reads READY
 * once the login is through). Desk i connects from source address
 * 127.1.0.1 + (i mod --addresses): Linux routes all of 127.0.0.0/8 to the
 * loopback device, so with one address per desk the daemon's per-address
 * rules ([limits] max_unauth_per_addr, the hasher's per-address share of
 * its threads, the login throttle) see a floor of desks, not one host.
 * At most --window desks are logging in at a time (default: all).
 *
 * The time runs from the first AUTH sent to the last READY answered;
 * a desk's login latency from its AUTH sent to its +OK. Prints
 * "result agents=N ready=K seconds= per_s= login_p50_ms= login_p99_ms=
 * login_max_ms= connect_s=", connect_s the time the connections took to
 * open. Any error reply fails the run (a -BUSY says the daemon's
 * [auth] hash_queue is below N). The connections stay open until all are
 * ready: a desk that closed would be logged out.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "xmalloc.h"

#define SHIFT_FIRST_ADDR	0x7f010001u	/* 127.1.0.1 */
#define SHIFT_MAX_ADDRS		65000		/* stays within 127.1/16 */
#define SHIFT_STALL_S		120
#define SHIFT_MAX_DESKS		1000000

struct desk {
	struct load_conn	lc;
	int			step;	/* replies received */
	int64_t			login_us;	/* AUTH sent to +OK */
};

static struct {
	const char	*host;
	int		 port;
	int		 n;
	int		 window;
	int		 addrs;
	const char	*prefix;
	const char	*password;
	struct desk	*desks;
	int		 ready;
	int64_t		 first_sent;	/* the first AUTH */
	int64_t		 opened_at;	/* the last connection open */
} S = { "127.0.0.1", 0, 100, 0, 0, "bench-shift", NULL, NULL, 0, 0, 0 };

static ssize_t
desk_reply(struct load_conn *lc, const char *buf, size_t len)
{
	struct desk	*d = lc->arg;
	ssize_t		 n;

	if ((n = load_ok_len(buf, len, "desk", (int)(d - S.desks) + 1)) <= 0)
		return (n);
	if (++d->step == 1)
		d->login_us = load_now_us() - d->lc.sent;
	else if (d->step == 2)
		S.ready++;
	return (n);
}

static void
desk_lost(struct load_conn *lc)
{
	struct desk	*d = lc->arg;

	load_fail("desk %d: closed by the server before it was ready",
	    (int)(d - S.desks) + 1);
}

static void
desk_open(int i, void *arg)
{
	struct desk	*d = &S.desks[i];
	uint32_t	 a = SHIFT_FIRST_ADDR + (uint32_t)(i % S.addrs);
	char		 from[16];

	(void)arg;
	snprintf(from, sizeof from, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
	if (load_connect_from(&d->lc, from, S.host, S.port, 0, desk_reply,
	    d) != 0)
		return;
	d->lc.on_close = desk_lost;
	load_send(&d->lc, "AUTH %s%d %s\r\nAGENT READY\r\n", S.prefix, i + 1,
	    S.password);
	if (i == 0)
		S.first_sent = d->lc.sent;
	if (i == S.n - 1)
		S.opened_at = load_now_us();
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

/* Percentile p (0..100) of the sorted v[0..n-1], nearest rank. */
static double
pct_ms(const int64_t *v, int n, double p)
{
	int	k = (int)(p / 100 * n + 0.999999);

	if (n == 0)
		return (0);
	if (k < 1)
		k = 1;
	return (v[k - 1] / 1e3);
}

static void
report(int64_t t1)
{
	int64_t	*lat;
	double	 s = (t1 - S.first_sent) / 1e6;
	int	 i, k = 0;

	lat = xcalloc((size_t)S.n, sizeof *lat);
	for (i = 0; i < S.n; i++)
		if (S.desks[i].step >= 1)
			lat[k++] = S.desks[i].login_us;
	qsort(lat, (size_t)k, sizeof *lat, cmp_i64);
	printf("result agents=%d ready=%d seconds=%.3f per_s=%.1f "
	    "login_p50_ms=%.0f login_p99_ms=%.0f login_max_ms=%.0f "
	    "connect_s=%.3f addresses=%d\n", S.n, S.ready, s,
	    s > 0 ? S.ready / s : 0.0, pct_ms(lat, k, 50), pct_ms(lat, k, 99),
	    k > 0 ? lat[k - 1] / 1e3 : 0.0,
	    S.opened_at > 0 ? (S.opened_at - S.first_sent) / 1e6 : 0.0,
	    S.addrs);
	free(lat);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: shift_load --port P --password PW [--host H] [-n N]\n"
	    "           [--prefix P] [--window W] [--addresses A]\n"
	    "  -n N            desks (default 100), users P1..PN\n"
	    "  --prefix P      (default bench-shift)\n"
	    "  --window W      logging in at a time (default: all N)\n"
	    "  --addresses A   source addresses 127.1.0.1.. (default: N,\n"
	    "                  one per desk; at most %d)\n", SHIFT_MAX_ADDRS);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "window", required_argument, NULL, 'w' },
		{ "addresses", required_argument, NULL, 'a' },
		{ "prefix", required_argument, NULL, 'x' },
		{ "password", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch, i, rc = 0;

	while ((ch = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': S.host = optarg; break;
		case 'p':
			if (load_int("--port", optarg, 1, 65535, &S.port) != 0)
				return (2);
			break;
		case 'n':
			if (load_int("-n", optarg, 1, SHIFT_MAX_DESKS,
			    &S.n) != 0)
				return (2);
			break;
		case 'w':
			if (load_int("--window", optarg, 1, SHIFT_MAX_DESKS,
			    &S.window) != 0)
				return (2);
			break;
		case 'a':
			if (load_int("--addresses", optarg, 1, SHIFT_MAX_ADDRS,
			    &S.addrs) != 0)
				return (2);
			break;
		case 'x': S.prefix = optarg; break;
		case 'P': S.password = optarg; break;
		case 'h': usage(stdout); return (0);
		default:
			usage(stderr);
			return (2);
		}
	}
	if (optind != argc || S.port == 0 || S.password == NULL) {
		usage(stderr);
		return (2);
	}
	if (S.window == 0)
		S.window = S.n;
	if (S.addrs == 0)
		S.addrs = S.n < SHIFT_MAX_ADDRS ? S.n : SHIFT_MAX_ADDRS;
	load_catch_signals();
	if (load_init("shift_load") != 0)
		return (1);
	S.desks = xcalloc((size_t)S.n, sizeof *S.desks);
	for (i = 0; i < S.n; i++)
		S.desks[i].lc.fd = -1;
	if (load_ramp(S.n, S.window, &S.ready, desk_open, NULL, SHIFT_STALL_S,
	    "desks") != 0)
		rc = 1;
	report(load_now_us());
	for (i = 0; i < S.n; i++)
		load_close(&S.desks[i].lc);
	free(S.desks);
	return (rc);
}
