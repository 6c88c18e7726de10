/*
 * json.c: a recursive-descent JSON reader (RFC 8259) for event payloads.
 * Strings are decoded to UTF-8 (\u escapes and surrogate pairs included;
 * an escaped NUL is dropped so strings stay C strings). Depth is bounded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "xmalloc.h"

struct jreader {
	const char	*p;
	const char	*end;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static struct json *json_value(struct jreader *, int);

static void
jr_fail(struct jreader *r, const char *what)
{
	if (r->failed)
		return;
	r->failed = 1;
	if (r->errlen > 0)
		snprintf(r->err, r->errlen, "%s", what);
}

static void
jr_space(struct jreader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static struct json *
jr_node(enum json_type type)
{
	struct json	*v;

	v = xcalloc(1, sizeof *v);
	v->type = type;
	return (v);
}

static int
jr_hex4(struct jreader *r, unsigned *out)
{
	unsigned	v = 0;
	int		i;
	char		c;

	if (r->end - r->p < 4)
		return (-1);
	for (i = 0; i < 4; i++) {
		c = *r->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return (-1);
	}
	*out = v;
	return (0);
}

static size_t
jr_utf8(unsigned cp, char *out)
{
	if (cp == 0)
		return (0);
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/* An escape after the backslash: its UTF-8 bytes into out. */
static size_t
jr_escape(struct jreader *r, char *out)
{
	unsigned	cp, lo;

	if (r->p >= r->end)
		return (jr_fail(r, "unterminated string"), 0);
	switch (*r->p++) {
	case '"': *out = '"'; return (1);
	case '\\': *out = '\\'; return (1);
	case '/': *out = '/'; return (1);
	case 'b': *out = '\b'; return (1);
	case 'f': *out = '\f'; return (1);
	case 'n': *out = '\n'; return (1);
	case 'r': *out = '\r'; return (1);
	case 't': *out = '\t'; return (1);
	case 'u':
		if (jr_hex4(r, &cp) != 0)
			return (jr_fail(r, "bad \\u escape"), 0);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (r->end - r->p < 6 || r->p[0] != '\\' ||
			    r->p[1] != 'u')
				return (jr_utf8(0xfffd, out));
			r->p += 2;
			if (jr_hex4(r, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
				return (jr_fail(r, "bad surrogate pair"), 0);
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp <= 0xdfff)
			cp = 0xfffd;
		return (jr_utf8(cp, out));
	default:
		return (jr_fail(r, "bad escape in string"), 0);
	}
}

/* At the opening quote; the decoded string, malloc'ed. */
static char *
jr_string(struct jreader *r)
{
	const char	*start;
	char		*s, *o;

	r->p++;
	start = r->p;
	/* Decoded text is never longer than its source. */
	s = o = xmalloc((size_t)(r->end - start) + 1);
	while (r->p < r->end && *r->p != '"') {
		if ((unsigned char)*r->p < 0x20) {
			jr_fail(r, "control character in string");
			break;
		}
		if (*r->p == '\\') {
			r->p++;
			o += jr_escape(r, o);
			if (r->failed)
				break;
		} else
			*o++ = *r->p++;
	}
	if (!r->failed && r->p >= r->end)
		jr_fail(r, "unterminated string");
	if (r->failed) {
		free(s);
		return (NULL);
	}
	r->p++;
	*o = '\0';
	return (s);
}

static struct json *
jr_number(struct jreader *r)
{
	const char	*start = r->p;
	struct json	*v;
	char		 buf[64], *end;
	size_t		 n;
	int		 integral = 1;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return (jr_fail(r, "bad number"), NULL);
	while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') ||
	    *r->p == '.' || *r->p == 'e' || *r->p == 'E' || *r->p == '+' ||
	    *r->p == '-')) {
		if (*r->p == '.' || *r->p == 'e' || *r->p == 'E')
			integral = 0;
		r->p++;
	}
	n = (size_t)(r->p - start);
	if (n >= sizeof buf)
		return (jr_fail(r, "number too long"), NULL);
	memcpy(buf, start, n);
	buf[n] = '\0';
	v = jr_node(JSON_NUMBER);
	errno = 0;
	v->number = strtod(buf, &end);
	if (*end != '\0') {
		free(v);
		return (jr_fail(r, "bad number"), NULL);
	}
	if (integral) {
		errno = 0;
		v->integer = strtoll(buf, &end, 10);
		v->is_integer = errno == 0 && *end == '\0';
	}
	v->str = xstrdup(buf);
	return (v);
}

static int
jr_word(struct jreader *r, const char *w)
{
	size_t	n = strlen(w);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return (0);
	r->p += n;
	return (1);
}

