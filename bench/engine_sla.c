/*
 * engine_sla: what live SLA timers cost the engine with N open tickets
 * (docs/PERFORMANCE.md, "Budgets": 1,000,000 open tickets with live SLA timers, 1M
 * vs 1k within 2x, at most 1 KiB resident per ticket beyond its text).
 * Drives the engine directly with virtual time, no daemon, no I/O. Built
 * and run by bench/sla, which compares sizes.
 *
 * The floor: a business-hours calendar "office" (UTC, Mon-Fri
 * 09:00-12:30, 13:30-18:00, holidays 01-01, 05-01, 12-25 and 2026-04-06)
 * on both queues, with the answer clock in business time too. Five tiers,
 * each ladder "skilled" (no ladder-step timers: every timer in the heap is
 * an SLA timer). SLA policies (every queue):
 *
 *   tier      answer  resolve  warning  steps
 *   standard  8h      5d       80%      answer 50% notify;
 *   silver    4h      3d       80%        answer 100% notify, boost 50;
 *   gold      3h      2d       80%        resolve 100% notify, page
 *   diamond   2h      1d       75%
 *   rush      20s     4h       80%      answer 50% notify; answer 100%
 *                                       notify, boost 100; answer 150%
 *                                       notify, page
 *
 * Virtual time starts on Monday 2026-03-02 09:00 UTC; the background
 * tickets' first thresholds are an hour of business time away or more,
 * and the whole run stays well inside that hour, so nothing fires but what
 * is made to (checked: "stray" counts SLA events outside the firing
 * measurement).
 *
 * The build: N open tickets, ten per virtual millisecond, the tier mix
 * standard/silver/gold/diamond 70/20/8/2, manual priorities -3..3, 1,000
 * customers, no subject or attributes. W = min(N/10, 1000) of them
 * (spread evenly through the build) go to queue "desk"; the rest wait in
 * queue "support", where no agent has a skill. After the build, agent
 * "desk1" (capacity W) goes READY and accepts the W desk tickets, then
 * goes on break: W active tickets whose resolve clock runs. Every open
 * ticket then holds one live SLA timer (checked through the dues).
 *
 * Measured, each as the median of B batches of K = W operations, in
 * thread CPU time (what another process takes from the core does not
 * count), one virtual millisecond apart:
 *  - get: engine_ticket_get() of random waiting tickets, reading a field:
 *    the price of reaching a random ticket at all (a hash lookup and a
 *    cache miss or two once the tickets outgrow the caches), to read the
 *    others against;
 *  - priority: TICKET SET PRIORITY on random waiting tickets (re-keys the
 *    routing heap; the SLA timer is not touched): the control;
 *  - pending: TICKET PENDING (no until) on the W accepted tickets: the
 *    resolve clock stops, the SLA timer is cancelled;
 *  - resume: TICKET RESUME on them: new dues, the SLA timer inserted;
 *  - tier: TICKET SET TIER on random waiting tickets (standard -> silver,
 *    anything else -> standard): re-filed in the routing heaps, dues
 *    re-targeted, the SLA timer re-armed in place;
 *  - create: TICKET CREATE (a ticket filed, its SLA timer inserted);
 *  - abandon: TICKET ABANDON of those (unfiled, timer cancelled);
 *  - fire: K rush tickets are created one per virtual ms (untimed), then
 *    time advances as the daemon does it, engine_advance() at every
 *    engine_next_deadline(), over their first 30 s: each fires five
 *    events (step 0, warning, breach, step 1 with a boost that re-keys
 *    the ticket in the million-ticket heap, step 2); the time per fired
 *    event. The rush tickets are then abandoned (untimed).
 * and, for the build, the mean create time and the resident (RSS) and
 * heap (malloc) bytes per ticket.
 *
 * usage: engine_sla N [-b batches]
 * The last line is "result n=... priority_us=... ..." for bench/sla.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "engine_common.h"
#include "xmalloc.h"

#define MAXBATCH	1000
#define MAXB		64
#define BULK_QUEUE	"support"
#define DESK_QUEUE	"desk"
#define DESK_AGENT	"desk1"
#define RUSH_TIER	"rush"
#define FIRE_EVENTS	5		/* per rush ticket in its first 30 s */
#define FIRE_WINDOW	(30 * 1000 + 1)

#define SEC		1000LL
#define MIN		(60 * SEC)
#define HOUR		(60 * MIN)
#define DAY		(24 * HOUR)

