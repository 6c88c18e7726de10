/*
 * calendar.h: business-hours calendars for SLA clocks. Pure C over libc:
 * no I/O, no clock, no libc time zone functions. Instants are int64 ms
 * since the Unix epoch (hl_ms in engine.h); a calendar's zone is a sorted
 * table of UTC offset changes (daemon/config/tzfile.c builds one from a TZif
 * file), and every civil-date step uses days-from-civil arithmetic.
 *
 * Local time rules, wherever a local time is turned into an instant:
 * - a local time that does not exist (a spring-forward gap) maps to the
 *   transition instant: a span 01:00-04:00 on Paris' 2026-03-29 lasts 2 h,
 *   and a span lying wholly inside the gap lasts 0;
 * - an ambiguous local time (an autumn overlap) maps to its first
 *   occurrence: a span 00:00-24:00 on Paris' 2026-10-25 lasts 25 h.
 * A local day runs from the instant of its 00:00 to the instant of the
 * next day's 00:00; a span ending at 24:00 ends at the latter, so it is
 * continuous with a next-day span starting at 00:00.
 *
 * Instants are clamped to years 1..9999 (CAL_MIN_MS..CAL_MAX_MS).
 */
#ifndef HOTLINE_CALENDAR_H
#define HOTLINE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define CAL_NAME_MAX	64
#define CAL_MAX_SPANS	8	/* spans per weekday */
#define CAL_MAX_YEARLY	64	/* yearly holidays (month, day) */
#define CAL_MAX_ONEOFF	256	/* one-off holidays (year, month, day) */
#define CAL_ERRMAX	128	/* enough for any error message below */

#define CAL_MIN_MS	(-62135596800000LL)	/* 0001-01-01T00:00Z */
#define CAL_MAX_MS	(253402300800000LL)	/* 10000-01-01T00:00Z */
#define CAL_DAY_MS	86400000LL
#define CAL_WEEK_DAYS	7
#define CAL_DAY_MIN	(24 * 60)	/* a span ends at 24:00 at most */

/*
 * A zone: offset_s[i] (seconds east of UTC) is in force from at_ms[i]
 * until at_ms[i + 1]; initial_offset_s before at_ms[0]. at_ms is strictly
 * increasing. n = 0 with offset 0 is UTC. The arrays are borrowed: they
 * must outlive every calendar that points at them.
 */
struct cal_zone {
	size_t		 n;
	const int64_t	*at_ms;
	const int32_t	*offset_s;
	int32_t		 initial_offset_s;
};

/* Minutes of the local day: 0 <= start_min < end_min <= CAL_DAY_MIN. */
struct cal_span {
	int	start_min;
	int	end_min;
};

/* A holiday: year 0 means every year (month, day). */
struct cal_date {
	int	year;
	int	month;		/* 1-12 */
	int	day;		/* 1-31 */
};

/* A broken-down local time, as cal_to_civil gives and cal_from_civil takes. */
struct cal_civil {
	int64_t	year;
	int	month, day;			/* 1-12, 1-31 */
	int	hour, min, sec, ms;
	int	wday;				/* 0 = Monday ... 6 = Sunday */
	int32_t	offset_s;			/* UTC offset in force */
};

/*
 * Weekdays are 0 = Monday ... 6 = Sunday; each day's spans are sorted and
 * neither overlap nor touch (cal_set_hours and cal_parse_hours make them
 * so). Holidays close the whole local day; keep them sorted by adding them
 * with cal_add_holiday. always_open makes business time equal wall time
 * and ignores spans and holidays (a 24/7 calendar with holidays is spans
 * 00:00-24:00 every day plus the holidays).
 */
struct calendar {
	char		name[CAL_NAME_MAX];
	struct cal_zone	zone;
	struct cal_span	week[CAL_WEEK_DAYS][CAL_MAX_SPANS];
	int		nspans[CAL_WEEK_DAYS];
	struct cal_date	yearly[CAL_MAX_YEARLY];
	int		nyearly;
	struct cal_date	oneoff[CAL_MAX_ONEOFF];
	int		noneoff;
	int		always_open;
};

/* Civil arithmetic (proleptic Gregorian, day 0 = 1970-01-01). */
int64_t	cal_days_from_civil(int64_t year, int month, int day);
void	cal_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
int	cal_weekday(int64_t days);		/* 0 = Monday */
int	cal_days_in_month(int64_t year, int month);
/* The date exists; a yearly one (year 0) may be 02-29. */
int	cal_date_valid(const struct cal_date *);

/* Zone conversions. "Local ms" is wall-clock time counted as if UTC. */
int32_t	cal_zone_offset(const struct cal_zone *, int64_t utc_ms);
int64_t	cal_utc_to_local(const struct cal_zone *, int64_t utc_ms);
int64_t	cal_local_to_utc(const struct cal_zone *, int64_t local_ms);
void	cal_to_civil(const struct cal_zone *, int64_t utc_ms,
	    struct cal_civil *);
int64_t	cal_from_civil(const struct cal_zone *, const struct cal_civil *);

/* Set-up. cal_init: UTC, closed every day, no holidays. */
void	cal_init(struct calendar *, const char *name);
void	cal_set_zone(struct calendar *, const struct cal_zone *);
void	cal_set_hours(struct calendar *, unsigned daymask,
	    const struct cal_span *, int n);	/* bit 0 = Monday */
int	cal_add_holiday(struct calendar *, const struct cal_date *,
	    char *err, size_t errlen);

/*
 * Parsers: 0 on success, -1 with a message in err. Hours: "09:00-12:00,
 * 13:00-18:00", "00:00-24:00" or "closed"; spans are sorted, touching ones
 * merged. Days: "mon-fri", "sat,sun", "fri-mon", "mon". Dates: "12-25"
 * (yearly, year 0) or "2026-05-14" (one-off).
 */
int	cal_parse_hours(const char *spec, struct cal_span *spans, int max,
	    int *n, char *err, size_t errlen);
int	cal_parse_days(const char *spec, unsigned *daymask, char *err,
	    size_t errlen);
int	cal_parse_date(const char *spec, struct cal_date *, char *err,
	    size_t errlen);

/* Queries. None allocates; all iterate by spans and days, not minutes. */
int	cal_is_open(const struct calendar *, int64_t t_ms);
int	cal_is_holiday(const struct calendar *, int64_t local_day);

/* Business time in [from_ms, to_ms); 0 if to_ms <= from_ms. */
int64_t	cal_business_ms(const struct calendar *, int64_t from_ms,
	    int64_t to_ms);

/*
 * The earliest instant t with cal_business_ms(from_ms, t) == business_ms:
 * business_ms <= 0 gives from_ms; INT64_MAX if the calendar has no open
 * time at all or the result lies past CAL_MAX_MS.
 */
int64_t	cal_add_business(const struct calendar *, int64_t from_ms,
	    int64_t business_ms);

/*
 * The first instant after t_ms at which cal_is_open differs from its value
 * at t_ms; INT64_MAX if it never changes, or not within two years (such as
 * spans 00:00-24:00 every day and no holiday).
 */
int64_t	cal_next_change(const struct calendar *, int64_t t_ms);

#endif
