/*
 * calendar.c: business hours over a zone table. Every query walks local
 * days: a day's spans become UTC intervals through the zone (so DST days
 * are shorter or longer on their own), and runs of whole weeks with one
 * UTC offset and no holiday are skipped in one step, since each holds
 * exactly the nominal weekly hours. Civil dates use Howard Hinnant's
 * days-from-civil algorithms; nothing here reads a clock or the libc zone.
 * The settings' text (hours, days, dates) is parsed in calparse.c.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"

#define SEC_MS		1000LL
#define MIN_MS		(60 * SEC_MS)
#define HOUR_MS		(60 * MIN_MS)
#define SCAN_DAYS	732	/* cal_next_change horizon: two years */

struct cal_iv {
	int64_t	a, b;		/* [a, b) in UTC ms */
};

static int64_t
cal_floor_div(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	if (a % b != 0 && ((a < 0) != (b < 0)))
		q--;
	return (q);
}

static int64_t
cal_clamp(int64_t t)
{
	if (t < CAL_MIN_MS)
		return (CAL_MIN_MS);
	if (t > CAL_MAX_MS)
		return (CAL_MAX_MS);
	return (t);
}

int64_t
cal_days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

void
cal_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Day 0 (1970-01-01) was a Thursday, 3 counting from Monday. */
int
cal_weekday(int64_t days)
{
	int64_t	w = (days + 3) % CAL_WEEK_DAYS;

	return ((int)(w < 0 ? w + CAL_WEEK_DAYS : w));
}

int
cal_days_in_month(int64_t y, int m)
{
	static const int	mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return (0);
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return (29);
	return (mdays[m - 1]);
}

/* Regime i: before at_ms[0] for i = 0, else from at_ms[i - 1]. */
static int64_t
cal_zone_off_ms(const struct cal_zone *z, size_t i)
{
	return (SEC_MS * (i == 0 ? z->initial_offset_s : z->offset_s[i - 1]));
}

/* The regime in force at t: how many transitions are at or before t. */
static size_t
cal_zone_regime(const struct cal_zone *z, int64_t t)
{
	size_t	lo = 0, hi = z->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->at_ms[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

int32_t
cal_zone_offset(const struct cal_zone *z, int64_t t)
{
	return ((int32_t)(cal_zone_off_ms(z, cal_zone_regime(z, t)) / SEC_MS));
}

int64_t
cal_utc_to_local(const struct cal_zone *z, int64_t t)
{
	return (t + cal_zone_off_ms(z, cal_zone_regime(z, t)));
}

/*
 * The earliest instant whose wall clock reads local or later: the first
 * occurrence in an overlap, the transition itself in a gap. That is the
 * first regime whose last wall-clock reading lies beyond local; the step
 * back guards tables where two transitions sit closer than their jumps.
 */
int64_t
cal_local_to_utc(const struct cal_zone *z, int64_t local)
{
	size_t	lo = 0, hi = z->n, mid;
	int64_t	u;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->at_ms[mid] + cal_zone_off_ms(z, mid) > local)
			hi = mid;
		else
			lo = mid + 1;
	}
	while (lo > 0 && z->at_ms[lo - 1] + cal_zone_off_ms(z, lo - 1) > local)
		lo--;
	u = local - cal_zone_off_ms(z, lo);
	if (lo > 0 && u < z->at_ms[lo - 1])
		u = z->at_ms[lo - 1];
	return (u);
}

void
cal_to_civil(const struct cal_zone *z, int64_t t, struct cal_civil *cv)
{
	int64_t	off = cal_zone_off_ms(z, cal_zone_regime(z, t));
	int64_t	local = t + off;
	int64_t	days = cal_floor_div(local, CAL_DAY_MS);
	int64_t	rem = local - days * CAL_DAY_MS;

	cal_civil_from_days(days, &cv->year, &cv->month, &cv->day);
	cv->hour = (int)(rem / HOUR_MS);
	cv->min = (int)(rem / MIN_MS % 60);
	cv->sec = (int)(rem / SEC_MS % 60);
	cv->ms = (int)(rem % SEC_MS);
	cv->wday = cal_weekday(days);
	cv->offset_s = (int32_t)(off / SEC_MS);
}

