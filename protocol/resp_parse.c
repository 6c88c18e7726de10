/*
 * resp_parse.c: a resumable RESP2 request parser that knows nothing about
 * sockets, in the style of hiredis' reader. Bytes go in with
 * resp_parser_feed(), whole commands come out of resp_parser_next().
 *
 * The parser keeps its position inside the current command (how many bulk
 * arguments are left, the length of the bulk being read, how far an inline
 * line has been searched), so a command split across reads never makes it
 * rescan from the start, and many pipelined commands in one read are
 * returned one by one. Arguments are NUL-terminated in place inside the
 * input buffer: no copy and, once the arrays have grown, no allocation.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"

/*
 * A '*' or '$' header holds at most 20 characters ("-9223372036854775808"),
 * so one longer than this can be rejected without waiting for its CR.
 */
#define RESP_HDR_MAX		32
/* Multibulk argv arrays grow towards the announced count, never beyond. */
#define RESP_ARGV_PREALLOC	1024
#define RESP_BUF_MIN		4096
/* An idle buffer larger than this (left by a big bulk) is given back. */
#define RESP_BUF_KEEP		(64 * 1024)

enum resp_state {
	RESP_ST_START,		/* between commands */
	RESP_ST_INLINE,		/* searching for the end of an inline line */
	RESP_ST_MULTIBULK,	/* inside '*<n>': reading '$' arguments */
	RESP_ST_ERROR		/* sticky until the parser is freed */
};

struct resp_parser {
	struct resp_limits	 lim;

	/* Input: bytes [pos, len) of buf are fed but not yet consumed. */
	char			*buf;
	size_t			 len;
	size_t			 cap;
	size_t			 pos;

	/*
	 * Where we are in the command starting at pos. Offsets are relative
	 * to pos so that compacting the buffer does not invalidate them.
	 */
	enum resp_state		 state;
	size_t			 cur;		/* next byte to parse */
	size_t			 mb_left;	/* '$' arguments still to read */
	long long		 bulk_len;	/* -1: expecting a '$' header */

	/* The returned command; argoff holds offsets while it is built. */
	int			 argc;
	size_t			 argcap;
	char			**argv;
	size_t			*argvlen;
	size_t			*argoff;

	enum resp_errcode	 err;
	char			 errmsg[64];
};

static const struct resp_limits resp_default_limits = {
	RESP_DEFAULT_MAX_INLINE,
	RESP_DEFAULT_MAX_ARGS,
	RESP_DEFAULT_MAX_BULK
};

/* Like Redis on OOM: the process cannot usefully go on. */
static void
resp_parse_oom(void)
{
	fputs("fatal: resp parser: out of memory\n", stderr);
	abort();
}

struct resp_parser *
resp_parser_new(const struct resp_limits *lim)
{
	struct resp_parser	*p;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	resp_parser_set_limits(p, lim);
	p->state = RESP_ST_START;
	p->bulk_len = -1;
	return p;
}

void
resp_parser_free(struct resp_parser *p)
{
	if (p == NULL)
		return;
	free(p->buf);
	free(p->argv);
	free(p->argvlen);
	free(p->argoff);
	free(p);
}

void
resp_parser_set_limits(struct resp_parser *p, const struct resp_limits *lim)
{
	p->lim = lim != NULL ? *lim : resp_default_limits;
}

/*
 * Consumed bytes are dropped lazily: only when they outnumber the pending
 * ones (so the memmove is paid for by what was parsed) or when the buffer
 * would otherwise have to grow.
 */
int
resp_parser_feed(struct resp_parser *p, const char *data, size_t n)
{
	size_t	 need, ncap;
	char	*nbuf;

	if (n == 0)
		return 0;
	if (p->pos == p->len)
		p->pos = p->len = 0;
	else if (p->pos > 0 &&
	    (p->pos > p->len - p->pos || n > p->cap - p->len)) {
		memmove(p->buf, p->buf + p->pos, p->len - p->pos);
		p->len -= p->pos;
		p->pos = 0;
	}
	if (n > p->cap - p->len) {
		if (n > SIZE_MAX - p->len)
			return -1;
		need = p->len + n;
		ncap = p->cap > RESP_BUF_MIN ? p->cap : RESP_BUF_MIN;
		while (ncap < need)
			ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
		if ((nbuf = realloc(p->buf, ncap)) == NULL)
			return -1;
		p->buf = nbuf;
		p->cap = ncap;
	}
	memcpy(p->buf + p->len, data, n);
	p->len += n;
	return 0;
}

