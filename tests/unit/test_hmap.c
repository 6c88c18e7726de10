/* Unit tests of the hash table (lib/hmap.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

#define NITEMS		5000
#define SMALL_CAP	16	/* the first table's slots */

struct item {
	char		name[32];
	uint64_t	id;
	int		seen;
};

static const char *
item_name(const void *p)
{
	return (((const struct item *)p)->name);
}

static struct item *
items_new(size_t n)
{
	struct item	*v = calloc(n, sizeof *v);
	size_t		 i;

	assert_non_null(v);
	for (i = 0; i < n; i++) {
		snprintf(v[i].name, sizeof v[i].name, "agent%zu", i);
		v[i].id = (uint64_t)i * 7919 + 1;
	}
	return (v);
}

static void
test_str_insert_find_delete(void **state)
{
	struct item	*v = items_new(NITEMS), other = { "agent3", 0, 0 };
	struct hmap	 m;
	size_t		 i;

	(void)state;
	hmap_str_init(&m, item_name);
	assert_null(hmap_str_get(&m, "agent0"));
	assert_null(hmap_str_del(&m, "agent0"));
	for (i = 0; i < NITEMS; i++)
		hmap_str_put(&m, &v[i]);
	assert_int_equal(m.n, NITEMS);
	/* Grown in powers of two, never past three quarters full. */
	assert_true((m.cap & (m.cap - 1)) == 0);
	assert_true(m.n * 4 <= m.cap * 3);
	for (i = 0; i < NITEMS; i++)
		assert_ptr_equal(hmap_str_get(&m, v[i].name), &v[i]);
	assert_null(hmap_str_get(&m, "agent"));
	assert_null(hmap_str_get(&m, "agent50000"));
	/* Putting a key again replaces its item. */
	hmap_str_put(&m, &other);
	assert_int_equal(m.n, NITEMS);
	assert_ptr_equal(hmap_str_get(&m, "agent3"), &other);
	hmap_str_put(&m, &v[3]);
	/* Every other one goes; the rest stay findable. */
	for (i = 0; i < NITEMS; i += 2)
		assert_ptr_equal(hmap_str_del(&m, v[i].name), &v[i]);
	assert_null(hmap_str_del(&m, v[0].name));
	assert_int_equal(m.n, NITEMS / 2);
	for (i = 0; i < NITEMS; i++)
		assert_ptr_equal(hmap_str_get(&m, v[i].name),
		    i % 2 == 0 ? NULL : &v[i]);
	hmap_free(&m, NULL);
	assert_null(hmap_str_get(&m, "agent1"));
	free(v);
}

static void
test_u64_insert_find_delete(void **state)
{
	struct item	*v = items_new(NITEMS);
	struct hmap	 m;
	size_t		 i;

	(void)state;
	hmap_u64_init(&m);
	assert_null(hmap_u64_get(&m, 1));
	for (i = 0; i < NITEMS; i++)
		hmap_u64_put(&m, v[i].id, &v[i]);
	/* Key 0 is a key like any other. */
	hmap_u64_put(&m, 0, &v[0]);
	assert_int_equal(m.n, NITEMS + 1);
	for (i = 0; i < NITEMS; i++)
		assert_ptr_equal(hmap_u64_get(&m, v[i].id), &v[i]);
	assert_ptr_equal(hmap_u64_del(&m, 0), &v[0]);
	assert_null(hmap_u64_get(&m, 0));
	assert_null(hmap_u64_get(&m, 2));
	for (i = NITEMS; i-- > 0;) {
		assert_ptr_equal(hmap_u64_del(&m, v[i].id), &v[i]);
		assert_null(hmap_u64_get(&m, v[i].id));
		if (i > 0)
			assert_ptr_equal(hmap_u64_get(&m, v[i - 1].id),
			    &v[i - 1]);
	}
	assert_int_equal(m.n, 0);
	hmap_free(&m, NULL);
	free(v);
}

