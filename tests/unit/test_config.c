/* Unit tests of the configuration parser (daemon/config/config.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_test.h"

/* The shared helpers (config_test.c), under the names used here. */
#define load		config_test_load
#define expect_error	config_test_error

static const char base[] =
    "[server]\n"
    "port = 7171\n"
    "durability = full\n"
    "[limits]\n"
    "max_inline = 1kb\n"
    "max_bulk = 2mb\n"
    "idle_timeout = 90s\n"
    "[tier standard]\n"
    "priority = 0\n"
    "[tier diamond]\n"
    "priority = 300\n"
    "ladder = manager 20s, group vip 30s, skilled\n"
    "[queue billing]\n"
    "strategy = top-skill\n"
    "wrapup = 1500ms\n"
    "overflow = general\n"
    "[queue general]\n"
    "[user alice]\n"
    "role = supervisor\n"
    "skills = billing:5, general\n"
    "groups = vip\n"
    "capacity = 2\n";

static void
test_full_file(void **state)
{
	char		 err[CONFIG_ERRMAX] = "";
	int		 rc;
	struct config	*cfg = load(base, err, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(cfg->port, 7171);
	assert_int_equal(cfg->durability, DURABILITY_FULL);
	assert_int_equal(cfg->max_inline, 1024);
	assert_int_equal(cfg->max_bulk, 2 * 1024 * 1024);
	assert_int_equal(cfg->idle_timeout, 90000);
	assert_int_equal(cfg->ntiers, 2);
	assert_string_equal(cfg->tiers[1].name, "diamond");
	assert_int_equal(cfg->tiers[1].base_priority, 300);
	assert_int_equal(cfg->tiers[1].nsteps, 3);
	assert_int_equal(cfg->tiers[1].steps[0].kind, STEP_MANAGER);
	assert_int_equal(cfg->tiers[1].steps[0].duration, 20000);
	assert_int_equal(cfg->tiers[1].steps[1].kind, STEP_GROUP);
	assert_string_equal(cfg->tiers[1].steps[1].group, "vip");
	assert_int_equal(cfg->tiers[1].steps[1].duration, 30000);
	assert_int_equal(cfg->tiers[1].steps[2].kind, STEP_SKILLED);
	/* A tier without a ladder routes to any skilled agent. */
	assert_int_equal(cfg->tiers[0].nsteps, 1);
	assert_int_equal(cfg->tiers[0].steps[0].kind, STEP_SKILLED);
	assert_int_equal(cfg->nqueues, 2);
	assert_int_equal(cfg->queues[0].strategy, STRATEGY_TOP_SKILL);
	assert_int_equal(cfg->queues[0].wrapup, 1500);
	assert_string_equal(cfg->queues[0].overflow, "general");
	assert_int_equal(cfg->queues[1].strategy, STRATEGY_LONGEST_IDLE);
	assert_int_equal(cfg->nusers, 1);
	assert_int_equal(cfg->users[0].role, ROLE_SUPERVISOR);
	assert_int_equal(cfg->users[0].nskills, 2);
	assert_string_equal(cfg->users[0].skills[0].queue, "billing");
	assert_int_equal(cfg->users[0].skills[0].level, 5);
	assert_int_equal(cfg->users[0].skills[1].level, 1);
	assert_int_equal(cfg->users[0].ngroups, 1);
	assert_int_equal(cfg->users[0].capacity, 2);
	free(cfg);
}

static void
test_errors(void **state)
{
	expect_error("[server]\nport = 70000\n", "test.conf:2:", "port");
	expect_error("[server]\nbogus = 1\n", "test.conf:2:", "unknown key");
	expect_error("port = 1\n", "test.conf:1:", "outside any section");
	expect_error("[nonsense]\n", "test.conf:1:", "unknown section");
	expect_error("[tier a]\n[tier a]\n", "test.conf:2:", "defined twice");
	expect_error("[tier a]\nladder = manager soon\n", "test.conf:2:",
	    "duration");
	expect_error("[tier a]\nladder = teleport\n", "test.conf:2:",
	    "bad ladder step");
	expect_error("[tier a]\n[queue q]\nstrategy = fastest\n",
	    "test.conf:3:", "unknown strategy");
	expect_error("[tier a]\n[queue q]\noverflow = nowhere\n", "test.conf",
	    "overflow");
	expect_error("[tier a]\n[queue q]\n[user u]\nskills = r:9\n",
	    "test.conf:4:", "skills");
	expect_error("[tier a]\n[queue q]\n[user u]\nskills = other:2\n",
	    "test.conf", "unknown queue");
	expect_error("[tier a]\n[queue q]\n[user u]\nrole = king\n",
	    "test.conf:4:", "unknown role");
	expect_error("[tier a]\n[queue q]\n[user u]\npassword_hash = x\n",
	    "test.conf:4:", "Argon2id");
	expect_error("[server]\ndurability = sometimes\n", "test.conf:2:",
	    "durability");
	expect_error("[server]\nno equals sign\n", "test.conf:2:",
	    "key = value");
	expect_error("[queue q]\n", "test.conf", "no [tier");
	expect_error("[tier t]\n", "test.conf", "no [queue");
	expect_error("[retention]\nkeep = a year\n", "test.conf:2:", "keep");
	expect_error("[retention]\nbatch = 0\n", "test.conf:2:", "batch");
	expect_error("[retention]\ninterval = 5ms\n", "test.conf:2:",
	    "interval");
	expect_error("[retention]\nforever = yes\n", "test.conf:2:",
	    "unknown key 'forever' in [retention]");
}

/* Retention keeps everything unless told how long. */
static void
test_retention(void **state)
{
	char		 err[CONFIG_ERRMAX] = "";
	int		 rc;
	struct config	*cfg = load(base, err, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(cfg->retention_keep, 0);
	assert_int_equal(cfg->retention_batch, 200);
	assert_int_equal(cfg->retention_interval, 60000);
	free(cfg);
	cfg = load("[retention]\nkeep = 400d\nbatch = 50\ninterval = 2s\n"
	    "[tier t]\n[queue q]\n", err, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(cfg->retention_keep, 400LL * 86400 * 1000);
	assert_int_equal(cfg->retention_batch, 50);
	assert_int_equal(cfg->retention_interval, 2000);
	free(cfg);
}

static void
test_values(void **state)
{
	hl_ms	ms;
	size_t	sz;
	int	b;

	assert_int_equal(config_parse_duration("250ms", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(config_parse_duration("20", &ms), 0);
	assert_int_equal(ms, 20000);
	assert_int_equal(config_parse_duration("5m", &ms), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(config_parse_duration("2h", &ms), 0);
	assert_int_equal(ms, 7200000);
	assert_int_equal(config_parse_duration("-1s", &ms), -1);
	assert_int_equal(config_parse_duration("5 weeks", &ms), -1);
	assert_int_equal(config_parse_duration("", &ms), -1);
	assert_int_equal(config_parse_size("64kb", &sz), 0);
	assert_int_equal(sz, 65536);
	assert_int_equal(config_parse_size("1GB", &sz), 0);
	assert_int_equal(sz, 1024UL * 1024 * 1024);
	assert_int_equal(config_parse_size("-5", &sz), -1);
	assert_int_equal(config_parse_size("12 parsecs", &sz), -1);
	assert_int_equal(config_parse_bool("yes", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(config_parse_bool("off", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(config_parse_bool("maybe", &b), -1);
}

static void
test_calendars_and_slas(void **state)
{
	static const char text[] =
	    "[tier standard]\n[tier diamond]\n"
	    "[queue general]\n"
	    "[queue billing]\ncalendar = office\nanswer_clock = business\n"
	    "[calendar office]\ntimezone = Europe/Paris\n"
	    "mon-fri = 09:00-12:00, 13:00-18:00\nsat = 10:00-24:00\n"
	    "holidays = 12-25, 2026-05-14\n"
	    "[sla diamond billing]\nanswer = 10s\n"
	    "[sla diamond]\nanswer = 20s\nresolve = 4h\nwarning = 75%\n"
	    "step = answer 50% notify\n"
	    "step = answer 100% boost 200, page\n"
	    "step = resolve 2h overflow general\n";
	char		 err[CONFIG_ERRMAX] = "";
	int		 rc;
	struct config	*cfg = load(text, err, &rc);
	const struct sla_policy *q, *t;

	if (rc != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg->ncalendars, 1);
	assert_string_equal(cfg->calendars[0].name, "office");
	assert_true(cfg->calendars[0].zone.n > 0);	/* a real zone */
	assert_int_equal(cfg->calendars[0].nspans[0], 2);	/* Monday */
	assert_int_equal(cfg->calendars[0].week[5][0].end_min, 1440);
	assert_int_equal(cfg->calendars[0].nspans[6], 0);	/* Sunday */
	assert_int_equal(cfg->calendars[0].nyearly, 1);
	assert_int_equal(cfg->calendars[0].noneoff, 1);
	assert_string_equal(cfg->queues[1].calendar, "office");
	assert_int_equal(cfg->queues[1].answer_business, 1);
	assert_int_equal(cfg->nslas, 2);
	q = &cfg->slas[0];
	t = &cfg->slas[1];
	assert_string_equal(t->tier, "diamond");
	assert_int_equal(t->answer, 20000);
	assert_int_equal(t->resolve, 4 * 3600 * 1000);
	assert_int_equal(t->warning, 75);
	assert_int_equal(t->nsteps, 3);
	assert_int_equal(t->steps[0].clock, SLA_ANSWER);
	assert_int_equal(t->steps[0].percent, 50);
	assert_int_equal(t->steps[0].actions, SLA_NOTIFY);
	assert_int_equal(t->steps[1].actions, SLA_BOOST | SLA_PAGE);
	assert_int_equal(t->steps[1].boost, 200);
	assert_int_equal(t->steps[2].clock, SLA_RESOLVE);
	assert_int_equal(t->steps[2].percent, 0);
	assert_int_equal(t->steps[2].after, 2 * 3600 * 1000);
	assert_string_equal(t->steps[2].overflow, "general");
	/* [sla diamond billing] sets answer and takes the rest. */
	assert_string_equal(q->queue, "billing");
	assert_int_equal(q->answer, 10000);
	assert_int_equal(q->resolve, 4 * 3600 * 1000);
	assert_int_equal(q->warning, 75);
	assert_int_equal(q->nsteps, 3);
	config_free(cfg);
	free(cfg);
}

static void
test_sla_errors(void **state)
{
	expect_error("[tier t]\n[queue q]\n[calendar c]\n"
	    "timezone = Mars/Olympus\n", "test.conf:4:", "Mars/Olympus");
	expect_error("[tier t]\n[queue q]\n[calendar c]\n"
	    "mon = 09:00-25:00\n", "test.conf:4:", "25:00");
	expect_error("[tier t]\n[queue q]\n[calendar c]\n"
	    "funday = 09:00-10:00\n", "test.conf:4:", "funday");
	expect_error("[tier t]\n[queue q]\ncalendar = nope\n", "test.conf",
	    "unknown calendar");
	expect_error("[tier t]\n[queue q]\n[sla t]\nwarning = 120%\n",
	    "test.conf:4:", "warning");
	expect_error("[tier t]\n[queue q]\n[sla t]\nstep = answer 50%\n",
	    "test.conf:4:", "expected");
	expect_error("[tier t]\n[queue q]\n[sla t]\n"
	    "step = answer 50% explode\n", "test.conf:4:", "bad action");
	expect_error("[tier t]\n[queue q]\n[sla t]\n"
	    "step = answer 50% overflow elsewhere\n", "test.conf",
	    "unknown queue");
	expect_error("[tier t]\n[queue q]\n[sla gold]\n", "test.conf",
	    "unknown tier");
	expect_error("[tier t]\n[queue q]\n[queue q2]\nanswer_clock = "
	    "sometimes\n", "test.conf:4:", "answer_clock");
}

/* [insight], [followup NAME] and conditional ladder steps. */
static void
test_insight_and_followups(void **state)
{
	char			 err[CONFIG_ERRMAX] = "";
	int			 rc;
	struct config		*cfg;
	const struct followup_rule *r;

	cfg = load("[tier standard]\n"
	    "ladder = group senior 1m if complaints >= 2, "
	    "group vip 20s IF repeat, group x 5s if complaints 3, skilled\n"
	    "[tier gold]\n"
	    "[queue general]\n[queue gripes]\n"
	    "[insight]\nrepeat_window = 2d\ncomplaints_queue = gripes\n"
	    "[followup best]\ntiers = gold\nsegments = family, enterprise\n"
	    "queue = general\ndelay = 90m\ndispositions = fixed, refunded\n"
	    "skip_dispositions = spam\nsubject = \"How did we do?\"\n"
	    "priority = 50\n"
	    "[followup all]\nsegments = individual\nqueue = gripes\n",
	    err, &rc);
	if (rc != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg->tiers[0].nsteps, 4);
	assert_int_equal(cfg->tiers[0].steps[0].cond, STEP_IF_COMPLAINTS);
	assert_int_equal(cfg->tiers[0].steps[0].cond_min, 2);
	assert_int_equal(cfg->tiers[0].steps[0].duration, 60000);
	assert_string_equal(cfg->tiers[0].steps[0].group, "senior");
	assert_int_equal(cfg->tiers[0].steps[1].cond, STEP_IF_REPEAT);
	assert_int_equal(cfg->tiers[0].steps[2].cond_min, 3);
	assert_int_equal(cfg->tiers[0].steps[3].cond, STEP_ALWAYS);
	assert_int_equal(cfg->repeat_window, 2 * 86400000LL);
	assert_string_equal(cfg->complaints_queue, "gripes");
	assert_int_equal(cfg->nfollowups, 2);
	r = &cfg->followups[0];
	assert_string_equal(r->name, "best");
	assert_int_equal(r->ntiers, 1);
	assert_string_equal(r->tiers[0], "gold");
	assert_int_equal(r->segments, (1u << SEGMENT_FAMILY) |
	    (1u << SEGMENT_ENTERPRISE));
	assert_string_equal(r->queue, "general");
	assert_int_equal(r->delay, 90 * 60000);
	assert_int_equal(r->nonly, 2);
	assert_string_equal(r->only[1], "refunded");
	assert_int_equal(r->nskip, 1);
	assert_string_equal(r->subject, "How did we do?");
	assert_int_equal(r->priority, 50);
	r = &cfg->followups[1];
	assert_int_equal(r->delay, 86400000);	/* default: a day */
	assert_int_equal(r->segments, 1u << SEGMENT_INDIVIDUAL);
	free(cfg);

	/* Defaults: a week, the queue named complaints, no rules. */
	cfg = load(base, err, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(cfg->repeat_window, 7 * 86400000LL);
	assert_string_equal(cfg->complaints_queue, "complaints");
	assert_int_equal(cfg->nfollowups, 0);
	free(cfg);
}

static void
test_insight_errors(void **state)
{
	expect_error("[tier t]\nladder = group g 5s if complaints >= 0, "
	    "skilled\n[queue q]\n", "test.conf:2:", "ladder condition");
	expect_error("[tier t]\nladder = group g 5s if angry, skilled\n"
	    "[queue q]\n", "test.conf:2:", "ladder condition");
	expect_error("[tier t]\nladder = group g 5s, skilled if repeat\n"
	    "[queue q]\n", "test.conf:2:", "last ladder step");
	expect_error("[tier t]\nladder = if repeat, skilled\n[queue q]\n",
	    "test.conf:2:", "without a kind");
	expect_error("[tier t]\n[queue q]\n[insight]\nrepeat_window = "
	    "often\n", "test.conf:4:", "repeat_window");
	expect_error("[tier t]\n[queue q]\n[insight]\ncolour = red\n",
	    "test.conf:4:", "unknown key");
	expect_error("[tier t]\n[queue q]\n[insight]\ncomplaints_queue = "
	    "gripes\n", "test.conf", "not a queue");
	expect_error("[tier t]\n[queue q]\n[followup f]\ntiers = t\n",
	    "test.conf", "no queue");
	expect_error("[tier t]\n[queue q]\n[followup f]\ntiers = t\n"
	    "queue = elsewhere\n", "test.conf", "unknown queue");
	expect_error("[tier t]\n[queue q]\n[followup f]\nqueue = q\n",
	    "test.conf", "no tier and no segment");
	expect_error("[tier t]\n[queue q]\n[followup f]\nqueue = q\n"
	    "tiers = gold\n", "test.conf", "unknown tier");
	expect_error("[tier t]\n[queue q]\n[followup f]\nsegments = "
	    "aliens\n", "test.conf:4:", "unknown segment");
	expect_error("[tier t]\n[queue q]\n[followup f]\ndelay = soon\n",
	    "test.conf:4:", "delay");
	expect_error("[tier t]\n[queue q]\n[followup f]\npriority = 5000\n",
	    "test.conf:4:", "priority");
	expect_error("[tier t]\n[queue q]\n[followup f]\nwhen = later\n",
	    "test.conf:4:", "unknown key");
	expect_error("[tier t]\n[queue q]\n[followup f]\n[followup f]\n",
	    "test.conf:4:", "defined twice");
	expect_error("[tier t]\n[queue q]\n[followup f]\ndispositions = "
	    "a,b,c,d,e,f,g,h,i\n", "test.conf:4:", "dispositions");
}

/*
 * Every error path of the parser, with the whole message it must print:
 * an error that prints what nothing set (the timezone 'why' did) or a
 * truncated reason fails here.
 */
#define TQ	"[tier t]\n[queue q]\n"
#define SPACES33 "                                 "
static const struct {
	const char	*text;
	const char	*err;
} bad_files[] = {
	/* config.c: lines and sections */
	{ "[server\n", "test.conf:1: bad section header" },
	{ "[server] x\n", "test.conf:1: bad section header" },
	{ "[server]\nport\n", "test.conf:2: expected 'key = value'" },
	{ "port = 1\n", "test.conf:1: 'port' outside any section" },
	{ "[server]\nbind = caf\xc3\n",
	  "test.conf:2: line is not valid UTF-8" },
	{ "[nonsense]\n", "test.conf:1: unknown section [nonsense]" },
	{ "[tier a b]\n", "test.conf:1: bad tier name 'a b': tier name holds "
	  "a space, comma, colon, bracket, quote or backslash" },
	{ "[queue a,b]\n", "test.conf:1: bad queue name 'a,b': queue name "
	  "holds a space, comma, colon, bracket, quote or backslash" },
	{ "[user \x1b[31m]\n", "test.conf:1: bad user name '\x1b[31m': user "
	  "name holds a control character" },
	{ "[user e\x1bvil]\n", "test.conf:1: bad user name 'e\x1bvil': user "
	  "name holds a control character" },
	{ "[user "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n",
	  "test.conf:1: bad user name "
	  "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': "
	  "user name is longer than 63 bytes" },
	{ "[tier a]\n[tier a]\n", "test.conf:2: tier 'a' defined twice" },
	{ "[queue a]\n[queue a]\n", "test.conf:2: queue 'a' defined twice" },
	{ "[user a]\n[user a]\n", "test.conf:2: user 'a' defined twice" },
	/* [server], [limits], [auth], [http], [retention], [routing] */
	{ "[server]\nport = 70000\n", "test.conf:2: bad value '70000' for "
	  "port" },
	{ "[server]\ndata_dir = \"\"\n", "test.conf:2: bad value '' for "
	  "data_dir" },
	{ "[server]\ndurability = sometimes\n", "test.conf:2: durability "
	  "must be 'normal' or 'full', not 'sometimes'" },
	{ "[server]\nlog_level = loud\n", "test.conf:2: bad value 'loud' for "
	  "log_level" },
	{ "[server]\ndaemonize = perhaps\n", "test.conf:2: bad value "
	  "'perhaps' for daemonize" },
	{ "[server]\nbogus = 1\n", "test.conf:2: unknown key 'bogus' in "
	  "[server]" },
	{ "[limits]\nmax_args = 1\n", "test.conf:2: bad value '1' for "
	  "max_args" },
	{ "[limits]\nmax_inline = 10\n", "test.conf:2: bad value '10' for "
	  "max_inline" },
	{ "[limits]\nidle_timeout = -1\n", "test.conf:2: bad value '-1' for "
	  "idle_timeout" },
	{ "[limits]\nmax_rss = 1\n", "test.conf:2: unknown key 'max_rss' in "
	  "[limits]" },
	{ "[auth]\nlock_after = -1\n", "test.conf:2: bad value '-1' for "
	  "lock_after" },
	{ "[auth]\nmfa = yes\n", "test.conf:2: unknown key 'mfa' in [auth]" },
	{ "[http]\nport = http\n", "test.conf:2: bad value 'http' for port" },
	{ "[http]\ntls = yes\n", "test.conf:2: unknown key 'tls' in [http]" },
	{ "[retention]\nkeep = a year\n", "test.conf:2: bad value 'a year' "
	  "for keep" },
	{ "[routing]\nreject_cooldown = 1y\n", "test.conf:2: bad value '1y' "
	  "for reject_cooldown" },
	{ "[routing]\nfairness = 1\n", "test.conf:2: unknown key 'fairness' "
	  "in [routing]" },
	/* [tier]: ladders */
	{ "[tier a]\npriority = high\n", "test.conf:2: bad value 'high' for "
	  "priority" },
	{ "[tier a]\nladder = manager soon\n", "test.conf:2: tier a: bad "
	  "ladder step duration 'soon'" },
	{ "[tier a]\nladder = teleport\n", "test.conf:2: tier a: bad ladder "
	  "step 'teleport' (expected 'manager DURATION', 'group NAME "
	  "DURATION' or 'skilled', optionally followed by 'if repeat' or "
	  "'if complaints >= N')" },
	{ "[tier a]\nladder = group \"x 5s, skilled\n", "test.conf:2: tier a: "
	  "bad group name '\"x'" },
	{ "[tier a]\nladder = ,\n", "test.conf:2: tier a: empty ladder" },
	{ "[tier a]\nladder = skilled, skilled, skilled, skilled, skilled, "
	  "skilled, skilled, skilled, skilled\n", "test.conf:2: tier a: more "
	  "than 8 ladder steps" },
	{ "[tier a]\nladder = if repeat, skilled\n", "test.conf:2: tier a: "
	  "ladder step without a kind before 'if'" },
	{ "[tier a]\nladder = manager 1s if angry, skilled\n", "test.conf:2: "
	  "tier a: bad ladder condition 'angry' (expected 'if repeat' or 'if "
	  "complaints >= N', N from 1)" },
	{ "[tier a]\nladder = skilled if repeat\n", "test.conf:2: tier a: the "
	  "last ladder step takes every ticket: it cannot have a condition" },
	{ "[tier a]\ncolour = red\n", "test.conf:2: unknown key 'colour' in "
	  "[tier a]" },
	/* [queue] */
	{ TQ "strategy = fastest\n", "test.conf:3: unknown strategy 'fastest' "
	  "(one of longest-idle, least-busy, round-robin, top-skill, "
	  "random)" },
	{ TQ "offer_timeout = 0\n", "test.conf:3: bad value '0' for "
	  "offer_timeout" },
	{ TQ "overflow = a:b\n", "test.conf:3: bad value 'a:b' for overflow" },
	{ TQ "calendar = a b\n", "test.conf:3: bad value 'a b' for calendar" },
	{ TQ "answer_clock = sometimes\n", "test.conf:3: answer_clock must be "
	  "'wall' or 'business', not 'sometimes'" },
	{ TQ "colour = red\n", "test.conf:3: unknown key 'colour' in [queue "
	  "q]" },
	/* [user] */
	{ TQ "[user u]\nrole = king\n", "test.conf:4: unknown role 'king' (one "
	  "of agent, supervisor, integration, admin)" },
	{ TQ "[user u]\npassword_hash = x\n", "test.conf:4: password_hash must "
	  "be an Argon2id hash from 'hotlined --hash-password'" },
	{ TQ "[user u]\nskills = q:9\n", "test.conf:4: bad skills 'q:9' "
	  "(expected queue:level,... with levels 1-5)" },
	{ TQ "[user u]\ngroups = a,\"b\n", "test.conf:4: bad value 'a,\"b' for "
	  "groups" },
	{ TQ "[user u]\ncapacity = 0\n", "test.conf:4: bad value '0' for "
	  "capacity" },
	{ TQ "[user u]\nshoe_size = 9\n", "test.conf:4: unknown key "
	  "'shoe_size' in [user u]" },
	/* whole-file checks */
	{ "[queue q]\n", "test.conf:0: no [tier NAME] section" },
	{ "[tier t]\n", "test.conf:0: no [queue NAME] section" },
	{ TQ "overflow = q\n", "test.conf:0: queue q: overflow 'q' is not "
	  "another queue" },
	{ TQ "calendar = c\n", "test.conf:0: queue q: unknown calendar 'c'" },
	{ TQ "[user u]\nskills = r\n", "test.conf:0: user u: skill for "
	  "unknown queue 'r'" },
	/* config-sla.c: [calendar] */
	{ TQ "[calendar a b]\n", "test.conf:3: bad calendar name 'a b': "
	  "calendar name holds a space, comma, colon, bracket, quote or "
	  "backslash" },
	{ TQ "[calendar c]\n[calendar c]\n", "test.conf:4: calendar 'c' "
	  "defined twice" },
	{ TQ "[calendar c]\ntimezone = ../../etc/passwd\n", "test.conf:4: "
	  "calendar c: invalid time zone \"../../etc/passwd\": not a zone "
	  "name nor a POSIX TZ string" },
	{ TQ "[calendar c]\ntimezone = Europe Paris\n", "test.conf:4: "
	  "calendar c: invalid time zone \"Europe Paris\": not a zone name "
	  "nor a POSIX TZ string" },
	{ TQ "[calendar c]\nhours = 9-5\n", "test.conf:4: calendar c: hours "
	  "must be '24/7' (give weekday hours as 'mon-fri = 09:00-17:00')" },
	{ TQ "[calendar c]\nholidays = 12-25, 02-30\n", "test.conf:4: "
	  "calendar c: bad date \"02-30\": no day 30 in that month" },
	{ TQ "[calendar c]\nholidays = xmas\n", "test.conf:4: calendar c: bad "
	  "date \"xmas\": expected MM-DD (yearly) or YYYY-MM-DD" },
	{ TQ "[calendar c]\nfunday = 09:00-10:00\n", "test.conf:4: calendar "
	  "c: unknown key 'funday' (timezone, holidays, hours, or days such "
	  "as mon-fri): unknown day \"funday\" (expected mon..sun or a range "
	  "like mon-fri)" },
	{ TQ "[calendar c]\nmon = 09:00-25:00\n", "test.conf:4: calendar c: "
	  "mon: bad time \"25:00\" in \"09:00-25:00\": expected HH:MM from "
	  "00:00 to 24:00" },
	{ TQ "[calendar c]\nmon = 10:00-09:00\n", "test.conf:4: calendar c: "
	  "mon: span \"10:00-09:00\": start must be before end (split a "
	  "night at 24:00)" },
	{ TQ "[calendar c]\nmon = 09:00-12:00, 11:00-13:00\n", "test.conf:4: "
	  "calendar c: mon: spans 09:00-12:00 and 11:00-13:00 overlap" },
	{ TQ "[calendar c]\nmon = \n", "test.conf:4: calendar c: mon: empty "
	  "hours (use \"closed\")" },
	{ TQ "[calendar c]\nmon = 09:00-10:00" SPACES33 "     x\n",
	  "test.conf:4: calendar c: mon: span \"09:00-10:00" SPACES33 "...\" "
	  "too long" },
	{ TQ "[calendar c]\nmonday-fridayyyyyyyyyyyyyyyyyyyyyy = 09:00-10:00\n",
	  "test.conf:4: calendar c: unknown key "
	  "'monday-fridayyyyyyyyyyyyyyyyyyyyyy' (timezone, holidays, hours, or "
	  "days such as mon-fri): unknown day \"monday-fridayyyyyyyyyyyyyyyy...\" "
	  "(expected mon..sun or a range like mon-fri)" },
	{ TQ "[calendar c]\nmon-sun = closed\n", "test.conf:0: calendar c is "
	  "never open" },
	/* [sla] */
	{ TQ "[sla]\n", "test.conf:3: unknown section [sla]" },
	{ TQ "[sla t q:x]\n", "test.conf:3: [sla TIER] or [sla TIER QUEUE] "
	  "expected" },
	{ TQ "[sla t]\n[sla t]\n", "test.conf:4: [sla t] defined twice" },
	{ TQ "[sla t q]\n[sla t q]\n", "test.conf:4: [sla t q] defined "
	  "twice" },
	{ TQ "[sla t]\nanswer = soon\n", "test.conf:4: bad value 'soon' for "
	  "answer" },
	{ TQ "[sla t]\nresolve = later\n", "test.conf:4: bad value 'later' for "
	  "resolve" },
	{ TQ "[sla t]\nwarning = 120%\n", "test.conf:4: warning must be a "
	  "percentage from 1% to 100%, not '120%'" },
	{ TQ "[sla t]\nstep = answer 50%\n", "test.conf:4: step: expected "
	  "'answer|resolve PERCENT%|DURATION action[, action...]'" },
	{ TQ "[sla t]\nstep = answer 5000% notify\n", "test.conf:4: step: bad "
	  "percentage '5000%' (1%-1000%)" },
	{ TQ "[sla t]\nstep = answer never notify\n", "test.conf:4: step: bad "
	  "step time 'never' (a percentage of the target or a duration)" },
	{ TQ "[sla t]\nstep = answer 50% boost lots\n", "test.conf:4: step: "
	  "bad boost 'lots'" },
	{ TQ "[sla t]\nstep = answer 50% explode\n", "test.conf:4: step: bad "
	  "action 'explode' (notify, page, boost N, overflow QUEUE)" },
	{ TQ "[sla t]\nstep = answer 50% boost 5 now\n", "test.conf:4: step: "
	  "too many words in action 'boost'" },
	{ TQ "[sla t]\nstep = answer 1% notify\nstep = answer 2% notify\n"
	  "step = answer 3% notify\nstep = answer 4% notify\n"
	  "step = answer 5% notify\nstep = answer 6% notify\n"
	  "step = answer 7% notify\nstep = answer 8% notify\n"
	  "step = answer 9% notify\n", "test.conf:12: more than 8 steps" },
	{ TQ "[sla t]\ntarget = 1s\n", "test.conf:4: unknown key 'target' in "
	  "[sla] (answer, resolve, warning, step)" },
	{ TQ "[sla gold]\n", "test.conf:0: [sla gold]: unknown tier" },
	{ TQ "[sla t r]\n", "test.conf:0: [sla t r]: unknown queue" },
	{ TQ "[sla t]\nstep = answer 50% overflow r\n", "test.conf:0: [sla t]: "
	  "overflow to unknown queue 'r'" },
	/* config-followup.c: [insight], [followup] */
	{ TQ "[insight]\nrepeat_window = often\n", "test.conf:4: bad value "
	  "'often' for repeat_window" },
	{ TQ "[insight]\ncomplaints_queue = a b\n", "test.conf:4: bad value "
	  "'a b' for complaints_queue" },
	{ TQ "[insight]\ncolour = red\n", "test.conf:4: unknown key 'colour' "
	  "in [insight]" },
	{ TQ "[insight]\ncomplaints_queue = gripes\n", "test.conf:0: insight: "
	  "complaints_queue 'gripes' is not a queue" },
	{ TQ "[followup a:b]\n", "test.conf:3: bad followup name 'a:b': "
	  "followup name holds a space, comma, colon, bracket, quote or "
	  "backslash" },
	{ TQ "[followup f]\n[followup f]\n", "test.conf:4: followup 'f' "
	  "defined twice" },
	{ TQ "[followup f]\ntiers = t:1\n", "test.conf:4: followup f: bad "
	  "tiers 't:1'" },
	{ TQ "[followup f]\nsegments = a, b, c, d\n", "test.conf:4: followup "
	  "f: bad segments 'a, b, c, d'" },
	{ TQ "[followup f]\nsegments = aliens\n", "test.conf:4: followup f: "
	  "unknown segment 'aliens' (individual, family or enterprise)" },
	{ TQ "[followup f]\nqueue = a b\n", "test.conf:4: followup f: bad "
	  "queue 'a b'" },
	{ TQ "[followup f]\ndelay = soon\n", "test.conf:4: followup f: bad "
	  "delay 'soon'" },
	{ TQ "[followup f]\ndispositions = a,b,c,d,e,f,g,h,i\n",
	  "test.conf:4: followup f: bad dispositions 'a,b,c,d,e,f,g,h,i' (at "
	  "most 8 names)" },
	{ TQ "[followup f]\npriority = 5000\n", "test.conf:4: followup f: bad "
	  "priority '5000' (-1000 to 1000)" },
	{ TQ "[followup f]\nwhen = later\n", "test.conf:4: unknown key 'when' "
	  "in [followup f]" },
	{ TQ "[followup f]\ntiers = t\n", "test.conf:0: followup f: no "
	  "queue" },
	{ TQ "[followup f]\ntiers = t\nqueue = r\n", "test.conf:0: followup "
	  "f: unknown queue 'r'" },
	{ TQ "[followup f]\nqueue = q\n", "test.conf:0: followup f: names no "
	  "tier and no segment" },
	{ TQ "[followup f]\nqueue = q\ntiers = gold\n", "test.conf:0: "
	  "followup f: unknown tier gold" },
};

static void
test_error_messages(void **state)
{
	char		 err[CONFIG_ERRMAX];
	size_t		 i;
	int		 rc, wrong = 0;
	struct config	*cfg;

	for (i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
		/* Garbage first: a message that leaves any of it fails. */
		memset(err, 0x5a, sizeof err);
		err[sizeof err - 1] = '\0';
		cfg = load(bad_files[i].text, err, &rc);
		if (rc != -1 || strcmp(err, bad_files[i].err) != 0) {
			print_error("config\n%s\nwant: %s\ngot:  %s (rc %d)\n",
			    bad_files[i].text, bad_files[i].err, err, rc);
			wrong++;
		}
		free(cfg);
	}
	assert_int_equal(wrong, 0);
}

/* Zone files: a missing one, and one that is not TZif. */
static void
test_timezone_errors(void **state)
{
	char		 dir[] = "/tmp/hotline-tz.XXXXXX", path[256];
	char		 err[CONFIG_ERRMAX], want[CONFIG_ERRMAX];
	const char	*old = getenv("TZDIR");
	char		*saved = old != NULL ? strdup(old) : NULL;
	struct config	*cfg;
	FILE		*fp;
	int		 rc;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/Bad", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("not a zone file\n", fp);
	fclose(fp);
	setenv("TZDIR", dir, 1);
	memset(err, 0x5a, sizeof err);
	err[sizeof err - 1] = '\0';
	cfg = load(TQ "[calendar c]\ntimezone = Bad\n", err, &rc);
	snprintf(want, sizeof want, "test.conf:4: calendar c: time zone "
	    "\"Bad\": %s: bad TZif data: not a TZif file", path);
	assert_int_equal(rc, -1);
	assert_string_equal(err, want);
	free(cfg);
	cfg = load(TQ "[calendar c]\ntimezone = Mars/Olympus\n", err, &rc);
	snprintf(want, sizeof want, "test.conf:4: calendar c: unknown time "
	    "zone \"Mars/Olympus\": %s/Mars/Olympus: No such file or "
	    "directory", dir);
	assert_int_equal(rc, -1);
	assert_string_equal(err, want);
	free(cfg);
	/* A POSIX TZ string with its rules is a zone too. */
	cfg = load(TQ "[calendar c]\ntimezone = EST5EDT,M3.2.0,M11.1.0\n"
	    "hours = 24/7\n",
	    err, &rc);
	if (rc != 0)
		fail_msg("%s", err);
	config_free(cfg);
	free(cfg);
	unlink(path);
	rmdir(dir);
	if (saved != NULL)
		setenv("TZDIR", saved, 1);
	else
		unsetenv("TZDIR");
	free(saved);
}

/* The shipped sample file must always load. */
/* The hostile-client limits: on by default, tunable, 0 turns off. */
static void
test_hostile_limits(void **state)
{
	char		 err[CONFIG_ERRMAX] = "";
	int		 rc;
	struct config	*cfg = load(base, err, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(cfg->request_timeout, 10000);
	assert_int_equal(cfg->auth_timeout, 10000);
	assert_int_equal(cfg->max_unauth_per_addr, 32);
	assert_int_equal(cfg->max_subscriptions, 1000);
	free(cfg);
	cfg = load("[limits]\nrequest_timeout = 2500ms\nauth_timeout = 0\n"
	    "max_unauth_per_addr = 0\nmax_subscriptions = 5\n"
	    "[tier t]\n[queue q]\n", err, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(cfg->request_timeout, 2500);
	assert_int_equal(cfg->auth_timeout, 0);
	assert_int_equal(cfg->max_unauth_per_addr, 0);
	assert_int_equal(cfg->max_subscriptions, 5);
	free(cfg);
	expect_error("[limits]\nrequest_timeout = soon\n", "test.conf:2:",
	    "request_timeout");
	expect_error("[limits]\nauth_timeout = -1s\n", "test.conf:2:",
	    "auth_timeout");
	expect_error("[limits]\nmax_unauth_per_addr = many\n",
	    "test.conf:2:", "max_unauth_per_addr");
	expect_error("[limits]\nmax_subscriptions = 0\n", "test.conf:2:",
	    "max_subscriptions");
}

static void
test_sample_file(void **state)
{
	char		 path[2048], err[CONFIG_ERRMAX] = "";
	const char	*src = getenv("HOTLINE_SRCDIR");
	struct config	*cfg = malloc(sizeof *cfg);
	int		 i, found_vip = 0;

	assert_non_null(cfg);
	snprintf(path, sizeof path, "%s/config/hotline.conf",
	    src != NULL ? src : "..");
	config_defaults(cfg);
	if (config_load(cfg, path, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg->ntiers, 4);
	assert_string_equal(cfg->tiers[0].name, "standard");
	assert_string_equal(cfg->tiers[3].name, "diamond");
	assert_true(cfg->nqueues >= 4);
	for (i = 0; i < cfg->tiers[3].nsteps; i++)
		found_vip |= cfg->tiers[3].steps[i].kind == STEP_GROUP &&
		    strcmp(cfg->tiers[3].steps[i].group, "vip") == 0;
	assert_true(found_vip);
	assert_true(cfg->nusers > 0);
	assert_true(cfg->ncalendars >= 1 && cfg->nslas >= 4);
	/* Follow-ups and a ladder step for repeat complainers. */
	assert_true(cfg->nfollowups >= 1);
	assert_string_equal(cfg->complaints_queue, "complaints");
	assert_int_equal(cfg->tiers[0].steps[0].cond, STEP_IF_COMPLAINTS);
	assert_int_equal(cfg->retention_keep, 0);	/* keeps everything */
	assert_int_equal(cfg->request_timeout, 10000);
	assert_int_equal(cfg->max_unauth_per_addr, 32);
	config_free(cfg);
	free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_calendars_and_slas),
		cmocka_unit_test(test_sla_errors),
		cmocka_unit_test(test_insight_and_followups),
		cmocka_unit_test(test_insight_errors),
		cmocka_unit_test(test_sample_file),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_timezone_errors),
		cmocka_unit_test(test_hostile_limits),
	};

	return (cmocka_run_group_tests_name("config", tests, NULL, NULL));
}
