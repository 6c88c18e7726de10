"""Hostile input: names and text as attackers send them (docs/PROTOCOL.md,
"Names and text"). A NUL byte must not cut an id, a name must be printable
UTF-8 of bounded length, free text with a NUL is refused rather than
truncated, and what a client sends is escaped in the log and the audit
trail so that it cannot forge a line or drive a terminal."""
import re
import socket

import pytest
import redis

from conftest import ADMIN_PASSWORD, PASSWORD, as_map, recv_until


def raw_client(daemon, user, password=None):
    """Bytes in, bytes out: redis-py passes bytes arguments through."""
    if password is None:
        password = ADMIN_PASSWORD if user == "admin" else PASSWORD
    return redis.Redis(host="127.0.0.1", port=daemon.port, username=user,
                       password=password, socket_timeout=30)


def resp(*args):
    """One command in RESP framing, arguments as bytes."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def refused(client, *args, match=None):
    with pytest.raises(redis.exceptions.ResponseError) as e:
        client.execute_command(*args)
    text = str(e.value)
    if match is not None:
        assert re.search(match, text), text
    return text


def created(daemon):
    """A ticket alice holds as owner, for commands on an active ticket."""
    alice = raw_client(daemon, "alice")
    tid = raw_client(daemon, "ivan").execute_command(
        "TICKET", "CREATE", "general", "cust-1")
    alice.execute_command("AGENT", "READY")
    offer = as_map(alice.execute_command("AGENT", "NEXT", "5"))
    assert int(offer[b"id"]) == tid
    alice.execute_command("TICKET", "ACCEPT", tid)
    return alice, tid


def test_nul_does_not_cut_a_customer_id(daemon):
    ivan = raw_client(daemon, "ivan")
    assert ivan.execute_command("CUSTOMER", "SET", "C1", "NAME", "Ada") == b"OK"
    msg = refused(ivan, "CUSTOMER", "SET", b"C1\x00x", "NAME", "Mallory",
                  match=r"argument 2 <id> of 'CUSTOMER SET' holds a NUL byte")
    assert "NUL" in msg
    card = as_map(ivan.execute_command("CUSTOMER", "GET", "C1"))
    assert card[b"name"] == b"Ada"


@pytest.mark.parametrize("args", [
    # queue, customer id and attribute key of a new ticket
    ("TICKET", "CREATE", b"general\x00x", "C2"),
    ("TICKET", "CREATE", "general", b"C2\x00x"),
    ("TICKET", "CREATE", "general", "C2", "ATTR", b"order\x00id", "1"),
    # a customer's manager (an agent name) and attribute key
    ("CUSTOMER", "SET", "C2", "MANAGER", b"alice\x00x"),
    ("CUSTOMER", "SET", "C2", "ATTR", b"k\x00x", "v"),
    # agent names looked up by a supervisor
    ("AGENT", "STATUS", b"alice\x00x"),
    ("AGENT", "READY", "FOR", b"alice\x00x"),
])
def test_nul_in_a_name_is_refused(daemon, args):
    client = raw_client(daemon, "sam" if args[0] == "AGENT" else "ivan")
    refused(client, *args, match=r"holds a NUL byte")
    # Nothing was created under the cut name.
    assert raw_client(daemon, "ivan").execute_command(
        "TICKET", "LIST") == []
    with pytest.raises(redis.exceptions.ResponseError):
        raw_client(daemon, "ivan").execute_command("CUSTOMER", "GET", "C2")


def test_nul_in_agent_name_channel_and_reason(daemon):
    admin = raw_client(daemon, "admin")
    refused(admin, "AGENT", "ADD", b"newbie\x00x", "pw-newbie", "ROLE",
            "integration", match="NUL")
    with pytest.raises(redis.exceptions.ResponseError):
        raw_client(daemon, "newbie", "pw-newbie").ping()
    bob = raw_client(daemon, "bob")
    refused(bob, "AGENT", "BREAK", b"lunch\x00x", match="NUL")
    status = as_map(bob.execute_command("AGENT", "STATUS"))
    assert status[b"status"] == b"offline"
    sub = raw_client(daemon, "sam").pubsub()
    with pytest.raises(redis.exceptions.ResponseError) as e:
        sub.subscribe(b"agent.alice\x00x")
        sub.get_message(timeout=5)
    assert "NUL" in str(e.value)
    sub.close()


@pytest.mark.parametrize("args,who,match", [
    # a user of a role the engine does not hold, and channel names
    (("AGENT", "ADD", "u" * 64, "pw-long", "ROLE", "integration"), "admin",
     "user name is longer than 63 bytes"),
    (("SUBSCRIBE", "c" * 129), "sam", "channel is longer than 128 bytes"),
    (("PSUBSCRIBE", "p" * 1000 + "*"), "sam",
     "pattern is longer than 128 bytes"),
])
def test_over_long_names_are_refused(daemon, args, who, match):
    client = raw_client(daemon, who)
    if args[0].endswith("SUBSCRIBE"):
        sub = client.pubsub()
        with pytest.raises(redis.exceptions.ResponseError) as e:
            getattr(sub, args[0].lower())(args[1])
            sub.get_message(timeout=5)
        assert match in str(e.value)
        sub.close()
    else:
        refused(client, *args, match=match)


def test_over_long_disposition_is_refused(daemon):
    alice, tid = created(daemon)
    refused(alice, "TICKET", "RESOLVE", tid, "DISPOSITION", "d" * 64,
            match="disposition is longer than 63 bytes")
    assert as_map(alice.execute_command("TICKET", "GET", tid))[b"state"] == \
        b"active"
    assert alice.execute_command("TICKET", "RESOLVE", tid, "DISPOSITION",
                                 "call back later") == b"OK"


@pytest.mark.parametrize("bad,match", [
    (b"C\xc2\x85", "customer id holds a control character"),    # C1 NEL
    (b"C\xe2\x80\xa8x", "customer id holds a control character"),  # U+2028
    (b"C\xff", "not valid UTF-8"),
    (b"C\xc0\xaf", "not valid UTF-8"),                           # overlong /
    (b"C\xed\xa0\x80", "not valid UTF-8"),                       # surrogate
])
def test_control_characters_and_bad_utf8_in_names(daemon, bad, match):
    ivan = raw_client(daemon, "ivan")
    refused(ivan, "CUSTOMER", "SET", bad, "NAME", "x", match=match)
    refused(ivan, "TICKET", "CREATE", "general", bad, match=match)
    assert ivan.execute_command("TICKET", "LIST") == []


def test_control_characters_in_other_names(daemon):
    bob = raw_client(daemon, "bob")
    refused(bob, "AGENT", "BREAK", b"\x1b[31mlunch",
            match="break reason holds a control character")
    refused(bob, "AGENT", "BREAK", b"lunch\xc2\x9b",
            match="break reason holds a control character")
    admin = raw_client(daemon, "admin")
    refused(admin, "AGENT", "ADD", b"eve\nroot", "pw-eve", "ROLE", "admin",
            match="user name holds a control character")
    refused(admin, "AGENT", "ADD", b"eve root", "pw-eve", "ROLE", "admin",
            match="user name holds a space")
    ivan = raw_client(daemon, "ivan")
    refused(ivan, "CUSTOMER", "SET", "C3", "ATTR", b"k\tx", "v",
            match="attribute name holds a control character")
    sub = raw_client(daemon, "sam").pubsub()
    with pytest.raises(redis.exceptions.ResponseError) as e:
        sub.subscribe(b"queue.\x1b[0m")
        sub.get_message(timeout=5)
    assert "channel holds a control character" in str(e.value)
    sub.close()
    # Printable UTF-8 is a name like any other.
    assert ivan.execute_command("CUSTOMER", "SET", "Zoë-Ωmega", "NAME",
                                "Zoë") == b"OK"
    assert admin.execute_command("AGENT", "ADD", "józef", "pw-józef",
                                 "ROLE", "integration") == b"OK"


def test_free_text_with_nul_is_refused_not_truncated(daemon):
    alice, tid = created(daemon)
    refused(alice, "TICKET", "NOTE", tid, b"before\x00after",
            match=r"argument 3 <text> of 'TICKET NOTE' holds a NUL byte")
    ivan = raw_client(daemon, "ivan")
    refused(ivan, "TICKET", "CREATE", "general", "C4", "SUBJECT",
            b"refund\x00 ignored", match="holds a NUL byte")
    refused(ivan, "CUSTOMER", "SET", "C4", "NAME", b"Ada\x00Lovelace",
            match="holds a NUL byte")
    refused(ivan, "CUSTOMER", "SET", "C4", "ATTR", "plan", b"gold\x00x",
            match="holds a NUL byte")
    refused(ivan, "TICKET", "CREATE", "general", "C4", "SUBJECT", b"\xff",
            match="is not valid UTF-8")
    with pytest.raises(redis.exceptions.ResponseError):
        ivan.execute_command("CUSTOMER", "GET", "C4")
    # Text may span lines, and is kept whole.
    subject = "line one\nline two\t\u00e9\u4e2d " + "x" * 5000
    t2 = ivan.execute_command("TICKET", "CREATE", "general", "C4",
                              "SUBJECT", subject)
    got = as_map(ivan.execute_command("TICKET", "GET", t2))
    assert got[b"subject"].decode() == subject
    assert alice.execute_command("TICKET", "NOTE", tid,
                                 "first\nsecond") == b"OK"


def test_passwords_and_ping_stay_binary(daemon):
    """Only text is checked: PING echoes any byte, as Redis does."""
    s = daemon.raw()
    s.sendall(b"*2\r\n$4\r\nPING\r\n$4\r\n\x00\xff\n\x1b\r\n")
    assert recv_until(s, b"\x1b\r\n") == b"$4\r\n\x00\xff\n\x1b\r\n"
    # The command's own name is text: "PING\0x" is not PING.
    s.sendall(resp(b"PING\x00x", "hello"))
    assert recv_until(s, b"\r\n") == \
        b"-ERR argument 0 of 'PING' holds a NUL byte\r\n"
    s.close()


def test_forged_log_line_is_escaped(daemon):
    s = daemon.raw()
    s.sendall(resp("AUTH", b"x\nFAKE LOG LINE\x1b[2J\xc2\x9bend", "pw"))
    assert recv_until(s, b"\r\n").startswith(b"-WRONGPASS")
    s.close()
    admin = daemon.client("admin")
    admin.ping()
    log = daemon.read_log()
    assert not re.search(r"^FAKE LOG LINE", log, re.M), log[-2000:]
    assert "\x1b" not in log and "\x9b" not in log
    assert "failed AUTH for 'x\\nFAKE LOG LINE\\x1b[2J\\xc2\\x9bend'" in log, log[-2000:]
    rows = [as_map(r) for r in admin.execute_command("AUDIT", "LIMIT", 50)]
    failed = [r for r in rows if r["type"] == "audit.login_failed"]
    assert failed, rows
    assert failed[0]["actor"] == "x\\nFAKE LOG LINE\\x1b[2J\\xc2\\x9bend"
    assert "\\\\nFAKE LOG LINE\\\\x1b" in failed[0]["data"]
    assert all(ord(ch) >= 0x20 for r in rows for ch in r["data"] + r["actor"])