/* Elements of an array or members of an object, after the bracket. */
static struct json *
jr_container(struct jreader *r, enum json_type type, int depth)
{
	struct json	*v, *item, **tail;
	char		 close = type == JSON_OBJECT ? '}' : ']';
	char		*key = NULL;

	r->p++;
	v = jr_node(type);
	tail = &v->child;
	jr_space(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return (v);
	}
	for (;;) {
		jr_space(r);
		if (type == JSON_OBJECT) {
			if (r->p >= r->end || *r->p != '"') {
				jr_fail(r, "expected a member name");
				break;
			}
			if ((key = jr_string(r)) == NULL)
				break;
			jr_space(r);
			if (r->p >= r->end || *r->p != ':') {
				jr_fail(r, "expected ':'");
				break;
			}
			r->p++;
		}
		if ((item = json_value(r, depth + 1)) == NULL)
			break;
		item->key = key;
		key = NULL;
		*tail = item;
		tail = &item->next;
		jr_space(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return (v);
		}
		jr_fail(r, type == JSON_OBJECT ? "expected ',' or '}'" :
		    "expected ',' or ']'");
		break;
	}
	free(key);
	json_free(v);
	return (NULL);
}

static struct json *
json_value(struct jreader *r, int depth)
{
	struct json	*v;

	if (depth > JSON_MAX_DEPTH)
		return (jr_fail(r, "nested too deep"), NULL);
	jr_space(r);
	if (r->p >= r->end)
		return (jr_fail(r, "unexpected end"), NULL);
	switch (*r->p) {
	case '{':
		return (jr_container(r, JSON_OBJECT, depth));
	case '[':
		return (jr_container(r, JSON_ARRAY, depth));
	case '"':
		v = jr_node(JSON_STRING);
		if ((v->str = jr_string(r)) == NULL) {
			free(v);
			v = NULL;
		}
		return (v);
	case 't':
	case 'f':
	case 'n':
		if (jr_word(r, "true")) {
			v = jr_node(JSON_BOOL);
			v->boolean = 1;
			return (v);
		}
		if (jr_word(r, "false"))
			return (jr_node(JSON_BOOL));
		if (jr_word(r, "null"))
			return (jr_node(JSON_NULL));
		return (jr_fail(r, "unexpected word"), NULL);
	default:
		return (jr_number(r));
	}
}

struct json *
json_parse(const char *s, size_t len, char *err, size_t errlen)
{
	struct jreader	 r = { s, s + len, err, errlen, 0 };
	struct json	*v;

	if (errlen > 0)
		err[0] = '\0';
	if ((v = json_value(&r, 0)) == NULL)
		return (NULL);
	jr_space(&r);
	if (r.p != r.end) {
		jr_fail(&r, "trailing characters");
		json_free(v);
		return (NULL);
	}
	return (v);
}

void
json_free(struct json *v)
{
	struct json	*next;

	for (; v != NULL; v = next) {
		next = v->next;
		json_free(v->child);
		free(v->key);
		free(v->str);
		free(v);
	}
}

const struct json *
json_get(const struct json *obj, const char *key)
{
	const struct json	*m;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return (NULL);
	for (m = obj->child; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			return (m);
	return (NULL);
}

const char *
json_get_str(const struct json *obj, const char *key)
{
	const struct json	*v = json_get(obj, key);

	return (v != NULL && v->type == JSON_STRING ? v->str : NULL);
}

int64_t
json_get_int(const struct json *obj, const char *key, int64_t def)
{
	const struct json	*v = json_get(obj, key);
	char			*end;
	long long		 n;

	if (v == NULL)
		return (def);
	if (v->type == JSON_NUMBER)
		return (v->is_integer ? v->integer : (int64_t)v->number);
	if (v->type == JSON_STRING && v->str[0] != '\0') {
		errno = 0;
		n = strtoll(v->str, &end, 10);
		if (errno == 0 && *end == '\0')
			return (n);
	}
	return (def);
}

int
json_get_bool(const struct json *obj, const char *key, int def)
{
	const struct json	*v = json_get(obj, key);

	if (v == NULL)
		return (def);
	if (v->type == JSON_BOOL)
		return (v->boolean);
	if (v->type == JSON_NUMBER)
		return (v->number != 0);
	return (def);
}

const char *
json_text(const struct json *v, char *buf, size_t len)
{
	const struct json	*e;
	size_t			 used = 0;

	if (v == NULL || v->type == JSON_NULL)
		return ("");
	switch (v->type) {
	case JSON_BOOL:
		return (v->boolean ? "yes" : "no");
	case JSON_NUMBER:
	case JSON_STRING:
		return (v->str);
	case JSON_ARRAY:
		/* A list of scalars, as "a,b,c"; anything deeper as "...". */
		buf[0] = '\0';
		for (e = v->child; e != NULL; e = e->next) {
			if (e->type != JSON_STRING && e->type != JSON_NUMBER)
				break;
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    e == v->child ? "" : ",", e->str);
			if (used >= len)
				break;
		}
		if (e == NULL && used < len)
			return (buf);
		/* FALLTHROUGH */
	default:
		snprintf(buf, len, "...");
		return (buf);
	}
}
