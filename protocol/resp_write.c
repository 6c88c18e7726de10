/*
 * resp_write.c: RESP2 replies appended to a growable buffer. Every reply
 * is built in the caller's buffer and sent by the caller: nothing here
 * blocks or fails, except by aborting when memory runs out, as Redis does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"

#define RESP_WBUF_MIN	256
/* The longest header: a type byte, 20 digits of 2^64 - 1, CRLF. */
#define RESP_HEADER_MAX	(1 + 20 + 2)
/* resp_add_bulkf() formats into the stack first; longer text is rare. */
#define RESP_FMT_STACK	512

static void
resp_write_oom(void)
{
	fputs("fatal: resp writer: out of memory\n", stderr);
	abort();
}

/* Make room for n more bytes, doubling so appends are amortised O(1). */
static void
resp_buf_grow(struct resp_buf *b, size_t n)
{
	size_t	 ncap;
	char	*d;

	if (n > SIZE_MAX - b->len)
		resp_write_oom();
	ncap = b->cap > RESP_WBUF_MIN ? b->cap : RESP_WBUF_MIN;
	while (ncap - b->len < n)
		ncap = ncap > SIZE_MAX / 2 ? b->len + n : ncap * 2;
	if ((d = realloc(b->data, ncap)) == NULL)
		resp_write_oom();
	b->data = d;
	b->cap = ncap;
}

static inline void
resp_buf_reserve(struct resp_buf *b, size_t n)
{
	if (n > b->cap - b->len)
		resp_buf_grow(b, n);
}

