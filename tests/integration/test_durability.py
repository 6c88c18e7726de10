"""Nothing acknowledged is lost: kill -9 in the middle of a stream of
creates, restarts, a locked database, signals."""
import os
import signal
import sqlite3
import threading
import time

import pytest
import redis

from conftest import as_map


def create_stream(daemon, n_clients=4, seconds=1.5):
    """Clients create tickets as fast as they can until the daemon dies."""
    acked = {}
    lock = threading.Lock()
    stop = threading.Event()

    def worker(k):
        c = daemon.client("ivan")
        i = 0
        while not stop.is_set():
            subject = "w%d-%d" % (k, i)
            try:
                tid = c.execute_command("TICKET", "CREATE", "general",
                                        "cust-%d" % k, "SUBJECT", subject,
                                        "ATTR", "seq", str(i))
            except (redis.exceptions.ConnectionError, OSError):
                return
            with lock:
                acked[tid] = subject
            i += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(n_clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    daemon.kill()
    stop.set()
    for t in threads:
        t.join(10)
    return acked


@pytest.mark.parametrize("durability", ["normal", "full"])
def test_kill9_loses_no_acknowledged_ticket(make_daemon, durability):
    d = make_daemon(durability=durability).start()
    acked = create_stream(d)
    assert len(acked) > 50, "too few tickets created to mean anything"
    d.start()
    c = d.client("admin")
    p = c.pipeline(transaction=False)
    for tid in acked:
        p.execute_command("TICKET", "GET", tid)
    for tid, reply in zip(acked, p.execute(raise_on_error=False)):
        assert not isinstance(reply, Exception), (tid, reply)
        t = as_map(reply)
        assert t["subject"] == acked[tid]
        assert t["state"] == "queued"
        assert t["attr.seq"] == acked[tid].split("-")[1]
    # Ids are never reused after the crash.
    new = c.execute_command("TICKET", "CREATE", "general", "after")
    assert new > max(acked)


def test_restart_keeps_tickets_and_ids(daemon):
    c = daemon.client("alice")
    ids = [c.execute_command("TICKET", "CREATE", "billing", "c-%d" % i,
                             "TIER", "gold", "SUBJECT", "s%d" % i,
                             "CHANNEL", "email") for i in range(20)]
    daemon.restart()
    c = daemon.client("alice")
    for i, tid in enumerate(ids):
        t = as_map(c.execute_command("TICKET", "GET", tid))
        assert (t["queue"], t["tier"], t["subject"], t["channel"]) == \
            ("billing", "gold", "s%d" % i, "email")
    assert c.execute_command("TICKET", "CREATE", "billing", "x") == ids[-1] + 1


def test_locked_database_fails_the_write_not_the_daemon(daemon):
    c = daemon.client("admin")
    before = c.execute_command("TICKET", "CREATE", "general", "before-lock")
    db = sqlite3.connect(os.path.join(daemon.data, "hotline.db"), timeout=0)
    db.execute("BEGIN IMMEDIATE")
    with pytest.raises(redis.exceptions.ResponseError, match="not saved"):
        c.execute_command("TICKET", "CREATE", "general", "during-lock")
    assert c.ping() is True
    db.rollback()
    db.close()
    after = c.execute_command("TICKET", "CREATE", "general", "after-lock")
    assert after > before
    assert c.info("persistence")["commit_failures"] >= 1
    daemon.kill()
    daemon.start()
    c = daemon.client("admin")
    assert as_map(c.execute_command("TICKET", "GET", before))["customer"] == "before-lock"
    assert as_map(c.execute_command("TICKET", "GET", after))["customer"] == "after-lock"
    # The failed create never became a ticket.
    listed = [as_map(t)["customer"] for t in c.execute_command("TICKET", "LIST")]
    assert "during-lock" not in listed


def test_sigterm_exits_cleanly(daemon):
    c = daemon.client("admin")
    tid = c.execute_command("TICKET", "CREATE", "general", "term")
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=30) == 0
    assert "hotlined stopped" in daemon.read_log()
    daemon.start()
    assert as_map(daemon.client("admin").execute_command("TICKET", "GET", tid))["customer"] == "term"


def test_shutdown_command(daemon):
    c = daemon.client("admin")
    assert c.execute_command("SHUTDOWN") in ("OK", True)
    assert daemon.proc.wait(timeout=30) == 0


def test_sighup_reload(daemon):
    c = daemon.client("admin")
    assert as_map(c.execute_command("CONFIG", "GET", "max_clients"))["max_clients"] == "1000"
    daemon.write_config(max_clients=77)
    daemon.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline:
        if as_map(c.execute_command("CONFIG", "GET", "max_clients"))["max_clients"] == "77":
            break
        time.sleep(0.05)
    assert as_map(c.execute_command("CONFIG", "GET", "max_clients"))["max_clients"] == "77"
    # A broken file is rejected and the old configuration kept.
    with open(daemon.config, "a") as f:
        f.write("\n[queue broken]\nstrategy = psychic\n")
    daemon.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert daemon.proc.poll() is None
    assert as_map(c.execute_command("CONFIG", "GET", "max_clients"))["max_clients"] == "77"
    assert "unknown strategy 'psychic'" in daemon.read_log()
    with pytest.raises(redis.exceptions.ResponseError, match="psychic"):
        c.execute_command("CONFIG", "RELOAD")


def test_bad_config_stops_startup(make_daemon):
    d = make_daemon()
    with open(d.config, "a") as f:
        f.write("\n[server]\nport = many\n")
    assert d.start(expect_fail=True) != 0
    log = d.read_log()
    assert "hotline.conf:" in log and "port" in log


def test_kill9_keeps_customers_and_agents_written_once(daemon):
    """Customer and agent rows are written when they change, not at every
    ticket or status event: what changed long before the crash survives
    it, and so does a customer that a ticket brought."""
    admin = daemon.client("admin")
    assert admin.execute_command("AGENT", "ADD", "newbie", "pw-newbie-1",
                                 "SKILLS", "general:2", "CAPACITY", "2") == "OK"
    assert admin.execute_command("AGENT", "SET", "newbie",
                                 "SKILLS", "general:4,tech:1") == "OK"
    assert admin.execute_command("CUSTOMER", "SET", "crm-7", "NAME", "Grace",
                                 "PHONE", "+4420700000", "TIER", "gold") == "OK"
    agent = daemon.client("newbie", password="pw-newbie-1")
    assert agent.execute_command("AGENT", "READY") == "OK"
    # Many ticket and status events after those changes.
    for i in range(5):
        tid = admin.execute_command("TICKET", "CREATE", "general",
                                    "crm-7" if i % 2 else "walk-in-%d" % i)
        offer = as_map(agent.execute_command("AGENT", "NEXT", 5))
        assert offer["id"] == tid
        assert agent.execute_command("TICKET", "ACCEPT", tid) == "OK"
        assert agent.execute_command("TICKET", "RESOLVE", tid) == "OK"
        agent.execute_command("AGENT", "READY")
    daemon.kill()
    daemon.start()
    admin = daemon.client("admin")
    st = as_map(admin.execute_command("AGENT", "STATUS", "newbie"))
    assert st["skills"] == "general:4,tech:1"
    assert int(st["capacity"]) == 2
    cust = as_map(admin.execute_command("CUSTOMER", "GET", "crm-7"))
    assert (cust["name"], cust["phone"], cust["tier"]) == \
        ("Grace", "+4420700000", "gold")
    for i in (0, 2, 4):
        assert as_map(admin.execute_command(
            "CUSTOMER", "GET", "walk-in-%d" % i))["id"] == "walk-in-%d" % i
