/*
 * recovery_load: the client side of bench/recovery. Raw sockets, no
 * hiredis, so that it builds with nothing but libc.
 *
 *   recovery_load fill -p PORT -u USER -a PASS -n N [-c CONNS] [-w WINDOW]
 *       [-q QUEUE] [-s SUBJECT_BYTES] [-k CUSTOMERS]
 *     AUTH, then N pipelined TICKET CREATE over CONNS connections (default
 *     2), at most WINDOW (default 10000) unanswered per connection, tier
 *     mix standard/silver/gold/diamond 70/20/8/2, customers bench-0..K-1 in
 *     turn, a subject of about SUBJECT_BYTES (default 48; 0: none). Prints
 *     "result created=... errors=... seconds=... rate=... subject_avg=...".
 *   recovery_load ping -p PORT [-t SECONDS]
 *     Connects and sends PING every millisecond until +PONG; prints
 *     "pong_ms=<Unix ms>" (CLOCK_REALTIME, comparable with date +%s%3N).
 *   recovery_load info -p PORT -u USER -a PASS [SECTION]
 *     AUTH, INFO [SECTION]; prints the bulk.
 *
 * Every reply to AUTH, PING and TICKET CREATE is one line, so the fill
 * counts lines; error lines ("-...") are counted and the first few shown.
 * Exit status 0 on success, 1 on failure, 2 for bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

#define MAXCONN		16
#define OUTMAX		(1 << 20)	/* bytes built per write */
#define INMAX		(1 << 16)

static const char *tier_names[] = { "standard", "silver", "gold", "diamond" };
static const int tier_weights[] = { 70, 20, 8, 2 };
static int tier_current[4];
static uint64_t subject_bytes;	/* plaintext subject bytes sent */

struct conn {
	int		 fd;
	uint64_t	 sent;		/* commands written, AUTH included */
	uint64_t	 got;		/* replies read */
	uint64_t	 todo;		/* creates still to write */
	char		*out;
	size_t		 outlen, outoff;
	int		 bol;		/* at the beginning of a reply line */
	int		 err_line;	/* inside an error line */
	char		 errbuf[160];
	size_t		 errlen;
};

static double
now_s(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: recovery_load fill -p PORT -u USER -a PASS -n N [-c CONNS]\n"
	    "           [-w WINDOW] [-q QUEUE] [-s SUBJECT_BYTES] [-k CUSTOMERS]\n"
	    "       recovery_load ping -p PORT [-t SECONDS]\n"
	    "       recovery_load info -p PORT -u USER -a PASS [SECTION]\n");
	exit(2);
}

