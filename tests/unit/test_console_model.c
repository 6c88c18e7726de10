/*
 * test_console_model.c: the wallboard's model (clients/console-data.c,
 * console-feed.c, in libconsolemodel.a) on its own, without links or a
 * screen: this program links no ncurses and no screen code, so a model
 * that called its screen would not build. Snapshot replies and events go
 * in; the tables, alarms, feed and the marks of what changed come out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console.h"
#include "test_reply.h"

#define S(s)	reply_str(REDIS_REPLY_STRING, s)

/* Applies one event (JSON, as published) and returns data_apply's. */
static uint64_t
apply(struct console *c, const char *json)
{
	struct evmsg	ev;
	char		err[64];
	uint64_t	learn;

	assert_int_equal(evmsg_parse(&ev, json, strlen(json), err,
	    sizeof err), 0);
	learn = data_apply(c, &ev);
	evmsg_clear(&ev);
	return (learn);
}

/* A model with queues billing and sales and agent alice, loaded. */
static void
model_setup(struct console *c)
{
	redisReply	*r;

	memset(c, 0, sizeof *c);
	data_init(c);
	r = reply_map(2,
	    reply_map(4, S("queue"), S("billing"), S("waiting"), reply_int_new(3)),
	    reply_map(4, S("queue"), S("sales"), S("waiting"), reply_int_new(0)));
	data_set_queues(c, r);
	reply_free(r);
	r = reply_map(1, reply_map(6, S("name"), S("alice"), S("status"),
	    S("available"), S("skills"), S("billing:3")));
	data_set_agents(c, r);
	reply_free(r);
	data_loaded(c);
	assert_int_equal(c->nqueues, 2);
	assert_int_equal(c->nagents, 1);
	assert_true(c->loaded);
	assert_int_equal(c->changed, DATA_LOADED);
	c->changed = 0;
}

static void
test_model_events(void **state)
{
	struct console		 c;
	const struct feed_item	*f;
	struct cagent		*alice;
	int			 bi;

	(void)state;
	model_setup(&c);
	bi = data_queue_index(&c, "billing");
	assert_int_equal(bi, 0);
	/* A breach of a ticket whose queue the event names. */
	assert_true(apply(&c, "{\"seq\":1,\"type\":\"sla.breach\",\"ticket\":7,"
	    "\"actor\":\"system\",\"data\":{\"queue\":\"billing\","
	    "\"clock\":\"answer\",\"target_ms\":30000}}") == 0);
	assert_int_equal(c.queues[bi].breaches, 1);
	assert_true(c.queues[bi].dirty);
	assert_int_equal(c.changed, DATA_TABLES);
	assert_int_equal(data_feed_count(&c), 1);
	f = data_feed_item(&c, 0);
	assert_non_null(f);
	assert_string_equal(f->label, "BREACH");
	assert_string_equal(f->queue, "billing");
	assert_true(data_feed_live(&c, f));
	/* A warning of a ticket whose queue is unknown: the model asks. */
	assert_true(apply(&c, "{\"seq\":2,\"type\":\"sla.warning\","
	    "\"ticket\":8,\"actor\":\"system\",\"data\":{\"clock\":"
	    "\"answer\",\"target_ms\":30000}}") == 8);
	assert_int_equal(c.queues[bi].warnings, 0);
	data_set_ticket_queue(&c, 8, "billing");
	assert_int_equal(c.queues[bi].warnings, 1);
	f = data_feed_item(&c, 1);
	assert_non_null(f);
	assert_string_equal(f->label, "WARNING");
	assert_string_equal(f->queue, "billing");
	/* Accepting the breached ticket ends its alarm; alice works it. */
	apply(&c, "{\"seq\":3,\"type\":\"ticket.accepted\",\"ticket\":7,"
	    "\"agent\":\"alice\",\"actor\":\"alice\",\"data\":"
	    "{\"queue\":\"billing\",\"waited\":45000}}");
	assert_int_equal(c.queues[bi].breaches, 0);
	alice = data_agent(&c, "alice");
	assert_non_null(alice);
	assert_true(alice->ticket == 7);
	assert_true(alice->dirty);
	assert_false(data_feed_live(&c, data_feed_item(&c, 0)));
	/* An agent the snapshot did not have is added, in name order. */
	apply(&c, "{\"seq\":4,\"type\":\"agent.status\",\"agent\":\"aaron\","
	    "\"actor\":\"aaron\",\"data\":{\"status\":\"available\"}}");
	assert_int_equal(c.nagents, 2);
	assert_string_equal(c.agents[0].name, "aaron");
	/* The filter hides the other queues' items. */
	snprintf(c.filter, sizeof c.filter, "sales");
	assert_int_equal(data_feed_count(&c), 0);
	data_free(&c);
}

