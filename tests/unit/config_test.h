/*
 * config_test.h: what the configuration's unit tests (test_config.c,
 * test_config_cluster.c) share: a file parsed from a string, and a bad
 * file's error checked for where and what.
 */
#ifndef HOTLINE_CONFIG_TEST_H
#define HOTLINE_CONFIG_TEST_H

#include "config.h"

/* text parsed after the defaults as "test.conf"; rc its result. */
struct config	*config_test_load(const char *text, char *err, int *rc);
/* text is refused, and the error names where (file:line) and what. */
void		 config_test_error(const char *text, const char *where,
		    const char *what);

#endif