void
resp_buf_init(struct resp_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
resp_buf_free(struct resp_buf *b)
{
	free(b->data);
	resp_buf_init(b);
}

void
resp_buf_reset(struct resp_buf *b)
{
	b->len = 0;
}

void
resp_buf_consume(struct resp_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

void
resp_add_raw(struct resp_buf *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	resp_buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

/*
 * Decimal digits of v written backwards ending at end; returns the start.
 * Two digits per step from a table: replies are full of small integers.
 */
static char *
resp_fmt_ull(char *end, unsigned long long v)
{
	static const char pairs[201] =
	    "00010203040506070809101112131415161718192021222324"
	    "25262728293031323334353637383940414243444546474849"
	    "50515253545556575859606162636465666768697071727374"
	    "75767778798081828384858687888990919293949596979899";
	char	*p = end;

	while (v >= 100) {
		unsigned int i = (unsigned int)(v % 100) * 2;
		v /= 100;
		*--p = pairs[i + 1];
		*--p = pairs[i];
	}
	if (v >= 10) {
		unsigned int i = (unsigned int)v * 2;
		*--p = pairs[i + 1];
		*--p = pairs[i];
	} else
		*--p = (char)('0' + v);
	return p;
}

/* "<type>[-]<digits>\r\n" ending at end; returns its start. */
static char *
resp_fmt_header(char *end, char type, int neg, unsigned long long v)
{
	char	*p;

	end[-2] = '\r';
	end[-1] = '\n';
	p = resp_fmt_ull(end - 2, v);
	if (neg)
		*--p = '-';
	*--p = type;
	return (p);
}

/* A header in one append. */
static void
resp_add_header(struct resp_buf *b, char type, int neg, unsigned long long v)
{
	char	 tmp[RESP_HEADER_MAX + 1], *p, *end = tmp + sizeof tmp;

	p = resp_fmt_header(end, type, neg, v);
	resp_add_raw(b, p, (size_t)(end - p));
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
resp_add_status(struct resp_buf *b, const char *s)
{
	size_t	n = strlen(s);

	resp_buf_reserve(b, n + 3);
	b->data[b->len] = '+';
	memcpy(b->data + b->len + 1, s, n);
	resp_sanitize(b->data + b->len + 1, n);
	memcpy(b->data + b->len + 1 + n, "\r\n", 2);
	b->len += n + 3;
}

/* Formats straight into the buffer; a second pass only if it was short. */
void
resp_add_error(struct resp_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room;
	int	 n;

	resp_buf_reserve(b, 64);
	b->data[b->len] = '-';
	room = b->cap - b->len - 1;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len + 1, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	else if ((size_t)n + 1 > room) {
		resp_buf_reserve(b, (size_t)n + 4);
		room = b->cap - b->len - 1;
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len + 1, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			n = 0;
	}
	resp_buf_reserve(b, (size_t)n + 3);
	resp_sanitize(b->data + b->len + 1, (size_t)n);
	memcpy(b->data + b->len + 1 + n, "\r\n", 2);
	b->len += (size_t)n + 3;
}

void
resp_add_int(struct resp_buf *b, long long v)
{
	unsigned long long	u;

	/* Negate in unsigned arithmetic so LLONG_MIN does not overflow. */
	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	resp_add_header(b, ':', v < 0, u);
}

void
resp_add_bulk(struct resp_buf *b, const char *s, size_t n)
{
	resp_add_header(b, '$', 0, n);
	resp_buf_reserve(b, n + 2);
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	memcpy(b->data + b->len + n, "\r\n", 2);
	b->len += n + 2;
}

void
resp_add_cstr(struct resp_buf *b, const char *s)
{
	if (s == NULL)
		resp_add_nil(b);
	else
		resp_add_bulk(b, s, strlen(s));
}

void
resp_add_bulkf(struct resp_buf *b, const char *fmt, ...)
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
	if ((heap = malloc((size_t)n + 1)) == NULL)
		resp_write_oom();
	va_start(ap, fmt);
	n = vsnprintf(heap, (size_t)n + 1, fmt, ap);
	va_end(ap);
	resp_add_bulk(b, heap, n < 0 ? 0 : (size_t)n);
	free(heap);
}

void
resp_add_nil(struct resp_buf *b)
{
	resp_add_raw(b, "$-1\r\n", 5);
}

void
resp_add_nil_array(struct resp_buf *b)
{
	resp_add_raw(b, "*-1\r\n", 5);
}

void
resp_add_array(struct resp_buf *b, size_t n)
{
	resp_add_header(b, '*', 0, n);
}

void
resp_add_map(struct resp_buf *b, size_t n)
{
	resp_add_header(b, '*', 0, 2ULL * n);
}

void
resp_add_field_str(struct resp_buf *b, const char *field, const char *value)
{
	resp_add_cstr(b, field);
	resp_add_cstr(b, value);
}

void
resp_add_field_int(struct resp_buf *b, const char *field, long long value)
{
	resp_add_cstr(b, field);
	resp_add_int(b, value);
}

/*
 * Room for the longest header is reserved at the mark; setting the count
 * writes the header there and moves the elements back over the unused
 * room, once. Nothing scans or copies the elements while they are added.
 */
size_t
resp_add_deferred_len(struct resp_buf *b)
{
	size_t	mark = b->len;

	resp_buf_reserve(b, RESP_HEADER_MAX);
	b->len += RESP_HEADER_MAX;
	return (mark);
}

static void
resp_set_deferred(struct resp_buf *b, size_t mark, char type,
    unsigned long long n)
{
	char	 tmp[RESP_HEADER_MAX + 1], *p, *end = tmp + sizeof tmp;
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
resp_check_mark(const struct resp_buf *b, size_t mark)
{
	if (mark > b->len || b->len - mark < RESP_HEADER_MAX)
		abort();	/* not a mark of this buffer: a caller's bug */
}

void
resp_set_deferred_array(struct resp_buf *b, size_t mark, size_t n)
{
	resp_check_mark(b, mark);
	resp_set_deferred(b, mark, '*', n);
}

void
resp_set_deferred_map(struct resp_buf *b, size_t mark, size_t n)
{
	resp_check_mark(b, mark);
	resp_set_deferred(b, mark, '*', 2ULL * n);
}

void
resp_set_deferred_bulk(struct resp_buf *b, size_t mark)
{
	resp_check_mark(b, mark);
	resp_set_deferred(b, mark, '$', b->len - mark - RESP_HEADER_MAX);
	resp_add_raw(b, "\r\n", 2);
}

void
resp_drop_deferred(struct resp_buf *b, size_t mark)
{
	if (mark > b->len)
		abort();
	b->len = mark;
}
