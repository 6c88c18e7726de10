/* QUEUE commands: what is waiting and who is there to take it. */
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "server.h"

static void
queue_reply_stats(struct conn *c, const struct queue_stats *qs)
{
	hl_ms	now = server_now();
	int	i, ntiers = engine_tier_count(server.engine);

	resp_add_map(&c->reply, 14 + (size_t)ntiers);
	resp_add_field_str(&c->reply, "queue", qs->name);
	resp_add_field_str(&c->reply, "strategy", qs->strategy);
	resp_add_field_int(&c->reply, "waiting", (long long)qs->waiting);
	for (i = 0; i < ntiers && i < 16; i++) {
		resp_add_bulkf(&c->reply, "waiting.%s",
		    engine_tier_name(server.engine, i));
		resp_add_int(&c->reply, (long long)qs->waiting_by_tier[i]);
	}
	resp_add_field_int(&c->reply, "oldest_wait_ms",
	    qs->oldest_enqueued > 0 ? now - qs->oldest_enqueued : 0);
	resp_add_field_int(&c->reply, "offered", (long long)qs->offered);
	resp_add_field_int(&c->reply, "active", (long long)qs->active);
	resp_add_field_int(&c->reply, "agents.offline",
	    (long long)qs->agents_by_status[AGENT_OFFLINE]);
	resp_add_field_int(&c->reply, "agents.available",
	    (long long)qs->agents_by_status[AGENT_AVAILABLE]);
	resp_add_field_int(&c->reply, "agents.busy",
	    (long long)qs->agents_by_status[AGENT_BUSY]);
	resp_add_field_int(&c->reply, "agents.wrapup",
	    (long long)qs->agents_by_status[AGENT_WRAPUP]);
	resp_add_field_int(&c->reply, "agents.break",
	    (long long)qs->agents_by_status[AGENT_BREAK]);
	resp_add_field_int(&c->reply, "agents.logged_in",
	    (long long)(qs->agents_by_status[AGENT_AVAILABLE] +
	    qs->agents_by_status[AGENT_BUSY] +
	    qs->agents_by_status[AGENT_WRAPUP] +
	    qs->agents_by_status[AGENT_BREAK]));
	resp_add_field_int(&c->reply, "time_ms", now);
	resp_add_field_int(&c->reply, "tiers", ntiers);
}

static void
queue_count(const char *name, void *arg)
{
	(*(size_t *)arg)++;
}

static void
queue_list_one(const char *name, void *arg)
{
	struct conn		*c = arg;
	struct queue_stats	 qs;

	if (engine_queue_stats(server.engine, name, &qs) == 0)
		queue_reply_stats(c, &qs);
	else
		resp_add_nil(&c->reply);
}

static void
cmd_queue_list(struct conn *c, const struct cmd_args *a)
{
	size_t	n = 0;

	engine_queue_foreach(server.engine, queue_count, &n);
	resp_add_array(&c->reply, n);
	engine_queue_foreach(server.engine, queue_list_one, c);
}

static void
cmd_queue_stats(struct conn *c, const struct cmd_args *a)
{
	struct queue_stats	qs;

	if (engine_queue_stats(server.engine, a->argv[2], &qs) != 0) {
		resp_add_error(&c->reply, "NOTFOUND no such queue '%.64s'",
		    a->argv[2]);
		return;
	}
	queue_reply_stats(c, &qs);
}

const struct cmd_entry cmd_queue_table[] = {
	{ "QUEUE", "LIST", 2, 0, ROLE_ANY, "QUEUE LIST", cmd_queue_list },
	{ "QUEUE", "STATS", 3, 0, ROLE_ANY, "QUEUE STATS <queue>",
	  cmd_queue_stats },
	{ NULL, NULL, 0, 0, 0, NULL, NULL }
};
