/*
 * test_auth.c: password hashes and the guess throttle (daemon/security/auth.c,
 * daemon/security/throttle.c). Passwords are bytes: a NUL inside is part of them
 * and nothing is cut. Guesses count as they arrive; locks are per
 * (address, user) and per address, never per user alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth.h"
#include "throttle.h"

static void
test_passwords_are_bytes(void **state)
{
	char	hash[AUTH_HASH_MAX], big[AUTH_PASSWORD_MAX + 1];

	assert_int_equal(auth_init(), 0);
	assert_int_equal(auth_hash("\0secret", 7, hash, sizeof hash), 0);
	assert_true(auth_verify(hash, "\0secret", 7));
	assert_false(auth_verify(hash, "", 0));
	assert_false(auth_verify(hash, "\0", 1));
	assert_false(auth_verify(hash, "\0secretX", 8));
	assert_int_equal(auth_hash("pw", 2, hash, sizeof hash), 0);
	assert_false(auth_verify(hash, "pw\0junk", 7));
	assert_true(auth_verify(hash, "pw", 2));
	/* Empty and over-long passwords are refused, never cut to fit. */
	memset(big, 'x', sizeof big);
	assert_int_equal(auth_hash("", 0, hash, sizeof hash), -1);
	assert_int_equal(auth_hash(big, sizeof big, hash, sizeof hash), -1);
	assert_int_equal(auth_hash(big, AUTH_PASSWORD_MAX, hash, sizeof hash),
	    0);
	assert_true(auth_verify(hash, big, AUTH_PASSWORD_MAX));
	assert_false(auth_verify(hash, big, sizeof big));
	/* Unknown user: the dummy's time, and no. */
	assert_false(auth_verify(NULL, "pw", 2));
	assert_false(auth_verify("", "pw", 2));
}

static const struct throttle_conf conf = { 100, 5000, 3, 5, 60000 };

static int
setup(void **state)
{
	throttle_clear();
	throttle_configure(&conf);
	return (0);
}

static void
test_pair_lock_is_per_address(void **state)
{
	hl_ms	now = 1000000;
	int	i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(throttle_begin("1.1.1.1", "admin", now), 0);
		throttle_fail("1.1.1.1", "admin", now);
	}
	assert_true(throttle_locked("1.1.1.1", "admin", now));
	assert_int_equal(throttle_begin("1.1.1.1", "admin", now), -1);
	assert_int_equal(throttle_refusals(), 1);
	/* Another address, another user of this address: not locked. */
	assert_false(throttle_locked("2.2.2.2", "admin", now));
	assert_int_equal(throttle_begin("2.2.2.2", "admin", now), 0);
	throttle_success("2.2.2.2", "admin");
	assert_int_equal(throttle_begin("1.1.1.1", "alice", now), 0);
	throttle_success("1.1.1.1", "alice");
	/* The lock ends with lock_time, and the count is forgotten. */
	now += 60001;
	assert_false(throttle_locked("1.1.1.1", "admin", now));
	assert_int_equal(throttle_begin("1.1.1.1", "admin", now), 0);
	throttle_success("1.1.1.1", "admin");
}

static void
test_address_lock_counts_every_user(void **state)
{
	hl_ms		 now = 1000000;
	const char	*users[] = { "a", "b", "c", "d", "e" };
	int		 i;

	for (i = 0; i < 5; i++) {
		assert_int_equal(throttle_begin("1.1.1.1", users[i], now), 0);
		throttle_fail("1.1.1.1", users[i], now);
	}
	/* Five failures, none locking a pair: the address is locked. */
	assert_int_equal(throttle_begin("1.1.1.1", "f", now), -1);
	assert_int_equal(throttle_begin("2.2.2.2", "f", now), 0);
}

static void
test_attempts_count_as_they_arrive(void **state)
{
	hl_ms	now = 1000000;
	int	i;

	/* A pool logging in at once, nothing failed yet: all go on. */
	for (i = 0; i < 10; i++)
		assert_int_equal(throttle_begin("1.1.1.1", "admin", now), 0);
	for (i = 0; i < 10; i++)
		throttle_success("1.1.1.1", "admin");
	/* Once a guess failed, those in flight count: with one failure and
	 * two in flight, the pair's third is refused before any check. */
	assert_int_equal(throttle_begin("1.1.1.1", "admin", now), 0);
	throttle_fail("1.1.1.1", "admin", now);
	assert_int_equal(throttle_begin("1.1.1.1", "admin", now), 0);
	assert_int_equal(throttle_begin("1.1.1.1", "admin", now), 0);
	assert_int_equal(throttle_begin("1.1.1.1", "admin", now), -1);
	/* One succeeds: the pair's count is cleared, the other goes on. */
	throttle_success("1.1.1.1", "admin");
	assert_int_equal(throttle_begin("1.1.1.1", "admin", now), 0);
	throttle_cancel("1.1.1.1", "admin");
	throttle_cancel("1.1.1.1", "admin");
	assert_false(throttle_locked("1.1.1.1", "admin", now));
}

static void
test_delays_double_up_to_the_max(void **state)
{
	hl_ms	now = 1000000, d[8];
	int	i;
	struct throttle_conf	c = conf;

	c.lock_after = c.addr_lock_after = 0;	/* never */
	throttle_configure(&c);
	for (i = 0; i < 8; i++) {
		assert_int_equal(throttle_begin("1.1.1.1", "u", now), 0);
		d[i] = throttle_fail("1.1.1.1", "u", now);
	}
	assert_int_equal(d[0], 100);
	assert_int_equal(d[1], 200);
	assert_int_equal(d[5], 3200);
	assert_int_equal(d[6], 5000);
	assert_int_equal(d[7], 5000);
	assert_false(throttle_locked("1.1.1.1", "u", now));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwords_are_bytes),
		cmocka_unit_test_setup(test_pair_lock_is_per_address, setup),
		cmocka_unit_test_setup(test_address_lock_counts_every_user,
		    setup),
		cmocka_unit_test_setup(test_attempts_count_as_they_arrive,
		    setup),
		cmocka_unit_test_setup(test_delays_double_up_to_the_max, setup),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
