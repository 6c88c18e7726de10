"""Reports from the journal through the real daemon: a shift on the test
clock (HOTLINE_TEST_CLOCK, DEBUG CLOCK) with every figure computed by
hand, ratings and their rules, QUEUE STATS rebuilt after a restart,
retention keeping open tickets and the reports of the kept range, a big
report that does not stop another client, and bad REPORT input."""
import os
import sqlite3
import time

import pytest
import redis

from conftest import as_map, free_port, recv_until

HOUR = 3600 * 1000
DAY = 24 * HOUR
# An hour boundary (2023-11-14T22:00:00Z): hourly rows start here.
T0 = 1699999200000
S = 1000

SLA = """
[sla standard]
answer = 20s
"""


def clocked(make_daemon, at=T0, **options):
    d = make_daemon(**options)
    d.start(env_extra={"HOTLINE_TEST_CLOCK": str(at)})
    return d


class Shift:
    """Clients of one daemon on the test clock, times given from T0."""

    def __init__(self, d):
        self.d = d
        self.admin = d.client("admin")
        self.ivan = d.client("ivan")
        self.alice = d.client("alice")
        self.sam = d.client("sam")

    def at(self, seconds):
        self.admin.execute_command("DEBUG", "CLOCK", T0 + int(seconds * S))

    def report(self, kind, *args):
        return as_map(self.sam.execute_command("REPORT", kind, *args))


def rows(report):
    return [as_map(r) for r in report["rows"]]


def total(report):
    return as_map(report["total"])


def play_shift(s):
    """The shift every report below is computed from (seconds from T0):
      0    alice ready; A (general, standard) offered to her
      10   alice accepts A (answered in 10 s, target 20 s); B created
      15   C created; 17 C abandoned (2 s: a short abandon)
      30   B breaches its 20 s answer target; 40 B abandoned (30 s)
      70   alice resolves A (handled 60 s); ivan rates it 4
      80   D (billing, gold, no target) offered to alice; 85 accepted
      100-160 D pending; 200 resolved (handled 15 + 40 = 55 s), closed
      210  sam rates the closed D 2
      300  alice on break "lunch"; 900 ready again
    """
    s.alice.execute_command("AGENT", "READY")
    a = s.ivan.execute_command("TICKET", "CREATE", "general", "c1")
    s.at(10)
    assert s.alice.execute_command("TICKET", "ACCEPT", a) == "OK"
    b = s.ivan.execute_command("TICKET", "CREATE", "general", "c2")
    s.at(15)
    c = s.ivan.execute_command("TICKET", "CREATE", "general", "c3")
    s.at(17)
    s.ivan.execute_command("TICKET", "ABANDON", c)
    s.at(40)
    s.ivan.execute_command("TICKET", "ABANDON", b)
    s.at(70)
    s.alice.execute_command("TICKET", "RESOLVE", a)
    assert s.ivan.execute_command("TICKET", "RATE", a, 4,
                                  "quick, and kind") == "OK"
    s.at(80)
    d = s.ivan.execute_command("TICKET", "CREATE", "billing", "c4", "TIER",
                               "gold")
    s.at(85)
    s.alice.execute_command("TICKET", "ACCEPT", d)
    s.at(100)
    s.alice.execute_command("TICKET", "PENDING", d)
    s.at(160)
    s.alice.execute_command("TICKET", "RESUME", d)
    s.at(200)
    s.alice.execute_command("TICKET", "RESOLVE", d)
    s.alice.execute_command("TICKET", "CLOSE", d)
    s.at(210)
    assert s.sam.execute_command("TICKET", "RATE", d, 2,
                                 "had to call twice") == "OK"
    s.at(300)
    s.alice.execute_command("AGENT", "BREAK", "lunch")
    s.at(900)
    s.alice.execute_command("AGENT", "READY")
    s.at(1000)
    return a, b, c, d


