"""hotline-agent, the agent's desk, against the real daemon.

Scripts (--exec, stdin): a whole ticket lifecycle, errors and exit
status, operators opening tickets by phone, transfers. Interactive, inside
tmux: the offer with its customer card and countdown, typing with
completion, and surviving a daemon restart (reconnect, ready again, the
tickets still held shown).
"""
import os
import re
import socket
import subprocess
import threading
import time

from conftest import PASSWORD, as_map
from tmuxterm import AGENT, TIMEOUT, fg_at, term  # noqa: F401 (fixture)


def agent(daemon, user, *args, stdin=None, password=PASSWORD, timeout=60):
    env = dict(os.environ, HOTLINE_PASSWORD=password, NO_COLOR="1")
    env.pop("HOTLINE_USER", None)
    return subprocess.run([AGENT, "-p", str(daemon.port), "-u", user] +
                          list(args), input=stdin, capture_output=True,
                          text=True, env=env, timeout=timeout)


def customer(daemon, cid, **fields):
    ivan = daemon.client("ivan")
    args = ["CUSTOMER", "SET", cid]
    for k, v in fields.items():
        args += [k.upper(), v]
    assert ivan.execute_command(*args) == "OK"


def history_types(r, tid):
    return [as_map(e)["type"] for e in r.execute_command("TICKET", "HISTORY", tid)]


SLA = "[sla gold]\nanswer = 10m\nresolve = 1d\n"


def test_script_whole_lifecycle(make_daemon):
    daemon = make_daemon(extra=SLA).start()
    customer(daemon, "CRM-7", name="Grace Hopper", phone="+15550100",
             tier="gold", segment="enterprise", manager="bob")
    ivan = daemon.client("ivan")
    old = ivan.execute_command("TICKET", "CREATE", "billing", "CRM-7",
                               "SUBJECT", "invoice twice")
    sam = daemon.client("sam")
    assert sam.execute_command("TICKET", "ABANDON", old) == "OK"
    tid = ivan.execute_command("TICKET", "CREATE", "billing", "CRM-7",
                               "SUBJECT", "card refused")
    out = agent(daemon, "alice", "-e",
                'ready; wait 30; accept; note "called the bank; all fine"; '
                'pending until +30m; resume; resolve refunded; close; mine')
    assert out.returncode == 0, out.stderr
    text = out.stdout
    # The offer: ticket, queue, tier in capitals, subject, and the card.
    assert re.search(r"OFFER #%d billing\s+GOLD" % tid, text), text
    assert "card refused" in text
    assert "Grace Hopper (CRM-7)" in text and "manager bob" in text
    assert "enterprise" in text and "+15550100" in text
    assert re.search(r"#%d\s+abandoned\s+billing" % old, text), text
    assert "answer within" in text
    assert "Accepted #%d" % tid in text
    assert "Note added to #%d." % tid in text
    assert "pending until" in text and "active again" in text
    assert "Resolved #%d (refunded)." % tid in text
    assert "Closed #%d." % tid in text
    assert "Your tickets: none." in text
    t = as_map(sam.execute_command("TICKET", "GET", tid))
    assert t["state"] == "closed" and t["disposition"] == "refunded"
    assert t["agent"] == "alice"
    types = history_types(sam, tid)
    for ev in ("ticket.offered", "ticket.accepted", "ticket.note",
               "ticket.pending", "ticket.resumed", "ticket.resolved",
               "ticket.closed"):
        assert ev in types, types
    note = [as_map(e) for e in sam.execute_command("TICKET", "HISTORY", tid)
            if as_map(e)["type"] == "ticket.note"][0]
    assert "called the bank; all fine" in note["data"]


def test_script_stops_at_the_first_error(daemon):
    out = agent(daemon, "alice", "-e", "status; accept #999; status")
    assert out.returncode == 1
    assert "accept: NOTFOUND no such ticket 999" in out.stderr
    assert out.stdout.count("alice: ") == 1      # the last status never ran
    out = agent(daemon, "alice", "--keep-going", "-e",
                "status; frobnicate; status")
    assert out.returncode == 1
    assert "frobnicate: no such command" in out.stderr
    assert out.stdout.count("alice: ") == 2
    out = agent(daemon, "alice", "-e", "accept")
    assert out.returncode == 1
    assert "no ticket on the desk" in out.stderr
    out = agent(daemon, "alice", "-e", "note #1 'unbalanced")
    assert out.returncode == 1 and "unbalanced" in out.stderr


