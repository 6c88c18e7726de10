/*
 * hotline-bench: a load generator that simulates a shift against hotlined
 * (operators create tickets, agents work them) and reports completed
 * lifecycles per second and latency percentiles. See bench/README.md.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "hotline-bench.h"

#define DEFAULT_TIERS	"standard:70,silver:20,gold:8,diamond:2"

static const char *lat_names[NLAT] = {
	"create", "offer", "accept", "resolve", "ready", "lifecycle"
};
static const char *lat_labels[NLAT] = {
	"TICKET CREATE", "create -> offer", "TICKET ACCEPT",
	"TICKET RESOLVE", "AGENT READY", "create -> resolved"
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: hotline-bench [options]\n"
	    "Simulates a shift: operators create tickets, agents loop AGENT NEXT ->\n"
	    "TICKET ACCEPT -> TICKET RESOLVE -> AGENT READY; reports lifecycles/s\n"
	    "and latency percentiles.\n"
	    "  --host H              server address (default 127.0.0.1)\n"
	    "  --port N              server port (default 7070)\n"
	    "  --socket PATH         unix socket instead of TCP\n"
	    "  --user U              operators' user, role integration or admin\n"
	    "                        (default admin)\n"
	    "  --password P          its password (default: $HOTLINE_PASSWORD)\n"
	    "  --operators N         operator connections (default 8)\n"
	    "  --agents N            agent connections (default 8)\n"
	    "  --agent-prefix P      agent users are P1..PN (default bench-agent)\n"
	    "  --agent-password P    their password (default:\n"
	    "                        $HOTLINE_AGENT_PASSWORD, else hotline-bench)\n"
	    "  --setup               first AGENT ADD the agents as --user (an admin)\n"
	    "                        with SKILLS <queue>:3; existing ones are kept\n"
	    "  --duration S          measure for S seconds (default 10)\n"
	    "  --tickets N           instead: run until N lifecycles completed\n"
	    "  --rate R              open loop: R creates per second in all;\n"
	    "                        0 (default): closed loop, as fast as possible\n"
	    "  --pipeline N          closed loop: creates in flight per operator\n"
	    "                        (default 1)\n"
	    "  --backlog N           closed loop: at most N tickets created and not\n"
	    "                        yet offered (default 2 x agents; 0: no cap)\n"
	    "  --tiers SPEC          tier mix, name:weight,... (default\n"
	    "                        %s)\n"
	    "  --queue Q             queue (default general)\n"
	    "  --customers N         customers bench-0..N-1, in turn (default 1000)\n"
	    "  --next-timeout S      AGENT NEXT timeout (default 1)\n"
	    "  --auto-accept         AGENT NEXT ... ACCEPT: the offer comes back\n"
	    "                        accepted, no TICKET ACCEPT (4 round trips a\n"
	    "                        lifecycle instead of 5)\n"
	    "  --no-ready            no AGENT READY after TICKET RESOLVE: with no\n"
	    "                        wrap-up the agent is ready as it resolves, as\n"
	    "                        a desk without wrap-up works (one round trip\n"
	    "                        less)\n"
	    "  --stall S             fail when no ticket moves for S s (default 15)\n"
	    "  --csv                 print one CSV line instead of the table\n"
	    "  --csv-header          print the CSV column names and exit\n"
	    "  -h, --help            this help\n"
	    "Exit status: 0 if the run completed without error replies, 1 if not\n"
	    "(each error is printed on stderr), 2 for bad usage.\n",
	    DEFAULT_TIERS);
}

static int
parse_int(const char *opt, const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "hotline-bench: %s: want an integer from %ld "
		    "to %ld, not '%s'\n", opt, min, max, s);
		return (-1);
	}
	*out = v;
	return (0);
}

static int
parse_double(const char *opt, const char *s, double min, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= min) ||
	    v > 1e9) {
		fprintf(stderr, "hotline-bench: %s: want a number >= %g, not "
		    "'%s'\n", opt, min, s);
		return (-1);
	}
	*out = v;
	return (0);
}

/* "standard:70,silver:20,..." (a weight defaults to 1). */
static int
parse_tiers(const char *spec)
{
	char		 buf[1024], *p, *tok, *colon;
	struct tier	*t;
	long		 w;

	if (strlen(spec) >= sizeof buf)
		goto bad;
	snprintf(buf, sizeof buf, "%s", spec);
	bench.ntiers = 0;
	bench.tier_total = 0;
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		if (*tok == '\0')
			goto bad;
		if (bench.ntiers == BENCH_MAX_TIERS) {
			fprintf(stderr, "hotline-bench: --tiers: at most %d\n",
			    BENCH_MAX_TIERS);
			return (-1);
		}
		w = 1;
		if ((colon = strchr(tok, ':')) != NULL) {
			*colon++ = '\0';
			if (parse_int("--tiers", colon, 0, 1000000, &w) != 0)
				return (-1);
		}
		if (*tok == '\0' || strlen(tok) >= sizeof t->name ||
		    strpbrk(tok, " \t\"'") != NULL)
			goto bad;
		t = &bench.tiers[bench.ntiers++];
		snprintf(t->name, sizeof t->name, "%s", tok);
		t->weight = (int)w;
		bench.tier_total += (int)w;
	}
	if (bench.tier_total > 0)
		return (0);