def test_report_of_a_shift_computed_by_hand(make_daemon):
    s = Shift(clocked(make_daemon, extra=SLA))
    a, b, c, d = play_shift(s)
    r = s.report("SLA", "FROM", T0, "TO", T0 + 1000 * S)
    assert (r["report"], r["from"], r["to"]) == ("sla", T0, T0 + 1000 * S)
    assert (r["data_from"], r["partial"]) == (0, 0)
    t = total(r)
    assert rows(r) == [t]
    assert t["answered"] == 2 and t["answered_in_target"] == 2
    # 2 in target / (2 answered + 1 abandoned); C was a short abandon.
    assert t["service_level"] == "66.7"
    assert t["abandoned"] == 1 and t["short_abandoned"] == 1
    assert t["abandon_rate"] == "33.3"
    assert t["abandon_wait_ms"] == 30 * S
    assert t["asa_ms"] == 7500                 # (10 s + 5 s) / 2
    assert t["handled"] == 2
    assert t["aht_ms"] == 57500                # (60 s + 55 s) / 2
    assert t["breaches"] == 1 and t["answer_breaches"] == 1
    assert t["transfers"] == 0 and t["escalations"] == 0
    assert t["csat_count"] == 2 and t["csat_avg"] == "3.00"
    assert t["csat_satisfied"] == "50.0"

    by_tier = {x["tier"]: x for x in rows(s.report(
        "SLA", "FROM", T0, "TO", T0 + 1000 * S, "BY", "tier"))}
    assert set(by_tier) == {"gold", "standard"}
    assert by_tier["gold"]["service_level"] == "100.0"
    assert by_tier["gold"]["aht_ms"] == 55 * S
    assert by_tier["gold"]["csat_avg"] == "2.00"
    assert by_tier["standard"]["service_level"] == "50.0"
    assert by_tier["standard"]["aht_ms"] == 60 * S
    assert by_tier["standard"]["csat_avg"] == "4.00"
    assert by_tier["standard"]["answer_breaches"] == 1

    q = s.report("QUEUES", "FROM", T0, "TO", T0 + 1000 * S)
    assert [x["queue"] for x in rows(q)] == ["billing", "general"]
    assert rows(q)[1]["short_abandoned"] == 1
    only = s.report("SLA", "FROM", T0, "TO", T0 + 1000 * S, "QUEUE",
                    "billing")
    assert total(only)["answered"] == 1 and total(only)["abandoned"] == 0
    hours = rows(s.report("SLA", "FROM", T0, "TO", T0 + 2 * HOUR, "BY",
                          "hour"))
    assert [x["hour"] for x in hours] == [T0]

    ag = s.report("AGENTS", "FROM", T0, "TO", T0 + 1000 * S)
    alice = {x["agent"]: x for x in rows(ag)}["alice"]
    assert alice["answered"] == 2 and alice["handled"] == 2
    assert alice["aht_ms"] == 57500 and alice["handle_ms"] == 115 * S
    assert alice["csat_count"] == 2 and alice["csat_avg"] == "3.00"
    # Ready 0-300 s and 900-1000 s (still ready: counted up to now).
    assert alice["time_ready_ms"] == 400 * S
    assert alice["time_break_ms"] == 600 * S
    assert alice["time_break.lunch_ms"] == 600 * S
    assert alice["missed"] == 0

    # From 50 s on: D's answer, both resolves, both ratings.
    late = total(s.report("SLA", "FROM", T0 + 50 * S, "TO", T0 + 1000 * S))
    assert (late["answered"], late["abandoned"], late["breaches"]) == (1, 0, 0)
    assert late["handled"] == 2 and late["csat_count"] == 2

    got = as_map(s.sam.execute_command("TICKET", "GET", d))
    assert got["state"] == "closed" and got["csat"] == 2
    assert got["handle_ms"] == 55 * S
    rated = [as_map(e) for e in s.sam.execute_command("TICKET", "HISTORY", d)
             if as_map(e)["type"] == "ticket.rated"]
    assert len(rated) == 1 and "had to call twice" in rated[0]["data"]
    assert rated[0]["actor"] == "sam" and rated[0]["agent"] == "alice"


