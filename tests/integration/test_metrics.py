"""Metrics and health over HTTP: /metrics parsed by prometheus_client's own
text parser after a scripted mini shift and checked against the daemon's
state (TICKET LIST, AGENT LIST, QUEUE STATS, INFO); /healthz and /readyz
(503 while commits fail); 404, 405, HEAD; bounded requests that never
stall the loop; [http] port and enabled, a taken port only logged; INFO
commandstats and metrics."""
import collections
import os
import socket
import sqlite3
import time
import urllib.error
import urllib.request

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from conftest import as_map, free_port, recv_until

# Answer targets long enough for the accepted ticket to be in target, one
# short enough for a waiting ticket to breach; every abandon counts.
SHIFT = """
[routing]
short_abandon = 0
[sla standard]
answer = 60s
[sla gold]
answer = 60s
[sla silver]
answer = 300ms
"""


def http_port(d):
    """INFO server says which port [http] port = 0 got (once per start)."""
    if getattr(d, "http_started", None) is not d.proc:
        d.http_port = int(d.client("admin").info("server")["http_port"])
        d.http_started = d.proc
    return d.http_port


def http(d, path, method="GET", timeout=10):
    """(status, headers, body) of one request through urllib."""
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (http_port(d), path),
                                 method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def scrape(d):
    status, headers, body = http(d, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    types = {}
    for fam in text_string_to_metric_families(body):
        types[fam.name] = fam.type
        for s in fam.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            assert key not in samples, "duplicate series %s" % (key,)
            samples[key] = s.value
    return samples, types


def value(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


def series(samples, name):
    """{labels-dict-as-tuple: value} of one metric name."""
    return {k[1]: v for k, v in samples.items() if k[0] == name}


def test_metrics_after_a_mini_shift(make_daemon):
    d = make_daemon(extra=SHIFT).start()
    ivan, alice, bob, sam = (d.client(u) for u in ("ivan", "alice", "bob", "sam"))
    assert sam.ping() is True   # logged in (audit.login) before the counting
    created = [ivan.execute_command("TICKET", "CREATE", q, c, "TIER", t)
               for q, c, t in (("general", "c1", "standard"),
                               ("general", "c2", "standard"),
                               ("general", "c3", "gold"),
                               ("billing", "c4", "silver"),
                               ("tech", "c5", "standard"))]
    creates = len(created)
    with pytest.raises(redis.exceptions.ResponseError):
        ivan.execute_command("TICKET", "CREATE", "no-such-queue", "c6")
    creates += 1
    with pytest.raises(redis.exceptions.ResponseError):
        alice.execute_command("TICKET", "ACCEPT", 999999)
    with pytest.raises(redis.exceptions.NoPermissionError):
        ivan.execute_command("TICKET", "ACCEPT", created[0])
    assert alice.execute_command("AGENT", "READY") == "OK"
    offer = as_map(alice.execute_command("AGENT", "NEXT", 5))
    assert alice.execute_command("TICKET", "ACCEPT", offer["id"]) == "OK"
    assert bob.execute_command("AGENT", "BREAK", "lunch") == "OK"
    abandoned = created[1] if offer["id"] != created[1] else created[0]
    assert ivan.execute_command("TICKET", "ABANDON", abandoned) == "OK"
    time.sleep(0.6)     # the waiting silver ticket breaches its 300 ms

    samples, types = scrape(d)
    assert types["hotline_journal_commit_seconds"] == "histogram"
    assert types["hotline_commands"] == "counter"
    assert types["hotline_tickets_waiting"] == "gauge"

    # Waiting tickets by queue and tier, as TICKET LIST shows them.
    queues = ("general", "billing", "tech", "complaints")
    tiers = ("standard", "silver", "gold", "diamond")
    queued = collections.Counter(
        (t["queue"], t["tier"]) for t in
        (as_map(x) for x in sam.execute_command("TICKET", "LIST", "STATE", "queued")))
    assert sum(queued.values()) == 3
    for q in queues:
        for t in tiers:
            assert value(samples, "hotline_tickets_waiting", queue=q, tier=t) == \
                queued[(q, t)], (q, t)
        oldest = value(samples, "hotline_oldest_wait_seconds", queue=q)
        assert (oldest > 0.5) == any(queued[(q, t)] for t in tiers), q

    # Agents by status, as AGENT LIST shows them.
    statuses = collections.Counter(as_map(a)["status"].split("(")[0] for a in
                                   sam.execute_command("AGENT", "LIST"))
    assert statuses["busy"] == 1 and statuses["break"] == 1
    for s in ("offline", "available", "busy", "wrapup", "break"):
        assert value(samples, "hotline_agents", status=s) == statuses[s], s

    # Service level, answered, abandoned and breaches as QUEUE STATS has them.
    for q in queues:
        st = as_map(sam.execute_command("QUEUE", "STATS", q))
        assert value(samples, "hotline_sla_breaches_today", queue=q) == \
            st["breaches_today"]
        for w in ("today", "15m", "1h"):
            assert value(samples, "hotline_answered", queue=q, window=w) == \
                st["answered_" + w]
            assert value(samples, "hotline_abandoned", queue=q, window=w) == \
                st["abandoned_" + w]
            for t in tiers:
                key = ("hotline_service_level_ratio",
                       tuple(sorted(dict(queue=q, tier=t, window=w).items())))
                if st["sl_%s.%s" % (w, t)] == "-":
                    assert key not in samples, key
                else:
                    assert round(samples[key] * 100, 1) == \
                        float(st["sl_%s.%s" % (w, t)]), key
    if offer["tier"] != "silver":
        assert value(samples, "hotline_sla_breaches_today", queue="billing") >= 1
    sl = series(samples, "hotline_service_level_ratio")
    assert sl and all(0 <= v <= 1 for v in sl.values())
    assert value(samples, "hotline_answered", queue=offer["queue"], window="15m") == 1
    assert value(samples, "hotline_abandoned", queue="general", window="1h") == 1

    # Commands and errors per command-table row.
    assert value(samples, "hotline_commands_total", command="TICKET CREATE") == creates
    assert value(samples, "hotline_command_errors_total",
                 command="TICKET CREATE") == 1
    assert value(samples, "hotline_commands_total", command="TICKET ACCEPT") == 3
    assert value(samples, "hotline_command_errors_total",
                 command="TICKET ACCEPT") == 2
    assert value(samples, "hotline_command_errors_total", command="AGENT READY") == 0
    assert value(samples, "hotline_commands_total", command="SHUTDOWN") == 0

    # The commit histogram against INFO persistence.
    info = sam.info()
    buckets = series(samples, "hotline_journal_commit_seconds_bucket")
    bounds = sorted(buckets, key=lambda k: float(dict(k)["le"]))
    counts = [buckets[k] for k in bounds]
    assert dict(bounds[-1])["le"] == "+Inf" and len(bounds) == 12
    assert counts == sorted(counts)
    count = value(samples, "hotline_journal_commit_seconds_count")
    assert counts[-1] == count
    assert value(samples, "hotline_journal_commit_seconds_sum") > 0
    # INFO itself commits nothing: the count is the same a moment later.
    assert count == info["commits"] == info["journal_commits"]
    assert value(samples, "hotline_events_written_total") == info["events_written"]
    assert value(samples, "hotline_commit_failures_total") == 0
    assert value(samples, "hotline_open_tickets") == info["open_tickets"] == 4
    assert value(samples, "hotline_auth_failures_total") == info["auth_failures"] == 0
    assert value(samples, "hotline_output_limit_disconnects_total") == 0
    assert 0 < value(samples, "hotline_uptime_seconds") <= info["uptime_in_seconds"] + 1

    # Live at scrape time: one more ticket shows at once.
    ivan.execute_command("TICKET", "CREATE", "tech", "c7")
    again, _ = scrape(d)
    assert value(again, "hotline_tickets_waiting", queue="tech", tier="standard") == \
        queued[("tech", "standard")] + 1
    assert value(again, "hotline_commands_total", command="TICKET CREATE") == creates + 1
    assert value(again, "hotline_journal_commit_seconds_count") > count

    # INFO metrics and commandstats say the same.
    info = sam.info()
    assert info["agents_busy"] == 1 and info["agents_break"] == 1
    assert info["agents_offline"] == statuses["offline"]
    assert info["tickets_waiting"] == 4
    assert 0 <= info["journal_commit_p50_usec"] <= info["journal_commit_p99_usec"]
    assert info["queue_tech"]["waiting"] == queued[("tech", "standard")] + 1
    stats = sam.info("commandstats")
    assert stats["cmdstat_ticket|create"] == {"calls": creates + 1, "errors": 1}
    assert stats["cmdstat_ticket|accept"] == {"calls": 3, "errors": 2}
    assert stats["cmdstat_agent|next"]["calls"] == 1
    assert "cmdstat_shutdown" not in stats     # never called: not listed


def test_clients_subscribers_and_blocked(daemon):
    sam = daemon.client("sam")
    sub = daemon.client("sam").pubsub()
    sub.subscribe("events")
    assert sub.get_message(timeout=5)["type"] == "subscribe"
    vera = daemon.raw()
    vera.sendall(b"AUTH vera pw\r\nAGENT READY\r\nAGENT NEXT 20\r\n")
    got = b""
    while got.count(b"+OK") < 2:
        got += vera.recv(4096)
    deadline = time.time() + 5
    while True:
        samples, _ = scrape(daemon)
        clients = sam.info("clients")
        if value(samples, "hotline_blocked_clients") == 1 and \
                value(samples, "hotline_connected_clients") == \
                clients["connected_clients"] or time.time() > deadline:
            break
        time.sleep(0.05)
    assert value(samples, "hotline_blocked_clients") == clients["blocked_clients"] == 1
    assert value(samples, "hotline_subscribers") == clients["pubsub_clients"] == 1
    assert value(samples, "hotline_connected_clients") == clients["connected_clients"]
    assert value(samples, "hotline_agents", status="available") == 1
    vera.close()
    sub.close()


def test_health_ready_404_405_head(daemon):
    assert http(daemon, "/healthz")[::2] == (200, "ok\n")
    assert http(daemon, "/readyz")[::2] == (200, "ready\n")
    assert http(daemon, "/metrics?x=1")[0] == 200      # query strings ignored
    status, _, body = http(daemon, "/nope")
    assert status == 404 and "/metrics" in body
    assert http(daemon, "/")[0] == 404
    status, headers, _ = http(daemon, "/metrics", method="POST")
    assert status == 405 and "GET" in headers["Allow"]
    assert http(daemon, "/healthz", method="DELETE")[0] == 405
    assert http(daemon, "/healthz", method="HEAD")[::2] == (200, "")


def test_readyz_fails_while_commits_fail(daemon):
    admin = daemon.client("admin")
    db = sqlite3.connect(os.path.join(daemon.data, "hotline.db"), timeout=0)
    db.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(redis.exceptions.ResponseError, match="not saved"):
            admin.execute_command("TICKET", "CREATE", "general", "locked")
        status, _, body = http(daemon, "/readyz")
        assert status == 503 and "commit failed" in body
        assert http(daemon, "/healthz")[0] == 200    # alive all the same
        samples, _ = scrape(daemon)
        assert value(samples, "hotline_commit_failures_total") >= 1
        assert admin.info("metrics")["journal_last_commit_failed"] == 1
    finally:
        db.rollback()
        db.close()
    admin.execute_command("TICKET", "CREATE", "general", "unlocked")
    assert http(daemon, "/readyz")[::2] == (200, "ready\n")


def test_requests_are_bounded_and_never_stall_the_loop(daemon):
    port = http_port(daemon)
    # Half a request, never finished: others are served meanwhile.
    stalled = socket.create_connection(("127.0.0.1", port), 5)
    stalled.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    t0 = time.time()
    assert http(daemon, "/healthz", timeout=5)[0] == 200
    assert daemon.client("sam").ping() is True
    assert time.time() - t0 < 2
    # Headers past the bound are refused, not buffered without end.
    big = socket.create_connection(("127.0.0.1", port), 5)
    big.settimeout(5)
    try:
        big.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " +
                    b"a" * 64 * 1024 + b"\r\n\r\n")
    except OSError:
        pass                            # closed on us mid-send: refused too
    try:
        reply = big.recv(4096)
    except OSError:
        reply = b""
    assert not reply.startswith(b"HTTP/1.1 200")
    # A body on a GET past the bound is refused as well.
    body = socket.create_connection(("127.0.0.1", port), 5)
    body.settimeout(5)
    body.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000"
                 b"\r\n\r\n" + b"b" * 4096)
    try:
        reply = body.recv(4096)
    except OSError:
        reply = b""
    assert not reply.startswith(b"HTTP/1.1 200")
    for s in (stalled, big, body):
        s.close()
    assert http(daemon, "/healthz")[0] == 200


