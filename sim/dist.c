/*
 * dist.c: the random streams of hotline-sim. Every replication seeds its
 * own generator, so a run is reproducible from its seed on any machine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define MS_PER_S	1000.0
/* Above this mean a Poisson count is drawn from its normal approximation
 * (the exact product method costs a draw per event). */
#define POISSON_EXACT_MAX	60.0

static uint64_t
rng_rotl(uint64_t x, int k)
{
	return ((x << k) | (x >> (64 - k)));
}

/* splitmix64 spreads a small seed over the whole state. */
void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	uint64_t	z;
	int		i;

	for (i = 0; i < 4; i++) {
		seed += 0x9e3779b97f4a7c15ULL;
		z = seed;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		r->s[i] = z ^ (z >> 31);
	}
}

static uint64_t
rng_next(struct sim_rng *r)
{
	uint64_t	result = rng_rotl(r->s[1] * 5, 7) * 9;
	uint64_t	t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rng_rotl(r->s[3], 45);
	return (result);
}

double
sim_rng_unit(struct sim_rng *r)
{
	/* 53 bits, shifted off zero so that log() is finite */
	return (((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0);
}

double
sim_rng_normal(struct sim_rng *r)
{
	double	u = sim_rng_unit(r), v = sim_rng_unit(r);

	return (sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v));
}

long
sim_rng_poisson(struct sim_rng *r, double mean)
{
	double	limit, p;
	long	k;

	if (mean <= 0)
		return (0);
	if (mean > POISSON_EXACT_MAX) {
		k = lround(mean + sqrt(mean) * sim_rng_normal(r));
		return (k < 0 ? 0 : k);
	}
	limit = exp(-mean);
	p = sim_rng_unit(r);
	for (k = 0; p > limit; k++)
		p *= sim_rng_unit(r);
	return (k);
}

/* "exp:180", "lognormal:180,90", "const:5" or "none"; seconds. */
int
sim_dist_parse(const char *s, struct sim_dist *d, char *err, size_t errlen)
{
	const char	*text = s;
	char		*end;

	memset(d, 0, sizeof *d);
	if (strcmp(s, "none") == 0) {
		d->kind = DIST_NONE;
		return (0);
	}
	if (strncmp(s, "exp:", 4) == 0) {
		d->kind = DIST_EXP;
		s += 4;
	} else if (strncmp(s, "lognormal:", 10) == 0) {
		d->kind = DIST_LOGNORMAL;
		s += 10;
	} else if (strncmp(s, "const:", 6) == 0) {
		d->kind = DIST_CONST;
		s += 6;
	} else
		goto bad;
	d->mean = strtod(s, &end);
	if (end == s || d->mean < 0 || !isfinite(d->mean))
		goto bad;
	if (d->kind == DIST_LOGNORMAL) {
		if (*end != ',')
			goto bad;
		s = end + 1;
		d->sd = strtod(s, &end);
		if (end == s || d->sd <= 0 || d->mean <= 0 ||
		    !isfinite(d->sd))
			goto bad;
	}
	if (*end != '\0')
		goto bad;
	return (0);
bad:
	snprintf(err, errlen, "bad distribution '%s' (exp:MEAN, "
	    "lognormal:MEAN,SD, const:VALUE or none; seconds)", text);
	return (-1);
}

hl_ms
sim_dist_draw(const struct sim_dist *d, struct sim_rng *r)
{
	double	s, sigma2, mu;

	switch (d->kind) {
	case DIST_NONE:
		return (-1);
	case DIST_CONST:
		s = d->mean;
		break;
	case DIST_EXP:
		s = -d->mean * log(sim_rng_unit(r));
		break;
	case DIST_LOGNORMAL:
		/* mean and sd of the variable, not of its log */
		sigma2 = log(1.0 + (d->sd * d->sd) / (d->mean * d->mean));
		mu = log(d->mean) - sigma2 / 2.0;
		s = exp(mu + sqrt(sigma2) * sim_rng_normal(r));
		break;
	default:
		return (-1);
	}
	return ((hl_ms)llround(s * MS_PER_S));
}

double
sim_dist_mean(const struct sim_dist *d)
{
	return (d->kind == DIST_NONE ? 0.0 : d->mean);
}

const char *
sim_dist_format(const struct sim_dist *d, char *buf, size_t len)
{
	switch (d->kind) {
	case DIST_CONST:
		snprintf(buf, len, "const:%g", d->mean);
		break;
	case DIST_EXP:
		snprintf(buf, len, "exp:%g", d->mean);
		break;
	case DIST_LOGNORMAL:
		snprintf(buf, len, "lognormal:%g,%g", d->mean, d->sd);
		break;
	default:
		snprintf(buf, len, "none");
		break;
	}
	return (buf);
}
