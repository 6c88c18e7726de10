/*
 * json.h: the one JSON writer: event data (the engine), pub/sub payloads,
 * audit records, ticket attributes. It appends one object to a byte buffer
 * (buf.h) and keeps only where it is (depth, whether a comma is due).
 *
 * Strings are escaped as RFC 8259 requires: " and \ with a backslash,
 * newline, return and tab as \n \r \t, other C0 characters and DEL as
 * \u00XX. Bytes that are not UTF-8 become U+FFFD (\ufffd), so the text is
 * valid JSON whatever it was given; valid UTF-8 passes unchanged.
 *
 * A key of NULL writes a bare value: an element of an array.
 */
#ifndef HOTLINE_JSON_H
#define HOTLINE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Objects and arrays nest this deep, the top object included. */
#define JSON_DEPTH	8

struct json {
	struct buf	*out;
	size_t		 depth;			/* 0: the top object */
	bool		 more[JSON_DEPTH];	/* a comma before the next */
	char		 closer[JSON_DEPTH];
};

/* Empty out and open the top object in it. */
void	 json_begin(struct json *, struct buf *out);
/*
 * Empty out and carry on with object, the text of a JSON object: its
 * members are kept and the next one goes after them. -1, and nothing
 * written, if object is not {...}.
 */
int	 json_extend(struct json *, struct buf *out, const char *object);
void	 json_str(struct json *, const char *key, const char *);  /* NULL: "" */
/* len bytes, binary-safe: a NUL is written as \u0000. */
void	 json_strn(struct json *, const char *key, const char *, size_t len);
void	 json_int(struct json *, const char *key, long long);
void	 json_uint(struct json *, const char *key, unsigned long long);
void	 json_bool(struct json *, const char *key, bool);
void	 json_null(struct json *, const char *key);
/* A value that is JSON text already (event data inside a payload). */
void	 json_raw(struct json *, const char *key, const char *);
/* Open an object or array as the next value; json_close() ends it. */
void	 json_object(struct json *, const char *key);
void	 json_array(struct json *, const char *key);
void	 json_close(struct json *);
/*
 * Close everything still open. Returns out's data, NUL-terminated (the
 * NUL is not counted in out->len).
 */
const char *json_end(struct json *);

#endif
