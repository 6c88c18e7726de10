"""Pub/sub in Redis's shapes: SUBSCRIBE/PSUBSCRIBE, JSON payloads after
commit, UNSUBSCRIBE, the subscribed-mode command set, and a subscriber
that stops reading."""
import json
import os
import socket
import threading
import time

import pytest
import redis

from conftest import as_map, recv_until


def messages(sub, want, timeout=5):
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline and len(got) < want:
        m = sub.get_message(timeout=0.5)
        if m and m["type"] in ("message", "pmessage"):
            got.append(m)
    return got


def test_psubscribe_ticket_channels(daemon):
    sub = daemon.client("sam").pubsub()
    sub.psubscribe("ticket.*")
    assert sub.get_message(timeout=5)["type"] == "psubscribe"
    c = daemon.client("ivan")
    tid = c.execute_command("TICKET", "CREATE", "general", "p1", "SUBJECT", 'say "hi"\n')
    got = messages(sub, 2)
    assert [m["channel"] for m in got] == ["ticket.%d" % tid] * 2
    assert all(m["pattern"] == "ticket.*" for m in got)
    first = json.loads(got[0]["data"])
    assert first["type"] == "ticket.created" and first["ticket"] == tid
    assert first["actor"] == "ivan" and first["seq"] >= 1
    assert first["data"]["subject"] == 'say "hi"\n'
    assert json.loads(got[1]["data"])["seq"] == first["seq"] + 1


def test_subscribed_mode_and_unsubscribe_all(daemon):
    s = daemon.raw()
    s.sendall(b"AUTH sam pw\r\nSUBSCRIBE events queue.general\r\n")
    data = recv_until(s, b"queue.general\r\n:2\r\n")
    assert b"subscribe" in data
    s.sendall(b"TICKET GET 1\r\n")
    assert b"only (P)SUBSCRIBE" in recv_until(s, b"\r\n")
    s.sendall(b"PING\r\n")
    assert recv_until(s, b"\r\n\r\n") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    s.sendall(b"UNSUBSCRIBE\r\n")
    data = recv_until(s, b":0\r\n")
    assert data.count(b"unsubscribe") == 2
    # Back to normal mode.
    s.sendall(b"PING\r\n")
    assert recv_until(s, b"\r\n") == b"+PONG\r\n"


def test_slow_subscriber_is_cut_off(make_daemon):
    d = make_daemon(pubsub_output_limit="1mb").start()
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", d.port))
    slow.sendall(b"AUTH sam pw\r\nSUBSCRIBE events\r\n")
    recv_until(slow, b":1\r\n")
    # A subscriber that keeps reading, in its own thread.
    fast = d.client("sam").pubsub()
    fast.subscribe("events")
    fast.get_message(timeout=5)
    received = []
    done = threading.Event()

    def drain():
        while not done.is_set():
            m = fast.get_message(timeout=0.2)
            if m and m["type"] == "message" and \
                    json.loads(m["data"])["type"].startswith("ticket."):
                received.append(m)

    reader = threading.Thread(target=drain)
    reader.start()
    c = d.client("ivan")
    for batch in range(6):
        p = c.pipeline(transaction=False)
        for i in range(500):
            p.execute_command("TICKET", "CREATE", "general", "slow-%d" % i,
                              "SUBJECT", "x" * 2000)
        p.execute()
    deadline = time.time() + 20
    while time.time() < deadline and len(received) < 6000:
        time.sleep(0.1)
    done.set()
    reader.join(10)
    stats = d.client("admin").info("stats")
    assert stats["output_limit_disconnects"] == 1
    # The subscriber that reads got every event (created + queued each).
    assert len(received) == 6000
    assert d.client("admin").info("clients")["pubsub_clients"] == 1
    assert "output buffer over" in d.read_log()


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


def test_subscriber_hears_a_whole_shift_in_order(daemon):
    """Every journal event of a scripted shift reaches an `events`
    subscriber once, in commit order (consecutive seqs), and each ticket's
    messages are exactly its TICKET HISTORY."""
    sub = daemon.client("sam").pubsub()
    sub.subscribe("events")
    assert sub.get_message(timeout=5)["type"] == "subscribe"
    sam, ivan, alice, bob, admin = (daemon.client(u) for u in
                                    ("sam", "ivan", "alice", "bob", "admin"))
    for c in (sam, ivan, alice, bob, admin):   # logged in (audited) now
        c.ping()
    first_seq = admin.info("persistence")["last_event_seq"]
    while sub.get_message(timeout=0.5) is not None:
        pass                                   # the logins' audit events
    alice.execute_command("AGENT", "READY")
    a = ivan.execute_command("TICKET", "CREATE", "general", "shift-1",
                             "TIER", "gold", "SUBJECT", "card")
    alice.execute_command("AGENT", "NEXT", 5)
    alice.execute_command("TICKET", "ACCEPT", a)
    alice.execute_command("TICKET", "NOTE", a, "called the bank")
    alice.execute_command("TICKET", "PENDING", a)
    alice.execute_command("TICKET", "RESUME", a)
    alice.execute_command("TICKET", "RESOLVE", a, "DISPOSITION", "fixed")
    alice.execute_command("TICKET", "CLOSE", a)
    ivan.execute_command("TICKET", "RATE", a, 5)
    b = ivan.execute_command("TICKET", "CREATE", "billing", "shift-2")
    sam.execute_command("TICKET", "SET", b, "PRIORITY", 10)
    sam.execute_command("TICKET", "ESCALATE", b, "angry")
    sam.execute_command("TICKET", "TRANSFER", b, "QUEUE", "general")
    ivan.execute_command("TICKET", "ABANDON", b)
    alice.execute_command("AGENT", "BREAK", "lunch")
    bob.execute_command("AGENT", "READY")
    bob.execute_command("AGENT", "LOGOUT")
    last_seq = admin.info("persistence")["last_event_seq"]
    want = last_seq - first_seq
    assert want >= 20
    got = []
    deadline = time.time() + 20
    while time.time() < deadline and len(got) < want:
        m = sub.get_message(timeout=0.5)
        if m and m["type"] == "message":
            got.append(json.loads(m["data"]))
    assert [e["seq"] for e in got] == list(range(first_seq + 1, last_seq + 1))
    assert sub.get_message(timeout=0.5) is None      # nothing twice
    for tid in (a, b):
        hist = [as_map(e) for e in sam.execute_command("TICKET", "HISTORY",
                                                        tid)]
        mine = [(e["seq"], e["type"]) for e in got if e["ticket"] == tid]
        assert mine == [(h["seq"], h["type"]) for h in hist]
    types = {e["type"] for e in got}
    for t in ("ticket.created", "ticket.queued", "ticket.offered",
              "ticket.accepted", "ticket.note", "ticket.pending",
              "ticket.resumed", "ticket.resolved", "ticket.closed",
              "ticket.rated", "ticket.priority_changed", "ticket.escalated",
              "ticket.transferred", "ticket.abandoned", "agent.status"):
        assert t in types, t


