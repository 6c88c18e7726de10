/*
 * throttle.h: failed AUTH attempts, counted per source address and per
 * user name. Each failure makes the next answer wait longer; past a count
 * both keys are locked for a while, and even a right password is refused.
 * A success clears both. Entries age out; the table is bounded.
 */
#ifndef HOTLINE_THROTTLE_H
#define HOTLINE_THROTTLE_H

#include "engine.h"

struct throttle_conf {
	hl_ms	delay;		/* first failure's delay; doubles after */
	hl_ms	delay_max;
	int	lock_after;	/* failures that lock the address or user */
	hl_ms	lock_time;
};

void	throttle_configure(const struct throttle_conf *);
void	throttle_clear(void);
/* 1 while the address or the user is locked. */
int	throttle_locked(const char *addr, const char *user, hl_ms now);
/* Count a failure; how long its answer must wait. */
hl_ms	throttle_fail(const char *addr, const char *user, hl_ms now);
void	throttle_success(const char *addr, const char *user);
size_t	throttle_entries(void);

#endif
