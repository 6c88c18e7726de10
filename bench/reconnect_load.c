/*
 * reconnect_load: the client side of bench/reconnect. N agents, users
 * <prefix>1..N, each on its own connection from 127.0.0.1, at most
 * --window of them logging in at a time (a floor of desks coming back
 * with their backoff's jitter):
 *
 *   --take FILE      AUTH with --password, SESSION NEW, AGENT READY
 *                    (taking an offer when tickets wait), AGENT STATUS,
 *                    then write "<user> <token> <offer>" lines to FILE
 *                    and close (set-up: the agents are detached, holding
 *                    their offers);
 *   --tokens FILE    AUTH <user> <token> from FILE, then AGENT READY;
 *   (neither)        AUTH with --password, then AGENT READY.
 *   --next           with --tokens: AGENT STATUS between AUTH and READY,
 *                    and AGENT NEXT 1 after: an agent whose offer came
 *                    back through the restart shows it before READY and
 *                    has it from NEXT at once (counted in offers=); one
 *                    without (offered another ticket by its READY, or
 *                    none) does not count.
 *
 * The connections stay open once ready (an agent logged out by its close
 * would not be ready). The time runs from the first PONG (it PINGs until
 * one comes: the daemon's restart) to the last agent ready. Prints
 * "result agents=N ready=K offers=O seconds= per_s= first_pong_wait_s=".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "load.h"
#include "xmalloc.h"

#define TOKEN_MAX	128
#define STALL_S		120	/* no agent ready for so long: stuck */

struct rconn {
	struct load_conn	lc;
	int			step;	/* replies received */
	int			done;
	char			token[TOKEN_MAX];
	unsigned long long	offer;	/* held at the set-up */
	unsigned long long	shown;	/* AGENT STATUS's offer after AUTH */
};

static struct {
	const char	*host;
	int		 port;
	int		 n;
	int		 window;
	const char	*prefix;
	const char	*password;
	const char	*take;		/* write tokens here */
	const char	*tokens;	/* read them from here */
	int		 next;		/* AGENT NEXT 1 after READY */
	struct rconn	*conns;
	int		 ready, offers;
} R = { "127.0.0.1", 0, 100, 256, "bench-tok", "hotline-bench", NULL, NULL,
    0, NULL, 0, 0 };

/* The token in SESSION NEW's reply (a flat map: ... $5 token $47 hlt_...). */
static void
take_token(struct rconn *c, const char *buf, size_t len)
{
	const char	*p = memmem(buf, len, "\r\ntoken\r\n$", 10), *end;

	if (p == NULL || (p = memchr(p + 10, '\n', len - (p + 10 - buf))) ==
	    NULL || (end = memchr(p + 1, '\r', len - (p + 1 - buf))) == NULL ||
	    end - (p + 1) >= TOKEN_MAX) {
		load_fail("no token in '%.60s'", buf);
		return;
	}
	memcpy(c->token, p + 1, (size_t)(end - (p + 1)));
	c->token[end - (p + 1)] = '\0';
}

/* An integer field of a flat RESP2 map: "$n\r\n<name>\r\n:<value>". */
static unsigned long long
map_int(const char *buf, size_t len, const char *name)
{
	char		 pat[64];
	const char	*p;
	size_t		 n;

	n = (size_t)snprintf(pat, sizeof pat, "\r\n%s\r\n:", name);
	if ((p = memmem(buf, len, pat, n)) == NULL)
		return (0);
	return (strtoull(p + n, NULL, 10));
}

static ssize_t
conn_reply(struct load_conn *lc, const char *buf, size_t len)
{
	struct rconn	*c = lc->arg;
	ssize_t		 n;

	if ((n = load_ok_len(buf, len, "agent", (int)(c - R.conns) + 1)) <= 0)
		return (n);
	++c->step;
	if (c->step == 2 && R.take != NULL)
		take_token(c, buf, (size_t)n);
	if (c->step == 4 && R.take != NULL)
		c->offer = map_int(buf, (size_t)n, "offer");
	if (c->step == 2 && R.next)
		c->shown = map_int(buf, (size_t)n, "offer");
	/* Its own offer, kept through the restart, not a new one. */
	if (c->step == 4 && R.next && c->offer != 0 && c->shown == c->offer &&
	    map_int(buf, (size_t)n, "id") == c->offer)
		R.offers++;
	if (c->step == (R.take != NULL || R.next ? 4 : 2)) {
		c->done = 1;
		R.ready++;
	}
	return (n);
}

static void
conn_lost(struct load_conn *lc)
{
	struct rconn	*c = lc->arg;

	if (!c->done)
		load_fail("agent %d: closed before it was ready",
		    (int)(c - R.conns) + 1);
}

static void
conn_open(int i, void *arg)
{
	struct rconn	*c = &R.conns[i];

	(void)arg;
	if (load_connect(&c->lc, R.host, R.port, 0, conn_reply, c) != 0)
		return;
	c->lc.on_close = conn_lost;
	if (R.take != NULL)
		load_send(&c->lc, "AUTH %s%d %s\r\nSESSION NEW\r\n"
		    "AGENT READY\r\nAGENT STATUS\r\n", R.prefix, i + 1,
		    R.password);
	else if (R.next)
		load_send(&c->lc, "AUTH %s%d %s\r\nAGENT STATUS\r\n"
		    "AGENT READY\r\nAGENT NEXT 1\r\n", R.prefix, i + 1,
		    c->token);
	else
		load_send(&c->lc, "AUTH %s%d %s\r\nAGENT READY\r\n",
		    R.prefix, i + 1, R.tokens != NULL ? c->token : R.password);
}

