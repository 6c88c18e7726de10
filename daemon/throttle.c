#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "throttle.h"

#define THROTTLE_BUCKETS	1024
#define THROTTLE_MAX		65536	/* entries before old ones are swept */

struct throttle_entry {
	char			 key[ENGINE_NAME_MAX + 72];
	int			 failures;
	hl_ms			 last;
	hl_ms			 locked_until;
	struct throttle_entry	*next;
};

static struct throttle_entry	*buckets[THROTTLE_BUCKETS];
static size_t			 nentries;
static struct throttle_conf	 conf = { 100, 5000, 10, 5 * 60 * 1000 };

void
throttle_configure(const struct throttle_conf *c)
{
	conf = *c;
}

static unsigned
throttle_hash(const char *s)
{
	unsigned	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h % THROTTLE_BUCKETS);
}

/* Forget entries idle for longer than a lock: they no longer matter. */
static void
throttle_sweep(hl_ms now)
{
	struct throttle_entry	**pp, *e;
	size_t			 i;

	for (i = 0; i < THROTTLE_BUCKETS; i++) {
		for (pp = &buckets[i]; (e = *pp) != NULL;) {
			if (e->locked_until < now &&
			    now - e->last > conf.lock_time) {
				*pp = e->next;
				free(e);
				nentries--;
			} else
				pp = &e->next;
		}
	}
}

static struct throttle_entry *
throttle_find(const char *kind, const char *name, int create, hl_ms now)
{
	struct throttle_entry	*e;
	char			 key[sizeof e->key];
	unsigned		 h;

	snprintf(key, sizeof key, "%s:%s", kind, name);
	h = throttle_hash(key);
	for (e = buckets[h]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return (e);
	if (!create)
		return (NULL);
	if (nentries >= THROTTLE_MAX)
		throttle_sweep(now);
	if (nentries >= THROTTLE_MAX)
		return (NULL);	/* under attack from everywhere: delays only */
	if ((e = calloc(1, sizeof *e)) == NULL)
		fatalx("out of memory");
	snprintf(e->key, sizeof e->key, "%s", key);
	e->next = buckets[h];
	buckets[h] = e;
	nentries++;
	return (e);
}

int
throttle_locked(const char *addr, const char *user, hl_ms now)
{
	struct throttle_entry	*a = throttle_find("addr", addr, 0, now);
	struct throttle_entry	*u = throttle_find("user", user, 0, now);

	return ((a != NULL && a->locked_until > now) ||
	    (u != NULL && u->locked_until > now));
}

static hl_ms
throttle_count(struct throttle_entry *e, hl_ms now)
{
	hl_ms	delay;
	int	shift;

	if (e == NULL)
		return (conf.delay_max);
	if (now - e->last > conf.lock_time)
		e->failures = 0;
	e->failures++;
	e->last = now;
	if (conf.lock_after > 0 && e->failures >= conf.lock_after) {
		e->locked_until = now + conf.lock_time;
		log_warnx("auth: %s locked for %lld s after %d failures",
		    e->key, (long long)conf.lock_time / 1000, e->failures);
	}
	shift = e->failures - 1 < 20 ? e->failures - 1 : 20;
	delay = conf.delay << shift;
	return (delay > conf.delay_max ? conf.delay_max : delay);
}

hl_ms
throttle_fail(const char *addr, const char *user, hl_ms now)
{
	hl_ms	a = throttle_count(throttle_find("addr", addr, 1, now), now);
	hl_ms	u = throttle_count(throttle_find("user", user, 1, now), now);

	return (a > u ? a : u);
}

void
throttle_success(const char *addr, const char *user)
{
	struct throttle_entry	*e;

	if ((e = throttle_find("addr", addr, 0, 0)) != NULL)
		e->failures = 0;
	if ((e = throttle_find("user", user, 0, 0)) != NULL)
		e->failures = 0;
}

void
throttle_clear(void)
{
	struct throttle_entry	*e;
	size_t			 i;

	for (i = 0; i < THROTTLE_BUCKETS; i++) {
		while ((e = buckets[i]) != NULL) {
			buckets[i] = e->next;
			free(e);
		}
	}
	nentries = 0;
}

size_t
throttle_entries(void)
{
	return (nentries);
}
