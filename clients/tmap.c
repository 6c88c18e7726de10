/*
 * tmap.c: ticket id -> (queue, level), over lib/hmap.h. Entries are never
 * deleted one by one (a ticket whose level drops to 0 just stays as a
 * cache entry); the map is trimmed to its entries with a level when it
 * grows too big.
 */
#include <stdlib.h>
#include <string.h>

#include "tmap.h"
#include "xmalloc.h"

void
tmap_init(struct tmap *m)
{
	hmap_u64_init(&m->m);
}

void
tmap_free(struct tmap *m)
{
	hmap_free(&m->m, free);
}

struct tment *
tmap_get(struct tmap *m, uint64_t id, int create)
{
	struct tment	*e;

	if (id == 0)
		return (NULL);
	if ((e = hmap_u64_get(&m->m, id)) != NULL || !create)
		return (e);
	e = xmalloc(sizeof *e);
	e->id = id;
	e->queue = -1;
	e->level = 0;
	hmap_u64_put(&m->m, id, e);
	return (e);
}

struct tment *
tmap_next(const struct tmap *m, size_t *i)
{
	return (hmap_next(&m->m, i));
}

size_t
tmap_count(const struct tmap *m)
{
	return (m->m.n);
}

static int
tmap_drop_calm(void *p, void *arg)
{
	struct tment	*e = p;

	(void)arg;
	if (e->level != 0)
		return (0);
	free(e);
	return (1);
}

void
tmap_trim(struct tmap *m, size_t max)
{
	if (m->m.n > max)
		hmap_sweep(&m->m, tmap_drop_calm, NULL);
}
