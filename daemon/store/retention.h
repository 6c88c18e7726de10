/*
 * retention.h: closed and abandoned tickets older than [retention] keep
 * are deleted with their events and facts, in small batches on a timer
 * of the loop (each batch one short transaction), so the journal stays a
 * bounded size without a pause anyone notices. Open tickets are never
 * deleted. Reports then say they reach back to the cutoff.
 */
#ifndef HOTLINE_RETENTION_H
#define HOTLINE_RETENTION_H

#include <stdint.h>

#include "engine.h"

/* A short pause between full batches: the loop serves others between. */
#define RETENTION_PAUSE_MS	20

struct retention_stats {
	uint64_t	batches;
	uint64_t	tickets;
	uint64_t	events;
	uint64_t	facts;
	uint64_t	failures;
	hl_ms		last_cutoff;
	uint64_t	last_batch_usec;
	uint64_t	max_batch_usec;
};

int	retention_start(void);
void	retention_stop(void);
const struct retention_stats *retention_stats(void);

#endif
