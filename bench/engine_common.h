/*
 * engine_common.h: what the engine benchmarks (bench/engine_route.c,
 * bench/engine_sla.c) share: clocks, memory readings, medians, and a floor
 * of customers and tickets with the tier mix standard/silver/gold/diamond
 * 70/20/8/2. Virtual time, no daemon, no I/O.
 */
#ifndef BENCH_ENGINE_COMMON_H
#define BENCH_ENGINE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define BENCH_CUSTOMERS	1000
#define BENCH_NTIERS	4

extern const char		*bench_tiers[BENCH_NTIERS];
extern const struct actor	 bench_admin, bench_sup, bench_pbx;
extern char			 bench_err[ENGINE_ERRMAX];

/* Names the program in messages. */
void		 bench_init(const char *progname);
/* Thread CPU time (what other processes take does not count), wall time. */
double		 bench_cpu_s(void);
double		 bench_wall_s(void);
long		 bench_rss_bytes(void);
size_t		 bench_heap_bytes(void);
double		 bench_median(double *, int);
/* Exits with the engine's message unless rc is ENGINE_OK. */
void		 bench_check(int rc, const char *what);
/* The next tier of the 70/20/8/2 mix, evenly spread. */
const char	*bench_next_tier(void);
/* Customers +33600000000.. with tiers in turn. */
void		 bench_add_customers(struct engine *, hl_ms now);
/*
 * TICKET CREATE in queue for customer i mod BENCH_CUSTOMERS, manual
 * priority -3..3 by i, tier from the mix unless given.
 */
uint64_t	 bench_create(struct engine *, hl_ms now, uint64_t i,
		    const char *queue, const char *tier);
/* Freeing a million tickets measures nothing: only when asked (or small). */
int		 bench_want_free(uint64_t n);

#endif
