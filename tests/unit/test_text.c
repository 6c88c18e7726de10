/* Unit tests of the name rule and log escaping (lib/text.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "text.h"

#define TEXT(s)		(s), sizeof (s) - 1

static int
is_text(const char *s, size_t len)
{
	const char	*why = NULL;
	int		 rc = text_check(s, len, &why);

	assert_true(rc == 0 ? why == NULL : why != NULL);
	return (rc == 0);
}

/* RFC 3629 strictly: what a JSON or CSV reader would choke on is out. */
static void
test_utf8(void **state)
{
	const char	*why;

	assert_true(is_text(TEXT("")));
	assert_true(is_text(TEXT("plain ascii ~")));
	assert_true(is_text(TEXT("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x93\x9e")));
	assert_true(is_text(TEXT("\xf4\x8f\xbf\xbf")));		/* U+10FFFF */
	assert_true(is_text(TEXT("\xef\xbf\xbd")));		/* U+FFFD */
	assert_true(is_text(TEXT("tab\tand\nnewline")));	/* text, not names */
	assert_false(is_text(TEXT("a\0b")));
	assert_int_equal(text_check(TEXT("a\0b"), &why), -1);
	assert_string_equal(why, "holds a NUL byte");
	assert_int_equal(text_check(TEXT("\xff"), &why), -1);
	assert_string_equal(why, "is not valid UTF-8");
	assert_false(is_text(TEXT("\x80")));		/* lone continuation */
	assert_false(is_text(TEXT("\xc3")));		/* cut short */
	assert_false(is_text(TEXT("\xe4\xb8")));
	assert_false(is_text(TEXT("\xc3\x28")));	/* bad continuation */
	assert_false(is_text(TEXT("\xc0\xaf")));	/* overlong '/' */
	assert_false(is_text(TEXT("\xc1\xbf")));
	assert_false(is_text(TEXT("\xe0\x80\xaf")));
	assert_false(is_text(TEXT("\xf0\x80\x80\xaf")));
	assert_false(is_text(TEXT("\xed\xa0\x80")));	/* surrogate D800 */
	assert_false(is_text(TEXT("\xed\xbf\xbf")));	/* DFFF */
	assert_false(is_text(TEXT("\xf4\x90\x80\x80")));	/* past U+10FFFF */
	assert_false(is_text(TEXT("\xf5\x80\x80\x80")));
	assert_false(is_text(TEXT("\xfe")));
	/* The length rules, not the terminator: bytes past len are unread. */
	assert_true(is_text("ok\xff", 2));
}

/* ASCII is checked eight bytes at a time: a bad byte anywhere is seen. */
static void
test_utf8_every_offset(void **state)
{
	char	buf[40];
	size_t	at;

	for (at = 0; at + 2 <= sizeof buf; at++) {
		memset(buf, 'a', sizeof buf);
		assert_true(is_text(buf, sizeof buf));
		buf[at] = '\0';
		assert_false(is_text(buf, sizeof buf));
		buf[at] = (char)0x80;
		assert_false(is_text(buf, sizeof buf));
		buf[at] = (char)0xc3;
		buf[at + 1] = (char)0xa9;
		assert_true(is_text(buf, sizeof buf));
		assert_false(is_text(buf, at + 1));	/* cut inside it */
		buf[at] = 0x7f;
		buf[at + 1] = 'a';
		assert_true(is_text(buf, sizeof buf));	/* text, not a name */
	}
}

static const char *
name_err(const char *s, size_t len, size_t max, int flags)
{
	static char	err[TEXT_ERRMAX];

	if (text_name_check(s, len, max, flags, "queue name", err,
	    sizeof err) == 0)
		return (NULL);
	return (err);
}

