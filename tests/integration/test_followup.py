"""Satisfaction follow-ups and customer insight through the real daemon:
a follow-up scheduled at RESOLVE joins its queue after the delay (not
before), linked both ways and in both histories; it survives kill -9
before its time and fires once at start when overdue; supervisors cancel
one; CUSTOMER GET and TICKET GET show repeat contacts and complaint
counts, also after a restart (rebuilt from the closed tickets); and a
conditional ladder step sends a repeat complainer to the senior group."""
import json
import time

import pytest
import redis

from conftest import as_map, next_event

FOLLOWUP = """
[followup vip]
tiers = gold
queue = general
delay = {delay}
skip_dispositions = spam
subject = How did we do?
"""

SENIOR = """
[user sue]
role = agent
skills = tech:1
groups = senior
password_hash = {hash}
"""


def history(client, tid):
    return [as_map(e) for e in client.execute_command("TICKET", "HISTORY", tid)]


def ticket(client, tid):
    return as_map(client.execute_command("TICKET", "GET", tid))


def resolved_gold(d, customer="g1", disposition="fixed"):
    """A gold ticket taken by alice and resolved: its id and the time."""
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general",
                                           customer, "TIER", "gold")
    alice = d.client("alice")
    got = as_map(alice.execute_command("AGENT", "NEXT", 10))
    assert got["id"] == tid
    alice.execute_command("TICKET", "ACCEPT", tid)
    alice.execute_command("TICKET", "RESOLVE", tid, "DISPOSITION", disposition)
    return tid, alice


