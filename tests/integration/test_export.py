"""hotlined --export: CSV of tickets and events for a time range, read
beside the running daemon through a read-only connection, personal data
decrypted with the key file; parsed back with Python's csv module."""
import csv
import io
import json
import os
import stat
import subprocess

import pytest

from conftest import HOTLINED, as_map

T0 = 1699999200000
SUBJECT = 'card "refused", twice\nsecond line, été'
NOTE = "called back, said \"ok\"; ünïcode"


def export(d, *args, key=None, check=True):
    cmd = [HOTLINED, "--config", d.config, "--data-dir", d.data,
           "--export"] + [str(a) for a in args]
    if key is not None:
        cmd += ["--key", key]
    out = subprocess.run(cmd, capture_output=True, timeout=60)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def parse(out):
    text = out.stdout.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def story(d):
    ivan, alice = d.client("ivan"), d.client("alice")
    alice.execute_command("AGENT", "READY")
    first = ivan.execute_command("TICKET", "CREATE", "general", "CRM-1",
                                 "SUBJECT", SUBJECT, "ATTR", "order", "A,1")
    alice.execute_command("TICKET", "ACCEPT", first)
    alice.execute_command("TICKET", "NOTE", first, NOTE)
    d.client("admin").execute_command("DEBUG", "CLOCK", T0 + 60000)
    alice.execute_command("TICKET", "RESOLVE", first)
    ivan.execute_command("TICKET", "RATE", first, 4, "merci, bien")
    d.client("admin").execute_command("DEBUG", "CLOCK", T0 + 3600000)
    second = ivan.execute_command("TICKET", "CREATE", "billing", "CRM-2",
                                  "SUBJECT", "later")
    return first, second


def test_export_round_trip_while_running(make_daemon):
    d = make_daemon()
    d.start(env_extra={"HOTLINE_TEST_CLOCK": str(T0)})
    first, second = story(d)
    tickets = parse(export(d, "tickets"))
    assert [int(t["id"]) for t in tickets] == [first, second]
    t = tickets[0]
    assert t["subject"] == SUBJECT
    assert t["state"] == "resolved" and t["agent"] == "alice"
    assert t["customer"] == "CRM-1" and t["queue"] == "general"
    assert int(t["created"]) == T0 and int(t["resolved_at"]) == T0 + 60000
    assert int(t["handle_ms"]) == 60000 and int(t["csat"]) == 4
    assert json.loads(t["attrs"]) == {"order": "A,1"}
    # The range: tickets created in [from, to).
    only = parse(export(d, "tickets", "--from", T0 + 1, "--to",
                        T0 + 3600001))
    assert [int(t["id"]) for t in only] == [second]

    events = parse(export(d, "events", "--from", T0, "--to", T0 + 60001))
    kinds = [e["type"] for e in events]
    assert "ticket.created" in kinds and "ticket.rated" in kinds
    assert [int(e["seq"]) for e in events] == sorted(int(e["seq"])
                                                     for e in events)
    note = [e for e in events if e["type"] == "ticket.note"][0]
    assert json.loads(note["data"])["text"] == NOTE
    assert int(note["ticket"]) == first and note["actor"] == "alice"
    rated = [e for e in events if e["type"] == "ticket.rated"][0]
    assert json.loads(rated["data"])["comment"] == "merci, bien"
    assert all(T0 <= int(e["time"]) < T0 + 60001 for e in events)
    # The daemon went on serving throughout.
    assert d.client("sam").ping() is True


def test_export_file_key_and_errors(make_daemon, tmp_path):
    d = make_daemon()
    d.start(env_extra={"HOTLINE_TEST_CLOCK": str(T0)})
    first, _ = story(d)
    d.stop()
    # Stopped daemon: same output; a file gets mode 0600 (it is clear text).
    path = tmp_path / "tickets.csv"
    export(d, "tickets", "--output", path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["subject"] == SUBJECT
    # The key file may live elsewhere (a backup); a wrong one is refused.
    key = os.path.join(d.data, "hotline.key")
    moved = str(tmp_path / "backup.key")
    os.rename(key, moved)
    out = export(d, "tickets", check=False)
    assert out.returncode == 1 and b"hotline.key" in out.stderr
    assert parse(export(d, "tickets", key=moved))[0]["subject"] == SUBJECT
    other = tmp_path / "other.key"
    other.write_text("ab" * 32 + "\n")
    os.chmod(other, 0o600)
    out = export(d, "tickets", key=str(other), check=False)
    assert out.returncode == 1 and b"does not match" in out.stderr
    os.rename(moved, key)
    for args, why in ((("customers",), b"tickets or events"),
                      (("tickets", "--from", 5, "--to", 5), b"before"),
                      (("tickets", "--from", "yesterday"), b"bad time")):
        out = export(d, *args, check=False)
        assert out.returncode != 0 and why in out.stderr, out.stderr
    d.start(env_extra={"HOTLINE_TEST_CLOCK": str(T0 + 7200000)})
    assert as_map(d.client("sam").execute_command("TICKET", "GET", first))[
        "subject"] == SUBJECT
