/*
 * Unit tests of reports: the figures summed from facts (report-agg.c)
 * against a scenario computed by hand, and the facts journaled by a
 * real engine, journal and store (store-facts.c): written beside their
 * events, read back for QUEUE STATS after a restart, and pruned by
 * retention without touching open tickets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "journal.h"
#include "report.h"
#include "store.h"

#define S	1000LL
#define MIN	(60 * S)
#define H	(60 * MIN)
/* An hour boundary: 2023-11-14T22:00Z. */
#define H0	1699999200000LL

/* A RESP reply read back into a tree. */
struct rv {
	char		 type;		/* '*', ':', '$', '+', '-' */
	long long	 i;
	char		*s;
	struct rv	*v;
	size_t		 n;
};

static const char *
rv_parse(const char *p, struct rv *r)
{
	const char	*eol = strstr(p, "\r\n");
	size_t		 k;
	long long	 len;

	assert_non_null(eol);
	memset(r, 0, sizeof *r);
	r->type = *p;
	switch (*p) {
	case '*':
		r->n = (size_t)strtoll(p + 1, NULL, 10);
		r->v = calloc(r->n + 1, sizeof *r->v);
		p = eol + 2;
		for (k = 0; k < r->n; k++)
			p = rv_parse(p, &r->v[k]);
		return (p);
	case ':':
		r->i = strtoll(p + 1, NULL, 10);
		return (eol + 2);
	case '$':
		len = strtoll(p + 1, NULL, 10);
		r->s = strndup(eol + 2, (size_t)len);
		return (eol + 2 + len + 2);
	default:
		r->s = strndup(p + 1, (size_t)(eol - p - 1));
		return (eol + 2);
	}
}

static void
rv_free(struct rv *r)
{
	size_t	k;

	for (k = 0; k < r->n; k++)
		rv_free(&r->v[k]);
	free(r->v);
	free(r->s);
}

static const struct rv *
rv_get(const struct rv *map, const char *name)
{
	size_t	k;

	assert_int_equal(map->type, '*');
	for (k = 0; k + 1 < map->n; k += 2)
		if (strcmp(map->v[k].s, name) == 0)
			return (&map->v[k + 1]);
	fail_msg("no field %s", name);
	return (NULL);
}

static long long
rv_int(const struct rv *map, const char *name)
{
	const struct rv	*r = rv_get(map, name);

	assert_int_equal(r->type, ':');
	return (r->i);
}

static const char *
rv_str(const struct rv *map, const char *name)
{
	const struct rv	*r = rv_get(map, name);

	assert_int_equal(r->type, '$');
	return (r->s);
}

static const struct rv *
rv_row(const struct rv *top, size_t i)
{
	const struct rv	*rows = rv_get(top, "rows");

	assert_true(i < rows->n);
	return (&rows->v[i]);
}

/*
 * The scenario, in two hours from H0 (times in minutes):
 *  billing/standard: answered 10 (20 s, in target, ann), 20 (40 s, late,
 *    bob); abandoned 30 (after 60 s); short abandon 31; handled 40 (300 s,
 *    ann); rated 50 (5, ann) and 55 (2, bob).
 *  billing/gold: answered 70 (10 s, ann); handled 80 (100 s, ann); at 85
 *    a transfer (ann), an escalation, an answer and a resolve breach, a
 *    missed offer (bob), a reject (ann).
 *  tech/standard: answered 90 (30 s, bob); abandoned 95 (after 120 s).
 *  Ann ready from -30 to 45, on break "lunch" 45-75, ready since 75 (open
 *  at the request, at 180); bob in wrap-up 100-101.
 *  Out of range: an answer at -1 ms and one at 120 (TO is exclusive).
 */
struct sf {
	hl_ms		 at;
	enum fact_kind	 kind;
	const char	*queue, *tier, *agent;
	hl_ms		 value;
	int		 flag;
	hl_ms		 since;
	const char	*detail;
};

