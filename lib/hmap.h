/*
 * hmap.h: the one hash table. Open addressing with linear probing and
 * backward-shift deletion (no tombstones), a power-of-two number of slots
 * grown when three quarters full. It holds pointers to items that carry
 * their own key, and never owns them:
 * - string maps (hmap_str_*) read an item's key through a callback and
 *   keep its hash beside it, so a probe compares strings only on a match;
 * - u64 maps (hmap_u64_*) keep the mixed key, which is the key itself
 *   (hmap_mix is a bijection): a probe never touches the item;
 * - any other key (hmap_find, hmap_add): the caller's hash and equality.
 * A walk (hmap_next) must not insert or delete, which move entries;
 * hmap_sweep deletes what a walk decides.
 */
#ifndef HOTLINE_HMAP_H
#define HOTLINE_HMAP_H

#include <stddef.h>
#include <stdint.h>

/* The hash, named once: FNV-1a over the bytes, then hmap_mix. */
#define HMAP_FNV_BASIS	UINT64_C(0xcbf29ce484222325)
#define HMAP_FNV_PRIME	UINT64_C(0x100000001b3)

struct hmap_slot {
	uint64_t	 h;	/* the key's hash (u64 maps: the mixed key) */
	void		*p;	/* the item; NULL: empty */
};

struct hmap {
	struct hmap_slot	 *v;
	size_t			  cap;	/* 0, or a power of two */
	size_t			  n;
	/* String maps: the item's key. */
	const char		*(*key)(const void *);
};

/*
 * splitmix64's finalizer: every input bit reaches the low bits a
 * power-of-two mask keeps (FNV-1a's low bits are weak), and it is a
 * bijection on 64 bits.
 */
static inline uint64_t
hmap_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return (x);
}

/* FNV-1a, one piece at a time: h starts at HMAP_FNV_BASIS, hmap_mix ends. */
static inline uint64_t
hmap_fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*s = p;

	while (len-- > 0)
		h = (h ^ *s++) * HMAP_FNV_PRIME;
	return (h);
}

static inline uint64_t
hmap_hash_str(const char *s)
{
	uint64_t	h = HMAP_FNV_BASIS;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * HMAP_FNV_PRIME;
	return (hmap_mix(h));
}

/* A zeroed struct hmap is an empty u64 or any-key map; a static string
 * map may be initialized { .key = fn }. */
void	 hmap_str_init(struct hmap *, const char *(*key)(const void *));
void	 hmap_u64_init(struct hmap *);
/* Frees the slots, and each item through item_free unless it is NULL;
 * the map is then empty, ready for use again. */
void	 hmap_free(struct hmap *, void (*item_free)(void *));

void	*hmap_str_get(const struct hmap *, const char *);
/* Adds p under its key, or replaces the item already there. */
void	 hmap_str_put(struct hmap *, void *p);
/* The item removed, or NULL if none had that key. */
void	*hmap_str_del(struct hmap *, const char *);

void	*hmap_u64_get(const struct hmap *, uint64_t);
void	 hmap_u64_put(struct hmap *, uint64_t, void *p);
void	*hmap_u64_del(struct hmap *, uint64_t);

/* Any key: eq(item, key) says whether item has it; h is its hash. */
void	*hmap_find(const struct hmap *, uint64_t h,
	    int (*eq)(const void *item, const void *key), const void *key);
/* Adds p under hash h; the caller knows no item has its key yet. */
void	 hmap_add(struct hmap *, uint64_t h, void *p);

/*
 * The next item from slot *i on, NULL at the end. Start with *i = 0:
 *	for (i = 0; (p = hmap_next(m, &i)) != NULL;)
 */
void	*hmap_next(const struct hmap *, size_t *i);
/* Deletes each item for which drop(item, arg) is true (drop may free it),
 * then shrinks the slots to fit what is left. */
void	 hmap_sweep(struct hmap *, int (*drop)(void *item, void *arg),
	    void *arg);

#endif