def test_http_port_and_disabled(make_daemon):
    port = free_port()
    d = make_daemon(http_port=port).start()
    assert http_port(d) == port
    assert http(d, "/healthz")[0] == 200
    with open(os.path.join(d.data, "hotline.http_port")) as f:
        assert int(f.read()) == port
    off = make_daemon(extra="[http]\nenabled = no\n").start()
    assert http_port(off) == 0
    assert "HTTP (/metrics" not in off.read_log()
    assert not os.path.exists(os.path.join(off.data, "hotline.http_port"))


def test_taken_http_port_is_logged_not_fatal(make_daemon):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    try:
        d = make_daemon(http_port=holder.getsockname()[1]).start()
        assert http_port(d) == 0
        assert d.client("sam").ping() is True
        assert "cannot listen for HTTP" in d.read_log()
    finally:
        holder.close()


def raw_info(d, *section):
    """INFO's text as sent (redis-py would parse it into a dict)."""
    s = d.raw()
    s.sendall(b"AUTH sam pw\r\nINFO %s\r\n" % " ".join(section).encode())
    data = recv_until(s, b"\r\n\r\n", 1 << 20)
    s.close()
    assert data.startswith(b"+OK\r\n$")
    return data.split(b"\r\n", 2)[2].decode()


def test_info_default_has_every_section(daemon):
    text = raw_info(daemon)
    for section in ("# Server", "# Clients", "# Stats", "# Persistence",
                    "# Metrics", "# Commandstats"):
        assert section in text
    for key in ("http_port:", "tcp_port:", "connected_clients:",
                "total_commands_processed:", "commits:",
                "journal_commit_p99_usec:", "agents_available:",
                "tickets_waiting:", "cmdstat_auth:calls="):
        assert key in text
    one = raw_info(daemon, "commandstats")
    assert one.startswith("# Commandstats") and "# Server" not in one
    with pytest.raises(redis.exceptions.ResponseError, match="commandstats"):
        daemon.client("sam").execute_command("INFO", "nope")
