#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "text.h"
#include "xmalloc.h"

static enum log_level	 log_max = LOG_LEVEL_INFO;
static FILE		*log_fp;
static char		*log_path;

static const char *log_names[] = { "error", "warn", "info", "debug" };

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t	i;

	for (i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
		if (strcasecmp(s, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return (0);
		}
	}
	if (strcasecmp(s, "warning") == 0) {
		*out = LOG_LEVEL_WARN;
		return (0);
	}
	return (-1);
}

void
log_init(enum log_level level, const char *path)
{
	log_max = level;
	free(log_path);
	log_path = path != NULL && *path != '\0' ? xstrdup(path) : NULL;
	log_reopen();
}

void
log_set_level(enum log_level level)
{
	log_max = level;
}

/* Reopen the log file (after rotation); stderr when none is configured. */
int
log_reopen(void)
{
	FILE	*fp;

	if (log_path == NULL) {
		if (log_fp != NULL && log_fp != stderr)
			fclose(log_fp);
		log_fp = stderr;
		return (0);
	}
	if ((fp = fopen(log_path, "a")) == NULL)
		return (-1);
	setvbuf(fp, NULL, _IOLBF, 0);
	if (log_fp != NULL && log_fp != stderr)
		fclose(log_fp);
	log_fp = fp;
	return (0);
}

/*
 * The whole message is escaped, as OpenSSH does: its arguments carry
 * what clients sent (user names, ids, commands), and a newline or an
 * escape sequence in one must not forge a line or drive a terminal.
 */
static void
log_vwrite(enum log_level level, const char *fmt, va_list ap, int err)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 stamp[32], msg[1024], esc[4 * sizeof msg];
	char		*m = msg, *e = esc;
	FILE		*fp = log_fp != NULL ? log_fp : stderr;
	va_list		 ap2;
	int		 n;

	if (level > log_max)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	if (n >= (int)sizeof msg) {
		m = xmalloc((size_t)n + 1);
		vsnprintf(m, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	n = n < 0 ? 0 : (int)strlen(m);
	if ((size_t)n * 4 >= sizeof esc)
		e = xmalloc((size_t)n * 4 + 1);
	text_escape(e, (size_t)n * 4 + 1, m, (size_t)n);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(fp, "%s.%03dZ [%d] %s: %s", stamp, (int)(tv.tv_usec / 1000),
	    (int)getpid(), log_names[level], e);
	if (err != 0)
		fprintf(fp, ": %s", strerror(err));
	fputc('\n', fp);
	fflush(fp);
	if (m != msg)
		free(m);
	if (e != esc)
		free(e);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	err = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_WARN, fmt, ap, err);
	va_end(ap);
	errno = err;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_WARN, fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	err = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap, err);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap, 0);
	va_end(ap);
	exit(1);
}

static void
log_event_cb(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("libevent: %s", msg);
		break;
	case EVENT_LOG_MSG:
		log_info("libevent: %s", msg);
		break;
	default:
		log_warnx("libevent: %s", msg);
		break;
	}
}

static void
log_event_fatal_cb(int err)
{
	fatalx("libevent fatal error %d", err);
}

void
log_libevent(void)
{
	event_set_log_callback(log_event_cb);
	event_set_fatal_callback(log_event_fatal_cb);
}
