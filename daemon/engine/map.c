/*
 * map.c: open-addressing hash maps (linear probing, backward-shift delete,
 * so no tombstones) holding pointers to objects that carry their own key:
 * tickets by id, and agents, customers, desks and groups by name.
 * Deleting during a walk over the slots may move entries: walks must not
 * delete.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

#define MAP_MIN		16

static uint64_t
map_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (x);
}

static uint64_t
map_hash_str(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return (map_mix(h));
}

/* Grow when three quarters full. */
static bool
map_full(size_t n, size_t cap)
{
	return (cap == 0 || (n + 1) * 4 > cap * 3);
}

void
hmap_u64_init(struct hmap_u64 *m, uint64_t (*key)(const void *))
{
	memset(m, 0, sizeof *m);
	m->key = key;
}

void
hmap_u64_free(struct hmap_u64 *m)
{
	free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

void *
hmap_u64_get(const struct hmap_u64 *m, uint64_t k)
{
	size_t	i, mask;

	if (m->cap == 0)
		return (NULL);
	mask = m->cap - 1;
	for (i = map_mix(k) & mask; m->v[i] != NULL; i = (i + 1) & mask) {
		if (m->key(m->v[i]) == k)
			return (m->v[i]);
	}
	return (NULL);
}

static void
hmap_u64_place(struct hmap_u64 *m, void *p)
{
	size_t	i, mask = m->cap - 1;

	for (i = map_mix(m->key(p)) & mask; m->v[i] != NULL;
	    i = (i + 1) & mask)
		;
	m->v[i] = p;
}

void
hmap_u64_put(struct hmap_u64 *m, void *p)
{
	void	**old = m->v;
	size_t	  ocap = m->cap, i;

	if (map_full(m->n, m->cap)) {
		m->cap = ocap != 0 ? ocap * 2 : MAP_MIN;
		m->v = xcalloc(m->cap, sizeof *m->v);
		for (i = 0; i < ocap; i++) {
			if (old[i] != NULL)
				hmap_u64_place(m, old[i]);
		}
		free(old);
	}
	hmap_u64_place(m, p);
	m->n++;
}

void
hmap_u64_del(struct hmap_u64 *m, uint64_t k)
{
	size_t	i, j, home, mask;

	if (m->cap == 0)
		return;
	mask = m->cap - 1;
	for (i = map_mix(k) & mask; m->v[i] != NULL; i = (i + 1) & mask) {
		if (m->key(m->v[i]) == k)
			break;
	}
	if (m->v[i] == NULL)
		return;
	/* Shift back later entries whose home is at or before the hole. */
	for (j = (i + 1) & mask; m->v[j] != NULL; j = (j + 1) & mask) {
		home = map_mix(m->key(m->v[j])) & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->v[i] = m->v[j];
			i = j;
		}
	}
	m->v[i] = NULL;
	m->n--;
}

void
hmap_str_init(struct hmap_str *m, const char *(*key)(const void *))
{
	memset(m, 0, sizeof *m);
	m->key = key;
}

void
hmap_str_free(struct hmap_str *m)
{
	free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

static struct hslot *
hmap_str_slot(const struct hmap_str *m, const char *k, uint64_t h)
{
	size_t	i, mask = m->cap - 1;

	for (i = h & mask; m->v[i].p != NULL; i = (i + 1) & mask) {
		if (m->v[i].h == h && strcmp(m->key(m->v[i].p), k) == 0)
			break;
	}
	return (&m->v[i]);
}

void *
hmap_str_get(const struct hmap_str *m, const char *k)
{
	if (m->cap == 0)
		return (NULL);
	return (hmap_str_slot(m, k, map_hash_str(k))->p);
}

void
hmap_str_put(struct hmap_str *m, void *p)
{
	struct hslot	*old = m->v, *s;
	size_t		 ocap = m->cap, i;
	uint64_t	 h;

	if (map_full(m->n, m->cap)) {
		m->cap = ocap != 0 ? ocap * 2 : MAP_MIN;
		m->v = xcalloc(m->cap, sizeof *m->v);
		for (i = 0; i < ocap; i++) {
			if (old[i].p != NULL)
				*hmap_str_slot(m, m->key(old[i].p), old[i].h) =
				    old[i];
		}
		free(old);
	}
	h = map_hash_str(m->key(p));
	s = hmap_str_slot(m, m->key(p), h);
	if (s->p == NULL)
		m->n++;
	s->h = h;
	s->p = p;
}

void
hmap_str_del(struct hmap_str *m, const char *k)
{
	size_t	i, j, home, mask;

	if (m->cap == 0)
		return;
	mask = m->cap - 1;
	i = (size_t)(hmap_str_slot(m, k, map_hash_str(k)) - m->v);
	if (m->v[i].p == NULL)
		return;
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
}
