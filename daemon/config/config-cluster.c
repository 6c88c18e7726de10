/*
 * The [cluster] section of hotline.conf: where the NATS servers are, what
 * this node and its cluster are called, and the leader's lease
 * (daemon/cluster/, docs/CLUSTER.md). Parsed whether or not hotlined was
 * built with NATS, so that a build without it says why it refuses the
 * section instead of calling the key unknown.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define CLUSTER_LEASE_DEFAULT	(2 * 1000)
/* JetStream refuses a bucket TTL under 100ms; the lease is renewed at a
 * third of itself, so a shorter one would renew faster than NATS answers. */
#define CLUSTER_LEASE_MIN	500
#define CLUSTER_LEASE_MAX	(60 * 1000)
#define CLUSTER_REPLICAS_DEFAULT 3
/* JetStream's largest replication factor. */
#define CLUSTER_REPLICAS_MAX	5
#define CLUSTER_PORT_MAX	65535

/* Stream, bucket and subject names take letters, digits, '-' and '_'. */
static int
config_cluster_word(const char *s)
{
	size_t	n;

	n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
	return (n > 0 && s[n] == '\0' && n < CLUSTER_NAME_MAX);
}

/* host:port, the port 1 to 65535; the host a name or an address. */
static int
config_cluster_hostport(const char *s)
{
	const char	*colon;
	char		*end;
	long		 port;

	if ((colon = strrchr(s, ':')) == NULL || colon == s)
		return (0);
	if (strcspn(s, " \t,") != strlen(s))
		return (0);
	port = strtol(colon + 1, &end, 10);
	return (colon[1] != '\0' && *end == '\0' && port > 0 &&
	    port <= CLUSTER_PORT_MAX);
}

/* Each comma-separated URL is nats:// or tls:// (or a bare host:port). */
static int
config_cluster_urls(const char *s)
{
	char	 buf[sizeof(((struct cluster_config *)0)->nats)];
	char	*tok, *save, *u;

	if (strlen(s) >= sizeof buf || *s == '\0')
		return (0);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		u = tok + strlen(tok);
		while (u > tok && u[-1] == ' ')
			*--u = '\0';
		if (strncmp(tok, "nats://", 7) == 0 ||
		    strncmp(tok, "tls://", 6) == 0)
			tok = strstr(tok, "//") + 2;
		if ((u = strchr(tok, '@')) != NULL)	/* user:password@ */
			tok = u + 1;
		if (!config_cluster_hostport(tok))
			return (0);
	}
	return (1);
}

static int
config_cluster_path(struct config_parse *p, const char *key,
    const char *value, char *out, size_t outlen)
{
	if (*value == '\0' || strlen(value) >= outlen)
		return (config_error(p, "bad value '%s' for %s: a file name",
		    value, key));
	snprintf(out, outlen, "%s", value);
	return (0);
}

int
config_cluster_section(struct config_parse *p)
{
#ifndef HAVE_NATS
	return (config_error(p, "[cluster] needs a hotlined built with NATS "
	    "JetStream: apt-get install libnats-dev, then configure "
	    "--with-nats (docs/CLUSTER.md)"));
#else
	struct cluster_config	*c = &p->cfg->cluster;

	if (c->enabled)
		return (config_error(p, "[cluster] given twice"));
	memset(c, 0, sizeof *c);
	c->enabled = 1;
	c->lease = CLUSTER_LEASE_DEFAULT;
	c->replicas = CLUSTER_REPLICAS_DEFAULT;
	p->section = SEC_CLUSTER;
	return (0);
#endif
}

/*
 * nats = nats://10.0.0.1:4222, nats://10.0.0.2:4222
 * name = main            node = hl1            advertise = 10.0.0.1:7070
 * lease = 2s             replicas = 3
 * credentials = FILE     tls_ca = FILE   tls_cert = FILE   tls_key = FILE
 */
int
config_cluster_key(struct config_parse *p, const char *key, const char *value)
{
	struct cluster_config	*c = &p->cfg->cluster;
	long			 v;

	if (strcmp(key, "nats") == 0) {
		if (!config_cluster_urls(value))
			return (config_error(p, "bad value '%s' for nats: "
			    "nats://host:port, comma-separated", value));
		strcpy(c->nats, value);
	} else if (strcmp(key, "name") == 0 || strcmp(key, "node") == 0) {
		if (!config_cluster_word(value))
			return (config_error(p, "bad value '%s' for %s: "
			    "letters, digits, '-' and '_', at most %d", value,
			    key, CLUSTER_NAME_MAX - 1));
		strcpy(strcmp(key, "name") == 0 ? c->name : c->node, value);
	} else if (strcmp(key, "advertise") == 0) {
		if (strlen(value) >= sizeof c->advertise ||
		    !config_cluster_hostport(value))
			return (config_error(p, "bad value '%s' for advertise: "
			    "host:port", value));
		strcpy(c->advertise, value);
	} else if (strcmp(key, "lease") == 0) {
		if (config_parse_duration(value, &c->lease) != 0 ||
		    c->lease < CLUSTER_LEASE_MIN ||
		    c->lease > CLUSTER_LEASE_MAX)
			return (config_error(p, "bad value '%s' for lease: "
			    "%dms to %ds", value, CLUSTER_LEASE_MIN,
			    CLUSTER_LEASE_MAX / 1000));
	} else if (strcmp(key, "replicas") == 0) {
		if (config_parse_int(value, 1, CLUSTER_REPLICAS_MAX, &v) != 0)
			return (config_error(p, "bad value '%s' for replicas: "
			    "1 to %d", value, CLUSTER_REPLICAS_MAX));
		c->replicas = (int)v;
	} else if (strcmp(key, "credentials") == 0)
		return (config_cluster_path(p, key, value, c->credentials,
		    sizeof c->credentials));
	else if (strcmp(key, "tls_ca") == 0)
		return (config_cluster_path(p, key, value, c->tls_ca,
		    sizeof c->tls_ca));
	else if (strcmp(key, "tls_cert") == 0)
		return (config_cluster_path(p, key, value, c->tls_cert,
		    sizeof c->tls_cert));
	else if (strcmp(key, "tls_key") == 0)
		return (config_cluster_path(p, key, value, c->tls_key,
		    sizeof c->tls_key));
	else
		return (config_error(p, "unknown key '%s' in [cluster]", key));
	return (0);
}

int
config_cluster_check(struct config_parse *p)
{
	struct cluster_config	*c = &p->cfg->cluster;
	const char		*missing = NULL;

	if (!c->enabled)
		return (0);
	if (*c->nats == '\0')
		missing = "nats";
	else if (*c->name == '\0')
		missing = "name";
	else if (*c->node == '\0')
		missing = "node";
	else if (*c->advertise == '\0')
		missing = "advertise";
	if (missing != NULL)
		return (config_error(p, "[cluster] needs '%s'", missing));
	if ((*c->tls_cert == '\0') != (*c->tls_key == '\0'))
		return (config_error(p, "[cluster]: tls_cert and tls_key go "
		    "together"));
	return (0);
}
