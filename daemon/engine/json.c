/*
 * json.c: a tiny writer for the JSON objects carried in event data. One
 * buffer is reused for every event. Strings are escaped as RFC 8259
 * requires and invalid UTF-8 becomes U+FFFD, so the text is always valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

void
ejson_init(struct ejson *j)
{
	memset(j, 0, sizeof *j);
}

void
ejson_free(struct ejson *j)
{
	free(j->buf);
	memset(j, 0, sizeof *j);
}

static void
ejson_put(struct ejson *j, const char *s, size_t n)
{
	size_t	 cap;

	if (j->len + n + 1 > j->cap) {
		cap = j->cap != 0 ? j->cap : 256;
		while (j->len + n + 1 > cap)
			cap *= 2;
		j->buf = xreallocarray(j->buf, cap, 1);
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
ejson_putc(struct ejson *j, char c)
{
	ejson_put(j, &c, 1);
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid. */
static size_t
ejson_utf8(const unsigned char *s)
{
	size_t		n, i;
	uint32_t	cp;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	return (n);
}

static void
ejson_quote(struct ejson *j, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	char			 esc[8];
	size_t			 n;

	ejson_putc(j, '"');
	while (*s != '\0') {
		switch (*s) {
		case '"':
			ejson_put(j, "\\\"", 2);
			break;
		case '\\':
			ejson_put(j, "\\\\", 2);
			break;
		case '\n':
			ejson_put(j, "\\n", 2);
			break;
		case '\r':
			ejson_put(j, "\\r", 2);
			break;
		case '\t':
			ejson_put(j, "\\t", 2);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				snprintf(esc, sizeof esc, "\\u%04x", *s);
				ejson_put(j, esc, 6);
				break;
			}
			if ((n = ejson_utf8(s)) == 0) {
				ejson_put(j, "\\ufffd", 6);
				break;
			}
			ejson_put(j, (const char *)s, n);
			s += n;
			continue;
		}
		s++;
	}
	ejson_putc(j, '"');
}

/* The comma and key that come before each member or element. */
static void
ejson_key(struct ejson *j, const char *key)
{
	if (!j->first[j->depth])
		ejson_putc(j, ',');
	j->first[j->depth] = false;
	if (key != NULL) {
		ejson_quote(j, key);
		ejson_putc(j, ':');
	}
}

void
ejson_begin(struct ejson *j)
{
	j->len = 0;
	j->depth = 0;
	j->first[0] = true;
	j->closer[0] = '}';
	ejson_putc(j, '{');
}

void
ejson_str(struct ejson *j, const char *key, const char *v)
{
	ejson_key(j, key);
	ejson_quote(j, v != NULL ? v : "");
}

void
ejson_int(struct ejson *j, const char *key, int64_t v)
{
	char	num[32];
	int	n;

	ejson_key(j, key);
	n = snprintf(num, sizeof num, "%lld", (long long)v);
	ejson_put(j, num, (size_t)n);
}

void
ejson_bool(struct ejson *j, const char *key, bool v)
{
	ejson_key(j, key);
	if (v)
		ejson_put(j, "true", 4);
	else
		ejson_put(j, "false", 5);
}

static void
ejson_open(struct ejson *j, const char *key, char open, char close)
{
	ejson_key(j, key);
	ejson_putc(j, open);
	if (j->depth + 1 >= EJSON_DEPTH)
		return;		/* callers never nest this deep */
	j->depth++;
	j->first[j->depth] = true;
	j->closer[j->depth] = close;
}

void
ejson_object(struct ejson *j, const char *key)
{
	ejson_open(j, key, '{', '}');
}

void
ejson_array(struct ejson *j, const char *key)
{
	ejson_open(j, key, '[', ']');
}

void
ejson_close(struct ejson *j)
{
	if (j->depth == 0)
		return;
	ejson_putc(j, j->closer[j->depth]);
	j->depth--;
}

/* Close everything still open and return the text. */
const char *
ejson_end(struct ejson *j)
{
	while (j->depth > 0)
		ejson_close(j);
	ejson_putc(j, '}');
	return (j->buf);
}
