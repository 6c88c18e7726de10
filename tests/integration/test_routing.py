"""A shift through redis-py: tier-then-FIFO order, the diamond ladder,
racing agents, offers on agent.<name>, and a restart in the middle."""
import json
import random
import threading
import time

import pytest
import redis

from conftest import as_map

TIERS = ["standard", "silver", "gold", "diamond"]


def next_ticket(c, timeout=5):
    reply = c.execute_command("AGENT", "NEXT", timeout)
    return as_map(reply) if reply is not None else None


def work(c, tid):
    assert c.execute_command("TICKET", "ACCEPT", tid) == "OK"
    assert c.execute_command("TICKET", "RESOLVE", tid, "DISPOSITION", "done") == "OK"
    assert c.execute_command("AGENT", "READY") == "OK"


def test_tier_then_fifo_order(daemon):
    ops = daemon.client("ivan")
    rng = random.Random(7)
    plan = [t for t in TIERS for _ in range(5)]
    rng.shuffle(plan)
    created = []
    for i, tier in enumerate(plan):
        tid = ops.execute_command("TICKET", "CREATE", "general", "cust-%d" % i,
                                  "TIER", tier)
        created.append((tier, tid))
        time.sleep(0.002)      # distinct enqueue times
    stats = as_map(ops.execute_command("QUEUE", "STATS", "general"))
    assert stats["waiting"] == 20
    assert stats["waiting.diamond"] == 5
    expected = [tid for tier in reversed(TIERS) for (t, tid) in created if t == tier]
    alice = daemon.client("alice")
    got = []
    for _ in range(20):
        t = next_ticket(alice)
        assert t is not None and t["state"] == "offered" and t["agent"] == "alice"
        got.append(t["id"])
        work(alice, t["id"])
    assert got == expected


def test_priority_bump_reorders_waiting(daemon):
    ops = daemon.client("ivan")
    a = ops.execute_command("TICKET", "CREATE", "general", "c-a")
    b = ops.execute_command("TICKET", "CREATE", "general", "c-b")
    sup = daemon.client("sam")
    assert sup.execute_command("TICKET", "SET", b, "PRIORITY", 50) == "OK"
    alice = daemon.client("alice")
    first = next_ticket(alice)
    assert first["id"] == b and first["priority"] == 50
    work(alice, b)
    assert next_ticket(alice)["id"] == a


def test_diamond_goes_to_account_manager_first(make_daemon):
    d = make_daemon(manager_step="2s", group_step="2s").start()
    admin = d.client("admin")
    assert admin.execute_command("CUSTOMER", "SET", "vip-1", "NAME", "Ada",
                                 "TIER", "diamond", "MANAGER", "bob") == "OK"
    bob = d.client("bob")
    alice = d.client("alice")
    vera = d.client("vera")
    # Bob (the manager) is busy with another ticket; alice and vera are free.
    assert bob.execute_command("AGENT", "READY") == "OK"
    first = d.client("ivan").execute_command("TICKET", "CREATE", "general", "someone")
    bt = next_ticket(bob)
    assert bt["id"] == first
    bob.execute_command("TICKET", "ACCEPT", first)
    for c in (alice, vera):
        assert c.execute_command("AGENT", "READY") == "OK"
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "billing", "vip-1")
    t = as_map(admin.execute_command("TICKET", "GET", tid))
    assert t["tier"] == "diamond" and t["step"] == "manager:bob"
    assert t["state"] == "queued"
    # The manager frees up within his step: he gets it, not alice or vera.
    bob.execute_command("TICKET", "RESOLVE", first)
    bob.execute_command("AGENT", "READY")
    got = next_ticket(bob)
    assert got["id"] == tid and got["agent"] == "bob"


def test_diamond_ladder_widens_to_vip_then_skilled(make_daemon):
    d = make_daemon(manager_step="1s", group_step="1s").start()
    admin = d.client("admin")
    admin.execute_command("CUSTOMER", "SET", "vip-2", "TIER", "diamond",
                          "MANAGER", "bob")
    bob = d.client("bob")
    bob.execute_command("AGENT", "BREAK", "lunch")
    alice = d.client("alice")      # skilled for general, not vip
    alice.execute_command("AGENT", "READY")
    vera = d.client("vera")        # vip group
    vera.execute_command("AGENT", "BREAK", "coffee")
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general", "vip-2")
    t = as_map(admin.execute_command("TICKET", "GET", tid))
    # Bob is logged in (on break), so his step is not skipped.
    assert t["step"] == "manager:bob" and t["state"] == "queued"
    time.sleep(1.3)
    t = as_map(admin.execute_command("TICKET", "GET", tid))
    assert t["step"] == "group:vip" and t["state"] == "queued"
    got = next_ticket(alice, timeout=5)
    assert got["id"] == tid
    assert as_map(admin.execute_command("TICKET", "GET", tid))["step"] == "skilled"


