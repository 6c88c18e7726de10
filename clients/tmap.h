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

#include "hmap.h"

struct tment {
	uint64_t	id;
	int		queue;		/* the caller's queue index, -1 unknown */
	int		level;
};

struct tmap {
	struct hmap	m;		/* by id: struct tment */
};

void		 tmap_init(struct tmap *);
void		 tmap_free(struct tmap *);
/* The entry of id (> 0); with create, added (queue -1, level 0) if absent.
 * An entry stays where it is until tmap_trim. */
struct tment	*tmap_get(struct tmap *, uint64_t id, int create);
/* The entries in turn, from *i = 0 to NULL; no tmap_get create meanwhile. */
struct tment	*tmap_next(const struct tmap *, size_t *i);
/* Past max entries, keeps only those with a level. */
void		 tmap_trim(struct tmap *, size_t max);
size_t		 tmap_count(const struct tmap *);

#endif