/* The background tiers (bench_tiers) and rush, only for the firing. */
#define NTIERS	5
static const char *tier_names[NTIERS] = {
	"standard", "rush", "silver", "gold", "diamond"
};
static const int tier_prio[NTIERS] = { 0, 50, 100, 200, 300 };

static struct tier_def		tiers[NTIERS];
static struct queue_def		queues[2];
static struct calendar		cal;
static struct sla_policy	slas[NTIERS];
static struct engine_config	cfg;
static uint64_t			rng = 0x9e3779b97f4a7c15ULL;

/* SLA events seen (sla.warning, sla.breach, ticket.escalated). */
static uint64_t			sla_events;
static volatile int		sink;		/* keeps the gets */

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng);
}

/* The emit callback: count SLA events, as cheaply as possible. */
static void
count_emit(void *arg, const struct engine_event *ev)
{
	(void)arg;
	if ((ev->type[0] == 's' && ev->type[1] == 'l') ||
	    strcmp(ev->type, "ticket.escalated") == 0)
		sla_events++;
}

static void
setup_calendar(void)
{
	static const char	*hol[] = { "01-01", "05-01", "12-25",
				    "2026-04-06" };
	struct cal_span		 spans[CAL_MAX_SPANS];
	struct cal_date		 d;
	unsigned		 mask;
	size_t			 i;
	int			 n;
	char			 cerr[CAL_ERRMAX];

	cal_init(&cal, "office");
	if (cal_parse_days("mon-fri", &mask, cerr, sizeof cerr) != 0 ||
	    cal_parse_hours("09:00-12:30, 13:30-18:00", spans, CAL_MAX_SPANS,
	    &n, cerr, sizeof cerr) != 0) {
		fprintf(stderr, "engine_sla: calendar: %s\n", cerr);
		exit(1);
	}
	cal_set_hours(&cal, mask, spans, n);
	for (i = 0; i < sizeof hol / sizeof hol[0]; i++) {
		if (cal_parse_date(hol[i], &d, cerr, sizeof cerr) != 0 ||
		    cal_add_holiday(&cal, &d, cerr, sizeof cerr) != 0) {
			fprintf(stderr, "engine_sla: holiday: %s\n", cerr);
			exit(1);
		}
	}
}

static void
step(struct sla_step *s, enum sla_clock c, int percent, int actions,
    int boost)
{
	memset(s, 0, sizeof *s);
	s->clock = c;
	s->percent = percent;
	s->actions = actions;
	s->boost = boost;
}

static void
policy(struct sla_policy *p, const char *tier, hl_ms answer, hl_ms resolve,
    int warning)
{
	memset(p, 0, sizeof *p);
	snprintf(p->tier, sizeof p->tier, "%s", tier);
	p->answer = answer;
	p->resolve = resolve;
	p->warning = warning;
	if (strcmp(tier, RUSH_TIER) == 0) {
		step(&p->steps[0], SLA_ANSWER, 50, SLA_NOTIFY, 0);
		step(&p->steps[1], SLA_ANSWER, 100, SLA_NOTIFY | SLA_BOOST, 100);
		step(&p->steps[2], SLA_ANSWER, 150, SLA_NOTIFY | SLA_PAGE, 0);
	} else {
		step(&p->steps[0], SLA_ANSWER, 50, SLA_NOTIFY, 0);
		step(&p->steps[1], SLA_ANSWER, 100, SLA_NOTIFY | SLA_BOOST, 50);
		step(&p->steps[2], SLA_RESOLVE, 100, SLA_NOTIFY | SLA_PAGE, 0);
	}
	p->nsteps = 3;
}

