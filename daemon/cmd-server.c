/* Connection and server commands: PING HELLO AUTH QUIT INFO CONFIG SHUTDOWN. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth.h"
#include "cmd.h"
#include "conn.h"
#include "journal.h"
#include "log.h"
#include "pubsub.h"
#include "server.h"
#include "store.h"
#include "waiters.h"

static void
cmd_ping(struct conn *c, const struct cmd_args *a)
{
	if ((c->flags & CONN_PUBSUB) != 0) {
		/* Redis answers a subscribed PING as a pub/sub message. */
		resp_add_array(&c->reply, 2);
		resp_add_cstr(&c->reply, "pong");
		if (a->argc == 2)
			resp_add_bulk(&c->reply, a->argv[1], a->argvlen[1]);
		else
			resp_add_cstr(&c->reply, "");
		return;
	}
	if (a->argc == 2)
		resp_add_bulk(&c->reply, a->argv[1], a->argvlen[1]);
	else
		resp_add_status(&c->reply, "PONG");
}

static int
cmd_do_auth(struct conn *c, const char *user, const char *password)
{
	struct store_user	u;
	int			found;

	found = store_get_user(server.store, user, &u);
	if (!auth_verify(found ? u.hash : NULL, password) || u.role == 0) {
		server.stats.auth_failures++;
		c->auth_failures++;
		log_info("client %llu (%s): failed AUTH for '%.64s'",
		    (unsigned long long)c->id, c->addr, user);
		resp_add_error(&c->reply, "WRONGPASS invalid username-password "
		    "pair or user is disabled.");
		return (-1);
	}
	c->authed = 1;
	c->role = u.role;
	snprintf(c->user, sizeof c->user, "%s", u.name);
	log_info("client %llu (%s): authenticated as %s (%s)",
	    (unsigned long long)c->id, c->addr, c->user, role_name(c->role));
	return (0);
}

static void
cmd_auth(struct conn *c, const struct cmd_args *a)
{
	if (a->argc != 3) {
		resp_add_error(&c->reply, "ERR AUTH needs a user name and a "
		    "password: AUTH <user> <password>");
		return;
	}
	if (cmd_do_auth(c, a->argv[1], a->argv[2]) == 0)
		resp_add_status(&c->reply, "OK");
}

static void
cmd_hello(struct conn *c, const struct cmd_args *a)
{
	long long	proto = 2;
	int		i = 1;

	if (a->argc > 1) {
		if (cmd_parse_int(c, a->argv[1], 1, 1000, &proto) != 0)
			return;
		if (proto != 2) {
			resp_add_error(&c->reply, "NOPROTO sorry, this protocol "
			    "version is not supported");
			return;
		}
		i = 2;
	}
	for (; i < a->argc; i++) {
		if (cmd_is(a->argv[i], "AUTH") && i + 2 < a->argc) {
			if (cmd_do_auth(c, a->argv[i + 1], a->argv[i + 2]) != 0)
				return;
			i += 2;
		} else if (cmd_is(a->argv[i], "SETNAME") && i + 1 < a->argc)
			i++;
		else {
			resp_add_error(&c->reply, "ERR syntax error in HELLO "
			    "option '%.64s'", a->argv[i]);
			return;
		}
	}
	resp_add_map(&c->reply, 7);
	resp_add_field_str(&c->reply, "server", "hotline");
	resp_add_field_str(&c->reply, "version", PACKAGE_VERSION);
	resp_add_field_int(&c->reply, "proto", 2);
	resp_add_field_int(&c->reply, "id", (long long)c->id);
	resp_add_field_str(&c->reply, "mode", "standalone");
	resp_add_field_str(&c->reply, "role", "master");
	resp_add_cstr(&c->reply, "modules");
	resp_add_array(&c->reply, 0);
}

static void
cmd_quit(struct conn *c, const struct cmd_args *a)
{
	resp_add_status(&c->reply, "OK");
	c->flags |= CONN_CLOSE;
}

