/*
 * journal_internal.h: what the journal's two files share. journal.c
 * collects a batch (its events, rows touched, users and sessions);
 * journal-commit.c writes it in one transaction, keeps what a failed
 * commit may keep, and publishes what a commit made durable.
 */
#ifndef HOTLINE_JOURNAL_INTERNAL_H
#define HOTLINE_JOURNAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "journal.h"
#include "store.h"

#define NOSTR	((size_t)-1)

/* An event of the batch; strings are offsets into the arena. */
struct jevent {
	hl_ms		time;
	uint64_t	ticket;
	int		kind;
	unsigned	flags;
	size_t		queue, agent, customer, actor, data;
	int		has_fact;
	struct jfact {			/* engine_fact, strings in the arena */
		int	kind, flag;
		hl_ms	value, since;
		size_t	queue, tier, agent, detail;
	}		fact;
};

struct juser {
	char		name[ENGINE_NAME_MAX];
	char		hash[256];	/* "" with del */
	int		role;
	int		demo;		/* store_put_user's */
	int		del;
	hl_ms		now;
};

/* A change to the sessions table (store-sessions.c). */
enum {
	JS_PUT,
	JS_DEL,
	JS_DEL_USER,
	JS_TOUCH,		/* last use: losing it costs nothing */
	JS_PURGE		/* expired rows: done again next time */
};

struct jsession {
	int			op;
	hl_ms			now;
	struct store_session	s;	/* PUT: all; DEL, TOUCH: id; ...: user */
};

struct journal {
	struct buf		 arena;
	struct jsession		*sessions;
	size_t			 nsessions, csessions;
	struct jevent		*events;
	size_t			 nevents, cevents;
	struct juser		*users;
	size_t			 nusers, cusers;
	uint64_t		*tickets;	/* touched ticket ids */
	size_t			 ntickets, ctickets;
	uint64_t		*created;	/* tickets new in the batch */
	size_t			 ncreated, ccreated;
	size_t			*customers;	/* arena offsets */
	size_t			 ncustomers, ccustomers;
	size_t			*agents;
	size_t			 nagents, cagents;
	struct ticket		*final;		/* tickets that left memory */
	size_t			 nfinal, cfinal;
	uint64_t		 count;

	void			(*listener)(const struct engine_event *, void *);
	void			*listener_arg;
	void			(*publisher)(int64_t,
				    const struct engine_event *, void *);
	void			*publisher_arg;
	void			(*settled)(const struct engine_event *,
				    void *);
	void			*settled_arg;
	struct journal		*backlog;	/* records a commit failed */
	double			 failed_at;	/* journal_clock() */
	struct journal_stats	 stats;
};

static inline const char *
journal_at(const struct journal *j, size_t off)
{
	return (off == NOSTR ? NULL : j->arena.data + off);
}

#endif
