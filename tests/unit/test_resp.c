/*
 * test_resp.c: unit tests for the RESP parser and writer (protocol/).
 * Covers inline and multibulk parsing, quoting and escapes, binary bulks,
 * pipelining, resumption at every byte boundary, every limit, every
 * malformed form and its error code, and byte-exact writer output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"

struct arg {
	const char	*s;
	size_t		 n;
};

/* A wire request and the argv it must parse to. */
struct req {
	const char	*wire;
	size_t		 wirelen;
	int		 argc;
	struct arg	 argv[6];
};

/* sizeof keeps embedded NULs: these helpers take string literals only. */
#define A(lit)	{ (lit), sizeof(lit) - 1 }
#define W(lit)	(lit), sizeof(lit) - 1

static const struct req corpus[] = {
	{ W("PING\r\n"), 1, { A("PING") } },
	{ W("PING\n"), 1, { A("PING") } },
	{ W("SET key value\r\n"), 3, { A("SET"), A("key"), A("value") } },
	{ W("  \tSET\t k  v \t\r\n"), 3, { A("SET"), A("k"), A("v") } },
	{ W("*1\r\n$4\r\nPING\r\n"), 1, { A("PING") } },
	{ W("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"), 3,
	    { A("SET"), A("key"), A("value") } },
	{ W("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), 2, { A("ECHO"), A("") } },
	{ W("*2\r\n$3\r\nSET\r\n$7\r\na\0b\r\nc\n\r\n"), 2,
	    { A("SET"), A("a\0b\r\nc\n") } },
	{ W("*1\r\n$2\r\n\r\n\r\n"), 1, { A("\r\n") } },
	{ W("ECHO \"hello world\"\r\n"), 2, { A("ECHO"), A("hello world") } },
	{ W("ECHO \"\\n\\r\\t\\b\\a\\\\\\\"\\x41\\x7a\\xFf\\q\\xZZ\\x4\"\n"), 2,
	    { A("ECHO"), A("\n\r\t\b\a\\\"Az\xff" "qxZZx4") } },
	{ W("ECHO 'it\\'s' 'a\\nb' '\"' \"'\"\r\n"), 5,
	    { A("ECHO"), A("it's"), A("a\\nb"), A("\""), A("'") } },
	{ W("ECHO \"\" ''\r\n"), 3, { A("ECHO"), A(""), A("") } },
	{ W("ECHO foo\"bar baz\"\tx\r\n"), 3,
	    { A("ECHO"), A("foobar baz"), A("x") } },
	{ W("E \"\\x\" \"\\\\x41\" \"\\x00\"\n"), 4,
	    { A("E"), A("x"), A("\\x41"), A("\0") } },
	{ W("\r\n\n \t\r\n*0\r\n*-1\r\nPING\r\n"), 1, { A("PING") } },
	{ W("A\t\"b c\"\t'd'\n"), 3, { A("A"), A("b c"), A("d") } },
	{ W("EC\0HO x\n"), 2, { A("EC\0HO"), A("x") } },
};
#define NCORPUS	(sizeof corpus / sizeof corpus[0])

static unsigned int rng_state = 12345;

static unsigned int
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) & 0x7fff;
}

static struct resp_parser *
new_parser(const struct resp_limits *lim)
{
	struct resp_parser *p = resp_parser_new(lim);

	assert_non_null(p);
	return p;
}

static void
feed(struct resp_parser *p, const char *s, size_t n)
{
	assert_int_equal(resp_parser_feed(p, s, n), 0);
}

static void
check_argv(const struct resp_cmd *cmd, int argc, const struct arg *argv)
{
	int	i;

	assert_int_equal(cmd->argc, argc);
	for (i = 0; i < argc; i++) {
		assert_int_equal(cmd->argvlen[i], argv[i].n);
		if (argv[i].n > 0)
			assert_memory_equal(cmd->argv[i], argv[i].s, argv[i].n);
		assert_int_equal(cmd->argv[i][argv[i].n], '\0');
	}
	assert_null(cmd->argv[argc]);
}

static void
expect_cmd(struct resp_parser *p, const struct req *r)
{
	struct resp_cmd	cmd;

	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	check_argv(&cmd, r->argc, r->argv);
}

static void
expect_again(struct resp_parser *p)
{
	struct resp_cmd	cmd;

	assert_int_equal(resp_parser_next(p, &cmd), RESP_AGAIN);
}

static void
expect_fail(struct resp_parser *p, enum resp_errcode code, const char *msg)
{
	struct resp_cmd	cmd;

	assert_int_equal(resp_parser_next(p, &cmd), RESP_ERROR);
	assert_int_equal(resp_parser_errcode(p), code);
	assert_string_equal(resp_parser_error(p), msg);
}