def test_bad_usage_and_login_failures(daemon):
    out = agent(daemon, "alice", "--frobnicate")
    assert out.returncode == 2 and "--help" in out.stderr
    out = agent(daemon, "alice", "-e", "status", password="wrong")
    assert out.returncode == 3
    assert "WRONGPASS" in out.stderr
    env = dict(os.environ, HOTLINE_PASSWORD=PASSWORD)
    refused = subprocess.run([AGENT, "-p", "1", "-u", "alice", "-e", "status"],
                             capture_output=True, text=True, env=env,
                             timeout=60)
    assert refused.returncode == 3
    assert "cannot connect" in refused.stderr
    helptext = subprocess.run([AGENT, "--help"], capture_output=True,
                              text=True, timeout=30)
    assert helptext.returncode == 0
    for word in ("SYNOPSIS", "COMMANDS", "EXIT STATUS", "accept", "transfer",
                 "pending", "resolve", "break", "new PHONE|CUSTOMER QUEUE"):
        assert word in helptext.stdout


def test_commands_on_stdin_with_comments(daemon):
    script = ("# a comment line\n"
              "status\n"
              "\n"
              "break lunch\n"
              "status\n")
    out = agent(daemon, "alice", stdin=script)
    assert out.returncode == 0, out.stderr
    assert "On break (lunch)" in out.stdout
    assert "break(lunch)" in out.stdout
    st = as_map(daemon.client("sam").execute_command("AGENT", "STATUS", "alice"))
    # The desk closed, so the daemon logged alice out.
    assert st["status"] == "offline"


def test_operator_opens_tickets_by_phone(daemon):
    customer(daemon, "CRM-42", name="Ada Lovelace", phone="+33612345678",
             tier="diamond")
    out = agent(daemon, "ivan", "-e",
                "new +33612345678 billing card refused again")
    assert out.returncode == 0, out.stderr
    m = re.search(r"Created ticket #(\d+) in billing for Ada Lovelace "
                  r"\(CRM-42, diamond\)", out.stdout)
    assert m, out.stdout
    t = as_map(daemon.client("sam").execute_command("TICKET", "GET", m.group(1)))
    assert t["customer"] == "CRM-42" and t["subject"] == "card refused again"
    assert t["tier"] == "diamond" and t["creator"] == "ivan"
    # Unknown phone: refused (phones are never used as ids).
    out = agent(daemon, "ivan", "-e", "new +15559999 billing hello")
    assert out.returncode == 1 and "no customer has the phone" in out.stderr
    # Unknown id: a new customer at the lowest tier.
    out = agent(daemon, "ivan", "-e", "new CRM-NEW general first call")
    assert out.returncode == 0, out.stderr
    assert "No customer CRM-NEW yet" in out.stdout
    assert "for new customer CRM-NEW" in out.stdout
    # A queue that does not exist, and an operator trying agent commands.
    out = agent(daemon, "ivan", "-e", "new CRM-42 nowhere x")
    assert out.returncode == 1 and "no queue 'nowhere'" in out.stderr
    out = agent(daemon, "ivan", "-e", "ready")
    assert out.returncode == 1 and "not an agent" in out.stderr
    out = agent(daemon, "ivan", "-e", "customer +33612345678")
    assert out.returncode == 0 and "Ada Lovelace (CRM-42)" in out.stdout


def test_transfer_reject_and_raw(daemon):
    ivan = daemon.client("ivan")
    bob = daemon.client("bob")
    assert bob.execute_command("AGENT", "READY") == "OK"
    bob.execute_command("AGENT", "BREAK", "meeting")     # keep the connection, no offers
    t1 = ivan.execute_command("TICKET", "CREATE", "general", "C1")
    out = agent(daemon, "alice", "-e",
                "ready; wait 30; accept; transfer queue tech")
    assert out.returncode == 0, out.stderr
    assert "Transferred #%d to queue tech." % t1 in out.stdout
    sam = daemon.client("sam")
    assert as_map(sam.execute_command("TICKET", "GET", t1))["queue"] == "tech"
    t2 = ivan.execute_command("TICKET", "CREATE", "general", "C2")
    out = agent(daemon, "alice", "-e", "ready; wait 30; reject busy line")
    assert out.returncode == 0, out.stderr
    assert "Rejected #%d: back to its queue." % t2 in out.stdout
    rej = [as_map(e) for e in sam.execute_command("TICKET", "HISTORY", t2)
           if as_map(e)["type"] == "ticket.rejected"]
    assert rej and "busy line" in rej[0]["data"]
    out = agent(daemon, "alice", "-e", "raw TICKET GET %d" % t2)
    assert out.returncode == 0 and '"queued"' in out.stdout
    out = agent(daemon, "alice", "-e", "raw TICKET GET 99999")
    assert out.returncode == 1 and "(error) NOTFOUND" in out.stdout


