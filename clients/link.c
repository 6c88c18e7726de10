/*
 * link.c: a self-healing connection. States: idle -> connecting ->
 * authenticating -> up; any failure goes to waiting (a backoff timer)
 * and back to connecting, unless reconnecting is off or AUTH was refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/adapters/libevent.h>

#include "link.h"
#include "xmalloc.h"

#define LINK_MAX_ARGS	64

enum link_state {
	LINK_IDLE,
	LINK_CONNECTING,
	LINK_AUTH,
	LINK_UP,
	LINK_WAITING,
	LINK_DEAD
};

struct link {
	struct event_base	*base;
	struct link_opts	 o;
	struct link_cbs		 cbs;
	void			*arg;
	char			 name[32];
	char			 where[300];
	redisAsyncContext	*ac;
	enum link_state		 state;
	struct event		*timer;		/* connect timeout, backoff */
	int64_t			 backoff;
	unsigned		 generation;
	int			 freeing;
	int			 with_token;	/* the AUTH in flight sent it */
	unsigned		 token_gen;	/* ... that one */
};

static void	link_connect(struct link *);

static unsigned
link_random(void)
{
	static unsigned	seed;

	if (seed == 0)
		seed = (unsigned)time(NULL) ^ (unsigned)clock();
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8);
}

static void
link_arm(struct link *l, int64_t ms)
{
	struct timeval	tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(l->timer, &tv);
}

/* Lost or failed: tell the owner, and try again later if we may. */
static void
link_lost(struct link *l, const char *why, int final)
{
	int64_t	retry = -1, jitter;

	evtimer_del(l->timer);
	l->ac = NULL;
	if (l->freeing)
		return;
	if (!final && l->o.reconnect) {
		/* +-20% so restarted daemons are not hit by every desk at once. */
		jitter = l->backoff / 5;
		retry = l->backoff - jitter +
		    (jitter > 0 ? (int64_t)(link_random() % (unsigned)(2 * jitter + 1)) : 0);
		l->state = LINK_WAITING;
		link_arm(l, retry);
		l->backoff *= 2;
		if (l->backoff > LINK_BACKOFF_MAX_MS)
			l->backoff = LINK_BACKOFF_MAX_MS;
	} else
		l->state = LINK_DEAD;
	if (l->cbs.down != NULL)
		l->cbs.down(l, why, retry, l->arg);
}

static void
link_timer(evutil_socket_t fd, short what, void *arg)
{
	struct link		*l = arg;
	redisAsyncContext	*ac;

	if (l->state == LINK_WAITING) {
		link_connect(l);
		return;
	}
	if (l->state == LINK_CONNECTING || l->state == LINK_AUTH) {
		/* Not connected yet: freeing calls no disconnect callback. */
		ac = l->ac;
		l->ac = NULL;
		if (ac != NULL) {
			ac->data = NULL;
			redisAsyncFree(ac);
		}
		link_lost(l, "timed out connecting", 0);
	}
}

static void
link_up(struct link *l)
{
	evtimer_del(l->timer);
	l->state = LINK_UP;
	l->backoff = LINK_BACKOFF_MIN_MS;
	l->generation++;
	if (l->cbs.up != NULL)
		l->cbs.up(l, l->arg);
}

static void	link_auth_reply(redisAsyncContext *, void *, void *);

/* AUTH with the shared token if there is one, else the password. */
static void
link_send_auth(struct link *l)
{
	struct link_session	*s = l->o.session;
	const char		*argv[3];

	l->state = LINK_AUTH;
	l->with_token = s != NULL && s->token[0] != '\0';
	l->token_gen = s != NULL ? s->gen : 0;
	argv[0] = "AUTH";
	argv[1] = l->o.user;
	if (l->with_token)
		argv[2] = s->token;
	else
		argv[2] = l->o.password != NULL ? l->o.password : "";
	if (redisAsyncCommandArgv(l->ac, link_auth_reply, l, 3, argv,
	    NULL) != REDIS_OK)
		redisAsyncDisconnect(l->ac);
}

