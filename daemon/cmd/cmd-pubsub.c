/* SUBSCRIBE and friends, with Redis's reply shapes. */
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "pubsub.h"
#include "server.h"
#include "text.h"

static void
pubsub_ack(struct conn *c, const char *kind, const char *name)
{
	resp_add_array(&c->reply, 3);
	resp_add_cstr(&c->reply, kind);
	resp_add_cstr(&c->reply, name);
	resp_add_int(&c->reply, (long long)pubsub_count(c));
}

/*
 * Every name valid and the connection within max_subscriptions, or one
 * -ERR and nothing subscribed: a client cannot make the daemon keep
 * megabyte names or an unbounded list (both cost memory, and patterns
 * are matched against every published event).
 */
static int
pubsub_admit(struct conn *c, const struct cmd_args *a, int pattern)
{
	const char	*kind = pattern ? "pattern" : "channel";
	size_t		 add = 0, max = server.cfg.max_subscriptions;
	char		 why[TEXT_ERRMAX];
	int		 i, j;

	for (i = 1; i < a->argc; i++) {
		if (text_name_check(a->argv[i], a->argvlen[i],
		    PUBSUB_NAME_MAX + 1, 0, kind, why, sizeof why) != 0) {
			server.stats.subscribe_refused++;
			resp_add_error(&c->reply, "ERR bad %s name (argument "
			    "%d): %s", kind, i, why);
			return (-1);
		}
	}
	if (pubsub_count(c) + (size_t)(a->argc - 1) <= max)
		return (0);
	/* Near the cap: count only what is new (once). */
	for (i = 1; i < a->argc; i++) {
		if (pubsub_has(c, a->argv[i], pattern))
			continue;
		for (j = 1; j < i; j++)
			if (strcmp(a->argv[j], a->argv[i]) == 0)
				break;
		add += j == i;
	}
	if (pubsub_count(c) + add <= max)
		return (0);
	server.stats.subscribe_refused++;
	resp_add_error(&c->reply, "ERR too many subscriptions: %zu channels "
	    "and patterns, %zu more asked, at most %zu per connection "
	    "([limits] max_subscriptions)", pubsub_count(c), add, max);
	return (-1);
}

static void
cmd_subscribe(struct conn *c, const struct cmd_args *a)
{
	int	i;

	if (pubsub_admit(c, a, 0) != 0)
		return;
	for (i = 1; i < a->argc; i++) {
		pubsub_subscribe(c, a->argv[i]);
		pubsub_ack(c, "subscribe", a->argv[i]);
	}
}

static void
cmd_psubscribe(struct conn *c, const struct cmd_args *a)
{
	int	i;

	if (pubsub_admit(c, a, 1) != 0)
		return;
	for (i = 1; i < a->argc; i++) {
		pubsub_psubscribe(c, a->argv[i]);
		pubsub_ack(c, "psubscribe", a->argv[i]);
	}
}

/* Without arguments, leave every channel (or pattern), one reply each. */
static void
pubsub_leave(struct conn *c, const struct cmd_args *a, const char *kind,
    char ***names, size_t *n, int (*leave)(struct conn *, const char *))
{
	char	*name;
	int	 i;

	if (a->argc > 1) {
		for (i = 1; i < a->argc; i++) {
			leave(c, a->argv[i]);
			pubsub_ack(c, kind, a->argv[i]);
		}
		return;
	}
	if (*n == 0) {
		resp_add_array(&c->reply, 3);
		resp_add_cstr(&c->reply, kind);
		resp_add_nil(&c->reply);
		resp_add_int(&c->reply, (long long)pubsub_count(c));
	}
	while (*n > 0) {
		name = (*names)[0];
		resp_add_array(&c->reply, 3);
		resp_add_cstr(&c->reply, kind);
		resp_add_cstr(&c->reply, name);	/* before leave frees it */
		leave(c, name);
		resp_add_int(&c->reply, (long long)pubsub_count(c));
	}
}

static void
cmd_unsubscribe(struct conn *c, const struct cmd_args *a)
{
	pubsub_leave(c, a, "unsubscribe", &c->channels, &c->nchannels,
	    pubsub_unsubscribe);
}

static void
cmd_punsubscribe(struct conn *c, const struct cmd_args *a)
{
	pubsub_leave(c, a, "punsubscribe", &c->patterns, &c->npatterns,
	    pubsub_punsubscribe);
}

const struct cmd_entry cmd_pubsub_table[] = {
	{ .name = "SUBSCRIBE", .flags = CMD_PUBSUB, .roles = ROLE_ANY,
	  .exec = cmd_subscribe,
	  .args = ARGS(POS("channel", .flags = ARG_MANY)) },
	{ .name = "PSUBSCRIBE", .flags = CMD_PUBSUB, .roles = ROLE_ANY,
	  .exec = cmd_psubscribe,
	  .args = ARGS(POS("pattern", .flags = ARG_MANY)) },
	{ .name = "UNSUBSCRIBE", .flags = CMD_PUBSUB, .roles = ROLE_ANY,
	  .exec = cmd_unsubscribe,
	  .args = ARGS(POS("channel", .flags = ARG_MANY | ARG_OPTIONAL)) },
	{ .name = "PUNSUBSCRIBE", .flags = CMD_PUBSUB, .roles = ROLE_ANY,
	  .exec = cmd_punsubscribe,
	  .args = ARGS(POS("pattern", .flags = ARG_MANY | ARG_OPTIONAL)) },
	{ .name = NULL }
};
