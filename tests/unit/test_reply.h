/*
 * test_reply.h: hiredis replies built by hand, for the client tests
 * (test_clients.c, test_console_model.c): strings, integers, errors and
 * arrays (a map reply is an array of alternating keys and values).
 * Included by one test program each: the helpers are static.
 */
#ifndef HOTLINE_TEST_REPLY_H
#define HOTLINE_TEST_REPLY_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

static redisReply *
reply_str(int type, const char *s)
{
	redisReply	*r = calloc(1, sizeof *r);

	r->type = type;
	r->str = strdup(s);
	r->len = strlen(s);
	return (r);
}

static redisReply *
reply_int_new(long long v)
{
	redisReply	*r = calloc(1, sizeof *r);

	r->type = REDIS_REPLY_INTEGER;
	r->integer = v;
	return (r);
}

static void
reply_free(redisReply *r)
{
	size_t	i;

	for (i = 0; i < r->elements; i++)
		reply_free(r->element[i]);
	free(r->element);
	free(r->str);
	free(r);
}

/* An array of n replies (a map reply: alternating keys and values). */
static redisReply *
reply_map(int n, ...)
{
	redisReply	*r = calloc(1, sizeof *r);
	va_list		 ap;
	int		 i;

	r->type = REDIS_REPLY_ARRAY;
	r->elements = (size_t)n;
	r->element = calloc((size_t)n, sizeof *r->element);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		r->element[i] = va_arg(ap, redisReply *);
	va_end(ap);
	return (r);
}

#endif
