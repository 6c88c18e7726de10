"""Personal data at rest: customer names, phones and attributes, ticket
subjects, attributes and notes never reach the disk in clear (database,
WAL, anything in the data folder), running or stopped; clients still see
plaintext; CUSTOMER FIND PHONE through the blind index; the key file's
mode, a wrong or missing key, tampered rows, the migration of a plaintext
schema-2 database, and offline key rotation with its crash windows."""
import os
import secrets
import sqlite3
import subprocess

import pytest
import redis

from conftest import HOTLINED, as_map


def token():
    return secrets.token_hex(6)


def key_path(d, suffix=""):
    return os.path.join(d.data, "hotline.key" + suffix)


def read_key(d, suffix=""):
    with open(key_path(d, suffix), "rb") as f:
        return f.read()


def write_key(d, data, suffix="", mode=0o600):
    path = key_path(d, suffix)
    if os.path.exists(path):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    os.write(fd, data)
    os.close(fd)
    os.chmod(path, mode)


def leaks(d, needles):
    """(file, value) for every value found in any file of the data folder."""
    found = []
    for root, _, files in os.walk(d.data):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                blob = f.read()
            found += [(name, n) for n in needles if n.encode() in blob]
    return found


class Story:
    """A customer with a ticket in the queue and one abandoned (so read
    back from the database), a note and attributes, all unique values."""

    def __init__(self, d):
        t = token()
        self.cid = "cust-" + t
        self.name = "Name %s Zweistein" % t
        self.phone = "+44 20 %s %s" % (int(t[:4], 16), int(t[4:8], 16))
        self.digits = "".join(ch for ch in self.phone if ch.isdigit())
        self.cattr = "cattr-" + token()
        self.subject = "subject-" + token()
        self.tattr = "tattr-" + token()
        self.note = "note-" + token()
        sam = d.client("sam")
        sam.execute_command("CUSTOMER", "SET", self.cid, "NAME", self.name,
                            "PHONE", self.phone, "TIER", "gold",
                            "ATTR", "hint", self.cattr)
        self.open = sam.execute_command("TICKET", "CREATE", "billing",
                                        self.cid, "SUBJECT", self.subject,
                                        "ATTR", "ref", self.tattr)
        self.closed = sam.execute_command("TICKET", "CREATE", "general",
                                          self.cid, "SUBJECT", self.subject)
        sam.execute_command("TICKET", "NOTE", self.open, self.note)
        sam.execute_command("TICKET", "NOTE", self.closed, self.note)
        sam.execute_command("TICKET", "ABANDON", self.closed)

    def secrets(self):
        return [self.name, self.phone, self.digits, "+" + self.digits,
                self.cattr, self.subject, self.tattr, self.note]

    def check_plaintext(self, d):
        c = d.client("alice")
        card = as_map(c.execute_command("CUSTOMER", "GET", self.cid))
        assert (card["name"], card["phone"]) == (self.name, self.phone)
        assert card["attr.hint"] == self.cattr
        assert c.execute_command("CUSTOMER", "FIND", "PHONE",
                                 "+" + self.digits) == self.cid
        for tid in (self.open, self.closed):
            t = as_map(c.execute_command("TICKET", "GET", tid))
            assert t["subject"] == self.subject
            history = [as_map(e) for e in
                       c.execute_command("TICKET", "HISTORY", tid)]
            assert any(self.note in e["data"] for e in history)
            assert any(self.subject in e["data"] for e in history)
        t = as_map(c.execute_command("TICKET", "GET", self.open))
        assert t["attr.ref"] == self.tattr


def test_personal_data_never_on_disk(daemon):
    story = Story(daemon)
    # Running: committed, in the WAL, not checkpointed away.
    wal = os.path.join(daemon.data, "hotline.db-wal")
    assert os.path.getsize(wal) > 0
    assert leaks(daemon, story.secrets()) == []
    story.check_plaintext(daemon)
    assert daemon.stop() == 0
    assert leaks(daemon, story.secrets()) == []
    key = key_path(daemon)
    assert os.stat(key).st_mode & 0o777 == 0o600
    daemon.start()
    story.check_plaintext(daemon)
    assert leaks(daemon, story.secrets()) == []


