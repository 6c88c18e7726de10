"""Session tokens: SESSION NEW hands out a token that AUTH takes in place
of the password, checked without Argon2id, so that any Redis client
reconnects with the same credentials after a restart.

Lifecycle (new, use, expire, revoke one or all, revoked by AGENT PASSWD
and AGENT DEL, kept across a restart), the throttle on bad tokens, the
token absent from the log, AUDIT, INFO and the database file, and
redis-py reconnecting with username and token.
"""
import glob
import os
import re
import socket

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from conftest import ADMIN_PASSWORD, PASSWORD, as_map, recv_until

T0 = 1699999200000
TOKEN = re.compile(r"^hlt_[A-Za-z0-9_-]{43}$")


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def connect(d, source="127.0.0.1"):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(30)
    s.connect(("127.0.0.1", d.port))
    return s


def call(s, *args):
    s.sendall(resp(*args))
    return recv_until(s, b"\r\n")


def new_session(client, *args):
    reply = as_map(client.execute_command("SESSION", "NEW", *args))
    assert TOKEN.match(reply["token"]), reply
    return reply


def token_client(d, user, token, **kw):
    return redis.Redis(host="127.0.0.1", port=d.port, username=user,
                       password=token, decode_responses=True,
                       socket_timeout=30, **kw)


def hasher_jobs(d):
    c = redis.Redis(unix_socket_path=d.sock, username="admin",
                    password=ADMIN_PASSWORD, decode_responses=True)
    c.ping()
    return c, lambda: c.info("stats")["hasher_jobs_done"]


def test_a_token_logs_in_without_the_hasher(daemon):
    alice = daemon.client("alice")
    s = new_session(alice)
    assert s["ttl"] == 12 * 3600        # the default: a shift
    admin, jobs = hasher_jobs(daemon)
    before = jobs()
    for _ in range(20):
        c = token_client(daemon, "alice", s["token"])
        assert c.execute_command("AGENT", "STATUS", "alice")
        c.close()
    # HELLO 2 AUTH too.
    sock = connect(daemon)
    sock.sendall(resp("HELLO", "2", "AUTH", "alice", s["token"]))
    assert b"hotline" in recv_until(sock, b"modules")
    assert jobs() == before, "a token AUTH ran Argon2id"
    # The token is alice's only, and only whole.
    sock = connect(daemon)
    assert call(sock, "AUTH", "bob", s["token"]).startswith(b"-WRONGPASS")
    assert call(sock, "AUTH", "alice",
                s["token"][:-1] + ("A" if s["token"][-1] != "A" else "B")
                ).startswith(b"-WRONGPASS")
    # The password still works beside it.
    assert daemon.client("alice").ping()


def test_list_and_revoke(daemon):
    alice, bob, sam = (daemon.client(u) for u in ("alice", "bob", "sam"))
    a1, a2, a3 = new_session(alice), new_session(alice), new_session(alice)
    b1 = new_session(bob)
    rows = [as_map(r) for r in alice.execute_command("SESSION", "LIST")]
    assert sorted(r["id"] for r in rows) == sorted(
        [a1["id"], a2["id"], a3["id"]])
    assert all(r["user"] == "alice" and r["client"].startswith("127.0.0.1")
               and "token" not in r for r in rows)
    # One revoked: refused; the others still work.
    assert alice.execute_command("SESSION", "REVOKE", a1["id"]) == 1
    with pytest.raises(redis.ResponseError, match="WRONGPASS"):
        token_client(daemon, "alice", a1["token"]).ping()
    assert token_client(daemon, "alice", a2["token"]).ping()
    # Another user's session is not found, whoever asks without FOR...
    with pytest.raises(redis.ResponseError, match="NOTFOUND"):
        alice.execute_command("SESSION", "REVOKE", b1["id"])
    # ... and an agent may not act FOR another user; a supervisor may.
    with pytest.raises(redis.exceptions.NoPermissionError):
        alice.execute_command("SESSION", "LIST", "FOR", "bob")
    assert len(sam.execute_command("SESSION", "LIST", "FOR", "bob")) == 1
    with pytest.raises(redis.exceptions.NoPermissionError):
        sam.execute_command("SESSION", "LIST", "FOR", "admin")
    # ALL ends every one.
    assert sam.execute_command("SESSION", "REVOKE", "ALL", "FOR",
                               "alice") == 2
    for t in (a2, a3):
        with pytest.raises(redis.ResponseError, match="WRONGPASS"):
            token_client(daemon, "alice", t["token"]).ping()
    assert alice.execute_command("SESSION", "LIST") == []
    assert token_client(daemon, "bob", b1["token"]).ping()


def test_new_password_and_deleted_user_end_the_sessions(daemon):
    admin = daemon.client("admin")
    admin.execute_command("AGENT", "ADD", "carol", "carol-pw-1")
    carol = daemon.client("carol", password="carol-pw-1")
    t1, t2 = new_session(carol), new_session(carol)
    bob = new_session(daemon.client("bob"))
    carol.execute_command("AGENT", "PASSWD", "carol", "carol-pw-2", "OLD",
                          "carol-pw-1")
    for t in (t1, t2):
        with pytest.raises(redis.ResponseError, match="WRONGPASS"):
            token_client(daemon, "carol", t["token"]).ping()
    carol = daemon.client("carol", password="carol-pw-2")
    t3 = new_session(carol)
    admin.execute_command("AGENT", "PASSWD", "carol", "carol-pw-3")
    with pytest.raises(redis.ResponseError, match="WRONGPASS"):
        token_client(daemon, "carol", t3["token"]).ping()
    t4 = new_session(daemon.client("carol", password="carol-pw-3"))
    admin.execute_command("AGENT", "DEL", "carol")
    admin.execute_command("AGENT", "ADD", "carol", "carol-pw-4")
    with pytest.raises(redis.ResponseError, match="WRONGPASS"):
        token_client(daemon, "carol", t4["token"]).ping()
    # Nobody else's ended.
    assert token_client(daemon, "bob", bob["token"]).ping()


