/*
 * load.h: the harness of the raw-socket load drivers (queue_load for
 * beanstalkd and Redis; conns_load, reconnect_load and shift_load for
 * connections logging in to hotlined). Connections live on one epoll loop
 * in one thread, with buffered output and a callback that consumes
 * replies, so that a driver costs the machine little next to the server
 * it measures.
 */
#ifndef BENCH_LOAD_H
#define BENCH_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct load_conn;

/*
 * Called with the unread input: the length of one complete reply it
 * consumed, 0 when more bytes are needed, -1 after load_fail().
 */
typedef ssize_t	load_reply_fn(struct load_conn *, const char *, size_t);
/* The server closed the connection (default: the run fails). */
typedef void	load_close_fn(struct load_conn *);

struct load_conn {
	int		 fd;
	load_reply_fn	*on_reply;
	load_close_fn	*on_close;
	void		*arg;
	int64_t		 sent;		/* when the last command went out */
	int		 paused;	/* not reading (a stalled subscriber) */
	int		 eof;		/* the server closed it */
	uint32_t	 events;	/* what epoll watches */
	char		*in;
	size_t		 inlen, incap;
	char		*out;
	size_t		 outlen, outcap;
	uint64_t	 bytes_in;
};

int64_t	load_now_us(void);
/* Names the program in messages; sets up epoll. 0 or -1. */
int	load_init(const char *progname);
void	load_fail(const char *, ...) __attribute__((format(printf, 1, 2)));
int	load_failed(void);
/* Parsing helpers for drivers' options: 0, or -1 with a message. */
int	load_number(const char *opt, const char *s, double min, double max,
	    double *out);
int	load_int(const char *opt, const char *s, int min, int max, int *out);

/*
 * Connects to host:port (TCP_NODELAY, non-blocking afterwards). A rcvbuf
 * above 0 sets SO_RCVBUF before connecting, so that a subscriber which
 * stops reading holds little in its kernel buffer. 0 or -1.
 */
int	load_connect(struct load_conn *, const char *host, int port,
	    int rcvbuf, load_reply_fn *, void *arg);
/*
 * The same from source address from (an IPv4 or IPv6 literal; NULL: the
 * kernel's choice). Linux routes all of 127.0.0.0/8 to the loopback
 * device, so a driver can be many clients, each of its own address, as
 * the daemon's per-address limits see them.
 */
int	load_connect_from(struct load_conn *, const char *from,
	    const char *host, int port, int rcvbuf, load_reply_fn *,
	    void *arg);
void	load_send(struct load_conn *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Stop or resume reading a connection. */
void	load_pause(struct load_conn *, int paused);
void	load_close(struct load_conn *);
/* One epoll_wait (at most timeout_ms) and the I/O it reports. */
int	load_poll(int timeout_ms);

/*
 * SIGTERM and SIGINT end the run (load_stopped() says so from then on);
 * SIGPIPE is ignored (a write to a closed connection fails instead).
 */
void	load_catch_signals(void);
int	load_stopped(void);

/*
 * Sets connections 0..n-1 up: open(i, arg) connects connection i and
 * sends what sets it up; at most window of them are opened and not yet
 * set up at a time (*done counts those set up, as the reply callbacks
 * see them). Returns 0 once all n are, -1 if the run fails, a signal
 * stops it, or stall_s seconds pass without one more set up ("stuck at
 * K of N <what>").
 */
typedef void	load_open_fn(int i, void *arg);
int	load_ramp(int n, int window, const int *done, load_open_fn *open_fn,
	    void *arg, int stall_s, const char *what);

/* The length of one complete RESP2 reply at buf, 0 if partial, -1 if bad. */
ssize_t	load_resp_len(const char *buf, size_t len);
/*
 * The same for a reply that must not be an error: -1 after load_fail()
 * for a bad reply or an error one ("<who> <n>: -ERR ...").
 */
ssize_t	load_ok_len(const char *buf, size_t len, const char *who, int n);

#endif
