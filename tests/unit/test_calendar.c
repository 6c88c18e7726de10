/*
 * test_calendar.c: business-hours calendars (daemon/engine/calendar.c) and
 * the TZif/POSIX zone loader (daemon/config/tzfile.c): parsers, 24/7, nights,
 * weekends, lunch breaks, 24:00 meeting 00:00, holidays, DST in real
 * zones (exact UTC instants), half-hour offsets, footer rules past the
 * last transition, odd days (starting in a gap, skipped, set back across
 * midnight), a cross-check against glibc, and randomized properties (add
 * and business inverse, a minute-by-minute reference, week skipping
 * against day-sized steps) with a fixed seed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "tzfile.h"

#define MS_H	3600000LL
#define MS_M	60000LL
#define DAY	CAL_DAY_MS

/* Short names keep each expectation on one line. */
#define EQ(a, b)	assert_int_equal(a, b)
#define biz		cal_business_ms
#define add		cal_add_business
#define next		cal_next_change
#define is_open		cal_is_open

static struct tzfile_zone	paris, newyork, kolkata, santiago, apia;

/* Instants checked against Python's zoneinfo on the same tzdata. */
#define PARIS_SPRING_2026	1774746000000LL	/* 2026-03-29T01:00Z */
#define PARIS_AUTUMN_2026	1792890000000LL	/* 2026-10-25T01:00Z */
#define NY_SPRING_2026		1772953200000LL	/* 2026-03-08T07:00Z */
#define NY_AUTUMN_2026		1793512800000LL	/* 2026-11-01T06:00Z */
#define SANTIAGO_SPRING_2026	1788667200000LL	/* 2026-09-06T04:00Z */

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return (cal_days_from_civil(y, mo, d) * DAY + h * MS_H + mi * MS_M);
}

static int64_t
loc(const struct calendar *c, int y, int mo, int d, int h, int mi)
{
	struct cal_civil	cv = { y, mo, d, h, mi, 0, 0, 0, 0 };

	return (cal_from_civil(&c->zone, &cv));
}

static void
hours(struct calendar *c, const char *days, const char *spec)
{
	struct cal_span	s[CAL_MAX_SPANS];
	char		err[CAL_ERRMAX];
	unsigned	mask = 0;
	int		n = 0;

	if (cal_parse_days(days, &mask, err, sizeof err) == -1 ||
	    cal_parse_hours(spec, s, CAL_MAX_SPANS, &n, err, sizeof err) == -1)
		fail_msg("%s %s: %s", days, spec, err);
	cal_set_hours(c, mask, s, n);
}

/* A calendar in zone tz (NULL: UTC) open spec on days. */
static void
mkcal(struct calendar *c, const struct tzfile_zone *tz, const char *days,
    const char *spec)
{
	struct cal_zone	z;

	cal_init(c, days);
	if (tz != NULL) {
		tzfile_cal_zone(tz, &z);
		cal_set_zone(c, &z);
	}
	hours(c, days, spec);
}

static void
holiday(struct calendar *c, const char *spec)
{
	struct cal_date	d;
	char		err[CAL_ERRMAX];

	if (cal_parse_date(spec, &d, err, sizeof err) == -1 ||
	    cal_add_holiday(c, &d, err, sizeof err) == -1)
		fail_msg("%s: %s", spec, err);
}

static void
expect_err(int rc, const char *err, const char *want)
{
	EQ(rc, -1);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

/* Offset just before and at a transition of a loaded zone. */
static void
expect_change(const struct tzfile_zone *tz, int64_t at, int32_t before,
    int32_t after)
{
	struct cal_zone	z;

	tzfile_cal_zone(tz, &z);
	EQ(cal_zone_offset(&z, at - 1), before);
	EQ(cal_zone_offset(&z, at), after);
}

/* The table invariants: strictly increasing, every entry a change. */
static void
check_table(const struct tzfile_zone *tz)
{
	size_t	i;

	for (i = 0; i < tz->n; i++) {
		if (i > 0 && tz->at_ms[i] <= tz->at_ms[i - 1])
			fail_msg("%s: entry %zu out of order", tz->name, i);
		if (tz->offset_s[i] == (i > 0 ? tz->offset_s[i - 1] :
		    tz->initial_offset_s))
			fail_msg("%s: entry %zu changes nothing", tz->name, i);
	}
}

static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static int64_t
rnd_range(int64_t lo, int64_t hi)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (lo + (int64_t)(rng % (uint64_t)(hi - lo)));
}

static void
test_civil(void **state)
{
	int64_t	d, y, ey = 1600;
	int	m, dd, em = 1, ed = 1;

	EQ(cal_days_from_civil(1970, 1, 1), 0);
	EQ(cal_days_from_civil(2000, 3, 1) * DAY, 951868800000LL);
	EQ(cal_days_from_civil(2026, 5, 14) * DAY, 1778716800000LL);
	EQ(cal_days_from_civil(1, 1, 1) * DAY, CAL_MIN_MS);
	EQ(cal_days_from_civil(9999, 12, 31) * DAY, 253402214400000LL);
	EQ(cal_weekday(cal_days_from_civil(2026, 5, 14)), 3);	/* Thursday */
	EQ(cal_weekday(cal_days_from_civil(1969, 12, 29)), 0);
	EQ(cal_days_in_month(2024, 2), 29);
	EQ(cal_days_in_month(2100, 2), 28);
	EQ(cal_days_in_month(2000, 2), 29);
	/* Every day from 1600 to 2500, against a plain calendar count. */
	for (d = cal_days_from_civil(1600, 1, 1); ey < 2500; d++) {
		cal_civil_from_days(d, &y, &m, &dd);
		if (y != ey || m != em || dd != ed)
			fail_msg("day %lld", (long long)d);
		EQ(cal_days_from_civil(y, m, dd), d);
		if (++ed > cal_days_in_month(ey, em)) {
			ed = 1;
			if (++em > 12) {
				em = 1;
				ey++;
			}
		}
	}
}

