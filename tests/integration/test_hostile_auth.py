"""Hostile logins: each test is one attack on authentication or on the
daemon's resources before login, and the bound that holds it.

NUL bytes in passwords, an AUTH flood against another address's login,
checks of clients who left dropped unrun, -BUSY past the hasher's queue,
AGENT PASSWD guesses off the loop and throttled, lockout per address and
(address, user), pre-auth input not buffered, pre-auth command caps, PING
arity. Times are generous bounds (the strict latency is bench/login's).
"""
import socket
import threading
import time
import urllib.request

import pytest
import redis

from conftest import ADMIN_PASSWORD, PASSWORD, recv_until


def resp(*args):
    """One multibulk command; arguments are bytes or str, kept whole."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def connect(d, source="127.0.0.1", timeout=30):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", d.port))
    return s


def call(s, *args):
    s.sendall(resp(*args))
    return recv_until(s, b"\r\n")


def login(d, user, password, source="127.0.0.1"):
    s = connect(d, source)
    return s, call(s, "AUTH", user, password)


def rss_kb(d):
    with open("/proc/%d/status" % d.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def info(d):
    """INFO stats over the unix socket: another source than any TCP one."""
    c = redis.Redis(unix_socket_path=d.sock, username="admin",
                    password=ADMIN_PASSWORD, decode_responses=True,
                    socket_timeout=30)
    return c.info("stats")


def test_nul_bytes_are_part_of_the_password(daemon):
    admin, r = login(daemon, "admin", ADMIN_PASSWORD)
    assert r == b"+OK\r\n"
    assert call(admin, "AGENT", "ADD", "nul", b"\x00secret",
                "ROLE", "integration") == b"+OK\r\n"
    # The NUL does not end the password: "" is not "\0secret"...
    s, r = login(daemon, "nul", "")
    assert r.startswith(b"-WRONGPASS"), r
    s, r = login(daemon, "nul", b"\x00")
    assert r.startswith(b"-WRONGPASS"), r
    s, r = login(daemon, "nul", b"\x00secret")
    assert r == b"+OK\r\n"
    # ... and nothing after a NUL is ignored either.
    s2, r = login(daemon, "admin", ADMIN_PASSWORD.encode() + b"\x00junk")
    assert r.startswith(b"-WRONGPASS"), r
    # AGENT PASSWD: the new password and OLD, whole.
    assert call(s, "AGENT", "PASSWD", "nul", b"a\x00b", "OLD",
                b"\x00") .startswith(b"-WRONGPASS")
    assert call(s, "AGENT", "PASSWD", "nul", b"a\x00b", "OLD",
                b"\x00secret") == b"+OK\r\n"
    s, r = login(daemon, "nul", "a")
    assert r.startswith(b"-WRONGPASS"), r
    s, r = login(daemon, "nul", b"a\x00b")
    assert r == b"+OK\r\n"
    # Over the documented cap: refused, never cut to fit.
    long = b"x" * 1025
    assert call(admin, "AGENT", "ADD", "long", long).startswith(
        b"-ERR password longer than 1024 bytes")
    assert call(admin, "AGENT", "PASSWD", "nul", long).startswith(
        b"-ERR password longer than 1024 bytes")
    s, r = login(daemon, "nul", long)
    assert r.startswith(b"-ERR password longer than 1024 bytes"), r
    assert call(admin, "AGENT", "ADD", "max", b"y" * 1024) == b"+OK\r\n"
    s, r = login(daemon, "max", b"y" * 1024)
    assert r == b"+OK\r\n"


def flood(d, stop, counts, source="127.0.0.1"):
    """connect, AUTH nosuchN wrong, close: as fast as one thread can."""
    i = 0
    while not stop.is_set():
        try:
            s = connect(d, source, timeout=5)
            s.sendall(b"AUTH nosuch%d wrong\r\n" % i)
            s.close()
            counts[0] += 1
        except OSError:
            time.sleep(0.01)
        i += 1


def test_auth_flood_does_not_starve_a_login_from_another_address(make_daemon):
    # Room for the flood's connections: capping them per address is
    # another limit's business; this one is about the password checks.
    d = make_daemon(max_clients=8000).start()
    base = rss_kb(d)
    stop = threading.Event()
    counts = [0]
    threads = [threading.Thread(target=flood, args=(d, stop, counts))
               for _ in range(4)]
    for t in threads:
        t.start()
    waits = []
    peak = 0
    try:
        time.sleep(0.5)
        for i in range(8):
            t0 = time.time()
            s, r = login(d, "ivan", PASSWORD, source="127.0.0.2")
            waits.append(time.time() - t0)
            s.close()
            assert r == b"+OK\r\n", r
            peak = max(peak, rss_kb(d))
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    assert counts[0] > 300, "the flood was too thin to show anything"
    # A generous bound: today's main took 8 s (bench/login measures p99).
    assert max(waits) < 5.0, waits
    # Memory: the waiting checks are bounded, the hashing threads' 64 MiB
    # each come and go.
    assert peak - base < 200 * 1024, (base, peak)
    st = info(d)
    assert st["hasher_busy_refusals"] + st["auth_locked_refusals"] + \
        st["hasher_jobs_dropped"] > 0


def test_a_pool_logging_in_at_once_is_no_attack(daemon):
    # Twenty connections of one address (a connection pool, an office
    # behind NAT) log in at the same moment as the same user: none is
    # refused, none locked out, none -BUSY.
    socks = [daemon.raw() for _ in range(20)]
    for s in socks:
        s.sendall(b"AUTH ivan %s\r\n" % PASSWORD.encode())
    answers = [recv_until(s, b"\r\n") for s in socks]
    assert answers == [b"+OK\r\n"] * 20, answers


def test_checks_of_clients_who_left_are_dropped_unrun(make_daemon):
    d = make_daemon(extra="[auth]\nhash_threads = 1\nhash_queue = 1000\n"
                          "hash_queue_per_address = 1000\n"
                          "address_lock_after = 0\n"
                          # 200 connections at once from one address: not
                          # refused by the cap, so their checks queue up.
                          "[limits]\nmax_unauth_per_addr = 0\n").start()
    for i in range(200):
        s = d.raw()
        s.sendall(b"AUTH nosuch%d wrong\r\n" % i)
        s.close()
    # 200 checks of ~50 ms on one thread would take 10 s: those whose
    # client left are dropped, and a login goes through at once.
    t0 = time.time()
    s, r = login(d, "ivan", PASSWORD, source="127.0.0.2")
    assert r == b"+OK\r\n"
    assert time.time() - t0 < 5.0
    deadline = time.time() + 10
    while time.time() < deadline:
        st = info(d)
        if st["hasher_queued"] == 0 and st["hasher_running"] == 0:
            break
        time.sleep(0.05)
    assert st["hasher_queued"] == 0
    assert st["hasher_jobs_dropped"] >= 100, st
    assert st["hasher_jobs_done"] < 100, st
    # A dropped attempt still counts as a failure of its address.
    assert st["auth_throttle_entries"] > 0
    # Prometheus sees the same.
    c = redis.Redis(unix_socket_path=d.sock, username="admin",
                    password=ADMIN_PASSWORD, decode_responses=True)
    port = int(c.info("server")["http_port"])
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                timeout=10) as r:
        text = r.read().decode()
    assert "hotline_hasher_dropped_total %d\n" % st["hasher_jobs_dropped"] \
        in text
    assert "hotline_hasher_queued 0\n" in text


def test_busy_past_the_hasher_queue_bound(make_daemon):
    d = make_daemon(extra="[auth]\nhash_threads = 1\nhash_queue = 2\n"
                          "lock_after = 0\naddress_lock_after = 0\n"
                          "fail_delay = 1ms\n").start()
    socks = [d.raw() for _ in range(12)]
    for i, s in enumerate(socks):
        s.sendall(b"AUTH alice wrong%d\r\n" % i)
    answers = [recv_until(s, b"\r\n") for s in socks]
    busy = [a for a in answers if a.startswith(b"-BUSY")]
    assert busy, answers
    assert all(a.startswith(b"-BUSY try again") or
               a.startswith(b"-WRONGPASS") for a in answers), answers
    assert info(d)["hasher_busy_refusals"] == len(busy)
    # -BUSY is no failure: the connection may try again, and gets in.
    s = socks[answers.index(busy[0])]
    s.sendall(b"AUTH alice %s\r\n" % PASSWORD.encode())
    assert recv_until(s, b"\r\n") == b"+OK\r\n"


def test_pipelined_passwd_guesses_neither_stall_nor_go_unthrottled(
        make_daemon):
    d = make_daemon(extra="[auth]\nfail_delay = 20ms\nfail_delay_max = 200ms\n"
                          "lock_after = 10\n").start()
    s, r = login(d, "alice", PASSWORD)
    assert r == b"+OK\r\n"
    other = d.client("ivan")
    other.ping()
    worst = [0.0]
    stop = threading.Event()

    def pinger():
        while not stop.is_set():
            t0 = time.time()
            other.ping()
            worst[0] = max(worst[0], time.time() - t0)
            time.sleep(0.005)

    t = threading.Thread(target=pinger)
    t.start()
    try:
        s.sendall(b"".join(resp("AGENT", "PASSWD", "alice", "x", "OLD",
                                "wrong%d" % i) for i in range(20)) +
                  resp("PING", "after"))
        out = recv_until(s, b"$5\r\nafter\r\n")
    finally:
        stop.set()
        t.join(10)
    # Answered in order, each a refusal; the loop never waited for them.
    assert out.count(b"-WRONGPASS old password does not match") == 20, out
    assert out.endswith(b"$5\r\nafter\r\n")
    assert worst[0] < 1.2, "a PING elsewhere waited %.3f s" % worst[0]
    # Throttled like AUTH: past lock_after the pair is locked, even the
    # right OLD is refused, and so is AUTH for alice from here...
    assert call(s, "AGENT", "PASSWD", "alice", "x", "OLD", PASSWORD) \
        .startswith(b"-WRONGPASS")
    s2, r = login(d, "alice", PASSWORD)
    assert r.startswith(b"-WRONGPASS")
    # ... but not from another address.
    s3, r = login(d, "alice", PASSWORD, source="127.0.0.2")
    assert r == b"+OK\r\n"
    assert "locked" in d.read_log()


def test_agent_add_hashes_off_the_loop_in_order(daemon):
    admin, r = login(daemon, "admin", ADMIN_PASSWORD)
    assert r == b"+OK\r\n"
    admin.sendall(b"".join(resp("AGENT", "ADD", "new%d" % i, "pw%d" % i,
                                "ROLE", "integration") for i in range(6)) +
                  resp("AGENT", "ADD", "new0", "again") + resp("PING", "after"))
    out = recv_until(admin, b"$5\r\nafter\r\n")
    # Each answered in its turn, after its hash; the duplicate refused.
    assert out == b"+OK\r\n" * 6 + b"-ERR user 'new0' already exists\r\n" \
        + b"$5\r\nafter\r\n", out
    for i in (0, 5):
        s, r = login(daemon, "new%d" % i, "pw%d" % i)
        assert r == b"+OK\r\n"
    audit = daemon.client("admin").execute_command("AUDIT", "LIMIT", 50)
    assert sum(1 for e in audit if b"AGENT ADD new" in str(e).encode()) >= 6


def test_lockout_is_per_address_and_user(make_daemon):
    d = make_daemon(extra="[auth]\nfail_delay = 1ms\nfail_delay_max = 10ms\n"
                          "lock_after = 3\naddress_lock_after = 6\n"
                          "lock_time = 5m\n").start()
    s = connect(d)
    for i in range(5):
        assert call(s, "AUTH", "admin", "wrong%d" % i).startswith(
            b"-WRONGPASS")
    # admin is locked from this address only, right password or not...
    assert call(s, "AUTH", "admin", ADMIN_PASSWORD).startswith(
        b"-WRONGPASS")
    s2, r = login(d, "admin", ADMIN_PASSWORD, source="127.0.0.2")
    assert r == b"+OK\r\n", "admin was locked out from everywhere"
    # ... and other users of the address still get in.
    s3, r = login(d, "alice", PASSWORD)
    assert r == b"+OK\r\n"
    # An address that fails on many users is locked whole (refusals of a
    # locked pair are not failures: admin counted 3)...
    for user in ("bob", "vera", "sam"):
        s4, r = login(d, user, "wrong")
        assert r.startswith(b"-WRONGPASS")
    s5, r = login(d, "ivan", PASSWORD)
    assert r.startswith(b"-WRONGPASS"), r
    # ... and still not the other one.
    s6, r = login(d, "ivan", PASSWORD, source="127.0.0.2")
    assert r == b"+OK\r\n"
    assert info(d)["auth_locked_refusals"] >= 2


def test_pipelined_input_is_not_buffered_while_auth_waits(make_daemon):
    # Failures wait 3 s: while the first one's answer is held, the client
    # streams pipelined commands as fast as it can.
    d = make_daemon(extra="[auth]\nfail_delay = 3s\nfail_delay_max = 3s\n"
                    ).start()
    base = rss_kb(d)
    s = d.raw()
    s.sendall(b"AUTH alice wrong\r\n")
    time.sleep(0.3)
    chunk = b"PING\r\n" * 100000
    sent = 0
    s.settimeout(0.5)
    t_end = time.time() + 2.0
    try:
        while time.time() < t_end and sent < 200 * len(chunk):
            sent += s.send(chunk)
    except socket.timeout:
        pass
    grown = rss_kb(d) - base
    s.close()
    # The socket's buffers fill up and the rest waits in the client.
    assert sent < 32 << 20, "the daemon took %d bytes" % sent
    assert grown < 32 * 1024, "RSS grew %d KiB" % grown
    c = d.client("ivan")
    assert c.ping()


def test_preauth_replies_not_read_are_bounded(daemon):
    """Before login a client that pipelines PINGs and never reads the
    answers is cut at a small output bound (4 x preauth_max_bytes), not
    at the 64 MiB a logged-in client may be owed."""
    base = rss_kb(daemon)
    s = daemon.raw()
    s.settimeout(0.5)
    chunk = b"PING\r\n" * 20000
    sent = 0
    t_end = time.time() + 3.0
    try:
        while time.time() < t_end and sent < 100 * len(chunk):
            sent += s.send(chunk)
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass
    time.sleep(0.3)
    grown = rss_kb(daemon) - base
    # The daemon closed it: reading ends (after what the kernel holds).
    s.settimeout(10)
    closed = False
    try:
        while True:
            b = s.recv(1 << 20)
            if not b:
                closed = True
                break
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        pass
    s.close()
    assert closed, "the connection was left open"
    assert grown < 16 * 1024, "RSS grew %d KiB" % grown
    assert "output limit" in daemon.read_log()
    assert daemon.client("ivan").ping()


def test_preauth_commands_are_small(daemon):
    # More than 8 arguments before AUTH: a protocol error, connection closed.
    s = daemon.raw()
    s.sendall(resp(*(["PING"] + ["a"] * 8)))
    r = recv_until(s, b"\r\n")
    assert r.startswith(b"-ERR Protocol error"), r
    assert s.recv(100) == b""
    # A 20 KiB argument before AUTH, multibulk or inline: the same.
    s = daemon.raw()
    s.sendall(b"*3\r\n$4\r\nAUTH\r\n$20000\r\n")
    assert recv_until(s, b"\r\n").startswith(b"-ERR Protocol error")
    s = daemon.raw()
    s.sendall(b"AUTH " + b"u" * 20000 + b" pw\r\n")
    assert recv_until(s, b"\r\n").startswith(b"-ERR Protocol error")
    # Many arguments of a few KiB each make one command over 16 KiB.
    s = daemon.raw()
    s.sendall(b"*8\r\n$5\r\nHELLO\r\n" + b"$4000\r\n" + b"x" * 4000 +
              b"\r\n" + b"$4000\r\n" + b"x" * 4000 + b"\r\n" +
              b"$4000\r\n" + b"x" * 4000 + b"\r\n" + b"$4000\r\n" +
              b"x" * 4000 + b"\r\n" + b"$4000\r\n" + b"x" * 4000 +
              b"\r\n" + b"$4000\r\n" + b"x" * 100)
    r = recv_until(s, b"\r\n")
    assert r.startswith(b"-ERR Protocol error: command longer than"), r
    # After AUTH the usual limits apply again.
    s, r = login(daemon, "ivan", PASSWORD)
    assert r == b"+OK\r\n"
    r = call(s, "TICKET", "CREATE", "general", "c1", "ATTR", "a", "b",
             "SUBJECT", "s" * 20000)
    assert r.startswith(b":"), r


def test_preauth_caps_are_configurable(make_daemon):
    d = make_daemon(extra="[limits]\npreauth_max_args = 3\n"
                          "preauth_max_bytes = 4kb\n").start()
    s = d.raw()
    s.sendall(resp("HELLO", "2", "AUTH", "ivan", PASSWORD))
    assert recv_until(s, b"\r\n").startswith(b"-ERR Protocol error")
    s = d.raw()
    s.sendall(resp("AUTH", "ivan", "p" * 5000))
    assert recv_until(s, b"\r\n").startswith(b"-ERR Protocol error")
    s, r = login(d, "ivan", PASSWORD)
    assert r == b"+OK\r\n"


def test_ping_checks_its_arity(daemon):
    s = daemon.raw()
    assert call(s, "PING") == b"+PONG\r\n"
    assert call(s, "PING", "hi") == b"$2\r\nhi\r\n"
    assert call(s, "PING", "a", "b").startswith(
        b"-ERR wrong number of arguments for 'PING' command")
    # Subscribed, too.
    s, r = login(daemon, "ivan", PASSWORD)
    call(s, "SUBSCRIBE", "events")
    assert call(s, "PING", "a", "b").startswith(
        b"-ERR wrong number of arguments")


def raw_info(s):
    """INFO stats on a raw logged-in socket, as a dict."""
    s.sendall(resp("INFO", "stats"))
    data = recv_until(s, b"\r\n")
    size = int(data[1:data.index(b"\r\n")])
    while len(data) < data.index(b"\r\n") + 2 + size + 2:
        data += s.recv(65536)
    text = data[data.index(b"\r\n") + 2:].decode()
    return dict(line.split(":", 1) for line in text.splitlines()
                if ":" in line)


def test_the_floors_managers_log_in_ahead_of_a_shift(make_daemon):
    # A shift starting: forty desks' password checks wait for the one
    # hashing thread, each desk from its own address. The supervisor or
    # admin who runs the floor must not wait behind all of them: a known
    # supervisor's or admin's AUTH is served next (on the daemon before
    # this rule it was served after every desk).
    d = make_daemon(extra="[auth]\nhash_threads = 1\nhash_queue = 1000\n"
                          "hash_queue_per_address = 1000\n"
                          "[limits]\nmax_unauth_per_addr = 0\n"
                          "auth_timeout = 0\n").start()
    desks = []
    for i in range(40):
        s = connect(d, source="127.0.3.%d" % (i + 1))
        s.sendall(resp("AUTH", "ivan", PASSWORD))
        desks.append(s)
    # info() itself logs in as admin over the unix socket: it answers
    # while the desks' checks still wait.
    deadline = time.time() + 60
    while info(d)["hasher_queued"] < 20:
        assert time.time() < deadline, "the desks' checks never queued"
        time.sleep(0.05)
    s, r = login(d, "admin", ADMIN_PASSWORD, source="127.0.4.1")
    assert r == b"+OK\r\n"
    st = raw_info(s)
    assert int(st["hasher_queued"]) > 0, st
    # Nobody starves: every desk is in, in the end.
    answers = [recv_until(k, b"\r\n") for k in desks]
    assert answers == [b"+OK\r\n"] * 40, answers
