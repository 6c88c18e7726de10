#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "journal.h"
#include "log.h"
#include "retention.h"
#include "server.h"
#include "store.h"

static struct event		*retention_timer;
static struct retention_stats	 retention;

static void
retention_arm(hl_ms ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(retention_timer, &tv);
}

static uint64_t
retention_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

/*
 * One batch per tick; a full one is followed by the next after a short
 * pause, otherwise after [retention] interval. Changes still waiting for
 * the commit of this iteration (a ticket being rated, say) go first: the
 * batch waits for the next tick.
 */
static void
retention_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store_pruned	p;
	char			err[STORE_ERRMAX];
	hl_ms			keep = server.cfg.retention_keep, cutoff;
	uint64_t		t0, us;

	if (keep <= 0) {
		retention_arm(server.cfg.retention_interval);
		return;
	}
	if (journal_pending(server.journal)) {
		retention_arm(RETENTION_PAUSE_MS);
		return;
	}
	cutoff = server_now() - keep;
	t0 = retention_usec();
	if (store_prune(server.store, cutoff, server.cfg.retention_batch, &p,
	    err) != 0) {
		retention.failures++;
		log_warnx("retention: %s", err);
		retention_arm(server.cfg.retention_interval);
		return;
	}
	us = retention_usec() - t0;
	retention.batches++;
	retention.tickets += p.tickets;
	retention.events += p.events;
	retention.facts += p.facts;
	retention.last_cutoff = cutoff;
	retention.last_batch_usec = us;
	if (us > retention.max_batch_usec)
		retention.max_batch_usec = us;
	if (p.tickets > 0 || p.facts > 0)
		log_info("retention: deleted %llu tickets, %llu events, %llu "
		    "facts last changed before %lld in %llu us",
		    (unsigned long long)p.tickets,
		    (unsigned long long)p.events, (unsigned long long)p.facts,
		    (long long)cutoff, (unsigned long long)us);
	retention_arm(p.more ? RETENTION_PAUSE_MS :
	    server.cfg.retention_interval);
}

/* The first batch runs soon after start; the configuration is read at
 * every tick, so a reload takes effect at the next one. */
int
retention_start(void)
{
	if ((retention_timer = evtimer_new(server.base, retention_cb,
	    NULL)) == NULL)
		return (-1);
	retention_arm(RETENTION_PAUSE_MS);
	return (0);
}

void
retention_stop(void)
{
	if (retention_timer != NULL)
		event_free(retention_timer);
	retention_timer = NULL;
}

const struct retention_stats *
retention_stats(void)
{
	return (&retention);
}
