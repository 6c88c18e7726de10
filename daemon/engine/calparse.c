/*
 * calparse.c: the text of a calendar's settings, as hotline.conf writes
 * them: hours ("09:00-12:00, 13:00-18:00", "closed"), days ("mon-fri",
 * "sat,sun") and dates ("12-25" yearly, "2026-05-14" one-off). Each
 * error says which item is wrong and what was expected. calendar.c
 * answers the queries over what they give.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"

/* A day's name may be cut short, to "mon" at the least ("t" is ambiguous). */
#define DAY_NAME_MIN	3

static const char *
cal_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (p);
}

/* "H:MM" or "HH:MM", 00:00 to 24:00; -1 if malformed or out of range. */
static int
cal_parse_hhmm(const char **pp)
{
	const char	*p = *pp;
	int		 h = 0, m = 0, nd = 0;

	while (*p >= '0' && *p <= '9' && nd < 3) {
		h = h * 10 + (*p++ - '0');
		nd++;
	}
	if (nd == 0 || nd > 2 || *p != ':')
		return (-1);
	p++;
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return (-1);
	m = (p[0] - '0') * 10 + (p[1] - '0');
	p += 2;
	if ((*p >= '0' && *p <= '9') || h > 24 || m > 59 || (h == 24 && m != 0))
		return (-1);
	*pp = p;
	return (h * 60 + m);
}

static void
cal_fmt_span(char *buf, size_t len, const struct cal_span *s)
{
	snprintf(buf, len, "%02d:%02d-%02d:%02d", s->start_min / 60,
	    s->start_min % 60, s->end_min / 60, s->end_min % 60);
}

/*
 * Copies one comma-separated item, trimmed, for parsing and messages;
 * NULL when it does not fit (parsing what fits would drop its end).
 */
static const char *
cal_item(const char *p, char *buf, size_t len)
{
	const char	*e;
	size_t		 n;

	p = cal_skip_ws(p);
	for (e = p; *e != '\0' && *e != ','; e++)
		;
	n = (size_t)(e - p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= len) {
		snprintf(buf, len, "%.*s...", (int)len - 4, p);
		return (NULL);
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	return (*e == ',' ? e + 1 : e);
}

static int
cal_span_one(const char *item, struct cal_span *s, char *err, size_t errlen)
{
	const char	*p = item, *t;
	char		 tok[16];
	size_t		 n;

	if ((s->start_min = cal_parse_hhmm(&p)) < 0)
		goto badtime;
	p = cal_skip_ws(p);
	if (*p++ != '-')
		goto badspan;
	p = cal_skip_ws(p);
	if ((s->end_min = cal_parse_hhmm(&p)) < 0)
		goto badtime;
	if (*cal_skip_ws(p) != '\0')
		goto badspan;
	if (s->start_min >= s->end_min) {
		snprintf(err, errlen, "span \"%s\": start must be before end "
		    "(split a night at 24:00)", item);
		return (-1);
	}
	return (0);
badtime:
	/* Name the time at fault: the token where parsing stopped. */
	for (t = p; *t != '\0' && *t != '-' && *t != ' '; t++)
		;
	n = (size_t)(t - p) < sizeof tok ? (size_t)(t - p) : sizeof tok - 1;
	memcpy(tok, p, n);
	tok[n] = '\0';
	if (n == 0 || strchr(tok, ':') == NULL)
		goto badspan;
	snprintf(err, errlen, "bad time \"%s\" in \"%s\": expected HH:MM from "
	    "00:00 to 24:00", tok, item);
	return (-1);
badspan:
	snprintf(err, errlen, "bad span \"%s\": expected HH:MM-HH:MM", item);
	return (-1);
}

int
cal_parse_hours(const char *spec, struct cal_span *spans, int max, int *n,
    char *err, size_t errlen)
{
	struct cal_span	 s, tmp;
	char		 item[48], a[32], b[32];
	const char	*p = spec, *next;
	int		 i, j, cnt = 0;

	*n = 0;
	if ((next = cal_item(spec, item, sizeof item)) != NULL &&
	    *next == '\0' && strcasecmp(item, "closed") == 0)
		return (0);
	if (*cal_skip_ws(spec) == '\0') {
		snprintf(err, errlen, "empty hours (use \"closed\")");
		return (-1);
	}
	for (;;) {
		if ((next = cal_item(p, item, sizeof item)) == NULL) {
			snprintf(err, errlen, "span \"%s\" too long", item);
			return (-1);
		}
		if (item[0] == '\0') {
			snprintf(err, errlen, "empty span in \"%s\"", spec);
			return (-1);
		}
		if (cal_span_one(item, &s, err, errlen) == -1)
			return (-1);
		if (cnt == max) {
			snprintf(err, errlen, "too many spans (max %d)", max);
			return (-1);
		}
		/* Insertion sort: a day has a handful of spans. */
		for (j = cnt++; j > 0 && spans[j - 1].start_min > s.start_min;
		    j--)
			spans[j] = spans[j - 1];
		spans[j] = s;
		if (next[-1] != ',')
			break;
		p = next;
	}
	for (i = 1, j = 0; i < cnt; i++) {
		if (spans[i].start_min < spans[j].end_min) {
			cal_fmt_span(a, sizeof a, &spans[j]);
			cal_fmt_span(b, sizeof b, &spans[i]);
			snprintf(err, errlen, "spans %s and %s overlap", a, b);
			return (-1);
		}
		if (spans[i].start_min == spans[j].end_min) {
			/* Touching spans merge. */
			spans[j].end_min = spans[i].end_min;
			continue;
		}
		tmp = spans[i];
		spans[++j] = tmp;
	}
	*n = cnt > 0 ? j + 1 : 0;
	return (0);
}

static int
cal_day_name(const char *s, size_t len)
{
	static const char	*names[CAL_WEEK_DAYS] = { "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday", "sunday" };
	int			 i;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len < DAY_NAME_MIN)
		return (-1);
	for (i = 0; i < CAL_WEEK_DAYS; i++) {
		if (len <= strlen(names[i]) &&
		    strncasecmp(s, names[i], len) == 0)
			return (i);
	}
	return (-1);
}