static int
read_tokens(void)
{
	FILE			*fp = fopen(R.tokens, "r");
	char			 user[128], token[TOKEN_MAX], want[128];
	unsigned long long	 offer;
	int			 i = 0;

	if (fp == NULL) {
		fprintf(stderr, "reconnect_load: %s: %s\n", R.tokens,
		    strerror(errno));
		return (-1);
	}
	while (i < R.n && fscanf(fp, "%127s %127s %llu", user, token,
	    &offer) == 3) {
		snprintf(want, sizeof want, "%s%d", R.prefix, i + 1);
		if (strcmp(user, want) != 0)
			break;
		R.conns[i].offer = offer;
		snprintf(R.conns[i++].token, TOKEN_MAX, "%s", token);
	}
	fclose(fp);
	if (i != R.n) {
		fprintf(stderr, "reconnect_load: %s holds %d of the %d "
		    "tokens\n", R.tokens, i, R.n);
		return (-1);
	}
	return (0);
}

/* PING until PONG: the restarted daemon answers. */
static int
first_pong(void)
{
	struct sockaddr_in	sin;
	struct timeval		tv = { 5, 0 };
	int64_t			deadline;
	char			buf[16];
	int			fd, ok;

	deadline = load_now_us() + 60 * 1000000LL;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)R.port);
	if (inet_pton(AF_INET, R.host, &sin.sin_addr) != 1)
		return (-1);
	while (load_now_us() < deadline && !load_stopped()) {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			return (-1);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		ok = connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
		    write(fd, "PING\r\n", 6) == 6 &&
		    read(fd, buf, sizeof buf) >= 5 &&
		    memcmp(buf, "+PONG", 5) == 0;
		close(fd);
		if (ok)
			return (0);
		usleep(10000);
	}
	return (-1);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: reconnect_load --port P [--host H] [-n N] [--window W]\n"
	    "           [--prefix P] [--password PW] [--take FILE | "
	    "--tokens FILE] [--next]\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "agents", required_argument, NULL, 'n' },
		{ "window", required_argument, NULL, 'w' },
		{ "prefix", required_argument, NULL, 'x' },
		{ "password", required_argument, NULL, 'P' },
		{ "take", required_argument, NULL, 't' },
		{ "tokens", required_argument, NULL, 'T' },
		{ "next", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	FILE			*fp;
	int64_t			t0, t1, w0;
	int			ch, i, rc = 0;

	while ((ch = getopt_long(argc, argv, "n:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': R.host = optarg; break;
		case 'p':
			if (load_int("--port", optarg, 1, 65535, &R.port) != 0)
				return (2);
			break;
		case 'n':
			if (load_int("-n", optarg, 1, 1000000, &R.n) != 0)
				return (2);
			break;
		case 'w':
			if (load_int("--window", optarg, 1, 100000,
			    &R.window) != 0)
				return (2);
			break;
		case 'x': R.prefix = optarg; break;
		case 'P': R.password = optarg; break;
		case 't': R.take = optarg; break;
		case 'T': R.tokens = optarg; break;
		case 'N': R.next = 1; break;
		default:
			usage(stderr);
			return (2);
		}
	}
	if (R.port == 0 || (R.take != NULL && (R.tokens != NULL || R.next)) ||
	    (R.next && R.tokens == NULL)) {
		usage(stderr);
		return (2);
	}
	load_catch_signals();
	if (load_init("reconnect_load") != 0)
		return (1);
	R.conns = xcalloc((size_t)R.n, sizeof *R.conns);
	for (i = 0; i < R.n; i++)
		R.conns[i].lc.fd = -1;
	if (R.tokens != NULL && read_tokens() != 0)
		return (1);
	w0 = load_now_us();
	if (first_pong() != 0) {
		fprintf(stderr, "reconnect_load: no PONG within 60 s\n");
		return (1);
	}
	t0 = load_now_us();
	if (load_ramp(R.n, R.window, &R.ready, conn_open, NULL, STALL_S,
	    "agents") != 0)
		rc = 1;
	t1 = load_now_us();
	if (rc == 0 && R.take != NULL) {
		if ((fp = fopen(R.take, "w")) == NULL) {
			fprintf(stderr, "reconnect_load: %s: %s\n", R.take,
			    strerror(errno));
			rc = 1;
		} else {
			for (i = 0; i < R.n; i++)
				fprintf(fp, "%s%d %s %llu\n", R.prefix, i + 1,
				    R.conns[i].token, R.conns[i].offer);
			if (fclose(fp) != 0)
				rc = 1;
		}
	}
	printf("result agents=%d ready=%d offers=%d seconds=%.3f per_s=%.0f "
	    "first_pong_wait_s=%.3f\n", R.n, R.ready, R.offers, (t1 - t0) / 1e6,
	    t1 > t0 ? R.ready / ((t1 - t0) / 1e6) : 0.0, (t0 - w0) / 1e6);
	for (i = 0; i < R.n; i++)
		load_close(&R.conns[i].lc);
	free(R.conns);
	return (rc);
}
