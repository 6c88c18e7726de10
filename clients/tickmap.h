/*
 * tickmap.h: ticket id -> the times hotline-bench saw it (sent, offered,
 * resolved), over lib/hmap.h, so it stays compact through millions of
 * inserts and deletes.
 */
#ifndef HOTLINE_TICKMAP_H
#define HOTLINE_TICKMAP_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

struct tickent {
	uint64_t	id;
	int64_t		sent;		/* 0: not known yet */
	int64_t		offered;
	int64_t		done;
	int		tier;
};

struct tickmap {
	struct hmap	m;		/* by id: struct tickent */
};

void		 tickmap_init(struct tickmap *);
void		 tickmap_free(struct tickmap *);
/* The entry for id (> 0); with create, a zeroed one is added if absent. */
struct tickent	*tickmap_get(struct tickmap *, uint64_t id, int create);
/* Deletes and frees the entry. */
void		 tickmap_del(struct tickmap *, struct tickent *);

#endif