static void
test_names(void **state)
{
	char	long_name[65];

	assert_null(name_err(TEXT("billing"), 64, 0));
	assert_null(name_err(TEXT("lunch with the team"), 64, 0));
	assert_null(name_err(TEXT("facturaci\xc3\xb3n"), 64, TEXT_WORD));
	assert_null(name_err(TEXT("a-b_c.d@e+f/g"), 64, TEXT_WORD));
	assert_string_equal(name_err(TEXT(""), 64, 0), "queue name is empty");
	memset(long_name, 'q', sizeof long_name);
	assert_null(name_err(long_name, 63, 64, 0));
	assert_string_equal(name_err(long_name, 64, 64, 0),
	    "queue name is longer than 63 bytes");
	assert_string_equal(name_err(TEXT("q\0x"), 64, 0),
	    "queue name holds a NUL byte");
	assert_string_equal(name_err(TEXT("q\xff"), 64, 0),
	    "queue name is not valid UTF-8");
	assert_string_equal(name_err(TEXT("q\nx"), 64, 0),
	    "queue name holds a control character");
	assert_string_equal(name_err(TEXT("q\tx"), 64, 0),
	    "queue name holds a control character");
	assert_string_equal(name_err(TEXT("q\x1b[2J"), 64, 0),
	    "queue name holds a control character");
	assert_string_equal(name_err(TEXT("q\x7f"), 64, 0),
	    "queue name holds a control character");
	assert_string_equal(name_err(TEXT("q\xc2\x85"), 64, 0),	/* NEL */
	    "queue name holds a control character");
	assert_string_equal(name_err(TEXT("q\xc2\x9b"), 64, 0),	/* CSI */
	    "queue name holds a control character");
	assert_string_equal(name_err(TEXT("q\xe2\x80\xa8"), 64, 0),
	    "queue name holds a control character");
	assert_string_equal(name_err(TEXT("q\xe2\x80\xa9"), 64, 0),
	    "queue name holds a control character");
	assert_null(name_err(TEXT("q\xc2\xa0x"), 64, 0));	/* NBSP prints */
	/* Words: what the config file and the lists split on. */
	assert_null(name_err(TEXT("a b"), 64, 0));
	assert_null(name_err(TEXT("a:b"), 64, 0));
	assert_string_equal(name_err(TEXT("a b"), 64, TEXT_WORD),
	    "queue name holds a space, comma, colon, bracket, quote or "
	    "backslash");
	assert_non_null(name_err(TEXT("a,b"), 64, TEXT_WORD));
	assert_non_null(name_err(TEXT("a:b"), 64, TEXT_WORD));
	assert_non_null(name_err(TEXT("[a"), 64, TEXT_WORD));
	assert_non_null(name_err(TEXT("a]"), 64, TEXT_WORD));
	assert_non_null(name_err(TEXT("a\"b"), 64, TEXT_WORD));
	assert_non_null(name_err(TEXT("a\\b"), 64, TEXT_WORD));
}

static const char *
esc(const char *s, size_t len)
{
	static char	buf[256];
	size_t		n = text_escape(buf, sizeof buf, s, len);

	assert_int_equal(n, strlen(buf));
	return (buf);
}

static void
test_escape(void **state)
{
	char	small[8];

	assert_string_equal(esc(TEXT("plain text")), "plain text");
	assert_string_equal(esc(TEXT("x\nFAKE LOG LINE")),
	    "x\\nFAKE LOG LINE");
	assert_string_equal(esc(TEXT("a\r\tb\\c")), "a\\r\\tb\\\\c");
	assert_string_equal(esc(TEXT("\x1b[31mred\x7f")), "\\x1b[31mred\\x7f");
	assert_string_equal(esc(TEXT("nul\0here")), "nul\\x00here");
	assert_string_equal(esc(TEXT("csi\xc2\x9b" "2J")), "csi\\xc2\\x9b2J");
	assert_string_equal(esc(TEXT("ls\xe2\x80\xa8x")), "ls\\xe2\\x80\\xa8x");
	assert_string_equal(esc(TEXT("bad\xff\xc3(")), "bad\\xff\\xc3(");
	assert_string_equal(esc(TEXT("caf\xc3\xa9 \xe4\xb8\xad")),
	    "caf\xc3\xa9 \xe4\xb8\xad");
	/* The worst case is four bytes out for one in. */
	assert_int_equal(text_escape(NULL, 0, TEXT("\x01\x02\x03")), 12);
	/* Full: terminated, and never cut inside an escape or a char. */
	assert_int_equal(text_escape(small, sizeof small, TEXT("ab\ncd")), 6);
	assert_string_equal(small, "ab\\ncd");
	assert_int_equal(text_escape(small, sizeof small, TEXT("abcdef\n")), 8);
	assert_string_equal(small, "abcdef");
	assert_int_equal(text_escape(small, sizeof small,
	    TEXT("abcde\xe4\xb8\xad")), 8);
	assert_string_equal(small, "abcde");
	assert_int_equal(text_escape(small, sizeof small,
	    TEXT("abcdef\x01z")), 11);
	assert_string_equal(small, "abcdef");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_utf8_every_offset),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_escape),
	};

	return (cmocka_run_group_tests_name("text", tests, NULL, NULL));
}
