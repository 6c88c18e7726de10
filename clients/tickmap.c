/* tickmap.c: see tickmap.h. */
#include <stdlib.h>

#include "tickmap.h"
#include "xmalloc.h"

void
tickmap_init(struct tickmap *m)
{
	hmap_u64_init(&m->m);
}

void
tickmap_free(struct tickmap *m)
{
	hmap_free(&m->m, free);
}

struct tickent *
tickmap_get(struct tickmap *m, uint64_t id, int create)
{
	struct tickent	*t;

	if ((t = hmap_u64_get(&m->m, id)) != NULL || !create)
		return (t);
	t = xcalloc(1, sizeof *t);
	t->id = id;
	hmap_u64_put(&m->m, id, t);
	return (t);
}

void
tickmap_del(struct tickmap *m, struct tickent *t)
{
	hmap_u64_del(&m->m, t->id);
	free(t);
}
