/*
 * json.h: a small JSON reader for the event payloads hotlined publishes.
 * json_parse() builds a tree the caller frees with json_free(); lookups
 * never fail loudly: a missing member, or one of another type, is NULL
 * or the default, so the clients cope with fields they do not know yet.
 */
#ifndef HOTLINE_CLIENT_JSON_H
#define HOTLINE_CLIENT_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH	32

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json {
	enum json_type	 type;
	char		*key;		/* member name inside an object */
	char		*str;		/* a string; a number's text */
	int64_t		 integer;	/* a number without fraction/exponent */
	int		 is_integer;
	double		 number;
	int		 boolean;
	struct json	*child;		/* first element or member */
	struct json	*next;
};

/* The tree of s[0..len), or NULL with the reason in err. */
struct json	*json_parse(const char *s, size_t len, char *err, size_t errlen);
void		 json_free(struct json *);

const struct json *json_get(const struct json *obj, const char *key);
/* A string member, or NULL. */
const char	*json_get_str(const struct json *obj, const char *key);
/* An integer member (a number or a string of digits), or def. */
int64_t		 json_get_int(const struct json *obj, const char *key,
		    int64_t def);
/* A boolean member (true/false, or a non-zero number), or def. */
int		 json_get_bool(const struct json *obj, const char *key,
		    int def);
/* A value as text: "12", "yes", "abc", "a,b" for a list of scalars; ""
 * for null, "..." for anything else. */
const char	*json_text(const struct json *v, char *buf, size_t len);

#endif
