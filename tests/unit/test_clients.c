/*
 * test_clients.c: the pieces hotline-agent and hotline-console share:
 * the JSON reader and event payloads, reply maps and tiers, the
 * shell-like tokenizer, time formatting and column fitting, and the
 * ticket map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evmsg.h"
#include "fmt.h"
#include "json.h"
#include "rmap.h"
#include "test_reply.h"
#include "tmap.h"
#include "words.h"

static struct json *
parse(const char *s)
{
	char	err[64];

	return (json_parse(s, strlen(s), err, sizeof err));
}

static void
test_json_values(void **state)
{
	struct json		*v;
	const struct json	*a, *e;
	char			 buf[16];

	v = parse(" {\"n\": 1796062016719, \"neg\": -42, \"f\": 1.5e2,"
	    " \"t\": true, \"no\": false, \"nil\": null, \"s\": \"x\","
	    " \"a\": [1, \"two\", {\"k\": []}], \"o\": {}} ");
	assert_non_null(v);
	assert_int_equal(v->type, JSON_OBJECT);
	assert_true(json_get_int(v, "n", 0) == INT64_C(1796062016719));
	assert_int_equal(json_get_int(v, "neg", 0), -42);
	assert_int_equal(json_get_int(v, "f", 0), 150);
	assert_true(json_get(v, "f")->number == 150.0);
	assert_int_equal(json_get_bool(v, "t", 0), 1);
	assert_int_equal(json_get_bool(v, "no", 1), 0);
	assert_int_equal(json_get(v, "nil")->type, JSON_NULL);
	assert_string_equal(json_get_str(v, "s"), "x");
	assert_null(json_get_str(v, "n"));		/* not a string */
	assert_null(json_get(v, "missing"));
	assert_int_equal(json_get_int(v, "missing", 7), 7);
	a = json_get(v, "a");
	assert_int_equal(a->type, JSON_ARRAY);
	e = a->child;
	assert_int_equal(e->integer, 1);
	assert_string_equal(e->next->str, "two");
	assert_int_equal(e->next->next->type, JSON_OBJECT);
	assert_null(e->next->next->next);
	assert_string_equal(json_text(json_get(v, "t"), buf, sizeof buf), "yes");
	assert_string_equal(json_text(json_get(v, "neg"), buf, sizeof buf), "-42");
	assert_string_equal(json_text(json_get(v, "nil"), buf, sizeof buf), "");
	assert_string_equal(json_text(a, buf, sizeof buf), "...");
	assert_string_equal(json_text(json_get(v, "o"), buf, sizeof buf), "...");
	json_free(v);
	v = parse("{\"actions\":[\"notify\",\"page\",3],\"long\":"
	    "[\"abcdefghij\",\"abcdefghij\"]}");
	assert_string_equal(json_text(json_get(v, "actions"), buf, sizeof buf),
	    "notify,page,3");
	assert_string_equal(json_text(json_get(v, "long"), buf, sizeof buf),
	    "...");
	json_free(v);
	/* A number inside a string still reads as an integer. */
	v = parse("{\"id\":\"123\",\"bad\":\"12x\"}");
	assert_int_equal(json_get_int(v, "id", 0), 123);
	assert_int_equal(json_get_int(v, "bad", -1), -1);
	json_free(v);
}

static void
test_json_strings(void **state)
{
	struct json	*v;

	v = parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\u20ac\\ud83d\\ude00\"");
	assert_non_null(v);
	assert_string_equal(v->str, "a\"b\\c/d\n\t\xc3\xa9\xe2\x82\xac"
	    "\xf0\x9f\x98\x80");
	json_free(v);
	/* A lone surrogate becomes U+FFFD; an escaped NUL is dropped. */
	v = parse("\"x\\ud800y\\u0000z\"");
	assert_non_null(v);
	assert_string_equal(v->str, "x\xef\xbf\xbdyz");
	json_free(v);
	v = parse("\"caf\xc3\xa9\"");
	assert_string_equal(v->str, "caf\xc3\xa9");
	json_free(v);
}

