"""hotline-console, the supervisor's wallboard, against the real daemon.

--once prints the snapshot scripts read. On screen, inside tmux: a breach
turns its queue red, keys act on the floor (reassign, re-tier, priority,
escalate, break, ready, filter, help), the layout follows resizes, and the
board comes back after a daemon restart, logging in with its session token.
"""
import os
import re
import subprocess
import time

from conftest import PASSWORD, as_map
from tmuxterm import CONSOLE, fg_at, term  # noqa: F401 (fixture)

RED, GREEN, YELLOW = 31, 32, 33
SLA = "[sla gold]\nanswer = 3s\n[sla diamond]\nanswer = 1h\n"


def once(daemon, *args, user="sam", password=PASSWORD):
    env = dict(os.environ, HOTLINE_PASSWORD=password)
    env.pop("COLUMNS", None)
    return subprocess.run([CONSOLE, "-p", str(daemon.port), "-u", user,
                           "--once"] + list(args), capture_output=True,
                          text=True, env=env, timeout=60)


def board(term, daemon, width=120, height=40, user="sam"):
    t = term([CONSOLE, "-p", str(daemon.port), "-u", user],
             env={"HOTLINE_PASSWORD": PASSWORD, "TERM": "screen"},
             width=width, height=height)
    t.wait_for(r"QUEUE\s+STATE\s+WAIT")
    t.wait_for(lambda s: "loading" not in s)
    return t


def act(t, key, prompt, first, then=None):
    """Presses key and answers its questions: first replaces what is
    prefilled, then (if any) answers the second question."""
    t.send(key)
    t.wait_for(prompt)
    t.send("C-u")
    t.type(first)
    if then is not None:
        t.type(then)


def queue_line(screen, name):
    for line in screen.splitlines():
        if re.match(r"\s*%s\s" % re.escape(name), line):
            return line
    return None


def test_once_snapshot(daemon):
    ivan = daemon.client("ivan")
    bob = daemon.client("bob")
    assert bob.execute_command("AGENT", "BREAK", "lunch") == "OK"
    for tier in ("gold", "gold", "diamond", "standard"):
        ivan.execute_command("TICKET", "CREATE", "billing", "C-" + tier,
                             "TIER", tier)
    out = once(daemon)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "service level target 80%" in text
    head = re.search(r"^QUEUE\s+STATE\s+WAIT\s+STD\s+SLV\s+GLD\s+DIA\s+OLDEST\s+SL%",
                     text, re.M)
    assert head, text
    billing = queue_line(text, "billing")
    # billing: 4 waiting: 1 standard, 0 silver, 2 gold, 1 diamond.
    assert re.match(r"billing\s+ok\s+4\s+1\s+0\s+2\s+1\s", billing), billing
    assert re.match(r"general\s+ok\s+0\s", queue_line(text, "general"))
    assert re.search(r"^bob\s+break\(lunch\)", text, re.M), text
    assert re.search(r"^alice\s+offline", text, re.M), text
    # A filter shows one queue and the agents with a skill for it.
    out = once(daemon, "-q", "complaints")
    assert out.returncode == 0
    assert queue_line(out.stdout, "complaints") and not queue_line(out.stdout, "billing")
    assert re.search(r"^bob\s", out.stdout, re.M)
    assert not re.search(r"^alice\s", out.stdout, re.M)
    out = once(daemon, "-q", "nowhere")
    assert out.returncode == 1 and "no queue 'nowhere'" in out.stderr
    # Narrow: the essentials still fit in 80 columns.
    out = once(daemon, "--width", "80")
    assert all(len(l) <= 80 for l in out.stdout.splitlines() if l.startswith(
        ("QUEUE", "billing", "general")))
    out = once(daemon, password="nope")
    assert out.returncode == 3 and "WRONGPASS" in out.stderr