def test_racing_agents_never_share_a_ticket(daemon):
    ops = daemon.client("ivan")
    ids = [ops.execute_command("TICKET", "CREATE", "general", "r-%d" % i)
           for i in range(60)]
    seen = {"alice": [], "bob": []}
    errors = []
    # Both logged in before the race starts, and started together.
    clients = {name: daemon.client(name) for name in seen}
    for c in clients.values():
        c.ping()
    start = threading.Barrier(len(clients))

    def agent(name):
        c = clients[name]
        start.wait()
        try:
            while True:
                t = next_ticket(c, timeout=2)
                if t is None:
                    return
                seen[name].append(t["id"])
                work(c, t["id"])
        except Exception as e:   # reported below, with the agent's name
            errors.append((name, e))

    threads = [threading.Thread(target=agent, args=(n,)) for n in seen]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert not set(seen["alice"]) & set(seen["bob"])
    assert sorted(seen["alice"] + seen["bob"]) == ids
    assert seen["alice"] and seen["bob"]


def test_offer_timeout_and_reject_keep_place(make_daemon):
    d = make_daemon(offer_timeout="1s").start()
    ops = d.client("ivan")
    first = ops.execute_command("TICKET", "CREATE", "general", "c1")
    time.sleep(0.01)
    second = ops.execute_command("TICKET", "CREATE", "general", "c2")
    alice = d.client("alice")
    t = next_ticket(alice)
    assert t["id"] == first
    enq = t["enqueued"]
    # Alice lets it time out: it returns to its original place ...
    time.sleep(1.5)
    t = as_map(ops.execute_command("TICKET", "GET", first))
    assert t["enqueued"] == enq
    st = as_map(alice.execute_command("AGENT", "STATUS"))
    assert st["missed"] == 1
    # ... and bob, arriving, is offered it before the younger ticket.
    bob = d.client("bob")
    t = next_ticket(bob)
    assert t["id"] == first
    assert bob.execute_command("TICKET", "REJECT", first, "not mine") == "OK"
    t = as_map(ops.execute_command("TICKET", "GET", first))
    assert t["enqueued"] == enq


def test_offers_published_on_agent_channel(daemon):
    alice = daemon.client("alice")
    sub = daemon.client("alice").pubsub()
    sub.subscribe("agent.alice")
    assert sub.get_message(timeout=5)["type"] == "subscribe"
    alice.execute_command("AGENT", "READY")
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE", "general", "c-pub")
    types = []
    deadline = time.time() + 5
    while time.time() < deadline and "ticket.offered" not in types:
        m = sub.get_message(timeout=1)
        if m and m["type"] == "message":
            ev = json.loads(m["data"])
            types.append(ev["type"])
            if ev["type"] == "ticket.offered":
                assert ev["ticket"] == tid and ev["agent"] == "alice"
    assert "ticket.offered" in types
    # Everything also reaches the events channel, in commit order.
    ev_sub = daemon.client("sam").pubsub()
    ev_sub.subscribe("events")
    ev_sub.get_message(timeout=5)
    alice.execute_command("TICKET", "ACCEPT", tid)
    m = None
    deadline = time.time() + 5
    while time.time() < deadline:
        m = ev_sub.get_message(timeout=1)
        if m and m["type"] == "message":
            break
    assert json.loads(m["data"])["type"] == "ticket.accepted"


def test_restart_mid_shift_restores_it(daemon):
    ops = daemon.client("ivan")
    ids = [ops.execute_command("TICKET", "CREATE", "general", "s-%d" % i,
                               "TIER", TIERS[i % 4]) for i in range(8)]
    alice = daemon.client("alice")
    active = next_ticket(alice)["id"]
    alice.execute_command("TICKET", "ACCEPT", active)
    bob = daemon.client("bob")
    offered = next_ticket(bob)["id"]
    order_before = [t for t in ids if t not in (active, offered)]
    daemon.kill()
    daemon.start()
    admin = daemon.client("admin")
    a = as_map(admin.execute_command("TICKET", "GET", active))
    assert a["state"] == "active" and a["agent"] == "alice"
    o = as_map(admin.execute_command("TICKET", "GET", offered))
    assert o["state"] == "queued" and o["agent"] == ""
    agents = {as_map(x)["name"]: as_map(x) for x in admin.execute_command("AGENT", "LIST")}
    assert agents["alice"]["status"] == "offline" and agents["alice"]["active"] == 1
    # The offered ticket is back at its original place: first in line.
    bob = daemon.client("bob")
    served = []
    for _ in range(len(ids) - 1):
        t = next_ticket(bob)
        served.append(t["id"])
        work(bob, t["id"])
    assert served[0] == offered
    assert sorted(served[1:]) == sorted(order_before)


