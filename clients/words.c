/* words.c: a small, shell-like tokenizer for desk commands and scripts. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"
#include "xmalloc.h"

static int
words_add(struct words *w, const char *s, size_t n)
{
	if (w->argc >= WORDS_MAX)
		return (-1);
	w->argv = xreallocarray(w->argv, (size_t)w->argc + 2, sizeof *w->argv);
	w->argv[w->argc++] = xmemdup(s, n);
	w->argv[w->argc] = NULL;
	return (0);
}

static char
words_unescape(char c)
{
	switch (c) {
	case 'n': return ('\n');
	case 't': return ('\t');
	case 'r': return ('\r');
	default: return (c);
	}
}

int
words_split(const char *line, struct words *w, char *err, size_t errlen)
{
	const char	*p = line;
	char		*buf;
	size_t		 n;
	char		 quote;

	memset(w, 0, sizeof *w);
	buf = xmalloc(strlen(line) + 1);
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		n = 0;
		quote = 0;
		while (*p != '\0' && (quote != 0 || (*p != ' ' && *p != '\t' &&
		    *p != '\r' && *p != '\n'))) {
			if (quote == 0 && (*p == '"' || *p == '\'')) {
				quote = *p++;
			} else if (quote != 0 && *p == quote) {
				quote = 0;
				p++;
			} else if (quote == '"' && *p == '\\' && p[1] != '\0') {
				buf[n++] = words_unescape(p[1]);
				p += 2;
			} else
				buf[n++] = *p++;
		}
		if (quote != 0) {
			snprintf(err, errlen, "unbalanced %c quote", quote);
			goto fail;
		}
		if (words_add(w, buf, n) != 0) {
			snprintf(err, errlen, "too many words (at most %d)",
			    WORDS_MAX);
			goto fail;
		}
	}
	free(buf);
	return (0);
fail:
	free(buf);
	words_free(w);
	return (-1);
}

int
words_statements(const char *script, struct words *w, char *err,
    size_t errlen)
{
	const char	*p = script, *start = script;
	char		 quote = 0;

	memset(w, 0, sizeof *w);
	for (;; p++) {
		if (quote == 0 && (*p == ';' || *p == '\n' || *p == '\0')) {
			const char	*a = start, *b = p;

			while (a < b && (*a == ' ' || *a == '\t' || *a == '\r'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t' ||
			    b[-1] == '\r'))
				b--;
			if (b > a && words_add(w, a, (size_t)(b - a)) != 0) {
				snprintf(err, errlen, "too many statements "
				    "(at most %d)", WORDS_MAX);
				words_free(w);
				return (-1);
			}
			if (*p == '\0')
				break;
			start = p + 1;
		} else if (quote == 0 && (*p == '"' || *p == '\''))
			quote = *p;
		else if (quote != 0 && *p == quote)
			quote = 0;
		else if (quote == '"' && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '\0')
			break;
	}
	if (quote != 0) {
		snprintf(err, errlen, "unbalanced %c quote", quote);
		words_free(w);
		return (-1);
	}
	return (0);
}

void
words_free(struct words *w)
{
	int	i;

	for (i = 0; i < w->argc; i++)
		free(w->argv[i]);
	free(w->argv);
	memset(w, 0, sizeof *w);
}

char *
words_join(const struct words *w, int from)
{
	size_t	 n = 1;
	char	*s;
	int	 i;

	for (i = from; i < w->argc; i++)
		n += strlen(w->argv[i]) + 1;
	s = xmalloc(n);
	s[0] = '\0';
	for (i = from; i < w->argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, w->argv[i]);
	}
	return (s);
}

int
words_is_number(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return (0);
	return (1);
}
