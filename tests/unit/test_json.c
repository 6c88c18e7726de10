/* Unit tests of the JSON writer (lib/json.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "json.h"

#define TEXT(s)		(s), sizeof (s) - 1

/* {"s":<s quoted>}: one string through the writer. */
static const char *
quoted(struct buf *b, const char *s, size_t len)
{
	struct json	w;

	json_begin(&w, b);
	json_strn(&w, "s", s, len);
	return (json_end(&w));
}

static void
test_escapes(void **state)
{
	struct buf	b;

	buf_init(&b);
	assert_string_equal(quoted(&b, TEXT("")), "{\"s\":\"\"}");
	assert_string_equal(quoted(&b, TEXT("plain text ~")),
	    "{\"s\":\"plain text ~\"}");
	assert_string_equal(quoted(&b, TEXT("say \"hi\"")),
	    "{\"s\":\"say \\\"hi\\\"\"}");
	assert_string_equal(quoted(&b, TEXT("C:\\dir\\")),
	    "{\"s\":\"C:\\\\dir\\\\\"}");
	assert_string_equal(quoted(&b, TEXT("a\nb\rc\td")),
	    "{\"s\":\"a\\nb\\rc\\td\"}");
	/* Other C0 characters and DEL: \u00XX, lower-case hex. */
	assert_string_equal(quoted(&b, TEXT("\x01\x08\x0c\x1b\x1f\x7f")),
	    "{\"s\":\"\\u0001\\u0008\\u000c\\u001b\\u001f\\u007f\"}");
	/* A NUL inside a counted string is a character like the others. */
	assert_string_equal(quoted(&b, TEXT("a\0b")),
	    "{\"s\":\"a\\u0000b\"}");
	assert_int_equal(b.len, strlen("{\"s\":\"a\\u0000b\"}"));
	/* / needs no escape, and gets none. */
	assert_string_equal(quoted(&b, TEXT("a/b")), "{\"s\":\"a/b\"}");
	buf_free(&b);
}

static void
test_utf8(void **state)
{
	struct buf	b;

	buf_init(&b);
	/* Valid UTF-8 passes unchanged: 2, 3 and 4 bytes, C1, U+2028. */
	assert_string_equal(quoted(&b,
	    TEXT("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x93\x9e \xc2\x85\xe2\x80\xa8")),
	    "{\"s\":\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x93\x9e "
	    "\xc2\x85\xe2\x80\xa8\"}");
	assert_string_equal(quoted(&b, TEXT("\xf4\x8f\xbf\xbf")),
	    "{\"s\":\"\xf4\x8f\xbf\xbf\"}");		/* U+10FFFF */
	/* Each byte that does not start a valid sequence is one U+FFFD. */
	assert_string_equal(quoted(&b, TEXT("a\xff" "b")),
	    "{\"s\":\"a\\ufffdb\"}");
	assert_string_equal(quoted(&b, TEXT("\xc3(")),
	    "{\"s\":\"\\ufffd(\"}");			/* cut short */
	assert_string_equal(quoted(&b, TEXT("\xc0\xaf")),
	    "{\"s\":\"\\ufffd\\ufffd\"}");		/* overlong '/' */
	assert_string_equal(quoted(&b, TEXT("\xed\xa0\x80")),
	    "{\"s\":\"\\ufffd\\ufffd\\ufffd\"}");	/* a surrogate */
	assert_string_equal(quoted(&b, TEXT("\xf4\x90\x80\x80")),
	    "{\"s\":\"\\ufffd\\ufffd\\ufffd\\ufffd\"}");	/* > U+10FFFF */
	/* A sequence cut by the end of the string, not read past it. */
	assert_string_equal(quoted(&b, TEXT("ab\xe4\xb8")),
	    "{\"s\":\"ab\\ufffd\\ufffd\"}");
	buf_free(&b);
}

static void
test_numbers(void **state)
{
	struct buf	b;
	struct json	w;

	buf_init(&b);
	json_begin(&w, &b);
	json_int(&w, "zero", 0);
	json_int(&w, "neg", -1);
	json_int(&w, "min", LLONG_MIN);
	json_int(&w, "max", LLONG_MAX);
	json_uint(&w, "umax", ULLONG_MAX);
	json_bool(&w, "t", true);
	json_bool(&w, "f", false);
	json_null(&w, "n");
	assert_string_equal(json_end(&w), "{\"zero\":0,\"neg\":-1,"
	    "\"min\":-9223372036854775808,\"max\":9223372036854775807,"
	    "\"umax\":18446744073709551615,\"t\":true,\"f\":false,"
	    "\"n\":null}");
	buf_free(&b);
}