static void
test_parse_hours(void **state)
{
	static const struct {
		const char	*spec, *want;
	} bad[] = {
		{ "25:00-26:00", "bad time \"25:00\" in \"25:00-26:00\"" },
		{ "09:00-24:30", "bad time \"24:30\"" },
		{ "09:60-10:00", "bad time \"09:60\"" },
		{ "17:00-09:00",
		    "span \"17:00-09:00\": start must be before end" },
		{ "09:00-09:00", "start must be before end" },
		{ "24:00-24:00", "start must be before end" },
		{ "09:00-12:00, 11:00-13:00",
		    "spans 09:00-12:00 and 11:00-13:00 overlap" },
		{ "9-5", "bad span \"9-5\": expected HH:MM-HH:MM" },
		{ "09:00-10:00 x", "bad span" },
		{ "09:00-10:00,", "empty span in \"09:00-10:00,\"" },
		{ "09:00-10:00,,11:00-12:00", "empty span" },
		{ "", "empty hours" },
		{ "1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00,9:00-10:00,"
		    "11:00-12:00,13:00-14:00,15:00-16:00,17:00-18:00",
		    "too many spans (max 8)" },
	};
	struct cal_span	s[CAL_MAX_SPANS];
	char		err[CAL_ERRMAX];
	size_t		i;
	int		n;

	EQ(cal_parse_hours("09:00-12:00, 13:00-18:00", s, 8, &n, err,
	    sizeof err), 0);
	EQ(n, 2);
	EQ(s[0].start_min, 540);
	EQ(s[0].end_min, 720);
	EQ(s[1].start_min, 780);
	EQ(s[1].end_min, 1080);
	EQ(cal_parse_hours("13:00-18:00,9:30-12:00", s, 8, &n, err,
	    sizeof err), 0);
	EQ(n, 2);
	EQ(s[0].start_min, 570);
	EQ(cal_parse_hours("00:00-24:00", s, 8, &n, err, sizeof err), 0);
	EQ(n, 1);
	EQ(s[0].end_min, 1440);
	EQ(cal_parse_hours(" Closed ", s, 8, &n, err, sizeof err), 0);
	EQ(n, 0);
	/* Touching spans merge. */
	EQ(cal_parse_hours("09:00-12:00,12:00-13:00", s, 8, &n, err,
	    sizeof err), 0);
	EQ(n, 1);
	EQ(s[0].end_min, 780);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_err(cal_parse_hours(bad[i].spec, s, 8, &n, err,
		    sizeof err), err, bad[i].want);
}