static int
resp_parse_fail(struct resp_parser *p, enum resp_errcode code,
    const char *msg)
{
	p->state = RESP_ST_ERROR;
	p->err = code;
	snprintf(p->errmsg, sizeof p->errmsg, "%s", msg);
	return RESP_ERROR;
}

/* Room for n arguments (and a NULL after them, for callers' convenience). */
static void
resp_parse_reserve(struct resp_parser *p, size_t n)
{
	size_t	 ncap;
	void	*a, *b, *c;

	if (n < p->argcap)
		return;
	ncap = p->argcap > 8 ? p->argcap : 8;
	while (ncap <= n)
		ncap *= 2;
	a = realloc(p->argv, ncap * sizeof *p->argv);
	if (a != NULL)
		p->argv = a;
	b = realloc(p->argvlen, ncap * sizeof *p->argvlen);
	if (b != NULL)
		p->argvlen = b;
	c = realloc(p->argoff, ncap * sizeof *p->argoff);
	if (c != NULL)
		p->argoff = c;
	if (a == NULL || b == NULL || c == NULL)
		resp_parse_oom();
	p->argcap = ncap;
}

/*
 * A strict decimal like Redis' string2ll(): optional '-', no '+', no
 * leading zeros, no spaces, must fit a long long.
 */