def test_find_phone(daemon):
    story = Story(daemon)
    c = daemon.client("ivan")
    spaced = "+%s %s" % (story.digits[:2], story.digits[2:])
    assert c.execute_command("CUSTOMER", "FIND", "PHONE", spaced) == story.cid
    assert c.execute_command("CUSTOMER", "find", "phone",
                             story.phone) == story.cid
    # The leading '+' and every digit count.
    assert c.execute_command("CUSTOMER", "FIND", "PHONE", story.digits) is None
    assert c.execute_command("CUSTOMER", "FIND", "PHONE",
                             "+" + story.digits + "1") is None
    with pytest.raises(redis.exceptions.ResponseError, match="no digit"):
        c.execute_command("CUSTOMER", "FIND", "PHONE", "+--")
    with pytest.raises(redis.exceptions.ResponseError, match="usage"):
        c.execute_command("CUSTOMER", "FIND", "NAME", story.name)
    # A changed phone is found at its new number only.
    daemon.client("sam").execute_command("CUSTOMER", "SET", story.cid,
                                         "PHONE", "+1 555 0100")
    assert c.execute_command("CUSTOMER", "FIND", "PHONE",
                             "+15550100") == story.cid
    assert c.execute_command("CUSTOMER", "FIND", "PHONE", story.phone) is None
    with pytest.raises(redis.exceptions.AuthenticationError):
        daemon.client().execute_command("CUSTOMER", "FIND", "PHONE", "+1")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o602])
def test_key_file_open_to_others_refused(daemon, mode):
    daemon.stop()
    os.chmod(key_path(daemon), mode)
    assert daemon.start(expect_fail=True) != 0
    log = daemon.read_log()
    assert "readable or writable by group or others" in log
    assert "chmod 600 " + key_path(daemon) in log
    os.chmod(key_path(daemon), 0o600)
    daemon.start()


def test_wrong_or_missing_key_refused(daemon):
    story = Story(daemon)
    daemon.stop()
    good = read_key(daemon)
    write_key(daemon, secrets.token_hex(32).encode() + b"\n")
    assert daemon.start(expect_fail=True) != 0
    assert "does not match the database" in daemon.read_log()
    os.unlink(key_path(daemon))
    assert daemon.start(expect_fail=True) != 0
    assert "is missing and the database" in daemon.read_log()
    # Never a fresh key for old data.
    assert not os.path.exists(key_path(daemon))
    write_key(daemon, good)
    daemon.start()
    story.check_plaintext(daemon)


def tamper(d, table, column, where, args, at=30):
    db = sqlite3.connect(os.path.join(d.data, "hotline.db"))
    blob = bytearray(db.execute("SELECT %s FROM %s WHERE %s" % (
        column, table, where), args).fetchone()[0])
    blob[at] ^= 0x01
    db.execute("UPDATE %s SET %s = ? WHERE %s" % (table, column, where),
               (bytes(blob),) + tuple(args))
    db.commit()
    db.close()


def test_tampered_closed_ticket_is_an_error(daemon):
    story = Story(daemon)
    other = Story(daemon)
    daemon.stop()
    tamper(daemon, "tickets", "subject", "id = ?", (story.closed,))
    tamper(daemon, "events", "data", "ticket = ? AND type = 'ticket.note'",
           (other.closed,))
    daemon.start()
    c = daemon.client("alice")
    with pytest.raises(redis.exceptions.ResponseError) as e:
        c.execute_command("TICKET", "GET", story.closed)
    assert str(e.value) == ("stored data for ticket %d failed authentication"
                            % story.closed)
    with pytest.raises(redis.exceptions.ResponseError) as e:
        c.execute_command("TICKET", "HISTORY", other.closed)
    assert str(e.value) == ("stored data for ticket %d failed authentication"
                            % other.closed)
    assert "ticket %d: subject failed authentication" % story.closed in \
        daemon.read_log()
    # Everything else is still served.
    assert c.ping() is True
    assert as_map(c.execute_command("TICKET", "GET", other.closed))[
        "subject"] == other.subject
    assert c.execute_command("TICKET", "HISTORY", story.closed)
    assert c.execute_command("TICKET", "CREATE", "general", "after") > 0


