/*
 * cmd-info.c: INFO. Its server, clients, stats and persistence sections
 * come from one table of rows (a new counter is one row), written in place
 * as one bulk string behind a deferred length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "guard.h"
#include "hasher.h"
#include "http.h"
#include "journal.h"
#include "metrics.h"
#include "pubsub.h"
#include "report.h"
#include "retention.h"
#include "server.h"
#include "store.h"
#include "throttle.h"
#include "waiters.h"

static void
info_line(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
info_line(struct buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
	buf_add(b, "\r\n", 2);
}

/*
 * INFO's server, clients, stats and persistence sections: one row per
 * line, in the order written. A value is a field of a stats structure
 * (read through the function that gives the structure) or the result of
 * a function; a new counter is one row.
 */
enum info_type {
	INFO_U64,	/* uint64_t field */
	INFO_SIZE,	/* size_t field */
	INFO_INT,	/* int field */
	INFO_I64,	/* int64_t (hl_ms) field */
	INFO_CHARS,	/* char array field */
	INFO_FN_U64,	/* uint64_t fn(void) */
	INFO_FN_SIZE,	/* size_t fn(void) */
	INFO_FN_INT,	/* int fn(void) */
	INFO_FN_I64,	/* int64_t fn(void) */
	INFO_FN_STR	/* const char *fn(void) */
};

struct info_row {
	const char	*section;
	const char	*name;
	enum info_type	 type;
	const void	*(*base)(void);	/* the structure a field is in */
	size_t		 off;		/* the field's offset in it */
	union {
		uint64_t	 (*u64)(void);
		size_t		 (*size)(void);
		int		 (*i)(void);
		int64_t		 (*i64)(void);
		const char	*(*str)(void);
	} fn;
};

static const void *
info_server(void)
{
	return (&server);
}

static const void *
info_store(void)
{
	return (store_stats(server.store));
}

static const void *
info_journal(void)
{
	return (journal_stats(server.journal));
}

static const void *
info_hasher(void)
{
	return (hasher_stats());
}

static const void *
info_retention(void)
{
	return (retention_stats());
}

static int
info_pid(void)
{
	return ((int)getpid());
}

static const char *
info_version(void)
{
	return (PACKAGE_VERSION);
}

static int64_t
info_uptime(void)
{
	return ((server_now() - server.started) / 1000);
}

static int64_t
info_time(void)
{
	return (server_now());
}

static size_t
info_open_tickets(void)
{
	return (engine_ticket_count(server.engine));
}

static uint64_t
info_next_ticket_id(void)
{
	return (engine_next_id(server.engine));
}

static const char *
info_db_path(void)
{
	return (store_path(server.store));
}

static const char *
info_durability(void)
{
	return (server.cfg.durability == DURABILITY_FULL ? "full" : "normal");
}

static const char *
info_journal_mode(void)
{
	return ("wal");
}

static int64_t
info_last_event_seq(void)
{
	return (store_last_seq(server.store));
}

static size_t
info_commit_backlog(void)
{
	return (journal_backlog(server.journal));
}

static uint64_t
info_wal_checkpoints(void)
{
	return (store_checkpoints(server.store));
}

static int64_t
info_data_from(void)
{
	return (store_data_from(server.store));
}

#define INFO_FIELD(sec, name, type, base, st, field)			\
	{ sec, name, type, base, offsetof(st, field), { NULL } }
#define INFO_SERVER(sec, name, type, field)				\
	INFO_FIELD(sec, name, type, info_server, struct server, field)
#define INFO_STAT(name, field)						\
	INFO_SERVER("stats", name, INFO_U64, stats.field)
#define INFO_FN(sec, name, type, member, f)				\
	{ sec, name, type, NULL, 0, { .member = f } }

