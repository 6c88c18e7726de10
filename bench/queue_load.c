/*
 * queue_load: the reference loads of bench/lifecycle, in the shape of
 * hotline-bench's closed loop. P producer connections put jobs (each keeps
 * --pipeline puts in flight while fewer than --backlog jobs wait untaken),
 * C consumer connections take them one at a time:
 *
 *   --proto beanstalkd  put -> reserve-with-timeout 1 -> delete; the
 *                       server's binlog (-b, -f) decides durability;
 *   --proto redis       ZADD -> BZPOPMIN 1 on one sorted set scored by a
 *                       sequence (FIFO): the queue a Redis user builds;
 *                       the server's appendfsync decides durability.
 *
 * A job carries its put's send time, so the wait (put sent -> job received
 * by a consumer) is measured as hotline-bench measures create -> offer.
 * Reports jobs completed per second and latency percentiles, as a table or
 * one CSV line. Raw sockets on one epoll loop (bench/load.c).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histo.h"
#include "load.h"
#include "xmalloc.h"

#define BODY_SIZE	20		/* the put's send time, microseconds */
#define REDIS_KEY	"bench:queue"

enum proto { BEANSTALKD, REDIS };
enum role { PRODUCER, CONSUMER };
enum wait { W_NONE, W_TAKE, W_DELETE };

struct qconn {
	struct load_conn lc;
	enum role	 role;
	enum wait	 wait;		/* a consumer's command in flight */
	int		 parked;	/* a producer waiting for the backlog */
	int64_t		*ring;		/* a producer's puts in flight */
	size_t		 head, n;
};

enum { L_PUT, L_WAIT, L_DELETE, NL };
static const char *lat_names[NL] = { "put", "wait", "delete" };
static const char *lat_labels[NL] = {
	"put -> reply", "put -> taken", "delete -> DELETED"
};

static struct {
	enum proto	 proto;
	const char	*host;
	int		 port;
	int		 producers;
	int		 consumers;
	int		 pipeline;
	double		 duration;
	int		 backlog;
	int		 stall;
	int		 csv;

	struct qconn	*conns;
	int		 nconns;
	int		 running;
	int64_t		 start;
	int64_t		 end;
	uint64_t	 puts;
	uint64_t	 taken;
	uint64_t	 completed;
	uint64_t	 timeouts;
	uint64_t	 seq;
	int64_t		 waiting;	/* put, not taken yet */
	struct histo	 lat[NL];
} Q;

static void
record(int which, int64_t us)
{
	if (Q.running)
		histo_add(&Q.lat[which], us > 0 ? (uint64_t)us : 0);
}

static void
producer_fill(struct qconn *c)
{
	int64_t	now;

	c->parked = 0;
	while (Q.running && c->n < (size_t)Q.pipeline && !load_failed()) {
		if (Q.backlog > 0 && Q.waiting >= Q.backlog) {
			c->parked = 1;
			return;
		}
		now = load_now_us();
		if (Q.proto == BEANSTALKD)
			load_send(&c->lc, "put 1024 0 60 %d\r\n%0*" PRId64
			    "\r\n", BODY_SIZE, BODY_SIZE, now);
		else
			load_send(&c->lc, "ZADD " REDIS_KEY " %" PRIu64 " %"
			    PRId64 ":%" PRIu64 "\r\n", Q.seq, now, Q.seq);
		Q.seq++;
		c->ring[(c->head + c->n) % (size_t)Q.pipeline] = now;
		c->n++;
		Q.puts++;
		Q.waiting++;
	}
}

static void
producers_wake(void)
{
	int	i;

	for (i = 0; i < Q.nconns && Q.running; i++) {
		if (Q.backlog > 0 && Q.waiting >= Q.backlog)
			return;
		if (Q.conns[i].role == PRODUCER && Q.conns[i].parked)
			producer_fill(&Q.conns[i]);
	}
}

static void
consumer_take(struct qconn *c)
{
	if (!Q.running) {
		c->wait = W_NONE;
		return;
	}
	c->wait = W_TAKE;
	if (Q.proto == BEANSTALKD)
		load_send(&c->lc, "reserve-with-timeout 1\r\n");
	else
		load_send(&c->lc, "BZPOPMIN " REDIS_KEY " 1\r\n");
}

/* A job reached a consumer; t is its put's send time (0 if unknown). */
static void
job_taken(int64_t t)
{
	if (t > 0)
		record(L_WAIT, load_now_us() - t);
	Q.taken++;
	Q.waiting--;
	producers_wake();
}