def test_stalled_subscriber_keeps_memory_flat(make_daemon):
    """40 MB of events for a subscriber that never reads: it is cut off
    at pubsub_output_limit and the daemon's resident memory grows by a
    few megabytes, not by what the subscriber would have been owed."""
    d = make_daemon(pubsub_output_limit="2mb")
    # Under AddressSanitizer, freed memory waits in a quarantine (256 MB
    # by default) and counts in RSS: keep it small so RSS means memory.
    asan = os.environ.get("ASAN_OPTIONS", "")
    d.start(env_extra={"ASAN_OPTIONS": (asan + ":" if asan else "") +
                       "quarantine_size_mb=1:thread_local_quarantine_size_kb=64"})
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", d.port))
    stalled.sendall(b"AUTH sam pw\r\nSUBSCRIBE events\r\n")
    recv_until(stalled, b":1\r\n")
    c = d.client("sam")
    tid = c.execute_command("TICKET", "CREATE", "general", "chatty")
    note = "n" * 8000
    for _ in range(2):               # warm up buffers and the page cache
        c.execute_command("TICKET", "NOTE", tid, note)
    before = rss_kb(d.proc.pid)
    peak = before
    for batch in range(10):
        p = c.pipeline(transaction=False)
        for i in range(500):
            p.execute_command("TICKET", "NOTE", tid, note)
        p.execute()
        peak = max(peak, rss_kb(d.proc.pid))
    assert d.client("admin").info("stats")["output_limit_disconnects"] == 1
    assert "output buffer over" in d.read_log()
    # 5,000 notes of 8 kB were published: 40 MB had the subscriber stayed.
    assert peak - before < 16 * 1024, \
        "RSS grew from %d kB to %d kB" % (before, peak)
    stalled.close()


def test_queue_subscriber_hears_a_whole_life(daemon):
    """A `queue.<q>` subscriber hears every event of a ticket of that
    queue, its close and its rating included (after the close the ticket
    is no longer in memory), and an abandon; each payload names the
    queue."""
    sub = daemon.client("sam").pubsub()
    sub.subscribe("queue.general")
    assert sub.get_message(timeout=5)["type"] == "subscribe"
    sam, ivan, alice = (daemon.client(u) for u in ("sam", "ivan", "alice"))
    alice.execute_command("AGENT", "READY")
    a = ivan.execute_command("TICKET", "CREATE", "general", "life-1",
                             "SUBJECT", "card")
    alice.execute_command("AGENT", "NEXT", 5)
    alice.execute_command("TICKET", "ACCEPT", a)
    alice.execute_command("TICKET", "NOTE", a, "called the bank")
    alice.execute_command("TICKET", "RESOLVE", a, "DISPOSITION", "fixed")
    alice.execute_command("TICKET", "CLOSE", a)
    ivan.execute_command("TICKET", "RATE", a, 4, "quick")
    alice.execute_command("AGENT", "BREAK", "lunch")
    b = ivan.execute_command("TICKET", "CREATE", "general", "life-2")
    ivan.execute_command("TICKET", "ABANDON", b)
    got = []
    deadline = time.time() + 20
    while time.time() < deadline and not any(
            e["ticket"] == b and e["type"] == "ticket.abandoned"
            for e in got):
        m = sub.get_message(timeout=0.5)
        if m and m["type"] == "message":
            assert m["channel"] == "queue.general"
            got.append(json.loads(m["data"]))
    for tid in (a, b):
        hist = [as_map(e) for e in sam.execute_command("TICKET", "HISTORY",
                                                        tid)]
        heard = [(e["seq"], e["type"]) for e in got if e["ticket"] == tid]
        assert heard == [(h["seq"], h["type"]) for h in hist], tid
    life = [e["type"] for e in got if e["ticket"] == a]
    assert life[-2:] == ["ticket.closed", "ticket.rated"]
    assert {"ticket.created", "ticket.offered", "ticket.accepted",
            "ticket.note", "ticket.resolved"} <= set(life)
    assert [e["type"] for e in got if e["ticket"] == b][-1] == \
        "ticket.abandoned"
    assert all(e["queue"] == "general" for e in got)
    rated = [e for e in got if e["type"] == "ticket.rated"][0]
    assert rated["data"]["score"] == 4 and rated["agent"] == "alice"
