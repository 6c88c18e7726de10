/* xmalloc.c: the allocation wrappers of xmalloc.h (tmux's xmalloc.c shape). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

void
xmalloc_fatal(const char *what, size_t size)
{
	char	line[128];
	int	n;

	/* No stdio buffers and no allocation: memory is what we lack. */
	n = snprintf(line, sizeof line, "fatal: %s of %zu bytes: out of "
	    "memory\n", what, size);
	if (n > 0)
		(void)write(STDERR_FILENO, line, (size_t)n < sizeof line ?
		    (size_t)n : sizeof line - 1);
	abort();
}

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		xmalloc_fatal("malloc", size);
	return (p);
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		xmalloc_fatal("calloc", nmemb * size);
	return (p);
}

void *
xreallocarray(void *old, size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (size > SIZE_MAX / nmemb)
		xmalloc_fatal("reallocarray (overflow)", SIZE_MAX);
	if ((p = realloc(old, nmemb * size)) == NULL)
		xmalloc_fatal("realloc", nmemb * size);
	return (p);
}

char *
xstrdup(const char *s)
{
	return (xmemdup(s, strlen(s)));
}

char *
xstrndup(const char *s, size_t max)
{
	return (xmemdup(s, strnlen(s, max)));
}

char *
xmemdup(const void *src, size_t len)
{
	char	*p;

	if (len == SIZE_MAX)
		xmalloc_fatal("memdup (overflow)", len);
	p = xmalloc(len + 1);
	if (len > 0)
		memcpy(p, src, len);
	p[len] = '\0';
	return (p);
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = xvasprintf(out, fmt, ap);
	va_end(ap);
	return (n);
}

int
xvasprintf(char **out, const char *fmt, va_list ap)
{
	int	n;

	if ((n = vasprintf(out, fmt, ap)) < 0)
		xmalloc_fatal("vasprintf", 0);
	return (n);
}