/* Keys whose home is slot want of a SMALL_CAP table. */
static size_t
keys_at(uint64_t want, uint64_t *out, size_t n, uint64_t from)
{
	size_t		i = 0;
	uint64_t	k;

	for (k = from; i < n; k++) {
		if ((hmap_mix(k) & (SMALL_CAP - 1)) == want)
			out[i++] = k;
	}
	return (i);
}

/*
 * Runs that share a home slot and wrap past the table's end: a deletion
 * anywhere in them must leave every other key reachable.
 */
static void
test_collisions_wrap(void **state)
{
	uint64_t	keys[8];
	struct item	it[8];
	struct hmap	m;
	size_t		i, j, gone;

	(void)state;
	keys_at(SMALL_CAP - 1, keys, 5, 1);
	keys_at(0, keys + 5, 2, 1);
	keys_at(1, keys + 7, 1, 1);
	for (gone = 0; gone < 8; gone++) {
		hmap_u64_init(&m);
		for (i = 0; i < 8; i++)
			hmap_u64_put(&m, keys[i], &it[i]);
		assert_int_equal(m.cap, SMALL_CAP);
		assert_ptr_equal(hmap_u64_del(&m, keys[gone]), &it[gone]);
		for (j = 0; j < 8; j++)
			assert_ptr_equal(hmap_u64_get(&m, keys[j]),
			    j == gone ? NULL : &it[j]);
		/* And then all the others, in order. */
		for (i = 0; i < 8; i++) {
			if (i == gone)
				continue;
			assert_ptr_equal(hmap_u64_del(&m, keys[i]), &it[i]);
			for (j = i + 1; j < 8; j++)
				if (j != gone)
					assert_ptr_equal(hmap_u64_get(&m,
					    keys[j]), &it[j]);
		}
		assert_int_equal(m.n, 0);
		hmap_free(&m, NULL);
	}
}

static int
same_name(const void *item, const void *key)
{
	return (strcmp(item_name(item), key) == 0);
}

/* One hash for every key: the equality alone tells them apart. */
static void
test_same_hash(void **state)
{
	struct item	*v = items_new(100);
	struct hmap	 m;
	size_t		 i;

	(void)state;
	hmap_str_init(&m, item_name);
	for (i = 0; i < 100; i++) {
		assert_null(hmap_find(&m, 42, same_name, v[i].name));
		hmap_add(&m, 42, &v[i]);
	}
	for (i = 0; i < 100; i++)
		assert_ptr_equal(hmap_find(&m, 42, same_name, v[i].name),
		    &v[i]);
	assert_null(hmap_find(&m, 42, same_name, "nobody"));
	assert_null(hmap_find(&m, 43, same_name, v[0].name));
	hmap_free(&m, NULL);
	free(v);
}

/* Keeps every fourth item (id = i * 7919 + 1 with i a multiple of 4). */
static int
drop_most(void *item, void *arg)
{
	(*(int *)arg)++;
	return (((struct item *)item)->id % 4 != 1);
}

static void
test_iterate_sweep(void **state)
{
	struct item	*v = items_new(NITEMS), *p;
	struct hmap	 m;
	size_t		 i, n = 0, cap;
	int		 calls = 0;

	(void)state;
	hmap_u64_init(&m);
	i = 0;
	assert_null(hmap_next(&m, &i));
	for (i = 0; i < NITEMS; i++)
		hmap_u64_put(&m, v[i].id, &v[i]);
	for (i = 0; (p = hmap_next(&m, &i)) != NULL;) {
		p->seen++;
		n++;
	}
	assert_int_equal(n, NITEMS);
	for (i = 0; i < NITEMS; i++)
		assert_int_equal(v[i].seen, 1);
	/* Three quarters go, and the table shrinks. */
	cap = m.cap;
	hmap_sweep(&m, drop_most, &calls);
	assert_int_equal(calls, NITEMS);
	assert_int_equal(m.n, NITEMS / 4);
	assert_true(m.cap < cap);
	for (i = 0; i < NITEMS; i++)
		assert_ptr_equal(hmap_u64_get(&m, v[i].id),
		    i % 4 != 0 ? NULL : &v[i]);
	/* Nothing to drop: nothing moves. */
	cap = m.cap;
	calls = 0;
	hmap_sweep(&m, drop_most, &calls);
	assert_int_equal(m.cap, cap);
	hmap_free(&m, NULL);
	free(v);
}

