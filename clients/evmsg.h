/*
 * evmsg.h: one published event, as hotlined sends it on a channel:
 * {"seq":..,"time":..,"type":..,"ticket":..,"agent":..,"customer":..,
 *  "actor":..,"data":{...}}. Both clients read their live data from these.
 */
#ifndef HOTLINE_CLIENT_EVMSG_H
#define HOTLINE_CLIENT_EVMSG_H

#include <stdint.h>

#include <hiredis/hiredis.h>

#include "json.h"

struct evmsg {
	int64_t			 seq;
	int64_t			 time;		/* Unix ms */
	uint64_t		 ticket;	/* 0: none */
	const char		*type;		/* "" when absent */
	const char		*agent;
	const char		*customer;
	const char		*actor;
	const struct json	*data;		/* an object, or NULL */
	struct json		*root;
};

/* What a reply on a subscribed connection is. */
enum evmsg_kind {
	EVMSG_EVENT,		/* a message: ev holds the event */
	EVMSG_SUBSCRIBED,	/* the confirmation of a SUBSCRIBE */
	EVMSG_OTHER,		/* anything else (unsubscribe, pong...) */
	EVMSG_BAD		/* a message that is not an event (err) */
};

/* Reads ["message", channel, payload] or ["subscribe", channel, n]. */
enum evmsg_kind evmsg_reply(struct evmsg *, const redisReply *, char *err,
	    size_t errlen);
/* 0, or -1 when the payload is not an event object (err says why). */
int	evmsg_parse(struct evmsg *, const char *payload, size_t len,
	    char *err, size_t errlen);
void	evmsg_clear(struct evmsg *);
/* A data member as a string, "" when absent. */
const char *evmsg_str(const struct evmsg *, const char *key);
int64_t	evmsg_int(const struct evmsg *, const char *key, int64_t def);
/* The queue the event names in its data (queue, else to queue), or "". */
const char *evmsg_queue(const struct evmsg *);

#endif