static const struct sf scenario[] = {
	{ 10 * MIN, FACT_ANSWERED, "billing", "standard", "ann", 20 * S, 1, 0,
	  "" },
	{ 20 * MIN, FACT_ANSWERED, "billing", "standard", "bob", 40 * S, 0, 0,
	  "" },
	{ 30 * MIN, FACT_ABANDONED, "billing", "standard", "", 60 * S, 0, 0,
	  "" },
	{ 31 * MIN, FACT_SHORT_ABANDONED, "billing", "standard", "", 2 * S, 0,
	  0, "" },
	{ 40 * MIN, FACT_HANDLED, "billing", "standard", "ann", 300 * S, 0, 0,
	  "" },
	{ 50 * MIN, FACT_RATED, "billing", "standard", "ann", 5, 0, 0, "" },
	{ 55 * MIN, FACT_RATED, "billing", "standard", "bob", 2, 0, 0, "" },
	{ 70 * MIN, FACT_ANSWERED, "billing", "gold", "ann", 10 * S, 1, 0, "" },
	{ 80 * MIN, FACT_HANDLED, "billing", "gold", "ann", 100 * S, 0, 0, "" },
	{ 85 * MIN, FACT_TRANSFERRED, "billing", "gold", "ann", 30 * S, 0, 0,
	  "" },
	{ 85 * MIN, FACT_ESCALATED, "billing", "gold", "ann", 0, 0, 0, "" },
	{ 85 * MIN, FACT_ANSWER_BREACH, "billing", "gold", "", 0, 0, 0, "" },
	{ 85 * MIN, FACT_RESOLVE_BREACH, "billing", "gold", "ann", 0, 0, 0,
	  "" },
	{ 85 * MIN, FACT_MISSED, "billing", "gold", "bob", 0, 0, 0, "" },
	{ 85 * MIN, FACT_REJECTED, "billing", "gold", "ann", 0, 0, 0, "" },
	{ 90 * MIN, FACT_ANSWERED, "tech", "standard", "bob", 30 * S, 1, 0,
	  "" },
	{ 95 * MIN, FACT_ABANDONED, "tech", "standard", "", 120 * S, 0, 0,
	  "" },
	{ 45 * MIN, FACT_STATUS, "", "", "ann", 75 * MIN, 0, -30 * MIN,
	  "ready" },
	{ 75 * MIN, FACT_STATUS, "", "", "ann", 30 * MIN, 0, 45 * MIN,
	  "break:lunch" },
	{ 101 * MIN, FACT_STATUS, "", "", "bob", 1 * MIN, 0, 100 * MIN,
	  "wrapup" },
	{ -1, FACT_ANSWERED, "billing", "standard", "ann", 1, 1, 0, "" },
	{ 120 * MIN, FACT_ANSWERED, "billing", "standard", "ann", 1, 1, 0,
	  "" },
};

/* Run a report over the scenario; top is the reply's map. */
static void
run(enum report_kind kind, enum report_by by, const char *queue,
    hl_ms data_from, struct rv *top)
{
	struct report_req	 req;
	struct report_agg	*g;
	struct report_fact	 f;
	struct buf		 out;
	size_t			 i;

	memset(&req, 0, sizeof req);
	req.kind = kind;
	req.by = by;
	req.from = H0;
	req.to = H0 + 2 * H;
	req.now = H0 + 3 * H;
	snprintf(req.queue, sizeof req.queue, "%s", queue);
	g = report_agg_new(&req, data_from);
	for (i = 0; i < sizeof scenario / sizeof scenario[0]; i++) {
		f.time = H0 + scenario[i].at;
		f.kind = scenario[i].kind;
		f.queue = scenario[i].queue;
		f.tier = scenario[i].tier;
		f.agent = scenario[i].agent;
		f.value = scenario[i].value;
		f.flag = scenario[i].flag;
		f.since = H0 + scenario[i].since;
		f.detail = scenario[i].detail;
		assert_int_equal(report_agg_add(g, &f), 0);
	}
	/* Ann's spell in progress at the request. */
	memset(&f, 0, sizeof f);
	f.kind = FACT_STATUS;
	f.time = req.now;
	f.since = H0 + 75 * MIN;
	f.queue = f.tier = "";
	f.agent = "ann";
	f.detail = "ready";
	assert_int_equal(report_agg_add(g, &f), 0);
	buf_init(&out);
	report_agg_reply(g, &out);
	buf_add(&out, "", 1);
	assert_int_equal(rv_parse(out.data, top) - out.data + 1,
	    (long)out.len);
	buf_free(&out);
	report_agg_free(g);
}

