/* tickmap.c: see tickmap.h. */
#include <stdlib.h>

#include "tickmap.h"
#include "xmalloc.h"

#define TICKMAP_MIN	1024

static size_t
tickmap_slot(const struct tickmap *m, uint64_t id)
{
	return ((size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> 32) &
	    (m->cap - 1));
}

void
tickmap_init(struct tickmap *m)
{
	m->cap = TICKMAP_MIN;
	m->n = 0;
	m->v = xcalloc(m->cap, sizeof *m->v);
}

void
tickmap_free(struct tickmap *m)
{
	free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

static void
tickmap_grow(struct tickmap *m)
{
	struct tickent	*old = m->v;
	size_t		 oldcap = m->cap, i, j;

	m->cap *= 2;
	m->v = xcalloc(m->cap, sizeof *m->v);
	for (i = 0; i < oldcap; i++) {
		if (old[i].id == 0)
			continue;
		j = tickmap_slot(m, old[i].id);
		while (m->v[j].id != 0)
			j = (j + 1) & (m->cap - 1);
		m->v[j] = old[i];
	}
	free(old);
}

struct tickent *
tickmap_get(struct tickmap *m, uint64_t id, int create)
{
	size_t	i;

	if (create && (m->n + 1) * 2 > m->cap)
		tickmap_grow(m);
	i = tickmap_slot(m, id);
	while (m->v[i].id != 0) {
		if (m->v[i].id == id)
			return (&m->v[i]);
		i = (i + 1) & (m->cap - 1);
	}
	if (!create)
		return (NULL);
	m->v[i].id = id;
	m->v[i].sent = m->v[i].offered = m->v[i].done = 0;
	m->v[i].tier = 0;
	m->n++;
	return (&m->v[i]);
}

/*
 * Backward-shift deletion: later entries of the probe run move up into
 * the hole unless their home slot lies cyclically in (hole, entry].
 */
void
tickmap_del(struct tickmap *m, struct tickent *e)
{
	size_t	mask = m->cap - 1, i, j, k;

	i = (size_t)(e - m->v);
	j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (m->v[j].id == 0)
			break;
		k = tickmap_slot(m, m->v[j].id);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		m->v[i] = m->v[j];
		i = j;
	}
	m->v[i].id = 0;
	m->n--;
}
