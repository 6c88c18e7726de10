/*
 * fuzz_resp.c: libFuzzer target for the RESP parser and writer.
 *
 * Input: byte 0 chooses how the rest is cut into reads, byte 1 chooses
 * the limits (defaults, or tiny ones so every limit is reached), the rest
 * is what a client sends. Checked on every input:
 *  - feeding in chunks gives exactly the commands, final status and error
 *    of feeding everything at once (resumption never changes the result);
 *  - each command written back with resp_add_array/resp_add_bulk parses to
 *    the same argv (writer and parser agree, bulks are binary-safe);
 *  - argv is NUL-terminated, errors are sticky, error replies stay one line.
 * Any mismatch aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_resp: %s:%d: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

struct outcome {
	struct buf		 cmds;	/* every command, as multibulk */
	int			 status;
	enum resp_errcode	 err;
	char			 msg[64];
	size_t			 pending;
};

static void
resp_fuzz_feed(struct resp_parser *p, const char *s, size_t n)
{
	CHECK(resp_parser_feed(p, s, n) == 0);
}

static void
resp_fuzz_serialize(struct buf *b, const struct resp_cmd *cmd)
{
	int	i;

	resp_add_array(b, (size_t)cmd->argc);
	for (i = 0; i < cmd->argc; i++)
		resp_add_bulk(b, cmd->argv[i], cmd->argvlen[i]);
}

/* The writer's multibulk form of cmd must parse back to the same argv. */
static void
resp_fuzz_roundtrip(struct resp_parser *rt, const struct resp_cmd *cmd)
{
	struct buf	b;
	struct resp_cmd	back;
	int		i;

	buf_init(&b);
	resp_fuzz_serialize(&b, cmd);
	resp_fuzz_feed(rt, b.data, b.len);
	CHECK(resp_parser_next(rt, &back) == RESP_OK);
	CHECK(back.argc == cmd->argc);
	for (i = 0; i < cmd->argc; i++) {
		CHECK(back.argvlen[i] == cmd->argvlen[i]);
		CHECK(memcmp(back.argv[i], cmd->argv[i], cmd->argvlen[i]) == 0);
	}
	CHECK(resp_parser_next(rt, &back) == RESP_AGAIN);
	CHECK(resp_parser_pending(rt) == 0);
	buf_free(&b);
}

static void
resp_fuzz_check_cmd(const struct resp_cmd *cmd, const struct resp_limits *lim)
{
	struct buf	e;
	size_t		i;
	int		j;

	CHECK(cmd->argc >= 1 && (size_t)cmd->argc <= lim->max_args);
	for (j = 0; j < cmd->argc; j++)
		CHECK(cmd->argv[j][cmd->argvlen[j]] == '\0');
	CHECK(cmd->argv[cmd->argc] == NULL);

	/* Whatever a client sent, an error echoing it stays one line. */
	buf_init(&e);
	resp_add_error(&e, "ERR unknown command '%s'", cmd->argv[0]);
	CHECK(e.len >= 3 && e.data[0] == '-');
	CHECK(memcmp(e.data + e.len - 2, "\r\n", 2) == 0);
	for (i = 0; i + 2 < e.len; i++)
		CHECK(e.data[i] != '\r' && e.data[i] != '\n');
	buf_free(&e);
}

static unsigned int
resp_fuzz_rand(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* Parse data in reads of sizes chosen by mode; mode 0 is all at once. */
static void
resp_fuzz_run(const char *data, size_t size, uint8_t mode,
    const struct resp_limits *lim, struct resp_parser *rt, struct outcome *o)
{
	struct resp_parser	*p;
	struct resp_cmd		 cmd;
	size_t			 off = 0, n;
	unsigned int		 seed = mode;
	int			 rc = RESP_AGAIN;

	CHECK((p = resp_parser_new(lim)) != NULL);
	buf_init(&o->cmds);
	do {
		switch (mode % 4) {
		case 0:
			n = size;
			break;
		case 1:
			n = 1;
			break;
		case 2:
			n = (size_t)(mode >> 2) + 1;
			break;
		default:
			n = 1 + resp_fuzz_rand(&seed) % 64;
			break;
		}
		if (n > size - off)
			n = size - off;
		resp_fuzz_feed(p, data + off, n);
		off += n;
		while ((rc = resp_parser_next(p, &cmd)) == RESP_OK) {
			resp_fuzz_check_cmd(&cmd, lim);
			resp_fuzz_serialize(&o->cmds, &cmd);
			if (rt != NULL)
				resp_fuzz_roundtrip(rt, &cmd);
		}
		if (rc == RESP_ERROR) {
			/* Errors are sticky, whatever comes next. */
			resp_fuzz_feed(p, "PING\r\n", 6);
			CHECK(resp_parser_next(p, &cmd) == RESP_ERROR);
			break;
		}
		CHECK(rc == RESP_AGAIN);
	} while (off < size);
	o->status = rc;
	o->err = resp_parser_errcode(p);
	snprintf(o->msg, sizeof o->msg, "%s", resp_parser_error(p));
	o->pending = rc == RESP_ERROR ? 0 : resp_parser_pending(p);
	if (rc == RESP_ERROR)
		CHECK(o->err != RESP_ERR_NONE && o->msg[0] != '\0');
	else
		CHECK(o->err == RESP_ERR_NONE);
	resp_parser_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct resp_limits	 huge = { SIZE_MAX, SIZE_MAX, SIZE_MAX };
	struct resp_limits		 lim = {
	    RESP_DEFAULT_MAX_INLINE, RESP_DEFAULT_MAX_ARGS, RESP_DEFAULT_MAX_BULK
	};
	struct resp_parser		*rt;
	struct outcome			 whole, chunked;
	uint8_t				 mode, limsel;

	if (size < 2)
		return 0;
	mode = data[0];
	limsel = data[1];
	data += 2;
	size -= 2;
	if (limsel & 0x80) {
		lim.max_inline = limsel & 0x1f;
		lim.max_args = (limsel >> 5) & 0x3;
		lim.max_bulk = (limsel * 7u) & 0xf;
	}

	CHECK((rt = resp_parser_new(&huge)) != NULL);
	resp_fuzz_run((const char *)data, size, 0, &lim, NULL, &whole);
	resp_fuzz_run((const char *)data, size, mode == 0 ? 1 : mode, &lim,
	    rt, &chunked);
	CHECK(whole.status == chunked.status);
	CHECK(whole.err == chunked.err);
	CHECK(strcmp(whole.msg, chunked.msg) == 0);
	CHECK(whole.pending == chunked.pending);
	CHECK(whole.cmds.len == chunked.cmds.len);
	CHECK(whole.cmds.len == 0 ||
	    memcmp(whole.cmds.data, chunked.cmds.data, whole.cmds.len) == 0);
	buf_free(&whole.cmds);
	buf_free(&chunked.cmds);
	resp_parser_free(rt);
	return 0;
}
