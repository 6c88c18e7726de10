"""Pub/sub in Redis's shapes: SUBSCRIBE/PSUBSCRIBE, JSON payloads after
commit, UNSUBSCRIBE, the subscribed-mode command set, and a subscriber
that stops reading."""
import json
import socket
import threading
import time

import pytest
import redis

from conftest import recv_until


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
