/*
 * json.c: the JSON writer of json.h. Strings are copied in runs between
 * the bytes that need escaping: they are mostly plain text, and every
 * event's data (and, when anyone subscribes, its payload) is written here.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "text.h"

/* \u escape of a byte below 0x20, or DEL: six characters. */
#define JSON_UESC_LEN	6
/* What replaces bytes that are not UTF-8: U+FFFD, escaped. */
#define JSON_BAD_UTF8	"\\ufffd"

/* Append s as a quoted JSON string, escaping as RFC 8259 requires. */
static void
json_quote(struct buf *b, const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	const unsigned char	*end = s + len, *run;
	char			 esc[JSON_UESC_LEN + 1];
	uint32_t		 cp;
	int			 n;

	buf_addc(b, '"');
	for (run = s; s < end;) {
		if (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') {
			s++;
			continue;
		}
		if (*s >= 0x80) {
			if ((n = text_decode(s, (size_t)(end - s), &cp)) > 0) {
				s += n;
				continue;
			}
			buf_add(b, run, (size_t)(s - run));
			buf_add(b, JSON_BAD_UTF8, sizeof JSON_BAD_UTF8 - 1);
			run = ++s;
			continue;
		}
		buf_add(b, run, (size_t)(s - run));
		switch (*s) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", *s);
			buf_add(b, esc, JSON_UESC_LEN);
			break;
		}
		run = ++s;
	}
	buf_add(b, run, (size_t)(s - run));
	buf_addc(b, '"');
}

/* The comma and the key that come before each member or element. */
static void
json_key(struct json *j, const char *key)
{
	if (j->more[j->depth])
		buf_addc(j->out, ',');
	j->more[j->depth] = true;
	if (key != NULL) {
		json_quote(j->out, key, strlen(key));
		buf_addc(j->out, ':');
	}
}

void
json_begin(struct json *j, struct buf *out)
{
	j->out = out;
	j->depth = 0;
	j->more[0] = false;
	j->closer[0] = '}';
	buf_reset(out);
	buf_addc(out, '{');
}

int
json_extend(struct json *j, struct buf *out, const char *object)
{
	const char	*end = object + strlen(object), *last;

	while (end > object && isspace((unsigned char)end[-1]))
		end--;
	if (end - object < 2 || object[0] != '{' || end[-1] != '}')
		return (-1);
	json_begin(j, out);
	buf_reset(out);
	buf_add(out, object, (size_t)(end - 1 - object));
	/* A member is there unless the object is empty. */
	for (last = end - 1; isspace((unsigned char)last[-1]); last--)
		;
	j->more[0] = last[-1] != '{';
	return (0);
}

void
json_strn(struct json *j, const char *key, const char *v, size_t len)
{
	json_key(j, key);
	json_quote(j->out, v, len);
}

void
json_str(struct json *j, const char *key, const char *v)
{
	if (v == NULL)
		v = "";
	json_strn(j, key, v, strlen(v));
}

void
json_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	buf_add_ll(j->out, v);
}

void
json_uint(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	buf_add_ull(j->out, v);
}

void
json_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	if (v)
		buf_add(j->out, "true", 4);
	else
		buf_add(j->out, "false", 5);
}

void
json_null(struct json *j, const char *key)
{
	json_key(j, key);
	buf_add(j->out, "null", 4);
}

void
json_raw(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	buf_adds(j->out, v);
}

/* Deeper than JSON_DEPTH is a caller's bug: no caller nests past three. */
static void
json_open(struct json *j, const char *key, char open, char close)
{
	if (j->depth + 1 >= JSON_DEPTH) {
		fprintf(stderr, "fatal: json: nested deeper than %d\n",
		    JSON_DEPTH);
		abort();
	}
	json_key(j, key);
	buf_addc(j->out, open);
	j->depth++;
	j->more[j->depth] = false;
	j->closer[j->depth] = close;
}

void
json_object(struct json *j, const char *key)
{
	json_open(j, key, '{', '}');
}

void
json_array(struct json *j, const char *key)
{
	json_open(j, key, '[', ']');
}

void
json_close(struct json *j)
{
	if (j->depth == 0)
		return;			/* the top object: json_end() */
	buf_addc(j->out, j->closer[j->depth]);
	j->depth--;
}

const char *
json_end(struct json *j)
{
	while (j->depth > 0)
		json_close(j);
	buf_addc(j->out, '}');
	buf_reserve(j->out, 1);
	j->out->data[j->out->len] = '\0';
	return (j->out->data);
}
