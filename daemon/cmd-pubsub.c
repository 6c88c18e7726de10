/* SUBSCRIBE and friends, with Redis's reply shapes. */
#include "cmd.h"
#include "conn.h"
#include "pubsub.h"
#include "server.h"

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

	for (i = 1; i < a->argc; i++) {
		pubsub_subscribe(c, a->argv[i]);
		pubsub_ack(c, "subscribe", a->argv[i]);
	}
}

static void
cmd_psubscribe(struct conn *c, const struct cmd_args *a)
{
	int	i;

	for (i = 1; i < a->argc; i++) {
		pubsub_psubscribe(c, a->argv[i]);
		pubsub_ack(c, "psubscribe", a->argv[i]);
	}
}

static void
cmd_unsubscribe(struct conn *c, const struct cmd_args *a)
{
	int	i;

	if (a->argc == 1) {
		if (c->nchannels == 0) {
			resp_add_array(&c->reply, 3);
			resp_add_cstr(&c->reply, "unsubscribe");
			resp_add_nil(&c->reply);
			resp_add_int(&c->reply, (long long)pubsub_count(c));
		}
		while (c->nchannels > 0) {
			char *name = c->channels[0];
			resp_add_array(&c->reply, 3);
			resp_add_cstr(&c->reply, "unsubscribe");
			resp_add_cstr(&c->reply, name);
			pubsub_unsubscribe(c, name);
			resp_add_int(&c->reply, (long long)pubsub_count(c));
		}
		return;
	}
	for (i = 1; i < a->argc; i++) {
		pubsub_unsubscribe(c, a->argv[i]);
		pubsub_ack(c, "unsubscribe", a->argv[i]);
	}
}

static void
cmd_punsubscribe(struct conn *c, const struct cmd_args *a)
{
	int	i;

	if (a->argc == 1) {
		if (c->npatterns == 0) {
			resp_add_array(&c->reply, 3);
			resp_add_cstr(&c->reply, "punsubscribe");
			resp_add_nil(&c->reply);
			resp_add_int(&c->reply, (long long)pubsub_count(c));
		}
		while (c->npatterns > 0) {
			char *name = c->patterns[0];
			resp_add_array(&c->reply, 3);
			resp_add_cstr(&c->reply, "punsubscribe");
			resp_add_cstr(&c->reply, name);
			pubsub_punsubscribe(c, name);
			resp_add_int(&c->reply, (long long)pubsub_count(c));
		}
		return;
	}
	for (i = 1; i < a->argc; i++) {
		pubsub_punsubscribe(c, a->argv[i]);
		pubsub_ack(c, "punsubscribe", a->argv[i]);
	}
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
