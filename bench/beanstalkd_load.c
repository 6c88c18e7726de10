/*
 * beanstalkd_load: the reference load for bench/lifecycle. P producer
 * connections put jobs (each waits for INSERTED before the next put, and
 * at most --backlog jobs wait unreserved, as hotline-bench's operators),
 * C consumer connections loop reserve -> delete. Raw sockets and one
 * epoll loop, single-threaded, so the client costs little next to the
 * server. Reports deleted jobs per second and latency percentiles.
 *
 * Built by bench/lifecycle: cc -O2 -I clients bench/beanstalkd_load.c
 * clients/histo.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "histo.h"

#define BUF_SIZE	4096
#define BODY_SIZE	20	/* the put's send time, microseconds */

enum role { PRODUCER, CONSUMER };
enum wait { W_NONE, W_PUT, W_RESERVE, W_DELETE };

struct bconn {
	int		 fd;
	enum role	 role;
	enum wait	 wait;
	int		 parked;
	int64_t		 sent;
	char		 in[BUF_SIZE];
	size_t		 inlen;
	char		 out[BUF_SIZE];
	size_t		 outlen;
	int		 want_out;
};

enum { L_PUT, L_WAIT, L_DELETE, NL };
static const char *lat_labels[NL] = {
	"put -> INSERTED", "put -> RESERVED", "delete -> DELETED"
};

static struct {
	const char	*host;
	int		 port;
	int		 producers;
	int		 consumers;
	double		 duration;
	int		 backlog;
	int		 csv;
	int		 stall;

	int		 ep;
	struct bconn	*conns;
	int		 nconns;
	int		 running;
	int		 failed;
	int64_t		 start;
	int64_t		 end;
	uint64_t	 puts;
	uint64_t	 reserved;
	uint64_t	 completed;
	uint64_t	 timeouts;
	int64_t		 waiting;	/* put, not reserved yet */
	struct histo	 lat[NL];
} B;

