/* fmt.c: durations, clock times and column-fitting for both clients. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fmt.h"

const char *
fmt_duration(int64_t ms, char *buf, size_t len)
{
	const char	*sign = ms < 0 ? "-" : "";
	int64_t		 s = (ms < 0 ? -ms : ms) / 1000;

	if (s >= 86400)
		snprintf(buf, len, "%s%lldd%02lldh", sign, (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, len, "%s%lld:%02lld:%02lld", sign,
		    (long long)(s / 3600), (long long)(s % 3600 / 60),
		    (long long)(s % 60));
	else
		snprintf(buf, len, "%s%lld:%02lld", sign, (long long)(s / 60),
		    (long long)(s % 60));
	return (buf);
}

const char *
fmt_short(int64_t ms, char *buf, size_t len)
{
	const char	*sign = ms < 0 ? "-" : "";
	int64_t		 s = (ms < 0 ? -ms : ms) / 1000;

	if (s < 100)
		snprintf(buf, len, "%s%llds", sign, (long long)s);
	else if (s < 100 * 60)
		snprintf(buf, len, "%s%lldm", sign, (long long)(s / 60));
	else if (s < 48 * 3600)
		snprintf(buf, len, "%s%lldh", sign, (long long)(s / 3600));
	else
		snprintf(buf, len, "%s%lldd", sign, (long long)(s / 86400));
	return (buf);
}

const char *
fmt_clock(int64_t unix_ms, char *buf, size_t len)
{
	time_t		t = (time_t)(unix_ms / 1000);
	struct tm	tm;

	if (unix_ms <= 0 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "--:--:--");
	else
		strftime(buf, len, "%H:%M:%S", &tm);
	return (buf);
}

/* Local broken-down times of an instant and of now; -1 if unknown. */
static int
fmt_local(int64_t unix_ms, int64_t now_ms, struct tm *tm, struct tm *tn)
{
	time_t	t = (time_t)(unix_ms / 1000), n = (time_t)(now_ms / 1000);

	if (unix_ms <= 0 || localtime_r(&t, tm) == NULL ||
	    localtime_r(&n, tn) == NULL)
		return (-1);
	return (0);
}

const char *
fmt_when(int64_t unix_ms, int64_t now_ms, char *buf, size_t len)
{
	struct tm	tm, tn;

	if (fmt_local(unix_ms, now_ms, &tm, &tn) != 0)
		snprintf(buf, len, "-");
	else if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else
		strftime(buf, len, "%Y-%m-%d", &tm);
	return (buf);
}

const char *
fmt_due(int64_t unix_ms, int64_t now_ms, char *buf, size_t len)
{
	struct tm	tm, tn;
	int64_t		ahead = unix_ms - now_ms;

	if (fmt_local(unix_ms, now_ms, &tm, &tn) != 0)
		snprintf(buf, len, "-");
	else if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else if (ahead > 0 && ahead < 6 * 86400000LL)
		strftime(buf, len, "%a %H:%M", &tm);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
	return (buf);
}

int64_t
fmt_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int64_t
fmt_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

size_t
fmt_width(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}

const char *
fmt_fit(const char *s, size_t width, char *buf, size_t len)
{
	size_t	cols = 0, i = 0, cut;

	if (len == 0)
		return ("");
	if (fmt_width(s) <= width) {
		snprintf(buf, len, "%s", s);
		return (buf);
	}
	if (width == 0) {
		buf[0] = '\0';
		return (buf);
	}
	/* Keep width - 1 characters, then the cut mark. */
	while (s[i] != '\0') {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (cols == width - 1)
				break;
			cols++;
		}
		i++;
	}
	cut = i < len - 2 ? i : len - 2;
	/* Never end inside a multi-byte character. */
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(buf, s, cut);
	buf[cut] = '~';
	buf[cut + 1] = '\0';
	return (buf);
}
