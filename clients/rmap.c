/* rmap.c: fields of map replies, read leniently. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmap.h"

const redisReply *
rmap_get(const redisReply *map, const char *field)
{
	size_t	i;

	if (map == NULL || map->type != REDIS_REPLY_ARRAY)
		return (NULL);
	for (i = 0; i + 1 < map->elements; i += 2) {
		const redisReply *k = map->element[i];

		if ((k->type == REDIS_REPLY_STRING ||
		    k->type == REDIS_REPLY_STATUS) && strcmp(k->str, field) == 0)
			return (map->element[i + 1]);
	}
	return (NULL);
}

int
rmap_has(const redisReply *map, const char *field)
{
	return (rmap_get(map, field) != NULL);
}

const char *
rmap_str(const redisReply *map, const char *field)
{
	const redisReply	*v = rmap_get(map, field);

	if (v != NULL && (v->type == REDIS_REPLY_STRING ||
	    v->type == REDIS_REPLY_STATUS))
		return (v->str);
	return ("");
}

const char *
reply_text(const redisReply *r, char *buf, size_t len)
{
	if (r == NULL)
		return ("");
	switch (r->type) {
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		return (r->str);
	case REDIS_REPLY_INTEGER:
		snprintf(buf, len, "%lld", (long long)r->integer);
		return (buf);
	default:
		return ("");
	}
}

const char *
rmap_text(const redisReply *map, const char *field, char *buf, size_t len)
{
	return (reply_text(rmap_get(map, field), buf, len));
}

int64_t
reply_int(const redisReply *r, int64_t def)
{
	char		*end;
	long long	 v;

	if (r == NULL)
		return (def);
	if (r->type == REDIS_REPLY_INTEGER)
		return (r->integer);
	if (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)
		return (def);
	errno = 0;
	v = strtoll(r->str, &end, 10);
	if (errno != 0 || end == r->str || *end != '\0')
		return (def);
	return (v);
}

int64_t
rmap_int(const redisReply *map, const char *field, int64_t def)
{
	return (reply_int(rmap_get(map, field), def));
}

const char *
reply_error(const redisReply *r)
{
	return (r != NULL && r->type == REDIS_REPLY_ERROR ? r->str : NULL);
}

int
rmap_tiers(const redisReply *queue, char (*tiers)[RMAP_TIER_MAX], int max)
{
	size_t	i;
	int	n = 0;

	if (queue == NULL || queue->type != REDIS_REPLY_ARRAY)
		return (0);
	for (i = 0; i + 1 < queue->elements && n < max; i += 2) {
		const redisReply *k = queue->element[i];

		if (k->type == REDIS_REPLY_STRING &&
		    strncmp(k->str, "waiting.", 8) == 0)
			snprintf(tiers[n++], RMAP_TIER_MAX, "%s", k->str + 8);
	}
	return (n);
}

int
tier_level(char (*tiers)[RMAP_TIER_MAX], int n, const char *tier)
{
	if (n == 0)
		return (strcmp(tier, "diamond") == 0 ? 2 :
		    strcmp(tier, "gold") == 0 ? 1 : 0);
	if (strcmp(tiers[n - 1], tier) == 0)
		return (2);
	if (n >= 3 && strcmp(tiers[n - 2], tier) == 0)
		return (1);
	return (0);
}
