/*
 * pubsub.h: SUBSCRIBE/PSUBSCRIBE channels with Redis's message shapes.
 * Channels: events, sla, queue.<q>, agent.<name>, ticket.<id>.
 */
#ifndef HOTLINE_PUBSUB_H
#define HOTLINE_PUBSUB_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct conn;

/* The longest channel name or pattern, in bytes. */
#define PUBSUB_NAME_MAX	128

void	pubsub_init(void);
void	pubsub_free(void);
int	pubsub_subscribe(struct conn *, const char *channel);	/* 1 new */
int	pubsub_unsubscribe(struct conn *, const char *channel);	/* 1 was */
int	pubsub_psubscribe(struct conn *, const char *pattern);
int	pubsub_punsubscribe(struct conn *, const char *pattern);
void	pubsub_unsubscribe_all(struct conn *);
size_t	pubsub_count(const struct conn *);
/* 1 if the connection has that channel (pattern: that pattern). */
int	pubsub_has(const struct conn *, const char *name, int pattern);
/* Publish one committed event to every matching subscriber. */
void	pubsub_publish_event(int64_t seq, const struct engine_event *, void *);
/* Deliver a payload on a channel; returns receivers. */
size_t	pubsub_publish(const char *channel, const char *payload, size_t len);
size_t	pubsub_channels(void);
size_t	pubsub_patterns(void);

#endif
