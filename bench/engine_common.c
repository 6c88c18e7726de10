/* engine_common.c: see engine_common.h. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_common.h"

const char		*bench_tiers[BENCH_NTIERS] = {
	"standard", "silver", "gold", "diamond"
};
static const int	 bench_weights[BENCH_NTIERS] = { 70, 20, 8, 2 };
static int		 bench_current[BENCH_NTIERS];
static const char	*bench_name = "bench";

const struct actor	 bench_admin = { "root", ROLE_ADMIN };
const struct actor	 bench_sup = { "sue", ROLE_SUPERVISOR };
const struct actor	 bench_pbx = { "pbx", ROLE_INTEGRATION };
char			 bench_err[ENGINE_ERRMAX];

void
bench_init(const char *progname)
{
	bench_name = progname;
}

static double
bench_clock(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

double
bench_cpu_s(void)
{
	return (bench_clock(CLOCK_THREAD_CPUTIME_ID));
}

double
bench_wall_s(void)
{
	return (bench_clock(CLOCK_MONOTONIC));
}

long
bench_rss_bytes(void)
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

size_t
bench_heap_bytes(void)
{
	struct mallinfo2	m = mallinfo2();

	return (m.uordblks + m.hblkhd);
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

double
bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

void
bench_check(int rc, const char *what)
{
	if (rc != ENGINE_OK) {
		fprintf(stderr, "%s: %s: %s\n", bench_name, what, bench_err);
		exit(1);
	}
}

/* Smooth weighted round-robin: the exact mix, evenly spread. */
const char *
bench_next_tier(void)
{
	int	i, best = 0;

	for (i = 0; i < BENCH_NTIERS; i++) {
		bench_current[i] += bench_weights[i];
		if (bench_current[i] > bench_current[best])
			best = i;
	}
	bench_current[best] -= 100;
	return (bench_tiers[best]);
}

void
bench_add_customers(struct engine *e, hl_ms now)
{
	struct customer_update	cu;
	char			name[32];
	int			k;

	for (k = 0; k < BENCH_CUSTOMERS; k++) {
		memset(&cu, 0, sizeof cu);
		cu.tier = bench_tiers[k % BENCH_NTIERS];
		snprintf(name, sizeof name, "+336%08d", k);
		bench_check(engine_customer_set(e, now, &bench_admin, name, &cu,
		    bench_err, sizeof bench_err), "customer");
	}
}

uint64_t
bench_create(struct engine *e, hl_ms now, uint64_t i, const char *queue,
    const char *tier)
{
	struct ticket_create	tc;
	char			cust[32];
	uint64_t		id;

	snprintf(cust, sizeof cust, "+336%08llu",
	    (unsigned long long)(i % BENCH_CUSTOMERS));
	memset(&tc, 0, sizeof tc);
	tc.queue = queue;
	tc.customer = cust;
	tc.tier = tier != NULL ? tier : bench_next_tier();
	tc.priority = (int)(i % 7) - 3;
	bench_check(engine_ticket_create(e, now, &bench_pbx, &tc, &id,
	    bench_err, sizeof bench_err), "create");
	return (id);
}

int
bench_want_free(uint64_t n)
{
	return (n <= 100000 || getenv("BENCH_FREE") != NULL);
}