static int	freed;

static void
count_free(void *item)
{
	(void)item;
	freed++;
}

/* hmap_free hands every item to its free function, and empties the map. */
static void
test_free_items(void **state)
{
	struct item	*v = items_new(100);
	struct hmap	 m;
	size_t		 i;

	(void)state;
	hmap_str_init(&m, item_name);
	for (i = 0; i < 100; i++)
		hmap_str_put(&m, &v[i]);
	freed = 0;
	hmap_free(&m, count_free);
	assert_int_equal(freed, 100);
	assert_int_equal(m.n, 0);
	assert_null(hmap_str_get(&m, v[0].name));
	/* Ready for use again. */
	hmap_str_put(&m, &v[7]);
	assert_ptr_equal(hmap_str_get(&m, v[7].name), &v[7]);
	hmap_free(&m, NULL);
	free(v);
}

/* Random puts and deletes against a plain array of who is in. */
static void
test_random(void **state)
{
	enum { KEYS = 512, STEPS = 200000 };
	static struct item	 v[KEYS];
	static int		 in[KEYS];
	struct hmap		 m, s;
	size_t			 i, n = 0;
	unsigned		 seed = 12345;
	int			 k, step;

	(void)state;
	hmap_u64_init(&m);
	hmap_str_init(&s, item_name);
	for (k = 0; k < KEYS; k++) {
		v[k].id = (uint64_t)k << 40;	/* only high bits differ */
		snprintf(v[k].name, sizeof v[k].name, "q%d", k);
	}
	for (step = 0; step < STEPS; step++) {
		seed = seed * 1103515245 + 12345;
		k = (int)((seed >> 8) % KEYS);
		if (in[k]) {
			assert_ptr_equal(hmap_u64_del(&m, v[k].id), &v[k]);
			assert_ptr_equal(hmap_str_del(&s, v[k].name), &v[k]);
			n--;
		} else {
			hmap_u64_put(&m, v[k].id, &v[k]);
			hmap_str_put(&s, &v[k]);
			n++;
		}
		in[k] = !in[k];
		assert_int_equal(m.n, n);
		if (step % 1000 != 0)
			continue;
		for (i = 0; i < KEYS; i++) {
			assert_ptr_equal(hmap_u64_get(&m, v[i].id),
			    in[i] ? &v[i] : NULL);
			assert_ptr_equal(hmap_str_get(&s, v[i].name),
			    in[i] ? &v[i] : NULL);
		}
	}
	hmap_free(&m, NULL);
	hmap_free(&s, NULL);
}

static void
test_hash(void **state)
{
	(void)state;
	/* FNV-1a's published vectors, before the mix. */
	assert_true(hmap_fnv(HMAP_FNV_BASIS, "", 0) == HMAP_FNV_BASIS);
	assert_true(hmap_fnv(HMAP_FNV_BASIS, "a", 1) ==
	    UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(hmap_fnv(HMAP_FNV_BASIS, "foobar", 6) ==
	    UINT64_C(0x85944171f73967e8));
	assert_true(hmap_hash_str("foobar") ==
	    hmap_mix(hmap_fnv(HMAP_FNV_BASIS, "foobar", 6)));
	/* Pieces hash as the whole. */
	assert_true(hmap_fnv(hmap_fnv(HMAP_FNV_BASIS, "foo", 3), "bar", 3) ==
	    hmap_fnv(HMAP_FNV_BASIS, "foobar", 6));
	assert_true(hmap_mix(1) != hmap_mix(2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_str_insert_find_delete),
		cmocka_unit_test(test_u64_insert_find_delete),
		cmocka_unit_test(test_collisions_wrap),
		cmocka_unit_test(test_same_hash),
		cmocka_unit_test(test_iterate_sweep),
		cmocka_unit_test(test_free_items),
		cmocka_unit_test(test_random),
	};

	return (cmocka_run_group_tests_name("hmap", tests, NULL, NULL));
}
