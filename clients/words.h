/*
 * words.h: splitting what a person types into words, as a shell would:
 * blanks separate, "double quotes" allow \" \\ \n \t escapes, 'single
 * quotes' are literal. Scripts ("accept; note \"hi; there\"") split into
 * statements at ; and newlines outside quotes.
 */
#ifndef HOTLINE_CLIENT_WORDS_H
#define HOTLINE_CLIENT_WORDS_H

#include <stddef.h>

#define WORDS_MAX	256

struct words {
	int	  argc;
	char	**argv;		/* argc words, then NULL */
};

/* 0, or -1 with the reason in err (unbalanced quote, too many words). */
int	words_split(const char *line, struct words *, char *err, size_t errlen);
/* The statements of a script, each a malloc'ed string; -1 on a bad quote. */
int	words_statements(const char *script, struct words *, char *err,
	    size_t errlen);
void	words_free(struct words *);
/* Digits only (at least one): a ticket id as typed. */
int	words_is_number(const char *);
/* Words from..argc-1 joined by single spaces, malloc'ed ("" if none). */
char	*words_join(const struct words *, int from);

#endif
