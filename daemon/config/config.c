#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "text.h"
#include "xmalloc.h"

int
config_error(struct config_parse *p, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return (-1);
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	strcpy(cfg->bind, "127.0.0.1");
	cfg->port = 7070;
	strcpy(cfg->data_dir, "var");
	cfg->durability = DURABILITY_NORMAL;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->max_clients = 10000;
	cfg->max_inline = 64 * 1024;
	cfg->max_args = 1024;
	cfg->max_bulk = 1024 * 1024;
	cfg->output_limit = 64 * 1024 * 1024;
	cfg->pubsub_output_limit = 8 * 1024 * 1024;
	cfg->idle_timeout = 0;
	cfg->request_timeout = 10 * 1000;
	cfg->auth_timeout = 10 * 1000;
	cfg->max_unauth_per_addr = 32;
	cfg->max_subscriptions = 1000;
	cfg->reject_cooldown = 60 * 1000;
	cfg->short_abandon = 5 * 1000;
	cfg->reconnect_grace = 30 * 1000;
	cfg->repeat_window = 7 * 86400 * 1000LL;
	strcpy(cfg->complaints_queue, "complaints");
	cfg->protected_mode = 1;
	cfg->http_enabled = 1;
	strcpy(cfg->http_bind, "127.0.0.1");
	cfg->http_port = 7071;
	cfg->auth_fail_delay = 100;
	cfg->auth_fail_delay_max = 5000;
	cfg->auth_lock_after = 10;
	cfg->auth_lock_time = 5 * 60 * 1000;
	cfg->auth_address_lock_after = 100;
	cfg->auth_hash_threads = 0;
	cfg->auth_hash_queue = 1024;
	cfg->auth_hash_queue_per_address = 256;
	cfg->session_ttl = 12 * 3600 * 1000;
	cfg->session_ttl_max = 7 * 24 * 3600 * 1000LL;
	cfg->preauth_max_bytes = 16 * 1024;
	cfg->preauth_max_args = 8;
	cfg->retention_keep = 0;
	cfg->retention_batch = 200;
	cfg->retention_interval = 60 * 1000;
}

void
config_free(struct config *cfg)
{
	int	i;

	for (i = 0; i < cfg->ncalendars; i++)
		tzfile_free(&cfg->zones[i]);
	cfg->ncalendars = 0;
}

int
config_parse_duration(const char *s, hl_ms *out)
{
	char		*end;
	long long	 v;
	hl_ms		 unit = 1000;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno != 0 || v < 0)
		return (-1);
	if (*end == '\0' || strcmp(end, "s") == 0)
		unit = 1000;
	else if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (strcmp(end, "m") == 0)
		unit = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		unit = 3600 * 1000;
	else if (strcmp(end, "d") == 0)
		unit = 86400 * 1000;
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
		unit = 1024;
	else if (strcasecmp(end, "mb") == 0 || strcasecmp(end, "m") == 0)
		unit = 1024 * 1024;
	else if (strcasecmp(end, "gb") == 0 || strcasecmp(end, "g") == 0)
		unit = 1024ULL * 1024 * 1024;
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

/* A section's name: 0, or -1 with the error saying what is wrong. */
int
config_check_name(struct config_parse *p, const char *kind, const char *s)
{
	char	what[32], why[TEXT_ERRMAX];

	snprintf(what, sizeof what, "%s name", kind);
	if (text_name_check(s, strlen(s), ENGINE_NAME_MAX, TEXT_WORD, what,
	    why, sizeof why) != 0)
		return (config_error(p, "bad %s name '%s': %s", kind, s, why));
	return (0);
}

