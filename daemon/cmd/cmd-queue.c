/* QUEUE commands: what is waiting and who is there to take it. */
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "server.h"

/* Service level as a percentage with one decimal, "-" with nothing to count. */
static void
queue_sl_value(struct conn *c, const struct sl_counts *k)
{
	uint64_t	den = k->answered + k->abandoned;

	if (den == 0)
		resp_add_cstr(&c->reply, "-");
	else
		resp_add_bulkf(&c->reply, "%.1f",
		    100.0 * (double)k->in_target / (double)den);
}

static void
queue_sl_sum(const struct sl_counts *by_tier, int ntiers,
    struct sl_counts *sum)
{
	int	i;

	memset(sum, 0, sizeof *sum);
	for (i = 0; i < ntiers; i++) {
		sum->answered += by_tier[i].answered;
		sum->in_target += by_tier[i].in_target;
		sum->abandoned += by_tier[i].abandoned;
		sum->short_abandoned += by_tier[i].short_abandoned;
		sum->breaches += by_tier[i].breaches;
		sum->answer_ms += by_tier[i].answer_ms;
	}
}

#define QUEUE_SL_FIELDS_PER_WINDOW	5

/* sl_<w>, sl_<w>.<tier>..., asa_<w>_ms, answered_<w>, abandoned_<w>, short_abandoned_<w> */
static void
queue_sl_window(struct conn *c, const char *w, const struct sl_counts *by_tier,
    int ntiers)
{
	struct sl_counts	sum;
	int			i;

	queue_sl_sum(by_tier, ntiers, &sum);
	resp_add_bulkf(&c->reply, "sl_%s", w);
	queue_sl_value(c, &sum);
	for (i = 0; i < ntiers; i++) {
		resp_add_bulkf(&c->reply, "sl_%s.%s", w,
		    engine_tier_name(server.engine, i));
		queue_sl_value(c, &by_tier[i]);
	}
	resp_add_bulkf(&c->reply, "asa_%s_ms", w);
	resp_add_int(&c->reply, sum.answered ?
	    (long long)(sum.answer_ms / (hl_ms)sum.answered) : 0);
	resp_add_bulkf(&c->reply, "answered_%s", w);
	resp_add_int(&c->reply, (long long)sum.answered);
	resp_add_bulkf(&c->reply, "abandoned_%s", w);
	resp_add_int(&c->reply, (long long)sum.abandoned);
	resp_add_bulkf(&c->reply, "short_abandoned_%s", w);
	resp_add_int(&c->reply, (long long)sum.short_abandoned);
}

static void
queue_reply_stats(struct conn *c, const struct queue_stats *qs)
{
	hl_ms	now = server_now();
	int	i, ntiers = engine_tier_count(server.engine);

	if (ntiers > ENGINE_MAX_TIERS)
		ntiers = ENGINE_MAX_TIERS;
	resp_add_map(&c->reply, 16 + (size_t)ntiers +
	    3 * (QUEUE_SL_FIELDS_PER_WINDOW + (size_t)ntiers));
	resp_add_field_str(&c->reply, "queue", qs->name);
	resp_add_field_str(&c->reply, "strategy", qs->strategy);
	resp_add_field_int(&c->reply, "waiting", (long long)qs->waiting);
	for (i = 0; i < ntiers; i++) {
		resp_add_bulkf(&c->reply, "waiting.%s",
		    engine_tier_name(server.engine, i));
		resp_add_int(&c->reply, (long long)qs->waiting_by_tier[i]);
	}
	resp_add_field_int(&c->reply, "oldest_wait_ms",
	    qs->oldest_enqueued > 0 ? now - qs->oldest_enqueued : 0);
	resp_add_field_int(&c->reply, "offered", (long long)qs->offered);
	resp_add_field_int(&c->reply, "active", (long long)qs->active);
	resp_add_field_int(&c->reply, "scheduled", (long long)qs->scheduled);
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
	resp_add_field_int(&c->reply, "breaches_today",
	    (long long)qs->breaches_today);
	queue_sl_window(c, "today", qs->sl_today, ntiers);
	queue_sl_window(c, "15m", qs->sl_15m, ntiers);
	queue_sl_window(c, "1h", qs->sl_1h, ntiers);
}

static void
queue_list_one(const char *name, void *arg)
{
	struct cmd_rows		*r = arg;
	struct queue_stats	 qs;

	if (engine_queue_stats(server.engine, name, server_now(), &qs) == 0)
		queue_reply_stats(r->c, &qs);
	else
		resp_add_nil(r->b);
	r->n++;
}

static void
cmd_queue_list(struct conn *c, const struct cmd_args *a)
{
	struct cmd_rows	r;

	cmd_rows_open(c, &r);
	engine_queue_foreach(server.engine, queue_list_one, &r);
	cmd_rows_close(c, &r, 0, NULL);
}

static int
queue_find(struct conn *c, struct cmd_values *v, struct cmd_value *q)
{
	if (engine_has_queue(server.engine, q->s))
		return (0);
	resp_add_error(&c->reply, "NOTFOUND no such queue '%.64s'", q->s);
	return (-1);
}

static void
cmd_queue_stats(struct conn *c, const struct cmd_args *a)
{
	struct queue_stats	qs;

	/* The queue exists: queue_find() said so before the handler. */
	if (engine_queue_stats(server.engine, cmd_str(a, "queue"),
	    server_now(), &qs) == 0)
		queue_reply_stats(c, &qs);
	else
		resp_add_nil(&c->reply);
}

const struct cmd_entry cmd_queue_table[] = {
	{ .name = "QUEUE", .sub = "LIST", .roles = ROLE_ANY,
	  .exec = cmd_queue_list },
	{ .name = "QUEUE", .sub = "STATS", .roles = ROLE_ANY,
	  .exec = cmd_queue_stats,
	  .args = ARGS(POS("queue", .check = queue_find)) },
	{ .name = NULL }
};
