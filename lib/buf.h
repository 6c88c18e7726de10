/*
 * buf.h: a growable byte buffer, the one the daemon builds everything in:
 * RESP replies (protocol/), JSON (json.h), INFO and /metrics text, the
 * store's and the journal's scratch space. Bytes, not strings: data is
 * not NUL-terminated unless the caller adds one. Growth cannot fail (it
 * goes through xmalloc.h), so callers check nothing.
 */
#ifndef HOTLINE_BUF_H
#define HOTLINE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	buf_init(struct buf *);
void	buf_free(struct buf *);			/* and init again */
void	buf_reset(struct buf *);		/* len = 0, keep memory */
void	buf_consume(struct buf *, size_t);	/* drop n leading bytes */
/* Room for n more bytes at least, doubling so appends are amortised O(1). */
void	buf_grow(struct buf *, size_t);
/* Room for any long long in decimal, sign included. */
#define BUF_LL_MAX	21
/*
 * The decimal digits of v written backwards ending at end; returns where
 * they start. Replies and JSON are full of integers: no snprintf.
 */
char	*buf_fmt_ull(char *end, unsigned long long v);
void	 buf_add_ll(struct buf *, long long);		/* decimal */
void	 buf_add_ull(struct buf *, unsigned long long);
/* printf appended; returns the number of bytes added. */
size_t	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
size_t	buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* Inline: every RESP reply and JSON byte goes through these. */
static inline void
buf_reserve(struct buf *b, size_t n)
{
	if (n > b->cap - b->len)
		buf_grow(b, n);
}

static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void
buf_addc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
}

static inline void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

#endif
