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
import urllib.request

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


def authed(port, user="alice", source="127.0.0.1", password=PASSWORD):
    s = connect(port, source)
    s.sendall(command("AUTH", user, password))
    assert s.makefile("rb").readline() == b"+OK\r\n"
    return s


# A user whose Argon2id hash is cheap: ten logins in a row stay quick on
# a loaded machine (an AUTH slower than idle_timeout would end the test).
CHEAP_PASSWORD = "hotline-bench"
CHEAP_USER = ("[user slow]\nrole = integration\npassword_hash = "
              "$argon2id$v=19$m=8,t=1,p=1$6IUlJ+mnCht5GbF/6o1tHg$"
              "AlS5mNfNNLodXZFVliQhvZssl/aW/Up0tuuyCxOLL4s\n")


def test_slowloris_closed_by_request_timeout(make_daemon):
    """Ten logged-in sockets each trickle one byte every 2 s: that beats
    idle_timeout (6 s here) and, with max_clients = 11, holds every slot.
    The default request_timeout (10 s) closes each, with an error, and the
    slots come back."""
    d = make_daemon(max_clients=11, idle_timeout="6s",
                    extra=CHEAP_USER).start()
    admin = d.client("admin")
    admin.ping()
    payload = command("PING", "x" * 64)
    socks, sent = [], {}
    stop = threading.Event()

    def trickle():
        while not stop.wait(2):
            for s in list(socks):
                i = sent[s]
                try:
                    s.send(payload[i:i + 1])
                except OSError:
                    pass
                sent[s] = i + 1

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    try:
        for _ in range(10):
            s = authed(d.port, "slow", password=CHEAP_PASSWORD)
            s.send(payload[:1])          # the request starts now
            sent[s] = 1
            socks.append(s)
        # Every slot is held: a newcomer is turned away.
        with connect(d.port) as s:
            assert s.recv(200).startswith(b"-ERR max number of clients")
        deadline = time.time() + 40
        got = [wait_closed(s, 40, deadline) for s in socks]
    finally:
        stop.set()
        t.join()
    assert None not in got, "a slowloris socket was still open after 40 s"
    assert all(b"-ERR request timeout" in g for g in got), got
    # The slots are free again (the admin reconnects: idle_timeout).
    assert admin.ping()
    r = d.client("bob")
    assert r.ping()
    stats = info(admin, "stats")
    assert stats["request_timeouts"] >= 10
    assert "request not complete within" in d.read_log()


def test_silent_unauthenticated_sockets_closed_by_auth_timeout(make_daemon):
    """With idle_timeout = 0 (the default), silent sockets that never log
    in held their slots forever; auth_timeout (default 10 s) closes them.
    Two addresses, so the per-address cap does not get there first."""
    d = make_daemon(max_clients=41).start()
    admin = d.client("admin")
    admin.ping()
    socks = [connect(d.port, src) for src in ("127.0.0.1", "127.0.0.2")
             for _ in range(20)]
    # One that speaks but never logs in is closed the same way.
    socks[0].sendall(b"PING\r\n")
    assert socks[0].recv(64) == b"+PONG\r\n"
    with connect(d.port) as s:
        assert s.recv(200).startswith(b"-ERR max number of clients")
    deadline = time.time() + 40
    got = [wait_closed(s, 40, deadline) for s in socks]
    assert None not in got, "an unauthenticated socket outlived 40 s"
    assert all(g.startswith(b"-ERR authentication timeout") for g in got)
    assert d.client("bob").ping()
    stats = info(admin, "stats")
    assert stats["auth_timeouts"] >= 40
    assert info(admin, "clients")["unauthenticated_clients"] == 0
    for s in socks:
        s.close()


def test_logged_in_idle_clients_are_not_cut_by_the_new_timeouts(
        make_daemon):
    """auth_timeout is for logging in, request_timeout for a started
    command: an agent idle after AUTH, a subscriber, and an agent blocked
    in AGENT NEXT stay connected (only idle_timeout, off here, applies)."""
    d = make_daemon(extra="[limits]\nauth_timeout = 1s\n"
                          "request_timeout = 1s\n").start()
    alice = d.client("alice")
    alice.ping()
    sub = d.client("sam").pubsub()
    sub.subscribe("events")
    assert sub.get_message(timeout=5)["type"] == "subscribe"
    blocked = authed(d.port, "bob")
    blocked.sendall(command("AGENT", "READY"))
    assert blocked.recv(64) == b"+OK\r\n"
    # Blocked for 5 s, with half of the next command already sent: the
    # rest of it is its business once AGENT NEXT returns.
    blocked.sendall(command("AGENT", "NEXT", "5") + b"*1\r\n$4\r\nPI")
    # A command split in two, its halves 0.3 s apart, is fine.
    slow = authed(d.port, "vera")
    slow.sendall(b"*1\r\n$4\r\nPI")
    time.sleep(0.3)
    slow.sendall(b"NG\r\n")
    assert slow.recv(64) == b"+PONG\r\n"
    time.sleep(3.5)
    assert alice.ping()
    alice.execute_command("AGENT", "READY")
    deadline = time.time() + 10
    while True:      # the subscriber still hears events
        m = sub.get_message(timeout=1)
        if m and m["type"] == "message":
            break
        assert time.time() < deadline, "the subscriber was cut off"
    slow.sendall(b"PING\r\n")
    assert slow.recv(64) == b"+PONG\r\n"
    blocked.settimeout(15)
    f = blocked.makefile("rb")
    assert read_reply(f) is None             # AGENT NEXT timed out
    blocked.sendall(b"NG\r\n")
    assert read_reply(f) == "PONG"
    stats = info(alice, "stats")
    assert stats["auth_timeouts"] == 0
    assert stats["request_timeouts"] == 0
    for s in (blocked, slow):
        s.close()