def test_once_usage():
    out = subprocess.run([CONSOLE, "--help"], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0
    for word in ("SYNOPSIS", "KEYS", "reassign", "--once", "EXIT STATUS"):
        assert word in out.stdout
    out = subprocess.run([CONSOLE, "--sl-target", "0"], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 2
    # Without a terminal, the wallboard says to use --once.
    out = subprocess.run([CONSOLE], capture_output=True, text=True,
                         timeout=30, stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and "--once" in out.stderr


def test_breach_turns_the_queue_red(make_daemon, term):
    daemon = make_daemon(extra=SLA).start()
    t = board(term, daemon)
    # Nothing waits: billing is green.
    assert fg_at(t.screen(escapes=True), "billing") == GREEN
    tid = daemon.client("ivan").execute_command(
        "TICKET", "CREATE", "billing", "C-1", "TIER", "gold",
        "SUBJECT", "nobody is ready")
    t.wait_for(lambda s: re.match(r"billing\s+ok\s+1\s", queue_line(s, "billing") or ""))
    # Three seconds later the answer SLA is breached: red, BREACH, and
    # the breach heads the event feed.
    t.wait_for(lambda s: re.match(r"billing\s+BREACH\s+1\s", queue_line(s, "billing") or ""))
    assert fg_at(t.screen(escapes=True), "billing") == RED
    feed_re = r"BREACH\s+#%d\s+billing\s+answer SLA breached" % tid
    t.wait_for(feed_re)
    feed = t.screen().split("EVENTS", 1)[1].splitlines()[1]
    assert re.search(feed_re, feed), feed
    assert fg_at(t.screen(escapes=True), "BREACH", feed_re) == RED
    # Once answered, the live breach is over: what is left is today's
    # service level (0 of 1 answered in time: still red, in words LOW SL);
    # the breach stays in the feed, dimmed, and counts in today's breaches.
    alice = daemon.client("alice")
    assert alice.execute_command("AGENT", "READY") == "OK"
    assert alice.execute_command("TICKET", "ACCEPT", tid) == "OK"
    t.wait_for(lambda s: re.match(r"billing\s+LOW SL\s+0\s",
                                  queue_line(s, "billing") or ""))
    t.wait_for(lambda s: fg_at(t.screen(escapes=True), "BREACH", feed_re) == 0)
    t.send("q")
    t.assert_clean_exit()


def test_key_reassigns_a_ticket(daemon, term):
    alice = daemon.client("alice")
    bob = daemon.client("bob")
    assert alice.execute_command("AGENT", "READY") == "OK"
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE", "general",
                                                "C-7", "SUBJECT", "move me")
    assert alice.execute_command("TICKET", "ACCEPT", tid) == "OK"
    assert bob.execute_command("AGENT", "READY") == "OK"
    bob.execute_command("AGENT", "BREAK", "short")
    t = board(term, daemon)
    t.wait_for(r"alice\s+busy\s+[\d:]+\s+#%d" % tid)
    # Agents pane (Tab), alice is the first agent: t, the ticket is
    # prefilled, Enter, then the target.
    t.send("Tab")
    t.send("t")
    t.wait_for(r"Reassign ticket #%d" % tid)
    t.send("Enter")
    t.wait_for(r"Reassign #%d to \(agent or queue\):" % tid)
    t.type("tech")
    t.wait_for(r"Ticket #%d reassigned to queue tech\." % tid)
    sam = daemon.client("sam")
    tk = as_map(sam.execute_command("TICKET", "GET", tid))
    assert tk["queue"] == "tech" and tk["agent"] == ""
    # Again to an agent by name, completed with Tab.
    t.send("Escape")
    t.send("t")
    t.wait_for(r"Reassign ticket #")
    t.send("C-u")
    t.type(str(tid))
    t.wait_for(r"Reassign #%d to" % tid)
    t.type("bo", enter=False)
    t.send("Tab")
    t.wait_for(r"to \(agent or queue\): bob")
    t.send("Enter")
    t.wait_for(r"Ticket #%d reassigned to agent bob\." % tid)
    tk = as_map(sam.execute_command("TICKET", "GET", tid))
    assert tk["target"] == "bob", tk
    # A refusal is shown, not fatal: bob is not an agent of nowhere.
    act(t, "t", r"Reassign ticket #", "999999", "bob")
    t.wait_for(r"Refused: NOTFOUND")
    t.send("q")
    t.assert_clean_exit()


def test_keys_tier_priority_escalate_break_ready(daemon, term):
    ivan = daemon.client("ivan")
    sam = daemon.client("sam")
    alice = daemon.client("alice")
    t = board(term, daemon)
    tid = ivan.execute_command("TICKET", "CREATE", "billing", "C-9")
    t.wait_for(r"new\s+#%d\s+billing" % tid)
    # Feed pane: the newest event is the ticket's: its id is prefilled.
    t.send("Tab")
    t.send("Tab")
    t.send("T")
    t.wait_for(r"Re-tier ticket #%d" % tid)
    t.send("Enter")
    t.type("dia", enter=False)
    t.send("Tab")
    t.wait_for(r"to tier: diamond")
    t.send("Enter")
    t.wait_for(r"Ticket #%d is now diamond\." % tid)
    assert as_map(sam.execute_command("TICKET", "GET", tid))["tier"] == "diamond"
    act(t, "p", r"Priority of ticket #", str(tid), "250")
    t.wait_for(r"Ticket #%d has priority 250\." % tid)
    assert as_map(sam.execute_command("TICKET", "GET", tid))["manual_priority"] == 250
    act(t, "e", r"Escalate ticket #", str(tid), "VIP complained on the phone")
    t.wait_for(r"Ticket #%d escalated\." % tid)
    tk = as_map(sam.execute_command("TICKET", "GET", tid))
    assert tk["escalations"] == 1
    t.wait_for(r"ESCALATE\s+#%d\s+billing\s+by sam: VIP complained" % tid)
    t.wait_for(r"priority\s+#%d\s+billing\s+0 -> 250 by sam" % tid)
    # Agents: alice is ready; b puts her on break, a makes her ready.
    assert alice.execute_command("AGENT", "BREAK", "x") == "OK"
    assert alice.execute_command("AGENT", "READY") == "OK"
    t.send("Tab")          # feed -> queues
    t.send("Tab")          # queues -> agents (alice first)
    t.send("b")
    t.wait_for(r"Break for agent: alice")
    t.send("Enter")
    t.type("coaching")
    t.wait_for(r"alice is on break: coaching\.")
    st = as_map(sam.execute_command("AGENT", "STATUS", "alice"))
    assert st["status"] == "break(coaching)" or st["reason"] == "coaching", st
    t.wait_for(r"alice\s+break\(coach")
    t.send("a")
    t.wait_for(r"Ready for agent: alice")
    t.send("Enter")
    t.wait_for(r"alice is ready\.")
    assert as_map(sam.execute_command("AGENT", "STATUS", "alice"))["status"] != "offline"
    t.wait_for(r"alice\s+(available|busy)")
    # Esc cancels a prompt without sending anything.
    t.send("b")
    t.wait_for(r"Break for agent")
    t.send("Escape")
    t.wait_for(lambda s: "Break for agent" not in s)
    t.send("q")
    t.assert_clean_exit()


def test_filter_help_and_resize(daemon, term):
    daemon.client("ivan").execute_command("TICKET", "CREATE", "tech", "C-3")
    t = board(term, daemon, width=80, height=24)
    s = t.screen()
    assert queue_line(s, "general") and queue_line(s, "tech")
    # At 80 columns: no 15-minute service level column.
    assert "SL15m" not in s
    t.send("f")
    t.wait_for(r"queue general")
    s = t.screen()
    assert queue_line(s, "general") and not queue_line(s, "tech")
    t.send("F")
    t.wait_for(lambda s: queue_line(s, "tech") is not None)
    # Enter on a queue (queues pane, second row) filters to it.
    t.send("Down")
    t.send("Enter")
    t.wait_for(r"queue billing")
    t.send("Enter")
    t.wait_for(r"all queues")
    t.send("?")
    t.wait_for(r"Hotline wallboard: keys")
    t.send("x")
    t.wait_for(lambda s: "wallboard: keys" not in s)
    # Wider and taller: more columns, the agents grid in more columns.
    t.resize(160, 50)
    t.wait_for(r"SL15m\s+SL1h")
    t.wait_for(r"AGENT\s+STATUS.*AGENT\s+STATUS.*AGENT\s+STATUS")
    t.resize(80, 24)
    t.wait_for(lambda s: "SL15m" not in s and queue_line(s, "tech"))
    assert all(len(l) <= 80 for l in t.screen().splitlines())
    t.send("q")
    t.assert_clean_exit()


def test_board_survives_a_restart(daemon, term):
    t = board(term, daemon)
    daemon.kill()
    t.wait_for(r"DISCONNECTED")
    daemon.start()
    t.wait_for(lambda s: "DISCONNECTED" not in s and "loading" not in s,
               timeout=60)
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE",
                                                "complaints", "C-5")
    t.wait_for(lambda s: re.match(r"complaints\s+ok\s+1\s",
                                  queue_line(s, "complaints") or ""))
    t.wait_for(r"new\s+#%d\s+complaints" % tid)
    t.send("q")
    t.assert_clean_exit()


def test_board_reconnects_with_its_session_token(daemon, term):
    t = board(term, daemon)
    admin = daemon.client("admin")
    deadline = time.time() + 30
    while time.time() < deadline and not admin.execute_command(
            "SESSION", "LIST", "FOR", "sam"):
        time.sleep(0.1)
    rows = admin.execute_command("SESSION", "LIST", "FOR", "sam")
    assert len(rows) == 1, rows
    sid = as_map(rows[0])["id"]
    daemon.stop()
    t.wait_for(r"DISCONNECTED")
    mark = len(daemon.read_log())
    daemon.start()
    t.wait_for(lambda s: "DISCONNECTED" not in s and "loading" not in s,
               timeout=60)
    # Both of its connections logged in with the token, not the password.
    deadline = time.time() + 30
    while time.time() < deadline:
        lines = [ln for ln in daemon.read_log()[mark:].splitlines()
                 if "authenticated as sam " in ln]
        if len(lines) >= 2:
            break
        time.sleep(0.1)
    assert len(lines) == 2, lines
    assert all("with session %s" % sid in ln for ln in lines), lines
    t.send("q")
    t.assert_clean_exit()
