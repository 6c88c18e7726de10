#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "hmap.h"
#include "json.h"
#include "log.h"
#include "pubsub.h"
#include "server.h"
#include "xmalloc.h"

struct channel {
	char		*name;
	struct conn	**subs;
	size_t		 nsubs, csubs;
};

struct pattern {
	char		*pattern;
	struct conn	*conn;
	struct pattern	*next;
};

static const char *
channel_name(const void *p)
{
	return (((const struct channel *)p)->name);
}

static struct hmap	 channels = { .key = channel_name };
static struct pattern	*patterns;
static size_t		 npatterns;

static struct channel *
pubsub_find(const char *name, int create)
{
	struct channel	*ch;

	if ((ch = hmap_str_get(&channels, name)) != NULL || !create)
		return (ch);
	ch = xcalloc(1, sizeof *ch);
	ch->name = xstrdup(name);
	hmap_str_put(&channels, ch);
	return (ch);
}

static void
channel_free(void *p)
{
	struct channel	*ch = p;

	free(ch->subs);
	free(ch->name);
	free(ch);
}

static void
pubsub_drop(struct channel *ch)
{
	hmap_str_del(&channels, ch->name);
	channel_free(ch);
}

void
pubsub_init(void)
{
}

void
pubsub_free(void)
{
	struct pattern	*p;

	hmap_free(&channels, channel_free);
	while ((p = patterns) != NULL) {
		patterns = p->next;
		free(p->pattern);
		free(p);
	}
}

static int
conn_list_has(char **list, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return (1);
	return (0);
}

/* The connection keeps pointers to the names the channel table owns. */
static void
conn_list_add(char ***list, size_t *n, char *s)
{
	char	**l;

	l = xreallocarray(*list, *n + 1, sizeof *l);
	l[(*n)++] = s;
	*list = l;
}

static void
conn_list_del(char **list, size_t *n, const char *s)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if (strcmp(list[i], s) == 0) {
			list[i] = list[--*n];
			return;
		}
	}
}

size_t
pubsub_count(const struct conn *c)
{
	return (c->nchannels + c->npatterns);
}

int
pubsub_has(const struct conn *c, const char *name, int pattern)
{
	if (pattern)
		return (conn_list_has(c->patterns, c->npatterns, name));
	return (conn_list_has(c->channels, c->nchannels, name));
}

static void
pubsub_mode(struct conn *c)
{
	if (pubsub_count(c) > 0)
		c->flags |= CONN_PUBSUB;
	else
		c->flags &= ~CONN_PUBSUB;
	conn_set_idle(c);
}

int
pubsub_subscribe(struct conn *c, const char *name)
{
	struct channel	*ch;

	if (conn_list_has(c->channels, c->nchannels, name))
		return (0);
	ch = pubsub_find(name, 1);
	if (ch->nsubs == ch->csubs) {
		ch->csubs = ch->csubs == 0 ? 4 : ch->csubs * 2;
		ch->subs = xreallocarray(ch->subs, ch->csubs,
		    sizeof *ch->subs);
	}
	ch->subs[ch->nsubs++] = c;
	conn_list_add(&c->channels, &c->nchannels, ch->name);
	pubsub_mode(c);
	return (1);
}

int
pubsub_unsubscribe(struct conn *c, const char *name)
{
	struct channel	*ch;
	size_t		 i;

	if (!conn_list_has(c->channels, c->nchannels, name))
		return (0);
	conn_list_del(c->channels, &c->nchannels, name);
	if ((ch = pubsub_find(name, 0)) != NULL) {
		for (i = 0; i < ch->nsubs; i++) {
			if (ch->subs[i] == c) {
				ch->subs[i] = ch->subs[--ch->nsubs];
				break;
			}
		}
		if (ch->nsubs == 0)
			pubsub_drop(ch);
	}
	pubsub_mode(c);
	return (1);
}

int
pubsub_psubscribe(struct conn *c, const char *pattern)
{
	struct pattern	*p;

	if (conn_list_has(c->patterns, c->npatterns, pattern))
		return (0);
	p = xcalloc(1, sizeof *p);
	p->pattern = xstrdup(pattern);
	p->conn = c;
	p->next = patterns;
	patterns = p;
	npatterns++;
	conn_list_add(&c->patterns, &c->npatterns, p->pattern);
	pubsub_mode(c);
	return (1);
}

