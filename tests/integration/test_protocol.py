"""The wire protocol against the real daemon: PING, inline and multibulk
requests over raw sockets, pipelining, redis-cli, and every kind of bad
input while a second client keeps being served."""
import shutil
import socket
import subprocess
import time

import pytest
import redis

from conftest import recv_until


def test_ping_redis_py(daemon):
    c = daemon.client()
    assert c.ping() is True
    s = daemon.raw()
    s.sendall(b"*2\r\n$4\r\nPING\r\n$11\r\nhello there\r\n")
    assert recv_until(s, b"there\r\n") == b"$11\r\nhello there\r\n"


def test_inline_over_raw_socket(daemon):
    s = daemon.raw()
    s.sendall(b"PING\r\n")
    assert recv_until(s, b"\r\n") == b"+PONG\r\n"
    # Inline words, double quotes with escapes, bare \n line endings.
    s.sendall(b'PING "two words\\twith tab"\n')
    assert recv_until(s, b"tab\r\n") == b"$18\r\ntwo words\twith tab\r\n"
    s.sendall(b"AUTH admin admin-secret\r\n")
    assert recv_until(s, b"\r\n") == b"+OK\r\n"
    s.sendall(b'TICKET CREATE general "+33 6 12 34 56 78" SUBJECT "no dial tone"\r\n')
    reply = recv_until(s, b"\r\n")
    assert reply.startswith(b":") and int(reply[1:-2]) >= 1


def test_command_split_across_packets(daemon):
    s = daemon.raw()
    frame = b"*2\r\n$4\r\nPING\r\n$5\r\nsplit\r\n"
    for i in range(len(frame)):
        s.sendall(frame[i:i + 1])
        time.sleep(0.001)
    assert recv_until(s, b"split\r\n") == b"$5\r\nsplit\r\n"


def test_pipelining_10000_commands(daemon):
    s = daemon.raw()
    s.sendall(b"".join(b"*2\r\n$4\r\nPING\r\n$%d\r\n%d\r\n" % (len(str(i)), i)
                       for i in range(10000)))
    data = recv_until(s, b"$4\r\n9999\r\n", limit=1 << 24)
    replies = data.split(b"\r\n")[:-1]
    values = [int(replies[i]) for i in range(1, len(replies), 2)]
    assert values == list(range(10000))


def test_pipelined_ticket_creates_are_all_durable(daemon):
    c = daemon.client("admin")
    p = c.pipeline(transaction=False)
    for i in range(2000):
        p.execute_command("TICKET", "CREATE", "general", "cust-%d" % (i % 50))
    ids = p.execute()
    assert ids == sorted(ids) and len(set(ids)) == 2000
    # Group commit: many creates share each transaction.
    persistence = c.info("persistence")
    assert persistence["commits"] < 1000
    assert persistence["max_batch_events"] > 2
    # The WAL is checkpointed by the checkpoint thread, not by the loop.
    deadline = time.time() + 5
    while c.info("persistence")["wal_checkpoints"] == 0:
        assert time.time() < deadline, "no WAL checkpoint within 5 s"
        time.sleep(0.1)
    daemon.kill()
    daemon.start()
    c = daemon.client("admin")
    for i in (0, 999, 1999):
        t = c.execute_command("TICKET", "GET", ids[i])
        assert t[t.index("id") + 1] == ids[i]


@pytest.mark.skipif(shutil.which("redis-cli") is None, reason="redis-cli missing")
def test_redis_cli(daemon):
    base = ["redis-cli", "-h", "127.0.0.1", "-p", str(daemon.port)]
    out = subprocess.run(base + ["PING"], capture_output=True, text=True, timeout=10)
    assert out.stdout.strip() == "PONG"
    out = subprocess.run(base + ["--user", "admin", "--pass", "admin-secret",
                                 "--no-auth-warning", "TICKET", "CREATE",
                                 "billing", "c-cli", "SUBJECT", "from redis-cli"],
                         capture_output=True, text=True, timeout=10)
    assert out.stdout.strip().isdigit(), out.stdout + out.stderr
    tid = out.stdout.strip()
    out = subprocess.run(base + ["--user", "admin", "--pass", "admin-secret",
                                 "--no-auth-warning", "TICKET", "GET", tid],
                         capture_output=True, text=True, timeout=10)
    lines = out.stdout.split("\n")
    assert lines[lines.index("subject") + 1] == "from redis-cli"
    # Over the unix socket too.
    out = subprocess.run(["redis-cli", "-s", daemon.sock, "PING"],
                         capture_output=True, text=True, timeout=10)
    assert out.stdout.strip() == "PONG"


def test_unknown_command_keeps_connection(daemon):
    c = daemon.client("admin")
    with pytest.raises(redis.ResponseError, match="unknown command 'FROB'"):
        c.execute_command("FROB")
    with pytest.raises(redis.ResponseError, match="unknown subcommand 'EXPLODE'"):
        c.execute_command("TICKET", "EXPLODE", 1)
    with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
        c.execute_command("TICKET", "GET")
    with pytest.raises(redis.ResponseError, match="not an integer"):
        c.execute_command("TICKET", "GET", "abc")
    with pytest.raises(redis.ResponseError, match="unknown queue"):
        c.execute_command("TICKET", "CREATE", "nowhere", "c1")
    with pytest.raises(redis.ResponseError, match="tier"):
        c.execute_command("TICKET", "CREATE", "general", "c1", "TIER", "platinum")
    with pytest.raises(redis.ResponseError, match="out of range"):
        c.execute_command("TICKET", "CREATE", "general", "c1", "PRIORITY", "99999")
    with pytest.raises(redis.ResponseError, match="NOTFOUND"):
        c.execute_command("TICKET", "GET", 424242)
    assert c.ping() is True