static void
link_session_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	struct link		*l = arg;
	struct link_session	*s = l->o.session;
	redisReply		*r = reply;
	size_t			 i;

	s->asking = 0;
	if (r == NULL || l->ac != ac)
		return;	/* lost: the disconnect callback says so */
	if (r->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i + 1 < r->elements; i += 2) {
			if (r->element[i]->type != REDIS_REPLY_STRING &&
			    r->element[i]->type != REDIS_REPLY_STATUS)
				continue;
			if (strcmp(r->element[i]->str, "token") == 0)
				snprintf(s->token, sizeof s->token, "%s",
				    r->element[i + 1]->str != NULL ?
				    r->element[i + 1]->str : "");
			else if (strcmp(r->element[i]->str, "id") == 0)
				snprintf(s->id, sizeof s->id, "%s",
				    r->element[i + 1]->str != NULL ?
				    r->element[i + 1]->str : "");
		}
		s->gen++;
	} else
		s->unsupported = 1;	/* an older daemon: passwords */
	link_up(l);
}

static void
link_auth_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	struct link		*l = arg;
	struct link_session	*s = l->o.session;
	redisReply		*r = reply;
	char			 why[512];
	const char		*argv[2] = { "SESSION", "NEW" };

	if (r == NULL || l->ac != ac)
		return;	/* lost: the disconnect callback says so */
	if (r->type != REDIS_REPLY_ERROR) {
		/* In with the password: take a token for the next logins
		 * (one link asks; the others use it from their next login). */
		if (!l->with_token && s != NULL && l->o.reconnect &&
		    s->token[0] == '\0' && !s->asking && !s->unsupported &&
		    redisAsyncCommandArgv(ac, link_session_reply, l, 2, argv,
		    NULL) == REDIS_OK) {
			s->asking = 1;
			return;
		}
		link_up(l);
		return;
	}
	snprintf(why, sizeof why, "%s", r->str);
	if (l->with_token && strncmp(why, "WRONGPASS", 9) == 0) {
		/* Expired, revoked, or a new password: drop it and try the
		 * password, once, on this connection. */
		if (s->gen == l->token_gen) {	/* not a newer one */
			explicit_bzero(s->token, sizeof s->token);
			s->id[0] = '\0';
			s->refused++;
		}
		if (l->o.password != NULL) {
			link_send_auth(l);
			return;
		}
		snprintf(why, sizeof why, "the session token was refused "
		    "(expired or revoked) and there is no password to log in "
		    "with: start again");
	}
	/* A wrong password stays wrong; other refusals may pass. */
	l->state = LINK_DEAD;
	redisAsyncDisconnect(ac);
	link_lost(l, why, strncmp(why, "WRONGPASS", 9) == 0 ||
	    strncmp(why, "NOPERM", 6) == 0 ||
	    strncmp(why, "the session", 11) == 0);
}

void
link_session_forget(struct link_session *s)
{
	explicit_bzero(s, sizeof *s);
}

static void
link_on_connect(const redisAsyncContext *cac, int status)
{
	struct link	*l = cac->data;
	char		 why[512];

	if (l == NULL)
		return;
	if (status != REDIS_OK) {
		/* hiredis frees the context after this callback. */
		snprintf(why, sizeof why, "cannot connect to %s: %s",
		    l->where, cac->errstr);
		link_lost(l, why, 0);
		return;
	}
	if (l->o.user == NULL) {
		link_up(l);
		return;
	}
	link_send_auth(l);
}