static ssize_t
unexpected(const struct qconn *c, const char *buf, size_t len)
{
	const char	*eol = memchr(buf, '\r', len);
	int		 n = eol != NULL ? (int)(eol - buf) : (int)len;

	load_fail("%s: unexpected reply '%.*s'", c->role == PRODUCER ?
	    "producer" : "consumer", n > 200 ? 200 : n, buf);
	return (-1);
}

static ssize_t
producer_reply(struct load_conn *lc, const char *buf, size_t len)
{
	struct qconn	*c = lc->arg;
	const char	*eol;
	ssize_t		 used;

	if ((eol = memmem(buf, len, "\r\n", 2)) == NULL)
		return (0);
	used = eol - buf + 2;
	if (c->n == 0 || (Q.proto == BEANSTALKD ?
	    strncmp(buf, "INSERTED ", 9) : strncmp(buf, ":", 1)) != 0)
		return (unexpected(c, buf, len));
	record(L_PUT, load_now_us() - c->ring[c->head]);
	c->head = (c->head + 1) % (size_t)Q.pipeline;
	c->n--;
	producer_fill(c);
	return (used);
}

/* RESERVED <id> <bytes>, the body; or TIMED_OUT. */
static ssize_t
beanstalkd_take(struct qconn *c, const char *buf, size_t len)
{
	const char	*eol = memmem(buf, len, "\r\n", 2);
	char		 line[128];
	unsigned long	 id, bytes;
	size_t		 hdr;

	if (eol == NULL)
		return (len >= sizeof line ? unexpected(c, buf, len) : 0);
	hdr = (size_t)(eol - buf) + 2;
	if (hdr > sizeof line)
		return (unexpected(c, buf, len));
	memcpy(line, buf, hdr - 2);
	line[hdr - 2] = '\0';
	if (strcmp(line, "TIMED_OUT") == 0) {
		Q.timeouts++;
		consumer_take(c);
		return ((ssize_t)hdr);
	}
	if (sscanf(line, "RESERVED %lu %lu", &id, &bytes) != 2 ||
	    bytes > 4096)
		return (unexpected(c, buf, len));
	if (len < hdr + bytes + 2)
		return (0);
	job_taken(bytes == BODY_SIZE ? strtoll(buf + hdr, NULL, 10) : 0);
	if (Q.running) {
		c->wait = W_DELETE;
		load_send(&c->lc, "delete %lu\r\n", id);
	} else
		c->wait = W_NONE;	/* released when we close */
	return ((ssize_t)(hdr + bytes + 2));
}

/* *3 key member score, or the nil array of a timeout. */
static ssize_t
redis_take(struct qconn *c, const char *buf, size_t len)
{
	ssize_t		 n = load_resp_len(buf, len);
	const char	*p;
	int		 i;

	if (n <= 0)
		return (n < 0 ? unexpected(c, buf, len) : 0);
	if (strncmp(buf, "*-1\r\n", 5) == 0) {
		Q.timeouts++;
		consumer_take(c);
		return (n);
	}
	if (strncmp(buf, "*3\r\n", 4) != 0)
		return (unexpected(c, buf, len));
	/* Skip the key's bulk to reach the member's: "$n\r\n...\r\n". */
	for (p = buf + 4, i = 0; i < 2; i++) {
		if (*p != '$' || (p = memmem(p, (size_t)(buf + n - p), "\r\n",
		    2)) == NULL)
			return (unexpected(c, buf, len));
		p += 2;
		if (i == 1)
			break;
		if ((p = memmem(p, (size_t)(buf + n - p), "\r\n", 2)) == NULL)
			return (unexpected(c, buf, len));
		p += 2;
	}
	/* The loop ends with p at the member's digits. */
	job_taken(strtoll(p, NULL, 10));
	if (Q.running)
		Q.completed++;
	consumer_take(c);
	return (n);
}

static ssize_t
consumer_reply(struct load_conn *lc, const char *buf, size_t len)
{
	struct qconn	*c = lc->arg;

	switch (c->wait) {
	case W_TAKE:
		return (Q.proto == BEANSTALKD ? beanstalkd_take(c, buf, len) :
		    redis_take(c, buf, len));
	case W_DELETE:
		if (len < 9)
			return (0);
		if (strncmp(buf, "DELETED\r\n", 9) != 0)
			return (unexpected(c, buf, len));
		record(L_DELETE, load_now_us() - c->lc.sent);
		if (Q.running)
			Q.completed++;
		consumer_take(c);
		return (9);
	case W_NONE:
		break;
	}
	return (unexpected(c, buf, len));
}

