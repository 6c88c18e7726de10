/*
 * resp_write.c: RESP2 replies appended to a byte buffer (lib/buf.h).
 * Every reply is built in the caller's buffer and sent by the caller:
 * nothing here blocks or fails, except by aborting when memory runs out,
 * as Redis does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"
#include "xmalloc.h"

/* The longest header: a type byte, a sign, 20 digits of 2^64 - 1, CRLF. */
#define RESP_HEADER_MAX	(1 + 1 + 20 + 2)
/* resp_add_bulkf() formats into the stack first; longer text is rare. */
#define RESP_FMT_STACK	512

/* "<type>[-]<digits>\r\n" written backwards ending at end; the start. */
static char *
resp_fmt_header(char *end, char type, int neg, unsigned long long v)
{
	char	*p;

	end[-2] = '\r';
	end[-1] = '\n';
	p = buf_fmt_ull(end - 2, v);
	if (neg)
		*--p = '-';
	*--p = type;
	return (p);
}

/* A header in one append. */
static void
resp_add_header(struct buf *b, char type, int neg, unsigned long long v)
{
	char	 tmp[RESP_HEADER_MAX], *p, *end = tmp + sizeof tmp;

	p = resp_fmt_header(end, type, neg, v);
	buf_add(b, p, (size_t)(end - p));
}

/* CR or LF inside a one-line reply would end it early: make them spaces. */
static void
resp_sanitize(char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n')
			s[i] = ' ';
}

/* Status lines are sanitised like errors, so a caller can never break framing. */
void
resp_add_status(struct buf *b, const char *s)
{
	size_t	n = strlen(s);

	buf_reserve(b, n + 3);
	b->data[b->len] = '+';
	memcpy(b->data + b->len + 1, s, n);
	resp_sanitize(b->data + b->len + 1, n);
	memcpy(b->data + b->len + 1 + n, "\r\n", 2);
	b->len += n + 3;
}

/* Formats straight into the buffer; a second pass only if it was short. */
void
resp_add_error(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room;
	int	 n;

	buf_reserve(b, 64);
	b->data[b->len] = '-';
	room = b->cap - b->len - 1;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len + 1, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	else if ((size_t)n + 1 > room) {
		buf_reserve(b, (size_t)n + 4);
		room = b->cap - b->len - 1;
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len + 1, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			n = 0;
	}
	buf_reserve(b, (size_t)n + 3);
	resp_sanitize(b->data + b->len + 1, (size_t)n);
	memcpy(b->data + b->len + 1 + n, "\r\n", 2);
	b->len += (size_t)n + 3;
}

void
resp_add_int(struct buf *b, long long v)
{
	unsigned long long	u;

	/* Negate in unsigned arithmetic so LLONG_MIN does not overflow. */
	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	resp_add_header(b, ':', v < 0, u);
}

void
resp_add_bulk(struct buf *b, const char *s, size_t n)
{
	resp_add_header(b, '$', 0, n);
	buf_reserve(b, n + 2);
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	memcpy(b->data + b->len + n, "\r\n", 2);
	b->len += n + 2;
}

void
resp_add_cstr(struct buf *b, const char *s)
{
	if (s == NULL)
		resp_add_nil(b);
	else
		resp_add_bulk(b, s, strlen(s));
}

void
resp_add_bulkf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 tmp[RESP_FMT_STACK], *heap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof tmp) {
		resp_add_bulk(b, tmp, (size_t)n);
		return;
	}
	heap = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	n = vsnprintf(heap, (size_t)n + 1, fmt, ap);
	va_end(ap);
	resp_add_bulk(b, heap, n < 0 ? 0 : (size_t)n);
	free(heap);
}

void
resp_add_nil(struct buf *b)
{
	buf_add(b, "$-1\r\n", 5);
}

void
resp_add_nil_array(struct buf *b)
{
	buf_add(b, "*-1\r\n", 5);
}

void
resp_add_array(struct buf *b, size_t n)
{
	resp_add_header(b, '*', 0, n);
}

void
resp_add_map(struct buf *b, size_t n)
{
	resp_add_header(b, '*', 0, 2ULL * n);
}

void
resp_add_field_str(struct buf *b, const char *field, const char *value)
{
	resp_add_cstr(b, field);
	resp_add_cstr(b, value);
}

void
resp_add_field_int(struct buf *b, const char *field, long long value)
{
	resp_add_cstr(b, field);
	resp_add_int(b, value);
}

size_t
resp_add_deferred_len(struct buf *b)
{
	size_t	mark = b->len;

	buf_reserve(b, RESP_HEADER_MAX);
	b->len += RESP_HEADER_MAX;
	return (mark);
}

static void
resp_set_deferred(struct buf *b, size_t mark, char type,
    unsigned long long n)
{
	char	 tmp[RESP_HEADER_MAX], *p, *end = tmp + sizeof tmp;
	size_t	 hlen, tail;

	p = resp_fmt_header(end, type, 0, n);
	hlen = (size_t)(end - p);
	tail = b->len - mark - RESP_HEADER_MAX;
	memmove(b->data + mark + hlen, b->data + mark + RESP_HEADER_MAX, tail);
	memcpy(b->data + mark, p, hlen);
	b->len -= RESP_HEADER_MAX - hlen;
}

/* A mark of this buffer leaves room for a header after it. */
static void
resp_check_mark(const struct buf *b, size_t mark)
{
	if (mark > b->len || b->len - mark < RESP_HEADER_MAX)
		abort();	/* not a mark of this buffer: a caller's bug */
}

void
resp_set_deferred_array(struct buf *b, size_t mark, size_t n)
{
	resp_check_mark(b, mark);
	resp_set_deferred(b, mark, '*', n);
}

void
resp_set_deferred_map(struct buf *b, size_t mark, size_t n)
{
	resp_check_mark(b, mark);
	resp_set_deferred(b, mark, '*', 2ULL * n);
}

void
resp_set_deferred_bulk(struct buf *b, size_t mark)
{
	resp_check_mark(b, mark);
	resp_set_deferred(b, mark, '$', b->len - mark - RESP_HEADER_MAX);
	buf_add(b, "\r\n", 2);
}

void
resp_drop_deferred(struct buf *b, size_t mark)
{
	if (mark > b->len)
		abort();
	b->len = mark;
}