static void
link_on_disconnect(const redisAsyncContext *cac, int status)
{
	struct link	*l = cac->data;
	char		 why[512];

	if (l == NULL || l->ac != cac)
		return;
	if (l->state == LINK_DEAD) {
		l->ac = NULL;
		return;
	}
	if (status == REDIS_OK || cac->errstr[0] == '\0')
		snprintf(why, sizeof why, "connection to %s closed", l->where);
	else
		snprintf(why, sizeof why, "connection to %s lost: %s",
		    l->where, cac->errstr);
	link_lost(l, why, 0);
}

static void
link_connect(struct link *l)
{
	redisAsyncContext	*ac;
	char			 why[512];

	if (l->o.socket != NULL)
		ac = redisAsyncConnectUnix(l->o.socket);
	else
		ac = redisAsyncConnect(l->o.host, l->o.port);
	if (ac == NULL || ac->err) {
		snprintf(why, sizeof why, "cannot connect to %s: %s", l->where,
		    ac != NULL ? ac->errstr : "out of memory");
		if (ac != NULL)
			redisAsyncFree(ac);
		link_lost(l, why, 0);
		return;
	}
	if (l->o.socket == NULL)
		redisEnableKeepAlive(&ac->c);
	ac->data = l;
	l->ac = ac;
	l->state = LINK_CONNECTING;
	redisLibeventAttach(ac, l->base);
	redisAsyncSetConnectCallback(ac, link_on_connect);
	redisAsyncSetDisconnectCallback(ac, link_on_disconnect);
	link_arm(l, LINK_CONNECT_TIMEOUT_MS);
}

struct link *
link_new(struct event_base *base, const struct link_opts *o,
    const char *name, const struct link_cbs *cbs, void *arg)
{
	struct link	*l;

	l = xcalloc(1, sizeof *l);
	if ((l->timer = evtimer_new(base, link_timer, l)) == NULL) {
		free(l);
		return (NULL);
	}
	l->base = base;
	l->o = *o;
	l->cbs = *cbs;
	l->arg = arg;
	l->backoff = LINK_BACKOFF_MIN_MS;
	snprintf(l->name, sizeof l->name, "%s", name);
	if (o->socket != NULL)
		snprintf(l->where, sizeof l->where, "unix:%s", o->socket);
	else
		snprintf(l->where, sizeof l->where, "%s:%d", o->host, o->port);
	return (l);
}

int
link_start(struct link *l)
{
	link_connect(l);
	return (0);
}

void
link_free(struct link *l)
{
	redisAsyncContext	*ac;

	if (l == NULL)
		return;
	l->freeing = 1;
	if ((ac = l->ac) != NULL) {
		l->ac = NULL;
		if (l->state == LINK_CONNECTING || l->state == LINK_AUTH ||
		    l->state == LINK_UP)
			ac->data = NULL;
		redisAsyncFree(ac);
	}
	event_free(l->timer);
	free(l);
}

int
link_is_up(const struct link *l)
{
	return (l->state == LINK_UP && l->ac != NULL);
}

const char *
link_name(const struct link *l)
{
	return (l->name);
}

const char *
link_where(const struct link *l)
{
	return (l->where);
}

unsigned
link_generation(const struct link *l)
{
	return (l->generation);
}

int
link_command(struct link *l, redisCallbackFn *fn, void *arg, int argc,
    const char **argv)
{
	if (!link_is_up(l))
		return (-1);
	if (redisAsyncCommandArgv(l->ac, fn, arg, argc, argv, NULL) !=
	    REDIS_OK)
		return (-1);
	return (0);
}

int
link_words(const char **argv, int max, va_list ap)
{
	int	argc = 0;

	while (argc < max && (argv[argc] = va_arg(ap, const char *)) != NULL)
		argc++;
	return (argc);
}

int
link_call(struct link *l, redisCallbackFn *fn, void *arg, ...)
{
	const char	*argv[LINK_MAX_ARGS];
	va_list		 ap;
	int		 argc;

	va_start(ap, arg);
	argc = link_words(argv, LINK_MAX_ARGS, ap);
	va_end(ap);
	return (link_command(l, fn, arg, argc, argv));
}
