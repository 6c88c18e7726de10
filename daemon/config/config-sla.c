/* [calendar NAME] and [sla TIER [QUEUE]] sections of hotline.conf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

int
config_calendar_section(struct config_parse *p, const char *name)
{
	struct config	*cfg = p->cfg;
	struct calendar	*cal;
	int		 i;

	if (config_check_name(p, "calendar", name) != 0)
		return (-1);
	for (i = 0; i < cfg->ncalendars; i++)
		if (strcmp(cfg->calendars[i].name, name) == 0)
			return (config_error(p, "calendar '%s' defined twice",
			    name));
	if (cfg->ncalendars == CONFIG_MAX_CALENDARS)
		return (config_error(p, "too many calendars"));
	tzfile_init(&cfg->zones[cfg->ncalendars]);
	cal = &cfg->calendars[cfg->ncalendars++];
	cal_init(cal, name);
	p->section = SEC_CALENDAR;
	p->current = cal;
	return (0);
}

/*
 * timezone = Europe/Paris
 * mon-fri = 09:00-12:00, 13:00-18:00     (any day spec: mon, sat,sun...)
 * holidays = 01-01, 12-25, 2026-05-14    (yearly MM-DD or one-off dates)
 * hours = 24/7                           (always open)
 */
int
config_calendar_key(struct config_parse *p, const char *key,
    const char *value)
{
	struct calendar		*cal = p->current;
	struct tzfile_zone	*zone = &p->cfg->zones[cal - p->cfg->calendars];
	struct cal_span		 spans[CAL_MAX_SPANS];
	struct cal_zone		 cz;
	struct cal_date		 date;
	char			 why[TZFILE_ERRMAX], buf[CONFIG_LIST_MAX];
	char			*tok, *save;
	unsigned		 days;
	int			 n;

	if (strcmp(key, "timezone") == 0) {
		tzfile_free(zone);
		tzfile_init(zone);
		/* tzfile_load takes POSIX TZ strings too ("UTC0"). */
		if (tzfile_load(value, zone, why, sizeof why) != 0)
			return (config_error(p, "calendar %s: %s", cal->name,
			    why));
		tzfile_cal_zone(zone, &cz);
		cal_set_zone(cal, &cz);
		return (0);
	}
	if (strcmp(key, "hours") == 0) {
		if (strcmp(value, "24/7") != 0)
			return (config_error(p, "calendar %s: hours must be "
			    "'24/7' (give weekday hours as 'mon-fri = "
			    "09:00-17:00')", cal->name));
		cal->always_open = 1;
		return (0);
	}
	if (strcmp(key, "holidays") == 0) {
		if (strlen(value) >= sizeof buf)
			return (config_error(p, "holidays: line too long"));
		strcpy(buf, value);
		for (tok = strtok_r(buf, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save)) {
			if (cal_parse_date(tok, &date, why, sizeof why) != 0 ||
			    cal_add_holiday(cal, &date, why, sizeof why) != 0)
				return (config_error(p, "calendar %s: %s",
				    cal->name, why));
		}
		return (0);
	}
	if (cal_parse_days(key, &days, why, sizeof why) != 0)
		return (config_error(p, "calendar %s: unknown key '%s' "
		    "(timezone, holidays, hours, or days such as mon-fri): %s",
		    cal->name, key, why));
	if (cal_parse_hours(value, spans, CAL_MAX_SPANS, &n, why,
	    sizeof why) != 0)
		return (config_error(p, "calendar %s: %s: %s", cal->name, key,
		    why));
	cal_set_hours(cal, days, spans, n);
	return (0);
}