static void
test_parse_days_dates(void **state)
{
	static const struct {
		const char	*spec, *want;
	} bad[] = {
		{ "2026-02-29",
		    "bad date \"2026-02-29\": no day 29 in that month" },
		{ "13-01", "month must be 01-12" },
		{ "12/25", "expected MM-DD (yearly) or YYYY-MM-DD" },
		{ "26-05-14", "expected MM-DD" },
		{ "2026-05-14x", "expected MM-DD" },
		{ "12-25 12", "expected MM-DD" },
	};
	struct cal_date	d;
	char		err[CAL_ERRMAX];
	unsigned	mask;
	size_t		i;

	EQ(cal_parse_days("mon-fri", &mask, err, sizeof err), 0);
	EQ(mask, 0x1f);
	EQ(cal_parse_days("sat, Sun", &mask, err, sizeof err), 0);
	EQ(mask, 0x60);
	EQ(cal_parse_days("fri - mon", &mask, err, sizeof err), 0);
	EQ(mask, 0x71);
	EQ(cal_parse_days("Wednesday", &mask, err, sizeof err), 0);
	EQ(mask, 0x04);
	expect_err(cal_parse_days("funday", &mask, err, sizeof err), err,
	    "unknown day \"funday\"");
	expect_err(cal_parse_days("mon,", &mask, err, sizeof err), err,
	    "unknown day \"\"");

	EQ(cal_parse_date("12-25", &d, err, sizeof err), 0);
	assert_true(d.year == 0 && d.month == 12 && d.day == 25);
	EQ(cal_parse_date("2026-05-14", &d, err, sizeof err), 0);
	assert_true(d.year == 2026 && d.month == 5 && d.day == 14);
	EQ(cal_parse_date("02-29", &d, err, sizeof err), 0);
	EQ(cal_parse_date("2024-02-29", &d, err, sizeof err), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_err(cal_parse_date(bad[i].spec, &d, err, sizeof err),
		    err, bad[i].want);
}

static void
test_always_open(void **state)
{
	struct calendar	c;
	int64_t		t = utc(2026, 5, 16, 3, 7) + 123;

	mkcal(&c, &paris, "mon", "closed");
	c.always_open = 1;
	holiday(&c, "05-16");		/* ignored: 24/7 is wall time */
	assert_true(is_open(&c, t));
	EQ(biz(&c, t, t + 9 * DAY + 5), 9 * DAY + 5);
	EQ(biz(&c, t, t - 1), 0);
	EQ(add(&c, t, 30 * DAY + 1), t + 30 * DAY + 1);
	EQ(add(&c, INT64_MAX - 5, 10), INT64_MAX);
	EQ(next(&c, t), INT64_MAX);
}

static void
test_office_night_weekend(void **state)
{
	struct calendar	c;
	int64_t		mon = utc(2026, 5, 11, 0, 0);	/* a Monday */

	mkcal(&c, NULL, "mon-fri", "09:00-17:00");
	/* Across a night. */
	EQ(add(&c, mon + 16 * MS_H, 2 * MS_H), mon + DAY + 10 * MS_H);
	EQ(biz(&c, mon + 16 * MS_H, mon + DAY + 10 * MS_H), 2 * MS_H);
	assert_false(is_open(&c, mon + DAY + 9 * MS_H - 1));
	assert_true(is_open(&c, mon + DAY + 9 * MS_H));
	assert_false(is_open(&c, mon + 17 * MS_H));
	EQ(next(&c, mon + 12 * MS_H), mon + 17 * MS_H);
	EQ(next(&c, mon + 17 * MS_H), mon + DAY + 9 * MS_H);
	/* Across a weekend: Friday 16:30 + 1 h is Monday 09:30. */
	EQ(add(&c, mon + 4 * DAY + 16 * MS_H + 30 * MS_M, MS_H),
	    mon + 7 * DAY + 9 * MS_H + 30 * MS_M);
	EQ(biz(&c, mon + 4 * DAY + 16 * MS_H, mon + 7 * DAY + 10 * MS_H),
	    2 * MS_H);
	/* From Saturday the clock starts on Monday at 09:00. */
	EQ(add(&c, mon + 5 * DAY + 11 * MS_H, 1), mon + 7 * DAY + 9 * MS_H + 1);
	EQ(next(&c, mon + 5 * DAY), mon + 7 * DAY + 9 * MS_H);
	/* Exactly a day's worth ends at 17:00, not at the next 09:00. */
	EQ(add(&c, mon + 9 * MS_H, 8 * MS_H), mon + 17 * MS_H);
	/* Exact weeks: 120 h from Monday 09:00 end on a Friday at 17:00. */
	EQ(add(&c, mon + 9 * MS_H, 3 * 40 * MS_H), mon + 18 * DAY + 17 * MS_H);
	EQ(biz(&c, mon, mon + 21 * DAY), 120 * MS_H);
}

static void
test_lunch(void **state)
{
	struct calendar	c;
	int64_t		wed = utc(2026, 5, 13, 0, 0);

	mkcal(&c, NULL, "mon-fri", "09:00-12:00, 13:00-18:00");
	EQ(add(&c, wed + 11 * MS_H + 30 * MS_M, MS_H),
	    wed + 13 * MS_H + 30 * MS_M);
	EQ(biz(&c, wed + 11 * MS_H, wed + 14 * MS_H), 2 * MS_H);
	assert_false(is_open(&c, wed + 12 * MS_H + 30 * MS_M));
	assert_true(is_open(&c, wed + 13 * MS_H));
	EQ(next(&c, wed + 11 * MS_H), wed + 12 * MS_H);
	EQ(next(&c, wed + 12 * MS_H + 1), wed + 13 * MS_H);
	/* A whole day is 8 h; 3 h from 12:00 (closed) end at 16:00. */
	EQ(biz(&c, wed, wed + DAY), 8 * MS_H);
	EQ(add(&c, wed + 12 * MS_H, 3 * MS_H), wed + 16 * MS_H);
}

static void
test_midnight_continuity(void **state)
{
	struct calendar	c;
	int64_t		mon = utc(2026, 5, 11, 0, 0);

	mkcal(&c, NULL, "mon", "18:00-24:00");
	hours(&c, "tue", "00:00-06:00");
	assert_true(is_open(&c, mon + DAY));
	assert_true(is_open(&c, mon + DAY - 1));
	EQ(next(&c, mon + 20 * MS_H), mon + DAY + 6 * MS_H);
	EQ(add(&c, mon + 23 * MS_H, 2 * MS_H), mon + DAY + MS_H);
	EQ(biz(&c, mon + 17 * MS_H, mon + DAY + 7 * MS_H), 12 * MS_H);
	/* Exactly the Monday part ends at 24:00. */
	EQ(add(&c, mon + 18 * MS_H, 6 * MS_H), mon + DAY);
	/* With Tuesday a holiday the run ends at midnight. */
	holiday(&c, "2026-05-12");
	EQ(next(&c, mon + 20 * MS_H), mon + DAY);
	assert_false(is_open(&c, mon + DAY));
	/* Across Paris' spring-forward night: 4 h + 3 h, ending 04:00 CEST. */
	mkcal(&c, &paris, "sat", "20:00-24:00");
	hours(&c, "sun", "00:00-04:00");
	EQ(biz(&c, loc(&c, 2026, 3, 28, 12, 0), loc(&c, 2026, 3, 29, 12, 0)),
	    7 * MS_H);
	EQ(next(&c, loc(&c, 2026, 3, 28, 21, 0)), PARIS_SPRING_2026 + MS_H);
}

static void
test_holidays(void **state)
{
	struct calendar	c;
	struct cal_date	d = { 0, 2, 30 };
	char		err[CAL_ERRMAX];
	int		i;

	mkcal(&c, NULL, "mon-fri", "09:00-17:00");
	holiday(&c, "12-25");
	holiday(&c, "01-01");
	holiday(&c, "2026-05-14");		/* a Thursday */
	holiday(&c, "2026-05-14");		/* repeats are no-ops */
	EQ(c.noneoff, 1);
	assert_true(cal_is_holiday(&c, cal_days_from_civil(2026, 5, 14)));
	assert_false(cal_is_holiday(&c, cal_days_from_civil(2027, 5, 14)));
	assert_true(cal_is_holiday(&c, cal_days_from_civil(2031, 12, 25)));
	assert_false(is_open(&c, utc(2026, 5, 14, 10, 0)));
	assert_true(is_open(&c, utc(2026, 5, 13, 10, 0)));
	EQ(add(&c, utc(2026, 5, 13, 16, 0), 2 * MS_H), utc(2026, 5, 15, 10, 0));
	EQ(biz(&c, utc(2026, 5, 13, 0, 0), utc(2026, 5, 16, 0, 0)), 16 * MS_H);
	EQ(next(&c, utc(2026, 5, 13, 18, 0)), utc(2026, 5, 15, 9, 0));
	/* Christmas 2026 and New Year 2027 are Fridays. */
	EQ(biz(&c, utc(2026, 12, 24, 0, 0), utc(2027, 1, 5, 0, 0)), 48 * MS_H);
	EQ(add(&c, utc(2026, 12, 31, 16, 30), MS_H), utc(2027, 1, 4, 9, 30));
	assert_false(is_open(&c, utc(2028, 12, 25, 10, 0)));
	expect_err(cal_add_holiday(&c, &d, err, sizeof err), err,
	    "invalid holiday");
	for (i = 0; c.nyearly < CAL_MAX_YEARLY; i++) {
		d.month = 1 + i / 28;
		d.day = 1 + i % 28;
		EQ(cal_add_holiday(&c, &d, err, sizeof err), 0);
	}
	d.month = 11;
	d.day = 30;
	expect_err(cal_add_holiday(&c, &d, err, sizeof err), err,
	    "too many yearly holidays (max 64)");
}

static void
test_no_open_time(void **state)
{
	struct calendar	c;
	int64_t		t = utc(2026, 1, 1, 0, 0);

	mkcal(&c, NULL, "mon-sun", "closed");
	assert_false(is_open(&c, t));
	EQ(add(&c, t, 1), INT64_MAX);
	EQ(add(&c, t, 0), t);
	EQ(biz(&c, t, t + 400 * DAY), 0);
	EQ(next(&c, t), INT64_MAX);
	/* 24/7 by spans: open, and no change in sight. */
	hours(&c, "mon-sun", "00:00-24:00");
	assert_true(is_open(&c, t));
	EQ(next(&c, t), INT64_MAX);
	EQ(biz(&c, t, t + 400 * DAY + 7), 400 * DAY + 7);
	EQ(biz(&c, t, t), 0);
	EQ(add(&c, t, -5), t);
}

static void
test_zone_paris(void **state)
{
	struct calendar		c;
	struct cal_civil	cv;

	mkcal(&c, &paris, "mon-fri", "09:00-17:00");
	expect_change(&paris, PARIS_SPRING_2026, 3600, 7200);
	expect_change(&paris, PARIS_AUTUMN_2026, 7200, 3600);
	/* Gap: 02:00-03:00 does not exist, it maps to the transition. */
	EQ(loc(&c, 2026, 3, 29, 2, 30), PARIS_SPRING_2026);
	EQ(loc(&c, 2026, 3, 29, 2, 0), PARIS_SPRING_2026);
	EQ(loc(&c, 2026, 3, 29, 3, 0), PARIS_SPRING_2026);
	EQ(loc(&c, 2026, 3, 29, 1, 59), PARIS_SPRING_2026 - MS_M);
	/* Overlap: 02:30 happens twice, the first (CEST) one is taken. */
	EQ(loc(&c, 2026, 10, 25, 2, 30), PARIS_AUTUMN_2026 - 30 * MS_M);
	EQ(loc(&c, 2026, 10, 25, 3, 0), PARIS_AUTUMN_2026 + MS_H);
	cal_to_civil(&c.zone, PARIS_AUTUMN_2026 + 30 * MS_M + 7, &cv);
	assert_true(cv.year == 2026 && cv.month == 10 && cv.day == 25);
	assert_true(cv.hour == 2 && cv.min == 30 && cv.ms == 7);
	EQ(cv.offset_s, 3600);
	EQ(cv.wday, 6);
	/* An office week across the change: Friday 16:00 CET + 2 h. */
	EQ(add(&c, utc(2026, 3, 27, 15, 0), 2 * MS_H), utc(2026, 3, 30, 8, 0));
	EQ(next(&c, utc(2026, 3, 27, 17, 0)), utc(2026, 3, 30, 7, 0));
}

static void
test_dst_paris(void **state)
{
	struct calendar	c;
	int64_t		spring, autumn;

	mkcal(&c, &paris, "mon-sun", "00:00-24:00");
	spring = loc(&c, 2026, 3, 29, 0, 0);
	autumn = loc(&c, 2026, 10, 25, 0, 0);
	EQ(spring, PARIS_SPRING_2026 - 2 * MS_H);
	EQ(biz(&c, spring, loc(&c, 2026, 3, 30, 0, 0)), 23 * MS_H);
	EQ(biz(&c, autumn, loc(&c, 2026, 10, 26, 0, 0)), 25 * MS_H);
	mkcal(&c, &paris, "mon-sun", "01:00-04:00");
	EQ(biz(&c, spring, spring + DAY), 2 * MS_H);
	EQ(biz(&c, autumn, autumn + DAY), 4 * MS_H);
	/* 01:30 CET (00:30Z) + 1 h of business is 03:30 CEST (01:30Z). */
	EQ(add(&c, PARIS_SPRING_2026 - 30 * MS_M, MS_H),
	    PARIS_SPRING_2026 + 30 * MS_M);
	EQ(next(&c, PARIS_SPRING_2026 - 30 * MS_M), PARIS_SPRING_2026 + MS_H);
	EQ(add(&c, autumn + MS_H, 4 * MS_H), PARIS_AUTUMN_2026 + 2 * MS_H);
	/* A span inside the gap lasts nothing that day. */
	mkcal(&c, &paris, "sun", "02:00-02:30");
	EQ(biz(&c, spring - DAY, spring + 2 * DAY), 0);
	EQ(add(&c, spring - DAY, MS_M), loc(&c, 2026, 4, 5, 2, 1));
}

static void
test_dst_new_york(void **state)
{
	struct calendar	c;

	mkcal(&c, &newyork, "mon-fri", "09:00-17:00");
	expect_change(&newyork, NY_SPRING_2026, -18000, -14400);
	expect_change(&newyork, NY_AUTUMN_2026, -14400, -18000);
	/* Friday 16:00 EST (21:00Z) to Monday 10:00 EDT (14:00Z). */
	EQ(biz(&c, utc(2026, 3, 6, 21, 0), utc(2026, 3, 9, 14, 0)), 2 * MS_H);
	EQ(add(&c, utc(2026, 3, 6, 21, 0), 2 * MS_H), utc(2026, 3, 9, 14, 0));
	assert_true(is_open(&c, utc(2026, 3, 9, 13, 0)));
	assert_false(is_open(&c, utc(2026, 3, 9, 13, 0) - 1));
	/* Autumn: Friday 16:00 EDT (20:00Z) + 2 h is Monday 10:00 EST. */
	EQ(add(&c, utc(2026, 10, 30, 20, 0), 2 * MS_H),
	    utc(2026, 11, 2, 15, 0));
	mkcal(&c, &newyork, "sun", "00:00-24:00");
	EQ(biz(&c, utc(2026, 11, 1, 0, 0), utc(2026, 11, 3, 0, 0)), 25 * MS_H);
	EQ(biz(&c, utc(2026, 3, 8, 0, 0), utc(2026, 3, 10, 0, 0)), 23 * MS_H);
	EQ(loc(&c, 2026, 11, 1, 1, 30), NY_AUTUMN_2026 - 30 * MS_M);
	EQ(loc(&c, 2026, 3, 8, 2, 30), NY_SPRING_2026);
	EQ(next(&c, utc(2026, 11, 1, 12, 0)), utc(2026, 11, 2, 5, 0));
}

static void
test_half_hour_zones(void **state)
{
	struct tzfile_zone	tz;
	struct calendar		c;
	char			err[TZFILE_ERRMAX];

	mkcal(&c, &kolkata, "mon-fri", "09:00-17:30");
	EQ(cal_zone_offset(&c.zone, utc(2026, 5, 14, 0, 0)), 19800);
	assert_true(is_open(&c, utc(2026, 5, 14, 3, 30)));
	assert_false(is_open(&c, utc(2026, 5, 14, 3, 30) - 1));
	EQ(next(&c, utc(2026, 5, 14, 4, 0)), utc(2026, 5, 14, 12, 0));
	EQ(biz(&c, utc(2026, 5, 14, 0, 0), utc(2026, 5, 15, 0, 0)),
	    8 * MS_H + 30 * MS_M);
	/* Friday 17:00 IST + 1 h is Monday 09:30 IST (04:00Z). */
	EQ(add(&c, utc(2026, 5, 15, 11, 30), MS_H), utc(2026, 5, 18, 4, 0));

	EQ(tzfile_load("<+0330>-3:30", &tz, err, sizeof err), 0);
	EQ(tz.n, 0);
	EQ(tz.initial_offset_s, 12600);
	mkcal(&c, &tz, "sat-wed", "08:00-16:00");
	assert_true(is_open(&c, utc(2026, 5, 13, 4, 30)));
	assert_false(is_open(&c, utc(2026, 5, 13, 4, 29)));
	EQ(next(&c, utc(2026, 5, 13, 5, 0)), utc(2026, 5, 13, 12, 30));
	tzfile_free(&tz);
	EQ(tzfile_load("<-0330>3:30", &tz, err, sizeof err), 0);
	EQ(tz.initial_offset_s, -12600);
	tzfile_free(&tz);
	/* Tehran's file ends in 2022 and its footer is the same string. */
	EQ(tzfile_load("Asia/Tehran", &tz, err, sizeof err), 0);
	assert_string_equal(tz.footer, "<+0330>-3:30");
	expect_change(&tz, utc(2090, 7, 1, 0, 0), 12600, 12600);
	tzfile_free(&tz);
}

static void
test_posix_rules(void **state)
{
	static const char	*bad[] = { "", "CET", "CE-1", "CET-25",
	    "CET-1CEST,M3.5.0", "CET-1CEST,M13.1.0,M10.5.0", "<+03",
	    "CET-1CEST,J0,J5", "CET-1CEST,M3.5.0,M10.5.0/200",
	    "CET-1CEST,M3.5.0,M10.5.0x" };
	struct tzfile_zone	tz;
	char			err[TZFILE_ERRMAX];
	size_t			i;

	EQ(tzfile_from_posix("CET-1CEST,M3.5.0,M10.5.0/3", &tz, err,
	    sizeof err), 0);
	expect_change(&tz, PARIS_SPRING_2026, 3600, 7200);
	expect_change(&tz, PARIS_AUTUMN_2026, 7200, 3600);
	expect_change(&tz, 3794173200000LL, 3600, 7200);	/* 2090 */
	tzfile_free(&tz);
	EQ(tzfile_from_posix("EST5EDT,M3.2.0,M11.1.0", &tz, err, sizeof err),
	    0);
	expect_change(&tz, NY_SPRING_2026, -18000, -14400);
	expect_change(&tz, NY_AUTUMN_2026, -14400, -18000);
	tzfile_free(&tz);
	/* Jn never counts Feb 29: J60 is March 1, J300 October 27 (2024). */
	EQ(tzfile_from_posix("XXX3YYY,J60/2,J300/2", &tz, err, sizeof err), 0);
	expect_change(&tz, utc(2024, 3, 1, 5, 0), -10800, -7200);
	expect_change(&tz, utc(2024, 10, 27, 4, 0), -7200, -10800);
	tzfile_free(&tz);
	/* n counts from 0 with Feb 29: 59 is Feb 29 in 2024, Mar 1 in 2025. */
	EQ(tzfile_from_posix("XXX3YYY,59,299", &tz, err, sizeof err), 0);
	expect_change(&tz, utc(2024, 2, 29, 5, 0), -10800, -7200);
	expect_change(&tz, utc(2024, 10, 26, 4, 0), -7200, -10800);
	expect_change(&tz, utc(2025, 3, 1, 5, 0), -10800, -7200);
	tzfile_free(&tz);
	/* Southern hemisphere, rule times of 24 h. */
	EQ(tzfile_from_posix("<-04>4<-03>,M9.1.6/24,M4.1.6/24", &tz, err,
	    sizeof err), 0);
	expect_change(&tz, utc(2026, 4, 5, 3, 0), -10800, -14400);
	expect_change(&tz, SANTIAGO_SPRING_2026, -14400, -10800);
	tzfile_free(&tz);
	/* RFC 8536's all-year DST: on from 1970 through 2100. */
	EQ(tzfile_from_posix("EST5EDT,0/0,J365/25", &tz, err, sizeof err), 0);
	expect_change(&tz, utc(1970, 1, 1, 5, 0), -18000, -14400);
	expect_change(&tz, utc(2050, 1, 1, 5, 0), -14400, -14400);
	expect_change(&tz, utc(2100, 7, 1, 0, 0), -14400, -14400);
	check_table(&tz);
	tzfile_free(&tz);
	EQ(tzfile_from_posix("UTC0", &tz, err, sizeof err), 0);
	assert_true(tz.n == 0 && tz.initial_offset_s == 0);
	tzfile_free(&tz);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_err(tzfile_from_posix(bad[i], &tz, err, sizeof err), err,
		    "bad POSIX TZ string");
}

static void
test_footer_2090(void **state)
{
	struct calendar	c;

	/* The files' data ends in 2037: the footer rule decides after. */
	expect_change(&paris, 3794173200000LL, 3600, 7200);	/* 2090-03-26 */
	expect_change(&paris, 3812922000000LL, 7200, 3600);	/* 2090-10-29 */
	expect_change(&newyork, 3792985200000LL, -18000, -14400);
	expect_change(&newyork, 3813544800000LL, -14400, -18000);
	expect_change(&paris, 4128627600000LL, 7200, 3600);	/* 2100-10-31 */
	mkcal(&c, &paris, "mon-sun", "00:00-24:00");
	EQ(loc(&c, 2090, 3, 26, 2, 30), 3794173200000LL);
	EQ(biz(&c, loc(&c, 2090, 3, 26, 0, 0), loc(&c, 2090, 3, 27, 0, 0)),
	    23 * MS_H);
	EQ(biz(&c, loc(&c, 2090, 10, 29, 0, 0), loc(&c, 2090, 10, 30, 0, 0)),
	    25 * MS_H);
	/* After the expansion ends the standard offset stays. */
	EQ(cal_zone_offset(&c.zone, utc(2150, 7, 1, 0, 0)), 3600);
}

/*
 * Days that start in a gap (Santiago), a day that does not exist (Apia,
 * 2011-12-30) and a clock set back across midnight (synthetic).
 */
static void
test_odd_days(void **state)
{
	static const int64_t	at[1] = { 1778632200000LL }; /* 05-13 00:30Z */
	static const int32_t	off[1] = { -3600 };
	struct cal_zone		z = { 1, at, off, 0 };
	struct calendar		c;

	mkcal(&c, &santiago, "mon-sun", "00:00-24:00");
	/* Sunday 2026-09-06 starts at 01:00 (04:00Z): 23 h. */
	EQ(loc(&c, 2026, 9, 6, 0, 0), SANTIAGO_SPRING_2026);
	EQ(biz(&c, SANTIAGO_SPRING_2026, utc(2026, 9, 7, 3, 0)), 23 * MS_H);
	/* Saturday 2026-04-04 runs 24:00 into 23:00 again: 25 h. */
	EQ(loc(&c, 2026, 4, 5, 0, 0), utc(2026, 4, 5, 4, 0));
	holiday(&c, "2026-04-05");
	EQ(next(&c, utc(2026, 4, 4, 12, 0)), utc(2026, 4, 5, 4, 0));
	EQ(add(&c, utc(2026, 4, 4, 3, 0), 25 * MS_H), utc(2026, 4, 5, 4, 0));

	mkcal(&c, &apia, "mon-sun", "00:00-24:00");
	EQ(loc(&c, 2011, 12, 30, 12, 0), 1325239200000LL);
	EQ(biz(&c, loc(&c, 2011, 12, 29, 0, 0), loc(&c, 2012, 1, 1, 0, 0)),
	    48 * MS_H);
	mkcal(&c, &apia, "fri", "00:00-24:00");	/* 2011-12-30, a Friday */
	EQ(biz(&c, utc(2011, 12, 26, 0, 0), utc(2012, 1, 2, 0, 0)), 0);
	EQ(add(&c, utc(2011, 12, 28, 0, 0), MS_H), loc(&c, 2012, 1, 6, 1, 0));

	/* 00:30 on the 13th goes back to 23:30 on the 12th (a holiday). */
	mkcal(&c, NULL, "mon-sun", "00:00-24:00");
	cal_set_zone(&c, &z);
	holiday(&c, "2026-05-12");
	assert_true(is_open(&c, utc(2026, 5, 13, 0, 45)));
	assert_false(is_open(&c, utc(2026, 5, 12, 23, 59)));
	EQ(biz(&c, utc(2026, 5, 12, 0, 0), utc(2026, 5, 14, 1, 0)), 25 * MS_H);
	EQ(next(&c, utc(2026, 5, 12, 12, 0)), utc(2026, 5, 13, 0, 0));
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = (unsigned char)v;
}

static void
test_tzfile_errors(void **state)
{
	static const char	*badnames[] = { "../../etc/passwd",
	    "/etc/passwd", "Europe/../../etc/passwd", "Europe/Paris\n", "" };
	struct tzfile_zone	tz;
	char			err[TZFILE_ERRMAX];
	unsigned char		v1[44 + 8 + 2 + 12 + 8], buf[8192];
	size_t			i, len;
	FILE			*fp;

	for (i = 0; i < sizeof badnames / sizeof badnames[0]; i++) {
		assert_false(tzfile_name_ok(badnames[i]));
		expect_err(tzfile_load(badnames[i], &tz, err, sizeof err), err,
		    "invalid time zone");
	}
	assert_true(tzfile_name_ok("America/Argentina/Buenos_Aires"));
	assert_true(tzfile_name_ok("Etc/GMT+5"));
	expect_err(tzfile_load("Europe/Nowhere", &tz, err, sizeof err), err,
	    "unknown time zone \"Europe/Nowhere\"");
	assert_non_null(strstr(err, "No such file"));
	expect_err(tzfile_load("Europe", &tz, err, sizeof err), err,
	    "unknown time zone \"Europe\"");
	expect_err(tzfile_load("right/Europe/Paris", &tz, err, sizeof err), err,
	    "leap-second zones");
	setenv("TZDIR", "/usr/share/zoneinfo/Europe", 1);
	EQ(tzfile_load("Paris", &tz, err, sizeof err), 0);
	unsetenv("TZDIR");
	expect_change(&tz, PARIS_SPRING_2026, 3600, 7200);
	assert_string_equal(tz.footer, "CET-1CEST,M3.5.0,M10.5.0/3");
	tzfile_free(&tz);

	/* A hand-made v1 file: two transitions, type 0 before them. */
	memset(v1, 0, sizeof v1);
	memcpy(v1, "TZif", 4);
	put32(v1 + 32, 2);		/* timecnt */
	put32(v1 + 36, 2);		/* typecnt */
	put32(v1 + 40, 8);		/* charcnt */
	put32(v1 + 44, 1000000000);
	put32(v1 + 48, 1100000000);
	v1[52] = 1, v1[53] = 0;
	put32(v1 + 54, 3600);
	put32(v1 + 60, 7200), v1[64] = 1, v1[65] = 4;
	memcpy(v1 + 66, "AAA\0BBB\0", 8);
	EQ(tzfile_parse(v1, sizeof v1, &tz, err, sizeof err), 0);
	EQ(tz.initial_offset_s, 3600);
	EQ(tz.n, 2);
	EQ(tz.at_ms[0], 1000000000000LL);
	EQ(tz.offset_s[0], 7200);
	EQ(tz.offset_s[1], 3600);
	tzfile_free(&tz);
	expect_err(tzfile_parse(v1, sizeof v1 - 1, &tz, err, sizeof err), err,
	    "truncated");
	v1[53] = 5;
	expect_err(tzfile_parse(v1, sizeof v1, &tz, err, sizeof err), err,
	    "bad type index");
	v1[0] = 'X';
	expect_err(tzfile_parse(v1, sizeof v1, &tz, err, sizeof err), err,
	    "not a TZif file");

	/* A real v2 file parses whole; every truncation fails cleanly. */
	fp = fopen("/usr/share/zoneinfo/America/New_York", "rb");
	assert_non_null(fp);
	len = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	EQ(tzfile_parse(buf, len, &tz, err, sizeof err), 0);
	tzfile_free(&tz);
	expect_err(tzfile_parse(buf, len - 2, &tz, err, sizeof err), err,
	    "bad footer");
	for (i = 0; i < len - 40; i += 7)
		EQ(tzfile_parse(buf, i, &tz, err, sizeof err), -1);
}

/* glibc's own reading of the same files agrees on every sampled instant. */
static void
test_libc_crosscheck(void **state)
{
	static const char	*zones[] = { "Europe/Paris", "America/New_York",
	    "Australia/Sydney", "America/Santiago", "Europe/Dublin",
	    "Asia/Kolkata", "Africa/Casablanca", "Pacific/Apia",
	    "America/St_Johns" };
	struct tzfile_zone	 tz;
	struct cal_zone		 z;
	struct cal_civil	 cv;
	struct tm		 tm;
	char			 err[TZFILE_ERRMAX];
	time_t			 tt;
	int64_t			 t, back;
	size_t			 i;
	int			 k;

	for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		EQ(tzfile_load(zones[i], &tz, err, sizeof err), 0);
		check_table(&tz);
		tzfile_cal_zone(&tz, &z);
		setenv("TZ", zones[i], 1);
		tzset();
		for (k = 0; k < 4000; k++) {
			tt = rnd_range(utc(1900, 1, 1, 0, 0),
			    utc(2100, 1, 1, 0, 0)) / 1000;
			t = (int64_t)tt * 1000;
			assert_non_null(localtime_r(&tt, &tm));
			cal_to_civil(&z, t, &cv);
			if (cv.offset_s != tm.tm_gmtoff ||
			    cv.min != tm.tm_min || cv.hour != tm.tm_hour ||
			    cv.day != tm.tm_mday ||
			    (cv.wday + 1) % 7 != tm.tm_wday)
				fail_msg("%s at %lld: %d vs glibc %ld",
				    zones[i], (long long)tt, cv.offset_s,
				    tm.tm_gmtoff);
			/* Local to UTC gives t, or t's first occurrence. */
			back = cal_local_to_utc(&z, cal_utc_to_local(&z, t));
			assert_true(back <= t);
			EQ(cal_utc_to_local(&z, back), cal_utc_to_local(&z, t));
		}
		tzfile_free(&tz);
	}
	unsetenv("TZ");
	tzset();
}

