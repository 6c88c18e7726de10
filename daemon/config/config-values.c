/*
 * config-values.c: the value parsers of hotline.conf, shared with the
 * command handlers and the store: durations, sizes, booleans, integers,
 * names, the skills and groups lists ("billing:5,tech:3", "vip, senior")
 * and routing ladders. config.c parses the file around them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "text.h"

#define SIZE_KB		1024ULL
#define SIZE_MB		(1024 * SIZE_KB)
#define SIZE_GB		(1024 * SIZE_MB)
/* A ladder step: a kind, a name, a duration, "if" and a condition. */
#define LADDER_WORDS	8
#define LADDER_COND_MAX	64
#define COMPLAINTS	"complaints"

int
config_parse_duration(const char *s, hl_ms *out)
{
	char		*end;
	long long	 v;
	hl_ms		 unit = HL_SECOND;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno != 0 || v < 0)
		return (-1);
	if (*end == '\0' || strcmp(end, "s") == 0)
		unit = HL_SECOND;
	else if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (strcmp(end, "m") == 0)
		unit = HL_MINUTE;
	else if (strcmp(end, "h") == 0)
		unit = HL_HOUR;
	else if (strcmp(end, "d") == 0)
		unit = HL_DAY;
	else
		return (-1);
	if (v > LLONG_MAX / unit)
		return (-1);
	*out = v * unit;
	return (0);
}

int
config_parse_size(const char *s, size_t *out)
{
	char			*end;
	unsigned long long	 v, unit = 1;

	errno = 0;
	if (*s == '-')
		return (-1);
	v = strtoull(s, &end, 10);
	if (end == s || errno != 0)
		return (-1);
	if (*end == '\0' || strcasecmp(end, "b") == 0)
		unit = 1;
	else if (strcasecmp(end, "kb") == 0 || strcasecmp(end, "k") == 0)
		unit = SIZE_KB;
	else if (strcasecmp(end, "mb") == 0 || strcasecmp(end, "m") == 0)
		unit = SIZE_MB;
	else if (strcasecmp(end, "gb") == 0 || strcasecmp(end, "g") == 0)
		unit = SIZE_GB;
	else
		return (-1);
	if (v > SIZE_MAX / unit)
		return (-1);
	*out = (size_t)(v * unit);
	return (0);
}

int
config_parse_bool(const char *s, int *out)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 ||
	    strcmp(s, "1") == 0 || strcasecmp(s, "on") == 0)
		*out = 1;
	else if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 ||
	    strcmp(s, "0") == 0 || strcasecmp(s, "off") == 0)
		*out = 0;
	else
		return (-1);
	return (0);
}

int
config_parse_int(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

/* A word of text.h, as protocol names are: a queue, tier, user, group. */
int
config_valid_name(const char *s)
{
	char	why[TEXT_ERRMAX];

	return (text_name_check(s, strlen(s), ENGINE_NAME_MAX, TEXT_WORD,
	    "name", why, sizeof why) == 0);
}

/* "billing:5,tech:3" (a skill without a level is level 1). */
int
config_parse_skills(const char *s, struct skill *skills, int max, int *n)
{
	char	 buf[CONFIG_LIST_MAX], *tok, *save, *colon;
	long	 level;

	if (strlen(s) >= sizeof buf)
		return (-1);
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		level = ENGINE_SKILL_MIN;
		if ((colon = strchr(tok, ':')) != NULL) {
			*colon++ = '\0';
			if (config_parse_int(colon, ENGINE_SKILL_MIN,
			    ENGINE_SKILL_MAX, &level) != 0)
				return (-1);
		}
		if (!config_valid_name(tok) || *n >= max)
			return (-1);
		strcpy(skills[*n].queue, tok);
		skills[*n].level = (int)level;
		(*n)++;
	}
	return (0);
}

int
config_parse_groups(const char *s, char (*groups)[ENGINE_NAME_MAX], int max,
    int *n)
{
	char	 buf[CONFIG_LIST_MAX], *tok, *save;

	if (strlen(s) >= sizeof buf)
		return (-1);
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (!config_valid_name(tok) || *n >= max)
			return (-1);
		strcpy(groups[*n], tok);
		(*n)++;
	}
	return (0);
}

/*
 * The condition after "if" in a ladder step: "repeat", or
 * "complaints >= N" ("complaints>=N" and "complaints N" too).
 */
