/*
 * tzfile.c: TZif reader (RFC 8536) and POSIX TZ rules, producing the
 * offset-change table of struct cal_zone. Only UTC offsets matter to
 * calendars, so transitions that change just the abbreviation or the
 * isdst flag are dropped. Rules are expanded per year here, once, so the
 * engine's queries stay binary searches over a plain array.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tzfile.h"
#include "xmalloc.h"

#define TZ_HDR		44
#define TZ_MAX_OFF	93599		/* RFC 8536 3.2: -89999..93599 s */
#define TZ_MIN_S	(CAL_MIN_MS / 1000)
#define TZ_MAX_S	(CAL_MAX_MS / 1000)

struct tz_hdr {
	int		version;	/* 1, 2, 3, 4 */
	uint64_t	isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

/* Mm.w.d (m != 0), Jn (julian, Feb 29 never counted) or n (zero-based). */
struct tz_rule {
	int	m, w, d;
	int	n;
	int	julian;
	int32_t	time_s;			/* local time of day, may pass 24 h */
};

struct tz_posix {
	int32_t		std_off, dst_off;	/* seconds east of UTC */
	int		has_dst;
	struct tz_rule	start, end;
};

void
tzfile_init(struct tzfile_zone *z)
{
	memset(z, 0, sizeof *z);
}

void
tzfile_free(struct tzfile_zone *z)
{
	free(z->at_ms);
	free(z->offset_s);
	tzfile_init(z);
}

void
tzfile_cal_zone(const struct tzfile_zone *z, struct cal_zone *cz)
{
	cz->n = z->n;
	cz->at_ms = z->at_ms;
	cz->offset_s = z->offset_s;
	cz->initial_offset_s = z->initial_offset_s;
}

int
tzfile_name_ok(const char *name)
{
	const char	*p;
	size_t		 len = strlen(name);

	if (len == 0 || len >= TZFILE_NAME_MAX || name[0] == '/' ||
	    strstr(name, "..") != NULL)
		return (0);
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("/_+-.", *p) == NULL)
			return (0);
	}
	return (1);
}

/*
 * Appends a change of offset in force from at seconds. Same-instant
 * entries replace the earlier one (a rule's end of DST meeting next
 * year's start), and entries that change nothing are dropped.
 */
static void
tz_push(struct tzfile_zone *z, size_t *cap, int64_t at, int32_t off)
{
	int32_t	prev;

	if (at < TZ_MIN_S) {
		z->initial_offset_s = off;	/* before year 1: the start */
		z->n = 0;
		return;
	}
	if (at >= TZ_MAX_S)
		return;
	at *= 1000;
	if (z->n > 0 && at < z->at_ms[z->n - 1])
		return;
	if (z->n > 0 && at == z->at_ms[z->n - 1])
		z->n--;
	prev = z->n > 0 ? z->offset_s[z->n - 1] : z->initial_offset_s;
	if (off == prev)
		return;
	if (z->n == *cap) {
		*cap = *cap != 0 ? *cap * 2 : 64;
		z->at_ms = xreallocarray(z->at_ms, *cap, sizeof *z->at_ms);
		z->offset_s = xreallocarray(z->offset_s, *cap,
		    sizeof *z->offset_s);
	}
	z->at_ms[z->n] = at;
	z->offset_s[z->n] = off;
	z->n++;
}

/* [+-]hh[:mm[:ss]], hours up to maxh; seconds, or -1 on error. */
static int
tz_hms(const char **pp, int maxh, int32_t *out)
{
	const char	*p = *pp;
	int		 sign = 1, v[3] = { 0, 0, 0 }, k, nd;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (k = 0; k < 3; k++) {
		for (nd = 0; isdigit((unsigned char)*p) && nd < 3; nd++)
			v[k] = v[k] * 10 + (*p++ - '0');
		if (nd == 0 || nd > (k == 0 ? 3 : 2) ||
		    (k > 0 && (nd != 2 || v[k] > 59)))
			return (-1);
		if (*p != ':' || k == 2)
			break;
		p++;
	}
	if (v[0] > maxh)
		return (-1);
	*out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	*pp = p;
	return (0);
}