def resp(value):
    """A Python value as RESP2: str bulk, int, list array, None nil."""
    if value is None:
        return b"$-1\r\n"
    if isinstance(value, int):
        return b":%d\r\n" % value
    if isinstance(value, list):
        return b"*%d\r\n" % len(value) + b"".join(resp(v) for v in value)
    data = value.encode()
    return b"$%d\r\n%s\r\n" % (len(data), data)


class FakeHotline:
    """Just enough of hotlined for a desk to log in and read one customer
    and one ticket, whose replies carry fields the real daemon does not
    send yet (customer insight from another branch): the desk must show
    them when they are there."""

    def __init__(self, replies):
        self.replies = replies
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        buf = b""
        while True:
            while b"\r\n" not in buf or not self.complete(buf):
                data = conn.recv(65536)
                if not data:
                    conn.close()
                    return
                buf += data
            words, buf = self.parse(buf)
            key = " ".join(w.upper() for w in words[:2])
            if words[0].upper() in ("AUTH", "PING"):
                conn.sendall(b"+OK\r\n")
            elif words[0].upper() == "SUBSCRIBE":
                conn.sendall(resp(["subscribe", words[1], 1]))
            elif key in self.replies:
                conn.sendall(resp(self.replies[key]))
            else:
                conn.sendall(resp([]))

    @staticmethod
    def complete(buf):
        try:
            FakeHotline.parse(buf)
            return True
        except (IndexError, ValueError):
            return False

    @staticmethod
    def parse(buf):
        lines = buf.split(b"\r\n")
        n = int(lines[0][1:])
        words, i = [], 1
        for _ in range(n):
            size = int(lines[i][1:])
            words.append(lines[i + 1][:size].decode())
            i += 2
        rest = b"\r\n".join(lines[i:])
        return words, rest

    def close(self):
        self.sock.close()


def test_card_shows_repeat_contacts_and_complaints(daemon):
    customer(daemon, "CRM-13", name="Barbara Liskov", tier="silver")
    ivan = daemon.client("ivan")
    first = ivan.execute_command("TICKET", "CREATE", "complaints", "CRM-13",
                                 "SUBJECT", "rude reply")
    second = ivan.execute_command("TICKET", "CREATE", "complaints", "CRM-13",
                                  "SUBJECT", "still no answer")
    out = agent(daemon, "alice", "-e", "customer CRM-13; show #%d" % second)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    # The daemon's customer insight, on the card and on the ticket.
    assert "Insight   2 complaints, repeat contact" in text, text
    assert re.search(r"Ticket    repeat contact, complaint, 2 complaints", text), text
    # The second ticket is marked a repeat contact in the list, the first not.
    assert re.search(r"#%d .*still no answer \[repeat\]" % second, text), text
    assert re.search(r"#%d .*rude reply\n" % first, text), text


def test_card_shows_customer_insight_when_reported():
    card = ["id", "C1", "name", "Ada Lovelace", "phone", "+33612345678",
            "tier", "diamond", "segment", "enterprise", "manager", "vera",
            "repeat_contact", 1, "complaints", 2, "repeat_window", "7d",
            "open_tickets", [], "recent_tickets", []]
    ticket = ["id", 5, "state", "active", "queue", "billing", "customer",
              "C1", "tier", "diamond", "channel", "voice", "subject",
              "second call", "agent", "alice", "repeat_contact", 1,
              "complaints", 0, "answer_sla", "ok", "resolve_sla", "ok"]
    fake = FakeHotline({"AGENT STATUS": ["name", "alice", "status", "offline"],
                        "QUEUE LIST": [["queue", "billing", "waiting", 0]],
                        "CUSTOMER GET": card, "TICKET GET": ticket})
    try:
        env = dict(os.environ, HOTLINE_PASSWORD="x", NO_COLOR="1")
        out = subprocess.run([AGENT, "-p", str(fake.port), "-u", "alice", "-e",
                              "customer C1; show #5"], capture_output=True,
                             text=True, env=env, timeout=60)
    finally:
        fake.close()
    assert out.returncode == 0, out.stderr
    assert ("Insight   repeat contact, 2 complaints, repeat window 7d"
            in out.stdout), out.stdout
    # On the ticket: repeat contact shown, a zero complaint count is not.
    assert re.search(r"Ticket    repeat contact\n", out.stdout), out.stdout