/* Fields beyond their range carry over (hour 24 is the next midnight). */
int64_t
cal_from_civil(const struct cal_zone *z, const struct cal_civil *cv)
{
	int64_t	days;

	days = cal_days_from_civil(cv->year, cv->month, 1) + cv->day - 1;
	return (cal_local_to_utc(z, days * CAL_DAY_MS + cv->hour * HOUR_MS +
	    cv->min * MIN_MS + cv->sec * SEC_MS + cv->ms));
}

void
cal_init(struct calendar *c, const char *name)
{
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name != NULL ? name : "");
}

void
cal_set_zone(struct calendar *c, const struct cal_zone *z)
{
	if (z != NULL)
		c->zone = *z;
	else
		memset(&c->zone, 0, sizeof c->zone);
}

void
cal_set_hours(struct calendar *c, unsigned daymask, const struct cal_span *s,
    int n)
{
	int	wd;

	if (n > CAL_MAX_SPANS)
		n = CAL_MAX_SPANS;
	if (n < 0)
		n = 0;
	for (wd = 0; wd < CAL_WEEK_DAYS; wd++) {
		if ((daymask & (1u << wd)) == 0)
			continue;
		memcpy(c->week[wd], s, (size_t)n * sizeof *s);
		c->nspans[wd] = n;
	}
}

static int
cal_date_cmp(const struct cal_date *a, const struct cal_date *b)
{
	if (a->year != b->year)
		return (a->year < b->year ? -1 : 1);
	if (a->month != b->month)
		return (a->month < b->month ? -1 : 1);
	if (a->day != b->day)
		return (a->day < b->day ? -1 : 1);
	return (0);
}