def test_ratings_rules_and_persistence(make_daemon):
    d = make_daemon().start()
    ivan, alice, bob, sam = (d.client(u) for u in ("ivan", "alice", "bob",
                                                    "sam"))
    alice.execute_command("AGENT", "READY")
    t = ivan.execute_command("TICKET", "CREATE", "general", "r1",
                             "SUBJECT", "rate me")
    with pytest.raises(redis.exceptions.ResponseError, match="BADSTATE"):
        ivan.execute_command("TICKET", "RATE", t, 5)    # offered, not done
    alice.execute_command("TICKET", "ACCEPT", t)
    alice.execute_command("TICKET", "RESOLVE", t)
    with pytest.raises(redis.exceptions.NoPermissionError, match="handled"):
        alice.execute_command("TICKET", "RATE", t, 5)
    for bad in (0, 6, -1):
        with pytest.raises(redis.exceptions.ResponseError, match="range"):
            ivan.execute_command("TICKET", "RATE", t, bad)
    with pytest.raises(redis.exceptions.ResponseError, match="integer"):
        ivan.execute_command("TICKET", "RATE", t, "five")
    with pytest.raises(redis.exceptions.ResponseError, match="NOTFOUND"):
        ivan.execute_command("TICKET", "RATE", 999999, 3)
    with pytest.raises(redis.exceptions.ResponseError, match="usage"):
        ivan.execute_command("TICKET", "RATE", t, 3, "a", "b")
    # Another agent may not: only the one making its follow-up call
    # (test_followup.py); the IVR survey's answer comes in as ivan.
    with pytest.raises(redis.exceptions.NoPermissionError,
                       match="follow-up call"):
        bob.execute_command("TICKET", "RATE", t, 5)
    assert ivan.execute_command("TICKET", "RATE", t, 5, "secret-praise") == "OK"
    with pytest.raises(redis.exceptions.ResponseError, match="already rated"):
        sam.execute_command("TICKET", "RATE", t, 1)
    alice.execute_command("TICKET", "CLOSE", t)
    # Abandoned tickets are never rated.
    gone = ivan.execute_command("TICKET", "CREATE", "complaints", "r2")
    ivan.execute_command("TICKET", "ABANDON", gone)
    with pytest.raises(redis.exceptions.ResponseError, match="BADSTATE"):
        ivan.execute_command("TICKET", "RATE", gone, 3)
    # Closed and rated in one pipeline: the second sees the first.
    u = ivan.execute_command("TICKET", "CREATE", "general", "r3")
    alice.execute_command("TICKET", "ACCEPT", u)
    alice.execute_command("TICKET", "RESOLVE", u)
    p = alice.pipeline(transaction=False)
    p.execute_command("TICKET", "CLOSE", u)
    p.execute_command("TICKET", "RATE", u, 1)          # alice: refused
    out = p.execute(raise_on_error=False)
    assert out[0] == "OK"
    assert isinstance(out[1], redis.exceptions.NoPermissionError)
    p = ivan.pipeline(transaction=False)
    p.execute_command("TICKET", "RATE", u, 3)
    p.execute_command("TICKET", "RATE", u, 4)
    out = p.execute(raise_on_error=False)
    assert out[0] == "OK" and "already rated (score 3)" in str(out[1])
    # A report asked right after a rating (same pipeline) counts it.
    w = ivan.execute_command("TICKET", "CREATE", "general", "r4")
    alice.execute_command("TICKET", "ACCEPT", w)
    alice.execute_command("TICKET", "RESOLVE", w)
    p = sam.pipeline(transaction=False)
    p.execute_command("TICKET", "RATE", w, 2)
    p.execute_command("REPORT", "SLA")
    out = p.execute()
    assert total(as_map(out[1]))["csat_count"] == 3
    # The comment is personal data: encrypted at rest, shown in history.
    with open(os.path.join(d.data, "hotline.db"), "rb") as f:
        blob = f.read()
    wal = os.path.join(d.data, "hotline.db-wal")
    if os.path.exists(wal):
        with open(wal, "rb") as f:
            blob += f.read()
    assert b"secret-praise" not in blob
    d.restart()
    sam = d.client("sam")
    assert as_map(sam.execute_command("TICKET", "GET", t))["csat"] == 5
    assert as_map(sam.execute_command("TICKET", "GET", u))["csat"] == 3
    hist = [as_map(e) for e in sam.execute_command("TICKET", "HISTORY", t)]
    assert any(e["type"] == "ticket.rated" and "secret-praise" in e["data"]
               for e in hist)
    r = total(as_map(sam.execute_command("REPORT", "SLA")))
    assert r["csat_count"] == 3 and r["csat_avg"] == "3.33"
    assert r["csat_satisfied"] == "33.3"


def stats_sl(d):
    st = as_map(d.client("sam").execute_command("QUEUE", "STATS", "general"))
    return {k: v for k, v in st.items()
            if k.startswith(("sl_", "asa_", "answered_", "abandoned_",
                             "short_abandoned_", "breaches"))}


def test_queue_stats_rebuilt_after_restart(make_daemon):
    s = Shift(clocked(make_daemon, extra=SLA))
    play_shift(s)
    before = stats_sl(s.d)
    assert before["answered_1h"] == 1 and before["abandoned_1h"] == 1
    assert before["short_abandoned_today"] == 1
    assert before["sl_today"] == "50.0" and before["breaches_today"] == 1
    s.d.stop()
    s.d.port = free_port()
    s.d.start(env_extra={"HOTLINE_TEST_CLOCK": str(T0 + 1000 * S)})
    assert stats_sl(s.d) == before
    # An hour and a half later the 1 h window is empty, today is not.
    Shift(s.d).at(1000 + 5400)
    later = stats_sl(s.d)
    assert later["answered_1h"] == 0 and later["answered_today"] == 1


