/* load.c: the raw-socket harness of the load drivers; see load.h. */
#include <errno.h>
#include <fcntl.h>
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

#include "load.h"
#include "xmalloc.h"

#define LOAD_BUF_MIN	4096
#define LOAD_BUF_MAX	(64u << 20)	/* one reply larger than this: bad */
#define LOAD_EVENTS	256
#define LOAD_DEPTH	8		/* nested RESP arrays */

#define LOAD_RAMP_POLL_MS	100	/* how often a stalled ramp looks */

static const char		*load_name = "load";
static int			 load_ep = -1;
static int			 load_bad;
static volatile sig_atomic_t	 load_stop;

int64_t
load_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

int
load_init(const char *progname)
{
	load_name = progname;
	if ((load_ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		fprintf(stderr, "%s: epoll_create1: %s\n", load_name,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/* The first failure is the one worth reading: later ones stay quiet. */
void
load_fail(const char *fmt, ...)
{
	va_list	ap;

	if (load_bad)
		return;
	load_bad = 1;
	fprintf(stderr, "%s: ", load_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
load_failed(void)
{
	return (load_bad);
}

int
load_number(const char *opt, const char *s, double min, double max,
    double *out)
{
	char	*end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(*out >= min) ||
	    *out > max) {
		fprintf(stderr, "%s: %s: want a number from %g to %g, not "
		    "'%s'\n", load_name, opt, min, max, s);
		return (-1);
	}
	return (0);
}

int
load_int(const char *opt, const char *s, int min, int max, int *out)
{
	double	v;

	if (load_number(opt, s, min, max, &v) != 0)
		return (-1);
	if (v != (double)(int)v) {
		fprintf(stderr, "%s: %s: want a whole number, not '%s'\n",
		    load_name, opt, s);
		return (-1);
	}
	*out = (int)v;
	return (0);
}

static void
load_watch(struct load_conn *c)
{
	struct epoll_event	ev;
	uint32_t		want;

	if (c->fd < 0)
		return;
	want = (c->paused ? 0 : EPOLLIN) | (c->outlen > 0 ? EPOLLOUT : 0);
	if (want == c->events)
		return;
	memset(&ev, 0, sizeof ev);
	ev.events = want;
	ev.data.ptr = c;
	if (epoll_ctl(load_ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
		load_fail("epoll_ctl: %s", strerror(errno));
	c->events = want;
}

int
load_connect(struct load_conn *c, const char *host, int port, int rcvbuf,
    load_reply_fn *fn, void *arg)
{
	return (load_connect_from(c, NULL, host, port, rcvbuf, fn, arg));
}

/*
 * Binds fd to address from, port 0. IP_BIND_ADDRESS_NO_PORT leaves the
 * port to connect(), which picks it per destination: ten thousand binds
 * then need no ten thousand ports reserved up front.
 */
static int
load_bind(int fd, int family, const char *from)
{
	struct addrinfo	 hints, *ai;
	int		 one = 1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if ((rc = getaddrinfo(from, "0", &hints, &ai)) != 0) {
		load_fail("source address %s: %s", from, gai_strerror(rc));
		return (-1);
	}
#ifdef IP_BIND_ADDRESS_NO_PORT
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
	rc = bind(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (rc != 0) {
		load_fail("cannot bind to %s: %s", from, strerror(errno));
		return (-1);
	}
	return (0);
}

int
load_connect_from(struct load_conn *c, const char *from, const char *host,
    int port, int rcvbuf, load_reply_fn *fn, void *arg)
{
	struct addrinfo		 hints, *ai;
	struct epoll_event	 ev;
	char			 serv[16];
	int			 one = 1, rc;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->on_reply = fn;
	c->arg = arg;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof serv, "%d", port);
	if ((rc = getaddrinfo(host, serv, &hints, &ai)) != 0) {
		load_fail("%s: %s", host, gai_strerror(rc));
		return (-1);
	}
	c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (c->fd >= 0 && rcvbuf > 0)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof rcvbuf);
	if (c->fd >= 0 && from != NULL &&
	    load_bind(c->fd, ai->ai_family, from) != 0) {
		freeaddrinfo(ai);
		close(c->fd);
		c->fd = -1;
		return (-1);
	}
	if (c->fd < 0 || connect(c->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		load_fail("cannot connect to %s:%d: %s", host, port,
		    strerror(errno));
		freeaddrinfo(ai);
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return (-1);
	}
	freeaddrinfo(ai);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	memset(&ev, 0, sizeof ev);
	ev.events = c->events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(load_ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		load_fail("epoll_ctl: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

static int
load_grow(char **buf, size_t *cap, size_t need)
{
	size_t	n = *cap == 0 ? LOAD_BUF_MIN : *cap;

	while (n < need)
		n *= 2;
	if (n == *cap)
		return (0);
	if (n > LOAD_BUF_MAX) {
		load_fail("buffer of %zu bytes: too large", n);
		return (-1);
	}
	*buf = xreallocarray(*buf, n, 1);
	*cap = n;
	return (0);
}

static void
load_flush(struct load_conn *c)
{
	ssize_t	n;

	while (c->outlen > 0 && c->fd >= 0) {
		n = write(c->fd, c->out, c->outlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			load_fail("write: %s", strerror(errno));
			return;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
	load_watch(c);
}

void
load_send(struct load_conn *c, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (c->fd < 0)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(c->out + c->outlen, c->outcap - c->outlen, fmt,
		    ap);
		va_end(ap);
		if (n < 0) {
			load_fail("cannot format a command");
			return;
		}
		if ((size_t)n < c->outcap - c->outlen)
			break;
		if (load_grow(&c->out, &c->outcap, c->outlen + (size_t)n + 1)
		    != 0)
			return;
	}
	c->outlen += (size_t)n;
	c->sent = load_now_us();
	load_flush(c);
}

void
load_pause(struct load_conn *c, int paused)
{
	c->paused = paused;
	load_watch(c);
}

void
load_close(struct load_conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(load_ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	c->inlen = c->incap = c->outlen = c->outcap = 0;
}

static void
load_closed(struct load_conn *c)
{
	c->eof = 1;
	epoll_ctl(load_ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	if (c->on_close != NULL)
		c->on_close(c);
	else
		load_fail("connection closed by the server");
}

static void
load_read(struct load_conn *c)
{
	ssize_t	n, used;
	size_t	off;

	while (c->fd >= 0 && !c->paused) {
		if (c->incap - c->inlen < LOAD_BUF_MIN / 2 &&
		    load_grow(&c->in, &c->incap, c->inlen + LOAD_BUF_MIN) != 0)
			return;
		n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			if (n < 0 && errno != ECONNRESET)
				load_fail("read: %s", strerror(errno));
			load_closed(c);
			return;
		}
		c->inlen += (size_t)n;
		c->bytes_in += (uint64_t)n;
		for (off = 0, used = 1; off < c->inlen && used > 0 &&
		    c->fd >= 0;) {
			used = c->on_reply(c, c->in + off, c->inlen - off);
			if (used > 0)
				off += (size_t)used;
		}
		if (used < 0 || load_bad)
			return;
		if (c->in != NULL) {
			memmove(c->in, c->in + off, c->inlen - off);
			c->inlen -= off;
		}
	}
}

int
load_poll(int timeout_ms)
{
	struct epoll_event	 evs[LOAD_EVENTS];
	struct load_conn	*c;
	int			 i, n;

	n = epoll_wait(load_ep, evs, LOAD_EVENTS, timeout_ms);
	if (n < 0 && errno != EINTR) {
		load_fail("epoll_wait: %s", strerror(errno));
		return (-1);
	}
	for (i = 0; i < n && !load_bad; i++) {
		c = evs[i].data.ptr;
		if ((evs[i].events & EPOLLOUT) != 0)
			load_flush(c);
		if ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0)
			load_read(c);
	}
	return (load_bad ? -1 : 0);
}

static void
load_on_signal(int sig)
{
	(void)sig;
	load_stop = 1;
}

void
load_catch_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = load_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
load_stopped(void)
{
	return (load_stop);
}

int
load_ramp(int n, int window, const int *done, load_open_fn *open_fn,
    void *arg, int stall_s, const char *what)
{
	int64_t	last = load_now_us(), now;
	int	opened = 0, seen = *done;

	while (*done < n && !load_bad && !load_stop) {
		while (opened < n && opened - *done < window && !load_bad)
			open_fn(opened++, arg);
		load_poll(LOAD_RAMP_POLL_MS);
		now = load_now_us();
		if (*done != seen) {
			seen = *done;
			last = now;
		} else if (now - last > (int64_t)stall_s * 1000000)
			load_fail("stuck at %d of %d %s for %d s", *done, n,
			    what, stall_s);
	}
	return (load_bad || load_stop ? -1 : 0);
}

/* The integer between p + 1 and the CRLF at eol, or -2 if it is not one. */
static long long
load_resp_int(const char *p, const char *eol)
{
	char		 buf[24], *end;
	size_t		 n = (size_t)(eol - p - 1);
	long long	 v;

	if (n == 0 || n >= sizeof buf)
		return (-2);
	memcpy(buf, p + 1, n);
	buf[n] = '\0';
	v = strtoll(buf, &end, 10);
	return (*end == '\0' && v >= -1 ? v : -2);
}

static ssize_t
load_resp_at(const char *p, size_t len, int depth)
{
	const char	*eol;
	long long	 v, i;
	size_t		 hdr, off;
	ssize_t		 sub;

	if (len < 3 || (eol = memmem(p, len, "\r\n", 2)) == NULL)
		return (len > 64 * 1024 ? -1 : 0);
	hdr = (size_t)(eol - p) + 2;
	switch (p[0]) {
	case '+':
	case '-':
	case ':':
		return ((ssize_t)hdr);
	case '$':
		if ((v = load_resp_int(p, eol)) == -2)
			return (-1);
		if (v == -1)
			return ((ssize_t)hdr);
		if (len < hdr + (size_t)v + 2)
			return (0);
		return ((ssize_t)(hdr + (size_t)v + 2));
	case '*':
		if ((v = load_resp_int(p, eol)) == -2 || depth >= LOAD_DEPTH)
			return (-1);
		for (off = hdr, i = 0; i < v; i++) {
			if ((sub = load_resp_at(p + off, len - off,
			    depth + 1)) <= 0)
				return (sub);
			off += (size_t)sub;
		}
		return ((ssize_t)off);
	}
	return (-1);
}

ssize_t
load_resp_len(const char *buf, size_t len)
{
	return (load_resp_at(buf, len, 0));
}

ssize_t
load_ok_len(const char *buf, size_t len, const char *who, int n)
{
	ssize_t	m = load_resp_len(buf, len);

	if (m < 0)
		load_fail("bad reply '%.40s'", buf);
	else if (m > 0 && buf[0] == '-') {
		load_fail("%s %d: %.*s", who, n, (int)m - 2, buf);
		return (-1);
	}
	return (m);
}
