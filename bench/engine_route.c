/*
 * engine_route: what a routing decision costs the engine with N tickets
 * waiting (DESIGN.md section 5: 1,000,000 open tickets with live timers, a
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
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define NCUSTOMERS	1000
#define NAGENTS		10
#define QUEUE		"billing"
#define MAXBATCH	1000

static const char *tier_names[] = { "standard", "silver", "gold", "diamond" };
static const int tier_weights[] = { 70, 20, 8, 2 };
#define NTIERS	4

static struct tier_def		tiers[NTIERS];
static struct queue_def		queues[1];
static struct engine_config	cfg;
static const struct actor	admin = { "root", ROLE_ADMIN };
static const struct actor	sup = { "sue", ROLE_SUPERVISOR };
static const struct actor	pbx = { "pbx", ROLE_INTEGRATION };
static int			tier_current[NTIERS];
static char			err[ENGINE_ERRMAX];

static double
clock_s(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static double
cpu_s(void)
{
	return (clock_s(CLOCK_THREAD_CPUTIME_ID));
}

static double
wall_s(void)
{
	return (clock_s(CLOCK_MONOTONIC));
}

static long
rss_bytes(void)
{
	FILE	*f;
	char	 line[256];
	long	 kb = 0;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return (0);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	}
	fclose(f);
	return (kb * 1024);
}

static size_t
heap_bytes(void)
{
	struct mallinfo2	m = mallinfo2();

	return (m.uordblks + m.hblkhd);
}

static void
no_emit(void *arg, const struct engine_event *ev)
{
	(void)arg;
	(void)ev;
}

static void
check(int rc, const char *what)
{
	if (rc != ENGINE_OK) {
		fprintf(stderr, "engine_route: %s: %s\n", what, err);
		exit(1);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

static void
setup_config(void)
{
	int	i;

	for (i = 0; i < NTIERS; i++) {
		snprintf(tiers[i].name, sizeof tiers[i].name, "%s",
		    tier_names[i]);
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
	cfg.ntiers = NTIERS;
	cfg.queues = queues;
	cfg.nqueues = 1;
	cfg.reject_cooldown = 60 * 1000;
	cfg.seed = 1;
}

/* The tier mix 70/20/8/2, evenly spread (smooth weighted round-robin). */
static const char *
next_tier(void)
{
	int	i, best = 0;

	for (i = 0; i < NTIERS; i++) {
		tier_current[i] += tier_weights[i];
		if (tier_current[i] > tier_current[best])
			best = i;
	}
	tier_current[best] -= 100;
	return (tier_names[best]);
}

static uint64_t
create_one(struct engine *e, hl_ms now, uint64_t i)
{
	struct ticket_create	tc;
	char			cust[32];
	uint64_t		id;

	snprintf(cust, sizeof cust, "+336%08llu",
	    (unsigned long long)(i % NCUSTOMERS));
	memset(&tc, 0, sizeof tc);
	tc.queue = QUEUE;
	tc.customer = cust;
	tc.tier = next_tier();
	tc.priority = (int)(i % 7) - 3;
	check(engine_ticket_create(e, now, &pbx, &tc, &id, err), "create");
	return (id);
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
		check(engine_agent_add(e, now, &admin, name, &up, err), "add");
		check(engine_agent_break(e, now, &sup, name, "lunch", err),
		    "break");
	}
	for (k = 0; k < NCUSTOMERS; k++) {
		struct customer_update	cu;

		memset(&cu, 0, sizeof cu);
		cu.tier = tier_names[k % NTIERS];
		snprintf(name, sizeof name, "+336%08d", k);
		check(engine_customer_set(e, now, &admin, name, &cu, err),
		    "customer");
	}

	/* Build: n tickets, ten per virtual millisecond. */
	rss0 = rss_bytes();
	heap0 = heap_bytes();
	t0 = cpu_s();
	for (i = 0; i < n; i++)
		create_one(e, now + (hl_ms)(i / 10), i);
	build_s = cpu_s() - t0;
	rss1 = rss_bytes();
	heap1 = heap_bytes();
	now += (hl_ms)(n / 10) + 1;
	if (engine_ticket_count(e) != n || engine_next_deadline(e) < 0) {
		fprintf(stderr, "engine_route: %zu tickets, next deadline "
		    "%lld: not the floor intended\n", engine_ticket_count(e),
		    (long long)engine_next_deadline(e));
		return (1);
	}

	/* Warm up, and check that READY does offer a ticket. */
	check(engine_agent_ready(e, now, &sup, ann, err), "ready");
	if (engine_agent_get(e, ann)->offer == 0) {
		fprintf(stderr, "engine_route: READY made no offer\n");
		return (1);
	}
	check(engine_agent_break(e, now, &sup, ann, "x", err), "break");

	for (b = 0; b < batches; b++) {
		double	r = 0;

		t0 = cpu_s();
		for (k = 0; k < MAXBATCH; k++) {
			now++;
			w0 = wall_s();
			engine_agent_ready(e, now, &sup, ann, err);
			r += wall_s() - w0;
			engine_agent_break(e, now, &sup, ann, "x", err);
		}
		dec[b] = (cpu_s() - t0) / MAXBATCH;
		rdy[b] = r / MAXBATCH;
		if (engine_agent_get(e, ann)->offer != 0 ||
		    engine_ticket_count(e) != n) {
			fprintf(stderr, "engine_route: the floor changed\n");
			return (1);
		}

		t0 = cpu_s();
		for (k = 0; k < ksize; k++)
			ids[k] = create_one(e, now, n + (uint64_t)b * ksize +
			    (uint64_t)k);
		crt[b] = (cpu_s() - t0) / ksize;
		for (k = 0; k < ksize; k++)
			check(engine_ticket_abandon(e, now, &admin, ids[k], err),
			    "abandon");
	}

	printf("n=%llu: build %.2f s CPU; RSS +%.1f MiB, heap +%.1f MiB\n",
	    (unsigned long long)n, build_s, (double)(rss1 - rss0) / 1048576,
	    (double)(heap1 - heap0) / 1048576);
	printf("result n=%llu decision_us=%.3f ready_us=%.3f create_us=%.3f "
	    "build_create_us=%.3f rss_b=%.0f heap_b=%.0f\n",
	    (unsigned long long)n, median(dec, batches) * 1e6,
	    median(rdy, batches) * 1e6, median(crt, batches) * 1e6,
	    build_s / (double)n * 1e6, (double)(rss1 - rss0) / (double)n,
	    (double)(heap1 - heap0) / (double)n);
	fflush(stdout);
	/* Freeing a million tickets takes a while and measures nothing. */
	if (getenv("ENGINE_ROUTE_FREE") != NULL)
		engine_free(e);
	return (0);
}