enum { NCALS = 6 };

/* Zones, holidays, nights, lunch, spans in DST gaps, 24/7 by spans. */
static void
make_cals(struct calendar *c)
{
	mkcal(&c[0], &paris, "mon-fri", "09:00-12:00, 13:00-18:00");
	hours(&c[0], "sat", "10:00-14:00");
	holiday(&c[0], "12-25");
	holiday(&c[0], "01-01");
	holiday(&c[0], "05-01");
	holiday(&c[0], "2026-05-14");
	holiday(&c[0], "2027-05-06");
	mkcal(&c[1], &newyork, "mon-sat", "00:00-06:00, 22:00-24:00");
	hours(&c[1], "sun", "01:00-04:00, 22:00-24:00");
	holiday(&c[1], "07-04");
	mkcal(&c[2], NULL, "mon-fri", "09:00-17:00");
	mkcal(&c[3], &kolkata, "mon-sat", "09:30-18:00");
	mkcal(&c[4], &paris, "mon-sun", "00:00-24:00");
	holiday(&c[4], "12-25");
	/* Santiago's clocks change at midnight: days start in a gap. */
	mkcal(&c[5], &santiago, "mon-fri", "08:00-20:00");
	hours(&c[5], "sat-sun", "00:00-24:00");
}

static int64_t
rnd_dur(void)
{
	static const int64_t	scale[] = { MS_M, MS_H, DAY, 21 * DAY,
	    200 * DAY };

	return (1 + rnd_range(0, scale[rnd_range(0, 5)]));
}

