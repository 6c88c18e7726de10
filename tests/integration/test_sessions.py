"""An agent is logged out when its last connection closes, however many it
had and however they close: one by one, after an AUTH as someone else, or
hundreds at once."""
import socket
import struct
import time

from conftest import PASSWORD, as_map, recv_until

# Agents whose password hash has libsodium's minimum cost (the benchmark
# suite's), so that hundreds of sessions log in quickly.
CHEAP_PASSWORD = "hotline-bench"
CHEAP_HASH = ("$argon2id$v=19$m=8,t=1,p=1$6IUlJ+mnCht5GbF/6o1tHg$"
              "AlS5mNfNNLodXZFVliQhvZssl/aW/Up0tuuyCxOLL4s")
CROWD = "".join("[user crowd%d]\nrole = agent\nskills = general:1\n"
                "password_hash = %s\n" % (i, CHEAP_HASH) for i in (1, 2))


def session(daemon, user, ready=True, password=PASSWORD):
    s = daemon.raw()
    cmds = b"AUTH %s %s\r\n" % (user.encode(), password.encode())
    if ready:
        cmds += b"AGENT READY\r\n"
    s.sendall(cmds)
    data = b""
    while data.count(b"\r\n") < (2 if ready else 1):
        chunk = s.recv(4096)
        assert chunk, "closed during set-up"
        data += chunk
    assert data.startswith(b"+OK"), data
    return s


def status(admin, name):
    return as_map(admin.execute_command("AGENT", "STATUS", name))["status"]


def wait_clients(admin, n, timeout=30):
    """Until the daemon has seen the closes: n clients left (admin's too)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if admin.info("clients")["connected_clients"] == n:
            return
        time.sleep(0.02)
    raise AssertionError("still %d clients" %
                         admin.info("clients")["connected_clients"])


def test_offline_only_when_the_last_session_closes(daemon):
    admin = daemon.client("admin")
    base = admin.info("clients")["connected_clients"]
    socks = [session(daemon, "alice") for _ in range(3)]
    assert status(admin, "alice") == "available"
    for k in range(2):
        socks.pop().close()
        wait_clients(admin, base + len(socks))
        assert status(admin, "alice") == "available"
    socks.pop().close()
    wait_clients(admin, base)
    assert status(admin, "alice") == "offline"


def test_auth_as_another_user_moves_the_session(daemon):
    admin = daemon.client("admin")
    base = admin.info("clients")["connected_clients"]
    s1 = session(daemon, "alice")
    s2 = session(daemon, "alice", ready=False)
    s1.sendall(b"AUTH bob %s\r\n" % PASSWORD.encode())
    assert recv_until(s1, b"\r\n").startswith(b"+OK")
    # s1 is bob's now: alice's last session is s2.
    s2.close()
    wait_clients(admin, base + 1)
    assert status(admin, "alice") == "offline"
    s1.sendall(b"AGENT READY\r\n")
    assert recv_until(s1, b"\r\n").startswith(b"+OK")
    assert status(admin, "bob") == "available"
    s1.close()
    wait_clients(admin, base)
    assert status(admin, "bob") == "offline"


def test_hundreds_closing_at_once(make_daemon):
    daemon = make_daemon(extra=CROWD).start()
    admin = daemon.client("admin")
    base = admin.info("clients")["connected_clients"]
    vera = session(daemon, "vera", ready=False)
    crowd = [session(daemon, "crowd%d" % (1 + i % 2), password=CHEAP_PASSWORD)
             for i in range(300)]
    wait_clients(admin, base + 301)
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE",
                                                "general", "c-1")
    t = as_map(admin.execute_command("TICKET", "GET", tid))
    assert t["state"] == "offered" and t["agent"] in ("crowd1", "crowd2")
    vera.sendall(b"AGENT READY\r\n")
    assert recv_until(vera, b"\r\n").startswith(b"+OK")
    for s in crowd:
        # Reset, not a polite close: as a crashed switch would do it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        s.close()
    wait_clients(admin, base + 1)
    assert status(admin, "crowd1") == "offline"
    assert status(admin, "crowd2") == "offline"
    # The offer went back to the queue and on to the agent still there.
    deadline = time.time() + 30
    while time.time() < deadline:
        t = as_map(admin.execute_command("TICKET", "GET", tid))
        if t["agent"] == "vera":
            break
        time.sleep(0.02)
    assert t["state"] == "offered" and t["agent"] == "vera"
    assert status(admin, "vera") == "busy"
    vera.close()
