#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "log.h"
#include "throttle.h"
#include "xmalloc.h"

#define THROTTLE_MAX		65536	/* entries before old ones are swept */
#define THROTTLE_KEY_MAX	(ENGINE_NAME_MAX + 140)

struct throttle_entry {
	char			 key[THROTTLE_KEY_MAX];
	int			 failures;
	int			 pending;	/* attempts in flight */
	hl_ms			 last;
	hl_ms			 locked_until;
};

static const char *
throttle_key(const void *p)
{
	return (((const struct throttle_entry *)p)->key);
}

static struct hmap		 entries = { .key = throttle_key };
static uint64_t			 refusals;
static struct throttle_conf	 conf = { 100, 5000, 10, 100, 5 * 60 * 1000 };

void
throttle_configure(const struct throttle_conf *c)
{
	conf = *c;
}

/* Entries idle for longer than a lock no longer matter. */
static int
throttle_idle(void *p, void *arg)
{
	struct throttle_entry	*e = p;
	hl_ms			 now = *(hl_ms *)arg;

	if (e->pending != 0 || e->locked_until >= now ||
	    now - e->last <= conf.lock_time)
		return (0);
	free(e);
	return (1);
}

static void
throttle_sweep(hl_ms now)
{
	hmap_sweep(&entries, throttle_idle, &now);
}

/*
 * "a <addr>" or "p <addr> <user>": an address never holds a space, so
 * the two kinds and every pair are distinct.
 */
static struct throttle_entry *
throttle_find(const char *addr, const char *user, int create, hl_ms now)
{
	struct throttle_entry	*e;
	char			 key[THROTTLE_KEY_MAX];

	if (user == NULL)
		snprintf(key, sizeof key, "a %s", addr);
	else
		snprintf(key, sizeof key, "p %s %s", addr, user);
	if ((e = hmap_str_get(&entries, key)) != NULL || !create)
		return (e);
	if (entries.n >= THROTTLE_MAX)
		throttle_sweep(now);
	if (entries.n >= THROTTLE_MAX)
		return (NULL);	/* under attack from everywhere: delays only */
	e = xcalloc(1, sizeof *e);
	memcpy(e->key, key, sizeof e->key);
	hmap_str_put(&entries, e);
	return (e);
}

/* Failures older than a lock are forgotten. */
static void
throttle_age(struct throttle_entry *e, hl_ms now)
{
	if (e != NULL && e->locked_until <= now &&
	    now - e->last > conf.lock_time)
		e->failures = 0;
}

/*
 * Locked, or would be if the attempts in flight failed. Those count only
 * once the key has failed: a pool of connections logging in at once with
 * the right password is no attack, a guesser in parallel soon is one.
 */
static int
throttle_over(struct throttle_entry *e, int limit, hl_ms now)
{
	if (e == NULL)
		return (0);
	if (e->locked_until > now)
		return (1);
	return (limit > 0 && e->failures > 0 &&
	    e->failures + e->pending >= limit);
}

int
throttle_locked(const char *addr, const char *user, hl_ms now)
{
	struct throttle_entry	*a = throttle_find(addr, NULL, 0, now);
	struct throttle_entry	*p = throttle_find(addr, user, 0, now);

	return ((a != NULL && a->locked_until > now) ||
	    (p != NULL && p->locked_until > now));
}

int
throttle_begin(const char *addr, const char *user, hl_ms now)
{
	struct throttle_entry	*a = throttle_find(addr, NULL, 1, now);
	struct throttle_entry	*p = throttle_find(addr, user, 1, now);

	throttle_age(a, now);
	throttle_age(p, now);
	if (throttle_over(a, conf.addr_lock_after, now) ||
	    throttle_over(p, conf.lock_after, now)) {
		refusals++;
		return (-1);
	}
	if (a != NULL)
		a->pending++;
	if (p != NULL)
		p->pending++;
	return (0);
}

static hl_ms
throttle_count(struct throttle_entry *e, int limit, hl_ms now,
    const char *addr, const char *user)
{
	hl_ms	delay;
	int	shift;

	if (e == NULL)
		return (conf.delay_max);
	if (e->pending > 0)
		e->pending--;
	throttle_age(e, now);
	e->failures++;
	e->last = now;
	if (limit > 0 && e->failures >= limit && e->locked_until <= now) {
		e->locked_until = now + conf.lock_time;
		if (user == NULL)
			log_warnx("auth: address %s locked for %lld s after "
			    "%d failures", addr, (long long)conf.lock_time /
			    1000, e->failures);
		else
			log_warnx("auth: user '%.64s' locked from %s for %lld "
			    "s after %d failures", user, addr,
			    (long long)conf.lock_time / 1000, e->failures);
	}
	shift = e->failures - 1 < 20 ? e->failures - 1 : 20;
	delay = conf.delay << shift;
	return (delay > conf.delay_max ? conf.delay_max : delay);
}

hl_ms
throttle_fail(const char *addr, const char *user, hl_ms now)
{
	hl_ms	a = throttle_count(throttle_find(addr, NULL, 1, now),
		    conf.addr_lock_after, now, addr, NULL);
	hl_ms	p = throttle_count(throttle_find(addr, user, 1, now),
		    conf.lock_after, now, addr, user);

	return (a > p ? a : p);
}

static void
throttle_settle(const char *addr, const char *user, int success)
{
	struct throttle_entry	*e;

	if ((e = throttle_find(addr, NULL, 0, 0)) != NULL && e->pending > 0)
		e->pending--;
	if ((e = throttle_find(addr, user, 0, 0)) != NULL) {
		if (e->pending > 0)
			e->pending--;
		if (success)
			e->failures = 0;
	}
}

/*
 * A success forgets the pair's failures, not the address's: one good
 * account must not launder an address's guesses at the others.
 */
void
throttle_success(const char *addr, const char *user)
{
	throttle_settle(addr, user, 1);
}

void
throttle_cancel(const char *addr, const char *user)
{
	throttle_settle(addr, user, 0);
}

void
throttle_clear(void)
{
	hmap_free(&entries, free);
	refusals = 0;
}

size_t
throttle_entries(void)
{
	return (entries.n);
}

uint64_t
throttle_refusals(void)
{
	return (refusals);
}
