/* Unit tests of the byte buffer (lib/buf.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "buf.h"

static void
test_add(void **state)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_add(&b, "", 0);			/* nothing, not even memory */
	assert_null(b.data);
	buf_add(&b, "a\0b", 3);			/* bytes, NUL included */
	buf_addc(&b, 'c');
	buf_adds(&b, "de");
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "a\0bcde", 6);
	/* Growth keeps what was there, across many doublings. */
	for (i = 0; i < 100000; i++)
		buf_addc(&b, (char)('0' + i % 10));
	assert_int_equal(b.len, 100006);
	assert_true(b.cap >= b.len);
	assert_memory_equal(b.data, "a\0bcde0123", 10);
	assert_int_equal(b.data[b.len - 1], '9');
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_non_null(b.data);		/* memory kept for reuse */
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);
}

static void
test_reserve_consume(void **state)
{
	struct buf	b;

	buf_init(&b);
	buf_reserve(&b, 1000);
	assert_true(b.cap - b.len >= 1000);
	assert_int_equal(b.len, 0);
	buf_adds(&b, "hello world");
	buf_consume(&b, 6);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "world", 5);
	buf_consume(&b, 99);			/* more than there is: empty */
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_printf(void **state)
{
	struct buf	b;
	char		big[5000];

	buf_init(&b);
	assert_int_equal(buf_printf(&b, "%s:%d", "port", 6380), 9);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_int_equal(buf_printf(&b, ",%lld", (long long)INT64_MIN), 21);
	assert_int_equal(b.len, 30);
	assert_memory_equal(b.data, "port:6380,-9223372036854775808", 30);
	/* Longer than the free space: formatted again, whole, not cut. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(buf_printf(&b, "[%s]", big), sizeof big + 1);
	assert_int_equal(b.len, 30 + sizeof big + 1);
	assert_int_equal(b.data[30], '[');
	assert_int_equal(b.data[30 + sizeof big - 1], 'x');
	assert_int_equal(b.data[b.len - 1], ']');
	buf_free(&b);
}

static void
test_integers(void **state)
{
	struct buf	b;

	buf_init(&b);
	buf_add_ll(&b, 0);
	buf_addc(&b, ' ');
	buf_add_ll(&b, -7);
	buf_addc(&b, ' ');
	buf_add_ll(&b, 99);
	buf_addc(&b, ' ');
	buf_add_ll(&b, 100);
	buf_addc(&b, ' ');
	buf_add_ll(&b, LLONG_MIN);
	buf_addc(&b, ' ');
	buf_add_ll(&b, LLONG_MAX);
	buf_addc(&b, ' ');
	buf_add_ull(&b, ULLONG_MAX);
	buf_addc(&b, '\0');
	assert_string_equal(b.data, "0 -7 99 100 -9223372036854775808 "
	    "9223372036854775807 18446744073709551615");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_reserve_consume),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_integers),
	};

	return (cmocka_run_group_tests_name("buf", tests, NULL, NULL));
}