def test_unauthenticated_connections_capped_per_address(daemon):
    """One address cannot hold more than max_unauth_per_addr (default 32)
    connections that have not logged in. Another address still connects;
    connections already logged in from the capped address keep working;
    one that logs in frees its place."""
    admin = daemon.client("admin")
    alice = redis.Redis(host="127.0.0.1", port=daemon.port, username="alice",
                        password=PASSWORD, decode_responses=True,
                        socket_timeout=30)
    assert alice.ping()
    deadline = time.time() + 10   # the start-up probe's socket is gone
    while info(admin, "clients").get("unauthenticated_clients", 0) and \
            time.time() < deadline:
        time.sleep(0.05)
    held = []
    for _ in range(32):
        s = connect(daemon.port)
        s.sendall(b"PING\r\n")
        assert s.recv(64) == b"+PONG\r\n"
        held.append(s)
    with connect(daemon.port) as s:
        got = wait_closed(s, 10)
    assert got is not None and got.startswith(
        b"-ERR too many unauthenticated connections"), got
    # Another address is not affected, nor is a logged-in client.
    with connect(daemon.port, "127.0.0.2") as s:
        s.sendall(b"PING\r\n")
        assert s.recv(64) == b"+PONG\r\n"
    assert alice.ping()
    # Logging in on one of them frees a place for a newcomer.
    held[0].sendall(command("AUTH", "bob", PASSWORD))
    assert held[0].recv(64) == b"+OK\r\n"
    with connect(daemon.port) as s:
        s.sendall(b"PING\r\n")
        assert s.recv(64) == b"+PONG\r\n"
    stats = info(admin, "stats")
    assert stats["rejected_unauth_connections"] >= 1
    assert "max_unauth_per_addr" in daemon.read_log()
    for s in held:
        s.close()


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
        # NUL and bytes that are not UTF-8 are refused at dispatch, for
        # every command; the rest by the channel name rule.
        assert isinstance(r, Exception) and (
            "bad channel name" in str(r) or "of 'SUBSCRIBE'" in str(r)), \
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


@pytest.mark.parametrize("request_text", [
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 44\r\n\r\nAUTH alice pw\r\nAGENT READY\r\nQUIT\r\n",
    b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"Host: evil.example\r\nPING\r\n",
])
def test_http_on_the_resp_port_closes_the_connection(daemon, request_text):
    """A web page can make a browser POST to the RESP port with commands in
    the body (cross-protocol scripting). The first HTTP line closes the
    connection, unanswered and logged; nothing in the body runs; another
    client is served throughout."""
    admin = daemon.client("admin")
    assert admin.ping()
    with connect(daemon.port) as s:
        s.sendall(request_text)
        got = wait_closed(s, 10)
    assert got == b"", "the daemon answered HTTP: %r" % got
    assert admin.ping()
    assert as_map(admin.execute_command("AGENT", "STATUS", "alice"))[
        "status"] == "offline"
    assert info(admin, "stats")["http_on_resp_disconnects"] == 1
    assert "possible SECURITY ATTACK" in daemon.read_log()
    port = info(admin, "server")["http_port"]
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                timeout=10) as r:
        body = r.read().decode()
    assert 'hotline_guard_disconnects_total{reason="http"} 1\n' in body


def test_a_mistyped_redis_command_is_not_taken_for_http(daemon):
    """Only what HTTP looks like closes: GET with a key, as redis-cli
    sends it, is an unknown command on a connection that goes on."""
    with connect(daemon.port) as s:
        f = s.makefile("rb")
        s.sendall(command("GET", "foo") + b"GET foo\r\nPING\r\n")
        for _ in range(2):
            r = read_reply(f)
            assert isinstance(r, Exception) and "unknown command" in str(r)
        assert read_reply(f) == "PONG"