/*
 * Malformed input must fail with the same code whether it arrives at once
 * or byte by byte, and never before it is complete enough to tell.
 */
static void
check_error(const char *wire, size_t n, const struct resp_limits *lim,
    enum resp_errcode code, const char *msg)
{
	struct resp_parser	*p;
	struct resp_cmd		 cmd;
	size_t			 i;
	int			 rc = RESP_AGAIN;

	p = new_parser(lim);
	feed(p, wire, n);
	expect_fail(p, code, msg);
	resp_parser_free(p);

	p = new_parser(lim);
	for (i = 0; i < n && rc == RESP_AGAIN; i++) {
		feed(p, wire + i, 1);
		rc = resp_parser_next(p, &cmd);
	}
	assert_int_equal(rc, RESP_ERROR);
	assert_int_equal(resp_parser_errcode(p), code);
	assert_string_equal(resp_parser_error(p), msg);
	resp_parser_free(p);
}
#define CHECK_ERROR(lit, lim, code, msg) \
	check_error((lit), sizeof(lit) - 1, (lim), (code), (msg))

static void
test_inline_simple(void **state)
{
	struct resp_parser	*p = new_parser(NULL);
	struct resp_cmd		 cmd;

	feed(p, W("SET  key\tvalue\r\n"));
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argc, 3);
	assert_string_equal(cmd.argv[0], "SET");
	assert_string_equal(cmd.argv[1], "key");
	assert_string_equal(cmd.argv[2], "value");
	assert_int_equal(cmd.argvlen[2], 5);
	expect_again(p);
	assert_int_equal(resp_parser_pending(p), 0);
	assert_int_equal(resp_parser_errcode(p), RESP_ERR_NONE);
	resp_parser_free(p);
}

static void
test_multibulk_simple(void **state)
{
	struct resp_parser	*p = new_parser(NULL);
	struct resp_cmd		 cmd;

	feed(p, W("*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\n*1\r\n$1"));
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argc, 2);
	assert_string_equal(cmd.argv[0], "ECHO");
	assert_string_equal(cmd.argv[1], "hello world");
	assert_int_equal(cmd.argvlen[1], 11);
	/* Consumed exactly up to the end of the command. */
	assert_int_equal(resp_parser_pending(p), 6);
	expect_again(p);
	assert_int_equal(resp_parser_pending(p), 6);
	feed(p, W("\r\nx\r\n"));
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argc, 1);
	assert_string_equal(cmd.argv[0], "x");
	assert_int_equal(resp_parser_pending(p), 0);
	resp_parser_free(p);
}

static void
test_corpus_whole(void **state)
{
	size_t	i;

	for (i = 0; i < NCORPUS; i++) {
		struct resp_parser *p = new_parser(NULL);

		feed(p, corpus[i].wire, corpus[i].wirelen);
		expect_cmd(p, &corpus[i]);
		expect_again(p);
		assert_int_equal(resp_parser_pending(p), 0);
		resp_parser_free(p);
	}
}

/* Every command split in two at every byte boundary parses the same. */
static void
test_corpus_split_two(void **state)
{
	size_t	i, k;

	for (i = 0; i < NCORPUS; i++) {
		const struct req *r = &corpus[i];

		for (k = 0; k <= r->wirelen; k++) {
			struct resp_parser *p = new_parser(NULL);

			feed(p, r->wire, k);
			if (k < r->wirelen) {
				expect_again(p);
				expect_again(p);
				feed(p, r->wire + k, r->wirelen - k);
			}
			expect_cmd(p, r);
			expect_again(p);
			assert_int_equal(resp_parser_pending(p), 0);
			resp_parser_free(p);
		}
	}
}

static void
test_corpus_bytewise(void **state)
{
	size_t	i, k;

	for (i = 0; i < NCORPUS; i++) {
		const struct req *r = &corpus[i];
		struct resp_parser *p = new_parser(NULL);

		for (k = 0; k + 1 < r->wirelen; k++) {
			feed(p, r->wire + k, 1);
			expect_again(p);
		}
		feed(p, r->wire + k, 1);
		expect_cmd(p, r);
		expect_again(p);
		resp_parser_free(p);
	}
}

/* The whole corpus back to back, fed at once, bytewise and in random chunks. */
static void
test_corpus_concatenated(void **state)
{
	struct buf	 all;
	size_t		 i, off, n;
	int		 mode, round;

	buf_init(&all);
	for (round = 0; round < 3; round++)
		for (i = 0; i < NCORPUS; i++)
			buf_add(&all, corpus[i].wire, corpus[i].wirelen);
	for (mode = 0; mode < 3; mode++) {
		struct resp_parser *p = new_parser(NULL);
		struct resp_cmd cmd;
		size_t got = 0;
		int rc;

		for (off = 0; off < all.len; off += n) {
			n = mode == 0 ? all.len : mode == 1 ? 1 : 1 + rng() % 23;
			if (n > all.len - off)
				n = all.len - off;
			feed(p, all.data + off, n);
			while ((rc = resp_parser_next(p, &cmd)) == RESP_OK) {
				check_argv(&cmd, corpus[got % NCORPUS].argc,
				    corpus[got % NCORPUS].argv);
				got++;
			}
			assert_int_equal(rc, RESP_AGAIN);
		}
		assert_int_equal(got, 3 * NCORPUS);
		assert_int_equal(resp_parser_pending(p), 0);
		resp_parser_free(p);
	}
	buf_free(&all);
}