def wait_state(client, tid, state, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        t = ticket(client, tid)
        if t["state"] == state:
            return t
        time.sleep(0.05)
    raise AssertionError("ticket %s still %s" % (tid, t["state"]))


def test_followup_after_delay_linked_both_ways(make_daemon):
    d = make_daemon(extra=FOLLOWUP.format(delay="2s")).start()
    sam = d.client("sam")
    origin, alice = resolved_gold(d)
    resolved_at = ticket(sam, origin)["resolved_at"]
    fid = ticket(sam, origin)["followup"]
    assert fid == origin + 1
    f = ticket(sam, fid)
    assert f["state"] == "scheduled"
    assert f["followup_of"] == origin and f["followup"] == 0
    assert f["channel"] == "callback" and f["queue"] == "general"
    assert f["tier"] == "gold" and f["customer"] == "g1"
    assert f["subject"] == "How did we do?" and f["creator"] == "system"
    assert f["created"] == resolved_at + 2000
    stats = as_map(sam.execute_command("QUEUE", "STATS", "general"))
    assert stats["scheduled"] == 1 and stats["waiting"] == 0
    listed = sam.execute_command("TICKET", "LIST", "STATE", "scheduled")
    assert [as_map(t)["id"] for t in listed] == [fid]
    # alice is free, and gets it only once it is due.
    offered = as_map(alice.execute_command("AGENT", "NEXT", 20))
    got_at = int(time.time() * 1000)
    assert offered["id"] == fid and offered["state"] == "offered"
    assert offered["followup_of"] == origin
    assert got_at >= resolved_at + 2000
    # In both histories.
    h = history(sam, origin)
    sched = [e for e in h if e["type"] == "ticket.followup_scheduled"]
    assert len(sched) == 1
    data = json.loads(sched[0]["data"])
    assert data["followup"] == fid and data["rule"] == "vip"
    assert data["due"] == resolved_at + 2000
    hf = history(sam, fid)
    created = json.loads(hf[0]["data"])
    assert hf[0]["type"] == "ticket.created" and created["followup_of"] == origin
    queued = [json.loads(e["data"]) for e in hf if e["type"] == "ticket.queued"]
    assert [q["reason"] for q in queued] == ["followup"]
    # A follow-up gets no follow-up of its own; spam gets none either.
    alice.execute_command("TICKET", "ACCEPT", fid)
    alice.execute_command("TICKET", "RESOLVE", fid, "DISPOSITION", "happy")
    assert ticket(sam, fid)["followup"] == 0
    other, _ = resolved_gold(d, "g2", "spam")
    assert ticket(sam, other)["followup"] == 0


def test_followup_caller_records_the_rating(make_daemon):
    """The agent who makes the follow-up call records the customer's
    score on the ticket it follows up; the agent who handled that ticket
    and agents without the call may not."""
    d = make_daemon(extra=FOLLOWUP.format(delay="1s")).start()
    origin, alice = resolved_gold(d)
    alice.execute_command("AGENT", "BREAK", "lunch")
    bob = d.client("bob")
    with pytest.raises(redis.exceptions.NoPermissionError,
                       match="follow-up call"):
        bob.execute_command("TICKET", "RATE", origin, 5)
    fid = ticket(d.client("sam"), origin)["followup"]
    got = as_map(bob.execute_command("AGENT", "NEXT", 20))
    assert got["id"] == fid and got["followup_of"] == origin
    bob.execute_command("TICKET", "ACCEPT", fid)
    with pytest.raises(redis.exceptions.NoPermissionError, match="handled"):
        alice.execute_command("TICKET", "RATE", origin, 5)
    assert bob.execute_command("TICKET", "RATE", origin, 4,
                               "called back, all good") == "OK"
    rated = ticket(d.client("sam"), origin)
    assert rated["csat"] == 4
    ev = [e for e in history(d.client("sam"), origin)
          if e["type"] == "ticket.rated"]
    assert len(ev) == 1 and ev[0]["actor"] == "bob"


def test_followup_survives_kill9_before_its_time(make_daemon):
    d = make_daemon(extra=FOLLOWUP.format(delay="4s")).start()
    origin, _ = resolved_gold(d)
    fid = ticket(d.client("sam"), origin)["followup"]
    due = ticket(d.client("sam"), fid)["created"]
    d.kill()
    d.start()
    sam = d.client("sam")
    if int(time.time() * 1000) < due - 200:
        assert ticket(sam, fid)["state"] == "scheduled"
    assert ticket(sam, origin)["followup"] == fid
    t = wait_state(sam, fid, "queued")
    assert int(time.time() * 1000) >= due
    assert t["followup_of"] == origin
    queued = [e for e in history(sam, fid) if e["type"] == "ticket.queued"]
    assert len(queued) == 1


def test_overdue_followup_fires_once_at_start(make_daemon):
    d = make_daemon(extra=FOLLOWUP.format(delay="1s")).start()
    origin, _ = resolved_gold(d)
    sam = d.client("sam")
    fid = ticket(sam, origin)["followup"]
    # Closing the resolved ticket does not cancel its follow-up.
    d.client("alice").execute_command("TICKET", "CLOSE", origin)
    d.kill()
    time.sleep(1.5)
    d.start()
    sam = d.client("sam")
    t = ticket(sam, fid)
    assert t["state"] == "queued"
    assert ticket(sam, origin)["state"] == "closed"
    assert ticket(sam, origin)["followup"] == fid
    d.restart()
    sam = d.client("sam")
    assert ticket(sam, fid)["state"] == "queued"
    queued = [json.loads(e["data"]) for e in history(sam, fid)
              if e["type"] == "ticket.queued"]
    assert [q["reason"] for q in queued] == ["followup"]


def test_supervisor_cancels_a_scheduled_followup(make_daemon):
    d = make_daemon(extra=FOLLOWUP.format(delay="1h")).start()
    origin, alice = resolved_gold(d)
    sam = d.client("sam")
    fid = ticket(sam, origin)["followup"]
    with pytest.raises(redis.exceptions.NoPermissionError):
        alice.execute_command("TICKET", "CLOSE", fid)
    with pytest.raises(redis.exceptions.ResponseError, match="BADSTATE"):
        sam.execute_command("TICKET", "ACCEPT", fid)
    with pytest.raises(redis.exceptions.ResponseError, match="BADSTATE"):
        sam.execute_command("TICKET", "TRANSFER", fid, "QUEUE", "billing")
    assert sam.execute_command("TICKET", "CLOSE", fid) == "OK"
    t = ticket(sam, fid)
    assert t["state"] == "closed" and t["disposition"] == "cancelled"
    closed = [json.loads(e["data"]) for e in history(sam, fid)
              if e["type"] == "ticket.closed"]
    assert closed == [{"reason": "cancelled"}]
    # A reload's rules apply to the next resolves.
    d.write_config(extra=FOLLOWUP.format(delay="3m"))
    assert d.client("admin").execute_command("CONFIG", "RELOAD") == "OK"
    again, _ = resolved_gold(d, "g1")
    t = ticket(sam, ticket(sam, again)["followup"])
    assert t["created"] == ticket(sam, again)["resolved_at"] + 180000


def complain(d, customer, n):
    """n tickets in the complaints queue, hung up (they count all the same)."""
    ivan = d.client("ivan")
    for _ in range(n):
        tid = ivan.execute_command("TICKET", "CREATE", "complaints", customer)
        ivan.execute_command("TICKET", "ABANDON", tid)


def test_customer_insight_survives_restart(daemon):
    ivan, sam = daemon.client("ivan"), daemon.client("sam")
    # bob takes a complaint to the end: closed, gone from memory.
    bob = daemon.client("bob")
    tid = ivan.execute_command("TICKET", "CREATE", "complaints", "moan")
    assert as_map(bob.execute_command("AGENT", "NEXT", 10))["id"] == tid
    bob.execute_command("TICKET", "ACCEPT", tid)
    bob.execute_command("TICKET", "RESOLVE", tid)
    bob.execute_command("TICKET", "CLOSE", tid)
    bob.execute_command("AGENT", "BREAK")
    complain(daemon, "moan", 1)
    # A billing ticket moved into complaints counts too, once.
    moved = ivan.execute_command("TICKET", "CREATE", "billing", "moan")
    sam.execute_command("TICKET", "TRANSFER", moved, "QUEUE", "complaints")
    sam.execute_command("TICKET", "TRANSFER", moved, "QUEUE", "billing")
    sam.execute_command("TICKET", "TRANSFER", moved, "QUEUE", "complaints")
    calm = ivan.execute_command("TICKET", "CREATE", "general", "calm")
    ivan.execute_command("TICKET", "ABANDON", calm)
    card = as_map(sam.execute_command("CUSTOMER", "GET", "moan"))
    assert card["complaints"] == 3 and card["repeat_contact"] == 1
    recent = [as_map(t) for t in card["recent_tickets"]]
    assert [t["repeat_contact"] for t in recent if t["id"] == tid] == [0]
    calm = as_map(sam.execute_command("CUSTOMER", "GET", "calm"))
    assert calm["complaints"] == 0 and calm["repeat_contact"] == 0
    cfg = as_map(sam.execute_command("CONFIG", "GET", "*"))
    assert cfg["repeat_window"] == "604800000ms"
    assert cfg["complaints_queue"] == "complaints"
    t = ticket(sam, moved)
    assert t["complaint"] == 1 and t["complaints"] == 3
    assert t["repeat_contact"] == 1
    for restart in (daemon.kill, daemon.stop):
        restart()
        daemon.start()
        sam = daemon.client("sam")
        card = as_map(sam.execute_command("CUSTOMER", "GET", "moan"))
        assert card["complaints"] == 3 and card["repeat_contact"] == 1
        calm = as_map(sam.execute_command("CUSTOMER", "GET", "calm"))
        assert calm["complaints"] == 0 and calm["repeat_contact"] == 0
    # The next call is a repeat contact, and the desk sees it on the offer.
    alice = daemon.client("alice")
    sub = daemon.client("alice").pubsub()
    sub.subscribe("agent.alice")
    assert sub.get_message(timeout=5)["type"] == "subscribe"
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE", "general",
                                                "moan")
    offer = as_map(alice.execute_command("AGENT", "NEXT", 10))
    assert offer["id"] == tid
    assert offer["repeat_contact"] == 1 and offer["complaints"] == 3
    data = next_event(sub, "ticket.offered")["data"]
    assert data["repeat_contact"] is True and data["complaints"] == 3


