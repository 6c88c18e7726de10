/* SUBSCRIBE and friends, with Redis's reply shapes. */
#include "cmd.h"
#include "conn.h"
#include "pubsub.h"
#include "server.h"
#include "text.h"

/* Channel and pattern names: names, long enough for "agent.<name>". */
#define PUBSUB_NAME_MAX	(2 * ENGINE_NAME_MAX)

/* All or none: a bad name leaves the subscriptions as they were. */
static int
pubsub_check_names(struct conn *c, const struct cmd_args *a,
    const char *what)
{
	int	i;

	for (i = 1; i < a->argc; i++)
		if (cmd_check_name(c, a, i, PUBSUB_NAME_MAX, 0, what) != 0)
			return (-1);
	return (0);
}

static void
pubsub_ack(struct conn *c, const char *kind, const char *name)
{
	resp_add_array(&c->reply, 3);
	resp_add_cstr(&c->reply, kind);
	resp_add_cstr(&c->reply, name);
	resp_add_int(&c->reply, (long long)pubsub_count(c));
}

static void
cmd_subscribe(struct conn *c, const struct cmd_args *a)
{
	int	i;

	if (pubsub_check_names(c, a, "channel") != 0)
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

	if (pubsub_check_names(c, a, "pattern") != 0)
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
	{ "SUBSCRIBE", NULL, -2, CMD_PUBSUB, ROLE_ANY,
	  "SUBSCRIBE <channel>...", cmd_subscribe },
	{ "PSUBSCRIBE", NULL, -2, CMD_PUBSUB, ROLE_ANY,
	  "PSUBSCRIBE <pattern>...", cmd_psubscribe },
	{ "UNSUBSCRIBE", NULL, -1, CMD_PUBSUB, ROLE_ANY,
	  "UNSUBSCRIBE [channel]...", cmd_unsubscribe },
	{ "PUNSUBSCRIBE", NULL, -1, CMD_PUBSUB, ROLE_ANY,
	  "PUNSUBSCRIBE [pattern]...", cmd_punsubscribe },
	{ NULL, NULL, 0, 0, 0, NULL, NULL }
};