static void
test_pipeline_1000(void **state)
{
	struct buf	 in;
	char		 key[32], val[32];
	int		 i, chunked;

	buf_init(&in);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		snprintf(val, sizeof val, "v%d", i * 7);
		if (i % 2 == 0) {
			buf_add(&in, "SET ", 4);
			buf_add(&in, key, strlen(key));
			buf_add(&in, " ", 1);
			buf_add(&in, val, strlen(val));
			buf_add(&in, "\r\n", 2);
		} else {
			resp_add_array(&in, 3);
			resp_add_cstr(&in, "SET");
			resp_add_cstr(&in, key);
			resp_add_cstr(&in, val);
		}
	}
	for (chunked = 0; chunked < 2; chunked++) {
		struct resp_parser *p = new_parser(NULL);
		struct resp_cmd cmd;
		size_t off = 0, n;
		int rc;

		i = 0;
		while (off < in.len) {
			n = chunked ? 4096 : in.len;
			if (n > in.len - off)
				n = in.len - off;
			feed(p, in.data + off, n);
			off += n;
			while ((rc = resp_parser_next(p, &cmd)) == RESP_OK) {
				snprintf(key, sizeof key, "k%d", i);
				snprintf(val, sizeof val, "v%d", i * 7);
				assert_int_equal(cmd.argc, 3);
				assert_string_equal(cmd.argv[0], "SET");
				assert_string_equal(cmd.argv[1], key);
				assert_string_equal(cmd.argv[2], val);
				i++;
			}
			assert_int_equal(rc, RESP_AGAIN);
		}
		assert_int_equal(i, 1000);
		assert_int_equal(resp_parser_pending(p), 0);
		resp_parser_free(p);
	}
	buf_free(&in);
}

/* A half-read command must survive the buffer being compacted under it. */
static void
test_compaction_mid_command(void **state)
{
	struct resp_parser	*p = new_parser(NULL);
	struct resp_cmd		 cmd;
	int			 i;

	for (i = 0; i < 100; i++)
		feed(p, W("PING\r\n"));
	feed(p, W("*2\r\n$3\r\nabc\r\n$3\r\nd"));
	for (i = 0; i < 100; i++) {
		assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
		assert_string_equal(cmd.argv[0], "PING");
	}
	expect_again(p);
	assert_int_equal(resp_parser_pending(p), 18);
	feed(p, W("ef\r\nPI"));
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argc, 2);
	assert_string_equal(cmd.argv[0], "abc");
	assert_string_equal(cmd.argv[1], "def");
	expect_again(p);
	assert_int_equal(resp_parser_pending(p), 2);
	feed(p, W("NG\r\n"));
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_string_equal(cmd.argv[0], "PING");
	assert_int_equal(resp_parser_pending(p), 0);
	resp_parser_free(p);
}

/* The largest default bulk, in 1000-byte reads, then the parser goes on. */
static void
test_big_bulk(void **state)
{
	struct resp_parser	*p = new_parser(NULL);
	struct resp_cmd		 cmd;
	size_t			 n = RESP_DEFAULT_MAX_BULK, off, k, i;
	char			*data = malloc(n);
	struct buf		 in;

	assert_non_null(data);
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 31 + 7);
	buf_init(&in);
	resp_add_array(&in, 2);
	resp_add_cstr(&in, "PUT");
	resp_add_bulk(&in, data, n);
	for (off = 0; off < in.len; off += k) {
		k = in.len - off < 1000 ? in.len - off : 1000;
		feed(p, in.data + off, k);
		if (off + k < in.len)
			expect_again(p);
	}
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argc, 2);
	assert_int_equal(cmd.argvlen[1], n);
	assert_memory_equal(cmd.argv[1], data, n);
	assert_int_equal(cmd.argv[1][n], '\0');
	expect_again(p);
	feed(p, W("PING\r\n"));
	expect_cmd(p, &corpus[0]);
	resp_parser_free(p);
	buf_free(&in);
	free(data);
}