def test_repeat_complainer_goes_to_senior_agents(make_daemon, password_hash):
    d = make_daemon(standard_extra="ladder = group senior 30s if complaints "
                    ">= 2, skilled",
                    extra=SENIOR.format(hash=password_hash)).start()
    complain(d, "moan", 2)
    for restarted in (False, True):
        if restarted:
            d.kill()
            d.start()
        sue, alice = d.client("sue"), d.client("alice")
        sue.execute_command("AGENT", "READY")
        alice.execute_command("AGENT", "READY")
        ivan, sam = d.client("ivan"), d.client("sam")
        tid = ivan.execute_command("TICKET", "CREATE", "general", "moan")
        t = ticket(sam, tid)
        assert t["state"] == "offered" and t["agent"] == "sue"
        assert t["step"] == "group:senior" and t["complaints"] == 2
        # Anyone else: the step does not apply, sue is not eligible.
        calm = ivan.execute_command("TICKET", "CREATE", "general",
                                    "calm%d" % restarted)
        t = ticket(sam, calm)
        assert t["agent"] == "alice" and t["step"] == "skilled"
        sue.execute_command("TICKET", "REJECT", tid)
        alice.execute_command("TICKET", "ACCEPT", calm)
        ivan.execute_command("TICKET", "ABANDON", tid)
        alice.execute_command("TICKET", "RESOLVE", calm)