static void
test_property_inverse(void **state)
{
	struct calendar	c[NCALS];
	int64_t		from, to, mid, d, t, b, t2;
	int		i, k;

	make_cals(c);
	for (i = 0; i < NCALS; i++) {
		for (k = 0; k < 2000; k++) {
			from = rnd_range(utc(2025, 1, 1, 0, 0),
			    utc(2028, 1, 1, 0, 0));
			d = rnd_dur();
			t = add(&c[i], from, d);
			assert_true(t > from && t != INT64_MAX);
			EQ(biz(&c[i], from, t), d);
			EQ(biz(&c[i], from, t - 1), d - 1);
			assert_true(is_open(&c[i], t - 1));

			to = from + rnd_dur();
			b = biz(&c[i], from, to);
			t2 = add(&c[i], from, b);
			assert_true(t2 <= to);
			EQ(biz(&c[i], from, t2), b);
			if (b > 0 && is_open(&c[i], to - 1))
				EQ(t2, to);
			mid = rnd_range(from, to);
			EQ(biz(&c[i], from, mid) + biz(&c[i], mid, to), b);
		}
	}
}

/* business_ms and next_change against a minute-by-minute walk of is_open. */
static void
test_brute_force_minutes(void **state)
{
	static const int64_t	dst[3] = { PARIS_SPRING_2026, NY_AUTUMN_2026,
	    SANTIAGO_SPRING_2026 };
	static struct calendar	c[NCALS];
	static int64_t		flips[4096];
	int64_t			from, to, m, sum;
	int			i, k, nflips, f, o, prev;

	make_cals(c);
	for (i = 0; i < NCALS; i++) {
		for (k = 0; k < 24; k++) {
			/* Every fourth window straddles a DST change. */
			from = k % 4 == 0 ? dst[k / 4 % 3] - DAY : rnd_range(
			    utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
			from = from / MS_M * MS_M + rnd_range(0, 1440) * MS_M;
			to = from + rnd_range(1, 3 * 1440) * MS_M;
			sum = 0;
			nflips = 0;
			prev = is_open(&c[i], from);
			for (m = from; m < to; m += MS_M) {
				o = is_open(&c[i], m);
				sum += o ? MS_M : 0;
				if (o != prev && nflips < 4096)
					flips[nflips++] = m;
				prev = o;
			}
			EQ(biz(&c[i], from, to), sum);
			for (f = 0, m = from; m < to; m += 13 * MS_M) {
				while (f < nflips && flips[f] <= m)
					f++;
				if (f == nflips)
					break;
				EQ(next(&c[i], m + 7), flips[f]);
			}
		}
	}
}

/* Week skipping agrees with walks in steps too short to skip anything. */
static void
test_long_durations(void **state)
{
	struct calendar	c[NCALS];
	int64_t		from = utc(2026, 1, 2, 10, 17) + 33123;
	int64_t		big = 3000 * MS_H + 4321, end = from + 3 * 366 * DAY;
	int64_t		t, rem, step, total, a;
	int		i;

	make_cals(c);
	for (i = 0; i < NCALS; i++) {
		for (t = from, rem = big; rem > 0; rem -= step) {
			step = rem < 5 * MS_H ? rem : 5 * MS_H;
			t = add(&c[i], t, step);
		}
		EQ(add(&c[i], from, big), t);
		EQ(biz(&c[i], from, t), big);
		for (total = 0, a = from; a < end; a += 3 * DAY)
			total += biz(&c[i], a, a + 3 * DAY < end ?
			    a + 3 * DAY : end);
		EQ(biz(&c[i], from, end), total);
	}
}

static const struct {
	const char		*name;
	struct tzfile_zone	*tz;
} fixtures[] = { { "Europe/Paris", &paris }, { "America/New_York", &newyork },
    { "Asia/Kolkata", &kolkata }, { "America/Santiago", &santiago },
    { "Pacific/Apia", &apia } };

static int
load_fixtures(void **state)
{
	char	err[TZFILE_ERRMAX];
	size_t	i;

	for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		if (tzfile_load(fixtures[i].name, fixtures[i].tz, err,
		    sizeof err) == -1) {
			fprintf(stderr, "%s (is tzdata installed?)\n", err);
			return (-1);
		}
	}
	return (0);
}

static int
free_fixtures(void **state)
{
	size_t	i;

	for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
		tzfile_free(fixtures[i].tz);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_parse_hours),
		cmocka_unit_test(test_parse_days_dates),
		cmocka_unit_test(test_always_open),
		cmocka_unit_test(test_office_night_weekend),
		cmocka_unit_test(test_lunch),
		cmocka_unit_test(test_midnight_continuity),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_no_open_time),
		cmocka_unit_test(test_zone_paris),
		cmocka_unit_test(test_dst_paris),
		cmocka_unit_test(test_dst_new_york),
		cmocka_unit_test(test_half_hour_zones),
		cmocka_unit_test(test_posix_rules),
		cmocka_unit_test(test_footer_2090),
		cmocka_unit_test(test_odd_days),
		cmocka_unit_test(test_tzfile_errors),
		cmocka_unit_test(test_libc_crosscheck),
		cmocka_unit_test(test_property_inverse),
		cmocka_unit_test(test_brute_force_minutes),
		cmocka_unit_test(test_long_durations),
	};

	return (cmocka_run_group_tests_name("calendar", tests, load_fixtures,
	    free_fixtures));
}
