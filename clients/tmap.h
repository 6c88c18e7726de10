/*
 * tmap.h: what the wallboard remembers per ticket: its queue (so events
 * that do not name it can still be filtered and counted) and a level (the
 * alarm of its answer SLA while it waits; 0: none). The map is a cache:
 * past a size, entries without a level are dropped.
 */
#ifndef HOTLINE_CLIENT_TMAP_H
#define HOTLINE_CLIENT_TMAP_H

#include <stddef.h>
#include <stdint.h>

struct tment {
	uint64_t	id;		/* 0: empty slot */
	int		queue;		/* the caller's queue index, -1 unknown */
	int		level;
};

struct tmap {
	struct tment	*v;
	size_t		 cap;		/* a power of two */
	size_t		 n;
};

void		 tmap_init(struct tmap *);
void		 tmap_free(struct tmap *);
/* The entry of id (> 0); with create, added (queue -1, level 0) if absent.
 * Creating may move entries: earlier pointers are then stale. */
struct tment	*tmap_get(struct tmap *, uint64_t id, int create);
/* Past max entries, keeps only those with a level. */
void		 tmap_trim(struct tmap *, size_t max);

#endif
