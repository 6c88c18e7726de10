/* log.h: leveled logging to stderr or a file (OpenSMTPD style). */
#ifndef HOTLINE_LOG_H
#define HOTLINE_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

int	log_level_parse(const char *, enum log_level *);
void	log_init(enum log_level, const char *path);	/* NULL: stderr */
void	log_set_level(enum log_level);
int	log_reopen(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* Route libevent's own messages into this log. */
void	log_libevent(void);

#endif