/* Index of the first date >= key in a sorted array. */
static int
cal_date_lower(const struct cal_date *v, int n, const struct cal_date *key)
{
	int	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cal_date_cmp(&v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* The date exists: a yearly one (year 0) in a leap year. */
int
cal_date_valid(const struct cal_date *d)
{
	if (d->month < 1 || d->month > 12 || d->day < 1)
		return (0);
	if (d->year == 0)	/* yearly: 02-29 counts in leap years */
		return (d->day <= cal_days_in_month(2000, d->month));
	if (d->year < 1 || d->year > 9999)
		return (0);
	return (d->day <= cal_days_in_month(d->year, d->month));
}

/* Sorted insertion keeps cal_is_holiday a binary search; repeats are no-ops. */
int
cal_add_holiday(struct calendar *c, const struct cal_date *d, char *err,
    size_t errlen)
{
	struct cal_date	*v = d->year == 0 ? c->yearly : c->oneoff;
	int		*n = d->year == 0 ? &c->nyearly : &c->noneoff;
	int		 max = d->year == 0 ? CAL_MAX_YEARLY : CAL_MAX_ONEOFF;
	int		 i;

	if (!cal_date_valid(d)) {
		snprintf(err, errlen, "invalid holiday %04d-%02d-%02d",
		    d->year, d->month, d->day);
		return (-1);
	}
	i = cal_date_lower(v, *n, d);
	if (i < *n && cal_date_cmp(&v[i], d) == 0)
		return (0);
	if (*n == max) {
		snprintf(err, errlen, "too many %s holidays (max %d)",
		    d->year == 0 ? "yearly" : "one-off", max);
		return (-1);
	}
	memmove(&v[i + 1], &v[i], (size_t)(*n - i) * sizeof *v);
	v[i] = *d;
	(*n)++;
	return (0);
}

int
cal_is_holiday(const struct calendar *c, int64_t day)
{
	struct cal_date	key;
	int64_t		y;
	int		i;

	cal_civil_from_days(day, &y, &key.month, &key.day);
	for (i = 0; i < c->nyearly; i++) {
		if (c->yearly[i].month == key.month &&
		    c->yearly[i].day == key.day)
			return (1);
	}
	if (c->noneoff == 0 || y < 1 || y > 9999)
		return (0);
	key.year = (int)y;
	i = cal_date_lower(c->oneoff, c->noneoff, &key);
	return (i < c->noneoff && cal_date_cmp(&c->oneoff[i], &key) == 0);
}

/* The first holiday on or after local day, INT64_MAX if none. */
static int64_t
cal_next_holiday(const struct calendar *c, int64_t day)
{
	const struct cal_date	*h;
	struct cal_date		 key;
	int64_t			 y, best = INT64_MAX, hd;
	int			 i, k;

	cal_civil_from_days(day, &y, &key.month, &key.day);
	for (i = 0; i < c->nyearly; i++) {
		h = &c->yearly[i];
		/* 02-29 can be eight years away (2096 -> 2104). */
		for (k = 0; k <= 8; k++) {
			if (h->day > cal_days_in_month(y + k, h->month))
				continue;
			hd = cal_days_from_civil(y + k, h->month, h->day);
			if (hd >= day) {
				if (hd < best)
					best = hd;
				break;
			}
		}
	}
	if (c->noneoff > 0) {
		key.year = (int)(y < 0 ? 0 : y > 9999 ? 9999 : y);
		i = cal_date_lower(c->oneoff, c->noneoff, &key);
		if (i < c->noneoff) {
			h = &c->oneoff[i];
			hd = cal_days_from_civil(h->year, h->month, h->day);
			if (hd >= day && hd < best)
				best = hd;
		}
	}
	return (best);
}

static int64_t
cal_day_start(const struct calendar *c, int64_t day)
{
	return (cal_local_to_utc(&c->zone, day * CAL_DAY_MS));
}

/*
 * The local day whose [00:00, next 00:00) holds t. The wall-clock date can
 * disagree when midnight falls in an overlap; the interval decides.
 */
static int64_t
cal_day_of(const struct calendar *c, int64_t t)
{
	int64_t	d = cal_floor_div(cal_utc_to_local(&c->zone, t), CAL_DAY_MS);

	while (cal_day_start(c, d + 1) <= t)
		d++;
	while (cal_day_start(c, d) > t)
		d--;
	return (d);
}

static int
cal_nspans(const struct calendar *c, int wd)
{
	int	n = c->nspans[wd];

	return (n < 0 ? 0 : n > CAL_MAX_SPANS ? CAL_MAX_SPANS : n);
}

/* A day's open intervals in UTC, in order, empty ones dropped. */
static int
cal_day_ivs(const struct calendar *c, int64_t day, struct cal_iv *iv)
{
	const struct cal_span	*s;
	int64_t			 base = day * CAL_DAY_MS, a, b;
	int			 wd = cal_weekday(day), ns = cal_nspans(c, wd);
	int			 i, n = 0;

	if (ns == 0 || cal_is_holiday(c, day))
		return (0);
	for (i = 0; i < ns; i++) {
		s = &c->week[wd][i];
		a = cal_local_to_utc(&c->zone, base + s->start_min * MIN_MS);
		b = cal_local_to_utc(&c->zone, base + s->end_min * MIN_MS);
		if (b > a) {
			iv[n].a = a;
			iv[n].b = b;
			n++;
		}
	}
	return (n);
}

/* Nominal business ms in a week without holidays or offset changes. */
static int64_t
cal_week_ms(const struct calendar *c)
{
	const struct cal_span	*s;
	int64_t			 w = 0;
	int			 wd, i;

	for (wd = 0; wd < CAL_WEEK_DAYS; wd++) {
		for (i = 0; i < cal_nspans(c, wd); i++) {
			s = &c->week[wd][i];
			w += (s->end_min - s->start_min) * MIN_MS;
		}
	}
	return (w);
}

/*
 * How many whole weeks from local day (which starts at ds) can be skipped:
 * one UTC offset throughout (so every span has its nominal length), no
 * holiday, the last skipped midnight at or before end, at most max weeks.
 */
static int64_t
cal_skip_weeks(const struct calendar *c, int64_t day, int64_t ds, int64_t end,
    int64_t max)
{
	size_t	k = cal_zone_regime(&c->zone, ds);
	int64_t	off = cal_zone_off_ms(&c->zone, k), last, e, w;

	if (ds != day * CAL_DAY_MS - off)
		return (0);	/* midnight itself is in a gap */
	last = cal_floor_div(end + off, CAL_DAY_MS);
	if (k < c->zone.n) {
		/* Every skipped midnight, the last one too, before it. */
		e = cal_floor_div(c->zone.at_ms[k] + off - 1, CAL_DAY_MS);
		if (e < last)
			last = e;
	}
	e = cal_next_holiday(c, day);
	if (e < last)
		last = e;
	w = (last - day) / CAL_WEEK_DAYS;
	return (w < 0 ? 0 : w > max ? max : w);
}

int
cal_is_open(const struct calendar *c, int64_t t)
{
	struct cal_iv	iv[CAL_MAX_SPANS];
	int		i, n;

	if (c->always_open)
		return (1);
	t = cal_clamp(t);
	n = cal_day_ivs(c, cal_day_of(c, t), iv);
	for (i = 0; i < n; i++) {
		if (iv[i].a <= t && t < iv[i].b)
			return (1);
	}
	return (0);
}

int64_t
cal_business_ms(const struct calendar *c, int64_t from, int64_t to)
{
	struct cal_iv	iv[CAL_MAX_SPANS];
	int64_t		total = 0, day, ds, w, week, lo, hi;
	int		i, n;

	from = cal_clamp(from);
	to = cal_clamp(to);
	if (to <= from)
		return (0);
	if (c->always_open)
		return (to - from);
	if ((week = cal_week_ms(c)) == 0)
		return (0);
	for (day = cal_day_of(c, from);; day++) {
		ds = cal_day_start(c, day);
		if (ds >= to)
			break;
		if (ds >= from && to - ds > CAL_WEEK_DAYS * CAL_DAY_MS &&
		    (w = cal_skip_weeks(c, day, ds, to, INT64_MAX)) > 0) {
			total += w * week;
			day += CAL_WEEK_DAYS * w - 1;
			continue;
		}
		n = cal_day_ivs(c, day, iv);
		for (i = 0; i < n; i++) {
			lo = iv[i].a > from ? iv[i].a : from;
			hi = iv[i].b < to ? iv[i].b : to;
			if (hi > lo)
				total += hi - lo;
		}
	}
	return (total);
}

int64_t
cal_add_business(const struct calendar *c, int64_t from, int64_t dur)
{
	struct cal_iv	iv[CAL_MAX_SPANS];
	int64_t		rem = dur, day, ds, w, week, lo;
	int		i, n;

	if (dur <= 0)
		return (from);
	if (c->always_open)
		return (from > INT64_MAX - dur ? INT64_MAX : from + dur);
	if ((week = cal_week_ms(c)) == 0)
		return (INT64_MAX);
	from = cal_clamp(from);
	for (day = cal_day_of(c, from);; day++) {
		ds = cal_day_start(c, day);
		if (ds >= CAL_MAX_MS)
			return (INT64_MAX);
		/* Keep the last (partial or exact) week for the span walk. */
		if (ds >= from && rem > week &&
		    (w = cal_skip_weeks(c, day, ds, CAL_MAX_MS,
		    (rem - 1) / week)) > 0) {
			rem -= w * week;
			day += CAL_WEEK_DAYS * w - 1;
			continue;
		}
		n = cal_day_ivs(c, day, iv);
		for (i = 0; i < n; i++) {
			lo = iv[i].a > from ? iv[i].a : from;
			if (iv[i].b <= lo)
				continue;
			if (rem <= iv[i].b - lo)
				return (lo + rem > CAL_MAX_MS ? INT64_MAX :
				    lo + rem);
			rem -= iv[i].b - lo;
		}
	}
}

/*
 * Walks intervals from t's day: closed, the next start is the change;
 * open, the end of the run of back-to-back intervals (a 24:00 end meets
 * the next day's 00:00 start) is.
 */
int64_t
cal_next_change(const struct calendar *c, int64_t t)
{
	struct cal_iv	iv[CAL_MAX_SPANS];
	int64_t		day, end = 0;
	int		i, n, k, open = 0;

	if (c->always_open || cal_week_ms(c) == 0 || t >= CAL_MAX_MS)
		return (INT64_MAX);
	t = cal_clamp(t);
	day = cal_day_of(c, t);
	for (k = 0; k < SCAN_DAYS; k++, day++) {
		n = cal_day_ivs(c, day, iv);
		for (i = 0; i < n; i++) {
			if (open) {
				if (iv[i].a != end)
					return (end);
				end = iv[i].b;
			} else if (iv[i].a > t) {
				return (iv[i].a);
			} else if (t < iv[i].b) {
				open = 1;
				end = iv[i].b;
			}
		}
		if (open && end < cal_day_start(c, day + 1))
			return (end);
	}
	return (INT64_MAX);
}