def protocol_error_case(daemon, payload, message):
    bad = daemon.raw()
    good = daemon.client("admin")
    bad.sendall(payload)
    data = recv_until(bad, b"\r\n")
    assert data.startswith(b"-ERR Protocol error: " + message), data
    # The server closes the offending connection ...
    bad.settimeout(5)
    rest = b""
    try:
        while True:
            chunk = bad.recv(4096)
            if not chunk:
                break
            rest += chunk
    except ConnectionResetError:
        pass        # closed while our unread bytes were still in flight
    except socket.timeout:
        pytest.fail("connection not closed after a protocol error")
    # ... and keeps serving everybody else.
    assert good.ping() is True
    assert good.execute_command("TICKET", "CREATE", "general", "still-here") >= 1


def test_overlong_inline_line(daemon):
    protocol_error_case(daemon, b"PING " + b"x" * (70 * 1024), b"too big inline request")


def test_bad_multibulk_count(daemon):
    protocol_error_case(daemon, b"*abc\r\n", b"invalid multibulk length")


def test_too_many_arguments(daemon):
    protocol_error_case(daemon, b"*5000\r\n", b"invalid multibulk length")


def test_bad_bulk_length(daemon):
    protocol_error_case(daemon, b"*1\r\n$-7\r\n", b"invalid bulk length")


def test_bulk_over_limit(daemon):
    protocol_error_case(daemon, b"*2\r\n$4\r\nPING\r\n$2000000\r\n", b"invalid bulk length")


def test_missing_dollar(daemon):
    protocol_error_case(daemon, b"*1\r\n:4\r\nPING\r\n", b"expected '$'")


def test_unbalanced_quotes(daemon):
    protocol_error_case(daemon, b'PING "never closed\r\n', b"unbalanced quotes")


def test_max_clients(make_daemon):
    d = make_daemon(max_clients=3).start()
    keep = []
    # The start-up probe's connection may not be reaped yet: retry briefly.
    for _ in range(50):
        s = d.raw()
        s.sendall(b"PING\r\n")
        if recv_until(s, b"\r\n") == b"+PONG\r\n":
            keep.append(s)
            if len(keep) == 3:
                break
        else:
            time.sleep(0.1)
    assert len(keep) == 3
    extra = d.raw()
    assert recv_until(extra, b"\r\n").startswith(b"-ERR max number of clients")
    keep[0].close()
    time.sleep(0.3)
    again = d.raw()
    again.sendall(b"PING\r\n")
    assert recv_until(again, b"\r\n") == b"+PONG\r\n"


def test_idle_timeout(make_daemon):
    d = make_daemon(idle_timeout="1s").start()
    s = d.raw()
    s.sendall(b"PING\r\n")
    assert recv_until(s, b"\r\n") == b"+PONG\r\n"
    time.sleep(2.5)
    s.settimeout(5)
    assert s.recv(100) == b""
    info = d.client("admin").info("stats")
    assert info["idle_disconnects"] >= 1


def test_output_buffer_limit(make_daemon):
    """A client that never reads its replies is cut off at its limit."""
    d = make_daemon(output_limit="64kb").start()
    greedy = d.raw()
    # Logged in: before AUTH a command is at most 16 KiB.
    greedy.sendall(b"AUTH ivan pw\r\n")
    assert recv_until(greedy, b"\r\n") == b"+OK\r\n"
    greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    big = b"y" * 60000
    frame = b"*2\r\n$4\r\nPING\r\n$%d\r\n%s\r\n" % (len(big), big)
    try:
        for _ in range(400):
            greedy.sendall(frame)
    except OSError:
        pass
    c = d.client("admin")
    deadline = time.time() + 10
    while time.time() < deadline:
        if c.info("stats")["output_limit_disconnects"] >= 1:
            break
        time.sleep(0.1)
    assert c.info("stats")["output_limit_disconnects"] >= 1
    assert c.ping() is True


def test_out_of_descriptors_pauses_accepting(make_daemon):
    """At the descriptor limit the daemon pauses accepting, keeps serving
    the clients it has, and takes new ones once descriptors free up."""
    d = make_daemon().start(nofile=48)
    first = d.raw()
    first.sendall(b"AUTH admin admin-secret\r\n")
    assert recv_until(first, b"\r\n") == b"+OK\r\n"
    socks = []
    for _ in range(60):
        try:
            socks.append(socket.create_connection(("127.0.0.1", d.port), 2))
        except OSError:
            break
    time.sleep(0.5)
    first.sendall(b"INFO stats\r\n")
    info = recv_until(first, b"next_ticket_id")
    assert b"accept_pauses:" in info and b"accept_pauses:0" not in info
    for s in socks[:-1]:
        s.close()
    time.sleep(1.5)
    late = socks[-1]
    late.sendall(b"PING\r\n")
    late.settimeout(10)
    assert recv_until(late, b"\r\n") == b"+PONG\r\n"
    first.sendall(b"PING\r\n")
    assert recv_until(first, b"\r\n") == b"+PONG\r\n"
