#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "json.h"

void
json_add_string(struct resp_buf *b, const char *s)
{
	const char	*run = s;
	char		 esc[8];

	resp_add_raw(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		resp_add_raw(b, run, (size_t)(s - run));
		switch (c) {
		case '"':  resp_add_raw(b, "\\\"", 2); break;
		case '\\': resp_add_raw(b, "\\\\", 2); break;
		case '\n': resp_add_raw(b, "\\n", 2); break;
		case '\r': resp_add_raw(b, "\\r", 2); break;
		case '\t': resp_add_raw(b, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			resp_add_raw(b, esc, 6);
		}
		run = s + 1;
	}
	resp_add_raw(b, run, (size_t)(s - run));
	resp_add_raw(b, "\"", 1);
}

void
json_add_attrs(struct resp_buf *b, const struct attr *attrs, int n)
{
	int	i;

	resp_add_raw(b, "{", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			resp_add_raw(b, ",", 1);
		json_add_string(b, attrs[i].key);
		resp_add_raw(b, ":", 1);
		json_add_string(b, attrs[i].value);
	}
	resp_add_raw(b, "}", 1);
}
