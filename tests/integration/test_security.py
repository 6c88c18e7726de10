"""Security: the role of every command (table-driven over the daemon's own
command table), AUTH throttling under brute force, protected mode, and
the audit trail."""
import os
import socket
import subprocess
import threading
import time

import pytest
import redis

from conftest import HOTLINED, as_map, free_port, raw_reply, recv_until

# Who may run what (docs/PROTOCOL.md, "Roles"). A new command must be
# added here, or this test fails.
ANY = {"agent", "supervisor", "integration", "admin"}
FLOOR = {"agent", "supervisor", "admin"}
MANAGE = {"supervisor", "admin"}
EXPECTED = {
    "PING": ANY, "HELLO": ANY, "AUTH": ANY, "QUIT": ANY, "INFO": ANY,
    "COMMAND": ANY, "CONFIG GET": MANAGE, "CONFIG RELOAD": {"admin"},
    "SHUTDOWN": {"admin"},
    "TICKET CREATE": ANY, "TICKET GET": ANY, "TICKET LIST": ANY,
    "TICKET HISTORY": ANY, "TICKET ACCEPT": FLOOR, "TICKET REJECT": FLOOR,
    "TICKET NOTE": FLOOR, "TICKET TRANSFER": FLOOR, "TICKET PENDING": FLOOR,
    "TICKET RESUME": FLOOR, "TICKET RESOLVE": FLOOR, "TICKET CLOSE": FLOOR,
    "TICKET ABANDON": ANY, "TICKET ESCALATE": MANAGE, "TICKET SET": MANAGE,
    "AGENT READY": FLOOR, "AGENT BREAK": FLOOR, "AGENT LOGOUT": FLOOR,
    "AGENT NEXT": {"agent", "supervisor"}, "AGENT STATUS": FLOOR,
    "AGENT LIST": FLOOR, "AGENT ADD": {"admin"}, "AGENT SET": {"admin"},
    "AGENT PASSWD": ANY, "AGENT DEL": {"admin"},
    "QUEUE LIST": ANY, "QUEUE STATS": ANY,
    "CUSTOMER SET": {"supervisor", "integration", "admin"},
    "CUSTOMER GET": ANY, "CUSTOMER FIND": ANY,
    "SUBSCRIBE": ANY, "PSUBSCRIBE": ANY, "UNSUBSCRIBE": ANY,
    "PUNSUBSCRIBE": ANY, "AUDIT": {"admin"},
    "TICKET RATE": ANY, "REPORT SLA": MANAGE, "REPORT AGENTS": MANAGE,
    "REPORT QUEUES": MANAGE, "DEBUG CLOCK": {"admin"},
    "SESSION NEW": ANY, "SESSION LIST": ANY, "SESSION REVOKE": ANY,
}
USERS = {"agent": "alice", "supervisor": "sam", "integration": "ivan",
         "admin": "admin"}
# Commands whose allowed run would end or block the connection.
DISRUPTIVE = {"QUIT", "SHUTDOWN", "AGENT NEXT", "SUBSCRIBE", "PSUBSCRIBE",
              "AUTH", "HELLO", "AGENT DEL", "AGENT LOGOUT", "CONFIG RELOAD"}


def command_table(c):
    rows = {}
    for name, arity, flags, roles, usage in raw_reply(c, "COMMAND"):
        rows[name] = (arity, set(flags), set(roles), usage)
    return rows


def test_command_table_matches_the_documented_roles(daemon):
    table = command_table(daemon.client("admin"))
    known = {k: v for k, v in EXPECTED.items() if k in table}
    assert set(table) == set(known), set(table) ^ set(EXPECTED)
    for name, (arity, flags, roles, usage) in table.items():
        if "no-auth" in flags:
            continue
        assert roles == EXPECTED[name], name


def test_every_command_refused_by_role(daemon):
    """For each row and each role: a role not allowed gets -NOPERM before
    anything else happens; an allowed role never does."""
    table = command_table(daemon.client("admin"))
    clients = {role: daemon.client(user) for role, user in USERS.items()}
    for name, (arity, flags, roles, usage) in sorted(table.items()):
        if "no-auth" in flags:
            continue
        words = name.split()
        need = abs(arity) - len(words)
        args = words + ["1"] * need
        for role, c in clients.items():
            if role in roles and name in DISRUPTIVE:
                continue
            # The role check answers "'X' requires role ..."; a handler's
            # own -NOPERM (someone else's ticket or password) is not it.
            try:
                raw_reply(c, *args)
                refused = False
            except redis.exceptions.NoPermissionError as e:
                refused = "requires role" in str(e)
            except redis.exceptions.ResponseError:
                refused = False
            assert refused == (role not in roles), (name, role)