static int
config_parse_cond(char **w, int nw, struct ladder_step *st, char *err,
    size_t errlen)
{
	char	buf[LADDER_COND_MAX], *num;
	long	v;

	buf[0] = '\0';
	for (; nw > 0; w++, nw--) {
		if (strlen(buf) + strlen(*w) >= sizeof buf)
			break;
		strcat(buf, *w);
	}
	if (strcasecmp(buf, "repeat") == 0) {
		st->cond = STEP_IF_REPEAT;
		return (0);
	}
	if (strncasecmp(buf, COMPLAINTS, strlen(COMPLAINTS)) == 0) {
		num = buf + strlen(COMPLAINTS);
		if (strncmp(num, ">=", strlen(">=")) == 0)
			num += strlen(">=");
		if (config_parse_int(num, 1, CONFIG_COUNT_MAX, &v) == 0) {
			st->cond = STEP_IF_COMPLAINTS;
			st->cond_min = (int)v;
			return (0);
		}
	}
	snprintf(err, errlen, "bad ladder condition '%s' (expected 'if "
	    "repeat' or 'if complaints >= N', N from 1)", buf);
	return (-1);
}

/* "manager 20s, group vip 30s, group senior 60s if complaints >= 2, skilled" */
int
config_parse_ladder(const char *s, struct ladder_step *steps, int max, int *n,
    char *err, size_t errlen)
{
	char			 buf[CONFIG_LIST_MAX], *step, *save;
	char			*w[LADDER_WORDS], *wsave;
	int			 nw, ncond, i;
	struct ladder_step	*st;

	if (strlen(s) >= sizeof buf) {
		snprintf(err, errlen, "ladder too long");
		return (-1);
	}
	strcpy(buf, s);
	*n = 0;
	for (step = strtok_r(buf, ",", &save); step != NULL;
	    step = strtok_r(NULL, ",", &save)) {
		nw = 0;
		for (w[nw] = strtok_r(step, " \t", &wsave); w[nw] != NULL;
		    w[nw] = strtok_r(NULL, " \t", &wsave)) {
			if (++nw == LADDER_WORDS)
				break;
		}
		if (nw == 0)
			continue;
		if (*n >= max) {
			snprintf(err, errlen, "more than %d ladder steps", max);
			return (-1);
		}
		st = &steps[*n];
		memset(st, 0, sizeof *st);
		for (i = 0; i < nw && strcasecmp(w[i], "if") != 0; i++)
			;
		ncond = nw - i;
		nw = i;
		if (ncond > 0 && config_parse_cond(w + nw + 1, ncond - 1, st,
		    err, errlen) != 0)
			return (-1);
		if (nw == 0) {
			snprintf(err, errlen, "ladder step without a kind "
			    "before 'if'");
			return (-1);
		}
		if (strcasecmp(w[0], "manager") == 0 && nw <= 2)
			st->kind = STEP_MANAGER;
		else if (strcasecmp(w[0], "group") == 0 && nw >= 2 && nw <= 3) {
			st->kind = STEP_GROUP;
			if (!config_valid_name(w[1])) {
				snprintf(err, errlen, "bad group name '%s'",
				    w[1]);
				return (-1);
			}
			strcpy(st->group, w[1]);
			w[1] = nw == 3 ? w[2] : NULL;
			nw--;
		} else if (strcasecmp(w[0], "skilled") == 0 && nw <= 2)
			st->kind = STEP_SKILLED;
		else {
			snprintf(err, errlen, "bad ladder step '%s' (expected "
			    "'manager DURATION', 'group NAME DURATION' or "
			    "'skilled', optionally followed by 'if repeat' or "
			    "'if complaints >= N')", w[0]);
			return (-1);
		}
		if (nw == 2 &&
		    config_parse_duration(w[1], &st->duration) != 0) {
			snprintf(err, errlen, "bad ladder step duration '%s'",
			    w[1]);
			return (-1);
		}
		(*n)++;
	}
	if (*n == 0) {
		snprintf(err, errlen, "empty ladder");
		return (-1);
	}
	if (steps[*n - 1].cond != STEP_ALWAYS) {
		snprintf(err, errlen, "the last ladder step takes every "
		    "ticket: it cannot have a condition");
		return (-1);
	}
	return (0);
}

