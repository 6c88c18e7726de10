"""hotline-agent, the desk, shows what is true (issue 18).

The prompt's status after an offer made on a supervisor's ready or just
after login; an answered ticket's stopped clock after a transfer; the
ticket's attributes on the offer card and in `show`.
"""
import os
import re
import subprocess
import time

from conftest import PASSWORD, as_map
from tmuxterm import AGENT, term  # noqa: F401 (fixture)


def desk(term, daemon, user, tmp_path):
    return term([AGENT, "-p", str(daemon.port), "-u", user],
                env={"HOTLINE_PASSWORD": PASSWORD, "HOME": str(tmp_path),
                     "TERM": "screen"})


def test_prompt_busy_on_first_offer_after_login(daemon, term, tmp_path):
    t = desk(term, daemon, "alice", tmp_path)
    t.wait_for(r"\[alice available\] >")
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE", "general",
                                                "C-1")
    # Offered: the daemon counts her busy, and so does her prompt.
    t.wait_for(r"\[alice busy\] offer #%d standard" % tid)
    t.send("C-d")
    t.assert_clean_exit()


def test_prompt_busy_on_offer_after_supervisor_ready(daemon, term, tmp_path):
    t = desk(term, daemon, "alice", tmp_path)
    t.wait_for(r"\[alice available\] >")
    sam = daemon.client("sam")
    assert sam.execute_command("AGENT", "BREAK", "coaching", "FOR",
                               "alice") == "OK"
    t.wait_for(r"\[alice break\(coaching\)\] >")
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE", "general",
                                                "C-1")
    # A ticket waits; the supervisor makes her ready: offered at once.
    assert sam.execute_command("AGENT", "READY", "FOR", "alice") == "OK"
    t.wait_for(r"sam set your status to available")
    t.wait_for(r"\[alice busy\] offer #%d standard" % tid)
    st = sam.execute_command("AGENT", "STATUS", "alice")
    assert dict(zip(st[::2], st[1::2]))["status"] == "busy"
    t.send("C-d")
    t.assert_clean_exit()


def wait_breached(daemon, tid):
    sam = daemon.client("sam")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if as_map(sam.execute_command("TICKET", "GET", tid))[
                "answer_sla"] == "breached":
            return
        time.sleep(0.1)
    raise AssertionError("#%d never breached" % tid)


def test_answered_ticket_transferred_shows_a_stopped_clock(make_daemon, term,
                                                          tmp_path):
    daemon = make_daemon(extra="[sla gold]\nanswer = 1s\n").start()
    t = desk(term, daemon, "vera", tmp_path)
    t.wait_for(r"\[vera available\] >")
    sam = daemon.client("sam")
    assert sam.execute_command("AGENT", "BREAK", "meeting", "FOR",
                               "vera") == "OK"
    t.wait_for(r"\[vera break\(meeting\)\] >")
    alice = daemon.client("alice")
    assert alice.execute_command("AGENT", "READY") == "OK"
    tid = daemon.client("ivan").execute_command(
        "TICKET", "CREATE", "general", "C-1", "TIER", "gold")
    # alice answers late (the answer SLA is breached), then hands over.
    wait_breached(daemon, tid)
    assert alice.execute_command("TICKET", "ACCEPT", tid) == "OK"
    assert alice.execute_command("TICKET", "TRANSFER", tid, "AGENT",
                                 "vera") == "OK"
    t.type("ready")
    t.wait_for(r"=== OFFER #%d general" % tid)
    # The clock stopped at alice's answer: the card says so, the prompt
    # counts nothing down.
    t.wait_for(r"answered in \S+ of 0:01, clock stopped")
    screen = t.screen()
    assert "answer SLA BREACHED" not in screen, screen
    t.wait_for(r"\[vera busy\] offer #%d gold answered >" % tid)
    t.type("show")
    t.wait_for(r"Answer\s+breached \(answered, \S+ over, target 0:01\)")
    t.send("C-d")
    t.assert_clean_exit()


def run_agent(daemon, user, *args):
    env = dict(os.environ, HOTLINE_PASSWORD=PASSWORD, NO_COLOR="1")
    env.pop("HOTLINE_USER", None)
    return subprocess.run([AGENT, "-p", str(daemon.port), "-u", user] +
                          list(args), capture_output=True, text=True,
                          env=env, timeout=60)


def test_ticket_attributes_on_the_offer_and_in_show(daemon):
    tid = daemon.client("ivan").execute_command(
        "TICKET", "CREATE", "billing", "C-1", "SUBJECT", "parcel lost",
        "ATTR", "order", "A-5521", "ATTR", "carrier", "DHL")
    out = run_agent(daemon, "alice", "-e", "ready; wait 30; show; accept; "
                    "show #%d" % tid)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    # The offer's card, then show on the offer and on the active ticket.
    card, _, shown = text.partition("=== OFFER #%d" % tid)[2].partition(
        "Ticket #%d" % tid)
    attrs = r"\n    Attrs\s+order=A-5521, carrier=DHL\n"
    assert re.search(attrs, card), text
    assert len(re.findall(attrs, shown)) == 2, text