static void
test_skipped_forms(void **state)
{
	struct resp_parser *p = new_parser(NULL);

	feed(p, W("\r\n\n  \r\n*0\r\n*-1\r\n*-5\r\n"));
	expect_again(p);
	assert_int_equal(resp_parser_pending(p), 0);
	feed(p, W("*-1\r"));
	expect_again(p);
	assert_int_equal(resp_parser_pending(p), 4);
	resp_parser_free(p);
}

static void
test_pending(void **state)
{
	struct resp_parser	*p = new_parser(NULL);

	assert_int_equal(resp_parser_pending(p), 0);
	feed(p, W("PING\r\nPI"));
	assert_int_equal(resp_parser_pending(p), 8);
	expect_cmd(p, &corpus[0]);
	assert_int_equal(resp_parser_pending(p), 2);
	expect_again(p);
	assert_int_equal(resp_parser_pending(p), 2);
	feed(p, W("NG\r\n"));
	expect_cmd(p, &corpus[0]);
	assert_int_equal(resp_parser_pending(p), 0);
	resp_parser_free(p);
}

static const struct resp_limits small = { 10, 3, 5 };

static void
test_limit_inline_small(void **state)
{
	struct resp_parser	*p;
	static const struct req ok = { W("0123456789\r\n"), 1,
	    { A("0123456789") } };
	static const struct req ok_lf = { W("0123456789\n"), 1,
	    { A("0123456789") } };

	p = new_parser(&small);
	feed(p, ok.wire, ok.wirelen);
	expect_cmd(p, &ok);
	feed(p, ok_lf.wire, ok_lf.wirelen);
	expect_cmd(p, &ok_lf);
	/* Exactly the limit, then its CR, then LF: never an error. */
	feed(p, W("0123456789"));
	expect_again(p);
	feed(p, W("\r"));
	expect_again(p);
	feed(p, W("\n"));
	expect_cmd(p, &ok_lf);
	resp_parser_free(p);

	CHECK_ERROR("0123456789A\r\n", &small, RESP_ERR_INLINE_TOO_LONG,
	    "too big inline request");
	CHECK_ERROR("0123456789A\n", &small, RESP_ERR_INLINE_TOO_LONG,
	    "too big inline request");
	/* One over with no newline yet fails at once. */
	CHECK_ERROR("0123456789A", &small, RESP_ERR_INLINE_TOO_LONG,
	    "too big inline request");
	/* A CR that turns out not to end the line counts. */
	CHECK_ERROR("0123456789\rX", &small, RESP_ERR_INLINE_TOO_LONG,
	    "too big inline request");
}

static void
test_limit_inline_default(void **state)
{
	size_t			 n = RESP_DEFAULT_MAX_INLINE;
	char			*line = malloc(n + 3);
	struct resp_parser	*p;
	struct resp_cmd		 cmd;

	assert_non_null(line);
	memset(line, 'a', n + 1);
	memcpy(line + n, "\r\n", 2);
	p = new_parser(NULL);
	feed(p, line, n);
	expect_again(p);
	feed(p, line + n, 2);
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argvlen[0], n);
	resp_parser_free(p);

	memset(line, 'a', n + 1);
	memcpy(line + n + 1, "\r\n", 2);
	check_error(line, n + 3, NULL, RESP_ERR_INLINE_TOO_LONG,
	    "too big inline request");
	check_error(line, n + 1, NULL, RESP_ERR_INLINE_TOO_LONG,
	    "too big inline request");
	free(line);
}

static void
test_limit_args(void **state)
{
	static const struct req three = {
	    W("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"), 3,
	    { A("a"), A("b"), A("c") } };
	static const struct req three_inline = { W("a b c\n"), 3,
	    { A("a"), A("b"), A("c") } };
	struct resp_parser	*p = new_parser(&small);

	feed(p, three.wire, three.wirelen);
	expect_cmd(p, &three);
	feed(p, three_inline.wire, three_inline.wirelen);
	expect_cmd(p, &three_inline);
	resp_parser_free(p);
	/* Refused on the header alone, before any argument arrives. */
	CHECK_ERROR("*4\r\n", &small, RESP_ERR_TOO_MANY_ARGS,
	    "invalid multibulk length");
	CHECK_ERROR("a b c d\n", &small, RESP_ERR_TOO_MANY_ARGS,
	    "too many arguments in inline request");
	CHECK_ERROR("*2147483648\r\n", NULL, RESP_ERR_TOO_MANY_ARGS,
	    "invalid multibulk length");
}

static void
test_limit_args_default(void **state)
{
	struct buf		 in;
	struct resp_parser	*p = new_parser(NULL);
	struct resp_cmd		 cmd;
	int			 i;

	buf_init(&in);
	resp_add_array(&in, RESP_DEFAULT_MAX_ARGS);
	for (i = 0; i < RESP_DEFAULT_MAX_ARGS; i++)
		resp_add_bulkf(&in, "%d", i);
	feed(p, in.data, in.len);
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argc, RESP_DEFAULT_MAX_ARGS);
	assert_string_equal(cmd.argv[RESP_DEFAULT_MAX_ARGS - 1], "1023");
	resp_parser_free(p);
	buf_free(&in);
	CHECK_ERROR("*1025\r\n", NULL, RESP_ERR_TOO_MANY_ARGS,
	    "invalid multibulk length");
}