RETENTION = """
[retention]
keep = 30d
batch = 2
interval = 100ms
"""


def wait_for(fn, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if fn():
            return True
        time.sleep(0.05)
    return False


def test_retention_keeps_open_tickets_and_reports(make_daemon):
    s = Shift(clocked(make_daemon, extra=SLA + RETENTION))
    a, b, c, d = play_shift(s)   # resolved, abandoned x2, closed
    s.d.client("bob").execute_command("AGENT", "READY")
    waiting = s.ivan.execute_command("TICKET", "CREATE", "complaints", "old",
                                     "SUBJECT", "still open")
    resolved = s.ivan.execute_command("TICKET", "CREATE", "general", "c9")
    s.alice.execute_command("TICKET", "ACCEPT", resolved)
    s.alice.execute_command("TICKET", "RESOLVE", resolved)  # not closed
    # Twenty days later, another shift's worth: still kept.
    s.at(20 * 86400)
    new = s.ivan.execute_command("TICKET", "CREATE", "general", "c10")
    s.alice.execute_command("TICKET", "ACCEPT", new)
    s.at(20 * 86400 + 30)
    s.alice.execute_command("TICKET", "RESOLVE", new)
    s.alice.execute_command("TICKET", "CLOSE", new)
    s.ivan.execute_command("TICKET", "RATE", new, 5)
    end = T0 + 20 * DAY + HOUR
    kept_before = s.report("SLA", "FROM", T0 + DAY, "TO", end, "BY", "hour")
    # Agents still logged in count up to now: end this one at now.
    agents_to = T0 + 20 * DAY + 30 * S
    agents_before = s.report("AGENTS", "FROM", T0 + DAY, "TO", agents_to)
    whole = total(s.report("SLA", "FROM", 0, "TO", end))
    assert whole["answered"] == 4 and whole["csat_count"] == 3

    # 31 days on: what closed or was abandoned before day 1 goes, in
    # batches of two.
    s.at(31 * 86400)
    info = s.admin
    assert wait_for(lambda: info.info("persistence")[
        "retention_pruned_tickets"] == 3)
    for gone in (b, c, d):
        with pytest.raises(redis.exceptions.ResponseError, match="NOTFOUND"):
            s.sam.execute_command("TICKET", "GET", gone)
        with pytest.raises(redis.exceptions.ResponseError, match="NOTFOUND"):
            s.sam.execute_command("TICKET", "HISTORY", gone)
    # Open tickets (queued, resolved but not closed) are never pruned.
    assert as_map(s.sam.execute_command("TICKET", "GET", waiting))[
        "subject"] == "still open"
    for kept in (a, resolved):
        assert as_map(s.sam.execute_command("TICKET", "GET", kept))[
            "state"] == "resolved"
    assert as_map(s.sam.execute_command("TICKET", "GET", new))["csat"] == 5

    cutoff = T0 + DAY
    after = s.report("SLA", "FROM", T0 + DAY, "TO", end, "BY", "hour")
    assert after["data_from"] == cutoff and after["partial"] == 0
    assert after["rows"] == kept_before["rows"]
    assert after["total"] == kept_before["total"]
    assert s.report("AGENTS", "FROM", T0 + DAY, "TO", agents_to)["rows"] == \
        agents_before["rows"]
    # A report reaching further back says where the data starts.
    back = s.report("SLA", "FROM", 0, "TO", end)
    assert back["partial"] == 1 and back["from"] == cutoff
    assert back["requested_from"] == 0
    assert total(back)["answered"] == 1 and total(back)["csat_count"] == 1

    db = sqlite3.connect(os.path.join(s.d.data, "hotline.db"))
    ids = ",".join(str(x) for x in (b, c, d))
    assert db.execute("SELECT count(*) FROM events WHERE ticket IN (%s)"
                      % ids).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM tickets WHERE id IN (%s)"
                      % ids).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM events WHERE ticket = ?",
                      (waiting,)).fetchone()[0] > 0
    db.close()
    # Ids of pruned tickets are never issued again, even after a restart.
    s.d.stop()
    s.d.port = free_port()
    s.d.start(env_extra={"HOTLINE_TEST_CLOCK": str(T0 + 31 * DAY)})
    nxt = s.d.client("ivan").execute_command("TICKET", "CREATE", "general",
                                             "c11")
    assert nxt > max(a, b, c, d, waiting, resolved, new)