static void
test_sla_total(void **state)
{
	struct rv	 top;
	const struct rv	*t;

	run(REPORT_SLA, REPORT_BY_NONE, "", 0, &top);
	assert_string_equal(rv_str(&top, "report"), "sla");
	assert_int_equal(rv_int(&top, "from"), H0);
	assert_int_equal(rv_int(&top, "to"), H0 + 2 * H);
	assert_int_equal(rv_int(&top, "partial"), 0);
	assert_int_equal(rv_get(&top, "rows")->n, 1);
	t = rv_get(&top, "total");
	assert_int_equal(rv_int(t, "answered"), 4);
	assert_int_equal(rv_int(t, "answered_in_target"), 3);
	/* 3 in target / (4 answered + 2 abandoned) */
	assert_string_equal(rv_str(t, "service_level"), "50.0");
	assert_int_equal(rv_int(t, "asa_ms"), 25 * S);	/* 100 s / 4 */
	assert_int_equal(rv_int(t, "abandoned"), 2);
	assert_int_equal(rv_int(t, "short_abandoned"), 1);
	assert_string_equal(rv_str(t, "abandon_rate"), "33.3");
	assert_int_equal(rv_int(t, "abandon_wait_ms"), 90 * S);
	assert_int_equal(rv_int(t, "handled"), 2);
	assert_int_equal(rv_int(t, "aht_ms"), 200 * S);
	assert_int_equal(rv_int(t, "transfers"), 1);
	assert_int_equal(rv_int(t, "escalations"), 1);
	assert_int_equal(rv_int(t, "breaches"), 2);
	assert_int_equal(rv_int(t, "answer_breaches"), 1);
	assert_int_equal(rv_int(t, "resolve_breaches"), 1);
	assert_int_equal(rv_int(t, "missed"), 1);
	assert_int_equal(rv_int(t, "rejected"), 1);
	assert_int_equal(rv_int(t, "csat_count"), 2);
	assert_string_equal(rv_str(t, "csat_avg"), "3.50");
	assert_string_equal(rv_str(t, "csat_satisfied"), "50.0");
	/* The one row is the total. */
	assert_string_equal(rv_str(rv_row(&top, 0), "service_level"), "50.0");
	rv_free(&top);
}

static void
test_sla_by_tier(void **state)
{
	struct rv	 top;
	const struct rv	*r;

	run(REPORT_SLA, REPORT_BY_TIER, "", 0, &top);
	assert_string_equal(rv_str(&top, "by"), "tier");
	assert_int_equal(rv_get(&top, "rows")->n, 2);
	r = rv_row(&top, 0);
	assert_string_equal(rv_str(r, "tier"), "gold");
	assert_string_equal(rv_str(r, "service_level"), "100.0");
	assert_int_equal(rv_int(r, "handled"), 1);
	assert_int_equal(rv_int(r, "aht_ms"), 100 * S);
	assert_string_equal(rv_str(r, "csat_avg"), "-");
	r = rv_row(&top, 1);
	assert_string_equal(rv_str(r, "tier"), "standard");
	/* 2 in target / (3 answered + 2 abandoned) */
	assert_string_equal(rv_str(r, "service_level"), "40.0");
	assert_int_equal(rv_int(r, "asa_ms"), 30 * S);	/* 90 s / 3 */
	assert_string_equal(rv_str(r, "abandon_rate"), "40.0");
	assert_int_equal(rv_int(r, "csat_count"), 2);
	rv_free(&top);
}