/* std/dst designation: three or more letters, or <...> of [A-Za-z0-9+-]. */
static int
tz_name(const char **pp)
{
	const char	*p = *pp;
	size_t		 n = 0;

	if (*p == '<') {
		for (p++; isalnum((unsigned char)*p) || *p == '+' || *p == '-';
		    p++)
			n++;
		if (*p++ != '>')
			return (-1);
	} else {
		for (; isalpha((unsigned char)*p); p++)
			n++;
	}
	if (n < 3)
		return (-1);
	*pp = p;
	return (0);
}

static int
tz_num(const char **pp, int lo, int hi, int *v)
{
	int	nd = 0;

	*v = 0;
	while (isdigit((unsigned char)**pp) && nd < 4) {
		*v = *v * 10 + (*(*pp)++ - '0');
		nd++;
	}
	return (nd == 0 || *v < lo || *v > hi ? -1 : 0);
}

static int
tz_rule(const char **pp, struct tz_rule *r)
{
	memset(r, 0, sizeof *r);
	r->time_s = 7200;			/* POSIX default 02:00 */
	if (**pp == 'M') {
		(*pp)++;
		if (tz_num(pp, 1, 12, &r->m) == -1 || *(*pp)++ != '.' ||
		    tz_num(pp, 1, 5, &r->w) == -1 || *(*pp)++ != '.' ||
		    tz_num(pp, 0, 6, &r->d) == -1)
			return (-1);
	} else if (**pp == 'J') {
		(*pp)++;
		r->julian = 1;
		if (tz_num(pp, 1, 365, &r->n) == -1)
			return (-1);
	} else if (tz_num(pp, 0, 365, &r->n) == -1)
		return (-1);
	if (**pp == '/') {
		(*pp)++;
		/* RFC 8536 3.3.1 allows -167..167 hours. */
		if (tz_hms(pp, 167, &r->time_s) == -1)
			return (-1);
	}
	return (0);
}

static int
tz_posix_parse(const char *s, struct tz_posix *tp)
{
	const char	*p = s;
	int32_t		 v;

	memset(tp, 0, sizeof *tp);
	if (tz_name(&p) == -1 || tz_hms(&p, 24, &v) == -1)
		return (-1);
	tp->std_off = -v;			/* POSIX counts west positive */
	if (*p == '\0')
		return (0);
	if (tz_name(&p) == -1)
		return (-1);
	tp->has_dst = 1;
	tp->dst_off = tp->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (tz_hms(&p, 24, &v) == -1)
			return (-1);
		tp->dst_off = -v;
	}
	if (*p == '\0')				/* glibc's default: US rules */
		p = ",M3.2.0,M11.1.0";
	if (*p++ != ',' || tz_rule(&p, &tp->start) == -1 || *p++ != ',' ||
	    tz_rule(&p, &tp->end) == -1 || *p != '\0')
		return (-1);
	return (0);
}

/* The day (since the epoch) a rule names in year. */
static int64_t
tz_rule_day(const struct tz_rule *r, int64_t year)
{
	int64_t	jan1 = cal_days_from_civil(year, 1, 1), first, day;
	int	wd1, mlen;

	if (r->m == 0) {
		if (r->julian)
			return (jan1 + r->n - 1 + (r->n >= 60 &&
			    cal_days_in_month(year, 2) == 29));
		return (jan1 + r->n);
	}
	first = cal_days_from_civil(year, r->m, 1);
	wd1 = (cal_weekday(first) + 1) % 7;	/* POSIX: 0 = Sunday */
	mlen = cal_days_in_month(year, r->m);
	day = first + (r->d - wd1 + 7) % 7 + (int64_t)(r->w - 1) * 7;
	while (day >= first + mlen)		/* week 5: the last one */
		day -= 7;
	return (day);
}

/* DST starts at a standard-time reading, ends at a daylight-time one. */
static void
tz_expand(struct tzfile_zone *z, size_t *cap, const struct tz_posix *tp,
    int64_t y0, int64_t y1)
{
	int64_t	y, s, e;

	if (!tp->has_dst)
		return;		/* the last offset already stays in force */
	for (y = y0; y <= y1; y++) {
		s = tz_rule_day(&tp->start, y) * 86400 + tp->start.time_s -
		    tp->std_off;
		e = tz_rule_day(&tp->end, y) * 86400 + tp->end.time_s -
		    tp->dst_off;
		if (s < e) {
			tz_push(z, cap, s, tp->dst_off);
			tz_push(z, cap, e, tp->std_off);
		} else {
			tz_push(z, cap, e, tp->std_off);
			tz_push(z, cap, s, tp->dst_off);
		}
	}
}

