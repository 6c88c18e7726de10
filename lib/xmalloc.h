/*
 * xmalloc.h: allocation that cannot fail. Running out of memory is not a
 * condition Hotline recovers from (a half-applied change is worse than a
 * restart that replays the journal), so every allocation goes through these
 * and the one out-of-memory path logs and aborts: callers check nothing.
 */
#ifndef HOTLINE_XMALLOC_H
#define HOTLINE_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
/* realloc of nmemb * size bytes, the product checked for overflow. */
void	*xreallocarray(void *, size_t nmemb, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* A copy of len bytes, NUL-terminated (for binary-safe strings). */
char	*xmemdup(const void *, size_t len);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* The one out-of-memory exit: what was wanted, then abort(). */
void	 xmalloc_fatal(const char *what, size_t) __attribute__((noreturn));

#endif