static void
test_queues_by_hour(void **state)
{
	struct rv	 top;
	const struct rv	*r;

	run(REPORT_QUEUES, REPORT_BY_HOUR, "billing", 0, &top);
	assert_string_equal(rv_str(&top, "queue"), "billing");
	assert_int_equal(rv_get(&top, "rows")->n, 2);
	r = rv_row(&top, 0);
	assert_string_equal(rv_str(r, "queue"), "billing");
	assert_int_equal(rv_int(r, "hour"), H0);
	/* 1 in target / (2 answered + 1 abandoned) */
	assert_string_equal(rv_str(r, "service_level"), "33.3");
	assert_int_equal(rv_int(r, "short_abandoned"), 1);
	assert_string_equal(rv_str(r, "csat_avg"), "3.50");
	r = rv_row(&top, 1);
	assert_int_equal(rv_int(r, "hour"), H0 + H);
	assert_string_equal(rv_str(r, "service_level"), "100.0");
	assert_int_equal(rv_int(r, "transfers"), 1);
	assert_int_equal(rv_int(rv_get(&top, "total"), "answered"), 3);
	rv_free(&top);
	/* Every queue: billing, then tech. */
	run(REPORT_QUEUES, REPORT_BY_NONE, "", 0, &top);
	assert_int_equal(rv_get(&top, "rows")->n, 2);
	r = rv_row(&top, 1);
	assert_string_equal(rv_str(r, "queue"), "tech");
	assert_string_equal(rv_str(r, "service_level"), "50.0");
	rv_free(&top);
}

static void
test_agents(void **state)
{
	struct rv	 top;
	const struct rv	*r;

	run(REPORT_AGENTS, REPORT_BY_NONE, "", 0, &top);
	assert_int_equal(rv_get(&top, "rows")->n, 2);
	r = rv_row(&top, 0);
	assert_string_equal(rv_str(r, "agent"), "ann");
	assert_int_equal(rv_int(r, "answered"), 2);
	assert_int_equal(rv_int(r, "handled"), 2);
	assert_int_equal(rv_int(r, "aht_ms"), 200 * S);
	assert_int_equal(rv_int(r, "handle_ms"), 400 * S);
	assert_int_equal(rv_int(r, "transfers"), 1);
	assert_int_equal(rv_int(r, "rejected"), 1);
	assert_int_equal(rv_int(r, "missed"), 0);
	assert_string_equal(rv_str(r, "csat_avg"), "5.00");
	/* Ready 0-45 (cut at FROM) and 75-120 (open, cut at TO). */
	assert_int_equal(rv_int(r, "time_ready_ms"), 90 * MIN);
	assert_int_equal(rv_int(r, "time_break_ms"), 30 * MIN);
	assert_int_equal(rv_int(r, "time_break.lunch_ms"), 30 * MIN);
	assert_int_equal(rv_int(r, "time_wrapup_ms"), 0);
	r = rv_row(&top, 1);
	assert_string_equal(rv_str(r, "agent"), "bob");
	assert_int_equal(rv_int(r, "answered"), 2);
	assert_int_equal(rv_int(r, "missed"), 1);
	assert_string_equal(rv_str(r, "csat_avg"), "2.00");
	assert_int_equal(rv_int(r, "time_wrapup_ms"), 1 * MIN);
	assert_int_equal(rv_int(r, "time_ready_ms"), 0);
	r = rv_get(&top, "total");
	assert_int_equal(rv_int(r, "time_ready_ms"), 90 * MIN);
	assert_int_equal(rv_int(r, "answered"), 4);
	rv_free(&top);
}

