/*
 * throttle.h: password guesses (AUTH, AGENT PASSWD ... OLD), counted per
 * source address and per (address, user). An attempt counts when it
 * arrives, before its hash is checked, so that guesses sent in parallel
 * cannot outrun the count. Each failure makes the next answer wait longer;
 * past a count the pair, or the whole address, is locked for a while and
 * even a right password is refused from there. A user is never locked
 * out from an address that did not fail. Entries age out; the table is
 * bounded.
 */
#ifndef HOTLINE_THROTTLE_H
#define HOTLINE_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct throttle_conf {
	hl_ms	delay;		/* first failure's delay; doubles after */
	hl_ms	delay_max;
	int	lock_after;	/* failures that lock (address, user); 0: never */
	int	addr_lock_after;	/* ... that lock the address; 0: never */
	hl_ms	lock_time;
};

void	throttle_configure(const struct throttle_conf *);
void	throttle_clear(void);
/*
 * An attempt arrives: -1 if the pair or the address is locked, or has
 * failed and would be locked once the attempts in flight failed too
 * (refuse it unchecked); else 0, and the attempt is in flight until
 * throttle_fail, _success or _cancel.
 */
int	throttle_begin(const char *addr, const char *user, hl_ms now);
/* The attempt failed (or its client left): how long its answer waits. */
hl_ms	throttle_fail(const char *addr, const char *user, hl_ms now);
/* The attempt succeeded: the pair's failures are forgotten. */
void	throttle_success(const char *addr, const char *user);
/* The attempt ended neither way (the password was right but a lock came
 * meanwhile). */
void	throttle_cancel(const char *addr, const char *user);
/* 1 while the pair or the address is locked. */
int	throttle_locked(const char *addr, const char *user, hl_ms now);
size_t	throttle_entries(void);
/* Attempts refused unchecked because of a lock. */
uint64_t throttle_refusals(void);

#endif