int
tzfile_from_posix(const char *tz, struct tzfile_zone *z, char *err,
    size_t errlen)
{
	struct tz_posix	tp;
	size_t		cap = 0;

	tzfile_init(z);
	if (strlen(tz) >= TZFILE_FOOTER_MAX || tz_posix_parse(tz, &tp) == -1) {
		snprintf(err, errlen, "bad POSIX TZ string \"%.64s\"", tz);
		return (-1);
	}
	z->initial_offset_s = tp.std_off;
	tz_expand(z, &cap, &tp, TZFILE_FIRST_YEAR, TZFILE_LAST_YEAR);
	snprintf(z->name, sizeof z->name, "%s", tz);
	snprintf(z->footer, sizeof z->footer, "%s", tz);
	return (0);
}

static uint64_t
tz_be(const unsigned char *p, int nbytes)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < nbytes; i++)
		v = v << 8 | p[i];
	return (v);
}

static int
tz_header(const unsigned char *p, size_t len, struct tz_hdr *h)
{
	if (len < TZ_HDR || memcmp(p, "TZif", 4) != 0)
		return (-1);
	h->version = p[4] == 0 ? 1 : p[4] - '0';
	if (h->version < 1 || h->version > 9)
		return (-1);
	h->isutcnt = tz_be(p + 20, 4);
	h->isstdcnt = tz_be(p + 24, 4);
	h->leapcnt = tz_be(p + 28, 4);
	h->timecnt = tz_be(p + 32, 4);
	h->typecnt = tz_be(p + 36, 4);
	h->charcnt = tz_be(p + 40, 4);
	if (h->typecnt == 0 || h->typecnt > 256 ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt))
		return (-1);
	return (0);
}

static uint64_t
tz_block_len(const struct tz_hdr *h, int tsize)
{
	return (h->timecnt * (uint64_t)(tsize + 1) + h->typecnt * 6 +
	    h->charcnt + h->leapcnt * (uint64_t)(tsize + 4) + h->isstdcnt +
	    h->isutcnt);
}

/* One data block (tsize 4 for v1, 8 for v2+) into z. */
static int
tz_block(const unsigned char *p, const struct tz_hdr *h, int tsize,
    struct tzfile_zone *z, size_t *cap, const char **why)
{
	const unsigned char	*times = p, *idx = p + h->timecnt * tsize;
	const unsigned char	*types = idx + h->timecnt;
	int64_t			 at, prev = INT64_MIN;
	int32_t			 off;
	uint64_t		 i;

	for (i = 0; i < h->typecnt; i++) {
		off = (int32_t)(uint32_t)tz_be(types + 6 * i, 4);
		if (off < -TZ_MAX_OFF || off > TZ_MAX_OFF) {
			*why = "UTC offset out of range";
			return (-1);
		}
	}
	z->initial_offset_s = (int32_t)(uint32_t)tz_be(types, 4);
	for (i = 0; i < h->timecnt; i++) {
		at = tsize == 4 ? (int32_t)(uint32_t)tz_be(times + 4 * i, 4) :
		    (int64_t)tz_be(times + 8 * i, 8);
		if (at <= prev || idx[i] >= h->typecnt) {
			*why = at <= prev ? "transitions out of order" :
			    "bad type index";
			return (-1);
		}
		prev = at;
		off = (int32_t)(uint32_t)tz_be(types + 6 * idx[i], 4);
		tz_push(z, cap, at, off);
	}
	return (0);
}