static void
test_agents_by_hour(void **state)
{
	struct rv	 top;
	const struct rv	*r;

	run(REPORT_AGENTS, REPORT_BY_HOUR, "", 0, &top);
	assert_int_equal(rv_get(&top, "rows")->n, 4);
	r = rv_row(&top, 0);
	assert_string_equal(rv_str(r, "agent"), "ann");
	assert_int_equal(rv_int(r, "hour"), H0);
	assert_int_equal(rv_int(r, "time_ready_ms"), 45 * MIN);
	assert_int_equal(rv_int(r, "time_break_ms"), 15 * MIN);
	r = rv_row(&top, 1);
	assert_int_equal(rv_int(r, "hour"), H0 + H);
	assert_int_equal(rv_int(r, "time_ready_ms"), 45 * MIN);
	assert_int_equal(rv_int(r, "time_break_ms"), 15 * MIN);
	assert_int_equal(rv_int(r, "handled"), 1);
	r = rv_row(&top, 3);
	assert_string_equal(rv_str(r, "agent"), "bob");
	assert_int_equal(rv_int(r, "hour"), H0 + H);
	assert_int_equal(rv_int(r, "time_wrapup_ms"), 1 * MIN);
	rv_free(&top);
	/* A queue filter leaves agents' time out: it belongs to no queue. */
	run(REPORT_AGENTS, REPORT_BY_NONE, "tech", 0, &top);
	assert_int_equal(rv_get(&top, "rows")->n, 1);
	r = rv_row(&top, 0);
	assert_string_equal(rv_str(r, "agent"), "bob");
	assert_int_equal(rv_int(r, "answered"), 1);
	assert_int_equal(rv_int(r, "time_wrapup_ms"), 0);
	rv_free(&top);
}

/* The journal is complete from 30 min on: the report starts there. */
static void
test_data_from(void **state)
{
	struct rv	 top;
	const struct rv	*t;

	run(REPORT_SLA, REPORT_BY_NONE, "", H0 + 30 * MIN, &top);
	assert_int_equal(rv_int(&top, "from"), H0 + 30 * MIN);
	assert_int_equal(rv_int(&top, "requested_from"), H0);
	assert_int_equal(rv_int(&top, "data_from"), H0 + 30 * MIN);
	assert_int_equal(rv_int(&top, "partial"), 1);
	t = rv_get(&top, "total");
	assert_int_equal(rv_int(t, "answered"), 2);	/* 70 and 90 */
	assert_int_equal(rv_int(t, "abandoned"), 2);	/* 30 and 95 */
	assert_string_equal(rv_str(t, "service_level"), "50.0");
	rv_free(&top);
}

