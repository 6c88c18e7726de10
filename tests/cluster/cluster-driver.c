/*
 * cluster-driver: one node of the cluster module (daemon/cluster/) on a
 * libevent loop, driven line by line by tests/integration/test_cluster.py
 * against real nats-server processes. It reads commands on stdin:
 *
 *   publish TEXT    the leader's batch (TEXT as the bytes)
 *   depose          cluster_test_depose(): stop renewing and trusting
 *                   the clock, to meet the log's fence
 *   quit            close and exit
 *
 * and writes what happens on stdout, a line each, flushed:
 *
 *   role ROLE LEADER        the role changed (LEADER "-" while unknown)
 *   applied SEQ TEXT        a log entry, in order, on a follower
 *   acked SEQ               a publish is in the log at SEQ
 *   failed FENCED WHY       a publish failed (FENCED 1: the log refused)
 *   refused WHY             cluster_publish_batch said no at once
 *
 * The configuration goes through the daemon's own parser ([cluster]).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cluster.h"
#include "config.h"
#include "log.h"
#include "xmalloc.h"

#define DRIVER_LINE_MAX	4096

struct driver {
	struct event_base	*base;
	struct cluster		*cluster;
	char			 line[DRIVER_LINE_MAX];
	size_t			 len;
};

static const char *driver_roles[] = { "follower", "candidate", "leader" };

static void
driver_role(void *arg, enum cluster_role role, const char *leader)
{
	printf("role %s %s\n", driver_roles[role], *leader != '\0' ? leader :
	    "-");
	fflush(stdout);
}

static void
driver_apply(void *arg, uint64_t seq, const void *data, size_t len)
{
	printf("applied %llu %.*s\n", (unsigned long long)seq, (int)len,
	    (const char *)data);
	fflush(stdout);
}

static void
driver_ack(void *arg, int ok, uint64_t seq, int fenced, const char *why)
{
	if (ok)
		printf("acked %llu\n", (unsigned long long)seq);
	else
		printf("failed %d %s\n", fenced, why);
	fflush(stdout);
}

static void
driver_command(struct driver *d, char *cmd)
{
	char	err[256];

	if (strncmp(cmd, "publish ", 8) == 0) {
		if (cluster_publish_batch(d->cluster, cmd + 8, strlen(cmd + 8),
		    driver_ack, d, err, sizeof err) != 0) {
			printf("refused %s\n", err);
			fflush(stdout);
		}
	} else if (strcmp(cmd, "depose") == 0)
		cluster_test_depose(d->cluster);
	else if (strcmp(cmd, "quit") == 0)
		event_base_loopbreak(d->base);
	else {
		printf("unknown %s\n", cmd);
		fflush(stdout);
	}
}

static void
driver_read(evutil_socket_t fd, short what, void *arg)
{
	struct driver	*d = arg;
	char		*nl;
	ssize_t		 n;

	n = read(fd, d->line + d->len, sizeof d->line - d->len - 1);
	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return;
		event_base_loopbreak(d->base);
		return;
	}
	d->len += (size_t)n;
	d->line[d->len] = '\0';
	while ((nl = strchr(d->line, '\n')) != NULL) {
		*nl = '\0';
		driver_command(d, d->line);
		d->len -= (size_t)(nl + 1 - d->line);
		memmove(d->line, nl + 1, d->len + 1);
	}
	if (d->len == sizeof d->line - 1)
		d->len = 0;	/* a line too long: dropped */
}

static void
usage(void)
{
	fprintf(stderr, "usage: cluster-driver --nats URLS --name NAME "
	    "--node NODE --advertise HOST:PORT [--lease 2s] [--replicas 3] "
	    "[--from SEQ]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nats", required_argument, NULL, 'n' },
		{ "name", required_argument, NULL, 'N' },
		{ "node", required_argument, NULL, 'o' },
		{ "advertise", required_argument, NULL, 'a' },
		{ "lease", required_argument, NULL, 'l' },
		{ "replicas", required_argument, NULL, 'r' },
		{ "from", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*nats = NULL, *name = NULL, *node = NULL;
	const char	*advertise = NULL, *lease = "2s", *replicas = "3";
	struct config	*cfg;
	struct driver	 d;
	struct event	*in;
	char		 text[2048], err[CONFIG_ERRMAX];
	unsigned long long from = 0;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': nats = optarg; break;
		case 'N': name = optarg; break;
		case 'o': node = optarg; break;
		case 'a': advertise = optarg; break;
		case 'l': lease = optarg; break;
		case 'r': replicas = optarg; break;
		case 'f': from = strtoull(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (nats == NULL || name == NULL || node == NULL || advertise == NULL)
		usage();
	snprintf(text, sizeof text, "[cluster]\nnats = %s\nname = %s\n"
	    "node = %s\nadvertise = %s\nlease = %s\nreplicas = %s\n"
	    "[tier t]\n[queue q]\n", nats, name, node, advertise, lease,
	    replicas);
	cfg = xmalloc(sizeof *cfg);
	config_defaults(cfg);
	if (config_load_string(cfg, "cluster-driver", text, err,
	    sizeof err) != 0) {
		fprintf(stderr, "cluster-driver: %s\n", err);
		return (2);
	}
	log_init(LOG_LEVEL_INFO, NULL);
	memset(&d, 0, sizeof d);
	if (cluster_init_threads(err, sizeof err) != 0 ||
	    (d.base = event_base_new()) == NULL) {
		fprintf(stderr, "cluster-driver: %s\n", err);
		return (1);
	}
	d.cluster = cluster_open(&cfg->cluster, d.base, from, err,
	    sizeof err);
	if (d.cluster == NULL) {
		fprintf(stderr, "cluster-driver: %s\n", err);
		return (1);
	}
	cluster_on_role(d.cluster, driver_role, &d);
	cluster_on_apply(d.cluster, driver_apply, &d);
	in = event_new(d.base, STDIN_FILENO, EV_READ | EV_PERSIST, driver_read,
	    &d);
	event_add(in, NULL);
	printf("started %s\n", node);
	fflush(stdout);
	event_base_dispatch(d.base);
	event_free(in);
	cluster_close(d.cluster);
	event_base_free(d.base);
	config_free(cfg);
	free(cfg);
	return (0);
}