def test_tampered_open_row_stops_startup(make_daemon):
    daemon = make_daemon().start()
    story = Story(daemon)
    daemon.stop()
    tamper(daemon, "tickets", "attrs", "id = ?", (story.open,))
    assert daemon.start(expect_fail=True) != 0
    assert ("ticket %d: stored data failed authentication" % story.open) in \
        daemon.read_log()


def test_tampered_customer_stops_startup(make_daemon):
    daemon = make_daemon().start()
    story = Story(daemon)
    daemon.stop()
    tamper(daemon, "customers", "name", "id = ?", (story.cid,), at=0)
    assert daemon.start(expect_fail=True) != 0
    assert ("customer %s: stored data failed authentication" % story.cid) \
        in daemon.read_log()


def rotate(d):
    return subprocess.run([HOTLINED, "--rotate-key", "--config", d.config,
                           "--data-dir", d.data], capture_output=True,
                          text=True, timeout=60)


def test_rotate_key_round_trip(daemon):
    story = Story(daemon)
    out = rotate(daemon)
    assert out.returncode != 0 and "in use" in out.stderr
    daemon.stop()
    old = read_key(daemon)
    out = rotate(daemon)
    assert out.returncode == 0, out.stderr
    assert "back it up" in out.stdout
    new = read_key(daemon)
    assert new != old
    assert os.stat(key_path(daemon)).st_mode & 0o777 == 0o600
    assert not os.path.exists(key_path(daemon, ".new"))
    assert leaks(daemon, story.secrets()) == []
    daemon.start()
    story.check_plaintext(daemon)
    daemon.stop()
    # The old key no longer opens the database.
    write_key(daemon, old)
    assert daemon.start(expect_fail=True) != 0
    assert "does not match the database" in daemon.read_log()
    write_key(daemon, new)
    daemon.start()
    story.check_plaintext(daemon)


def test_rotation_interrupted(daemon):
    story = Story(daemon)
    daemon.stop()
    old = read_key(daemon)
    assert rotate(daemon).returncode == 0
    new = read_key(daemon)
    # Stopped after the commit, before the rename: the .new key is valid.
    write_key(daemon, old)
    write_key(daemon, new, ".new")
    daemon.start()
    assert "adopted " + key_path(daemon, ".new") in daemon.read_log()
    story.check_plaintext(daemon)
    assert read_key(daemon) == new
    assert not os.path.exists(key_path(daemon, ".new"))
    daemon.stop()
    # Stopped before the commit: the .new key was never used.
    write_key(daemon, secrets.token_hex(32).encode() + b"\n", ".new")
    daemon.start()
    assert "a key rotation stopped before its commit" in daemon.read_log()
    story.check_plaintext(daemon)
    assert read_key(daemon) == new
    assert not os.path.exists(key_path(daemon, ".new"))


# Schema 2, as hotlined wrote it before personal data was encrypted.
SCHEMA2 = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE events(seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL,
 type TEXT NOT NULL, ticket INTEGER, agent TEXT, customer TEXT,
 actor TEXT, data TEXT NOT NULL);
CREATE INDEX events_ticket ON events(ticket, seq) WHERE ticket IS NOT NULL;
CREATE INDEX events_time ON events(time_ms);
CREATE TABLE tickets(id INTEGER PRIMARY KEY, state TEXT NOT NULL,
 queue TEXT NOT NULL, customer TEXT NOT NULL, tier TEXT NOT NULL,
 channel TEXT NOT NULL, subject TEXT NOT NULL, disposition TEXT NOT NULL,
 creator TEXT NOT NULL, agent TEXT NOT NULL, target TEXT NOT NULL,
 priority INTEGER NOT NULL, boost INTEGER NOT NULL, step INTEGER NOT NULL,
 created_ms INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL,
 updated_ms INTEGER NOT NULL, step_started_ms INTEGER NOT NULL,
 offered_ms INTEGER NOT NULL, accepted_ms INTEGER NOT NULL,
 resolved_ms INTEGER NOT NULL, pending_until_ms INTEGER NOT NULL,
 attrs TEXT);