static void
test_limit_bulk(void **state)
{
	static const struct req five = { W("*1\r\n$5\r\nabcde\r\n"), 1,
	    { A("abcde") } };
	struct resp_parser	*p = new_parser(&small);

	feed(p, five.wire, five.wirelen);
	expect_cmd(p, &five);
	resp_parser_free(p);
	CHECK_ERROR("*1\r\n$6\r\n", &small, RESP_ERR_BULK_TOO_LONG,
	    "invalid bulk length");
	CHECK_ERROR("*1\r\n$1048577\r\n", NULL, RESP_ERR_BULK_TOO_LONG,
	    "invalid bulk length");
}

static void
test_set_limits(void **state)
{
	struct resp_parser	*p = new_parser(NULL);
	struct resp_cmd		 cmd;

	feed(p, W("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"));
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argc, 4);
	resp_parser_set_limits(p, &small);
	feed(p, W("*4\r\n"));
	expect_fail(p, RESP_ERR_TOO_MANY_ARGS, "invalid multibulk length");
	resp_parser_free(p);

	p = new_parser(&small);
	resp_parser_set_limits(p, NULL);
	feed(p, W("*1\r\n$6\r\nabcdef\r\n"));
	assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
	assert_int_equal(cmd.argvlen[0], 6);
	expect_again(p);
	assert_int_equal(resp_parser_pending(p), 0);
	resp_parser_free(p);
}

static void
test_bad_multibulk(void **state)
{
	static const char *bad[] = {
		"*abc\r\n", "*\r\n", "*+1\r\n", "*01\r\n", "*1x\r\n", "* 1\r\n",
		"*-0\r\n", "*99999999999999999999\r\n", "*1\rX",
		"*123456789012345678901234567890123",
	};
	size_t	i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_error(bad[i], strlen(bad[i]), NULL,
		    RESP_ERR_BAD_MULTIBULK, "invalid multibulk length");
}

static void
test_bad_bulk(void **state)
{
	static const char *bad[] = {
		"*1\r\n$abc\r\n", "*1\r\n$\r\n", "*1\r\n$-1\r\n", "*1\r\n$ 3\r\n",
		"*1\r\n$3x\r\n", "*1\r\n$3\rX", "*1\r\n$111111111111111111111111111111111",
	};
	size_t	i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_error(bad[i], strlen(bad[i]), NULL, RESP_ERR_BAD_BULK,
		    "invalid bulk length");
	CHECK_ERROR("*1\r\nfoo\r\n", NULL, RESP_ERR_BAD_BULK,
	    "expected '$', got 'f'");
	CHECK_ERROR("*2\r\n$1\r\na\r\n:1\r\n", NULL, RESP_ERR_BAD_BULK,
	    "expected '$', got ':'");
	CHECK_ERROR("*1\r\n\x01", NULL, RESP_ERR_BAD_BULK,
	    "expected '$', got '\\x01'");
}

static void
test_bad_crlf(void **state)
{
	CHECK_ERROR("*1\r\n$3\r\nfooXY", NULL, RESP_ERR_BAD_CRLF,
	    "expected CRLF after bulk data");
	CHECK_ERROR("*1\r\n$3\r\nfoo\rX", NULL, RESP_ERR_BAD_CRLF,
	    "expected CRLF after bulk data");
	CHECK_ERROR("*1\r\n$3\r\nfoo\n\r", NULL, RESP_ERR_BAD_CRLF,
	    "expected CRLF after bulk data");
	CHECK_ERROR("*1\r\n$3\r\nfoob\r\n", NULL, RESP_ERR_BAD_CRLF,
	    "expected CRLF after bulk data");
	/* Seen as soon as the byte after the payload is there. */
	CHECK_ERROR("*1\r\n$3\r\nfooX", NULL, RESP_ERR_BAD_CRLF,
	    "expected CRLF after bulk data");
}

static void
test_bad_quotes(void **state)
{
	static const char *bad[] = {
		"ECHO \"abc\r\n", "ECHO 'abc\n", "ECHO \"abc\\\"\n",
		"ECHO 'abc\\'\n", "ECHO \"abc\\\n", "\"\n",
		/* a closing quote must be followed by a space or the end */
		"ECHO \"a\"b\n", "ECHO 'a'b\n", "ECHO \"a\"\"b\"\n",
	};
	size_t	i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_error(bad[i], strlen(bad[i]), NULL, RESP_ERR_BAD_QUOTES,
		    "unbalanced quotes in request");
}

