/*
 * link.h: one connection to hotlined for the interactive clients, on
 * hiredis's async API and its libevent adapter. A link connects (TCP or
 * unix socket), authenticates, says when it is up, and when it is lost
 * reconnects by itself with exponential backoff (with jitter, so a floor
 * of desks does not come back in step after a daemon restart). A refused
 * password is final: retrying would only lock the account.
 *
 * Links that share a struct link_session log in with the password once:
 * the first to get in takes a session token (SESSION NEW), and every
 * later login of any of them uses the token, checked by the daemon in
 * microseconds instead of an Argon2id run. A refused token (expired,
 * revoked, a new password) is dropped and the password tried once more on
 * the same connection; a refused password is final.
 */
#ifndef HOTLINE_CLIENT_LINK_H
#define HOTLINE_CLIENT_LINK_H

#include <stdarg.h>
#include <stdint.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#define LINK_BACKOFF_MIN_MS	250
#define LINK_BACKOFF_MAX_MS	8000
#define LINK_CONNECT_TIMEOUT_MS	5000

#define LINK_TOKEN_MAX	128

/* The token the links of one client share; zeroed, it holds none. */
struct link_session {
	char	token[LINK_TOKEN_MAX];
	char	id[40];
	int	asking;		/* a SESSION NEW is in flight */
	int	unsupported;	/* the daemon has no SESSION: passwords only */
	int	refused;	/* tokens the daemon refused */
	unsigned gen;		/* tokens taken: which one a refusal is of */
};

struct link_opts {
	const char	*host;
	int		 port;
	const char	*socket;	/* unix socket instead of TCP */
	const char	*user;		/* NULL: no AUTH */
	const char	*password;
	int		 reconnect;	/* 0: a loss is final */
	struct link_session *session;	/* NULL: the password every time */
};

/* Wipe the token (at exit). */
void		 link_session_forget(struct link_session *);

struct link;

struct link_cbs {
	/* Connected and authenticated (again). */
	void	(*up)(struct link *, void *arg);
	/*
	 * Lost, or could not connect or authenticate: why, and when the
	 * next attempt is (ms from now), or -1 if there will be none.
	 */
	void	(*down)(struct link *, const char *why, int64_t retry_ms,
		    void *arg);
};

struct link	*link_new(struct event_base *, const struct link_opts *,
		    const char *name, const struct link_cbs *, void *arg);
/* Starts connecting; 0, or -1 if out of memory. */
int		 link_start(struct link *);
/* Closes at once: replies still owed are called with a NULL reply. */
void		 link_free(struct link *);
int		 link_is_up(const struct link *);
/* The name given to link_new and where it goes ("127.0.0.1:7070"). */
const char	*link_name(const struct link *);
const char	*link_where(const struct link *);
/* How many times it came up; 1 after the first connection. */
unsigned	 link_generation(const struct link *);
/*
 * Sends a command; fn gets the reply, or NULL if the link was lost first.
 * -1 (fn never called) when the link is not up.
 */
int		 link_command(struct link *, redisCallbackFn *fn, void *arg,
		    int argc, const char **argv);
/* The same with the words given one by one, NULL-terminated. */
int		 link_call(struct link *, redisCallbackFn *fn, void *arg, ...)
		    __attribute__((sentinel));
/* Collects NULL-terminated words from ap into argv (at most max). */
int		 link_words(const char **argv, int max, va_list ap);

#endif