static void
test_json_errors(void **state)
{
	static const char *const bad[] = {
		"", "   ", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}",
		"\"open", "\"bad \\q escape\"", "\"ctl \x01\"", "tru", "nul",
		"-", "1 2", "{} x", "[1 2]", "\"\\u12\"", "\"\\ud800\\u0041\"",
		"{\"a\":1,}", NULL
	};
	char		 deep[200], err[64];
	struct json	*v;
	int		 i;

	for (i = 0; bad[i] != NULL; i++) {
		v = json_parse(bad[i], strlen(bad[i]), err, sizeof err);
		if (v != NULL)
			fail_msg("parsed '%s'", bad[i]);
		assert_true(err[0] != '\0');
	}
	/* Depth is bounded. */
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	assert_null(json_parse(deep, strlen(deep), err, sizeof err));
	assert_string_equal(err, "nested too deep");
	memset(deep, '[', 20);
	memset(deep + 20, ']', 20);
	deep[40] = '\0';
	v = json_parse(deep, strlen(deep), err, sizeof err);
	assert_non_null(v);
	json_free(v);
	/* Length, not NUL, ends the input. */
	v = json_parse("[1]garbage", 3, err, sizeof err);
	assert_non_null(v);
	json_free(v);
}

static int
evparse(struct evmsg *ev, const char *s, char *err)
{
	return (evmsg_parse(ev, s, strlen(s), err, 64));
}

static void
test_evmsg(void **state)
{
	static const char payload[] = "{\"seq\":42,\"time\":1764000000000,"
	    "\"type\":\"ticket.offered\",\"ticket\":7,\"agent\":\"alice\","
	    "\"customer\":\"+33612345678\",\"actor\":\"system\",\"data\":"
	    "{\"queue\":\"billing\",\"tier\":\"diamond\",\"step\":"
	    "\"manager:alice\",\"expires\":1764000030000}}";
	struct evmsg	ev;
	char		err[64];

	assert_int_equal(evmsg_parse(&ev, payload, strlen(payload), err,
	    sizeof err), 0);
	assert_int_equal(ev.seq, 42);
	assert_true(ev.time == INT64_C(1764000000000));
	assert_string_equal(ev.type, "ticket.offered");
	assert_int_equal(ev.ticket, 7);
	assert_string_equal(ev.agent, "alice");
	assert_string_equal(ev.customer, "+33612345678");
	assert_string_equal(ev.actor, "system");
	assert_string_equal(evmsg_str(&ev, "step"), "manager:alice");
	assert_string_equal(evmsg_str(&ev, "absent"), "");
	assert_true(evmsg_int(&ev, "expires", 0) == INT64_C(1764000030000));
	assert_string_equal(evmsg_queue(&ev), "billing");
	evmsg_clear(&ev);
	assert_string_equal(ev.type, "");
	/* An overflow names the queue as "overflow". */
	assert_int_equal(evparse(&ev, "{\"type\":\"ticket.escalated\","
	    "\"data\":{\"overflow\":\"general\"}}", err), 0);
	assert_string_equal(evmsg_queue(&ev), "general");
	assert_string_equal(ev.agent, "");
	evmsg_clear(&ev);
	/* data that is not an object is ignored; no type is not an event. */
	assert_int_equal(evparse(&ev, "{\"type\":\"x\",\"data\":[1]}", err), 0);
	assert_null(ev.data);
	evmsg_clear(&ev);
	assert_int_equal(evparse(&ev, "{\"seq\":1}", err), -1);
	assert_string_equal(err, "not an event object");
	assert_int_equal(evparse(&ev, "[]", err), -1);
	assert_int_equal(evparse(&ev, "{", err), -1);
}