/* Commands before the bad one are still returned, then the error sticks. */
static void
test_error_sticky(void **state)
{
	struct resp_parser	*p = new_parser(NULL);

	assert_int_equal(resp_parser_errcode(p), RESP_ERR_NONE);
	feed(p, W("PING\r\n*1\r\n$x\r\nPING\r\n"));
	expect_cmd(p, &corpus[0]);
	expect_fail(p, RESP_ERR_BAD_BULK, "invalid bulk length");
	expect_fail(p, RESP_ERR_BAD_BULK, "invalid bulk length");
	feed(p, W("PING\r\n"));
	expect_fail(p, RESP_ERR_BAD_BULK, "invalid bulk length");
	resp_parser_free(p);

	/* Even when relaxing the limit would make the input valid. */
	p = new_parser(&small);
	feed(p, W("*4\r\n"));
	expect_fail(p, RESP_ERR_TOO_MANY_ARGS, "invalid multibulk length");
	resp_parser_set_limits(p, NULL);
	feed(p, W("$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"));
	expect_fail(p, RESP_ERR_TOO_MANY_ARGS, "invalid multibulk length");
	assert_int_equal(resp_parser_errcode(p), RESP_ERR_TOO_MANY_ARGS);
	resp_parser_free(p);
}

#define CHECK_OUT(b, lit) do {						\
	assert_int_equal((b)->len, sizeof(lit) - 1);			\
	assert_memory_equal((b)->data, (lit), sizeof(lit) - 1);		\
	buf_reset(b);						\
} while (0)

static void
test_write_status_error(void **state)
{
	struct buf	b;
	char		long_msg[3000];

	buf_init(&b);
	resp_add_status(&b, "OK");
	CHECK_OUT(&b, "+OK\r\n");
	resp_add_status(&b, "a\r\nb\nc");
	CHECK_OUT(&b, "+a  b c\r\n");
	resp_add_error(&b, "ERR unknown command '%s'", "FOO");
	CHECK_OUT(&b, "-ERR unknown command 'FOO'\r\n");
	resp_add_error(&b, "ERR %s", "bad\r\nline\r");
	CHECK_OUT(&b, "-ERR bad  line \r\n");
	resp_add_error(&b, "LIMIT %d", -3);
	CHECK_OUT(&b, "-LIMIT -3\r\n");
	/* Longer than any first guess: formatted a second time. */
	memset(long_msg, 'x', sizeof long_msg - 1);
	long_msg[sizeof long_msg - 1] = '\0';
	long_msg[100] = '\n';
	buf_add(&b, "+", 1);
	resp_add_error(&b, "ERR %s", long_msg);
	assert_int_equal(b.len, 1 + 1 + 4 + 2999 + 2);
	assert_memory_equal(b.data, "+-ERR xxx", 9);
	assert_int_equal(b.data[1 + 1 + 4 + 100], ' ');
	assert_memory_equal(b.data + b.len - 3, "x\r\n", 3);
	assert_null(memchr(b.data, '\n', b.len - 1));
	buf_free(&b);
}

static void
test_write_int(void **state)
{
	static const long long v[] = { 0, 1, -1, 9, 10, -10, 99, 100, 101,
	    12345, -12345, 1000000007, -999999999999LL, LLONG_MAX, LLONG_MIN,
	    LLONG_MIN + 1 };
	struct buf	b;
	char		want[64];
	long long	x;
	size_t		i;
	int		n;

	buf_init(&b);
	resp_add_int(&b, 0);
	CHECK_OUT(&b, ":0\r\n");
	resp_add_int(&b, -42);
	CHECK_OUT(&b, ":-42\r\n");
	resp_add_int(&b, LLONG_MAX);
	CHECK_OUT(&b, ":9223372036854775807\r\n");
	resp_add_int(&b, LLONG_MIN);
	CHECK_OUT(&b, ":-9223372036854775808\r\n");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = snprintf(want, sizeof want, ":%lld\r\n", v[i]);
		resp_add_int(&b, v[i]);
		assert_int_equal(b.len, n);
		assert_memory_equal(b.data, want, (size_t)n);
		buf_reset(&b);
	}
	/* Every digit count, both sides of each power of ten. */
	for (x = 1; x <= LLONG_MAX / 10; x *= 10) {
		long long t[] = { x - 1, x, x + 1, -x, 10 * x - 1 };
		for (i = 0; i < 5; i++) {
			n = snprintf(want, sizeof want, ":%lld\r\n", t[i]);
			resp_add_int(&b, t[i]);
			assert_int_equal(b.len, n);
			assert_memory_equal(b.data, want, (size_t)n);
			buf_reset(&b);
		}
	}
	buf_free(&b);
}

