"""hotline-console: the wallboard follows what it is told (issue 18).

The AGENTS column (available/logged in) follows agent events, not only
ticket events in the queue; the breaches of callers still waiting are
read at start and kept per queue, not in a ring of lines that a burst in
another queue pushes out.
"""
import re

from conftest import PASSWORD
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