/* "billing:5,tech:3" (a skill without a level is level 1). */
int
config_parse_skills(const char *s, struct skill *skills, int max, int *n)
{
	char	 buf[4096], *tok, *save, *colon;
	long	 level;

	if (strlen(s) >= sizeof buf)
		return (-1);
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		level = 1;
		if ((colon = strchr(tok, ':')) != NULL) {
			*colon++ = '\0';
			if (config_parse_int(colon, 1, 5, &level) != 0)
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
	char	 buf[4096], *tok, *save;

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
	char	buf[64], *num;
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
	if (strncasecmp(buf, "complaints", 10) == 0) {
		num = buf + 10;
		if (strncmp(num, ">=", 2) == 0)
			num += 2;
		if (config_parse_int(num, 1, 1000000, &v) == 0) {
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
	char			 buf[4096], *step, *save, *w[8], *wsave;
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
			if (++nw == 8)
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
		if (nw == 2 && config_parse_duration(w[1], &st->duration) != 0) {
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

static int
config_section(struct config_parse *p, char *name)
{
	struct config	*cfg = p->cfg;
	char		*arg;
	int		 i;

	arg = strchr(name, ' ');
	if (arg != NULL) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	}
	p->current = NULL;
	if (arg == NULL && strcmp(name, "server") == 0)
		p->section = SEC_SERVER;
	else if (arg == NULL && strcmp(name, "limits") == 0)
		p->section = SEC_LIMITS;
	else if (arg == NULL && strcmp(name, "routing") == 0)
		p->section = SEC_ROUTING;
	else if (arg == NULL && strcmp(name, "agents") == 0)
		p->section = SEC_AGENTS;
	else if (arg == NULL && strcmp(name, "auth") == 0)
		p->section = SEC_AUTH;
	else if (arg == NULL && strcmp(name, "http") == 0)
		p->section = SEC_HTTP;
	else if (arg == NULL && strcmp(name, "insight") == 0)
		p->section = SEC_INSIGHT;
	else if (arg != NULL && strcmp(name, "followup") == 0)
		return (config_followup_section(p, arg));
	else if (arg == NULL && strcmp(name, "retention") == 0)
		p->section = SEC_RETENTION;
	else if (arg == NULL && strcmp(name, "cluster") == 0)
		return (config_cluster_section(p));
	else if (arg != NULL && strcmp(name, "calendar") == 0)
		return (config_calendar_section(p, arg));
	else if (arg != NULL && strcmp(name, "sla") == 0) {
		char *queue = strchr(arg, ' ');
		if (queue != NULL) {
			*queue++ = '\0';
			while (*queue == ' ')
				queue++;
		}
		return (config_sla_section(p, arg, queue));
	} else if (arg != NULL && (strcmp(name, "tier") == 0 ||
	    strcmp(name, "queue") == 0 || strcmp(name, "user") == 0)) {
		if (config_check_name(p, name, arg) != 0)
			return (-1);
		if (strcmp(name, "tier") == 0) {
			for (i = 0; i < cfg->ntiers; i++)
				if (strcmp(cfg->tiers[i].name, arg) == 0)
					return (config_error(p,
					    "tier '%s' defined twice", arg));
			if (cfg->ntiers == CONFIG_MAX_TIERS)
				return (config_error(p, "too many tiers"));
			struct tier_def *t = &cfg->tiers[cfg->ntiers++];
			strcpy(t->name, arg);
			t->base_priority = 0;
			t->nsteps = 1;
			t->steps[0].kind = STEP_SKILLED;
			p->section = SEC_TIER;
			p->current = t;
		} else if (strcmp(name, "queue") == 0) {
			for (i = 0; i < cfg->nqueues; i++)
				if (strcmp(cfg->queues[i].name, arg) == 0)
					return (config_error(p,
					    "queue '%s' defined twice", arg));
			if (cfg->nqueues == CONFIG_MAX_QUEUES)
				return (config_error(p, "too many queues"));
			struct queue_def *q = &cfg->queues[cfg->nqueues++];
			strcpy(q->name, arg);
			q->strategy = STRATEGY_LONGEST_IDLE;
			q->wrapup = 0;
			q->offer_timeout = 30 * 1000;
			q->max_missed = 3;
			q->answer_business = 0;
			p->section = SEC_QUEUE;
			p->current = q;
		} else {
			for (i = 0; i < cfg->nusers; i++)
				if (strcmp(cfg->users[i].name, arg) == 0)
					return (config_error(p,
					    "user '%s' defined twice", arg));
			if (cfg->nusers == CONFIG_MAX_USERS)
				return (config_error(p, "too many users"));
			struct config_user *u = &cfg->users[cfg->nusers++];
			strcpy(u->name, arg);
			u->role = ROLE_AGENT;
			u->capacity = 1;
			p->section = SEC_USER;
			p->current = u;
		}
	} else
		return (config_error(p, "unknown section [%s%s%s]", name,
		    arg != NULL ? " " : "", arg != NULL ? arg : ""));
	return (0);
}

#define BAD(what) config_error(p, "bad value '%s' for %s", value, what)

static int
config_server_key(struct config_parse *p, const char *key, const char *value)
{
	struct config	*cfg = p->cfg;
	long		 v;

	if (strcmp(key, "bind") == 0) {
		if (strlen(value) >= sizeof cfg->bind)
			return (BAD(key));
		strcpy(cfg->bind, value);
	} else if (strcmp(key, "port") == 0) {
		if (config_parse_int(value, 0, 65535, &v) != 0)
			return (BAD(key));
		cfg->port = (int)v;
	} else if (strcmp(key, "unixsocket") == 0) {
		if (strlen(value) >= sizeof cfg->unixsocket)
			return (BAD(key));
		strcpy(cfg->unixsocket, value);
	} else if (strcmp(key, "data_dir") == 0) {
		if (*value == '\0' || strlen(value) >= sizeof cfg->data_dir)
			return (BAD(key));
		strcpy(cfg->data_dir, value);
	} else if (strcmp(key, "durability") == 0) {
		if (strcmp(value, "normal") == 0)
			cfg->durability = DURABILITY_NORMAL;
		else if (strcmp(value, "full") == 0)
			cfg->durability = DURABILITY_FULL;
		else
			return (config_error(p, "durability must be 'normal' "
			    "or 'full', not '%s'", value));
	} else if (strcmp(key, "log_level") == 0) {
		if (log_level_parse(value, &cfg->log_level) != 0)
			return (BAD(key));
	} else if (strcmp(key, "log_file") == 0) {
		if (strlen(value) >= sizeof cfg->log_file)
			return (BAD(key));
		strcpy(cfg->log_file, value);
	} else if (strcmp(key, "pidfile") == 0) {
		if (strlen(value) >= sizeof cfg->pidfile)
			return (BAD(key));
		strcpy(cfg->pidfile, value);
	} else if (strcmp(key, "daemonize") == 0) {
		if (config_parse_bool(value, &cfg->daemonize) != 0)
			return (BAD(key));
	} else if (strcmp(key, "protected_mode") == 0) {
		if (config_parse_bool(value, &cfg->protected_mode) != 0)
			return (BAD(key));
	} else
		return (config_error(p, "unknown key '%s' in [server]", key));
	return (0);
}

static int
config_limits_key(struct config_parse *p, const char *key, const char *value)
{
	struct config	*cfg = p->cfg;
	size_t		*sz = NULL, min = 1;
	long		 v;

	if (strcmp(key, "max_clients") == 0) {
		if (config_parse_int(value, 1, 1000000, &v) != 0)
			return (BAD(key));
		cfg->max_clients = (size_t)v;
		return (0);
	}
	if (strcmp(key, "max_args") == 0) {
		if (config_parse_int(value, 2, 1000000, &v) != 0)
			return (BAD(key));
		cfg->max_args = (size_t)v;
		return (0);
	}
	if (strcmp(key, "max_unauth_per_addr") == 0) {
		if (config_parse_int(value, 0, 1000000, &v) != 0)
			return (BAD(key));
		cfg->max_unauth_per_addr = (size_t)v;
		return (0);
	}
	if (strcmp(key, "max_subscriptions") == 0) {
		if (config_parse_int(value, 1, 1000000, &v) != 0)
			return (BAD(key));
		cfg->max_subscriptions = (size_t)v;
		return (0);
	}
	if (strcmp(key, "idle_timeout") == 0) {
		if (config_parse_duration(value, &cfg->idle_timeout) != 0)
			return (BAD(key));
		return (0);
	}
	if (strcmp(key, "request_timeout") == 0) {
		if (config_parse_duration(value, &cfg->request_timeout) != 0)
			return (BAD(key));
		return (0);
	}
	if (strcmp(key, "auth_timeout") == 0) {
		if (config_parse_duration(value, &cfg->auth_timeout) != 0)
			return (BAD(key));
		return (0);
	}
	if (strcmp(key, "preauth_max_args") == 0) {
		/* AUTH and HELLO 2 AUTH u p SETNAME n need 3 and 7. */
		if (config_parse_int(value, 3, 1000000, &v) != 0)
			return (BAD(key));
		cfg->preauth_max_args = (size_t)v;
		return (0);
	}
	if (strcmp(key, "max_inline") == 0) {
		sz = &cfg->max_inline;
		min = 64;
	} else if (strcmp(key, "max_bulk") == 0) {
		sz = &cfg->max_bulk;
		min = 64;
	} else if (strcmp(key, "output_limit") == 0) {
		sz = &cfg->output_limit;
		min = 1024;
	} else if (strcmp(key, "pubsub_output_limit") == 0) {
		sz = &cfg->pubsub_output_limit;
		min = 1024;
	} else if (strcmp(key, "preauth_max_bytes") == 0) {
		/* Room for AUTH with the longest password and a long name. */
		sz = &cfg->preauth_max_bytes;
		min = 2048;
	} else
		return (config_error(p, "unknown key '%s' in [limits]", key));
	if (config_parse_size(value, sz) != 0 || *sz < min)
		return (BAD(key));
	return (0);
}

static int
config_auth_key(struct config_parse *p, const char *key, const char *value)
{
	struct config	*cfg = p->cfg;
	long		 v;

	if (strcmp(key, "fail_delay") == 0) {
		if (config_parse_duration(value, &cfg->auth_fail_delay) != 0)
			return (BAD(key));
	} else if (strcmp(key, "fail_delay_max") == 0) {
		if (config_parse_duration(value,
		    &cfg->auth_fail_delay_max) != 0)
			return (BAD(key));
	} else if (strcmp(key, "lock_after") == 0) {
		if (config_parse_int(value, 0, 1000000, &v) != 0)
			return (BAD(key));
		cfg->auth_lock_after = (int)v;
	} else if (strcmp(key, "address_lock_after") == 0) {
		if (config_parse_int(value, 0, 1000000, &v) != 0)
			return (BAD(key));
		cfg->auth_address_lock_after = (int)v;
	} else if (strcmp(key, "lock_time") == 0) {
		if (config_parse_duration(value, &cfg->auth_lock_time) != 0)
			return (BAD(key));
	} else if (strcmp(key, "hash_threads") == 0) {
		if (strcmp(value, "auto") == 0)
			cfg->auth_hash_threads = 0;
		else if (config_parse_int(value, 1, 256, &v) != 0)
			return (BAD(key));
		else
			cfg->auth_hash_threads = (int)v;
	} else if (strcmp(key, "hash_queue") == 0) {
		if (config_parse_int(value, 1, 1000000, &v) != 0)
			return (BAD(key));
		cfg->auth_hash_queue = (size_t)v;
	} else if (strcmp(key, "hash_queue_per_address") == 0) {
		if (config_parse_int(value, 1, 1000000, &v) != 0)
			return (BAD(key));
		cfg->auth_hash_queue_per_address = (size_t)v;
	} else if (strcmp(key, "session_ttl") == 0) {
		if (config_parse_duration(value, &cfg->session_ttl) != 0 ||
		    cfg->session_ttl < 1000)
			return (BAD(key));
	} else if (strcmp(key, "session_ttl_max") == 0) {
		if (config_parse_duration(value, &cfg->session_ttl_max) != 0 ||
		    cfg->session_ttl_max < 1000)
			return (BAD(key));
	} else
		return (config_error(p, "unknown key '%s' in [auth]", key));
	return (0);
}

static int
config_http_key(struct config_parse *p, const char *key, const char *value)
{
	struct config	*cfg = p->cfg;
	long		 v;

	if (strcmp(key, "enabled") == 0) {
		if (config_parse_bool(value, &cfg->http_enabled) != 0)
			return (BAD(key));
	} else if (strcmp(key, "bind") == 0) {
		if (*value == '\0' || strlen(value) >= sizeof cfg->http_bind)
			return (BAD(key));
		strcpy(cfg->http_bind, value);
	} else if (strcmp(key, "port") == 0) {
		if (config_parse_int(value, 0, 65535, &v) != 0)
			return (BAD(key));
		cfg->http_port = (int)v;
	} else
		return (config_error(p, "unknown key '%s' in [http]", key));
	return (0);
}

static int
config_retention_key(struct config_parse *p, const char *key,
    const char *value)
{
	struct config	*cfg = p->cfg;
	long		 v;

	if (strcmp(key, "keep") == 0) {
		if (config_parse_duration(value, &cfg->retention_keep) != 0)
			return (BAD(key));
	} else if (strcmp(key, "batch") == 0) {
		if (config_parse_int(value, 1, 100000, &v) != 0)
			return (BAD(key));
		cfg->retention_batch = (int)v;
	} else if (strcmp(key, "interval") == 0) {
		if (config_parse_duration(value,
		    &cfg->retention_interval) != 0 ||
		    cfg->retention_interval < 10)
			return (BAD(key));
	} else
		return (config_error(p, "unknown key '%s' in [retention]",
		    key));
	return (0);
}

static int
config_tier_key(struct config_parse *p, const char *key, const char *value)
{
	struct tier_def	*t = p->current;
	char		 why[256];
	long		 v;

	if (strcmp(key, "priority") == 0) {
		if (config_parse_int(value, -100000, 100000, &v) != 0)
			return (BAD(key));
		t->base_priority = (int)v;
	} else if (strcmp(key, "ladder") == 0) {
		if (config_parse_ladder(value, t->steps, ENGINE_MAX_STEPS,
		    &t->nsteps, why, sizeof why) != 0)
			return (config_error(p, "tier %s: %s", t->name, why));
	} else
		return (config_error(p, "unknown key '%s' in [tier %s]", key,
		    t->name));
	return (0);
}

static int
config_queue_key(struct config_parse *p, const char *key, const char *value)
{
	struct queue_def	*q = p->current;
	long			 v;

	if (strcmp(key, "strategy") == 0) {
		if (strategy_parse(value, &q->strategy) != 0)
			return (config_error(p, "unknown strategy '%s' (one of "
			    "longest-idle, least-busy, round-robin, top-skill, "
			    "random)", value));
	} else if (strcmp(key, "wrapup") == 0) {
		if (config_parse_duration(value, &q->wrapup) != 0)
			return (BAD(key));
	} else if (strcmp(key, "offer_timeout") == 0) {
		if (config_parse_duration(value, &q->offer_timeout) != 0 ||
		    q->offer_timeout <= 0)
			return (BAD(key));
	} else if (strcmp(key, "max_missed") == 0) {
		if (config_parse_int(value, 0, 1000, &v) != 0)
			return (BAD(key));
		q->max_missed = (int)v;
	} else if (strcmp(key, "overflow") == 0) {
		if (*value != '\0' && !config_valid_name(value))
			return (BAD(key));
		strcpy(q->overflow, value);
	} else if (strcmp(key, "calendar") == 0) {
		if (*value != '\0' && !config_valid_name(value))
			return (BAD(key));
		strcpy(q->calendar, value);
	} else if (strcmp(key, "answer_clock") == 0) {
		if (strcmp(value, "wall") == 0)
			q->answer_business = 0;
		else if (strcmp(value, "business") == 0)
			q->answer_business = 1;
		else
			return (config_error(p, "answer_clock must be 'wall' or "
			    "'business', not '%s'", value));
	} else
		return (config_error(p, "unknown key '%s' in [queue %s]", key,
		    q->name));
	return (0);
}

static int
config_user_key(struct config_parse *p, const char *key, const char *value)
{
	struct config_user	*u = p->current;
	long			 v;

	if (strcmp(key, "role") == 0) {
		if ((u->role = role_parse(value)) == 0)
			return (config_error(p, "unknown role '%s' (one of "
			    "agent, supervisor, integration, admin)", value));
	} else if (strcmp(key, "password_hash") == 0) {
		if (strncmp(value, "$argon2id$", 10) != 0 ||
		    strlen(value) >= sizeof u->password_hash)
			return (config_error(p, "password_hash must be an "
			    "Argon2id hash from 'hotlined --hash-password'"));
		strcpy(u->password_hash, value);
	} else if (strcmp(key, "skills") == 0) {
		if (config_parse_skills(value, u->skills, ENGINE_MAX_SKILLS,
		    &u->nskills) != 0)
			return (config_error(p, "bad skills '%s' (expected "
			    "queue:level,... with levels 1-5)", value));
	} else if (strcmp(key, "groups") == 0) {
		if (config_parse_groups(value, u->groups, ENGINE_MAX_GROUPS,
		    &u->ngroups) != 0)
			return (BAD(key));
	} else if (strcmp(key, "capacity") == 0) {
		if (config_parse_int(value, 1, 100, &v) != 0)
			return (BAD(key));
		u->capacity = (int)v;
	} else
		return (config_error(p, "unknown key '%s' in [user %s]", key,
		    u->name));
	return (0);
}

static char *
config_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

static int
config_line(struct config_parse *p, char *line)
{
	char		*eq, *key, *value, *end;
	const char	*why;

	line = config_trim(line);
	if (*line == '\0' || *line == '#' || *line == ';')
		return (0);
	/* Names and text go out in UTF-8 (replies, JSON, exports). */
	if (text_check(line, strlen(line), &why) != 0)
		return (config_error(p, "line %s", why));
	if (*line == '[') {
		if ((end = strchr(line, ']')) == NULL ||
		    *config_trim(end + 1) != '\0')
			return (config_error(p, "bad section header"));
		*end = '\0';
		return (config_section(p, config_trim(line + 1)));
	}
	if ((eq = strchr(line, '=')) == NULL)
		return (config_error(p, "expected 'key = value'"));
	*eq = '\0';
	key = config_trim(line);
	value = config_trim(eq + 1);
	if (*value == '"' && strlen(value) >= 2 &&
	    value[strlen(value) - 1] == '"') {
		value[strlen(value) - 1] = '\0';
		value++;
	}
	switch (p->section) {
	case SEC_NONE:
		return (config_error(p, "'%s' outside any section", key));
	case SEC_SERVER:
		return (config_server_key(p, key, value));
	case SEC_LIMITS:
		return (config_limits_key(p, key, value));
	case SEC_ROUTING:
		if (strcmp(key, "reject_cooldown") == 0) {
			if (config_parse_duration(value,
			    &p->cfg->reject_cooldown) != 0)
				return (BAD(key));
			return (0);
		}
		if (strcmp(key, "short_abandon") == 0) {
			if (config_parse_duration(value,
			    &p->cfg->short_abandon) != 0)
				return (BAD(key));
			return (0);
		}
		return (config_error(p, "unknown key '%s' in [routing]", key));
	case SEC_AGENTS:
		if (strcmp(key, "reconnect_grace") == 0) {
			if (config_parse_duration(value,
			    &p->cfg->reconnect_grace) != 0)
				return (BAD(key));
			return (0);
		}
		return (config_error(p, "unknown key '%s' in [agents]", key));
	case SEC_TIER:
		return (config_tier_key(p, key, value));
	case SEC_QUEUE:
		return (config_queue_key(p, key, value));
	case SEC_USER:
		return (config_user_key(p, key, value));
	case SEC_AUTH:
		return (config_auth_key(p, key, value));
	case SEC_HTTP:
		return (config_http_key(p, key, value));
	case SEC_RETENTION:
		return (config_retention_key(p, key, value));
	case SEC_CALENDAR:
		return (config_calendar_key(p, key, value));
	case SEC_SLA:
		return (config_sla_key(p, key, value));
	case SEC_INSIGHT:
		return (config_insight_key(p, key, value));
	case SEC_FOLLOWUP:
		return (config_followup_key(p, key, value));
	case SEC_CLUSTER:
		return (config_cluster_key(p, key, value));
	}
	return (0);
}

/* Checks that need the whole file: references between sections. */
static int
config_check(struct config_parse *p)
{
	struct config		*cfg = p->cfg;
	struct engine_config	 ec;
	char			 eerr[ENGINE_ERRMAX];
	int			 i, j, k, found;

	p->line = 0;
	if (cfg->ntiers == 0)
		return (config_error(p, "no [tier NAME] section"));
	if (cfg->nqueues == 0)
		return (config_error(p, "no [queue NAME] section"));
	for (i = 0; i < cfg->nqueues; i++) {
		const char *ov = cfg->queues[i].overflow;
		if (*ov == '\0')
			continue;
		for (found = 0, j = 0; j < cfg->nqueues; j++)
			found |= strcmp(cfg->queues[j].name, ov) == 0;
		if (!found || strcmp(ov, cfg->queues[i].name) == 0)
			return (config_error(p, "queue %s: overflow '%s' is "
			    "not another queue", cfg->queues[i].name, ov));
	}
	for (i = 0; i < cfg->nqueues; i++) {
		const char *cal = cfg->queues[i].calendar;
		if (*cal == '\0')
			continue;
		for (found = 0, j = 0; j < cfg->ncalendars; j++)
			found |= strcmp(cfg->calendars[j].name, cal) == 0;
		if (!found)
			return (config_error(p, "queue %s: unknown calendar "
			    "'%s'", cfg->queues[i].name, cal));
	}
	if (config_sla_check(p) != 0 || config_followup_check(p) != 0 ||
	    config_cluster_check(p) != 0)
		return (-1);
	/* What only the engine knows to refuse, said at load time. */
	config_engine(cfg, &ec);
	if (engine_check_config(&ec, eerr) != ENGINE_OK)
		return (config_error(p, "%s", eerr));
	for (i = 0; i < cfg->nusers; i++) {
		for (j = 0; j < cfg->users[i].nskills; j++) {
			const char *q = cfg->users[i].skills[j].queue;
			for (found = 0, k = 0; k < cfg->nqueues; k++)
				found |= strcmp(cfg->queues[k].name, q) == 0;
			if (!found)
				return (config_error(p, "user %s: skill for "
				    "unknown queue '%s'", cfg->users[i].name,
				    q));
		}
	}
	return (0);
}

int
config_load_string(struct config *cfg, const char *name, const char *text,
    char *err, size_t errlen)
{
	struct config_parse	 p;
	const char		*s, *nl;
	char			*line;
	size_t			 n;
	int			 rc = 0;

	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.file = name;
	p.err = err;
	p.errlen = errlen;
	snprintf(cfg->path, sizeof cfg->path, "%s", name);
	for (s = text; *s != '\0' && rc == 0; s = *nl != '\0' ? nl + 1 : nl) {
		p.line++;
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		n = (size_t)(nl - s);
		line = xmemdup(s, n);
		rc = config_line(&p, line);
		free(line);
	}
	if (rc == 0)
		rc = config_check(&p);
	if (rc != 0)
		config_free(cfg);
	return (rc);
}

int
config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	FILE	*fp;
	char	*text;
	long	 size;
	int	 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || size > 16 * 1024 * 1024) {
		snprintf(err, errlen, "%s: cannot read", path);
		fclose(fp);
		return (-1);
	}
	text = xmalloc((size_t)size + 1);
	if (fread(text, 1, (size_t)size, fp) != (size_t)size) {
		snprintf(err, errlen, "%s: cannot read", path);
		free(text);
		fclose(fp);
		return (-1);
	}
	fclose(fp);
	text[size] = '\0';
	if (memchr(text, '\0', (size_t)size) != NULL) {
		snprintf(err, errlen, "%s: binary file", path);
		free(text);
		return (-1);
	}
	rc = config_load_string(cfg, path, text, err, errlen);
	free(text);
	return (rc);
}

void
config_engine(const struct config *cfg, struct engine_config *ec)
{
	memset(ec, 0, sizeof *ec);
	ec->tiers = cfg->tiers;
	ec->ntiers = cfg->ntiers;
	ec->queues = cfg->queues;
	ec->nqueues = cfg->nqueues;
	ec->reject_cooldown = cfg->reject_cooldown;
	ec->seed = 0x9e3779b97f4a7c15ULL;
	ec->calendars = cfg->calendars;
	ec->ncalendars = cfg->ncalendars;
	ec->slas = cfg->slas;
	ec->nslas = cfg->nslas;
	ec->short_abandon = cfg->short_abandon;
	ec->followups = cfg->followups;
	ec->nfollowups = cfg->nfollowups;
	ec->repeat_window = cfg->repeat_window;
	ec->complaints_queue = cfg->complaints_queue;
}
