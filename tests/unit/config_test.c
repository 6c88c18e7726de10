/* The configuration's unit tests' shared helpers (config_test.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config_test.h"

struct config *
config_test_load(const char *text, char *err, int *rc)
{
	struct config	*cfg = malloc(sizeof *cfg);

	assert_non_null(cfg);
	config_defaults(cfg);
	*rc = config_load_string(cfg, "test.conf", text, err, CONFIG_ERRMAX);
	return (cfg);
}

/* Each bad file names the file, the line and the reason. */
void
config_test_error(const char *text, const char *where, const char *what)
{
	char		 err[CONFIG_ERRMAX] = "";
	int		 rc;
	struct config	*cfg = config_test_load(text, err, &rc);

	assert_int_equal(rc, -1);
	if (strstr(err, where) == NULL || strstr(err, what) == NULL)
		fail_msg("error '%s' lacks '%s' or '%s'", err, where, what);
	config_free(cfg);
	free(cfg);
}