static int
resp_parse_ll(const char *s, size_t n, long long *out)
{
	unsigned long long	 v = 0, lim;
	size_t			 i = 0;
	int			 neg = 0;

	if (n == 0)
		return 0;
	if (s[0] == '-') {
		neg = 1;
		if (++i == n)
			return 0;
	}
	if (s[i] == '0') {
		if (n - i != 1 || neg)
			return 0;
		*out = 0;
		return 1;
	}
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; i < n; i++) {
		unsigned int d = (unsigned char)s[i] - '0';
		if (d > 9 || v > (lim - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	if (neg)
		*out = v == (unsigned long long)LLONG_MAX + 1 ?
		    LLONG_MIN : -(long long)v;
	else
		*out = (long long)v;
	return 1;
}

/*
 * Parse a "<type><number>\r\n" header starting at relative offset off.
 * Returns 1 with *val and *next (offset after the LF), 0 if more bytes are
 * needed, -1 if it cannot be a valid header. Digits are walked directly:
 * counts are a few bytes long, too short for memchr() to pay off.
 */
static int
resp_parse_header(struct resp_parser *p, size_t off, long long *val,
    size_t *next)
{
	const char	*s = p->buf + p->pos + off + 1, *q = s, *e;
	size_t		 avail = p->len - p->pos - off - 1, digits;

	e = s + (avail < RESP_HDR_MAX ? avail : RESP_HDR_MAX);
	if (q < e && *q == '-')
		q++;
	while (q < e && (unsigned char)(*q - '0') <= 9)
		q++;
	if (q == e)
		return avail >= RESP_HDR_MAX ? -1 : 0;
	if (*q != '\r')
		return -1;
	digits = (size_t)(q - s);
	if (digits + 1 >= avail)
		return 0;
	if (q[1] != '\n' || !resp_parse_ll(s, digits, val))
		return -1;
	*next = off + 1 + digits + 2;
	return 1;
}

static int
resp_parse_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Unquote a double-quoted string as Redis' sdssplitargs() does. r is just
 * past the opening quote; output goes to *w, which never passes r since
 * every output byte consumes at least one input byte. Returns the byte
 * after the closing quote, or NULL if the line ends first.
 */
static char *
resp_parse_dquote(char *r, char *end, char **wp)
{
	char	*w = *wp;
	int	 hi, lo;

	for (;;) {
		if (r == end)
			return NULL;
		if (*r == '\\' && end - r >= 4 && r[1] == 'x' &&
		    (hi = resp_parse_hex((unsigned char)r[2])) >= 0 &&
		    (lo = resp_parse_hex((unsigned char)r[3])) >= 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 4;
		} else if (*r == '\\' && end - r >= 2) {
			switch (r[1]) {
			case 'n': *w++ = '\n'; break;
			case 'r': *w++ = '\r'; break;
			case 't': *w++ = '\t'; break;
			case 'b': *w++ = '\b'; break;
			case 'a': *w++ = '\a'; break;
			default:  *w++ = r[1]; break;
			}
			r += 2;
		} else if (*r == '"') {
			*wp = w;
			return r + 1;
		} else
			*w++ = *r++;
	}
}

/* Single quotes: everything is literal except the \' escape. */
static char *
resp_parse_squote(char *r, char *end, char **wp)
{
	char	*w = *wp;

	for (;;) {
		if (r == end)
			return NULL;
		if (*r == '\\' && end - r >= 2 && r[1] == '\'') {
			*w++ = '\'';
			r += 2;
		} else if (*r == '\'') {
			*wp = w;
			return r + 1;
		} else
			*w++ = *r++;
	}
}

/*
 * Split the inline line [s, end) into words in place. *end is the CR or LF
 * that ended the line, so the last word can be NUL-terminated there.
 */
static int
resp_parse_split(struct resp_parser *p, char *s, char *end)
{
	char	*r = s, *w, *word;

	p->argc = 0;
	while (r < end) {
		if (*r == ' ' || *r == '\t') {
			r++;
			continue;
		}
		if ((size_t)p->argc >= p->lim.max_args)
			return resp_parse_fail(p, RESP_ERR_TOO_MANY_ARGS,
			    "too many arguments in inline request");
		word = w = r;
		while (r < end && *r != ' ' && *r != '\t') {
			if (*r != '"' && *r != '\'') {
				*w++ = *r++;
				continue;
			}
			/* A quote may start mid-word, as in Redis. */
			r = *r == '"' ? resp_parse_dquote(r + 1, end, &w) :
			    resp_parse_squote(r + 1, end, &w);
			if (r == NULL ||
			    (r < end && *r != ' ' && *r != '\t'))
				return resp_parse_fail(p, RESP_ERR_BAD_QUOTES,
				    "unbalanced quotes in request");
			break;
		}
		/* w <= r: this overwrites at most the separator just seen. */
		*w = '\0';
		resp_parse_reserve(p, (size_t)p->argc + 1);
		p->argv[p->argc] = word;
		p->argvlen[p->argc] = (size_t)(w - word);
		p->argc++;
		if (r < end)
			r++;
	}
	return RESP_OK;
}

/*
 * An inline command is one line. Its length is checked whether or not the
 * LF has arrived, so the result never depends on how the input was split:
 * without an LF, the line is known to be too long once it holds more than
 * max_inline bytes that cannot all be a trailing CR.
 */
static int
resp_parse_inline(struct resp_parser *p, struct resp_cmd *cmd)
{
	char	*start = p->buf + p->pos, *nl, *end;
	size_t	 avail = p->len - p->pos, max = p->lim.max_inline, window;

	window = max > SIZE_MAX - 2 ? SIZE_MAX : max + 2;
	if (window > avail)
		window = avail;
	if (p->cur > window)		/* limits were lowered mid-line */
		p->cur = window;
	nl = memchr(start + p->cur, '\n', window - p->cur);
	if (nl == NULL) {
		if (window - 1 > max ||
		    (window == max + 1 && start[window - 1] != '\r'))
			return resp_parse_fail(p, RESP_ERR_INLINE_TOO_LONG,
			    "too big inline request");
		p->cur = window;
		return RESP_AGAIN;
	}
	end = nl;
	if (end > start && end[-1] == '\r')
		end--;
	if ((size_t)(end - start) > max)
		return resp_parse_fail(p, RESP_ERR_INLINE_TOO_LONG,
		    "too big inline request");
	if (resp_parse_split(p, start, end) == RESP_ERROR)
		return RESP_ERROR;
	p->pos += (size_t)(nl - start) + 1;
	p->state = RESP_ST_START;
	if (p->argc == 0)
		return RESP_AGAIN;	/* empty line: skipped, as Redis does */
	p->argv[p->argc] = NULL;
	cmd->argc = p->argc;
	cmd->argv = p->argv;
	cmd->argvlen = p->argvlen;
	return RESP_OK;
}

static int
resp_parse_bad_dollar(struct resp_parser *p, unsigned char c)
{
	char	msg[32];

	if (c >= 0x20 && c < 0x7f)
		snprintf(msg, sizeof msg, "expected '$', got '%c'", c);
	else
		snprintf(msg, sizeof msg, "expected '$', got '\\x%02x'", c);
	return resp_parse_fail(p, RESP_ERR_BAD_BULK, msg);
}

/* Read '$' arguments until the command is whole or the input runs out. */
static int
resp_parse_bulks(struct resp_parser *p, struct resp_cmd *cmd)
{
	char		*base = p->buf + p->pos;
	size_t		 avail = p->len - p->pos, next, n;
	long long	 v;
	int		 i, rc;

	while (p->mb_left > 0) {
		if (p->bulk_len < 0) {
			if (p->cur >= avail)
				return RESP_AGAIN;
			if (base[p->cur] != '$')
				return resp_parse_bad_dollar(p,
				    (unsigned char)base[p->cur]);
			rc = resp_parse_header(p, p->cur, &v, &next);
			if (rc == 0)
				return RESP_AGAIN;
			if (rc < 0 || v < 0)
				return resp_parse_fail(p, RESP_ERR_BAD_BULK,
				    "invalid bulk length");
			if ((unsigned long long)v > p->lim.max_bulk)
				return resp_parse_fail(p,
				    RESP_ERR_BULK_TOO_LONG,
				    "invalid bulk length");
			p->bulk_len = v;
			p->cur = next;
		}
		n = (size_t)p->bulk_len;
		if (avail - p->cur < n + 2) {
			/* Report a bad terminator as soon as it is visible. */
			if (avail - p->cur > n && base[p->cur + n] != '\r')
				goto bad_crlf;
			return RESP_AGAIN;
		}
		if (base[p->cur + n] != '\r' || base[p->cur + n + 1] != '\n')
			goto bad_crlf;
		base[p->cur + n] = '\0';
		resp_parse_reserve(p, (size_t)p->argc + 1);
		p->argoff[p->argc] = p->cur;
		p->argvlen[p->argc] = n;
		p->argc++;
		p->cur += n + 2;
		p->bulk_len = -1;
		p->mb_left--;
	}
	for (i = 0; i < p->argc; i++)
		p->argv[i] = base + p->argoff[i];
	p->argv[p->argc] = NULL;
	p->pos += p->cur;
	p->state = RESP_ST_START;
	cmd->argc = p->argc;
	cmd->argv = p->argv;
	cmd->argvlen = p->argvlen;
	return RESP_OK;

bad_crlf:
	return resp_parse_fail(p, RESP_ERR_BAD_CRLF,
	    "expected CRLF after bulk data");
}

static int
resp_parse_multibulk(struct resp_parser *p)
{
	long long	v;
	size_t		next;
	int		rc;

	rc = resp_parse_header(p, 0, &v, &next);
	if (rc == 0)
		return RESP_AGAIN;
	if (rc < 0)
		return resp_parse_fail(p, RESP_ERR_BAD_MULTIBULK,
		    "invalid multibulk length");
	if (v <= 0) {
		/* "*0" and "*-1" carry no command: skip them, as Redis. */
		p->pos += next;
		p->state = RESP_ST_START;
		return RESP_OK;
	}
	if ((unsigned long long)v > p->lim.max_args || v > INT_MAX)
		return resp_parse_fail(p, RESP_ERR_TOO_MANY_ARGS,
		    "invalid multibulk length");
	p->mb_left = (size_t)v;
	resp_parse_reserve(p, p->mb_left < RESP_ARGV_PREALLOC ?
	    p->mb_left : RESP_ARGV_PREALLOC);
	p->argc = 0;
	p->bulk_len = -1;
	p->cur = next;
	p->state = RESP_ST_MULTIBULK;
	return RESP_OK;
}

int
resp_parser_next(struct resp_parser *p, struct resp_cmd *cmd)
{
	int	rc;

	for (;;) {
		switch (p->state) {
		case RESP_ST_ERROR:
			return RESP_ERROR;
		case RESP_ST_START:
			if (p->pos == p->len) {
				/* Nothing pending: drop a buffer a big bulk left. */
				p->pos = p->len = 0;
				if (p->cap > RESP_BUF_KEEP) {
					free(p->buf);
					p->buf = NULL;
					p->cap = 0;
				}
				return RESP_AGAIN;
			}
			p->cur = 0;
			if (p->buf[p->pos] == '*') {
				rc = resp_parse_multibulk(p);
				if (rc != RESP_OK)
					return rc;
			} else
				p->state = RESP_ST_INLINE;
			break;
		case RESP_ST_INLINE:
			rc = resp_parse_inline(p, cmd);
			if (rc == RESP_OK || rc == RESP_ERROR)
				return rc;
			if (p->state == RESP_ST_INLINE)
				return RESP_AGAIN;
			break;
		case RESP_ST_MULTIBULK:
			return resp_parse_bulks(p, cmd);
		}
	}
}

enum resp_errcode
resp_parser_errcode(const struct resp_parser *p)
{
	return p->err;
}

const char *
resp_parser_error(const struct resp_parser *p)
{
	return p->errmsg;
}

size_t
resp_parser_pending(const struct resp_parser *p)
{
	return p->len - p->pos;
}
