/*
 * tmap.c: ticket id -> (queue, level). Open addressing with linear
 * probing; entries are never deleted one by one (a ticket whose level
 * drops to 0 just stays as a cache entry), the map is trimmed to its
 * entries with a level when it grows too big.
 */
#include <stdlib.h>
#include <string.h>

#include "tmap.h"
#include "xmalloc.h"

#define TMAP_MIN	256

static size_t
tmap_slot(size_t cap, uint64_t id)
{
	return ((size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> 29) &
	    (cap - 1));
}

void
tmap_init(struct tmap *m)
{
	memset(m, 0, sizeof *m);
}

void
tmap_free(struct tmap *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* Rebuilds into cap slots; with alarms_only, keeps only the alarms. */
static void
tmap_rebuild(struct tmap *m, size_t cap, int alarms_only)
{
	struct tment	*nv;
	size_t		 i, j, n = 0;

	nv = xcalloc(cap, sizeof *nv);
	for (i = 0; i < m->cap; i++) {
		if (m->v[i].id == 0 ||
		    (alarms_only && m->v[i].level == 0))
			continue;
		j = tmap_slot(cap, m->v[i].id);
		while (nv[j].id != 0)
			j = (j + 1) & (cap - 1);
		nv[j] = m->v[i];
		n++;
	}
	free(m->v);
	m->v = nv;
	m->cap = cap;
	m->n = n;
}

struct tment *
tmap_get(struct tmap *m, uint64_t id, int create)
{
	size_t	i;

	if (id == 0 || (m->cap == 0 && !create))
		return (NULL);
	if (create && (m->n + 1) * 2 > m->cap)
		tmap_rebuild(m, m->cap != 0 ? m->cap * 2 : TMAP_MIN, 0);
	i = tmap_slot(m->cap, id);
	while (m->v[i].id != 0) {
		if (m->v[i].id == id)
			return (&m->v[i]);
		i = (i + 1) & (m->cap - 1);
	}
	if (!create)
		return (NULL);
	m->v[i].id = id;
	m->v[i].queue = -1;
	m->v[i].level = 0;
	m->n++;
	return (&m->v[i]);
}

void
tmap_trim(struct tmap *m, size_t max)
{
	size_t	cap = TMAP_MIN, keep = 0, i;

	if (m->n <= max)
		return;
	for (i = 0; i < m->cap; i++)
		if (m->v[i].id != 0 && m->v[i].level != 0)
			keep++;
	while (cap < keep * 2 + 2)
		cap *= 2;
	tmap_rebuild(m, cap, 1);
}
