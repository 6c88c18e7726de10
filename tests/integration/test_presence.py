"""Presence apart from the connection ([agents] reconnect_grace): an agent
whose last connection closes keeps its status, offer and tickets for the
grace and picks them up on its next AUTH; past the grace it is logged out
and absent, and the tickets it holds say so (TICKET GET agent_present,
AGENT STATUS connection, the wallboard). Two desks of one agent, an offer
timing out during the grace, and a restart (clean or kill -9) during
which each agent's presence is kept, detached, for the grace."""
import json
import time

from conftest import PASSWORD, as_map, recv_until
from test_console_client import once
from test_sessions import session, wait_clients


def agent(admin, name):
    return as_map(admin.execute_command("AGENT", "STATUS", name))


def ticket(admin, tid):
    return as_map(admin.execute_command("TICKET", "GET", tid))


def until(what, timeout=30):
    """Polls what() until it is true (generous: a loaded machine)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = what()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("never happened")


def subscribe(daemon, channel):
    sub = daemon.client("sam").pubsub()
    sub.subscribe(channel)
    until(lambda: (m := sub.get_message(timeout=0.2)) and
          m["type"] == "subscribe")
    return sub


def events(sub, want, timeout=20):
    """The types of events on sub until every type of want was seen."""
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline and not set(want) <= set(seen):
        m = sub.get_message(timeout=0.2)
        if m and m["type"] == "message":
            seen.append(json.loads(m["data"])["type"])
    return seen


def offered_to_alice(daemon, admin):
    desk = session(daemon, "alice")
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE",
                                                "general", "c-1")
    assert agent(admin, "alice")["offer"] == tid
    return desk, tid


def test_reattach_within_the_grace(make_daemon):
    daemon = make_daemon(reconnect_grace="30s").start()
    admin = daemon.client("admin")
    base = admin.info("clients")["connected_clients"]
    sub = subscribe(daemon, "agent.alice")
    base += 1
    desk, tid = offered_to_alice(daemon, admin)
    before = agent(admin, "alice")
    assert before["connection"] == "connected"
    desk.close()
    wait_clients(admin, base)
    a = agent(admin, "alice")
    assert a["connection"] == "detached" and a["grace_until"] > 0
    assert (a["status"], a["offer"], a["status_ms"] >= before["status_ms"]) \
        == ("busy", tid, True)
    assert ticket(admin, tid)["state"] == "offered"
    # Back: AGENT NEXT answers with the offer at once, ACCEPT works.
    alice = daemon.client("alice")
    nxt = as_map(alice.execute_command("AGENT", "NEXT", "1"))
    assert (nxt["id"], nxt["state"]) == (tid, "offered")
    assert agent(admin, "alice")["connection"] == "connected"
    assert agent(admin, "alice")["grace_until"] == 0
    assert alice.execute_command("TICKET", "ACCEPT", tid) == "OK"
    seen = events(sub, ["agent.detached", "agent.reattached"])
    assert seen.index("agent.detached") < seen.index("agent.reattached")
    assert "agent.status" not in seen[seen.index("agent.detached"):]


def test_grace_end_logs_out_and_offer_goes_back(make_daemon):
    daemon = make_daemon(reconnect_grace="1s").start()
    admin = daemon.client("admin")
    base = admin.info("clients")["connected_clients"]
    sub = subscribe(daemon, "events")
    base += 1
    desk, tid = offered_to_alice(daemon, admin)
    enqueued = ticket(admin, tid)["enqueued"]
    desk.close()
    wait_clients(admin, base)
    until(lambda: agent(admin, "alice")["connection"] == "absent")
    a = agent(admin, "alice")
    assert (a["status"], a["offer"], a["missed"]) == ("offline", 0, 0)
    t = ticket(admin, tid)
    assert (t["state"], t["agent"], t["enqueued"]) == ("queued", "", enqueued)
    seen = events(sub, ["agent.detached", "agent.absent", "ticket.queued"])
    assert seen.index("agent.detached") < seen.index("agent.absent")
    # bob takes it from its original place.
    bob = session(daemon, "bob")
    assert agent(admin, "bob")["offer"] == tid
    bob.close()


def test_offer_times_out_during_the_grace(make_daemon):
    daemon = make_daemon(reconnect_grace="30s", offer_timeout="1s").start()
    admin = daemon.client("admin")
    base = admin.info("clients")["connected_clients"]
    desk, tid = offered_to_alice(daemon, admin)
    desk.close()
    wait_clients(admin, base)
    # The offer's own timeout: a miss as usual, the ticket back in place.
    until(lambda: agent(admin, "alice")["missed"] == 1)
    a = agent(admin, "alice")
    assert (a["connection"], a["offer"], a["status"]) == \
        ("detached", 0, "available")
    assert ticket(admin, tid)["state"] == "queued"
    # Detached: offered nothing new; bob, at his desk, is.
    bob = session(daemon, "bob")
    assert agent(admin, "bob")["offer"] == tid
    bob.close()


def test_held_ticket_shows_its_agent_absent(make_daemon):
    daemon = make_daemon(reconnect_grace="1s").start()
    admin = daemon.client("admin")
    base = admin.info("clients")["connected_clients"]
    desk, tid = offered_to_alice(daemon, admin)
    desk.sendall(b"TICKET ACCEPT %d\r\n" % tid)
    assert recv_until(desk, b"\r\n").startswith(b"+OK")
    assert ticket(admin, tid)["agent_present"] == 1
    desk.close()
    wait_clients(admin, base)
    assert ticket(admin, tid)["agent_present"] == 1     # in the grace
    until(lambda: agent(admin, "alice")["connection"] == "absent")
    t = ticket(admin, tid)
    assert (t["state"], t["agent"], t["agent_present"]) == \
        ("active", "alice", 0)
    a = agent(admin, "alice")
    assert (a["status"], a["active"]) == ("offline", 1)
    listed = [as_map(x) for x in admin.execute_command(
        "TICKET", "LIST", "STATE", "active")]
    assert [(x["id"], x["agent_present"]) for x in listed] == [(tid, 0)]
    out = once(daemon)
    assert out.returncode == 0, out.stderr
    assert any(line.split()[:2] == ["alice", "ABSENT(1)"]
               for line in out.stdout.splitlines()), out.stdout
    # Back at a desk: present again, still her ticket.
    desk = session(daemon, "alice", ready=False)
    assert ticket(admin, tid)["agent_present"] == 1
    # Offline with nothing to keep: absent as soon as the desk closes.
    desk.close()
    wait_clients(admin, base)
    assert ticket(admin, tid)["agent_present"] == 0


def test_two_desks_one_closing(make_daemon):
    daemon = make_daemon(reconnect_grace="30s").start()
    admin = daemon.client("admin")
    base = admin.info("clients")["connected_clients"]
    sub = subscribe(daemon, "agent.alice")
    base += 1
    first = session(daemon, "alice")
    second = session(daemon, "alice", ready=False)
    first.close()
    wait_clients(admin, base + 1)
    a = agent(admin, "alice")
    assert (a["connection"], a["status"]) == ("connected", "available")
    second.close()
    wait_clients(admin, base)
    assert agent(admin, "alice")["connection"] == "detached"
    seen = events(sub, ["agent.detached"])
    assert seen.count("agent.detached") == 1
    # Operations see it too: INFO metrics and /metrics.
    info = admin.info("metrics")
    assert (info["agents_detached"], info["agents_connected"]) == (1, 1)
    assert info["agents_absent"] == len(admin.execute_command(
        "AGENT", "LIST")) - 2           # alice, and sam who subscribes


def test_two_desks_waiting_the_shown_one_hangs_up(make_daemon):
    """Two desks of alice wait in AGENT NEXT; the first is shown the offer
    and hangs up without answering it: the other desk is woken with the
    offer at once, not left waiting until the offer times out."""
    daemon = make_daemon(offer_timeout="120s").start()
    admin = daemon.client("admin")
    first = session(daemon, "alice")
    second = session(daemon, "alice", ready=False)
    first.sendall(b"AGENT NEXT 0\r\n")
    until(lambda: admin.info("clients")["blocked_clients"] == 1)
    second.sendall(b"AGENT NEXT 0\r\n")
    until(lambda: admin.info("clients")["blocked_clients"] == 2)
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE",
                                                "general", "c-1")
    shown = b"$2\r\nid\r\n:%d\r\n$5\r\nstate\r\n$7\r\noffered\r\n" % tid
    assert shown in recv_until(first, b"$5\r\nqueue\r\n")
    assert admin.info("clients")["blocked_clients"] == 1
    first.close()
    # Well inside the offer's 120 s: the other desk is told, not timed out.
    second.settimeout(60)
    assert shown in recv_until(second, b"$5\r\nqueue\r\n")
    assert agent(admin, "alice")["offer"] == tid
    second.sendall(b"TICKET ACCEPT %d\r\n" % tid)
    assert recv_until(second, b"+OK\r\n").endswith(b"+OK\r\n")
    assert ticket(admin, tid)["state"] == "active"
    second.close()


def test_kill9_keeps_presence_for_the_grace(make_daemon):
    """Presence survives a kill -9 as it survives a dropped connection:
    each agent comes back in its status, detached, with the grace counted
    from the restart. alice re-authenticates with her session token and
    AGENT NEXT returns her offer at once; bob does not come back, so at
    the grace's end he is logged out and his offer returns to its place;
    a held ticket stays held."""
    daemon = make_daemon(reconnect_grace="6s").start()
    admin = daemon.client("admin")
    desk, tid = offered_to_alice(daemon, admin)
    token = as_map(daemon.client("alice").execute_command(
        "SESSION", "NEW"))["token"]
    bob = session(daemon, "bob")
    held = daemon.client("ivan").execute_command("TICKET", "CREATE",
                                                 "general", "c-2")
    assert agent(admin, "bob")["offer"] == held
    bob.sendall(b"TICKET ACCEPT %d\r\n" % held)
    assert recv_until(bob, b"\r\n").startswith(b"+OK")
    vera = session(daemon, "vera")
    other = daemon.client("ivan").execute_command("TICKET", "CREATE",
                                                  "general", "c-3")
    assert agent(admin, "vera")["offer"] == other
    enqueued = ticket(admin, other)["enqueued"]
    daemon.kill()
    desk.close()
    bob.close()
    vera.close()
    daemon.start()
    sam = daemon.client("sam")
    a = agent(sam, "alice")
    assert (a["status"], a["connection"], a["offer"]) == \
        ("busy", "detached", tid)
    assert a["grace_until"] > 0
    assert agent(sam, "vera")["offer"] == other
    assert ticket(sam, tid)["state"] == "offered"
    # alice is back with her token: the same offer, at once.
    alice = daemon.client("alice", password=token)
    nxt = as_map(alice.execute_command("AGENT", "NEXT", "1"))
    assert (nxt["id"], nxt["state"]) == (tid, "offered")
    assert agent(sam, "alice")["connection"] == "connected"
    assert alice.execute_command("TICKET", "ACCEPT", tid) == "OK"
    # vera does not come back: logged out, her offer back in its place.
    until(lambda: agent(sam, "vera")["connection"] == "absent")
    v = agent(sam, "vera")
    assert (v["status"], v["offer"]) == ("offline", 0)
    t = ticket(sam, other)
    assert (t["state"], t["agent"], t["enqueued"]) == \
        ("queued", "", enqueued)
    # bob's held ticket stayed his; he is gone past the grace too.
    until(lambda: agent(sam, "bob")["connection"] == "absent")
    t = ticket(sam, held)
    assert (t["state"], t["agent"], t["agent_present"]) == \
        ("active", "bob", 0)


def test_restart_keeps_a_break_and_its_reason(make_daemon):
    """A clean restart too: an agent on a break comes back on that break,
    detached, and re-attaches with its password as after a closed
    connection."""
    daemon = make_daemon(reconnect_grace="1h").start()
    admin = daemon.client("admin")
    desk = session(daemon, "alice", ready=False)
    desk.sendall(b"AGENT BREAK lunch\r\n")
    assert recv_until(desk, b"\r\n").startswith(b"+OK")
    daemon.restart()
    desk.close()
    admin = daemon.client("admin")
    a = agent(admin, "alice")
    assert (a["status"], a["reason"], a["connection"]) == \
        ("break(lunch)", "lunch", "detached")
    assert agent(admin, "bob")["connection"] == "absent"
    sub = subscribe(daemon, "agent.alice")
    desk = session(daemon, "alice", ready=False)
    assert "agent.reattached" in events(sub, ["agent.reattached"])
    a = agent(admin, "alice")
    assert (a["status"], a["reason"], a["connection"]) == \
        ("break(lunch)", "lunch", "connected")
    desk.close()


def test_restart_without_a_grace_starts_agents_offline(make_daemon):
    """reconnect_grace = 0: a restart logs every agent out, as a closed
    connection does; the offer goes back to its place, held tickets stay,
    shown absent."""
    daemon = make_daemon(reconnect_grace="0").start()
    admin = daemon.client("admin")
    desk, held = offered_to_alice(daemon, admin)
    desk.sendall(b"TICKET ACCEPT %d\r\n" % held)
    assert recv_until(desk, b"\r\n").startswith(b"+OK")
    bob = session(daemon, "bob")
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE",
                                                "general", "c-2")
    assert agent(admin, "bob")["offer"] == tid
    daemon.kill()
    desk.close()
    bob.close()
    daemon.start()
    admin = daemon.client("admin")
    for name in ("alice", "bob"):
        a = agent(admin, name)
        assert (a["status"], a["connection"], a["grace_until"]) == \
            ("offline", "absent", 0), name
    assert ticket(admin, tid)["state"] == "queued"
    t = ticket(admin, held)
    assert (t["state"], t["agent"], t["agent_present"]) == \
        ("active", "alice", 0)


def test_auth_as_someone_else_detaches(make_daemon):
    """AUTH as another user on an agent's last connection leaves the
    agent's desk as a close would."""
    daemon = make_daemon(reconnect_grace="30s").start()
    admin = daemon.client("admin")
    assert admin.execute_command("CONFIG", "GET", "reconnect*") == \
        ["reconnect_grace", "30000ms"]
    desk = session(daemon, "alice")
    assert agent(admin, "alice")["connection"] == "connected"
    desk.sendall(b"AUTH bob %s\r\n" % PASSWORD.encode())
    assert recv_until(desk, b"\r\n").startswith(b"+OK")
    a = agent(admin, "alice")
    assert (a["connection"], a["status"]) == ("detached", "available")
    assert agent(admin, "bob")["connection"] == "connected"
    desk.close()