int
cal_parse_days(const char *spec, unsigned *mask, char *err, size_t errlen)
{
	char		 item[32];
	const char	*p = spec, *next, *dash;
	int		 a, b;

	*mask = 0;
	for (;;) {
		if ((next = cal_item(p, item, sizeof item)) == NULL) {
			snprintf(err, errlen, "unknown day \"%s\" (expected "
			    "mon..sun or a range like mon-fri)", item);
			return (-1);
		}
		dash = strchr(item, '-');
		a = cal_day_name(item, dash != NULL ? (size_t)(dash - item) :
		    strlen(item));
		b = dash != NULL ? cal_day_name(dash + 1, strlen(dash + 1)) : a;
		if (a < 0 || b < 0) {
			snprintf(err, errlen, "unknown day \"%s\" (expected "
			    "mon..sun or a range like mon-fri)", item);
			return (-1);
		}
		for (;; a = (a + 1) % CAL_WEEK_DAYS) {	/* fri-mon wraps */
			*mask |= 1u << a;
			if (a == b)
				break;
		}
		if (next == p || next[-1] != ',')
			return (0);
		p = next;
	}
}

/* Up to max digits; the count read, 0 if none. */
static int
cal_digits(const char **pp, int max, int *v)
{
	int	nd = 0;

	*v = 0;
	while (**pp >= '0' && **pp <= '9' && nd <= max) {
		*v = *v * 10 + (*(*pp)++ - '0');
		nd++;
	}
	return (nd > max ? 0 : nd);
}

int
cal_parse_date(const char *spec, struct cal_date *d, char *err, size_t errlen)
{
	const char	*p = cal_skip_ws(spec);
	int		 v[3], nd[3], k = 0;

	for (;;) {
		if ((nd[k] = cal_digits(&p, 4, &v[k])) == 0)
			goto bad;
		k++;
		if (*p != '-' || k == 3)
			break;
		p++;
	}
	if (*cal_skip_ws(p) != '\0' || k < 2 || (k == 3 && nd[0] != 4) ||
	    nd[k - 1] > 2 || nd[k - 2] > 2)
		goto bad;
	d->year = k == 3 ? v[0] : 0;
	d->month = v[k - 2];
	d->day = v[k - 1];
	if (k == 3 && d->year < 1) {
		snprintf(err, errlen, "bad date \"%s\": year must be 0001-9999",
		    spec);
		return (-1);
	}
	if (d->month < 1 || d->month > 12) {
		snprintf(err, errlen, "bad date \"%s\": month must be 01-12",
		    spec);
		return (-1);
	}
	if (!cal_date_valid(d)) {
		snprintf(err, errlen, "bad date \"%s\": no day %d in that "
		    "month", spec, d->day);
		return (-1);
	}
	return (0);
bad:
	snprintf(err, errlen, "bad date \"%s\": expected MM-DD (yearly) or "
	    "YYYY-MM-DD", spec);
	return (-1);
}