CREATE INDEX tickets_open ON tickets(id)
 WHERE state NOT IN ('closed', 'abandoned');
CREATE INDEX tickets_customer ON tickets(customer, id);
CREATE TABLE customers(id TEXT PRIMARY KEY, name TEXT NOT NULL,
 phone TEXT NOT NULL, tier TEXT NOT NULL, segment TEXT NOT NULL,
 manager TEXT NOT NULL, attrs TEXT, created_ms INTEGER NOT NULL,
 updated_ms INTEGER NOT NULL);
CREATE TABLE users(name TEXT PRIMARY KEY, hash TEXT NOT NULL,
 role TEXT NOT NULL, skills TEXT NOT NULL, groups TEXT NOT NULL,
 capacity INTEGER NOT NULL, created_ms INTEGER NOT NULL,
 updated_ms INTEGER NOT NULL);
ALTER TABLE tickets ADD COLUMN answer_due_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN resolve_due_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN resolve_used_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN clock_mark_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN paused_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_fired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 2;
"""


def test_plaintext_database_encrypted_in_place(make_daemon):
    d = make_daemon()
    os.makedirs(d.data)
    name, phone, subject, note, attr = ("Plain %s Name" % token(),
                                        "+49 30 %s" % int(token()[:5], 16),
                                        "subj-" + token(), "note-" + token(),
                                        "attr-" + token())
    db = sqlite3.connect(os.path.join(d.data, "hotline.db"))
    db.execute("PRAGMA journal_mode = WAL")
    db.executescript(SCHEMA2)
    db.execute("INSERT INTO meta VALUES ('next_ticket_id', 3)")
    db.execute("INSERT INTO customers VALUES ('c-old', ?, ?, 'gold', "
               "'individual', '', ?, 1, 1)",
               (name, phone, '{"hint":"%s"}' % attr))
    for tid, state, queue in ((1, "queued", "billing"),
                              (2, "closed", "general")):
        db.execute("INSERT INTO tickets(id, state, queue, customer, tier, "
                   "channel, subject, disposition, creator, agent, target, "
                   "priority, boost, step, created_ms, enqueued_ms, "
                   "updated_ms, step_started_ms, offered_ms, accepted_ms, "
                   "resolved_ms, pending_until_ms, attrs) VALUES (?, ?, ?, "
                   "'c-old', 'gold', 'voice', ?, '', 'ivan', '', '', 200, 0, "
                   "0, 1, 1, 1, 1, 0, 0, 0, 0, ?)",
                   (tid, state, queue, subject, '{"ref":"%s"}' % attr))
        db.execute("INSERT INTO events VALUES (?, 1, 'ticket.created', ?, "
                   "NULL, 'c-old', 'ivan', ?)",
                   (2 * tid - 1, tid, '{"subject":"%s"}' % subject))
        db.execute("INSERT INTO events VALUES (?, 2, 'ticket.note', ?, "
                   "'sam', 'c-old', 'sam', ?)",
                   (2 * tid, tid, '{"text":"%s"}' % note))
    db.commit()
    db.close()
    needles = [name, phone, subject, note, attr]
    assert leaks(d, needles) != []
    d.start()
    assert "encrypted the personal data" in d.read_log()
    assert os.path.exists(key_path(d))
    c = d.client("alice")
    card = as_map(c.execute_command("CUSTOMER", "GET", "c-old"))
    assert (card["name"], card["phone"], card["attr.hint"]) == \
        (name, phone, attr)
    assert c.execute_command("CUSTOMER", "FIND", "PHONE", phone) == "c-old"
    for tid in (1, 2):
        t = as_map(c.execute_command("TICKET", "GET", tid))
        assert (t["subject"], t["attr.ref"]) == (subject, attr)
        history = [as_map(e) for e in c.execute_command("TICKET", "HISTORY",
                                                        tid)]
        assert any(note in e["data"] for e in history)
    assert c.execute_command("TICKET", "CREATE", "general", "c-old") == 3
    assert leaks(d, needles) == []
    d.stop()
    assert leaks(d, needles) == []