int
pubsub_punsubscribe(struct conn *c, const char *pattern)
{
	struct pattern	*p, **pp;

	for (pp = &patterns; (p = *pp) != NULL; pp = &p->next) {
		if (p->conn == c && strcmp(p->pattern, pattern) == 0) {
			conn_list_del(c->patterns, &c->npatterns, pattern);
			*pp = p->next;
			free(p->pattern);
			free(p);
			npatterns--;
			pubsub_mode(c);
			return (1);
		}
	}
	return (0);
}

void
pubsub_unsubscribe_all(struct conn *c)
{
	while (c->nchannels > 0)
		pubsub_unsubscribe(c, c->channels[0]);
	while (c->npatterns > 0)
		pubsub_punsubscribe(c, c->patterns[0]);
}

size_t
pubsub_channels(void)
{
	return (channels.n);
}

size_t
pubsub_patterns(void)
{
	return (npatterns);
}

size_t
pubsub_publish(const char *channel, const char *payload, size_t len)
{
	struct channel	*ch;
	struct pattern	*p;
	size_t		 i, n = 0;

	if ((ch = pubsub_find(channel, 0)) != NULL) {
		for (i = 0; i < ch->nsubs; i++) {
			struct conn *c = ch->subs[i];
			resp_add_array(&c->reply, 3);
			resp_add_cstr(&c->reply, "message");
			resp_add_cstr(&c->reply, channel);
			resp_add_bulk(&c->reply, payload, len);
			conn_want_flush(c);
			n++;
		}
	}
	for (p = patterns; p != NULL; p = p->next) {
		if (fnmatch(p->pattern, channel, 0) != 0)
			continue;
		resp_add_array(&p->conn->reply, 4);
		resp_add_cstr(&p->conn->reply, "pmessage");
		resp_add_cstr(&p->conn->reply, p->pattern);
		resp_add_cstr(&p->conn->reply, channel);
		resp_add_bulk(&p->conn->reply, payload, len);
		conn_want_flush(p->conn);
		n++;
	}
	return (n);
}

/*
 * Every committed event goes to events, sla, ticket.<id>, agent.<name>,
 * queue.<q>: the event says which (its flags, its queue: the ticket's
 * after the event, also for one that has left memory).
 */
void
pubsub_publish_event(int64_t seq, const struct engine_event *ev, void *arg)
{
	static struct resp_buf	 b;
	char			 chan[ENGINE_NAME_MAX + 16];

	if (channels.n == 0 && npatterns == 0)
		return;
	resp_buf_reset(&b);
	resp_add_raw(&b, "{\"seq\":", 7);
	snprintf(chan, sizeof chan, "%lld,\"time\":%lld,\"type\":",
	    (long long)seq, (long long)ev->time);
	resp_add_raw(&b, chan, strlen(chan));
	json_add_string(&b, ev->type);
	snprintf(chan, sizeof chan, ",\"ticket\":%llu,\"queue\":",
	    (unsigned long long)ev->ticket);
	resp_add_raw(&b, chan, strlen(chan));
	json_add_string(&b, ev->queue != NULL ? ev->queue : "");
	resp_add_raw(&b, ",\"agent\":", 9);
	json_add_string(&b, ev->agent != NULL ? ev->agent : "");
	resp_add_raw(&b, ",\"customer\":", 12);
	json_add_string(&b, ev->customer != NULL ? ev->customer : "");
	resp_add_raw(&b, ",\"actor\":", 9);
	json_add_string(&b, ev->actor != NULL ? ev->actor : "");
	resp_add_raw(&b, ",\"data\":", 8);
	resp_add_raw(&b, ev->data != NULL ? ev->data : "{}",
	    strlen(ev->data != NULL ? ev->data : "{}"));
	resp_add_raw(&b, "}", 1);

	pubsub_publish("events", b.data, b.len);
	if (ev->flags & EVF_SLA)
		pubsub_publish("sla", b.data, b.len);
	if (ev->ticket != 0) {
		snprintf(chan, sizeof chan, "ticket.%llu",
		    (unsigned long long)ev->ticket);
		pubsub_publish(chan, b.data, b.len);
	}
	if (ev->queue != NULL && *ev->queue != '\0') {
		snprintf(chan, sizeof chan, "queue.%s", ev->queue);
		pubsub_publish(chan, b.data, b.len);
	}
	if (ev->agent != NULL && *ev->agent != '\0') {
		snprintf(chan, sizeof chan, "agent.%s", ev->agent);
		pubsub_publish(chan, b.data, b.len);
	}
}