static void
test_nesting(void **state)
{
	struct buf	b;
	struct json	w;

	buf_init(&b);
	json_begin(&w, &b);
	assert_string_equal(json_end(&w), "{}");
	assert_int_equal(b.len, 2);

	/* Begin empties the buffer: one writer, reused. */
	json_begin(&w, &b);
	json_str(&w, "k\"ey", NULL);		/* keys escaped; NULL is "" */
	json_object(&w, "skills");
	json_int(&w, "billing", 3);
	json_int(&w, "sales", 1);
	json_close(&w);
	json_array(&w, "groups");
	json_str(&w, NULL, "a");
	json_str(&w, NULL, "b");
	json_array(&w, NULL);
	json_close(&w);
	json_object(&w, NULL);
	json_close(&w);
	json_close(&w);
	json_array(&w, "empty");
	json_close(&w);
	json_raw(&w, "data", "{\"x\":[1,2]}");
	json_object(&w, "open");		/* left open: end closes it */
	json_array(&w, "list");
	json_int(&w, NULL, 7);
	assert_string_equal(json_end(&w), "{\"k\\\"ey\":\"\","
	    "\"skills\":{\"billing\":3,\"sales\":1},"
	    "\"groups\":[\"a\",\"b\",[],{}],\"empty\":[],"
	    "\"data\":{\"x\":[1,2]},\"open\":{\"list\":[7]}}");
	/* The NUL is there for C readers, and not counted. */
	assert_int_equal(b.len, strlen(b.data));
	buf_free(&b);
}

/* The audit record a failed commit marks as not saved. */
static void
test_extend(void **state)
{
	struct buf	b;
	struct json	w;

	buf_init(&b);
	assert_int_equal(json_extend(&w, &b, "{\"ok\":true}"), 0);
	json_bool(&w, "saved", false);
	assert_string_equal(json_end(&w), "{\"ok\":true,\"saved\":false}");
	assert_int_equal(json_extend(&w, &b, "{}"), 0);
	json_bool(&w, "saved", false);
	assert_string_equal(json_end(&w), "{\"saved\":false}");
	assert_int_equal(json_extend(&w, &b, "{ } \n"), 0);
	json_int(&w, "n", 1);
	assert_string_equal(json_end(&w), "{ \"n\":1}");
	assert_int_equal(json_extend(&w, &b, "{\"a\":{\"b\":1} }"), 0);
	json_int(&w, "c", 2);
	assert_string_equal(json_end(&w), "{\"a\":{\"b\":1} ,\"c\":2}");
	assert_int_equal(json_extend(&w, &b, "[1]"), -1);
	assert_int_equal(json_extend(&w, &b, ""), -1);
	assert_int_equal(json_extend(&w, &b, "}"), -1);
	assert_int_equal(json_extend(&w, &b, " {}"), -1);	/* as written */
	buf_free(&b);
}

/* The pub/sub payload, byte for byte as docs/PROTOCOL.md shows it. */
static void
test_event_payload(void **state)
{
	struct buf	b;
	struct json	w;

	buf_init(&b);
	json_begin(&w, &b);
	json_int(&w, "seq", 42);
	json_int(&w, "time", 1700000000123LL);
	json_str(&w, "type", "ticket.created");
	json_uint(&w, "ticket", 7);
	json_str(&w, "queue", "billing");
	json_str(&w, "agent", NULL);
	json_str(&w, "customer", "c-1");
	json_str(&w, "actor", "alice");
	json_raw(&w, "data", "{\"priority\":0}");
	assert_string_equal(json_end(&w), "{\"seq\":42,\"time\":1700000000123,"
	    "\"type\":\"ticket.created\",\"ticket\":7,\"queue\":\"billing\","
	    "\"agent\":\"\",\"customer\":\"c-1\",\"actor\":\"alice\","
	    "\"data\":{\"priority\":0}}");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_extend),
		cmocka_unit_test(test_event_payload),
	};

	return (cmocka_run_group_tests_name("json", tests, NULL, NULL));
}