static void
test_rmap(void **state)
{
	redisReply	*m;
	char		 buf[32];
	char		 tiers[8][RMAP_TIER_MAX];

	m = reply_map(12,
	    reply_str(REDIS_REPLY_STRING, "queue"),
	    reply_str(REDIS_REPLY_STRING, "billing"),
	    reply_str(REDIS_REPLY_STRING, "waiting"), reply_int_new(3),
	    reply_str(REDIS_REPLY_STRING, "waiting.standard"), reply_int_new(1),
	    reply_str(REDIS_REPLY_STRING, "waiting.gold"), reply_int_new(2),
	    reply_str(REDIS_REPLY_STRING, "sl_today"),
	    reply_str(REDIS_REPLY_STRING, "87.5"),
	    reply_str(REDIS_REPLY_STRING, "waiting.diamond"),
	    reply_str(REDIS_REPLY_STRING, "0"));
	assert_string_equal(rmap_str(m, "queue"), "billing");
	assert_string_equal(rmap_str(m, "waiting"), "");	/* an integer */
	assert_string_equal(rmap_text(m, "waiting", buf, sizeof buf), "3");
	assert_int_equal(rmap_int(m, "waiting", -1), 3);
	assert_int_equal(rmap_int(m, "waiting.diamond", -1), 0);
	assert_int_equal(rmap_int(m, "sl_today", -1), -1);	/* not an integer */
	assert_int_equal(rmap_int(m, "absent", -5), -5);
	assert_true(rmap_has(m, "sl_today"));
	assert_false(rmap_has(m, "billing"));		/* a value, not a key */
	assert_int_equal(rmap_tiers(m, tiers, 8), 3);
	assert_string_equal(tiers[0], "standard");
	assert_string_equal(tiers[2], "diamond");
	assert_int_equal(rmap_tiers(m, tiers, 2), 2);
	/* Three tiers or more: the top two stand out. */
	rmap_tiers(m, tiers, 8);
	assert_int_equal(tier_level(tiers, 3, "diamond"), 2);
	assert_int_equal(tier_level(tiers, 3, "gold"), 1);
	assert_int_equal(tier_level(tiers, 3, "standard"), 0);
	assert_int_equal(tier_level(tiers, 2, "gold"), 2);
	assert_int_equal(tier_level(tiers, 2, "standard"), 0);
	assert_int_equal(tier_level(tiers, 0, "diamond"), 2);
	assert_int_equal(tier_level(tiers, 0, "gold"), 1);
	assert_int_equal(tier_level(tiers, 0, "silver"), 0);
	assert_null(reply_error(m));
	reply_free(m);
	m = reply_str(REDIS_REPLY_ERROR, "NOTFOUND no such ticket 9");
	assert_string_equal(reply_error(m), "NOTFOUND no such ticket 9");
	assert_null(rmap_get(m, "x"));			/* not a map */
	reply_free(m);
	assert_null(rmap_get(NULL, "x"));
	assert_int_equal(reply_int(NULL, 4), 4);
}

static void
test_words(void **state)
{
	struct words	w;
	char		err[64], *j;

	assert_int_equal(words_split("  note #12 \"called back; ok\" it's",
	    &w, err, sizeof err), -1);
	assert_string_equal(err, "unbalanced ' quote");
	assert_int_equal(words_split("note #12 \"say \\\"hi\\\"\\n\" 'a \"b' x\"y z\" \"\"",
	    &w, err, sizeof err), 0);
	assert_int_equal(w.argc, 6);
	assert_string_equal(w.argv[0], "note");
	assert_string_equal(w.argv[1], "#12");
	assert_string_equal(w.argv[2], "say \"hi\"\n");
	assert_string_equal(w.argv[3], "a \"b");
	assert_string_equal(w.argv[4], "xy z");
	assert_string_equal(w.argv[5], "");
	assert_null(w.argv[6]);
	j = words_join(&w, 3);
	assert_string_equal(j, "a \"b xy z ");
	free(j);
	words_free(&w);
	assert_int_equal(words_split(" \t ", &w, err, sizeof err), 0);
	assert_int_equal(w.argc, 0);
	j = words_join(&w, 1);
	assert_string_equal(j, "");
	free(j);
	words_free(&w);
	assert_int_equal(words_statements("ready; wait 30;accept\n note "
	    "\"a; b\" ; ; resolve 'x;y'", &w, err, sizeof err), 0);
	assert_int_equal(w.argc, 5);
	assert_string_equal(w.argv[0], "ready");
	assert_string_equal(w.argv[1], "wait 30");
	assert_string_equal(w.argv[2], "accept");
	assert_string_equal(w.argv[3], "note \"a; b\"");
	assert_string_equal(w.argv[4], "resolve 'x;y'");
	words_free(&w);
	assert_int_equal(words_statements("note \"open; end", &w, err,
	    sizeof err), -1);
}

