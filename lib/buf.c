/* buf.c: the growable byte buffer of buf.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

/* The first allocation: most replies and event payloads fit. */
#define BUF_MIN		256
/* buf_vprintf() formats into the free space first; this much at least. */
#define BUF_PRINTF_MIN	128

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

void
buf_grow(struct buf *b, size_t n)
{
	size_t	ncap;

	if (n > SIZE_MAX - b->len)
		xmalloc_fatal("buffer growth (overflow)", SIZE_MAX);
	if (n <= b->cap - b->len)
		return;
	ncap = b->cap > BUF_MIN ? b->cap : BUF_MIN;
	while (ncap - b->len < n)
		ncap = ncap > SIZE_MAX / 2 ? b->len + n : ncap * 2;
	b->data = xreallocarray(b->data, ncap, 1);
	b->cap = ncap;
}

/*
 * Decimal digits of v written backwards ending at end; returns the start.
 * Two digits per step from a table: replies are full of small integers.
 */
char *
buf_fmt_ull(char *end, unsigned long long v)
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

void
buf_add_ll(struct buf *b, long long v)
{
	char			 num[BUF_LL_MAX], *p, *end = num + sizeof num;
	unsigned long long	 u;

	/* Negate in unsigned arithmetic so LLONG_MIN does not overflow. */
	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	p = buf_fmt_ull(end, u);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(end - p));
}

void
buf_add_ull(struct buf *b, unsigned long long v)
{
	char	num[BUF_LL_MAX], *p, *end = num + sizeof num;

	p = buf_fmt_ull(end, v);
	buf_add(b, p, (size_t)(end - p));
}

size_t
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	size_t	n;

	va_start(ap, fmt);
	n = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return (n);
}

/* Straight into the free space; a second pass only when it was short. */
size_t
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	ap2;
	size_t	room;
	int	n;

	buf_reserve(b, BUF_PRINTF_MIN);
	room = b->cap - b->len;
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return (0);
	if ((size_t)n >= room) {
		buf_reserve(b, (size_t)n + 1);
		va_copy(ap2, ap);
		n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
		va_end(ap2);
		if (n < 0)
			return (0);
	}
	b->len += (size_t)n;
	return ((size_t)n);
}