static const struct info_row info_rows[] = {
	INFO_FN("server", "hotline_version", INFO_FN_STR, str, info_version),
	INFO_FN("server", "process_id", INFO_FN_INT, i, info_pid),
	INFO_SERVER("server", "tcp_port", INFO_INT, bound_port),
	INFO_FN("server", "http_port", INFO_FN_INT, i, http_port),
	INFO_SERVER("server", "unixsocket", INFO_CHARS, cfg.unixsocket),
	INFO_SERVER("server", "config_file", INFO_CHARS, config_path),
	INFO_FN("server", "uptime_in_seconds", INFO_FN_I64, i64, info_uptime),
	INFO_FN("server", "time_ms", INFO_FN_I64, i64, info_time),

	INFO_SERVER("clients", "connected_clients", INFO_SIZE, nconns),
	INFO_SERVER("clients", "maxclients", INFO_SIZE, cfg.max_clients),
	INFO_FN("clients", "blocked_clients", INFO_FN_SIZE, size,
	    waiters_count),
	INFO_FN("clients", "unauthenticated_clients", INFO_FN_SIZE, size,
	    guard_unauth_count),
	INFO_FN("clients", "pubsub_clients", INFO_FN_SIZE, size,
	    metrics_subscribers),
	INFO_FN("clients", "pubsub_channels", INFO_FN_SIZE, size,
	    pubsub_channels),
	INFO_FN("clients", "pubsub_patterns", INFO_FN_SIZE, size,
	    pubsub_patterns),

	INFO_STAT("total_connections_received", connections_received),
	INFO_STAT("rejected_connections", connections_rejected),
	INFO_STAT("total_commands_processed", commands_processed),
	INFO_STAT("protocol_errors", protocol_errors),
	INFO_STAT("output_limit_disconnects", output_limit_disconnects),
	INFO_STAT("idle_disconnects", idle_disconnects),
	INFO_STAT("auth_failures", auth_failures),
	/* Password checking: what an operator watches in a flood. */
	INFO_FN("stats", "auth_locked_refusals", INFO_FN_U64, u64,
	    throttle_refusals),
	INFO_FN("stats", "auth_throttle_entries", INFO_FN_SIZE, size,
	    throttle_entries),
	INFO_FIELD("stats", "hasher_threads", INFO_INT, info_hasher,
	    struct hasher_stats, threads),
	INFO_FIELD("stats", "hasher_queued", INFO_SIZE, info_hasher,
	    struct hasher_stats, queued),
	INFO_FIELD("stats", "hasher_running", INFO_SIZE, info_hasher,
	    struct hasher_stats, running),
	INFO_FIELD("stats", "hasher_jobs_done", INFO_U64, info_hasher,
	    struct hasher_stats, done),
	INFO_FIELD("stats", "hasher_jobs_dropped", INFO_U64, info_hasher,
	    struct hasher_stats, dropped),
	INFO_FIELD("stats", "hasher_busy_refusals", INFO_U64, info_hasher,
	    struct hasher_stats, busy),
	INFO_STAT("accept_pauses", accept_pauses),
	INFO_STAT("rejected_unauth_connections", unauth_rejected),
	INFO_STAT("auth_timeouts", auth_timeouts),
	INFO_STAT("request_timeouts", request_timeouts),
	INFO_STAT("http_on_resp_disconnects", http_rejected),
	INFO_STAT("subscribe_refused", subscribe_refused),
	INFO_FN("stats", "open_tickets", INFO_FN_SIZE, size,
	    info_open_tickets),
	INFO_FN("stats", "next_ticket_id", INFO_FN_U64, u64,
	    info_next_ticket_id),

	INFO_FN("persistence", "db_path", INFO_FN_STR, str, info_db_path),
	INFO_FN("persistence", "durability", INFO_FN_STR, str,
	    info_durability),
	INFO_FN("persistence", "journal_mode", INFO_FN_STR, str,
	    info_journal_mode),
	INFO_FN("persistence", "last_event_seq", INFO_FN_I64, i64,
	    info_last_event_seq),
	INFO_FIELD("persistence", "commits", INFO_U64, info_store,
	    struct store_stats, commits),
	INFO_FIELD("persistence", "commit_failures", INFO_U64, info_store,
	    struct store_stats, commit_failures),
	INFO_SERVER("persistence", "engine_rebuilds", INFO_U64,
	    stats.engine_rebuilds),
	INFO_FN("persistence", "commit_backlog", INFO_FN_SIZE, size,
	    info_commit_backlog),
	INFO_FIELD("persistence", "commit_backlog_written", INFO_U64,
	    info_journal, struct journal_stats, backlog_written),
	INFO_FIELD("persistence", "commit_backlog_dropped", INFO_U64,
	    info_journal, struct journal_stats, backlog_dropped),
	INFO_FIELD("persistence", "events_written", INFO_U64, info_store,
	    struct store_stats, events_written),
	INFO_FIELD("persistence", "last_commit_events", INFO_U64, info_store,
	    struct store_stats, last_commit_events),
	INFO_FIELD("persistence", "last_commit_usec", INFO_U64, info_store,
	    struct store_stats, last_commit_usec),
	INFO_FIELD("persistence", "max_batch_events", INFO_U64, info_journal,
	    struct journal_stats, max_batch),
	INFO_FN("persistence", "wal_checkpoints", INFO_FN_U64, u64,
	    info_wal_checkpoints),
	/* Reports and retention. */
	INFO_FN("persistence", "reports_pending", INFO_FN_SIZE, size,
	    report_pending),
	INFO_FN("persistence", "report_data_from", INFO_FN_I64, i64,
	    info_data_from),
	INFO_SERVER("persistence", "retention_keep_ms", INFO_I64,
	    cfg.retention_keep),
	INFO_FIELD("persistence", "retention_batches", INFO_U64,
	    info_retention, struct retention_stats, batches),
	INFO_FIELD("persistence", "retention_pruned_tickets", INFO_U64,
	    info_retention, struct retention_stats, tickets),
	INFO_FIELD("persistence", "retention_pruned_events", INFO_U64,
	    info_retention, struct retention_stats, events),
	INFO_FIELD("persistence", "retention_failures", INFO_U64,
	    info_retention, struct retention_stats, failures),
	INFO_FIELD("persistence", "retention_max_batch_usec", INFO_U64,
	    info_retention, struct retention_stats, max_batch_usec),
};