int
config_sla_section(struct config_parse *p, const char *tier, const char *queue)
{
	struct config		*cfg = p->cfg;
	struct sla_policy	*sp;
	int			 i;

	if (!config_valid_name(tier) || (queue != NULL &&
	    !config_valid_name(queue)))
		return (config_error(p, "[sla TIER] or [sla TIER QUEUE] "
		    "expected"));
	for (i = 0; i < cfg->nslas; i++) {
		if (strcmp(cfg->slas[i].tier, tier) == 0 &&
		    strcmp(cfg->slas[i].queue, queue ? queue : "") == 0)
			return (config_error(p, "[sla %s%s%s] defined twice",
			    tier, queue ? " " : "", queue ? queue : ""));
	}
	if (cfg->nslas == CONFIG_MAX_SLAS)
		return (config_error(p, "too many [sla] sections"));
	sp = &cfg->slas[cfg->nslas++];
	memset(sp, 0, sizeof *sp);
	snprintf(sp->tier, sizeof sp->tier, "%s", tier);
	snprintf(sp->queue, sizeof sp->queue, "%s", queue ? queue : "");
	sp->warning = 80;
	cfg->sla_set[cfg->nslas - 1] = 0;
	p->section = SEC_SLA;
	p->current = sp;
	return (0);
}

static int
config_parse_percent(const char *s, int *out)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (end == s || strcmp(end, "%") != 0 || v < 1 || v > 1000)
		return (-1);
	*out = (int)v;
	return (0);
}

int
config_parse_sla_step(const char *text, struct sla_step *st, char *err,
    size_t errlen)
{
	char	 buf[CONFIG_STEP_MAX], *w, *save, *act, *asave;
	long	 n;

	memset(st, 0, sizeof *st);
	if (strlen(text) >= sizeof buf) {
		snprintf(err, errlen, "step too long");
		return (-1);
	}
	strcpy(buf, text);
	if ((w = strtok_r(buf, " \t", &save)) == NULL)
		goto usage;
	if (strcmp(w, "answer") == 0)
		st->clock = SLA_ANSWER;
	else if (strcmp(w, "resolve") == 0)
		st->clock = SLA_RESOLVE;
	else
		goto usage;
	if ((w = strtok_r(NULL, " \t", &save)) == NULL)
		goto usage;
	if (strchr(w, '%') != NULL) {
		if (config_parse_percent(w, &st->percent) != 0) {
			snprintf(err, errlen, "bad percentage '%s' (1%%-1000%%)",
			    w);
			return (-1);
		}
	} else if (config_parse_duration(w, &st->after) != 0 ||
	    st->after <= 0) {
		snprintf(err, errlen, "bad step time '%s' (a percentage of "
		    "the target or a duration)", w);
		return (-1);
	}
	/* The rest: actions separated by commas. */
	if ((w = strtok_r(NULL, "", &save)) == NULL)
		goto usage;
	for (act = strtok_r(w, ",", &asave); act != NULL;
	    act = strtok_r(NULL, ",", &asave)) {
		char *word, *wsave, *arg, *end;
		if ((word = strtok_r(act, " \t", &wsave)) == NULL)
			continue;
		arg = strtok_r(NULL, " \t", &wsave);
		if (strcmp(word, "notify") == 0 && arg == NULL)
			st->actions |= SLA_NOTIFY;
		else if (strcmp(word, "page") == 0 && arg == NULL)
			st->actions |= SLA_PAGE;
		else if (strcmp(word, "boost") == 0 && arg != NULL) {
			n = strtol(arg, &end, 10);
			if (end == arg || *end != '\0' || n < 1 ||
			    n > CONFIG_PRIORITY_MAX) {
				snprintf(err, errlen, "bad boost '%s'", arg);
				return (-1);
			}
			st->actions |= SLA_BOOST;
			st->boost = (int)n;
		} else if (strcmp(word, "overflow") == 0 && arg != NULL &&
		    config_valid_name(arg)) {
			st->actions |= SLA_OVERFLOW;
			snprintf(st->overflow, sizeof st->overflow, "%s", arg);
		} else {
			snprintf(err, errlen, "bad action '%s' (notify, page, "
			    "boost N, overflow QUEUE)", word);
			return (-1);
		}
		if (strtok_r(NULL, " \t", &wsave) != NULL) {
			snprintf(err, errlen, "too many words in action '%s'",
			    word);
			return (-1);
		}
	}
	if (st->actions == 0)
		goto usage;
	return (0);
usage:
	snprintf(err, errlen, "expected 'answer|resolve PERCENT%%|DURATION "
	    "action[, action...]'");
	return (-1);
}

