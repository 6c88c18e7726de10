/* histo.c: log-linear histogram; see histo.h. */
#include <string.h>

#include "histo.h"

#define HISTO_MAX_VALUE	((UINT64_C(1) << HISTO_MAX_BITS) - 1)

/*
 * Below HISTO_SUB a value is its own index. Above, with shift chosen so
 * that value >> shift falls in [HISTO_HALF, HISTO_SUB), each power of two
 * takes the next HISTO_HALF indexes.
 */
static unsigned
histo_index(uint64_t v)
{
	unsigned	msb, shift;

	if (v < HISTO_SUB)
		return ((unsigned)v);
	msb = 63 - (unsigned)__builtin_clzll(v);
	shift = msb - HISTO_SUB_BITS + 1;
	return (HISTO_SUB + (shift - 1) * HISTO_HALF +
	    (unsigned)(v >> shift) - HISTO_HALF);
}

/* The highest value that lands in bucket i, as HdrHistogram reports. */
static uint64_t
histo_highest(unsigned i)
{
	unsigned	j, shift;
	uint64_t	low;

	if (i < HISTO_SUB)
		return (i);
	j = i - HISTO_SUB;
	shift = j / HISTO_HALF + 1;
	low = (uint64_t)(j % HISTO_HALF + HISTO_HALF) << shift;
	return (low + (UINT64_C(1) << shift) - 1);
}

void
histo_init(struct histo *h)
{
	memset(h, 0, sizeof *h);
}

void
histo_add(struct histo *h, uint64_t v)
{
	if (v > HISTO_MAX_VALUE)
		v = HISTO_MAX_VALUE;
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	h->b[histo_index(v)]++;
}

void
histo_merge(struct histo *h, const struct histo *o)
{
	unsigned	i;

	if (o->count == 0)
		return;
	if (h->count == 0 || o->min < h->min)
		h->min = o->min;
	if (o->max > h->max)
		h->max = o->max;
	h->count += o->count;
	h->sum += o->sum;
	for (i = 0; i < HISTO_BUCKETS; i++)
		h->b[i] += o->b[i];
}

uint64_t
histo_percentile(const struct histo *h, double pct)
{
	uint64_t	need, seen = 0, v;
	double		want;
	unsigned	i;

	if (h->count == 0)
		return (0);
	if (pct > 100.0)
		pct = 100.0;
	want = pct / 100.0 * (double)h->count;
	need = (uint64_t)want;
	if ((double)need < want)
		need++;
	if (need == 0)
		need = 1;
	for (i = 0; i < HISTO_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= need)
			break;
	}
	if (i == HISTO_BUCKETS)
		return (h->max);
	v = histo_highest(i);
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return (v);
}

double
histo_mean(const struct histo *h)
{
	return (h->count != 0 ? (double)h->sum / (double)h->count : 0.0);
}