static void
test_write_bulk(void **state)
{
	struct buf	b;
	char		big[1500];

	buf_init(&b);
	resp_add_bulk(&b, "hello", 5);
	CHECK_OUT(&b, "$5\r\nhello\r\n");
	resp_add_bulk(&b, "", 0);
	CHECK_OUT(&b, "$0\r\n\r\n");
	resp_add_bulk(&b, NULL, 0);
	CHECK_OUT(&b, "$0\r\n\r\n");
	resp_add_bulk(&b, "a\0\r\nb", 5);
	CHECK_OUT(&b, "$5\r\na\0\r\nb\r\n");
	resp_add_cstr(&b, "hi");
	CHECK_OUT(&b, "$2\r\nhi\r\n");
	resp_add_cstr(&b, NULL);
	CHECK_OUT(&b, "$-1\r\n");
	resp_add_bulkf(&b, "%d-%s", 12, "a");
	CHECK_OUT(&b, "$4\r\n12-a\r\n");
	resp_add_bulkf(&b, "%s", "");
	CHECK_OUT(&b, "$0\r\n\r\n");
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	resp_add_bulkf(&b, "<%s>", big);
	assert_int_equal(b.len, 7 + 1501 + 2);
	assert_memory_equal(b.data, "$1501\r\n<yyy", 11);
	assert_memory_equal(b.data + b.len - 4, "y>\r\n", 4);
	buf_free(&b);
}

static void
test_write_aggregates(void **state)
{
	struct buf	b;

	buf_init(&b);
	resp_add_nil(&b);
	CHECK_OUT(&b, "$-1\r\n");
	resp_add_nil_array(&b);
	CHECK_OUT(&b, "*-1\r\n");
	resp_add_array(&b, 0);
	CHECK_OUT(&b, "*0\r\n");
	resp_add_array(&b, 3);
	CHECK_OUT(&b, "*3\r\n");
	resp_add_array(&b, 1024);
	CHECK_OUT(&b, "*1024\r\n");
	resp_add_map(&b, 0);
	CHECK_OUT(&b, "*0\r\n");
	resp_add_map(&b, 3);
	resp_add_field_str(&b, "id", "42");
	resp_add_field_int(&b, "prio", -7);
	resp_add_field_str(&b, "agent", NULL);
	CHECK_OUT(&b, "*6\r\n$2\r\nid\r\n$2\r\n42\r\n$4\r\nprio\r\n:-7\r\n"
	    "$5\r\nagent\r\n$-1\r\n");
	buf_free(&b);
}

/* A deferred count gives the bytes a count known in advance gives. */
static void
test_write_deferred(void **state)
{
	static const size_t	 counts[] = { 0, 1, 9, 10, 99, 12345,
				    (size_t)UINT32_MAX + 1, SIZE_MAX };
	struct buf		 b, want;
	size_t			 mark, inner, i, k;

	buf_init(&b);
	buf_init(&want);
	/* Empty, then with elements, for every count width. */
	mark = resp_add_deferred_len(&b);
	resp_set_deferred_array(&b, mark, 0);
	CHECK_OUT(&b, "*0\r\n");
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		buf_add(&b, "+before\r\n", 9);
		mark = resp_add_deferred_len(&b);
		resp_add_cstr(&b, "a");
		resp_add_int(&b, -1);
		resp_set_deferred_array(&b, mark, counts[i]);
		buf_add(&want, "+before\r\n", 9);
		resp_add_array(&want, counts[i]);
		resp_add_cstr(&want, "a");
		resp_add_int(&want, -1);
		assert_int_equal(b.len, want.len);
		assert_memory_equal(b.data, want.data, want.len);
		buf_reset(&b);
		buf_reset(&want);
	}
	/* The largest count there is, spelled out. */
	mark = resp_add_deferred_len(&b);
	resp_set_deferred_array(&b, mark, SIZE_MAX);
	if (SIZE_MAX == UINT64_MAX)
		CHECK_OUT(&b, "*18446744073709551615\r\n");
	buf_reset(&b);
	/* A map counts pairs. */
	mark = resp_add_deferred_len(&b);
	resp_add_field_int(&b, "n", 1);
	resp_set_deferred_map(&b, mark, 1);
	CHECK_OUT(&b, "*2\r\n$1\r\nn\r\n:1\r\n");
	/* Nested: rows of deferred maps in a deferred array, the buffer
	 * growing under the marks many times over. */
	resp_add_array(&want, 1000);
	mark = resp_add_deferred_len(&b);
	for (i = 0; i < 1000; i++) {
		resp_add_map(&want, i % 3);
		inner = resp_add_deferred_len(&b);
		for (k = 0; k < i % 3; k++) {
			resp_add_field_int(&want, "k", (long long)(i * k));
			resp_add_field_int(&b, "k", (long long)(i * k));
		}
		resp_set_deferred_map(&b, inner, i % 3);
	}
	resp_set_deferred_array(&b, mark, 1000);
	assert_int_equal(b.len, want.len);
	assert_memory_equal(b.data, want.data, want.len);
	buf_reset(&b);
	/* A bulk string of what was written after the mark. */
	mark = resp_add_deferred_len(&b);
	buf_reset(&want);
	for (i = 0; i < 5000; i++) {
		buf_add(&b, "line\r\n", 6);
		buf_add(&want, "line\r\n", 6);
	}
	resp_set_deferred_bulk(&b, mark);
	assert_int_equal(b.len, 8 + want.len + 2);
	assert_memory_equal(b.data, "$30000\r\nline\r\n", 14);
	assert_memory_equal(b.data + 8, want.data, want.len);
	assert_memory_equal(b.data + b.len - 2, "\r\n", 2);
	buf_reset(&b);
	mark = resp_add_deferred_len(&b);
	resp_set_deferred_bulk(&b, mark);
	CHECK_OUT(&b, "$0\r\n\r\n");
	/* Dropped: what came before stays, the rest goes. */
	resp_add_status(&b, "OK");
	mark = resp_add_deferred_len(&b);
	resp_add_cstr(&b, "row");
	resp_drop_deferred(&b, mark);
	resp_add_error(&b, "NOTFOUND none");
	CHECK_OUT(&b, "+OK\r\n-NOTFOUND none\r\n");
	buf_free(&b);
	buf_free(&want);
}

