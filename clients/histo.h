/*
 * histo.h: a log-linear latency histogram in the manner of HdrHistogram.
 * Values (microseconds) below 256 have a bucket each; above, every power of
 * two is split into 128 buckets, so a reported value is within 0.8% of the
 * true one. Recording is O(1), a percentile is one pass over 4096 counters,
 * and no sample is kept or sorted.
 */
#ifndef HOTLINE_HISTO_H
#define HOTLINE_HISTO_H

#include <stdint.h>

#define HISTO_SUB_BITS	8
#define HISTO_MAX_BITS	38		/* values clamp at 2^38 us, 76 hours */
#define HISTO_SUB	(1u << HISTO_SUB_BITS)
#define HISTO_HALF	(HISTO_SUB / 2)
#define HISTO_BUCKETS	(HISTO_SUB + (HISTO_MAX_BITS - HISTO_SUB_BITS) * \
			    HISTO_HALF)

struct histo {
	uint64_t	count;
	uint64_t	sum;
	uint64_t	min;
	uint64_t	max;
	uint64_t	b[HISTO_BUCKETS];
};

void		histo_init(struct histo *);
void		histo_add(struct histo *, uint64_t value);
void		histo_merge(struct histo *, const struct histo *);
/* The value at percentile pct (0-100]: 0 when empty, never above max. */
uint64_t	histo_percentile(const struct histo *, double pct);
double		histo_mean(const struct histo *);

#endif