def test_customer_card_shows_history(daemon):
    ops = daemon.client("ivan")
    ops.execute_command("CUSTOMER", "SET", "+33600000001", "NAME", "Zoe",
                        "PHONE", "+33600000001", "SEGMENT", "family",
                        "TIER", "gold", "ATTR", "contract", "C-77")
    t1 = ops.execute_command("TICKET", "CREATE", "billing", "+33600000001",
                             "SUBJECT", "invoice twice")
    alice = daemon.client("alice")
    got = next_ticket(alice)
    assert got["id"] == t1 and got["tier"] == "gold"
    alice.execute_command("TICKET", "ACCEPT", t1)
    alice.execute_command("TICKET", "RESOLVE", t1, "DISPOSITION", "refunded")
    t2 = ops.execute_command("TICKET", "CREATE", "billing", "+33600000001",
                             "SUBJECT", "again")
    card = as_map(daemon.client("bob").execute_command("CUSTOMER", "GET", "+33600000001"))
    assert card["name"] == "Zoe" and card["segment"] == "family"
    assert card["attr.contract"] == "C-77"
    open_ids = [as_map(x)["id"] for x in card["open_tickets"]]
    recent = {as_map(x)["id"]: as_map(x) for x in card["recent_tickets"]}
    assert open_ids == [t2]
    assert recent[t1]["disposition"] == "refunded"


def test_agent_acting_on_anothers_ticket(daemon):
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE", "general", "c-perm")
    alice = daemon.client("alice")
    assert next_ticket(alice)["id"] == tid
    bob = daemon.client("bob")
    with pytest.raises(redis.exceptions.NoPermissionError):
        bob.execute_command("TICKET", "ACCEPT", tid)
    alice.execute_command("TICKET", "ACCEPT", tid)
    with pytest.raises(redis.exceptions.NoPermissionError):
        bob.execute_command("TICKET", "RESOLVE", tid)
    with pytest.raises(redis.exceptions.ResponseError, match="BADSTATE"):
        alice.execute_command("TICKET", "CLOSE", tid)
    with pytest.raises(redis.exceptions.ResponseError, match="NOTFOUND"):
        alice.execute_command("TICKET", "ACCEPT", 999999)
    # A supervisor may act on anyone's ticket.
    assert daemon.client("sam").execute_command("TICKET", "RESOLVE", tid) == "OK"
    assert alice.execute_command("TICKET", "CLOSE", tid) == "OK"
    hist = [as_map(e)["type"] for e in
            daemon.client("sam").execute_command("TICKET", "HISTORY", tid)]
    assert hist[:4] == ["ticket.created", "ticket.queued", "ticket.offered",
                        "ticket.accepted"]
    assert hist[-2:] == ["ticket.resolved", "ticket.closed"]
    assert as_map(alice.execute_command("TICKET", "GET", tid))["state"] == "closed"


def test_agent_next_accept_is_auto_answer(daemon):
    """AGENT NEXT ... ACCEPT: the offer comes back accepted in one round
    trip, whether it was waiting already or arrives while the agent
    blocks; both steps are in the ticket's history."""
    ivan, alice = daemon.client("ivan"), daemon.client("alice")
    alice.execute_command("AGENT", "READY")
    a = ivan.execute_command("TICKET", "CREATE", "general", "auto-1")
    got = as_map(alice.execute_command("AGENT", "NEXT", "ACCEPT"))
    assert (got["id"], got["state"], got["agent"]) == (a, "active", "alice")
    alice.execute_command("TICKET", "RESOLVE", a)
    alice.execute_command("AGENT", "READY")           # ends any wrap-up
    result = {}

    def wait():
        result["t"] = alice.execute_command("AGENT", "NEXT", 20, "ACCEPT")

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.3)
    b = ivan.execute_command("TICKET", "CREATE", "general", "auto-2")
    waiter.join(30)
    got = as_map(result["t"])
    assert (got["id"], got["state"], got["agent"]) == (b, "active", "alice")
    types = [as_map(e)["type"] for e in
             alice.execute_command("TICKET", "HISTORY", b)]
    assert types.index("ticket.offered") < types.index("ticket.accepted")
    assert as_map(ivan.execute_command("TICKET", "GET", b))["state"] == \
        "active"
    alice.execute_command("TICKET", "RESOLVE", b)
    alice.execute_command("AGENT", "READY")
    assert alice.execute_command("AGENT", "NEXT", 1, "ACCEPT") is None
    with pytest.raises(redis.exceptions.ResponseError, match="usage"):
        alice.execute_command("AGENT", "NEXT", "ACCEPT", "now")