static void
test_fmt(void **state)
{
	char	b[64];

	assert_string_equal(fmt_duration(0, b, sizeof b), "0:00");
	assert_string_equal(fmt_duration(7999, b, sizeof b), "0:07");
	assert_string_equal(fmt_duration(751000, b, sizeof b), "12:31");
	assert_string_equal(fmt_duration(3723000, b, sizeof b), "1:02:03");
	assert_string_equal(fmt_duration(-5000, b, sizeof b), "-0:05");
	assert_string_equal(fmt_duration(2 * 86400000LL + 4 * 3600000LL, b,
	    sizeof b), "2d04h");
	assert_string_equal(fmt_short(45000, b, sizeof b), "45s");
	assert_string_equal(fmt_short(12 * 60000, b, sizeof b), "12m");
	assert_string_equal(fmt_short(3 * 3600000, b, sizeof b), "3h");
	assert_string_equal(fmt_short(3 * 86400000LL, b, sizeof b), "3d");
	assert_string_equal(fmt_clock(0, b, sizeof b), "--:--:--");
	assert_int_equal(fmt_width("caf\xc3\xa9"), 4);
	assert_string_equal(fmt_fit("billing", 10, b, sizeof b), "billing");
	assert_string_equal(fmt_fit("complaints-vip", 10, b, sizeof b),
	    "complaint~");
	assert_int_equal(fmt_width(b), 10);
	/* Cutting never splits a UTF-8 character. */
	assert_string_equal(fmt_fit("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3, b,
	    sizeof b), "\xc3\xa9\xc3\xa9~");
	assert_string_equal(fmt_fit("abc", 0, b, sizeof b), "");
	assert_true(fmt_now_ms() > INT64_C(1600000000000));
}

static void
test_tmap(void **state)
{
	struct tmap	 m;
	struct tment	*e;
	uint64_t	 id;
	size_t		 alarms = 0, i;

	tmap_init(&m);
	assert_null(tmap_get(&m, 5, 0));
	for (id = 1; id <= 5000; id++) {
		e = tmap_get(&m, id * 7919, 1);
		assert_non_null(e);
		assert_int_equal(e->queue, -1);
		e->queue = (int)(id % 4);
		e->level = id % 100 == 0 ? 2 : 0;
	}
	assert_int_equal(tmap_count(&m), 5000);
	for (id = 1; id <= 5000; id++) {
		e = tmap_get(&m, id * 7919, 0);
		assert_non_null(e);
		assert_int_equal(e->queue, (int)(id % 4));
	}
	assert_null(tmap_get(&m, 3, 0));
	/* Trimming keeps only the entries with a level. */
	tmap_trim(&m, 10000);
	assert_int_equal(tmap_count(&m), 5000);
	tmap_trim(&m, 100);
	assert_int_equal(tmap_count(&m), 50);
	for (i = 0; (e = tmap_next(&m, &i)) != NULL;)
		alarms += e->level == 2;
	assert_int_equal(alarms, 50);
	assert_non_null(tmap_get(&m, 100 * 7919, 0));
	assert_null(tmap_get(&m, 99 * 7919, 0));
	tmap_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_values),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_evmsg),
		cmocka_unit_test(test_rmap),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_tmap),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