static void
setup_config(void)
{
	int	i;

	for (i = 0; i < NTIERS; i++) {
		snprintf(tiers[i].name, sizeof tiers[i].name, "%s",
		    tier_names[i]);
		tiers[i].base_priority = tier_prio[i];
		tiers[i].nsteps = 1;
		tiers[i].steps[0].kind = STEP_SKILLED;
	}
	for (i = 0; i < 2; i++) {
		snprintf(queues[i].name, sizeof queues[i].name, "%s",
		    i == 0 ? BULK_QUEUE : DESK_QUEUE);
		queues[i].strategy = STRATEGY_LONGEST_IDLE;
		queues[i].offer_timeout = HOUR;
		queues[i].max_missed = 3;
		snprintf(queues[i].calendar, sizeof queues[i].calendar,
		    "office");
		queues[i].answer_business = 1;
	}
	setup_calendar();
	policy(&slas[0], "standard", 8 * HOUR, 5 * DAY, 80);
	policy(&slas[1], "silver", 4 * HOUR, 3 * DAY, 80);
	policy(&slas[2], "gold", 3 * HOUR, 2 * DAY, 80);
	policy(&slas[3], "diamond", 2 * HOUR, 1 * DAY, 75);
	policy(&slas[4], RUSH_TIER, 20 * SEC, 4 * HOUR, 80);
	cfg.tiers = tiers;
	cfg.ntiers = NTIERS;
	cfg.queues = queues;
	cfg.nqueues = 2;
	cfg.reject_cooldown = 60 * SEC;
	cfg.seed = 1;
	cfg.calendars = &cal;
	cfg.ncalendars = 1;
	cfg.slas = slas;
	cfg.nslas = NTIERS;
	cfg.short_abandon = 5 * SEC;
}

struct live {
	hl_ms		now;
	size_t		open, timed, accepted;
};

/* Every open ticket has a running clock with a due in the future, so an
 * armed SLA timer (sla.c arms one at the earliest unfired threshold). */
static void
live_one(const struct ticket *t, void *arg)
{
	struct live	*l = arg;

	l->open++;
	if (t->state == TICKET_ACTIVE)
		l->accepted++;
	if (t->resolve_due > l->now && t->sla_fired == 0 &&
	    (t->accepted_at != 0 || t->answer_due > l->now))
		l->timed++;
}