static int
dial(int port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		close(fd);
		return (-1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return (fd);
}

/* Appends one RESP array of n arguments to buf (room checked by caller). */
static size_t
resp(char *buf, int n, const char **argv)
{
	size_t	len, off;
	int	i;

	off = (size_t)sprintf(buf, "*%d\r\n", n);
	for (i = 0; i < n; i++) {
		len = strlen(argv[i]);
		off += (size_t)sprintf(buf + off, "$%zu\r\n", len);
		memcpy(buf + off, argv[i], len);
		off += len;
		memcpy(buf + off, "\r\n", 2);
		off += 2;
	}
	return (off);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

/* Reads one line reply (blocking); 0 and the line, -1 on EOF/error. */
static int
read_line(int fd, char *line, size_t max)
{
	size_t	n = 0;
	char	c;
	ssize_t	r;

	for (;;) {
		if ((r = read(fd, &c, 1)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return (-1);
		if (c == '\n')
			break;
		if (n + 1 < max)
			line[n++] = c;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return (0);
}

static int
auth(int fd, const char *user, const char *pass)
{
	const char	*argv[3] = { "AUTH", user, pass };
	char		 buf[512], line[256];

	if (strlen(user) + strlen(pass) > 400)
		return (-1);
	if (write_all(fd, buf, resp(buf, 3, argv)) != 0 ||
	    read_line(fd, line, sizeof line) != 0)
		return (-1);
	if (line[0] != '+') {
		fprintf(stderr, "recovery_load: AUTH: %s\n", line);
		return (-1);
	}
	return (0);
}

static const char *
next_tier(void)
{
	int	i, best = 0;

	for (i = 0; i < 4; i++) {
		tier_current[i] += tier_weights[i];
		if (tier_current[i] > tier_current[best])
			best = i;
	}
	tier_current[best] -= 100;
	return (tier_names[best]);
}

static const char filler[] =
    "printer on fire in the third floor meeting room, caller wants a call "
    "back before noon about the invoice and the replacement toner order";

/* Builds creates into c->out until it is full, the window or todo. */
static void
fill_out(struct conn *c, uint64_t *serial, uint64_t window, int customers,
    const char *queue, int subj)
{
	const char	*argv[9];
	char		 cust[32], subject[256];
	int		 len;

	c->outlen = c->outoff = 0;
	while (c->todo > 0 && c->sent - c->got < window &&
	    c->outlen + 1024 < OUTMAX) {
		snprintf(cust, sizeof cust, "bench-%d",
		    (int)(*serial % (uint64_t)customers));
		len = snprintf(subject, sizeof subject, "ticket %llu: ",
		    (unsigned long long)*serial);
		if (subj > len)
			snprintf(subject + len, sizeof subject - (size_t)len,
			    "%.*s", subj - len, filler);
		argv[0] = "TICKET";
		argv[1] = "CREATE";
		argv[2] = queue;
		argv[3] = cust;
		argv[4] = "TIER";
		argv[5] = next_tier();
		argv[6] = "SUBJECT";
		argv[7] = subject;
		if (subj > 0)
			subject_bytes += strlen(subject);
		c->outlen += resp(c->out + c->outlen, subj > 0 ? 8 : 6, argv);
		c->sent++;
		c->todo--;
		(*serial)++;
	}
}

/* Counts reply lines in buf; remembers the first error lines. */
static void
scan(struct conn *c, const char *buf, size_t n, uint64_t *errors)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (c->bol) {
			c->bol = 0;
			if (buf[i] == '-') {
				c->err_line = 1;
				c->errlen = 0;
			}
		}
		if (buf[i] == '\n') {
			if (c->err_line) {
				if (*errors < 5)
					fprintf(stderr, "recovery_load: "
					    "reply %llu: %.*s\n",
					    (unsigned long long)c->got,
					    (int)c->errlen, c->errbuf);
				(*errors)++;
				c->err_line = 0;
			}
			c->got++;
			c->bol = 1;
		} else if (c->err_line && buf[i] != '\r' &&
		    c->errlen < sizeof c->errbuf)
			c->errbuf[c->errlen++] = buf[i];
	}
}

static int
cmd_fill(int port, const char *user, const char *pass, uint64_t n,
    int nconn, uint64_t window, const char *queue, int subj, int customers)
{
	struct conn	 cs[MAXCONN];
	struct pollfd	 pfd[MAXCONN];
	char		 in[INMAX];
	uint64_t	 serial = 0, errors = 0, done;
	double		 t0, t1;
	ssize_t		 r;
	int		 i, live, rc = 1;

	/* Every exit goes through out, which closes and frees what is open. */
	for (i = 0; i < nconn; i++) {
		memset(&cs[i], 0, sizeof cs[i]);
		cs[i].fd = -1;
	}
	for (i = 0; i < nconn; i++) {
		if ((cs[i].fd = dial(port)) == -1 ||
		    auth(cs[i].fd, user, pass) != 0) {
			fprintf(stderr, "recovery_load: cannot connect and "
			    "log in on port %d\n", port);
			goto out;
		}
		cs[i].out = xmalloc(OUTMAX);
		cs[i].todo = n / (uint64_t)nconn +
		    ((uint64_t)i < n % (uint64_t)nconn);
		cs[i].bol = 1;
	}
	t0 = now_s(CLOCK_MONOTONIC);
	for (;;) {
		live = 0;
		for (i = 0; i < nconn; i++) {
			struct conn	*c = &cs[i];

			if (c->outoff == c->outlen)
				fill_out(c, &serial, window, customers, queue,
				    subj);
			pfd[i].fd = c->fd;
			pfd[i].events = POLLIN;
			if (c->outoff < c->outlen)
				pfd[i].events |= POLLOUT;
			pfd[i].revents = 0;
			if (c->got < c->sent || c->todo > 0)
				live++;
		}
		if (live == 0)
			break;
		if (poll(pfd, (nfds_t)nconn, 60000) <= 0) {
			fprintf(stderr, "recovery_load: no progress for 60 s\n");
			goto out;
		}
		for (i = 0; i < nconn; i++) {
			struct conn	*c = &cs[i];

			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				r = read(c->fd, in, sizeof in);
				if (r <= 0) {
					fprintf(stderr, "recovery_load: "
					    "connection %d lost after %llu "
					    "replies\n", i,
					    (unsigned long long)c->got);
					goto out;
				}
				scan(c, in, (size_t)r, &errors);
			}
			if ((pfd[i].revents & POLLOUT) &&
			    c->outoff < c->outlen) {
				r = write(c->fd, c->out + c->outoff,
				    c->outlen - c->outoff);
				if (r == -1 && errno != EINTR &&
				    errno != EAGAIN) {
					perror("recovery_load: write");
					goto out;
				}
				if (r > 0)
					c->outoff += (size_t)r;
			}
		}
	}
	t1 = now_s(CLOCK_MONOTONIC);
	done = 0;
	for (i = 0; i < nconn; i++)
		done += cs[i].got;
	printf("result created=%llu errors=%llu seconds=%.3f rate=%.0f "
	    "subject_avg=%.1f\n", (unsigned long long)(done - errors),
	    (unsigned long long)errors, t1 - t0, (double)done / (t1 - t0),
	    (double)subject_bytes / (double)n);
	rc = errors != 0;
out:
	for (i = 0; i < nconn; i++) {
		if (cs[i].fd != -1)
			close(cs[i].fd);
		free(cs[i].out);
	}
	return (rc);
}

static int
cmd_ping(int port, double timeout)
{
	const char	*argv[1] = { "PING" };
	char		 buf[64], line[64];
	double		 end = now_s(CLOCK_MONOTONIC) + timeout;
	struct timespec	 ms = { 0, 1000000 };
	size_t		 len = resp(buf, 1, argv);
	int		 fd;

	while (now_s(CLOCK_MONOTONIC) < end) {
		if ((fd = dial(port)) != -1) {
			if (write_all(fd, buf, len) == 0 &&
			    read_line(fd, line, sizeof line) == 0 &&
			    strcmp(line, "+PONG") == 0) {
				printf("pong_ms=%.0f\n",
				    now_s(CLOCK_REALTIME) * 1000);
				close(fd);
				return (0);
			}
			close(fd);
		}
		nanosleep(&ms, NULL);
	}
	fprintf(stderr, "recovery_load: no PONG on port %d within %.0f s\n",
	    port, timeout);
	return (1);
}

static int
cmd_info(int port, const char *user, const char *pass, const char *section)
{
	const char	*argv[2] = { "INFO", section };
	char		 buf[256], line[64], *body;
	long		 len;
	size_t		 got = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = dial(port)) == -1 || auth(fd, user, pass) != 0)
		return (1);
	if (write_all(fd, buf, resp(buf, section != NULL ? 2 : 1, argv)) != 0 ||
	    read_line(fd, line, sizeof line) != 0 || line[0] != '$' ||
	    (len = atol(line + 1)) < 0) {
		fprintf(stderr, "recovery_load: INFO failed\n");
		return (1);
	}
	body = xmalloc((size_t)len + 2);
	while (got < (size_t)len + 2) {
		if ((r = read(fd, body + got, (size_t)len + 2 - got)) <= 0)
			return (1);
		got += (size_t)r;
	}
	fwrite(body, 1, (size_t)len, stdout);
	free(body);
	close(fd);
	return (0);
}

