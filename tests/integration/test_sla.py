"""SLA clocks and the escalation ladder through the real daemon: sub-second
targets, the sla channel, boost overtaking older tickets, overflow,
business calendars, pending pauses, restart firing overdue steps once."""
import datetime
import json
import time
import zoneinfo

import pytest
import redis

from conftest import as_map, next_event

SLA = """
[sla gold]
answer = 400ms
warning = 50%
step = answer 100% notify, boost 500
step = answer 200% overflow billing
[sla diamond]
answer = 300ms
resolve = 600ms
warning = 50%
step = answer 100% page
"""


def sla_events(sub, want, timeout=5):
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline and len(got) < want:
        m = sub.get_message(timeout=0.2)
        if m and m["type"] == "message":
            got.append(json.loads(m["data"]))
    return got


def test_warning_then_breach_on_sla_channel(make_daemon):
    d = make_daemon(extra=SLA).start()
    sub = d.client("sam").pubsub()
    sub.subscribe("sla")
    assert sub.get_message(timeout=5)["type"] == "subscribe"
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general",
                                           "g1", "TIER", "gold")
    events = sla_events(sub, 3)
    kinds = [(e["type"], e["data"].get("clock")) for e in events]
    assert kinds[0] == ("sla.warning", "answer")
    assert kinds[1] == ("sla.breach", "answer")
    assert events[2]["type"] == "ticket.escalated"
    assert all(e["ticket"] == tid for e in events)
    assert events[0]["seq"] < events[1]["seq"] < events[2]["seq"]
    t = as_map(d.client("sam").execute_command("TICKET", "GET", tid))
    assert t["answer_sla"] == "breached"
    assert t["answer_left_ms"] < 0
    assert t["escalations"] >= 1 and t["steps_fired"].startswith("0")


def test_boost_overtakes_older_tickets_and_overflow_moves(make_daemon):
    d = make_daemon(extra=SLA).start()
    ops = d.client("ivan")
    older = [ops.execute_command("TICKET", "CREATE", "general", "s%d" % i,
                                 "TIER", "silver") for i in range(3)]
    gold = ops.execute_command("TICKET", "CREATE", "general", "g2", "TIER", "gold")
    before = as_map(ops.execute_command("TICKET", "GET", gold))["priority"]
    time.sleep(0.6)    # past 100%: boosted
    t = as_map(ops.execute_command("TICKET", "GET", gold))
    assert t["priority"] == before + 500 and t["boost"] == 500
    time.sleep(0.5)    # past 200%: moved to billing
    t = as_map(ops.execute_command("TICKET", "GET", gold))
    assert t["queue"] == "billing"
    assert t["steps_fired"] == "0,1"
    # Boosted, it is served before the older silver tickets (alice has
    # skills for both queues and takes the best of both).
    alice = d.client("alice")
    got = as_map(alice.execute_command("AGENT", "NEXT", 5))
    assert got["id"] == gold


def test_boost_reorders_within_queue(make_daemon):
    d = make_daemon(extra=SLA.replace("step = answer 200% overflow billing\n", "")).start()
    ops = d.client("ivan")
    older = ops.execute_command("TICKET", "CREATE", "general", "d-old", "TIER", "diamond")
    gold = ops.execute_command("TICKET", "CREATE", "general", "g-new", "TIER", "gold")
    time.sleep(0.7)
    # gold: 200 + 500 boost > diamond 300: the younger gold ticket goes first.
    alice = d.client("alice")
    assert as_map(alice.execute_command("AGENT", "NEXT", 5))["id"] == gold
    alice.execute_command("TICKET", "ACCEPT", gold)
    alice.execute_command("TICKET", "RESOLVE", gold)
    alice.execute_command("AGENT", "READY")
    assert as_map(alice.execute_command("AGENT", "NEXT", 5))["id"] == older


def test_page_reaches_the_account_manager(make_daemon):
    d = make_daemon(extra=SLA).start()
    admin = d.client("admin")
    admin.execute_command("CUSTOMER", "SET", "vip-9", "TIER", "diamond",
                          "MANAGER", "bob")
    sub = d.client("bob").pubsub()
    sub.subscribe("agent.bob")
    sub.get_message(timeout=5)
    bob = d.client("bob")
    bob.execute_command("AGENT", "BREAK", "meeting")
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general", "vip-9")
    paged = next_event(sub, "ticket.escalated")
    assert paged is not None and paged["ticket"] == tid
    assert paged["agent"] == "bob"