static void
test_row_limit(void **state)
{
	struct report_req	 req;
	struct report_agg	*g;
	struct report_fact	 f;
	char			 name[32];
	int			 i, rc = 0;

	memset(&req, 0, sizeof req);
	req.kind = REPORT_SLA;
	req.by = REPORT_BY_AGENT;
	req.to = 1000;
	g = report_agg_new(&req, 0);
	memset(&f, 0, sizeof f);
	f.kind = FACT_MISSED;
	f.queue = f.tier = f.detail = "";
	f.agent = name;
	for (i = 0; i <= REPORT_MAX_ROWS && rc == 0; i++) {
		snprintf(name, sizeof name, "a%d", i);
		rc = report_agg_add(g, &f);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(i, REPORT_MAX_ROWS + 1);
	report_agg_free(g);
}

/* An engine, its journal and a store, as the daemon wires them. */
static char	dir[] = "/tmp/hotline-report-XXXXXX";

struct rig {
	struct store		*st;
	struct journal		*j;
	struct engine		*e;
	struct tier_def		 tiers[2];
	struct queue_def	 queues[2];
	struct engine_config	 cfg;
	hl_ms			 now;
};

static struct engine *
rig_engine(struct rig *r)
{
	struct engine	*e;
	char		 err[STORE_ERRMAX];

	if ((e = engine_new(&r->cfg, journal_emit, r->j)) == NULL)
		fail_msg("engine_new");
	if (store_load(r->st, e, err) != 0 ||
	    store_load_sl(r->st, e, r->now - 24 * H, err) != 0)
		fail_msg("load: %s", err);
	engine_restore_done(e, r->now);
	return (e);
}

static void
rig_open(struct rig *r)
{
	char	err[STORE_ERRMAX];
	int	i;

	memset(r, 0, sizeof *r);
	for (i = 0; i < 2; i++) {
		snprintf(r->tiers[i].name, ENGINE_NAME_MAX, "%s",
		    i ? "gold" : "standard");
		r->tiers[i].nsteps = 1;
		r->tiers[i].steps[0].kind = STEP_SKILLED;
		snprintf(r->queues[i].name, ENGINE_NAME_MAX, "%s",
		    i ? "tech" : "billing");
		r->queues[i].offer_timeout = 30 * S;
	}
	r->cfg.tiers = r->tiers;
	r->cfg.ntiers = 2;
	r->cfg.queues = r->queues;
	r->cfg.nqueues = 2;
	r->cfg.short_abandon = 5 * S;
	r->now = H0;
	if ((r->st = store_open(dir, 0, err)) == NULL)
		fail_msg("store_open: %s", err);
	r->j = journal_new();
	r->e = rig_engine(r);
}

static void
rig_commit(struct rig *r)
{
	char	err[STORE_ERRMAX];

	if (journal_commit(r->j, r->st, r->e, err) != 0)
		fail_msg("commit: %s", err);
}

static void
rig_close(struct rig *r)
{
	engine_free(r->e);
	journal_free(r->j);
	store_close(r->st);
}

static void
ok(int rc, const char *err)
{
	if (rc != ENGINE_OK)
		fail_msg("%s", err);
}

static uint64_t
rig_ticket(struct rig *r, const char *queue, const char *customer)
{
	struct ticket_create	tc;
	struct actor		op = { "op", ROLE_INTEGRATION };
	char			err[ENGINE_ERRMAX];
	uint64_t		id;

	memset(&tc, 0, sizeof tc);
	tc.queue = queue;
	tc.customer = customer;
	ok(engine_ticket_create(r->e, r->now, &op, &tc, &id, err, sizeof err),
	    err);
	return (id);
}

static long long
sql_int(struct rig *r, const char *sql)
{
	char		 path[512];
	sqlite3		*db;
	sqlite3_stmt	*s;
	long long	 v = -1;

	snprintf(path, sizeof path, "%s/hotline.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return (v);
}

static int
setup(void **state)
{
	strcpy(dir, "/tmp/hotline-report-XXXXXX");
	return (mkdtemp(dir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	char	cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return (system(cmd) == 0 ? 0 : -1);
}

/*
 * A day's work through engine, journal and store: the facts sit beside
 * their events, plaintext and exact; QUEUE STATS of a restarted daemon
 * equals the live one's; retention deletes closed tickets with their
 * events and facts, never an open one, and says from when the reports
 * are complete.
 */
static void
test_journaled_facts_and_retention(void **state)
{
	struct rig		 r;
	struct actor		 ann = { "ann", ROLE_AGENT };
	struct agent_update	 u;
	struct skill		 sk[1] = { { "billing", 3 } };
	struct queue_stats	 live, back;
	struct store_pruned	 p;
	char			 err[STORE_ERRMAX];
	uint64_t		 old, open, gone, recent;
	int64_t			 seq;

	rig_open(&r);
	memset(&u, 0, sizeof u);
	u.skills = sk;
	u.nskills = 1;
	journal_put_user(r.j, "ann", "-", ROLE_AGENT, r.now);
	ok(engine_agent_add(r.e, r.now, NULL, "ann", &u, err, sizeof err), err);
	ok(engine_agent_ready(r.e, r.now, &ann, "ann", err, sizeof err), err);
	old = rig_ticket(&r, "billing", "c1");		/* offered to ann */
	open = rig_ticket(&r, "tech", "c2");		/* nobody for tech */
	gone = rig_ticket(&r, "billing", "c3");
	r.now += 8 * S;
	ok(engine_ticket_accept(r.e, r.now, &ann, old, err, sizeof err), err);
	r.now += 60 * S;
	ok(engine_ticket_resolve(r.e, r.now, &ann, old, "", err, sizeof err),
	    err);
	ok(engine_ticket_close(r.e, r.now, &ann, old, err, sizeof err), err);
	ok(engine_ticket_abandon(r.e, r.now, NULL, gone, err, sizeof err), err);
	r.now += 2 * S;
	ok(engine_agent_break(r.e, r.now, &ann, "ann", "lunch", err,
	    sizeof err), err);
	r.now += 30 * S;
	ok(engine_agent_ready(r.e, r.now, &ann, "ann", err, sizeof err), err);
	rig_commit(&r);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM facts WHERE kind = "
	    "'status' AND detail = 'break:lunch' AND value = 30000"), 1);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM facts WHERE "
	    "kind = 'answered' AND value = 8000 AND flag = 1 AND queue = "
	    "'billing' AND agent = 'ann'"), 1);
	assert_int_equal(sql_int(&r, "SELECT value FROM facts WHERE kind = "
	    "'handled'"), 60 * S);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM facts WHERE kind = "
	    "'abandoned' AND value = 68000"), 1);
	/* Each fact is its event's: same seq and time. */
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM facts f JOIN "
	    "events e ON e.seq = f.seq AND e.time_ms = f.time_ms AND "
	    "e.type = 'ticket.resolved'"), 1);
	engine_queue_stats(r.e, "billing", r.now, &live);

	/* A restart rebuilds QUEUE STATS from the facts. */
	engine_free(r.e);
	r.e = rig_engine(&r);
	engine_queue_stats(r.e, "billing", r.now, &back);
	assert_memory_equal(live.sl_today, back.sl_today,
	    sizeof live.sl_today);
	assert_memory_equal(live.sl_1h, back.sl_1h, sizeof live.sl_1h);
	assert_int_equal(back.sl_today[0].answered, 1);
	assert_int_equal(back.sl_today[0].abandoned, 1);

	/* A month later, one more closed ticket; then keep 10 days. */
	r.now += 30 * 24 * H;
	ok(engine_agent_ready(r.e, r.now, &ann, "ann", err, sizeof err), err);
	recent = rig_ticket(&r, "billing", "c4");
	ok(engine_ticket_accept(r.e, r.now, &ann, recent, err, sizeof err),
	    err);
	ok(engine_ticket_resolve(r.e, r.now, &ann, recent, "", err, sizeof err),
	    err);
	ok(engine_ticket_close(r.e, r.now, &ann, recent, err, sizeof err), err);
	rig_commit(&r);
	seq = store_last_seq(r.st);
	assert_int_equal(store_data_from(r.st), 0);
	assert_int_equal(old, 1);
	assert_int_equal(gone, 3);
	assert_int_equal(store_prune(r.st, r.now - 10 * 24 * H, 1, &p, err),
	    0);
	assert_int_equal(p.tickets, 1);		/* the batch holds one */
	assert_true(p.more);
	assert_int_equal(store_prune(r.st, r.now - 10 * 24 * H, 100, &p, err),
	    0);
	assert_int_equal(p.tickets, 1);
	assert_false(p.more);
	assert_int_equal(store_data_from(r.st), r.now - 10 * 24 * H);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM tickets"), 2);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM tickets WHERE "
	    "id IN (1, 3)"), 0);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM events WHERE "
	    "ticket IN (1, 3)"), 0);
	assert_true(sql_int(&r, "SELECT count(*) FROM events WHERE "
	    "ticket = 2") > 0);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM facts WHERE "
	    "kind <> 'status' AND time_ms < (SELECT value FROM meta WHERE "
	    "key = 'pruned_before')"), 0);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM facts WHERE "
	    "kind = 'status' AND time_ms < (SELECT value FROM meta WHERE "
	    "key = 'pruned_before')"), 0);
	assert_int_equal(sql_int(&r, "SELECT count(*) FROM facts WHERE "
	    "kind = 'handled'"), 1);
	assert_non_null(engine_ticket_get(r.e, open));
	/* Seqs of pruned events are not issued again after a restart. */
	engine_free(r.e);
	journal_free(r.j);
	store_close(r.st);
	r.st = store_open(dir, 0, err);
	assert_non_null(r.st);
	assert_int_equal(store_last_seq(r.st), seq);
	r.j = journal_new();
	r.e = rig_engine(&r);
	assert_non_null(engine_ticket_get(r.e, open));
	rig_close(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sla_total),
		cmocka_unit_test(test_sla_by_tier),
		cmocka_unit_test(test_queues_by_hour),
		cmocka_unit_test(test_agents),
		cmocka_unit_test(test_agents_by_hour),
		cmocka_unit_test(test_data_from),
		cmocka_unit_test(test_row_limit),
		cmocka_unit_test_setup_teardown(
		    test_journaled_facts_and_retention, setup, teardown),
	};

	return (cmocka_run_group_tests_name("report", tests, NULL, NULL));
}
