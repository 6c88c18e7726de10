/* config_internal.h: the parser state shared by config.c and its
 * sections' files (config-sla.c, config-followup.c, config-cluster.c). */
#ifndef HOTLINE_CONFIG_INTERNAL_H
#define HOTLINE_CONFIG_INTERNAL_H

#include "config.h"

enum config_section {
	SEC_NONE,
	SEC_SERVER,
	SEC_LIMITS,
	SEC_ROUTING,
	SEC_AGENTS,
	SEC_TIER,
	SEC_QUEUE,
	SEC_USER,
	SEC_CALENDAR,
	SEC_SLA,
	SEC_AUTH,
	SEC_HTTP,
	SEC_INSIGHT,
	SEC_FOLLOWUP,
	SEC_RETENTION,
	SEC_CLUSTER
};

struct config_parse {
	struct config		*cfg;
	const char		*file;
	int			 line;
	char			*err;
	size_t			 errlen;
	enum config_section	 section;
	void			*current;	/* the section's record */
};

int	config_error(struct config_parse *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	config_valid_name(const char *);
int	config_check_name(struct config_parse *, const char *kind,
	    const char *);
int	config_parse_int(const char *, long min, long max, long *);

int	config_calendar_section(struct config_parse *, const char *name);
int	config_calendar_key(struct config_parse *, const char *, const char *);
int	config_sla_section(struct config_parse *, const char *tier,
	    const char *queue);
int	config_sla_key(struct config_parse *, const char *, const char *);
/* Whole-file checks of calendars and policies; inheritance of [sla T Q]. */
int	config_sla_check(struct config_parse *);

int	config_insight_key(struct config_parse *, const char *, const char *);
int	config_followup_section(struct config_parse *, const char *name);
int	config_followup_key(struct config_parse *, const char *, const char *);
/* Follow-up and complaints queues exist. */
int	config_followup_check(struct config_parse *);

int	config_cluster_section(struct config_parse *);
int	config_cluster_key(struct config_parse *, const char *, const char *);
/* The keys a [cluster] section must have, given together. */
int	config_cluster_check(struct config_parse *);

#endif