static int
conns_busy(void)
{
	int	i;

	for (i = 0; i < Q.nconns; i++) {
		if (Q.conns[i].lc.fd >= 0 && (Q.conns[i].wait != W_NONE ||
		    Q.conns[i].n > 0))
			return (1);
	}
	return (0);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: queue_load --proto beanstalkd|redis --port N [options]\n"
	    "  --host H         server address (default 127.0.0.1)\n"
	    "  --producers N    put connections (default 8)\n"
	    "  --consumers N    take connections (default 8)\n"
	    "  --pipeline N     puts in flight per producer (default 1)\n"
	    "  --duration S     measured seconds (default 10)\n"
	    "  --backlog N      at most N jobs put and not taken\n"
	    "                   (default 2 x consumers; 0: no cap)\n"
	    "  --stall S        fail when no job moves for S s (default 15)\n"
	    "  --csv            one CSV line (--csv-header names the columns)\n"
	    "Exit status: 0 if the run completed, 1 if not, 2 for bad usage.\n");
}

static void
csv_header(void)
{
	int	i;

	printf("duration_s,producers,consumers,put,completed,puts_per_s,"
	    "jobs_per_s,errors");
	for (i = 0; i < NL; i++)
		printf(",%s_p50,%s_p90,%s_p99,%s_p999,%s_max", lat_names[i],
		    lat_names[i], lat_names[i], lat_names[i], lat_names[i]);
	printf("\n");
}

static int
parse_options(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "proto", required_argument, NULL, 'x' },
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "producers", required_argument, NULL, 'P' },
		{ "consumers", required_argument, NULL, 'C' },
		{ "pipeline", required_argument, NULL, 'l' },
		{ "duration", required_argument, NULL, 'd' },
		{ "backlog", required_argument, NULL, 'b' },
		{ "stall", required_argument, NULL, 's' },
		{ "csv", no_argument, NULL, 'c' },
		{ "csv-header", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*proto = NULL;
	int		 ch;

	Q.host = "127.0.0.1";
	Q.producers = Q.consumers = 8;
	Q.pipeline = 1;
	Q.duration = 10;
	Q.backlog = -1;
	Q.stall = 15;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'x': proto = optarg; break;
		case 'H': Q.host = optarg; break;
		case 'p':
			if (load_int("--port", optarg, 1, 65535, &Q.port) != 0)
				return (-1);
			break;
		case 'P':
			if (load_int("--producers", optarg, 1, 10000, &Q.producers) != 0)
				return (-1);
			break;
		case 'C':
			if (load_int("--consumers", optarg, 1, 10000, &Q.consumers) != 0)
				return (-1);
			break;
		case 'l':
			if (load_int("--pipeline", optarg, 1, 10000, &Q.pipeline) != 0)
				return (-1);
			break;
		case 'd':
			if (load_number("--duration", optarg, 0.1, 1e6,
			    &Q.duration) != 0)
				return (-1);
			break;
		case 'b':
			if (load_int("--backlog", optarg, 0, 1e9, &Q.backlog) != 0)
				return (-1);
			break;
		case 's':
			if (load_int("--stall", optarg, 1, 86400, &Q.stall) != 0)
				return (-1);
			break;
		case 'c': Q.csv = 1; break;
		case 'E': csv_header(); exit(0);
		case 'h': usage(stdout); exit(0);
		default: return (-1);
		}
	}
	if (optind != argc || proto == NULL || Q.port == 0)
		return (-1);
	if (strcmp(proto, "beanstalkd") == 0)
		Q.proto = BEANSTALKD;
	else if (strcmp(proto, "redis") == 0)
		Q.proto = REDIS;
	else
		return (-1);
	if (Q.backlog < 0)
		Q.backlog = 2 * Q.consumers;
	return (0);
}