static int64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static void __attribute__((format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list	ap;

	if (B.failed)
		return;
	fprintf(stderr, "beanstalkd_load: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	B.failed = 1;
	if (B.running)
		B.end = now_us();
	B.running = 0;
}

static void
record(int which, int64_t us)
{
	if (B.running)
		histo_add(&B.lat[which], us > 0 ? (uint64_t)us : 0);
}

static void
conn_events(struct bconn *c)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | (c->want_out ? EPOLLOUT : 0);
	ev.data.ptr = c;
	if (epoll_ctl(B.ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
		fail("epoll_ctl: %s", strerror(errno));
}

static void
conn_flush(struct bconn *c)
{
	ssize_t	n;

	while (c->outlen > 0) {
		n = write(c->fd, c->out, c->outlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			fail("write: %s", strerror(errno));
			return;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
	if ((c->outlen > 0) != c->want_out) {
		c->want_out = c->outlen > 0;
		conn_events(c);
	}
}

static void __attribute__((format(printf, 3, 4)))
conn_send(struct bconn *c, enum wait w, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(c->out + c->outlen, sizeof c->out - c->outlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof c->out - c->outlen) {
		fail("output buffer full");
		return;
	}
	c->outlen += (size_t)n;
	c->wait = w;
	c->sent = now_us();
	conn_flush(c);
}

static void
producer_put(struct bconn *c)
{
	int64_t	now = now_us();

	c->parked = 0;
	if (!B.running) {
		c->wait = W_NONE;
		return;
	}
	if (B.backlog > 0 && B.waiting >= B.backlog) {
		c->parked = 1;
		c->wait = W_NONE;
		return;
	}
	conn_send(c, W_PUT, "put 1024 0 60 %d\r\n%0*" PRId64 "\r\n", BODY_SIZE,
	    BODY_SIZE, now);
	B.puts++;
	B.waiting++;
}

static void
producers_wake(void)
{
	int	i;

	for (i = 0; i < B.nconns && B.running; i++) {
		if (B.backlog > 0 && B.waiting >= B.backlog)
			return;
		if (B.conns[i].role == PRODUCER && B.conns[i].parked)
			producer_put(&B.conns[i]);
	}
}

static void
consumer_reserve(struct bconn *c)
{
	if (B.running)
		conn_send(c, W_RESERVE, "reserve-with-timeout 1\r\n");
	else
		c->wait = W_NONE;
}

/*
 * One complete reply at the start of c->in: its length, 0 if more bytes
 * are needed, -1 after a failure.
 */
static ssize_t
conn_reply(struct bconn *c)
{
	char		*eol, line[256], *body;
	int64_t		 now = now_us(), t;
	unsigned long	 id, bytes;
	size_t		 len;

	if ((eol = memmem(c->in, c->inlen, "\r\n", 2)) == NULL) {
		if (c->inlen >= sizeof line) {
			fail("reply line too long");
			return (-1);
		}
		return (0);
	}
	len = (size_t)(eol - c->in);
	if (len >= sizeof line) {
		fail("reply line too long");
		return (-1);
	}
	memcpy(line, c->in, len);
	line[len] = '\0';
	len += 2;
	switch (c->wait) {
	case W_PUT:
		if (strncmp(line, "INSERTED ", 9) != 0)
			goto unexpected;
		record(L_PUT, now - c->sent);
		producer_put(c);
		return ((ssize_t)len);
	case W_RESERVE:
		if (strcmp(line, "TIMED_OUT") == 0) {
			B.timeouts++;
			consumer_reserve(c);
			return ((ssize_t)len);
		}
		if (sscanf(line, "RESERVED %lu %lu", &id, &bytes) != 2)
			goto unexpected;
		if (bytes > BUF_SIZE - len - 2) {
			fail("job of %lu bytes: not ours", bytes);
			return (-1);
		}
		if (c->inlen < len + bytes + 2)
			return (0);
		body = c->in + len;
		t = bytes == BODY_SIZE ? strtoll(body, NULL, 10) : 0;
		if (t > 0)
			record(L_WAIT, now - t);
		B.reserved++;
		B.waiting--;
		if (B.running)
			conn_send(c, W_DELETE, "delete %lu\r\n", id);
		else
			c->wait = W_NONE;	/* released when we close */
		producers_wake();
		return ((ssize_t)(len + bytes + 2));
	case W_DELETE:
		if (strcmp(line, "DELETED") != 0)
			goto unexpected;
		record(L_DELETE, now - c->sent);
		if (B.running)
			B.completed++;
		consumer_reserve(c);
		return ((ssize_t)len);
	case W_NONE:
		break;
	}
unexpected:
	fail("%s: unexpected reply '%s'", c->role == PRODUCER ? "producer" :
	    "consumer", line);
	return (-1);
}

static void
conn_read(struct bconn *c)
{
	ssize_t	n;

	for (;;) {
		n = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == 0) {
			fail("connection closed by beanstalkd");
			return;
		}
		if (n < 0) {
			fail("read: %s", strerror(errno));
			return;
		}
		c->inlen += (size_t)n;
		while (c->inlen > 0 && (n = conn_reply(c)) > 0) {
			memmove(c->in, c->in + n, c->inlen - (size_t)n);
			c->inlen -= (size_t)n;
		}
		if (n < 0 || B.failed)
			return;
	}
}

static void
conn_io(struct bconn *c, uint32_t events)
{
	if (events & EPOLLOUT)
		conn_flush(c);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(c);
}

static int
conns_busy(void)
{
	int	i;

	for (i = 0; i < B.nconns; i++) {
		if (B.conns[i].fd >= 0 && B.conns[i].wait != W_NONE)
			return (1);
	}
	return (0);
}

static int
conn_open(struct bconn *c, const struct addrinfo *ai)
{
	struct epoll_event	ev;
	int			one = 1;

	c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (c->fd < 0 || connect(c->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		fail("cannot connect to %s:%d: %s", B.host, B.port,
		    strerror(errno));
		return (-1);
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(B.ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		fail("epoll_ctl: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: beanstalkd_load [options]\n"
	    "  --host H         beanstalkd address (default 127.0.0.1)\n"
	    "  --port N         its port (default 11300)\n"
	    "  --producers N    put connections (default 8)\n"
	    "  --consumers N    reserve -> delete connections (default 8)\n"
	    "  --duration S     measured seconds (default 10)\n"
	    "  --backlog N      at most N jobs put and not reserved\n"
	    "                   (default 2 x consumers; 0: no cap)\n"
	    "  --stall S        fail when no job moves for S s (default 15)\n"
	    "  --csv            one CSV line: duration_s,producers,consumers,\n"
	    "                   put,completed,puts_per_s,jobs_per_s,errors, then\n"
	    "                   p50,p90,p99,p999,max (us) of put, wait, delete\n");
}

static int
parse_num(const char *s, double min, double max, double *out)
{
	char	*end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(*out >= min) ||
	    *out > max) {
		fprintf(stderr, "beanstalkd_load: bad number '%s'\n", s);
		return (-1);
	}
	return (0);
}

static int
parse_options(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "producers", required_argument, NULL, 'P' },
		{ "consumers", required_argument, NULL, 'C' },
		{ "duration", required_argument, NULL, 'd' },
		{ "backlog", required_argument, NULL, 'b' },
		{ "stall", required_argument, NULL, 's' },
		{ "csv", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	double	v;
	int	ch;

	B.host = "127.0.0.1";
	B.port = 11300;
	B.producers = B.consumers = 8;
	B.duration = 10;
	B.backlog = -1;
	B.stall = 15;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'H': B.host = optarg; break;
		case 'p':
			if (parse_num(optarg, 1, 65535, &v) != 0)
				return (-1);
			B.port = (int)v;
			break;
		case 'P':
			if (parse_num(optarg, 1, 10000, &v) != 0)
				return (-1);
			B.producers = (int)v;
			break;
		case 'C':
			if (parse_num(optarg, 1, 10000, &v) != 0)
				return (-1);
			B.consumers = (int)v;
			break;
		case 'd':
			if (parse_num(optarg, 0.1, 1e6, &B.duration) != 0)
				return (-1);
			break;
		case 'b':
			if (parse_num(optarg, 0, 1e9, &v) != 0)
				return (-1);
			B.backlog = (int)v;
			break;
		case 's':
			if (parse_num(optarg, 1, 86400, &v) != 0)
				return (-1);
			B.stall = (int)v;
			break;
		case 'c': B.csv = 1; break;
		case 'h': usage(stdout); exit(0);
		default: return (-1);
		}
	}
	if (optind != argc)
		return (-1);
	if (B.backlog < 0)
		B.backlog = 2 * B.consumers;
	return (0);
}

static void
report(void)
{
	double	w = (double)(B.end - B.start) / 1e6;
	int	i;

	if (B.csv) {
		printf("%.3f,%d,%d,%" PRIu64 ",%" PRIu64 ",%.1f,%.1f,%d", w,
		    B.producers, B.consumers, B.puts, B.completed,
		    w > 0 ? (double)B.puts / w : 0.0,
		    w > 0 ? (double)B.completed / w : 0.0, B.failed);
		for (i = 0; i < NL; i++)
			printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			    ",%" PRIu64, histo_percentile(&B.lat[i], 50),
			    histo_percentile(&B.lat[i], 90),
			    histo_percentile(&B.lat[i], 99),
			    histo_percentile(&B.lat[i], 99.9), B.lat[i].max);
		printf("\n");
		return;
	}
	printf("beanstalkd_load: %s:%d, %d producers, %d consumers, at most "
	    "%d jobs waiting\n", B.host, B.port, B.producers, B.consumers,
	    B.backlog);
	printf("run%s: %.2f s, %" PRIu64 " puts, %" PRIu64 " jobs deleted\n",
	    B.failed ? " (FAILED)" : "", w, B.puts, B.completed);
	printf("jobs/s: %.1f\n\n", w > 0 ? (double)B.completed / w : 0.0);
	printf("%-22s %9s %8s %8s %8s %8s %8s\n", "latency (us)", "count",
	    "p50", "p90", "p99", "p99.9", "max");
	for (i = 0; i < NL; i++)
		printf("%-22s %9" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8"
		    PRIu64 " %8" PRIu64 " %8" PRIu64 "\n", lat_labels[i],
		    B.lat[i].count, histo_percentile(&B.lat[i], 50),
		    histo_percentile(&B.lat[i], 90),
		    histo_percentile(&B.lat[i], 99),
		    histo_percentile(&B.lat[i], 99.9), B.lat[i].max);
	printf("\nreserve timeouts: %" PRIu64 "\n", B.timeouts);
}

int
main(int argc, char **argv)
{
	struct addrinfo		 hints, *ai;
	struct epoll_event	 evs[64];
	char			 port[16];
	int64_t			 deadline, now, last_move = 0;
	uint64_t		 moved = 0;
	int			 i, n, rc, ms;

	if (parse_options(argc, argv) != 0) {
		usage(stderr);
		return (2);
	}
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < NL; i++)
		histo_init(&B.lat[i]);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", B.port);
	if ((rc = getaddrinfo(B.host, port, &hints, &ai)) != 0) {
		fprintf(stderr, "beanstalkd_load: %s: %s\n", B.host,
		    gai_strerror(rc));
		return (1);
	}
	B.nconns = B.producers + B.consumers;
	if ((B.conns = calloc((size_t)B.nconns, sizeof *B.conns)) == NULL ||
	    (B.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		fprintf(stderr, "beanstalkd_load: out of resources\n");
		return (1);
	}
	for (i = 0; i < B.nconns; i++) {
		B.conns[i].fd = -1;
		B.conns[i].role = i < B.producers ? PRODUCER : CONSUMER;
		if (conn_open(&B.conns[i], ai) != 0)
			break;
	}
	freeaddrinfo(ai);
	if (!B.failed) {
		B.running = 1;
		B.start = last_move = now_us();
		for (i = 0; i < B.nconns; i++) {
			if (B.conns[i].role == CONSUMER)
				consumer_reserve(&B.conns[i]);
		}
		for (i = 0; i < B.nconns; i++) {
			if (B.conns[i].role == PRODUCER)
				producer_put(&B.conns[i]);
		}
	}
	deadline = B.start + (int64_t)(B.duration * 1e6);
	while (B.running) {
		now = now_us();
		if (now >= deadline) {
			B.end = now;
			B.running = 0;
			break;
		}
		if (B.reserved + B.completed != moved) {
			moved = B.reserved + B.completed;
			last_move = now;
		} else if (now - last_move > (int64_t)B.stall * 1000000) {
			fail("stalled: no job moved for %d s (%" PRIu64 " put, %"
			    PRIu64 " deleted)", B.stall, B.puts, B.completed);
			break;
		}
		ms = (int)((deadline - now + 999) / 1000);
		if (ms > 1000)
			ms = 1000;
		n = epoll_wait(B.ep, evs, 64, ms);
		if (n < 0 && errno != EINTR) {
			fail("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n && !B.failed; i++)
			conn_io(evs[i].data.ptr, evs[i].events);
	}
	/*
	 * Collect the replies still owed (a reserve waits at most 1 s), so
	 * that no socket closes with unread data, which resets it. Closing
	 * releases the jobs reserved meanwhile.
	 */
	deadline = now_us() + 3000000;
	while (!B.failed && conns_busy() && now_us() < deadline) {
		n = epoll_wait(B.ep, evs, 64, 100);
		for (i = 0; i < n && !B.failed; i++)
			conn_io(evs[i].data.ptr, evs[i].events);
	}
	for (i = 0; i < B.nconns; i++) {
		if (B.conns[i].fd >= 0)
			close(B.conns[i].fd);
	}
	close(B.ep);
	free(B.conns);
	if (B.start != 0) {
		if (B.end == 0)
			B.end = now_us();
		report();
	}
	return (B.failed ? 1 : 0);
}
