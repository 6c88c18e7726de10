#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "json.h"

void
json_add_string(struct buf *b, const char *s)
{
	const char	*run = s;
	char		 esc[8];

	buf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(s - run));
		switch (c) {
		case '"':  buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			buf_add(b, esc, 6);
		}
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
	buf_add(b, "\"", 1);
}

void
json_add_attrs(struct buf *b, const struct attr *attrs, int n)
{
	int	i;

	buf_add(b, "{", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_add(b, ",", 1);
		json_add_string(b, attrs[i].key);
		buf_add(b, ":", 1);
		json_add_string(b, attrs[i].value);
	}
	buf_add(b, "}", 1);
}