def test_tokens_expire_and_are_purged(make_daemon):
    d = make_daemon(extra="[auth]\nsession_ttl = 1h\nsession_ttl_max = 2h\n")
    d.start(env_extra={"HOTLINE_TEST_CLOCK": str(T0)})
    alice, admin = d.client("alice"), d.client("admin")
    short = new_session(alice, "TTL", 60)
    assert short["ttl"] == 60 and short["expires"] == T0 + 60000
    assert new_session(alice)["ttl"] == 3600     # [auth] session_ttl
    with pytest.raises(redis.ResponseError):
        alice.execute_command("SESSION", "NEW", "TTL", 2 * 3600 + 1)
    assert token_client(d, "alice", short["token"]).ping()
    admin.execute_command("DEBUG", "CLOCK", T0 + 60000)
    with pytest.raises(redis.ResponseError, match="WRONGPASS"):
        token_client(d, "alice", short["token"]).ping()
    ids = [as_map(r)["id"] for r in
           alice.execute_command("SESSION", "LIST")]
    assert short["id"] not in ids and len(ids) == 1
    d.stop()
    # Refused, then purged: its row is gone from the database.
    import sqlite3
    db = sqlite3.connect(os.path.join(d.data, "hotline.db"))
    rows = [r[0] for r in db.execute("SELECT id FROM sessions")]
    db.close()
    assert short["id"] not in rows and len(rows) == 1


def test_tokens_survive_a_restart_and_redis_py_reconnects(daemon):
    token = new_session(daemon.client("alice"))["token"]
    # Any Redis client: username and the token as the password, retrying
    # on a dropped connection as it would after a restart.
    c = token_client(daemon, "alice", token,
                     retry=Retry(NoBackoff(), 3),
                     retry_on_error=[redis.ConnectionError])
    c.execute_command("AGENT", "READY")
    daemon.stop()
    daemon.start()                      # the same port, the same data
    assert c.ping()
    assert as_map(c.execute_command("AGENT", "STATUS", "alice"))
    assert c.execute_command("AGENT", "READY") == "OK"


def test_bad_tokens_are_throttled_and_locked_like_passwords(make_daemon):
    d = make_daemon(extra="[auth]\nfail_delay = 1ms\nfail_delay_max = 10ms\n"
                          "lock_after = 3\naddress_lock_after = 6\n"
                          "lock_time = 5m\n").start()
    good = new_session(d.client("alice"))["token"]
    bob = new_session(d.client("bob"))["token"]
    s = connect(d)
    for i in range(3):
        guess = "hlt_" + ("%043d" % i)
        assert call(s, "AUTH", "alice", guess).startswith(b"-WRONGPASS")
    # alice is locked from this address: even her live token is refused.
    assert call(s, "AUTH", "alice", good).startswith(b"-WRONGPASS")
    s2 = connect(d, "127.0.0.2")
    assert call(s2, "AUTH", "alice", good) == b"+OK\r\n"
    # Guesses at other users lock the whole address.
    for user in ("bob", "vera", "sam"):
        assert call(connect(d), "AUTH", user, "hlt_" + "x" * 43).startswith(
            b"-WRONGPASS")
    assert call(connect(d), "AUTH", "bob", bob).startswith(b"-WRONGPASS")
    assert call(connect(d, "127.0.0.3"), "AUTH", "bob", bob) == b"+OK\r\n"
    assert "(session token)" in d.read_log()


def test_the_token_is_never_logged_audited_shown_or_stored(daemon):
    admin = daemon.client("admin")
    sam = daemon.client("sam")          # audited: a supervisor
    s = new_session(sam)
    token = s["token"]
    c = token_client(daemon, "sam", token)
    c.ping()
    c.execute_command("SESSION", "LIST")
    connect(daemon).sendall(resp("AUTH", "alice", token))
    call(connect(daemon), "AUTH", "sam", token[:-2] + "zz")
    c.execute_command("SESSION", "REVOKE", s["id"])
    admin_token = new_session(admin)["token"]
    secret = token[len("hlt_"):]
    texts = [daemon.read_log(),
             repr(admin.execute_command("AUDIT", "LIMIT", 10000)),
             repr(admin.info("everything")),
             repr(admin.execute_command("SESSION", "LIST", "FOR", "sam"))]
    for t in texts:
        assert secret not in t and admin_token[4:] not in t
    # The session's use is there, under its id.
    assert s["id"] in texts[0]
    daemon.stop()
    for path in glob.glob(os.path.join(daemon.data, "hotline.db*")):
        with open(path, "rb") as f:
            data = f.read()
        assert secret.encode() not in data and \
            admin_token[4:].encode() not in data, path