/* k distinct random waiting tickets. */
static void
pick(const uint64_t *bulk, uint64_t nbulk, uint64_t *sel, int k)
{
	int	i, j;

	for (i = 0; i < k; i++) {
		sel[i] = bulk[rnd() % nbulk];
		for (j = 0; j < i; j++) {
			if (sel[j] == sel[i]) {
				i--;
				break;
			}
		}
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: engine_sla N [-b batches]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct engine		*e;
	struct agent_update	 up;
	struct skill		 sk = { DESK_QUEUE, 3 };
	struct live		 l;
	const struct agent	*a;
	const struct ticket	*t;
	const char		*tiersel[MAXBATCH];
	double			 t0, build_s;
	double			 m_prio[MAXB], m_pend[MAXB], m_res[MAXB];
	double			 m_tier[MAXB], m_crt[MAXB], m_abn[MAXB];
	double			 m_fire[MAXB], m_get[MAXB];
	long			 rss0, rss1;
	size_t			 heap0, heap1;
	uint64_t		*bulk, desk[MAXBATCH], sel[MAXBATCH];
	uint64_t		 ids[MAXBATCH], n, nbulk = 0, ndesk = 0, i;
	uint64_t		 stride, ev0, fired_total = 0, stray = 0, serial;
	int			 newprio[MAXBATCH];
	hl_ms			 now, d, end;
	/* Monday 2026-03-02 09:00:00 UTC */
	const hl_ms		 t_start = 1772442000000LL;
	int			 b, k, w, batches = 15, opt;

	bench_init("engine_sla");
	if (argc < 2)
		usage();
	n = strtoull(argv[1], NULL, 10);
	optind = 2;
	while ((opt = getopt(argc, argv, "b:")) != -1) {
		switch (opt) {
		case 'b': batches = atoi(optarg); break;
		default: usage();
		}
	}
	if (n < 100 || batches < 1 || batches > MAXB)
		usage();
	w = n / 10 < MAXBATCH ? (int)(n / 10) : MAXBATCH;
	stride = n / (uint64_t)w;

	setup_config();
	if (engine_check_config(&cfg, bench_err) != ENGINE_OK) {
		fprintf(stderr, "engine_sla: config: %s\n", bench_err);
		return (1);
	}
	if ((e = engine_new(&cfg, count_emit, NULL)) == NULL) {
		fprintf(stderr, "engine_sla: engine_new failed\n");
		return (1);
	}
	now = t_start;
	if (cal_is_open(&cal, now) != 1) {
		fprintf(stderr, "engine_sla: the calendar is closed at start\n");
		return (1);
	}
	memset(&up, 0, sizeof up);
	up.role = ROLE_AGENT;
	up.skills = &sk;
	up.nskills = 1;
	up.capacity = w;
	bench_check(engine_agent_add(e, now, &bench_admin, DESK_AGENT, &up, bench_err), "add");
	bench_add_customers(e, now);
	/* Touched now, so that its pages do not count as the tickets'. */
	bulk = xcalloc(n, sizeof *bulk);
	memset(bulk, 0xff, n * sizeof *bulk);

	/* Build: n open tickets, ten per virtual millisecond. */
	rss0 = bench_rss_bytes();
	heap0 = bench_heap_bytes();
	t0 = bench_cpu_s();
	for (i = 0; i < n; i++) {
		if (i % stride == stride / 2 && ndesk < (uint64_t)w)
			desk[ndesk++] = bench_create(e, now + (hl_ms)(i / 10), i,
			    DESK_QUEUE, NULL);
		else
			bulk[nbulk++] = bench_create(e, now + (hl_ms)(i / 10), i,
			    BULK_QUEUE, NULL);
	}
	build_s = bench_cpu_s() - t0;
	rss1 = bench_rss_bytes();
	heap1 = bench_heap_bytes();
	now += (hl_ms)(n / 10) + 1;
	serial = n;
	if (ndesk != (uint64_t)w) {
		fprintf(stderr, "engine_sla: %llu desk tickets, not %d\n",
		    (unsigned long long)ndesk, w);
		return (1);
	}

	/* The desk agent accepts the W desk tickets, then takes a break. */
	bench_check(engine_agent_ready(e, now, &bench_sup, DESK_AGENT, bench_err), "ready");
	for (k = 0; k < w; k++) {
		a = engine_agent_get(e, DESK_AGENT);
		if (a->offer == 0)
			break;
		bench_check(engine_ticket_accept(e, now, &bench_sup, a->offer, bench_err),
		    "accept");
	}
	bench_check(engine_agent_break(e, now, &bench_sup, DESK_AGENT, "x", bench_err),
	    "break");
	now++;
	engine_advance(e, now);
	memset(&l, 0, sizeof l);
	l.now = now;
	engine_ticket_foreach(e, live_one, &l);
	if (l.open != n || l.accepted != (size_t)w || l.timed != n ||
	    sla_events != 0 || engine_next_deadline(e) < 0) {
		fprintf(stderr, "engine_sla: not the floor intended: %zu open, "
		    "%zu accepted, %zu with live SLA clocks, %llu SLA events\n",
		    l.open, l.accepted, l.timed,
		    (unsigned long long)sla_events);
		return (1);
	}

	for (b = 0; b < batches; b++) {
		/* GET: reaching a random ticket, the floor of the others. */
		pick(bulk, nbulk, sel, w);
		t0 = bench_cpu_s();
		for (k = 0; k < w; k++)
			sink += engine_ticket_get(e, sel[k])->priority;
		m_get[b] = (bench_cpu_s() - t0) / w;

		/* SET PRIORITY: the control (routing heap, no timer). */
		pick(bulk, nbulk, sel, w);
		for (k = 0; k < w; k++) {
			t = engine_ticket_get(e, sel[k]);
			newprio[k] = t->priority >= 3 ? -3 : t->priority + 1;
		}
		ev0 = sla_events;
		t0 = bench_cpu_s();
		for (k = 0; k < w; k++)
			bench_check(engine_ticket_set_priority(e, ++now, &bench_sup, sel[k],
			    newprio[k], bench_err), "set priority");
		m_prio[b] = (bench_cpu_s() - t0) / w;

		/* PENDING then RESUME of the accepted tickets, shuffled. */
		for (k = w - 1; k > 0; k--) {
			int	j = (int)(rnd() % (uint64_t)(k + 1));
			uint64_t x = desk[k];

			desk[k] = desk[j];
			desk[j] = x;
		}
		t0 = bench_cpu_s();
		for (k = 0; k < w; k++)
			bench_check(engine_ticket_pending(e, ++now, &bench_sup, desk[k], 0,
			    bench_err), "pending");
		m_pend[b] = (bench_cpu_s() - t0) / w;
		t0 = bench_cpu_s();
		for (k = 0; k < w; k++)
			bench_check(engine_ticket_resume(e, ++now, &bench_sup, desk[k], bench_err),
			    "resume");
		m_res[b] = (bench_cpu_s() - t0) / w;

		/* SET TIER: re-target (standard -> silver, others back). */
		pick(bulk, nbulk, sel, w);
		for (k = 0; k < w; k++) {
			t = engine_ticket_get(e, sel[k]);
			tiersel[k] = strcmp(t->tier, "standard") == 0 ?
			    "silver" : "standard";
		}
		t0 = bench_cpu_s();
		for (k = 0; k < w; k++)
			bench_check(engine_ticket_set_tier(e, ++now, &bench_sup, sel[k],
			    tiersel[k], bench_err), "set tier");
		m_tier[b] = (bench_cpu_s() - t0) / w;

		/* CREATE, then ABANDON of the same tickets. */
		t0 = bench_cpu_s();
		for (k = 0; k < w; k++)
			ids[k] = bench_create(e, ++now, serial++, BULK_QUEUE,
			    NULL);
		m_crt[b] = (bench_cpu_s() - t0) / w;
		t0 = bench_cpu_s();
		for (k = 0; k < w; k++)
			bench_check(engine_ticket_abandon(e, ++now, &bench_pbx, ids[k],
			    bench_err), "abandon");
		m_abn[b] = (bench_cpu_s() - t0) / w;
		engine_advance(e, now);
		stray += sla_events - ev0;

		/* Firing: W rush tickets, one per ms, over their first 30 s. */
		for (k = 0; k < w; k++)
			ids[k] = bench_create(e, ++now, serial++, BULK_QUEUE,
			    RUSH_TIER);
		end = now + FIRE_WINDOW;
		ev0 = sla_events;
		t0 = bench_cpu_s();
		while ((d = engine_next_deadline(e)) >= 0 && d <= end)
			engine_advance(e, d);
		engine_advance(e, end);
		m_fire[b] = (bench_cpu_s() - t0) / (double)(sla_events - ev0 > 0 ?
		    sla_events - ev0 : 1);
		fired_total += sla_events - ev0;
		if (sla_events - ev0 != (uint64_t)w * FIRE_EVENTS) {
			fprintf(stderr, "engine_sla: batch %d fired %llu SLA "
			    "events, expected %d\n", b,
			    (unsigned long long)(sla_events - ev0),
			    w * FIRE_EVENTS);
			return (1);
		}
		now = end;
		for (k = 0; k < w; k++)
			bench_check(engine_ticket_abandon(e, ++now, &bench_pbx, ids[k],
			    bench_err), "abandon rush");
		if (engine_ticket_count(e) != n) {
			fprintf(stderr, "engine_sla: the floor changed\n");
			return (1);
		}
	}
	engine_advance(e, now);
	memset(&l, 0, sizeof l);
	l.now = now;
	engine_ticket_foreach(e, live_one, &l);

	printf("n=%llu (%llu waiting, %d accepted): build %.2f s CPU; "
	    "RSS +%.1f MiB, heap +%.1f MiB; %llu SLA events fired in %d "
	    "batches, %llu stray; %zu tickets with live SLA clocks at the "
	    "end; virtual time %.1f min\n",
	    (unsigned long long)n, (unsigned long long)nbulk, w, build_s,
	    (double)(rss1 - rss0) / 1048576,
	    (double)(heap1 - heap0) / 1048576,
	    (unsigned long long)fired_total, batches,
	    (unsigned long long)stray, l.timed,
	    (double)(now - t_start) / MIN);
	printf("result n=%llu k=%d get_us=%.3f priority_us=%.3f pending_us=%.3f "
	    "resume_us=%.3f tier_us=%.3f create_us=%.3f abandon_us=%.3f "
	    "fire_us=%.3f build_create_us=%.3f rss_b=%.0f heap_b=%.0f "
	    "stray=%llu\n",
	    (unsigned long long)n, w, bench_median(m_get, batches) * 1e6,
	    bench_median(m_prio, batches) * 1e6,
	    bench_median(m_pend, batches) * 1e6, bench_median(m_res, batches) * 1e6,
	    bench_median(m_tier, batches) * 1e6, bench_median(m_crt, batches) * 1e6,
	    bench_median(m_abn, batches) * 1e6, bench_median(m_fire, batches) * 1e6,
	    build_s / (double)n * 1e6, (double)(rss1 - rss0) / (double)n,
	    (double)(heap1 - heap0) / (double)n, (unsigned long long)stray);
	fflush(stdout);
	if (bench_want_free(n)) {
		engine_free(e);
		free(bulk);
	}
	return (0);
}