int
tzfile_parse(const void *buf, size_t len, struct tzfile_zone *z, char *err,
    size_t errlen)
{
	const unsigned char	*p = buf, *f, *nl;
	const char		*why = "truncated";
	struct tz_hdr		 h;
	struct tz_posix		 tp;
	uint64_t		 off;
	size_t			 cap = 0;
	int64_t			 y0, yy;
	int			 mm, dd;

	tzfile_init(z);
	if (tz_header(p, len, &h) == -1) {
		why = "not a TZif file";
		goto fail;
	}
	off = TZ_HDR;
	if (h.version >= 2) {
		/* Skip the 32-bit block: the 64-bit one after it is whole. */
		off += tz_block_len(&h, 4);
		if (off > len || tz_header(p + off, len - off, &h) == -1)
			goto fail;
		off += TZ_HDR;
	}
	if (off + tz_block_len(&h, h.version >= 2 ? 8 : 4) > len)
		goto fail;
	if (h.leapcnt != 0) {
		why = "leap-second zones (right/...) are not supported";
		goto fail;
	}
	if (tz_block(p + off, &h, h.version >= 2 ? 8 : 4, z, &cap, &why) == -1)
		goto fail;
	off += tz_block_len(&h, h.version >= 2 ? 8 : 4);
	if (h.version < 2 || off >= len)
		return (0);
	/* Footer: "\n<POSIX TZ>\n", for instants past the last transition. */
	f = p + off;
	if (*f != '\n' || (nl = memchr(f + 1, '\n', len - off - 1)) == NULL ||
	    (size_t)(nl - f - 1) >= TZFILE_FOOTER_MAX) {
		why = "bad footer";
		goto fail;
	}
	memcpy(z->footer, f + 1, (size_t)(nl - f - 1));
	z->footer[nl - f - 1] = '\0';
	if (z->footer[0] == '\0')
		return (0);
	if (tz_posix_parse(z->footer, &tp) == -1) {
		why = "bad footer TZ string";
		goto fail;
	}
	y0 = TZFILE_FIRST_YEAR;
	if (z->n > 0) {
		cal_civil_from_days(z->at_ms[z->n - 1] / CAL_DAY_MS - 1, &yy,
		    &mm, &dd);
		y0 = yy;
	}
	tz_expand(z, &cap, &tp, y0, TZFILE_LAST_YEAR);
	return (0);
fail:
	tzfile_free(z);
	snprintf(err, errlen, "bad TZif data: %s", why);
	return (-1);
}

/* Whole file into memory; -1 with errno set (EFBIG if over the cap). */
static int
tz_read(const char *path, unsigned char **bufp, size_t *lenp)
{
	FILE		*fp;
	unsigned char	*buf;
	size_t		 n;
	int		 saved;

	if ((fp = fopen(path, "rb")) == NULL)
		return (-1);
	buf = xmalloc(TZFILE_MAX_SIZE + 1);
	n = fread(buf, 1, TZFILE_MAX_SIZE + 1, fp);
	if (ferror(fp) || n > TZFILE_MAX_SIZE) {
		saved = ferror(fp) ? errno : EFBIG;
		free(buf);
		fclose(fp);
		errno = saved;
		return (-1);
	}
	fclose(fp);
	*bufp = buf;
	*lenp = n;
	return (0);
}

int
tzfile_load(const char *name, struct tzfile_zone *z, char *err, size_t errlen)
{
	const char	*dir = getenv("TZDIR");
	char		 path[TZFILE_NAME_MAX + 512], why[TZFILE_ERRMAX];
	unsigned char	*buf;
	size_t		 len;
	int		 rc, saved;

	tzfile_init(z);
	if (!tzfile_name_ok(name)) {
		if (tzfile_from_posix(name, z, why, sizeof why) == 0)
			return (0);
		snprintf(err, errlen, "invalid time zone \"%.64s\": not a zone "
		    "name nor a POSIX TZ string", name);
		return (-1);
	}
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof path, "%.500s/%s", dir, name);
	if (tz_read(path, &buf, &len) == -1) {
		saved = errno;
		/* "UTC0" or "EST5EDT,M3.2.0,M11.1.0": POSIX strings too. */
		if (saved == ENOENT &&
		    tzfile_from_posix(name, z, why, sizeof why) == 0)
			return (0);
		snprintf(err, errlen, "unknown time zone \"%s\": %s: %s", name,
		    path, strerror(saved));
		return (-1);
	}
	rc = tzfile_parse(buf, len, z, why, sizeof why);
	free(buf);
	if (rc == -1) {
		snprintf(err, errlen, "time zone \"%s\": %s: %s", name, path,
		    why);
		return (-1);
	}
	snprintf(z->name, sizeof z->name, "%s", name);
	return (0);
}