/*
 * answer = 30s / resolve = 4h / warning = 80% /
 * step = answer 100% boost 100, page   (repeatable, in order)
 */
int
config_sla_key(struct config_parse *p, const char *key, const char *value)
{
	struct sla_policy	*sp = p->current;
	unsigned		*set = &p->cfg->sla_set[sp - p->cfg->slas];
	char			 why[CONFIG_WHY_MAX];

	if (strcmp(key, "answer") == 0) {
		if (config_parse_duration(value, &sp->answer) != 0)
			return (config_error(p, "bad value '%s' for answer",
			    value));
		*set |= SLA_SET_ANSWER;
	} else if (strcmp(key, "resolve") == 0) {
		if (config_parse_duration(value, &sp->resolve) != 0)
			return (config_error(p, "bad value '%s' for resolve",
			    value));
		*set |= SLA_SET_RESOLVE;
	} else if (strcmp(key, "warning") == 0) {
		if (config_parse_percent(value, &sp->warning) != 0 ||
		    sp->warning > 100)
			return (config_error(p, "warning must be a percentage "
			    "from 1%% to 100%%, not '%s'", value));
		*set |= SLA_SET_WARNING;
	} else if (strcmp(key, "step") == 0) {
		if (sp->nsteps == ENGINE_MAX_SLA_STEPS)
			return (config_error(p, "more than %d steps",
			    ENGINE_MAX_SLA_STEPS));
		if (config_parse_sla_step(value, &sp->steps[sp->nsteps], why,
		    sizeof why) != 0)
			return (config_error(p, "step: %s", why));
		sp->nsteps++;
		*set |= SLA_SET_STEPS;
	} else
		return (config_error(p, "unknown key '%s' in [sla] (answer, "
		    "resolve, warning, step)", key));
	return (0);
}

static int
config_has_queue(const struct config *cfg, const char *name)
{
	int	i;

	for (i = 0; i < cfg->nqueues; i++)
		if (strcmp(cfg->queues[i].name, name) == 0)
			return (1);
	return (0);
}

static int
config_has_tier(const struct config *cfg, const char *name)
{
	int	i;

	for (i = 0; i < cfg->ntiers; i++)
		if (strcmp(cfg->tiers[i].name, name) == 0)
			return (1);
	return (0);
}

/* [sla T Q] takes from [sla T] every field it does not set itself. */
int
config_sla_check(struct config_parse *p)
{
	struct config		*cfg = p->cfg;
	struct sla_policy	*sp, *base;
	unsigned		 set;
	int			 i, j, k;

	for (i = 0; i < cfg->nslas; i++) {
		sp = &cfg->slas[i];
		set = cfg->sla_set[i];
		if (!config_has_tier(cfg, sp->tier))
			return (config_error(p, "[sla %s]: unknown tier",
			    sp->tier));
		if (sp->queue[0] != '\0' && !config_has_queue(cfg, sp->queue))
			return (config_error(p, "[sla %s %s]: unknown queue",
			    sp->tier, sp->queue));
		for (k = 0; k < sp->nsteps; k++)
			if ((sp->steps[k].actions & SLA_OVERFLOW) != 0 &&
			    !config_has_queue(cfg, sp->steps[k].overflow))
				return (config_error(p, "[sla %s]: overflow to "
				    "unknown queue '%s'", sp->tier,
				    sp->steps[k].overflow));
		if (sp->queue[0] == '\0')
			continue;
		for (base = NULL, j = 0; j < cfg->nslas; j++)
			if (strcmp(cfg->slas[j].tier, sp->tier) == 0 &&
			    cfg->slas[j].queue[0] == '\0')
				base = &cfg->slas[j];
		if (base == NULL)
			continue;
		if ((set & SLA_SET_ANSWER) == 0)
			sp->answer = base->answer;
		if ((set & SLA_SET_RESOLVE) == 0)
			sp->resolve = base->resolve;
		if ((set & SLA_SET_WARNING) == 0)
			sp->warning = base->warning;
		if ((set & SLA_SET_STEPS) == 0) {
			sp->nsteps = base->nsteps;
			memcpy(sp->steps, base->steps, sizeof sp->steps);
		}
	}
	return (0);
}