int
main(int argc, char **argv)
{
	const char	*user = NULL, *pass = NULL, *queue = "general", *what;
	uint64_t	 n = 0, window = 10000;
	double		 timeout = 60;
	int		 port = 0, nconn = 2, subj = 48, customers = 1000, opt;

	if (argc < 2)
		usage();
	what = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "p:u:a:n:c:w:q:s:k:t:")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'a': pass = optarg; break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'c': nconn = atoi(optarg); break;
		case 'w': window = strtoull(optarg, NULL, 10); break;
		case 'q': queue = optarg; break;
		case 's': subj = atoi(optarg); break;
		case 'k': customers = atoi(optarg); break;
		case 't': timeout = atof(optarg); break;
		default: usage();
		}
	}
	if (port <= 0 || port > 65535)
		usage();
	if (strcmp(what, "ping") == 0)
		return (cmd_ping(port, timeout));
	if (user == NULL || pass == NULL)
		usage();
	if (strcmp(what, "info") == 0)
		return (cmd_info(port, user, pass,
		    optind < argc ? argv[optind] : NULL));
	if (strcmp(what, "fill") != 0 || n == 0 || nconn < 1 ||
	    nconn > MAXCONN || window < 1 || subj < 0 || subj > 200 ||
	    customers < 1 || strlen(queue) > 64)
		usage();
	return (cmd_fill(port, user, pass, n, nconn, window, queue, subj,
	    customers));
}