def fill_facts(d, n):
    """n answered facts, one every 30 s, written straight into the
    journal's facts table (plaintext) while the daemon is stopped."""
    db = sqlite3.connect(os.path.join(d.data, "hotline.db"))
    db.execute("""WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1
                  FROM k WHERE i < ?)
                  INSERT INTO facts SELECT ? + i * 30000, -i, 'answered',
                  NULL, 'general', 'standard', 'agent' || (i % 50), 5000,
                  i % 2, 0, '' FROM k""", (n, T0))
    db.commit()
    db.close()


def test_big_report_does_not_stop_other_clients(make_daemon):
    d = make_daemon().start()
    d.stop()
    n = 2000000
    fill_facts(d, n)
    d.port = free_port()
    d.start()
    d.client("sam").ping()
    report = d.raw()
    report.sendall(b"AUTH sam pw\r\n")
    assert recv_until(report, b"\r\n").startswith(b"+OK")
    other = d.client("ivan")
    other.ping()
    report.sendall(b"REPORT SLA FROM 0 BY agent\r\n")
    time.sleep(0.1)     # the report is on the worker thread now
    t0 = time.time()
    assert other.ping() is True
    tid = other.execute_command("TICKET", "CREATE", "general", "during")
    waited = time.time() - t0
    # Both were answered while the report was still being computed.
    report.setblocking(False)
    with pytest.raises(BlockingIOError):
        report.recv(1)
    report.setblocking(True)
    report.settimeout(120)
    data = b""
    while not data.endswith(b"\r\n") or b"total" not in data:
        chunk = report.recv(1 << 20)
        assert chunk
        data += chunk
    assert data.startswith(b"*22\r\n"), data[:200]
    # "by" "agent", then an "agent" field in each of the 50 rows.
    assert data.count(b"$5\r\nagent\r\n") == 1 + 50
    assert waited < 5
    assert tid > 0
    # Every fact counted once.
    summed = d.client("sam").execute_command("REPORT", "SLA", "FROM", 0)
    assert total(as_map(summed))["answered"] == n
    assert total(as_map(summed))["answered_in_target"] == n // 2
    # A client that leaves mid-report costs nothing but the work.
    gone = d.raw()
    gone.sendall(b"AUTH sam pw\r\nREPORT SLA FROM 0 BY hour\r\n")
    recv_until(gone, b"+OK\r\n")
    gone.close()
    assert other.ping() is True
    assert wait_for(lambda: d.client("admin").info("persistence")[
        "reports_pending"] == 0)


def test_report_bad_input_and_roles(make_daemon):
    d = make_daemon().start()
    sam = d.client("sam")
    bad = [
        (("REPORT", "SLA", "FROM", 10, "TO", 5), "before TO"),
        (("REPORT", "SLA", "FROM", "yesterday"), "not an integer"),
        (("REPORT", "SLA", "FROM", -5), "out of range"),
        (("REPORT", "SLA", "BY", "week"), "BY takes"),
        (("REPORT", "SLA", "WHEN", 5), "syntax error"),
        (("REPORT", "SLA", "FROM"), "syntax error"),
        (("REPORT", "AGENTS", "BY", "queue"), "groups by agent"),
        (("REPORT", "AGENTS", "BY", "tier"), "groups by agent"),
        (("REPORT", "WEEKLY"), "unknown subcommand"),
        (("REPORT", "SLA", "QUEUE", "x" * 80), "bad queue"),
    ]
    for args, why in bad:
        with pytest.raises(redis.exceptions.ResponseError, match=why):
            sam.execute_command(*args)
        assert sam.ping() is True
    for user in ("alice", "ivan"):
        with pytest.raises(redis.exceptions.NoPermissionError):
            d.client(user).execute_command("REPORT", "SLA")
    # A queue with no facts, a range with nothing in it: empty, not errors.
    r = as_map(sam.execute_command("REPORT", "QUEUES", "QUEUE", "nowhere"))
    assert r["rows"] == [] and as_map(r["total"])["service_level"] == "-"
    r = as_map(sam.execute_command("REPORT", "SLA", "FROM", 1, "TO", 2))
    assert as_map(r["total"])["answered"] == 0
    # The test clock is off unless the daemon was started with it.
    with pytest.raises(redis.exceptions.ResponseError, match="test clock"):
        d.client("admin").execute_command("DEBUG", "CLOCK", T0)


def test_test_clock_never_goes_back(make_daemon):
    s = Shift(clocked(make_daemon))
    s.at(10)
    with pytest.raises(redis.exceptions.ResponseError, match="never goes"):
        s.at(5)
    t = s.ivan.execute_command("TICKET", "CREATE", "general", "c1")
    assert as_map(s.sam.execute_command("TICKET", "GET", t))["created"] == \
        T0 + 10 * S