def test_no_ready_operator_desk(daemon, term, tmp_path):
    t = term([AGENT, "-p", str(daemon.port), "-u", "alice", "--no-ready"],
             env={"HOTLINE_PASSWORD": PASSWORD, "HOME": str(tmp_path),
                  "TERM": "screen"})
    t.wait_for(r"not taking offers \(type ready\)")
    t.wait_for(r"\[alice offline\] >")
    sam = daemon.client("sam")
    assert as_map(sam.execute_command("AGENT", "STATUS", "alice"))["status"] == "offline"
    t.type("new CRM-5 general printer on fire")
    t.wait_for(r"Created ticket #\d+ in general for new customer CRM-5")
    t.type("quit")
    t.assert_clean_exit()


def desk(term, daemon, user, tmp_path):
    return term([AGENT, "-p", str(daemon.port), "-u", user],
                env={"HOTLINE_PASSWORD": PASSWORD, "HOME": str(tmp_path),
                     "TERM": "screen"})


def test_interactive_offer_card_countdown_and_completion(make_daemon, term,
                                                         tmp_path):
    daemon = make_daemon(extra=SLA).start()
    customer(daemon, "CRM-9", name="Katherine Johnson", tier="gold",
             manager="bob")
    t = desk(term, daemon, "alice", tmp_path)
    t.wait_for(r"\[alice available\] >")
    ivan = daemon.client("ivan")
    tid = ivan.execute_command("TICKET", "CREATE", "billing", "CRM-9",
                               "SUBJECT", "orbit maths")
    t.wait_for(r"OFFER #%d billing" % tid)
    screen = t.screen()
    assert "GOLD" in screen and "orbit maths" in screen
    assert "Katherine Johnson (CRM-9)" in screen
    # The prompt counts the answer SLA down, second by second.
    first = t.wait_for(r"offer #%d gold answer (\d+):(\d+) >" % tid)
    before = int(first.group(1)) * 60 + int(first.group(2))
    later = t.wait_for(lambda s: (lambda m: m and int(m.group(1)) * 60 +
                                  int(m.group(2)) < before)(
        re.search(r"offer #%d gold answer (\d+):(\d+) >" % tid, s)))
    assert later
    # The gold tier stands out in colour (yellow).
    assert fg_at(t.screen(escapes=True), "GOLD") == 33
    # Tab completion of the command, then accept.
    t.type("acc", enter=False)
    t.send("Tab")
    t.wait_for(r"> accept\s*(\n|$)")
    t.send("Enter")
    t.wait_for(r"Accepted #%d" % tid)
    sam = daemon.client("sam")
    assert as_map(sam.execute_command("TICKET", "GET", tid))["state"] == "active"
    t.wait_for(r"\[alice busy\] #%d resolve" % tid)
    # Completion of queue names after "transfer queue".
    t.type("transfer queue bil", enter=False)
    t.send("Tab")
    t.wait_for(r"transfer queue billing")
    t.send("C-u")
    t.type("resolve fixed")
    t.wait_for(r"Resolved #%d \(fixed\)" % tid)
    t.type("logout")
    t.assert_clean_exit()
    assert as_map(sam.execute_command("AGENT", "STATUS", "alice"))["status"] == "offline"
    # History was written where HOME points.
    with open(os.path.join(str(tmp_path), ".hotline_agent_history")) as f:
        hist = f.read()
    assert "resolve fixed" in hist


def test_interactive_supervisor_break_shows_on_desk(daemon, term, tmp_path):
    t = desk(term, daemon, "alice", tmp_path)
    t.wait_for(r"\[alice available\] >")
    tid = daemon.client("ivan").execute_command("TICKET", "CREATE", "general",
                                                "C-1")
    t.wait_for(r"offer #%d standard" % tid)
    # Typing is under way when the supervisor acts: the line survives.
    t.type("note half typ", enter=False)
    sam = daemon.client("sam")
    assert sam.execute_command("AGENT", "BREAK", "coaching", "FOR", "alice") == "OK"
    t.wait_for(r"sam set your status to break \(coaching\)")
    # The break withdrew the offer: gone from the prompt.
    t.wait_for(r"Offer #%d went back to its queue" % tid)
    t.wait_for(r"\[alice break\(coaching\)\] > note half typ")
    t.type("ed", enter=False)
    t.wait_for(r"\[alice break\(coaching\)\] > note half typed")
    t.send("C-u")
    t.type("ready")
    t.wait_for(r"Ready for offers")
    # Offered again: the card is shown again, and the prompt counts it.
    t.wait_for(r"Ready for offers\.\s*\n\s*\n=== OFFER #%d" % tid)
    t.wait_for(r"\[alice busy\] offer #%d standard >" % tid)
    t.send("C-d")
    t.assert_clean_exit()