def test_unauthenticated_refused(daemon):
    c = daemon.client()
    table = command_table(daemon.client("admin"))
    for name, (arity, flags, roles, usage) in table.items():
        if "no-auth" in flags:
            continue
        words = name.split() + ["1"] * (abs(arity) - len(name.split()))
        with pytest.raises(redis.exceptions.AuthenticationError):
            raw_reply(c, *words)


def test_brute_force_is_throttled(make_daemon):
    d = make_daemon(extra="[auth]\nfail_delay = 40ms\nfail_delay_max = 2s\n"
                          "lock_after = 7\nlock_time = 30s\n").start()
    # Another client keeps working throughout, at its usual speed.
    stop = threading.Event()
    worst = [0.0]

    # Authenticated before the attack: its success would clear the
    # address's failure count, and its AUTH is no measure of waiting.
    c = d.client("ivan")
    c.ping()

    def bystander():
        while not stop.is_set():
            t0 = time.time()
            c.execute_command("TICKET", "CREATE", "general", "bystander")
            worst[0] = max(worst[0], time.time() - t0)
            time.sleep(0.01)

    t = threading.Thread(target=bystander)
    t.start()
    s = d.raw()
    times = []
    for i in range(100):
        t0 = time.time()
        s.sendall(b"AUTH alice wrong-%d\r\n" % i)
        assert recv_until(s, b"\r\n").startswith(b"-WRONGPASS")
        times.append(time.time() - t0)
    # Locked now: even the right password is refused, in the same words.
    s.sendall(b"AUTH alice pw\r\n")
    assert recv_until(s, b"\r\n").startswith(b"-WRONGPASS")
    # From another connection of the same address too.
    with pytest.raises(redis.exceptions.ResponseError, match="WRONGPASS"):
        d.client("alice").ping()
    stop.set()
    t.join(10)
    # Each failure before the lock waits twice as long as the one before
    # (40 ms, 80 ms, ... 1.28 s after the password check)...
    assert times[5] > times[4] > times[3] > times[2]
    assert times[5] - times[0] > 1.0
    # ... and once locked, the answers are refusals without a check.
    assert all(t < times[5] for t in times[10:])
    assert worst[0] < 1.0, "the bystander waited %.3f s" % worst[0]
    # The pair (address, alice) is locked, not alice everywhere: another
    # address is not (the unix socket counts as another source).
    out = subprocess.run(["redis-cli", "-s", d.sock, "--user", "sam",
                          "--pass", "pw", "--no-auth-warning", "PING"],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "PONG"
    log = d.read_log()
    assert "locked" in log and "wrong-" not in log


def test_protected_mode_refuses_open_demo_setup(tmp_path, password_hash):
    conf = tmp_path / "open.conf"
    demo_hash = subprocess.run([HOTLINED, "--hash-password"],
                               input="alice-demo\n", capture_output=True,
                               text=True, timeout=30).stdout.strip()
    conf.write_text("[server]\nbind = 0.0.0.0\nunixsocket =\n"
                    "[tier standard]\n[queue general]\n"
                    "[user alice]\npassword_hash = %s\n" % demo_hash)
    out = subprocess.run([HOTLINED, "--config", str(conf), "--port",
                          str(free_port()), "--data-dir", str(tmp_path / "d")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "protected mode" in out.stderr and "alice" in out.stderr
    # No users at all is refused too.
    conf.write_text("[server]\nbind = 0.0.0.0\nunixsocket =\n"
                    "[tier standard]\n[queue general]\n")
    out = subprocess.run([HOTLINED, "--config", str(conf), "--port",
                          str(free_port()), "--data-dir", str(tmp_path / "e")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "no users" in out.stderr


def test_audit_trail(daemon):
    sam = daemon.client("sam")
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE", "general", "a1")
    sam.execute_command("TICKET", "SET", tid, "TIER", "gold")
    with pytest.raises(redis.exceptions.ResponseError):
        daemon.client("mallory", password="x").ping()
    admin = daemon.client("admin")
    admin.execute_command("AGENT", "ADD", "zoe", "zoe-secret-pw")
    rows = [as_map(r) for r in admin.execute_command("AUDIT", "LIMIT", 50)]
    types = [r["type"] for r in rows]
    assert "audit.login" in types and "audit.login_failed" in types
    cmds = [r for r in rows if r["type"] == "audit.command"]
    assert any("TICKET SET %d" % tid in r["data"] and r["actor"] == "sam"
               for r in cmds)
    assert any("AGENT ADD zoe" in r["data"] for r in cmds)
    assert not any("zoe-secret-pw" in r["data"] for r in rows)
    assert all("127.0.0.1" in r["data"] for r in rows if r["type"] != "audit.command"
               or "127.0.0.1" in r["data"])
    with pytest.raises(redis.exceptions.NoPermissionError):
        sam.execute_command("AUDIT")
