/*
 * Unit tests of the [cluster] section (daemon/config/config-cluster.c):
 * the defaults, every key, and the refusals that name the line and what
 * is accepted. A build without NATS refuses the section itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_test.h"

/* What every file needs besides [cluster]. */
#define TAIL	"[tier t]\n[queue q]\n"
#define HEAD	"[cluster]\nnats = nats://127.0.0.1:4222\nname = main\n" \
		"node = hl1\nadvertise = 10.0.0.1:7070\n"

/* No [cluster]: one node, nothing set. */
static void
test_absent(void **state)
{
	char		 err[CONFIG_ERRMAX] = "";
	int		 rc;
	struct config	*cfg = config_test_load(TAIL, err, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(cfg->cluster.enabled, 0);
	config_free(cfg);
	free(cfg);
}

#ifdef HAVE_NATS
static void
test_keys(void **state)
{
	char		 err[CONFIG_ERRMAX] = "";
	int		 rc;
	struct config	*cfg = config_test_load(HEAD TAIL, err, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(cfg->cluster.enabled, 1);
	assert_string_equal(cfg->cluster.nats, "nats://127.0.0.1:4222");
	assert_string_equal(cfg->cluster.name, "main");
	assert_string_equal(cfg->cluster.node, "hl1");
	assert_string_equal(cfg->cluster.advertise, "10.0.0.1:7070");
	assert_int_equal(cfg->cluster.lease, 2000);	/* the defaults */
	assert_int_equal(cfg->cluster.replicas, 3);
	config_free(cfg);
	free(cfg);

	cfg = config_test_load(HEAD "lease = 1500ms\nreplicas = 1\n"
	    "nats = tls://u:p@a.example:4222, nats://b.example:4222\n"
	    "credentials = /etc/hotline/nats.creds\n"
	    "tls_ca = /etc/ssl/ca.pem\ntls_cert = /etc/ssl/hl1.pem\n"
	    "tls_key = /etc/ssl/hl1.key\n" TAIL, err, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(cfg->cluster.lease, 1500);
	assert_int_equal(cfg->cluster.replicas, 1);
	assert_string_equal(cfg->cluster.credentials,
	    "/etc/hotline/nats.creds");
	assert_string_equal(cfg->cluster.tls_ca, "/etc/ssl/ca.pem");
	assert_string_equal(cfg->cluster.tls_cert, "/etc/ssl/hl1.pem");
	assert_string_equal(cfg->cluster.tls_key, "/etc/ssl/hl1.key");
	config_free(cfg);
	free(cfg);
}

/* Each refusal: the file, where (file:line) and what the error says. */
static const struct {
	const char	*text, *where, *what;
} cluster_errors[] = {
	{ "[cluster]\nnats = nats://h:4222\n" TAIL, "test.conf",
	    "[cluster] needs 'name'" },
	{ "[cluster]\nname = m\nnode = n\nadvertise = h:1\n" TAIL,
	    "test.conf", "[cluster] needs 'nats'" },
	{ "[cluster]\nnats = nats://h:4222\nname = m\nadvertise = h:1\n"
	    TAIL, "test.conf", "needs 'node'" },
	{ "[cluster]\nnats = nats://h:4222\nname = m\nnode = n\n" TAIL,
	    "test.conf", "needs 'advertise'" },
	{ HEAD "color = blue\n", "test.conf:6:",
	    "unknown key 'color' in [cluster]" },
	{ HEAD "[cluster]\n", "test.conf:6:", "given twice" },
	{ "[cluster]\nname = a.b\n", "test.conf:2:",
	    "bad value 'a.b' for name" },
	{ "[cluster]\nnode = \n", "test.conf:2:", "for node" },
	{ "[cluster]\nnats = http://h\n", "test.conf:2:",
	    "nats://host:port" },
	{ "[cluster]\nnats = nats://h:99999\n", "test.conf:2:", "for nats" },
	{ "[cluster]\nadvertise = nohost\n", "test.conf:2:", "host:port" },
	{ "[cluster]\nlease = 100ms\n", "test.conf:2:", "500ms to 60s" },
	{ "[cluster]\nlease = 2 days\n", "test.conf:2:", "lease" },
	{ "[cluster]\nreplicas = 7\n", "test.conf:2:", "1 to 5" },
	{ "[cluster]\nreplicas = 0\n", "test.conf:2:", "replicas" },
	{ "[cluster]\ncredentials = \n", "test.conf:2:", "a file name" },
	{ HEAD "tls_cert = /c.pem\n" TAIL, "test.conf",
	    "tls_cert and tls_key go together" },
};

static void
test_errors(void **state)
{
	size_t	i;

	for (i = 0; i < sizeof cluster_errors / sizeof cluster_errors[0]; i++)
		config_test_error(cluster_errors[i].text,
		    cluster_errors[i].where, cluster_errors[i].what);
}
#else
/* Without NATS the section is refused with the way to get it. */
static void
test_refused(void **state)
{
	config_test_error(HEAD TAIL, "test.conf:1:", "libnats-dev");
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent),
#ifdef HAVE_NATS
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_errors),
#else
		cmocka_unit_test(test_refused),
#endif
	};

	return (cmocka_run_group_tests_name("config_cluster", tests, NULL,
	    NULL));
}