static void
test_write_buf_ops(void **state)
{
	struct buf	b;
	size_t		cap, i;
	char		want[16];

	buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_add(&b, "abcdef", 6);
	buf_add(&b, "x", 0);
	buf_consume(&b, 2);
	CHECK_OUT(&b, "cdef");
	buf_add(&b, "abc", 3);
	buf_consume(&b, 3);
	assert_int_equal(b.len, 0);
	buf_add(&b, "abc", 3);
	buf_consume(&b, 99);
	assert_int_equal(b.len, 0);
	cap = b.cap;
	buf_add(&b, "abc", 3);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, cap);
	/* Growth keeps everything written so far. */
	for (i = 0; i < 100000; i++)
		resp_add_int(&b, (long long)i);
	assert_true(b.cap >= b.len);
	assert_memory_equal(b.data, ":0\r\n:1\r\n", 8);
	snprintf(want, sizeof want, ":%d\r\n", 99999);
	assert_memory_equal(b.data + b.len - strlen(want), want, strlen(want));
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);
}

/* What the writer emits as a request, the parser reads back unchanged. */
static void
test_roundtrip(void **state)
{
	struct buf		 b;
	struct resp_parser	*p = new_parser(NULL);
	struct resp_cmd		 cmd;
	size_t			 i;
	int			 j;

	buf_init(&b);
	for (i = 0; i < NCORPUS; i++) {
		resp_add_array(&b, (size_t)corpus[i].argc);
		for (j = 0; j < corpus[i].argc; j++)
			resp_add_bulk(&b, corpus[i].argv[j].s,
			    corpus[i].argv[j].n);
	}
	feed(p, b.data, b.len);
	for (i = 0; i < NCORPUS; i++) {
		assert_int_equal(resp_parser_next(p, &cmd), RESP_OK);
		check_argv(&cmd, corpus[i].argc, corpus[i].argv);
	}
	expect_again(p);
	resp_parser_free(p);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_simple),
		cmocka_unit_test(test_multibulk_simple),
		cmocka_unit_test(test_corpus_whole),
		cmocka_unit_test(test_corpus_split_two),
		cmocka_unit_test(test_corpus_bytewise),
		cmocka_unit_test(test_corpus_concatenated),
		cmocka_unit_test(test_pipeline_1000),
		cmocka_unit_test(test_compaction_mid_command),
		cmocka_unit_test(test_big_bulk),
		cmocka_unit_test(test_skipped_forms),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_limit_inline_small),
		cmocka_unit_test(test_limit_inline_default),
		cmocka_unit_test(test_limit_args),
		cmocka_unit_test(test_limit_args_default),
		cmocka_unit_test(test_limit_bulk),
		cmocka_unit_test(test_set_limits),
		cmocka_unit_test(test_bad_multibulk),
		cmocka_unit_test(test_bad_bulk),
		cmocka_unit_test(test_bad_crlf),
		cmocka_unit_test(test_bad_quotes),
		cmocka_unit_test(test_error_sticky),
		cmocka_unit_test(test_write_status_error),
		cmocka_unit_test(test_write_int),
		cmocka_unit_test(test_write_bulk),
		cmocka_unit_test(test_write_aggregates),
		cmocka_unit_test(test_write_deferred),
		cmocka_unit_test(test_write_buf_ops),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