static void
info_line(struct resp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
info_line(struct resp_buf *b, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	resp_add_raw(b, line, (size_t)n);
	resp_add_raw(b, "\r\n", 2);
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
cmd_info(struct conn *c, const struct cmd_args *a)
{
	const char			*sec = a->argc > 1 ? a->argv[1] : NULL;
	const struct store_stats	*ss = store_stats(server.store);
	const struct journal_stats	*js = journal_stats(server.journal);
	struct resp_buf			 b;
	struct conn			*k;
	size_t				 pubsub = 0;
	hl_ms				 now = server_now();

	if (sec != NULL && !info_want(sec, "server") &&
	    !info_want(sec, "clients") && !info_want(sec, "stats") &&
	    !info_want(sec, "persistence")) {
		resp_add_error(&c->reply, "ERR unknown INFO section '%.32s' "
		    "(server, clients, stats, persistence)", sec);
		return;
	}
	resp_buf_init(&b);
	if (info_want(sec, "server")) {
		info_line(&b, "# Server");
		info_line(&b, "hotline_version:%s", PACKAGE_VERSION);
		info_line(&b, "process_id:%d", (int)getpid());
		info_line(&b, "tcp_port:%d", server.bound_port);
		info_line(&b, "unixsocket:%s", server.cfg.unixsocket);
		info_line(&b, "config_file:%s", server.config_path);
		info_line(&b, "uptime_in_seconds:%lld",
		    (long long)(now - server.started) / 1000);
		info_line(&b, "time_ms:%lld", (long long)now);
		info_line(&b, "%s", "");
	}
	if (info_want(sec, "clients")) {
		TAILQ_FOREACH(k, &server.conns, entry)
			pubsub += (k->flags & CONN_PUBSUB) != 0;
		info_line(&b, "# Clients");
		info_line(&b, "connected_clients:%zu", server.nconns);
		info_line(&b, "maxclients:%zu", server.cfg.max_clients);
		info_line(&b, "blocked_clients:%zu", waiters_count());
		info_line(&b, "pubsub_clients:%zu", pubsub);
		info_line(&b, "pubsub_channels:%zu", pubsub_channels());
		info_line(&b, "pubsub_patterns:%zu", pubsub_patterns());
		info_line(&b, "%s", "");
	}
	if (info_want(sec, "stats")) {
		info_line(&b, "# Stats");
		info_line(&b, "total_connections_received:%llu",
		    (unsigned long long)server.stats.connections_received);
		info_line(&b, "rejected_connections:%llu",
		    (unsigned long long)server.stats.connections_rejected);
		info_line(&b, "total_commands_processed:%llu",
		    (unsigned long long)server.stats.commands_processed);
		info_line(&b, "protocol_errors:%llu",
		    (unsigned long long)server.stats.protocol_errors);
		info_line(&b, "output_limit_disconnects:%llu",
		    (unsigned long long)server.stats.output_limit_disconnects);
		info_line(&b, "idle_disconnects:%llu",
		    (unsigned long long)server.stats.idle_disconnects);
		info_line(&b, "auth_failures:%llu",
		    (unsigned long long)server.stats.auth_failures);
		info_line(&b, "accept_pauses:%llu",
		    (unsigned long long)server.stats.accept_pauses);
		info_line(&b, "open_tickets:%zu",
		    engine_ticket_count(server.engine));
		info_line(&b, "next_ticket_id:%llu",
		    (unsigned long long)engine_next_id(server.engine));
		info_line(&b, "%s", "");
	}
	if (info_want(sec, "persistence")) {
		info_line(&b, "# Persistence");
		info_line(&b, "db_path:%s", store_path(server.store));
		info_line(&b, "durability:%s", server.cfg.durability ==
		    DURABILITY_FULL ? "full" : "normal");
		info_line(&b, "journal_mode:wal");
		info_line(&b, "last_event_seq:%lld",
		    (long long)store_last_seq(server.store));
		info_line(&b, "commits:%llu", (unsigned long long)ss->commits);
		info_line(&b, "commit_failures:%llu",
		    (unsigned long long)ss->commit_failures);
		info_line(&b, "events_written:%llu",
		    (unsigned long long)ss->events_written);
		info_line(&b, "last_commit_events:%llu",
		    (unsigned long long)ss->last_commit_events);
		info_line(&b, "last_commit_usec:%llu",
		    (unsigned long long)ss->last_commit_usec);
		info_line(&b, "max_batch_events:%llu",
		    (unsigned long long)js->max_batch);
		info_line(&b, "wal_checkpoints:%llu",
		    (unsigned long long)store_checkpoints(server.store));
		info_line(&b, "%s", "");
	}
	resp_add_bulk(&c->reply, b.data, b.len);
	resp_buf_free(&b);
}

/* CONFIG GET never shows secrets: password hashes are not config keys. */
static void
cmd_config_get(struct conn *c, const struct cmd_args *a)
{
	const struct config	*cfg = &server.cfg;
	char			 v[14][64];
	const char		*keys[] = { "bind", "port", "unixsocket",
				    "data_dir", "durability", "log_level",
				    "max_clients", "max_inline", "max_args",
				    "max_bulk", "output_limit",
				    "pubsub_output_limit", "idle_timeout",
				    "reject_cooldown" };
	const char		*vals[14];
	static const char	*levels[] = { "error", "warn", "info", "debug" };
	size_t			 i, n = 0;

	vals[0] = cfg->bind;
	snprintf(v[1], sizeof v[1], "%d", server.bound_port);
	vals[1] = v[1];
	vals[2] = cfg->unixsocket;
	vals[3] = cfg->data_dir;
	vals[4] = cfg->durability == DURABILITY_FULL ? "full" : "normal";
	vals[5] = levels[cfg->log_level];
	snprintf(v[6], sizeof v[6], "%zu", cfg->max_clients);
	snprintf(v[7], sizeof v[7], "%zu", cfg->max_inline);
	snprintf(v[8], sizeof v[8], "%zu", cfg->max_args);
	snprintf(v[9], sizeof v[9], "%zu", cfg->max_bulk);
	snprintf(v[10], sizeof v[10], "%zu", cfg->output_limit);
	snprintf(v[11], sizeof v[11], "%zu", cfg->pubsub_output_limit);
	snprintf(v[12], sizeof v[12], "%lldms", (long long)cfg->idle_timeout);
	snprintf(v[13], sizeof v[13], "%lldms",
	    (long long)cfg->reject_cooldown);
	for (i = 6; i < 14; i++)
		vals[i] = v[i];
	for (i = 0; i < 14; i++)
		n += fnmatch(a->argv[2], keys[i], FNM_CASEFOLD) == 0;
	resp_add_map(&c->reply, n);
	for (i = 0; i < 14; i++)
		if (fnmatch(a->argv[2], keys[i], FNM_CASEFOLD) == 0)
			resp_add_field_str(&c->reply, keys[i], vals[i]);
}

static void
cmd_config_reload(struct conn *c, const struct cmd_args *a)
{
	char	err[CONFIG_ERRMAX];

	if (server_reload(err, sizeof err) != 0)
		resp_add_error(&c->reply, "ERR %s", err);
	else
		resp_add_status(&c->reply, "OK");
}

static void
cmd_shutdown(struct conn *c, const struct cmd_args *a)
{
	log_info("shutdown requested by %s (%s)", c->user, c->addr);
	server.shutdown = 1;
	resp_add_status(&c->reply, "OK");
}

const struct cmd_entry cmd_server_table[] = {
	{ .name = "PING", .arity = -1, .flags = CMD_NOAUTH | CMD_PUBSUB,
	  .roles = ROLE_ANY, .usage = "PING [message]", .exec = cmd_ping },
	{ .name = "HELLO", .arity = -1, .flags = CMD_NOAUTH,
	  .roles = ROLE_ANY, .usage = "HELLO [2 [AUTH user password]]",
	  .exec = cmd_hello },
	{ .name = "AUTH", .arity = -2, .flags = CMD_NOAUTH,
	  .roles = ROLE_ANY, .usage = "AUTH <user> <password>",
	  .exec = cmd_auth },
	{ .name = "QUIT", .arity = 1, .flags = CMD_NOAUTH | CMD_PUBSUB,
	  .roles = ROLE_ANY, .usage = "QUIT", .exec = cmd_quit },
	{ .name = "INFO", .arity = -1, .roles = ROLE_ANY,
	  .usage = "INFO [server|clients|stats|persistence]",
	  .exec = cmd_info },
	{ .name = "CONFIG", .sub = "GET", .arity = 3, .roles = ROLE_MANAGE,
	  .usage = "CONFIG GET <pattern>", .exec = cmd_config_get },
	{ .name = "CONFIG", .sub = "RELOAD", .arity = 2, .roles = ROLE_ADMIN,
	  .usage = "CONFIG RELOAD", .exec = cmd_config_reload },
	{ .name = "SHUTDOWN", .arity = -1, .roles = ROLE_ADMIN,
	  .usage = "SHUTDOWN", .exec = cmd_shutdown },
	{ .name = NULL }
};