static void
test_model_rereads(void **state)
{
	struct console	 c;
	redisReply	*r;

	(void)state;
	model_setup(&c);
	/* A re-read of a queue touched again meanwhile asks for another. */
	c.queues[1].inflight = 1;
	c.queues[1].dirty = 1;
	r = reply_map(4, S("queue"), S("sales"), S("waiting"), reply_int_new(5));
	assert_int_equal(data_set_queue(&c, "sales", r), 1);
	reply_free(r);
	assert_int_equal(c.queues[1].waiting, 5);
	assert_int_equal(c.queues[1].inflight, 0);
	assert_int_equal(c.changed, DATA_TABLES);
	assert_int_equal(data_set_queue(&c, "nosuch", NULL), 0);
	c.queues[1].dirty = 0;
	/* The same status: nothing more to read. */
	r = reply_map(6, S("name"), S("alice"), S("status"), S("available"),
	    S("skills"), S("billing:3"));
	assert_int_equal(data_set_agent(&c, "alice", r), 0);
	reply_free(r);
	assert_false(c.queues[0].dirty);
	/* A new status changes the agent counts of the agent's queues:
	 * billing is re-read, sales (no skill) is not. */
	r = reply_map(6, S("name"), S("alice"), S("status"), S("break"),
	    S("skills"), S("billing:3"));
	assert_int_equal(data_set_agent(&c, "alice", r), 1);
	reply_free(r);
	assert_true(c.queues[0].dirty);
	assert_false(c.queues[1].dirty);
	c.queues[0].dirty = 0;
	/* An agent deleted meanwhile is gone, and hidden; its queues lost
	 * an agent. */
	r = reply_str(REDIS_REPLY_ERROR, "NOTFOUND no such agent");
	assert_int_equal(data_set_agent(&c, "alice", r), 1);
	reply_free(r);
	assert_true(c.agents[0].gone);
	assert_true(c.queues[0].dirty);
	assert_false(data_agent_visible(&c, &c.agents[0]));
	/* A link lost: recorded, with why; fatal says so. */
	c.changed = 0;
	data_lost(&c, "connection refused", 0);
	assert_false(c.loaded);
	assert_true(c.lost_at > 0);
	assert_int_equal(c.changed, DATA_LOST);
	assert_string_equal(c.why, "connection refused");
	data_lost(&c, "wrong password", 1);
	assert_int_equal(c.changed, DATA_LOST | DATA_FATAL);
	data_free(&c);
}

/* More breaches in one queue than the alarm ring holds. */
#define BURST	(CON_ALERTS_MAX + 10)

static void
test_model_live_breaches(void **state)
{
	struct console	 c;
	redisReply	*r;
	char		 json[256];
	int		 i;

	(void)state;
	model_setup(&c);
	/* A snapshot: ticket 3 waited past its SLA before we looked. */
	r = reply_map(1, reply_map(10, S("id"), reply_int_new(3), S("queue"),
	    S("billing"), S("answer_sla"), S("breached"), S("answer_due"),
	    reply_int_new(1000), S("answer_target_ms"), reply_int_new(30000)));
	data_set_waiting(&c, r);
	reply_free(r);
	assert_int_equal(c.queues[0].breaches, 1);
	assert_int_equal(data_feed_count(&c), 1);
	assert_string_equal(data_feed_item(&c, 0)->label, "BREACH");
	assert_string_equal(data_feed_item(&c, 0)->queue, "billing");
	/* A burst in sales does not push billing's waiting breach out. */
	for (i = 0; i < BURST; i++) {
		snprintf(json, sizeof json, "{\"seq\":%d,\"type\":"
		    "\"sla.breach\",\"ticket\":%d,\"actor\":\"system\","
		    "\"data\":{\"queue\":\"sales\",\"clock\":\"answer\","
		    "\"target_ms\":30000}}", i + 1, 100 + i);
		apply(&c, json);
	}
	snprintf(c.filter, sizeof c.filter, "billing");
	assert_int_equal(data_feed_count(&c), 1);
	assert_true(data_feed_live(&c, data_feed_item(&c, 0)));
	/* Answered: history, dimmed, still in the feed. */
	apply(&c, "{\"seq\":9999,\"type\":\"ticket.accepted\",\"ticket\":3,"
	    "\"agent\":\"alice\",\"actor\":\"alice\",\"data\":"
	    "{\"queue\":\"billing\",\"waited\":45000}}");
	assert_int_equal(c.queues[0].breaches, 0);
	assert_string_equal(data_feed_item(&c, 0)->label, "BREACH");
	assert_false(data_feed_live(&c, data_feed_item(&c, 0)));
	c.filter[0] = '\0';
	assert_int_equal(c.nlive, BURST);
	data_free(&c);
}

static void
changed_cb(evutil_socket_t fd, short what, void *arg)
{
	(*(int *)arg)++;
}

/* Marks coalesce: one wake-up of the viewer for a burst of changes. */
static void
test_model_marks(void **state)
{
	struct console		 c;
	struct event_base	*base;
	int			 calls = 0;

	(void)state;
	memset(&c, 0, sizeof c);
	assert_non_null(base = event_base_new());
	assert_non_null(c.ev_changed = event_new(base, -1, 0, changed_cb,
	    &calls));
	data_mark(&c, DATA_TABLES);
	data_mark(&c, DATA_LOADED);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(calls, 1);
	assert_int_equal(c.changed, DATA_TABLES | DATA_LOADED);
	event_free(c.ev_changed);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_events),
		cmocka_unit_test(test_model_rereads),
		cmocka_unit_test(test_model_live_breaches),
		cmocka_unit_test(test_model_marks),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
