/*
 * theap.c: an indexed binary heap of tickets. Each entry names the ticket,
 * the membership slot and a copy of the key; the ticket keeps its index
 * per slot, so it can be removed or re-keyed in O(log n) from any heap.
 */
#include <assert.h>
#include <stdlib.h>

#include "engine_internal.h"

#define THEAP_MIN	8

/* Routing order: effective priority desc, enqueued asc, id asc. */
int
theap_before_route(const struct ticket_private *a,
    const struct ticket_private *b)
{
	if (a->eprio != b->eprio)
		return (a->eprio > b->eprio);
	if (a->t.enqueued != b->t.enqueued)
		return (a->t.enqueued < b->t.enqueued);
	return (a->t.id < b->t.id);
}

void
theap_init(struct theap *h, bool age)
{
	h->v = NULL;
	h->n = h->cap = 0;
	h->age = age;
}

void
theap_free(struct theap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

static void
theap_resize(struct theap *h, uint32_t cap)
{
	h->v = xreallocarray(h->v, (size_t)cap, sizeof *h->v);
	h->cap = cap;
}

static void
theap_set(struct theap *h, uint32_t i, struct theap_ent e)
{
	h->v[i] = e;
	e.t->hidx[e.slot] = i;
}

static bool
theap_ent_before(const struct theap *h, const struct theap_ent *a,
    const struct theap_ent *b)
{
	if (!h->age && a->eprio != b->eprio)
		return (a->eprio > b->eprio);
	if (a->enqueued != b->enqueued)
		return (a->enqueued < b->enqueued);
	return (a->id < b->id);
}

static bool
theap_less(const struct theap *h, uint32_t i, uint32_t j)
{
	return (theap_ent_before(h, &h->v[i], &h->v[j]));
}

static void
theap_key(struct theap_ent *e)
{
	e->eprio = e->t->eprio;
	e->enqueued = e->t->t.enqueued;
	e->id = e->t->t.id;
}

static void
theap_up(struct theap *h, uint32_t i)
{
	struct theap_ent	e = h->v[i];
	uint32_t		p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!theap_ent_before(h, &e, &h->v[p]))
			break;
		theap_set(h, i, h->v[p]);
		i = p;
	}
	theap_set(h, i, e);
}

static void
theap_down(struct theap *h, uint32_t i)
{
	struct theap_ent	e = h->v[i];
	uint32_t		c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && theap_less(h, c + 1, c))
			c++;
		if (!theap_ent_before(h, &h->v[c], &e))
			break;
		theap_set(h, i, h->v[c]);
		i = c;
	}
	theap_set(h, i, e);
}

void
theap_insert(struct theap *h, struct ticket_private *t, uint32_t slot)
{
	struct theap_ent	e;

	assert(t->hidx[slot] == IDX_NONE);
	e.t = t;
	e.slot = slot;
	theap_key(&e);
	if (h->n == h->cap)
		theap_resize(h, h->cap != 0 ? h->cap * 2 : THEAP_MIN);
	theap_set(h, h->n++, e);
	theap_up(h, h->n - 1);
}

void
theap_remove(struct theap *h, struct ticket_private *t, uint32_t slot)
{
	uint32_t	i = t->hidx[slot];

	assert(i < h->n && h->v[i].t == t && h->v[i].slot == slot);
	t->hidx[slot] = IDX_NONE;
	if (i != --h->n) {
		theap_set(h, i, h->v[h->n]);
		theap_update(h, h->v[i].t, h->v[i].slot);
	}
	/* Give memory back once a drained heap is mostly empty. */
	if (h->cap > THEAP_MIN && h->n < h->cap / 4)
		theap_resize(h, h->cap / 2);
}

/* The ticket's key changed: move it up or down to its place. */
void
theap_update(struct theap *h, struct ticket_private *t, uint32_t slot)
{
	uint32_t	i = t->hidx[slot];

	assert(i < h->n && h->v[i].t == t);
	theap_key(&h->v[i]);
	if (i > 0 && theap_less(h, i, (i - 1) / 2))
		theap_up(h, i);
	else
		theap_down(h, i);
}

struct ticket_private *
theap_top(const struct theap *h)
{
	return (h->n > 0 ? h->v[0].t : NULL);
}

/*
 * The best ticket for which ok() holds, looking at no more than max
 * tickets, best first: a small heap of frontier indexes walks the tree.
 */
struct ticket_private *
theap_find(const struct theap *h, int max,
    int (*ok)(const struct ticket_private *, void *), void *arg)
{
	uint32_t	f[2 * WALK_MAX + 2], i, c, p, k;
	int		nf = 0, seen = 0;

	if (h->n == 0)
		return (NULL);
	if (max > WALK_MAX)
		max = WALK_MAX;
	f[nf++] = 0;
	while (nf > 0 && seen < max) {
		i = f[0];
		f[0] = f[--nf];
		for (k = 0;;) {		/* sift the frontier down */
			c = 2 * k + 1;
			if (c >= (uint32_t)nf)
				break;
			if (c + 1 < (uint32_t)nf && theap_less(h, f[c + 1], f[c]))
				c++;
			if (!theap_less(h, f[c], f[k]))
				break;
			p = f[k];
			f[k] = f[c];
			f[c] = p;
			k = c;
		}
		seen++;
		if (ok(h->v[i].t, arg))
			return (h->v[i].t);
		for (c = 2 * i + 1; c <= 2 * i + 2 && c < h->n; c++) {
			k = (uint32_t)nf++;
			f[k] = c;
			while (k > 0 && theap_less(h, f[k], f[(k - 1) / 2])) {
				p = f[k];
				f[k] = f[(k - 1) / 2];
				f[(k - 1) / 2] = p;
				k = (k - 1) / 2;
			}
		}
	}
	return (NULL);
}