static void
report(void)
{
	double	w = (double)(Q.end - Q.start) / 1e6;
	int	i;

	if (Q.csv) {
		printf("%.3f,%d,%d,%" PRIu64 ",%" PRIu64 ",%.1f,%.1f,%d", w,
		    Q.producers, Q.consumers, Q.puts, Q.completed,
		    w > 0 ? (double)Q.puts / w : 0.0,
		    w > 0 ? (double)Q.completed / w : 0.0, load_failed());
		for (i = 0; i < NL; i++)
			printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			    ",%" PRIu64, histo_percentile(&Q.lat[i], 50),
			    histo_percentile(&Q.lat[i], 90),
			    histo_percentile(&Q.lat[i], 99),
			    histo_percentile(&Q.lat[i], 99.9), Q.lat[i].max);
		printf("\n");
		return;
	}
	printf("queue_load: %s at %s:%d, %d producers (pipeline %d), %d "
	    "consumers, at most %d jobs waiting\n", Q.proto == BEANSTALKD ?
	    "beanstalkd" : "redis", Q.host, Q.port, Q.producers, Q.pipeline,
	    Q.consumers, Q.backlog);
	printf("run%s: %.2f s, %" PRIu64 " puts, %" PRIu64 " jobs completed\n",
	    load_failed() ? " (FAILED)" : "", w, Q.puts, Q.completed);
	printf("jobs/s: %.1f\n\n", w > 0 ? (double)Q.completed / w : 0.0);
	printf("%-22s %9s %8s %8s %8s %8s %8s\n", "latency (us)", "count",
	    "p50", "p90", "p99", "p99.9", "max");
	for (i = 0; i < NL; i++) {
		if (Q.proto == REDIS && i == L_DELETE)
			continue;
		printf("%-22s %9" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8"
		    PRIu64 " %8" PRIu64 " %8" PRIu64 "\n", lat_labels[i],
		    Q.lat[i].count, histo_percentile(&Q.lat[i], 50),
		    histo_percentile(&Q.lat[i], 90),
		    histo_percentile(&Q.lat[i], 99),
		    histo_percentile(&Q.lat[i], 99.9), Q.lat[i].max);
	}
	printf("\ntake timeouts: %" PRIu64 "\n", Q.timeouts);
}

int
main(int argc, char **argv)
{
	int64_t		deadline, now, last_move;
	uint64_t	moved = 0;
	int		i, ms;

	if (parse_options(argc, argv) != 0) {
		usage(stderr);
		return (2);
	}
	signal(SIGPIPE, SIG_IGN);
	if (load_init("queue_load") != 0)
		return (1);
	for (i = 0; i < NL; i++)
		histo_init(&Q.lat[i]);
	Q.nconns = Q.producers + Q.consumers;
	Q.conns = xcalloc((size_t)Q.nconns, sizeof *Q.conns);
	for (i = 0; i < Q.nconns; i++)
		Q.conns[i].lc.fd = -1;
	for (i = 0; i < Q.nconns && !load_failed(); i++) {
		struct qconn	*c = &Q.conns[i];

		c->role = i < Q.producers ? PRODUCER : CONSUMER;
		if (c->role == PRODUCER)
			c->ring = xcalloc((size_t)Q.pipeline, sizeof *c->ring);
		load_connect(&c->lc, Q.host, Q.port, 0, c->role == PRODUCER ?
		    producer_reply : consumer_reply, c);
	}
	if (!load_failed()) {
		Q.running = 1;
		Q.start = load_now_us();
		for (i = 0; i < Q.nconns; i++)
			if (Q.conns[i].role == CONSUMER)
				consumer_take(&Q.conns[i]);
		for (i = 0; i < Q.nconns; i++)
			if (Q.conns[i].role == PRODUCER)
				producer_fill(&Q.conns[i]);
	}
	last_move = Q.start;
	deadline = Q.start + (int64_t)(Q.duration * 1e6);
	while (Q.running && !load_failed()) {
		now = load_now_us();
		if (now >= deadline)
			break;
		if (Q.taken + Q.completed != moved) {
			moved = Q.taken + Q.completed;
			last_move = now;
		} else if (now - last_move > (int64_t)Q.stall * 1000000) {
			load_fail("stalled: no job moved for %d s (%" PRIu64
			    " put, %" PRIu64 " completed)", Q.stall, Q.puts,
			    Q.completed);
			break;
		}
		ms = (int)((deadline - now + 999) / 1000);
		load_poll(ms > 1000 ? 1000 : ms);
	}
	if (Q.start != 0)
		Q.end = load_now_us();
	Q.running = 0;
	/*
	 * Collect the replies still owed (a take waits at most 1 s), so that
	 * no socket closes with unread data, which resets it. Closing
	 * releases beanstalkd's jobs reserved meanwhile.
	 */
	deadline = load_now_us() + 3000000;
	while (!load_failed() && conns_busy() && load_now_us() < deadline)
		load_poll(100);
	for (i = 0; i < Q.nconns; i++) {
		load_close(&Q.conns[i].lc);
		free(Q.conns[i].ring);
	}
	free(Q.conns);
	if (Q.start != 0)
		report();
	return (load_failed() ? 1 : 0);
}