/* The sections the table fills, in order, with their headings. */
static const struct {
	const char	*name;
	const char	*title;
} info_sections[] = {
	{ "server", "Server" },
	{ "clients", "Clients" },
	{ "stats", "Stats" },
	{ "persistence", "Persistence" }
};

/* A row whose value is a function's result. */
static void
info_fn_line(struct buf *b, const struct info_row *r)
{
	switch (r->type) {
	case INFO_FN_U64:
		info_line(b, "%s:%llu", r->name,
		    (unsigned long long)r->fn.u64());
		break;
	case INFO_FN_SIZE:
		info_line(b, "%s:%zu", r->name, r->fn.size());
		break;
	case INFO_FN_INT:
		info_line(b, "%s:%d", r->name, r->fn.i());
		break;
	case INFO_FN_I64:
		info_line(b, "%s:%lld", r->name, (long long)r->fn.i64());
		break;
	case INFO_FN_STR:
		info_line(b, "%s:%s", r->name, r->fn.str());
		break;
	default:
		break;
	}
}

static void
info_row_line(struct buf *b, const struct info_row *r)
{
	const char	*p;

	if (r->base == NULL) {
		info_fn_line(b, r);
		return;
	}
	p = (const char *)r->base() + r->off;
	switch (r->type) {
	case INFO_U64:
		info_line(b, "%s:%llu", r->name,
		    (unsigned long long)*(const uint64_t *)(const void *)p);
		break;
	case INFO_SIZE:
		info_line(b, "%s:%zu", r->name, *(const size_t *)(const void *)p);
		break;
	case INFO_INT:
		info_line(b, "%s:%d", r->name, *(const int *)(const void *)p);
		break;
	case INFO_I64:
		info_line(b, "%s:%lld", r->name,
		    (long long)*(const int64_t *)(const void *)p);
		break;
	case INFO_CHARS:
		info_line(b, "%s:%s", r->name, p);
		break;
	default:
		break;
	}
}

static int
info_want(const char *section, const char *name)
{
	return (section == NULL || strcasecmp(section, name) == 0 ||
	    strcasecmp(section, "all") == 0 ||
	    strcasecmp(section, "everything") == 0 ||
	    strcasecmp(section, "default") == 0);
}

static void
info_section(struct buf *b, const char *name, const char *title)
{
	size_t	i;

	info_line(b, "# %s", title);
	for (i = 0; i < sizeof info_rows / sizeof info_rows[0]; i++)
		if (strcmp(info_rows[i].section, name) == 0)
			info_row_line(b, &info_rows[i]);
	info_line(b, "%s", "");
}

static void
cmd_info(struct conn *c, const struct cmd_args *a)
{
	const char	*sec = cmd_str(a, "section");
	struct buf	*b = &c->reply;
	size_t		 i, mark;

	if (sec != NULL && !info_want(sec, "server") &&
	    !info_want(sec, "clients") && !info_want(sec, "stats") &&
	    !info_want(sec, "persistence") && !info_want(sec, "metrics") &&
	    !info_want(sec, "commandstats")) {
		resp_add_error(&c->reply, "ERR unknown INFO section '%.32s' "
		    "(server, clients, stats, persistence, metrics, "
		    "commandstats)", sec);
		return;
	}
	/* One bulk string, written in place. */
	mark = resp_add_deferred_len(b);
	for (i = 0; i < sizeof info_sections / sizeof info_sections[0]; i++)
		if (info_want(sec, info_sections[i].name))
			info_section(b, info_sections[i].name,
			    info_sections[i].title);
	if (info_want(sec, "metrics"))
		metrics_info_metrics(b);
	if (info_want(sec, "commandstats"))
		metrics_info_commandstats(b);
	resp_set_deferred_bulk(b, mark);
}

/* DEBUG CLOCK: the test clock (HOTLINE_TEST_CLOCK) moves forward. */

const struct cmd_entry cmd_info_table[] = {
	{ .name = "INFO", .roles = ROLE_ANY, .exec = cmd_info,
	  .args = ARGS(POS("section", .flags = ARG_OPTIONAL)) },
	{ .name = NULL }
};
