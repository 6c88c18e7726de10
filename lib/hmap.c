/* hmap.c: the hash table of hmap.h. */
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

#define HMAP_MIN	16

/* Grow when three quarters full: linear probing stays short below. */
static int
hmap_full(size_t n, size_t cap)
{
	return ((n + 1) * 4 > cap * 3);
}

static void
hmap_init(struct hmap *m, const char *(*key)(const void *))
{
	memset(m, 0, sizeof *m);
	m->key = key;
}

void
hmap_str_init(struct hmap *m, const char *(*key)(const void *))
{
	hmap_init(m, key);
}

void
hmap_u64_init(struct hmap *m)
{
	hmap_init(m, NULL);
}

void
hmap_free(struct hmap *m, void (*item_free)(void *))
{
	size_t	 i;
	void	*p;

	for (i = 0; item_free != NULL && (p = hmap_next(m, &i)) != NULL;)
		item_free(p);
	free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

/* Moves every entry into cap fresh slots: only the hashes are read. */
static void
hmap_resize(struct hmap *m, size_t cap)
{
	struct hmap_slot	*old = m->v;
	size_t			 ocap = m->cap, i, j, mask = cap - 1;

	m->v = xcalloc(cap, sizeof *m->v);
	m->cap = cap;
	for (i = 0; i < ocap; i++) {
		if (old[i].p == NULL)
			continue;
		for (j = old[i].h & mask; m->v[j].p != NULL; j = (j + 1) & mask)
			;
		m->v[j] = old[i];
	}
	free(old);
}

static void
hmap_grow(struct hmap *m)
{
	if (hmap_full(m->n, m->cap))
		hmap_resize(m, m->cap != 0 ? m->cap * 2 : HMAP_MIN);
}

/*
 * Empties slot i: later entries of its run move up into the hole unless
 * their home slot lies cyclically in (hole, entry].
 */
static void *
hmap_delete_at(struct hmap *m, size_t i)
{
	size_t	 mask = m->cap - 1, j, home;
	void	*p = m->v[i].p;

	for (j = (i + 1) & mask; m->v[j].p != NULL; j = (j + 1) & mask) {
		home = m->v[j].h & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->v[i] = m->v[j];
			i = j;
		}
	}
	m->v[i].p = NULL;
	m->v[i].h = 0;
	m->n--;
	return (p);
}

/* The slot holding key k, or the empty slot that ends its run. */
static size_t
hmap_str_slot(const struct hmap *m, const char *k, uint64_t h)
{
	size_t	i, mask = m->cap - 1;

	for (i = h & mask; m->v[i].p != NULL; i = (i + 1) & mask) {
		if (m->v[i].h == h && strcmp(m->key(m->v[i].p), k) == 0)
			break;
	}
	return (i);
}

void *
hmap_str_get(const struct hmap *m, const char *k)
{
	if (m->n == 0)
		return (NULL);
	return (m->v[hmap_str_slot(m, k, hmap_hash_str(k))].p);
}

void
hmap_str_put(struct hmap *m, void *p)
{
	const char	*k = m->key(p);
	uint64_t	 h = hmap_hash_str(k);
	size_t		 i;

	hmap_grow(m);
	i = hmap_str_slot(m, k, h);
	if (m->v[i].p == NULL)
		m->n++;
	m->v[i].h = h;
	m->v[i].p = p;
}

void *
hmap_str_del(struct hmap *m, const char *k)
{
	size_t	i;

	if (m->n == 0)
		return (NULL);
	i = hmap_str_slot(m, k, hmap_hash_str(k));
	return (m->v[i].p != NULL ? hmap_delete_at(m, i) : NULL);
}

/* As hmap_str_slot; the mixed key is the key, so no item is read. */
static size_t
hmap_u64_slot(const struct hmap *m, uint64_t h)
{
	size_t	i, mask = m->cap - 1;

	for (i = h & mask; m->v[i].p != NULL && m->v[i].h != h;
	    i = (i + 1) & mask)
		;
	return (i);
}

void *
hmap_u64_get(const struct hmap *m, uint64_t k)
{
	if (m->n == 0)
		return (NULL);
	return (m->v[hmap_u64_slot(m, hmap_mix(k))].p);
}

void
hmap_u64_put(struct hmap *m, uint64_t k, void *p)
{
	uint64_t	h = hmap_mix(k);
	size_t		i;

	hmap_grow(m);
	i = hmap_u64_slot(m, h);
	if (m->v[i].p == NULL)
		m->n++;
	m->v[i].h = h;
	m->v[i].p = p;
}

void *
hmap_u64_del(struct hmap *m, uint64_t k)
{
	size_t	i;

	if (m->n == 0)
		return (NULL);
	i = hmap_u64_slot(m, hmap_mix(k));
	return (m->v[i].p != NULL ? hmap_delete_at(m, i) : NULL);
}

void *
hmap_find(const struct hmap *m, uint64_t h,
    int (*eq)(const void *, const void *), const void *key)
{
	size_t	i, mask = m->cap - 1;

	if (m->n == 0)
		return (NULL);
	for (i = h & mask; m->v[i].p != NULL; i = (i + 1) & mask) {
		if (m->v[i].h == h && eq(m->v[i].p, key))
			return (m->v[i].p);
	}
	return (NULL);
}

void
hmap_add(struct hmap *m, uint64_t h, void *p)
{
	size_t	i, mask;

	hmap_grow(m);
	mask = m->cap - 1;
	for (i = h & mask; m->v[i].p != NULL; i = (i + 1) & mask)
		;
	m->v[i].h = h;
	m->v[i].p = p;
	m->n++;
}

void *
hmap_next(const struct hmap *m, size_t *i)
{
	void	*p;

	while (*i < m->cap) {
		if ((p = m->v[(*i)++].p) != NULL)
			return (p);
	}
	return (NULL);
}

void
hmap_sweep(struct hmap *m, int (*drop)(void *, void *), void *arg)
{
	size_t	i, cap = HMAP_MIN, n = m->n;

	for (i = 0; i < m->cap; i++) {
		if (m->v[i].p != NULL && drop(m->v[i].p, arg)) {
			m->v[i].p = NULL;
			m->n--;
		}
	}
	if (m->n == n)
		return;
	/* Half full at most, so that the next inserts do not grow it. */
	while (cap < m->n * 2)
		cap *= 2;
	hmap_resize(m, cap);
}
