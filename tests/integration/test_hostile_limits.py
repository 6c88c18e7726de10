"""Hostile clients that hold connection slots or memory, and what stops
them (docs/OPERATIONS.md, "Security"): slowloris against request_timeout,
silent sockets against auth_timeout, the per-address cap on
unauthenticated connections, pub/sub name and count caps, and HTTP sent to
the RESP port. Each test reproduces the attack and fails without the
limit."""
import os
import socket
import threading
import time

import pytest
import redis

from conftest import PASSWORD, as_map


def info(client, section):
    return client.info(section)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def read_reply(f):
    """One RESP2 reply from a socket's file: str, bytes, int, list, None,
    or an Exception for an error reply."""
    line = f.readline()
    if not line:
        raise EOFError("connection closed")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        return Exception(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [read_reply(f) for _ in range(n)]
    raise AssertionError("bad reply line %r" % line[:80])


def command(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def connect(port, source="127.0.0.1"):
    s = socket.create_connection(("127.0.0.1", port), 10,
                                 source_address=(source, 0))
    s.settimeout(10)
    return s


def wait_closed(sock, timeout, deadline=None):
    """Read until the daemon closes the socket; the bytes it sent, or None
    if it was still open after timeout seconds (or at deadline)."""
    sock.settimeout(0.5)
    data = b""
    deadline = deadline or time.time() + timeout
    while time.time() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return data
        if not chunk:
            return data
        data += chunk
    return None


def authed(port, user="alice", source="127.0.0.1"):
    s = connect(port, source)
    s.sendall(command("AUTH", user, PASSWORD))
    assert s.makefile("rb").readline() == b"+OK\r\n"
    return s


def test_pubsub_names_and_count_are_capped(make_daemon):
    """200 SUBSCRIBEs to 1 MB channel names grew the daemon by 200 MB; a
    name is now at most 128 bytes of printable UTF-8, a connection has at
    most max_subscriptions (default 1,000) channels and patterns, and a
    refusal subscribes nothing."""
    daemon = make_daemon()
    # Under AddressSanitizer freed memory waits in a quarantine (256 MB by
    # default) that counts in RSS: keep it small so RSS means memory.
    asan = os.environ.get("ASAN_OPTIONS", "")
    daemon.start(env_extra={"ASAN_OPTIONS": (asan + ":" if asan else "") +
                 "quarantine_size_mb=1:thread_local_quarantine_size_kb=64"})
    admin = daemon.client("admin")
    s = authed(daemon.port, "sam")
    f = s.makefile("rb")
    before = rss_kb(daemon.proc.pid)
    for i in range(200):
        name = b"%03d" % i + b"c" * (1000 * 1000 - 3)
        s.sendall(command("PSUBSCRIBE" if i % 2 else "SUBSCRIBE", name))
        r = read_reply(f)
        assert isinstance(r, Exception) and "name" in str(r), \
            "a 1 MB channel name was accepted"
    grown = rss_kb(daemon.proc.pid) - before
    assert grown < 40 * 1024, "RSS grew by %d kB" % grown
    for bad in (b"", b"a\x00b", b"queue.a\r\nPING", b"\x1b[2J",
                b"x" * 129, b"\xff\xfe", b"queue.\xc2\x85"):
        s.sendall(command("SUBSCRIBE", "events", bad))
        r = read_reply(f)
        assert isinstance(r, Exception) and "bad channel name" in str(r), \
            (bad, r)
    # Nothing was subscribed by a refused command (not even "events").
    assert info(admin, "clients")["pubsub_channels"] == 0
    ok = "queue.caf\u00e9-" + "x" * 100
    s.sendall(command("SUBSCRIBE", ok.encode()))
    assert read_reply(f) == [b"subscribe", ok.encode(), 1]
    names = ["ticket.%d" % i for i in range(998)]
    s.sendall(command("SUBSCRIBE", *names))
    for i, n in enumerate(names):
        assert read_reply(f) == [b"subscribe", n.encode(), i + 2]
    s.sendall(command("PSUBSCRIBE", "agent.*"))
    assert read_reply(f) == [b"psubscribe", b"agent.*", 1000]
    # At the cap: one more is refused, and so is a batch that would pass
    # it; channels already held can be named again.
    s.sendall(command("SUBSCRIBE", "ticket.5", "ticket.5000"))
    r = read_reply(f)
    assert isinstance(r, Exception) and "max_subscriptions" in str(r), r
    s.sendall(command("PSUBSCRIBE", "queue.*"))
    assert isinstance(read_reply(f), Exception)
    s.sendall(command("SUBSCRIBE", "ticket.5", "events"))
    r = read_reply(f)
    assert isinstance(r, Exception) and "max_subscriptions" in str(r), r
    s.sendall(command("SUBSCRIBE", "ticket.5", "ticket.7"))
    assert read_reply(f) == [b"subscribe", b"ticket.5", 1000]
    assert read_reply(f) == [b"subscribe", b"ticket.7", 1000]
    c = info(admin, "clients")
    assert (c["pubsub_channels"], c["pubsub_patterns"]) == (999, 1)
    # Leaving one makes room again.
    s.sendall(command("UNSUBSCRIBE", "ticket.0"))
    assert read_reply(f) == [b"unsubscribe", b"ticket.0", 999]
    s.sendall(command("SUBSCRIBE", "events"))
    assert read_reply(f) == [b"subscribe", b"events", 1000]
    assert info(admin, "stats")["subscribe_refused"] >= 200
    s.close()