bad:
	fprintf(stderr, "hotline-bench: --tiers: want name:weight,... with "
	    "some weight above 0, not '%s'\n", spec);
	return (-1);
}

static int
parse_options(int argc, char **argv)
{
	enum {
		O_HOST = 1000, O_PORT, O_SOCKET, O_USER, O_PASSWORD, O_AGENTS,
		O_PREFIX, O_AGENT_PASSWORD, O_OPERATORS, O_DURATION, O_TICKETS,
		O_RATE, O_PIPELINE, O_BACKLOG, O_TIERS, O_QUEUE, O_CUSTOMERS,
		O_NEXT_TIMEOUT, O_STALL, O_SETUP, O_CSV, O_CSV_HEADER,
		O_AUTO_ACCEPT, O_NO_READY
	};
	static const struct option opts[] = {
		{ "host", required_argument, NULL, O_HOST },
		{ "port", required_argument, NULL, O_PORT },
		{ "socket", required_argument, NULL, O_SOCKET },
		{ "user", required_argument, NULL, O_USER },
		{ "password", required_argument, NULL, O_PASSWORD },
		{ "agents", required_argument, NULL, O_AGENTS },
		{ "agent-prefix", required_argument, NULL, O_PREFIX },
		{ "agent-password", required_argument, NULL, O_AGENT_PASSWORD },
		{ "operators", required_argument, NULL, O_OPERATORS },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "tickets", required_argument, NULL, O_TICKETS },
		{ "rate", required_argument, NULL, O_RATE },
		{ "pipeline", required_argument, NULL, O_PIPELINE },
		{ "backlog", required_argument, NULL, O_BACKLOG },
		{ "tiers", required_argument, NULL, O_TIERS },
		{ "queue", required_argument, NULL, O_QUEUE },
		{ "customers", required_argument, NULL, O_CUSTOMERS },
		{ "next-timeout", required_argument, NULL, O_NEXT_TIMEOUT },
		{ "auto-accept", no_argument, NULL, O_AUTO_ACCEPT },
		{ "no-ready", no_argument, NULL, O_NO_READY },
		{ "stall", required_argument, NULL, O_STALL },
		{ "setup", no_argument, NULL, O_SETUP },
		{ "csv", no_argument, NULL, O_CSV },
		{ "csv-header", no_argument, NULL, O_CSV_HEADER },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct options	*o = &bench.o;
	const char	*tiers = DEFAULT_TIERS;
	long		 v;
	int		 ch, backlog = -1, have_duration = 0, i;

	o->host = "127.0.0.1";
	o->port = 7070;
	o->user = "admin";
	o->password = getenv("HOTLINE_PASSWORD");
	o->agents = 8;
	o->agent_prefix = "bench-agent";
	o->agent_password = getenv("HOTLINE_AGENT_PASSWORD");
	if (o->agent_password == NULL)
		o->agent_password = "hotline-bench";
	o->operators = 8;
	o->duration = 10;
	o->pipeline = 1;
	o->queue = "general";
	o->customers = 1000;
	o->next_timeout = 1;
	o->stall = 15;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_HOST: o->host = optarg; break;
		case O_PORT:
			if (parse_int("--port", optarg, 1, 65535, &v) != 0)
				return (-1);
			o->port = (int)v;
			break;
		case O_SOCKET: o->socket = optarg; break;
		case O_USER: o->user = optarg; break;
		case O_PASSWORD: o->password = optarg; break;
		case O_AGENTS:
			if (parse_int("--agents", optarg, 1, 100000, &v) != 0)
				return (-1);
			o->agents = (int)v;
			break;
		case O_PREFIX: o->agent_prefix = optarg; break;
		case O_AGENT_PASSWORD: o->agent_password = optarg; break;
		case O_OPERATORS:
			if (parse_int("--operators", optarg, 1, 100000, &v) != 0)
				return (-1);
			o->operators = (int)v;
			break;
		case O_DURATION:
			if (parse_double("--duration", optarg, 0.1,
			    &o->duration) != 0)
				return (-1);
			have_duration = 1;
			break;
		case O_TICKETS:
			if (parse_int("--tickets", optarg, 1, LONG_MAX, &v) != 0)
				return (-1);
			o->tickets = (uint64_t)v;
			break;
		case O_RATE:
			if (parse_double("--rate", optarg, 0, &o->rate) != 0)
				return (-1);
			break;
		case O_PIPELINE:
			if (parse_int("--pipeline", optarg, 1, 10000, &v) != 0)
				return (-1);
			o->pipeline = (int)v;
			break;
		case O_BACKLOG:
			if (parse_int("--backlog", optarg, 0, INT_MAX, &v) != 0)
				return (-1);
			backlog = (int)v;
			break;
		case O_TIERS: tiers = optarg; break;
		case O_QUEUE: o->queue = optarg; break;
		case O_CUSTOMERS:
			if (parse_int("--customers", optarg, 1, INT_MAX, &v) != 0)
				return (-1);
			o->customers = (int)v;
			break;
		case O_NEXT_TIMEOUT:
			if (parse_int("--next-timeout", optarg, 1, 3600, &v) != 0)
				return (-1);
			o->next_timeout = (int)v;
			break;
		case O_STALL:
			if (parse_int("--stall", optarg, 1, 86400, &v) != 0)
				return (-1);
			o->stall = (int)v;
			break;
		case O_SETUP: o->setup = 1; break;
		case O_AUTO_ACCEPT: o->auto_accept = 1; break;
		case O_NO_READY: o->no_ready = 1; break;
		case O_CSV: o->csv = 1; break;
		case O_CSV_HEADER:
			printf("duration_s,operators,agents,created,completed,"
			    "creates_per_s,lifecycles_per_s,errors");
			for (i = 0; i < NLAT; i++)
				printf(",%s_p50,%s_p90,%s_p99,%s_p999,%s_max",
				    lat_names[i], lat_names[i], lat_names[i],
				    lat_names[i], lat_names[i]);
			printf("\n");
			exit(0);
		case 'h': usage(stdout); exit(0);
		default: return (-1);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hotline-bench: unexpected argument '%s'\n",
		    argv[optind]);
		return (-1);
	}
	if (o->tickets != 0 && have_duration) {
		fprintf(stderr, "hotline-bench: --duration or --tickets, not "
		    "both\n");
		return (-1);
	}
	if (o->tickets != 0)
		o->duration = 0;
	if (o->password == NULL) {
		fprintf(stderr, "hotline-bench: no password for %s: "
		    "--password or HOTLINE_PASSWORD\n", o->user);
		return (-1);
	}
	/* Names go into inline-formatted commands: no spaces or quotes. */
	if (strpbrk(o->queue, " \t\"'") != NULL ||
	    strpbrk(o->agent_prefix, " \t\"'") != NULL || *o->queue == '\0' ||
	    *o->agent_prefix == '\0' || strlen(o->agent_prefix) > 40) {
		fprintf(stderr, "hotline-bench: --queue and --agent-prefix: "
		    "a word without spaces or quotes\n");
		return (-1);
	}
	o->backlog = backlog >= 0 ? backlog : 2 * o->agents;
	return (parse_tiers(tiers));
}

