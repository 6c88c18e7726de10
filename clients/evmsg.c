/* evmsg.c: an event payload parsed into its fields. */
#include <stdio.h>
#include <string.h>

#include "evmsg.h"

static const char *
evmsg_field(const struct json *root, const char *key)
{
	const char	*s = json_get_str(root, key);

	return (s != NULL ? s : "");
}

int
evmsg_parse(struct evmsg *ev, const char *payload, size_t len, char *err,
    size_t errlen)
{
	struct json	*root;
	int64_t		 ticket;

	memset(ev, 0, sizeof *ev);
	ev->type = ev->agent = ev->customer = ev->actor = "";
	if ((root = json_parse(payload, len, err, errlen)) == NULL)
		return (-1);
	if (root->type != JSON_OBJECT ||
	    json_get_str(root, "type") == NULL) {
		snprintf(err, errlen, "not an event object");
		json_free(root);
		return (-1);
	}
	ev->root = root;
	ev->seq = json_get_int(root, "seq", 0);
	ev->time = json_get_int(root, "time", 0);
	ticket = json_get_int(root, "ticket", 0);
	ev->ticket = ticket > 0 ? (uint64_t)ticket : 0;
	ev->type = evmsg_field(root, "type");
	ev->agent = evmsg_field(root, "agent");
	ev->customer = evmsg_field(root, "customer");
	ev->actor = evmsg_field(root, "actor");
	ev->data = json_get(root, "data");
	if (ev->data != NULL && ev->data->type != JSON_OBJECT)
		ev->data = NULL;
	return (0);
}

enum evmsg_kind
evmsg_reply(struct evmsg *ev, const redisReply *r, char *err, size_t errlen)
{
	const redisReply	*kind, *payload;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING)
		return (EVMSG_OTHER);
	kind = r->element[0];
	payload = r->element[2];
	if (strcmp(kind->str, "subscribe") == 0)
		return (EVMSG_SUBSCRIBED);
	if (strcmp(kind->str, "message") != 0 ||
	    payload->type != REDIS_REPLY_STRING)
		return (EVMSG_OTHER);
	if (evmsg_parse(ev, payload->str, payload->len, err, errlen) != 0)
		return (EVMSG_BAD);
	return (EVMSG_EVENT);
}

void
evmsg_clear(struct evmsg *ev)
{
	json_free(ev->root);
	memset(ev, 0, sizeof *ev);
	ev->type = ev->agent = ev->customer = ev->actor = "";
}

const char *
evmsg_str(const struct evmsg *ev, const char *key)
{
	const char	*s = json_get_str(ev->data, key);

	return (s != NULL ? s : "");
}

int64_t
evmsg_int(const struct evmsg *ev, const char *key, int64_t def)
{
	return (json_get_int(ev->data, key, def));
}

const char *
evmsg_queue(const struct evmsg *ev)
{
	const char	*q = evmsg_str(ev, "queue");

	return (*q != '\0' ? q : evmsg_str(ev, "overflow"));
}
