/* [insight] and [followup NAME] sections of hotline.conf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

/*
 * repeat_window = 7d          a ticket within this of the previous one
 *                             is a repeat contact (0: never)
 * complaints_queue = complaints
 */
int
config_insight_key(struct config_parse *p, const char *key, const char *value)
{
	struct config	*cfg = p->cfg;

	if (strcmp(key, "repeat_window") == 0) {
		if (config_parse_duration(value, &cfg->repeat_window) != 0)
			return (config_error(p, "bad value '%s' for %s", value,
			    key));
	} else if (strcmp(key, "complaints_queue") == 0) {
		if (*value != '\0' && !config_valid_name(value))
			return (config_error(p, "bad value '%s' for %s", value,
			    key));
		strcpy(cfg->complaints_queue, value);
		cfg->complaints_queue_set = 1;
	} else
		return (config_error(p, "unknown key '%s' in [insight]", key));
	return (0);
}

int
config_followup_section(struct config_parse *p, const char *name)
{
	struct config		*cfg = p->cfg;
	struct followup_rule	*r;
	int			 i;

	if (config_check_name(p, "followup", name) != 0)
		return (-1);
	for (i = 0; i < cfg->nfollowups; i++)
		if (strcmp(cfg->followups[i].name, name) == 0)
			return (config_error(p, "followup '%s' defined twice",
			    name));
	if (cfg->nfollowups == ENGINE_MAX_FOLLOWUPS)
		return (config_error(p, "too many [followup] sections (at "
		    "most %d)", ENGINE_MAX_FOLLOWUPS));
	r = &cfg->followups[cfg->nfollowups++];
	memset(r, 0, sizeof *r);
	strcpy(r->name, name);
	r->delay = 24 * 3600 * 1000;
	p->section = SEC_FOLLOWUP;
	p->current = r;
	return (0);
}

/*
 * tiers = gold, diamond      segments = enterprise      (either or both)
 * queue = general            delay = 1d
 * dispositions = a, b        skip_dispositions = spam, duplicate
 * subject = ...              priority = 0
 */
int
config_followup_key(struct config_parse *p, const char *key,
    const char *value)
{
	struct followup_rule	*r = p->current;
	char			 segs[3][ENGINE_NAME_MAX];
	enum segment		 seg;
	long			 v;
	int			 i, n;

	if (strcmp(key, "tiers") == 0) {
		if (config_parse_groups(value, r->tiers, ENGINE_MAX_TIERS,
		    &r->ntiers) != 0)
			return (config_error(p, "followup %s: bad tiers '%s'",
			    r->name, value));
	} else if (strcmp(key, "segments") == 0) {
		r->segments = 0;
		if (config_parse_groups(value, segs, 3, &n) != 0)
			return (config_error(p, "followup %s: bad segments "
			    "'%s'", r->name, value));
		for (i = 0; i < n; i++) {
			if (segment_parse(segs[i], &seg) != 0)
				return (config_error(p, "followup %s: unknown "
				    "segment '%s' (individual, family or "
				    "enterprise)", r->name, segs[i]));
			r->segments |= 1u << seg;
		}
	} else if (strcmp(key, "queue") == 0) {
		if (!config_valid_name(value))
			return (config_error(p, "followup %s: bad queue '%s'",
			    r->name, value));
		strcpy(r->queue, value);
	} else if (strcmp(key, "delay") == 0) {
		if (config_parse_duration(value, &r->delay) != 0)
			return (config_error(p, "followup %s: bad delay '%s'",
			    r->name, value));
	} else if (strcmp(key, "dispositions") == 0 ||
	    strcmp(key, "skip_dispositions") == 0) {
		if (config_parse_groups(value, key[0] == 'd' ? r->only : r->skip,
		    ENGINE_MAX_DISPOSITIONS, key[0] == 'd' ? &r->nonly :
		    &r->nskip) != 0)
			return (config_error(p, "followup %s: bad %s '%s' (at "
			    "most %d names)", r->name, key, value,
			    ENGINE_MAX_DISPOSITIONS));
	} else if (strcmp(key, "subject") == 0) {
		if (strlen(value) >= sizeof r->subject)
			return (config_error(p, "followup %s: subject longer "
			    "than %zu bytes", r->name, sizeof r->subject - 1));
		strcpy(r->subject, value);
	} else if (strcmp(key, "priority") == 0) {
		if (config_parse_int(value, -1000, 1000, &v) != 0)
			return (config_error(p, "followup %s: bad priority "
			    "'%s' (-1000 to 1000)", r->name, value));
		r->priority = (int)v;
	} else
		return (config_error(p, "unknown key '%s' in [followup %s]",
		    key, r->name));
	return (0);
}

/* References to queues, which may be defined further down the file. */
int
config_followup_check(struct config_parse *p)
{
	struct config	*cfg = p->cfg;
	int		 i, k;

	for (i = 0; i < cfg->nfollowups; i++) {
		if (cfg->followups[i].queue[0] == '\0')
			return (config_error(p, "followup %s: no queue",
			    cfg->followups[i].name));
		for (k = 0; k < cfg->nqueues; k++)
			if (strcmp(cfg->queues[k].name,
			    cfg->followups[i].queue) == 0)
				break;
		if (k == cfg->nqueues)
			return (config_error(p, "followup %s: unknown queue "
			    "'%s'", cfg->followups[i].name,
			    cfg->followups[i].queue));
	}
	if (!cfg->complaints_queue_set || cfg->complaints_queue[0] == '\0')
		return (0);
	for (k = 0; k < cfg->nqueues; k++)
		if (strcmp(cfg->queues[k].name, cfg->complaints_queue) == 0)
			return (0);
	return (config_error(p, "insight: complaints_queue '%s' is not a "
	    "queue", cfg->complaints_queue));
}
