/*
 * tzfile.h: the daemon-side edge that turns an IANA zone name (a TZif
 * file under $TZDIR or /usr/share/zoneinfo, RFC 8536 v1 to v4) or a POSIX
 * TZ string into the pure transition table calendars use (struct
 * cal_zone). The footer rule of a v2+ file, and a POSIX string's rule, are
 * expanded year by year up to TZFILE_LAST_YEAR; past that the last offset
 * stays in force.
 */
#ifndef HOTLINE_TZFILE_H
#define HOTLINE_TZFILE_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

#define TZFILE_NAME_MAX		128
#define TZFILE_FOOTER_MAX	64
#define TZFILE_ERRMAX		256
#define TZFILE_FIRST_YEAR	1970	/* rule-only zones start here */
#define TZFILE_LAST_YEAR	2100	/* rules expanded through this year */
#define TZFILE_MAX_SIZE		(1 << 20)

/* Owns its arrays: tzfile_free them after the last calendar using them. */
struct tzfile_zone {
	char	 name[TZFILE_NAME_MAX];
	size_t	 n;
	int64_t	*at_ms;			/* strictly increasing */
	int32_t	*offset_s;		/* in force from at_ms[i] */
	int32_t	 initial_offset_s;
	char	 footer[TZFILE_FOOTER_MAX];	/* POSIX TZ rule, "" if none */
};

void	tzfile_init(struct tzfile_zone *);
void	tzfile_free(struct tzfile_zone *);

/* An IANA name: [A-Za-z0-9_+-./], no leading '/', no "..". */
int	tzfile_name_ok(const char *name);

/*
 * Loads name: an IANA name from $TZDIR (default /usr/share/zoneinfo), or
 * failing that a POSIX TZ string ("UTC0", "<+0330>-3:30",
 * "CET-1CEST,M3.5.0,M10.5.0/3"). 0 on success; -1 with err set and the
 * zone left empty.
 */
int	tzfile_load(const char *name, struct tzfile_zone *, char *err,
	    size_t errlen);

/* The TZif bytes of one file; leap-second ("right/") files are refused. */
int	tzfile_parse(const void *buf, size_t len, struct tzfile_zone *,
	    char *err, size_t errlen);

/* A POSIX TZ string alone, its rule expanded from TZFILE_FIRST_YEAR. */
int	tzfile_from_posix(const char *tz, struct tzfile_zone *, char *err,
	    size_t errlen);

/* A view for cal_set_zone; it borrows the tzfile_zone's arrays. */
void	tzfile_cal_zone(const struct tzfile_zone *, struct cal_zone *);

#endif
