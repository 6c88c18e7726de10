/*
 * rmap.h: reading hotlined's replies. A map is a flat array
 * [field, value, ...] (TICKET GET, AGENT STATUS, QUEUE STATS...); these
 * helpers find a field and read it as text or as an integer, whatever
 * the reply type, and treat anything missing as absent, not as an error.
 */
#ifndef HOTLINE_CLIENT_RMAP_H
#define HOTLINE_CLIENT_RMAP_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

/* The value of field, or NULL (not a map, or no such field). */
const redisReply *rmap_get(const redisReply *map, const char *field);
int		 rmap_has(const redisReply *map, const char *field);
/* A string or status value; "" when absent or of another type. */
const char	*rmap_str(const redisReply *map, const char *field);
/* Any scalar value as text (integers formatted into buf); "" if absent. */
const char	*rmap_text(const redisReply *map, const char *field, char *buf,
		    size_t len);
/* An integer, or a string holding one; def otherwise. */
int64_t		 rmap_int(const redisReply *map, const char *field,
		    int64_t def);
#define RMAP_TIER_MAX	64

/* The tiers named by a queue map's waiting.<tier> fields, lowest first. */
int		 rmap_tiers(const redisReply *queue, char (*tiers)[RMAP_TIER_MAX],
		    int max);
/*
 * How much a tier stands out: 2 for the top tier, 1 for the one below it
 * (with three tiers or more), 0 for the rest. Without the list (n == 0),
 * the sample's names: diamond 2, gold 1.
 */
int		 tier_level(char (*tiers)[RMAP_TIER_MAX], int n, const char *tier);
/* A reply as text: its own string, an integer, "" for nil or arrays. */
const char	*reply_text(const redisReply *r, char *buf, size_t len);
int64_t		 reply_int(const redisReply *r, int64_t def);
/* The error text of an error reply, else NULL. */
const char	*reply_error(const redisReply *r);

#endif
