"""hotline-agent, the desk, shows what is true (issue 18).

The prompt's status after an offer made on a supervisor's ready or just
after login; an answered ticket's stopped clock after a transfer; the
ticket's attributes on the offer card and in `show`.
"""
import re

from conftest import PASSWORD
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