static double
window_s(void)
{
	return ((double)(bench.end - bench.start) / 1e6);
}

static void
report_row(const char *label, const struct histo *h)
{
	if (h->count == 0) {
		printf("%-22s %9s\n", label, "0");
		return;
	}
	printf("%-22s %9" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
	    " %8" PRIu64 " %8" PRIu64 " %8.0f\n", label, h->count,
	    histo_percentile(h, 50), histo_percentile(h, 90),
	    histo_percentile(h, 99), histo_percentile(h, 99.9), h->max,
	    histo_mean(h));
}

static void
report_table(void)
{
	const struct options	*o = &bench.o;
	double			 w = window_s();
	char			 where[300], label[80];
	int			 i;

	if (o->socket != NULL)
		snprintf(where, sizeof where, "unix:%s", o->socket);
	else
		snprintf(where, sizeof where, "%s:%d", o->host, o->port);
	printf("hotline-bench: %s, queue %s\n", where, o->queue);
	for (i = 0; i < bench.ntiers; i++)
		printf("%s%s:%d", i == 0 ? "  tier mix:  " : ",",
		    bench.tiers[i].name, bench.tiers[i].weight);
	printf("; %d customers\n", o->customers);
	if (o->rate > 0)
		printf("  operators: %d as %s, open loop at %.0f creates/s\n",
		    o->operators, o->user, o->rate);
	else if (o->backlog > 0)
		printf("  operators: %d as %s, closed loop, pipeline %d, at "
		    "most %d tickets waiting\n", o->operators, o->user,
		    o->pipeline, o->backlog);
	else
		printf("  operators: %d as %s, closed loop, pipeline %d, no "
		    "cap on tickets waiting\n", o->operators, o->user,
		    o->pipeline);
	printf("  agents:    %d, %s1..%s%d, AGENT NEXT %d%s%s\n", o->agents,
	    o->agent_prefix, o->agent_prefix, o->agents, o->next_timeout,
	    o->auto_accept ? " ACCEPT (no TICKET ACCEPT)" : "",
	    o->no_ready ? ", no AGENT READY" : "");
	printf("run%s: %.2f s, %" PRIu64 " tickets created (%.1f/s), %"
	    PRIu64 " lifecycles completed\n", bench.failed ? " (FAILED)" : "",
	    w, bench.created, w > 0 ? (double)bench.created / w : 0.0,
	    bench.completed);
	printf("lifecycles/s: %.1f\n\n", w > 0 ?
	    (double)bench.completed / w : 0.0);
	printf("%-22s %9s %8s %8s %8s %8s %8s %8s\n", "latency (us)", "count",
	    "p50", "p90", "p99", "p99.9", "max", "mean");
	for (i = 0; i < NLAT; i++) {
		report_row(lat_labels[i], &bench.lat[i]);
		if (i != LAT_OFFER || bench.ntiers < 2)
			continue;
		for (int t = 0; t < bench.ntiers; t++) {
			snprintf(label, sizeof label, "  %s",
			    bench.tiers[t].name);
			report_row(label, &bench.tier_offer[t]);
		}
	}
	printf("\nAGENT NEXT timeouts: %" PRIu64 "; error replies: %" PRIu64
	    "; tickets waiting at the end: %" PRId64 "\n", bench.next_nil,
	    bench.errors, bench.waiting);
	if (bench.leftover > 0)
		printf("note: %" PRIu64 " tickets older than the run (id < %"
		    PRIu64 ") were worked off, not counted\n", bench.leftover,
		    bench.first_id);
	if (o->rate > 0 && w > 0 && (double)bench.sent / w < 0.95 * o->rate)
		printf("note: sent %.0f creates/s, below the target rate\n",
		    (double)bench.sent / w);
	if (o->rate == 0)
		printf("note: closed loop, so create -> offer includes the "
		    "time waiting in the queue;\n      use --rate below "
		    "capacity to see the routing latency alone\n");
}

