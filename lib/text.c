/*
 * text.c: UTF-8 checked strictly, names, and escaping for the log. One
 * decoder serves all three so that what a name may hold and what the log
 * shows escaped are the same set of characters.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

int
text_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	c;
	int		len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if (s[0] < 0xc2)		/* a continuation, or overlong */
		return (-1);
	if (s[0] < 0xe0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] < 0xf0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] < 0xf5) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return (-1);
	if ((size_t)len > n)
		return (-1);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (-1);
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (-1);
	*cp = c;
	return (len);
}

/* What a terminal or a line-oriented reader would act on. */
static int
text_is_control(uint32_t c)
{
	return (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	    c == 0x2029);
}

/*
 * How many bytes from p are ASCII other than NUL, eight at a time: most
 * text is, and a 1 MiB argument is checked on the loop.
 */
static size_t
text_ascii_run(const unsigned char *p, size_t len)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	const uint64_t	highs = 0x8080808080808080ULL;
	uint64_t	w;
	size_t		i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		/* A byte with its high bit set, or a zero byte. */
		if (((w | ((w - ones) & ~w)) & highs) != 0)
			break;
	}
	while (i < len && p[i] - 1u < 0x7fu)
		i++;
	return (i);
}

int
text_check(const char *s, size_t len, const char **why)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 i;
	int			 n;

	for (i = 0; i < len; i += (size_t)n) {
		i += text_ascii_run(p + i, len - i);
		if (i == len)
			break;
		if (p[i] == '\0') {
			*why = "holds a NUL byte";
			return (-1);
		}
		if ((n = text_decode(p + i, len - i, &c)) < 0) {
			*why = "is not valid UTF-8";
			return (-1);
		}
	}
	return (0);
}

int
text_name_check(const char *s, size_t len, size_t max, int flags,
    const char *what, char *err, size_t errlen)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*why;
	uint32_t		 c;
	size_t			 i;
	int			 n;

	if (len == 0) {
		snprintf(err, errlen, "%s is empty", what);
		return (-1);
	}
	if (len >= max) {
		snprintf(err, errlen, "%s is longer than %zu bytes", what,
		    max - 1);
		return (-1);
	}
	if (text_check(s, len, &why) != 0) {
		snprintf(err, errlen, "%s %s", what, why);
		return (-1);
	}
	for (i = 0; i < len; i += (size_t)n) {
		n = text_decode(p + i, len - i, &c);
		if (text_is_control(c)) {
			snprintf(err, errlen, "%s holds a control character",
			    what);
			return (-1);
		}
		if ((flags & TEXT_WORD) != 0 && c < 0x80 &&
		    strchr(" ,:[]\"\\", (int)c) != NULL) {
			snprintf(err, errlen, "%s holds a space, comma, "
			    "colon, bracket, quote or backslash", what);
			return (-1);
		}
	}
	return (0);
}

size_t
text_escape(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char	*p = (const unsigned char *)src;
	char			 esc[4 * 4 + 1];
	uint32_t		 c;
	size_t			 i, out = 0, k, elen;
	int			 n;

	for (i = 0; i < len; i += (size_t)n) {
		n = text_decode(p + i, len - i, &c);
		if (n < 0) {
			n = 1;
			snprintf(esc, sizeof esc, "\\x%02x", p[i]);
		} else if (c == '\\')
			snprintf(esc, sizeof esc, "\\\\");
		else if (c == '\n')
			snprintf(esc, sizeof esc, "\\n");
		else if (c == '\r')
			snprintf(esc, sizeof esc, "\\r");
		else if (c == '\t')
			snprintf(esc, sizeof esc, "\\t");
		else if (text_is_control(c)) {
			for (k = 0; k < (size_t)n; k++)
				snprintf(esc + 4 * k, sizeof esc - 4 * k,
				    "\\x%02x", p[i + k]);
		} else {
			memcpy(esc, p + i, (size_t)n);
			esc[n] = '\0';
		}
		elen = strlen(esc);
		if (out + elen < size)
			memcpy(dst + out, esc, elen);
		else if (out < size)
			size = out + 1;	/* full: nothing more goes in */
		out += elen;
	}
	if (size > 0)
		dst[out < size ? out : size - 1] = '\0';
	return (out);
}
