/*
 * engine_route: what a routing decision costs the engine with N tickets
 * waiting (docs/PERFORMANCE.md, "Budgets": 1,000,000 open tickets with live timers, a
 * decision O(log n), 1M vs 1k within 2x, at most 1 KiB resident per ticket
 * beyond its text). Drives the engine directly with virtual time, no
 * daemon, no I/O. Built and run by bench/route, which compares sizes.
 *
 * The floor: four tiers (base priorities 0, 100, 200, 300), each with the
 * ladder "group vip 1h, skilled", so every waiting ticket is filed in the
 * vip group's heap and the queue's age heap and holds a live step timer;
 * manual priorities -3..3 so that the order is not by id alone; 1,000
 * customers. The agents: ten vip members skilled for the queue, all on
 * break (a step whose agents are on break still counts as servable).
 *
 * Measured, each as the median of B batches of K operations, in thread
 * CPU time (what another process takes from the core does not count):
 *  - decision: one agent goes AGENT BREAK then AGENT READY; READY takes
 *    the best of the heap tops and offers it, BREAK withdraws the offer
 *    and re-files the ticket at its original place, so N stays constant;
 *  - ready: the READY half alone (wall clock around each call);
 *  - create: TICKET CREATE with N waiting (the batch is abandoned after,
 *    untimed, to come back to N);
 * and, for the whole build of N tickets, the mean create time and the
 * resident (RSS) and heap (malloc) bytes per ticket.
 *
 * usage: engine_route N [-b batches] [-k batch-size]
 * The last line is "result n=... create_us=... ..." for bench/route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_common.h"

#define NAGENTS		10
#define QUEUE		"billing"
#define MAXBATCH	1000

static struct tier_def		tiers[BENCH_NTIERS];
static struct queue_def		queues[1];
static struct engine_config	cfg;

static void
no_emit(void *arg, const struct engine_event *ev)
{
	(void)arg;
	(void)ev;
}

static void
setup_config(void)
{
	int	i;

	for (i = 0; i < BENCH_NTIERS; i++) {
		snprintf(tiers[i].name, sizeof tiers[i].name, "%s",
		    bench_tiers[i]);
		tiers[i].base_priority = 100 * i;
		tiers[i].nsteps = 2;
		tiers[i].steps[0].kind = STEP_GROUP;
		snprintf(tiers[i].steps[0].group, sizeof tiers[i].steps[0].group,
		    "vip");
		tiers[i].steps[0].duration = 3600 * 1000;
		tiers[i].steps[1].kind = STEP_SKILLED;
	}
	snprintf(queues[0].name, sizeof queues[0].name, QUEUE);
	queues[0].strategy = STRATEGY_LONGEST_IDLE;
	queues[0].offer_timeout = 30 * 1000;
	queues[0].max_missed = 3;
	cfg.tiers = tiers;
	cfg.ntiers = BENCH_NTIERS;
	cfg.queues = queues;
	cfg.nqueues = 1;
	cfg.reject_cooldown = 60 * 1000;
	cfg.seed = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: engine_route N [-b batches] [-k batch-size]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct engine		*e;
	struct agent_update	 up;
	struct skill		 sk = { QUEUE, 3 };
	char			 groups[1][ENGINE_NAME_MAX] = { "vip" };
	char			 name[32];
	const char		*ann = "agent0";
	double			 t0, w0, build_s, dec[64], rdy[64], crt[64];
	long			 rss0, rss1;
	size_t			 heap0, heap1;
	uint64_t		 n, i, ids[MAXBATCH];
	hl_ms			 now = 1700000000000LL;
	int			 b, k, batches = 15, ksize = 0, opt;

	bench_init("engine_route");
	if (argc < 2)
		usage();
	n = strtoull(argv[1], NULL, 10);
	optind = 2;
	while ((opt = getopt(argc, argv, "b:k:")) != -1) {
		switch (opt) {
		case 'b': batches = atoi(optarg); break;
		case 'k': ksize = atoi(optarg); break;
		default: usage();
		}
	}
	if (n < 10 || batches < 1 || batches > 64 || ksize < 0 ||
	    ksize > MAXBATCH)
		usage();
	/* Creates are abandoned after each batch: keep them a tenth of n. */
	if (ksize == 0)
		ksize = n / 10 < MAXBATCH ? (int)(n / 10) : MAXBATCH;

	setup_config();
	if ((e = engine_new(&cfg, no_emit, NULL)) == NULL) {
		fprintf(stderr, "engine_route: engine_new failed\n");
		return (1);
	}
	memset(&up, 0, sizeof up);
	up.role = ROLE_AGENT;
	up.skills = &sk;
	up.nskills = 1;
	up.groups = (const char (*)[ENGINE_NAME_MAX])groups;
	up.ngroups = 1;
	up.capacity = 1;
	for (k = 0; k < NAGENTS; k++) {
		snprintf(name, sizeof name, "agent%d", k);
		bench_check(engine_agent_add(e, now, &bench_admin, name, &up,
		    bench_err, sizeof bench_err), "add");
		bench_check(engine_agent_break(e, now, &bench_sup, name,
		    "lunch", bench_err, sizeof bench_err), "break");
	}
	bench_add_customers(e, now);

	/* Build: n tickets, ten per virtual millisecond. */
	rss0 = bench_rss_bytes();
	heap0 = bench_heap_bytes();
	t0 = bench_cpu_s();
	for (i = 0; i < n; i++)
		bench_create(e, now + (hl_ms)(i / 10), i, QUEUE, NULL);
	build_s = bench_cpu_s() - t0;
	rss1 = bench_rss_bytes();
	heap1 = bench_heap_bytes();
	now += (hl_ms)(n / 10) + 1;
	if (engine_ticket_count(e) != n || engine_next_deadline(e) < 0) {
		fprintf(stderr, "engine_route: %zu tickets, next deadline "
		    "%lld: not the floor intended\n", engine_ticket_count(e),
		    (long long)engine_next_deadline(e));
		return (1);
	}

	/* Warm up, and check that READY does offer a ticket. */
	bench_check(engine_agent_ready(e, now, &bench_sup, ann, bench_err,
	    sizeof bench_err), "ready");
	if (engine_agent_get(e, ann)->offer == 0) {
		fprintf(stderr, "engine_route: READY made no offer\n");
		return (1);
	}
	bench_check(engine_agent_break(e, now, &bench_sup, ann, "x",
	    bench_err, sizeof bench_err), "break");

	for (b = 0; b < batches; b++) {
		double	r = 0;

		t0 = bench_cpu_s();
		for (k = 0; k < MAXBATCH; k++) {
			now++;
			w0 = bench_wall_s();
			engine_agent_ready(e, now, &bench_sup, ann, bench_err,
			    sizeof bench_err);
			r += bench_wall_s() - w0;
			engine_agent_break(e, now, &bench_sup, ann, "x",
			    bench_err, sizeof bench_err);
		}
		dec[b] = (bench_cpu_s() - t0) / MAXBATCH;
		rdy[b] = r / MAXBATCH;
		if (engine_agent_get(e, ann)->offer != 0 ||
		    engine_ticket_count(e) != n) {
			fprintf(stderr, "engine_route: the floor changed\n");
			return (1);
		}

		t0 = bench_cpu_s();
		for (k = 0; k < ksize; k++)
			ids[k] = bench_create(e, now, n + (uint64_t)b * ksize +
			    (uint64_t)k, QUEUE, NULL);
		crt[b] = (bench_cpu_s() - t0) / ksize;
		for (k = 0; k < ksize; k++)
			bench_check(engine_ticket_abandon(e, now, &bench_admin,
			    ids[k], bench_err, sizeof bench_err), "abandon");
	}

	printf("n=%llu: build %.2f s CPU; RSS +%.1f MiB, heap +%.1f MiB\n",
	    (unsigned long long)n, build_s, (double)(rss1 - rss0) / 1048576,
	    (double)(heap1 - heap0) / 1048576);
	printf("result n=%llu decision_us=%.3f ready_us=%.3f create_us=%.3f "
	    "build_create_us=%.3f rss_b=%.0f heap_b=%.0f\n",
	    (unsigned long long)n, bench_median(dec, batches) * 1e6,
	    bench_median(rdy, batches) * 1e6, bench_median(crt, batches) * 1e6,
	    build_s / (double)n * 1e6, (double)(rss1 - rss0) / (double)n,
	    (double)(heap1 - heap0) / (double)n);
	fflush(stdout);
	if (bench_want_free(n))
		engine_free(e);
	return (0);
}
