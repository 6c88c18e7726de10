"""hotline-console: the wallboard follows what it is told (issue 18).

The AGENTS column (available/logged in) follows agent events, not only
ticket events in the queue; the breaches of callers still waiting are
read at start and kept per queue, not in a ring of lines that a burst in
another queue pushes out.
"""
import re
import time

from conftest import PASSWORD, as_map
from tmuxterm import CONSOLE, term  # noqa: F401 (fixture)


def board(term, daemon, width=160, height=40, user="sam"):
    t = term([CONSOLE, "-p", str(daemon.port), "-u", user],
             env={"HOTLINE_PASSWORD": PASSWORD, "TERM": "screen"},
             width=width, height=height)
    t.wait_for(r"QUEUE\s+STATE\s+WAIT")
    t.wait_for(lambda s: "loading" not in s)
    return t


def agents_cell(screen, name):
    """The AGENTS column (the last) of queue name's row."""
    for line in screen.splitlines():
        if re.match(r"\s*%s\s" % re.escape(name), line):
            return line.split()[-1]
    return None


def test_agents_column_follows_agent_events(daemon, term):
    t = board(term, daemon)
    t.wait_for(lambda s: agents_cell(s, "complaints") == "0/0")
    # bob (complaints:3, general:3) logs in and is ready: no ticket moves,
    # yet both of his queues count him at once.
    bob = daemon.client("bob")
    assert bob.execute_command("AGENT", "READY") == "OK"
    t.wait_for(lambda s: agents_cell(s, "complaints") == "1/1"
               and agents_cell(s, "general") == "1/1")
    # On break he is still logged in, no longer available.
    assert bob.execute_command("AGENT", "BREAK", "lunch") == "OK"
    t.wait_for(lambda s: agents_cell(s, "complaints") == "0/1"
               and agents_cell(s, "general") == "0/1")
    # billing (alice, bob) agrees with QUEUE STATS.
    stats = daemon.client("sam").execute_command("QUEUE", "STATS", "billing")
    st = dict(zip(stats[::2], stats[1::2]))
    want = "%s/%s" % (st["agents.available"], st["agents.logged_in"])
    t.wait_for(lambda s: agents_cell(s, "billing") == want)
    t.send("q")
    t.assert_clean_exit()


SLA = "[sla gold]\nanswer = 1s\n"


def breached(daemon, n):
    """Waits until n waiting tickets are past their answer SLA."""
    ivan = daemon.client("ivan")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = ivan.execute_command("TICKET", "LIST", "STATE", "queued",
                                    "LIMIT", "10000")
        got = sum(1 for r in rows if as_map(r).get("answer_sla") == "breached")
        if got >= n:
            return
        time.sleep(0.2)
    raise AssertionError("%d tickets never breached" % n)


def feed(screen):
    """The event feed's count and its lines."""
    head, _, rest = screen.partition("EVENTS")
    m = re.match(r"\s+breaches first, then the newest \((\d+)\)", rest)
    return (int(m.group(1)) if m else None), rest.splitlines()[1:]


def create(daemon, queue, n):
    ivan = daemon.client("ivan")
    for i in range(n):
        ivan.execute_command("TICKET", "CREATE", queue, "C-%s-%d" % (queue, i),
                             "TIER", "gold")


def test_breaches_waiting_before_start_are_shown(make_daemon, term):
    daemon = make_daemon(extra=SLA).start()
    create(daemon, "complaints", 3)
    create(daemon, "general", 5)
    breached(daemon, 8)
    # No event will say these breached: the board reads them at start.
    t = board(term, daemon, height=48)
    t.wait_for(lambda s: feed(s)[0] == 8)
    lines = feed(t.screen())[1]
    assert sum(1 for l in lines if re.search(
        r"BREACH\s+#\d+\s+complaints\s+answer SLA breached", l)) == 3, lines
    assert sum(1 for l in lines if re.search(
        r"BREACH\s+#\d+\s+general\s+answer SLA breached", l)) == 5, lines
    t.send("q")
    t.assert_clean_exit()


def test_a_burst_of_breaches_keeps_the_other_queues(make_daemon, term):
    daemon = make_daemon(extra=SLA).start()
    t = board(term, daemon, height=48)
    create(daemon, "complaints", 4)
    breached(daemon, 4)
    t.wait_for(lambda s: re.match(r"complaints\s+BREACH\s+4\s",
                                  queue_line(s, "complaints") or ""))
    # More breaches elsewhere than the alarm ring holds.
    create(daemon, "general", 210)
    breached(daemon, 214)
    t.wait_for(lambda s: re.match(r"general\s+BREACH\s+210\s.*\s210\s",
                                  queue_line(s, "general") or ""))
    # complaints' four waiting callers are still breached: shown.
    for _ in range(4):          # all -> general, billing, tech, complaints
        t.send("f")
    t.wait_for(r"queue complaints")
    t.wait_for(lambda s: sum(1 for l in feed(s)[1] if re.search(
        r"BREACH\s+#\d+\s+complaints\s+answer SLA breached", l)) == 4)
    t.send("q")
    t.assert_clean_exit()


def queue_line(screen, name):
    for line in screen.splitlines():
        if re.match(r"\s*%s\s" % re.escape(name), line):
            return line
    return None
