/*
 * fmt.h: how the clients write times. Durations read like a wall clock
 * ("0:07", "12:31", "1:02:03", "3d04h"), negative ones with a minus (an
 * SLA already passed); instants as local times of day or dates.
 */
#ifndef HOTLINE_CLIENT_FMT_H
#define HOTLINE_CLIENT_FMT_H

#include <stddef.h>
#include <stdint.h>

#define FMT_DURATION_MAX	24

/* ms as m:ss, h:mm:ss, or NdHHh beyond a day. */
const char	*fmt_duration(int64_t ms, char *buf, size_t len);
/* ms as a short unit: "45s", "12m", "3h", "2d". */
const char	*fmt_short(int64_t ms, char *buf, size_t len);
/* A Unix time in ms as local "HH:MM:SS". */
const char	*fmt_clock(int64_t unix_ms, char *buf, size_t len);
/* A Unix time in ms as local "YYYY-MM-DD", or "HH:MM" if today. */
const char	*fmt_when(int64_t unix_ms, int64_t now_ms, char *buf,
		    size_t len);
/* A deadline: "14:30" today, "Tue 09:15" this week, else the date too. */
const char	*fmt_due(int64_t unix_ms, int64_t now_ms, char *buf, size_t len);
/* Wall-clock time now, Unix ms; and a monotonic clock in ms. */
int64_t		 fmt_now_ms(void);
int64_t		 fmt_mono_ms(void);
/*
 * Copies s into buf, cut to at most width display columns (UTF-8 aware:
 * a multi-byte character counts as one column), with "~" marking a cut.
 */
const char	*fmt_fit(const char *s, size_t width, char *buf, size_t len);
/* Display columns of a UTF-8 string (one per character). */
size_t		 fmt_width(const char *s);

#endif