def test_restart_survival(daemon, term, tmp_path):
    ivan = daemon.client("ivan")
    t = desk(term, daemon, "alice", tmp_path)
    t.wait_for(r"\[alice available\] >")
    tid = ivan.execute_command("TICKET", "CREATE", "general", "C1",
                               "SUBJECT", "kept across restarts")
    t.wait_for(r"OFFER #%d" % tid)
    t.type("accept")
    t.wait_for(r"Accepted #%d" % tid)
    daemon.kill()
    t.wait_for(r"reconnecting")
    t.wait_for(r"\[alice: disconnected")
    time.sleep(1)
    daemon.start()
    ivan = daemon.client("ivan")
    t.wait_for(r"Reconnected to 127\.0\.0\.1:%d" % daemon.port, timeout=60)
    t.wait_for(r"You still hold \(1\):\s*\n\s*#%d\s+active" % tid)
    sam = daemon.client("sam")
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        st = as_map(sam.execute_command("AGENT", "STATUS", "alice"))
        if st["status"] != "offline":
            break
        time.sleep(0.2)
    # Ready again: busy with the ticket it still holds (capacity 1).
    assert st["status"] == "busy", st
    # And it works again: resolving the held ticket frees alice for offers.
    t.type("resolve done-after-restart")
    t.wait_for(r"Resolved #%d" % tid)
    t2 = ivan.execute_command("TICKET", "CREATE", "general", "C2")
    t.wait_for(r"OFFER #%d" % t2)
    t.type("logout")
    t.assert_clean_exit()


def logins_since(daemon, mark, user):
    """The log's logins of user after offset mark: (with a token, without)."""
    text = daemon.read_log()[mark:]
    lines = [ln for ln in text.splitlines()
             if "authenticated as %s " % user in ln]
    return (sum("with session" in ln for ln in lines),
            sum("with session" not in ln for ln in lines))


def wait_logins(daemon, mark, user, want):
    """Until want(tokens, passwords) holds for the logins after mark."""
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        counts = logins_since(daemon, mark, user)
        if want(*counts):
            return counts
        time.sleep(0.1)
    raise AssertionError(daemon.read_log()[mark:])


def test_desk_reconnects_with_its_session_token(daemon, term, tmp_path):
    t = desk(term, daemon, "alice", tmp_path)
    t.wait_for(r"\[alice available\] >")
    sam = daemon.client("sam")
    # The desk took one session after its password login.
    rows = sam.execute_command("SESSION", "LIST", "FOR", "alice")
    assert len(rows) == 1, rows
    sid = as_map(rows[0])["id"]
    daemon.stop()
    t.wait_for(r"\[alice: disconnected")
    mark = len(daemon.read_log())
    daemon.start()
    t.wait_for(r"Reconnected to 127\.0\.0\.1:%d" % daemon.port, timeout=60)
    # Both links came back with the token: no password, no Argon2id.
    tokens, passwords = wait_logins(daemon, mark, "alice",
                                    lambda tok, pw: tok + pw >= 2)
    assert tokens == 2 and passwords == 0, daemon.read_log()[mark:]
    assert "with session %s" % sid in daemon.read_log()[mark:]
    # Revoked, then a restart: the desk's token is refused, it falls back
    # on the password it was given, and takes a new token.
    sam = daemon.client("sam")
    assert sam.execute_command("SESSION", "REVOKE", "ALL", "FOR",
                               "alice") == 1
    daemon.stop()
    t.wait_for(r"\[alice: disconnected")
    mark = len(daemon.read_log())
    daemon.start()
    tokens, passwords = wait_logins(daemon, mark, "alice",
                                    lambda tok, pw: tok + pw >= 2)
    text = daemon.read_log()[mark:]
    assert "failed AUTH for 'alice' (session token)" in text, text
    assert passwords >= 1, text
    sam = daemon.client("sam")
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        rows = [as_map(r) for r in
                sam.execute_command("SESSION", "LIST", "FOR", "alice")]
        if rows:
            break
        time.sleep(0.1)
    assert len(rows) == 1 and rows[0]["id"] != sid, rows
    t.type("logout")
    t.assert_clean_exit()
