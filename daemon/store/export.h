/*
 * export.h: `hotlined --export tickets|events`: a CSV file (RFC 4180) of
 * the tickets created, or the events journaled, in a time range, with
 * personal data decrypted by the key file. Reads the database through a
 * read-only connection, so it runs beside the daemon.
 */
#ifndef HOTLINE_EXPORT_H
#define HOTLINE_EXPORT_H

#include "engine.h"

struct export_opts {
	const char	*what;		/* "tickets" or "events" */
	hl_ms		 from;
	hl_ms		 to;
	const char	*data_dir;
	const char	*key_file;	/* NULL: <data_dir>/hotline.key */
	const char	*output;	/* NULL or "-": stdout */
};

/* 0, or 1 with the reason on stderr. */
int	export_run(const struct export_opts *);

#endif