static void
report_csv(void)
{
	double	w = window_s();
	int	i;

	printf("%.3f,%d,%d,%" PRIu64 ",%" PRIu64 ",%.1f,%.1f,%" PRIu64, w,
	    bench.o.operators, bench.o.agents, bench.created, bench.completed,
	    w > 0 ? (double)bench.created / w : 0.0,
	    w > 0 ? (double)bench.completed / w : 0.0, bench.errors);
	for (i = 0; i < NLAT; i++) {
		const struct histo	*h = &bench.lat[i];

		printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%"
		    PRIu64, histo_percentile(h, 50), histo_percentile(h, 90),
		    histo_percentile(h, 99), histo_percentile(h, 99.9),
		    h->max);
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	struct event_config	*cfg;
	int			 started;

	if (parse_options(argc, argv) != 0) {
		fprintf(stderr, "(hotline-bench --help for the options)\n");
		return (2);
	}
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Without a precise timer, libevent's epoll backend sleeps in whole
	 * milliseconds and some kernels round that up to a 4 ms tick: the
	 * rate mode's 1 ms tick would come late by as much.
	 */
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) != 0 ||
	    (bench.base = event_base_new_with_config(cfg)) == NULL) {
		fprintf(stderr, "hotline-bench: event_base_new failed\n");
		return (1);
	}
	event_config_free(cfg);
	if (shift_start() != 0) {
		fprintf(stderr, "hotline-bench: out of memory\n");
		return (1);
	}
	/* A failure while starting broke a loop that was not running yet. */
	if (!bench.aborting)
		event_base_dispatch(bench.base);
	started = bench.start != 0;
	shift_free();
	event_base_free(bench.base);
	if (started) {
		if (bench.end == 0)
			bench.end = now_us();
		if (bench.o.csv)
			report_csv();
		else
			report_table();
	}
	fflush(stdout);
	return (bench.failed ? 1 : 0);
}