def test_answered_ticket_never_escalates(make_daemon):
    d = make_daemon(extra=SLA).start()
    sub = d.client("sam").pubsub()
    sub.subscribe("sla")
    sub.get_message(timeout=5)
    alice = d.client("alice")
    alice.execute_command("AGENT", "READY")
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general",
                                           "g3", "TIER", "gold")
    got = as_map(alice.execute_command("AGENT", "NEXT", 5))
    assert got["id"] == tid
    alice.execute_command("TICKET", "ACCEPT", tid)
    assert sla_events(sub, 1, timeout=1.5) == []
    t = as_map(alice.execute_command("TICKET", "GET", tid))
    assert t["answer_sla"] == "ok" and t["escalations"] == 0
    stats = as_map(alice.execute_command("QUEUE", "STATS", "general"))
    assert stats["answered_today"] == 1
    assert stats["sl_today.gold"] == "100.0"


def test_pending_pauses_the_resolve_clock(make_daemon):
    d = make_daemon(extra=SLA).start()
    alice = d.client("alice")
    alice.execute_command("AGENT", "READY")
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general",
                                           "d4", "TIER", "diamond")
    assert as_map(alice.execute_command("AGENT", "NEXT", 5))["id"] == tid
    alice.execute_command("TICKET", "ACCEPT", tid)
    alice.execute_command("TICKET", "PENDING", tid)
    time.sleep(1.0)          # longer than the whole resolve target
    t = as_map(alice.execute_command("TICKET", "GET", tid))
    assert t["resolve_sla"] == "ok" and t["resolve_due"] == 0
    alice.execute_command("TICKET", "RESUME", tid)
    t = as_map(alice.execute_command("TICKET", "GET", tid))
    assert t["paused_ms"] >= 900
    assert t["resolve_elapsed_ms"] < 600
    time.sleep(0.8)
    t = as_map(alice.execute_command("TICKET", "GET", tid))
    assert t["resolve_sla"] == "breached"


def test_closed_calendar_stops_the_resolve_clock(make_daemon):
    # Open only the day after tomorrow (Paris time): closed right now.
    day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][
        (datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")).weekday() + 2) % 7]
    cal = """
[calendar later]
timezone = Europe/Paris
%s = 00:00-24:00
""" % day
    d = make_daemon(extra=SLA + cal, general_extra="calendar = later").start()
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general",
                                           "d5", "TIER", "diamond")
    time.sleep(0.3)
    t = as_map(d.client("sam").execute_command("TICKET", "GET", tid))
    assert t["resolve_elapsed_ms"] == 0
    assert t["resolve_sla"] == "ok"
    # The answer clock is wall time: a caller waits whatever the hours.
    time.sleep(0.3)
    t = as_map(d.client("sam").execute_command("TICKET", "GET", tid))
    assert t["answer_sla"] == "breached"


def test_bad_calendar_is_a_config_error(make_daemon):
    d = make_daemon(extra="[calendar x]\ntimezone = Mars/Olympus\n")
    assert d.start(expect_fail=True) != 0
    assert "Mars/Olympus" in d.read_log()
    d = make_daemon(extra="[calendar y]\nmon-sun = closed\n",
                    general_extra="calendar = y")
    assert d.start(expect_fail=True) != 0
    assert "calendar y is never open" in d.read_log()


def test_manual_escalation(make_daemon):
    d = make_daemon(extra=SLA).start()
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general", "m1")
    sub = d.client("sam").pubsub()
    sub.subscribe("sla")
    sub.get_message(timeout=5)
    with pytest.raises(redis.exceptions.NoPermissionError):
        d.client("alice").execute_command("TICKET", "ESCALATE", tid, "angry")
    assert d.client("sam").execute_command("TICKET", "ESCALATE", tid,
                                           "angry caller") == "OK"
    ev = sla_events(sub, 1)[0]
    assert ev["type"] == "ticket.escalated" and ev["actor"] == "sam"
    assert ev["data"]["reason"] == "angry caller"
    t = as_map(d.client("sam").execute_command("TICKET", "GET", tid))
    assert t["escalations"] == 1


def test_overdue_steps_fire_once_after_restart(make_daemon):
    # The overflow step (200% of answer, 6 s) must stay out of reach of
    # the two restarts even on a loaded machine: push it to 30 s.
    d = make_daemon(extra=SLA.replace("400ms", "3s").replace(
        "answer 200% overflow", "answer 1000% overflow")).start()
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general",
                                           "g9", "TIER", "gold")
    d.stop()
    time.sleep(3.5)          # the breach and the boost fall due while down
    d.start()
    d.client("sam")
    time.sleep(0.5)
    hist = [as_map(e)["type"] for e in
            d.client("sam").execute_command("TICKET", "HISTORY", tid)]
    assert hist.count("sla.breach") == 1
    assert hist.count("ticket.escalated") == 1
    d.restart()
    time.sleep(0.3)
    hist = [as_map(e)["type"] for e in
            d.client("sam").execute_command("TICKET", "HISTORY", tid)]
    assert hist.count("sla.breach") == 1
    assert hist.count("ticket.escalated") == 1
    t = as_map(d.client("sam").execute_command("TICKET", "GET", tid))
    assert t["boost"] == 500
