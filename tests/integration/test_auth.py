"""Users and roles: AUTH, -NOAUTH before it, -WRONGPASS, -NOPERM by role,
AGENT ADD, and HOTLINE_ADMIN_PASSWORD."""
import pytest
import redis

from conftest import as_map, recv_until


def test_only_ping_hello_auth_quit_before_auth(daemon):
    c = daemon.client()
    assert c.ping() is True
    hello = as_map(c.execute_command("HELLO"))
    assert hello["server"] == "hotline" and hello["proto"] == 2
    for cmd in (("INFO",), ("TICKET", "GET", 1),
                ("TICKET", "CREATE", "general", "c1"), ("SHUTDOWN",),
                ("AGENT", "LIST"), ("SUBSCRIBE", "events")):
        # -NOAUTH, which redis-py raises as AuthenticationError.
        with pytest.raises(redis.exceptions.AuthenticationError,
                           match="Authentication required"):
            c.execute_command(*cmd)


def test_wrong_password(daemon):
    c = daemon.client()
    with pytest.raises(redis.exceptions.ResponseError, match="invalid username-password"):
        c.execute_command("AUTH", "alice", "nope")
    # An unknown user gets the very same answer.
    with pytest.raises(redis.exceptions.ResponseError, match="invalid username-password"):
        c.execute_command("AUTH", "mallory", "nope")
    assert c.execute_command("AUTH", "alice", "pw") is True
    assert c.info("stats")["auth_failures"] == 2


def test_hello_with_auth(daemon):
    c = daemon.client()
    hello = as_map(c.execute_command("HELLO", "2", "AUTH", "sam", "pw"))
    assert hello["server"] == "hotline"
    assert c.execute_command("TICKET", "CREATE", "general", "c-h") >= 1
    with pytest.raises(redis.exceptions.ResponseError, match="NOPROTO"):
        c.execute_command("HELLO", "3")


def test_roles(daemon):
    agent = daemon.client("alice")
    sup = daemon.client("sam")
    integ = daemon.client("ivan")
    admin = daemon.client("admin")
    tid = integ.execute_command("TICKET", "CREATE", "general", "c-roles")
    # Integration: creates and abandons, never works tickets.
    with pytest.raises(redis.exceptions.NoPermissionError):
        integ.execute_command("TICKET", "ACCEPT", tid)
    with pytest.raises(redis.exceptions.NoPermissionError):
        integ.execute_command("AGENT", "READY")
    # Agents cannot manage users, re-tier or shut down.
    for cmd in (("AGENT", "ADD", "eve", "pw"), ("SHUTDOWN",),
                ("TICKET", "SET", tid, "TIER", "gold"), ("CONFIG", "RELOAD")):
        with pytest.raises(redis.exceptions.NoPermissionError):
            agent.execute_command(*cmd)
    # Supervisors re-tier; admins manage users.
    assert sup.execute_command("TICKET", "SET", tid, "TIER", "gold") == "OK"
    with pytest.raises(redis.exceptions.NoPermissionError):
        sup.execute_command("AGENT", "ADD", "eve", "pw")
    assert admin.execute_command("AGENT", "ADD", "eve", "eve-pw", "ROLE",
                                 "agent", "SKILLS", "billing:3",
                                 "CAPACITY", "2") == "OK"
    eve = daemon.client("eve", password="eve-pw")
    st = as_map(eve.execute_command("AGENT", "STATUS"))
    assert st["skills"] == "billing:3" and st["capacity"] == 2
    with pytest.raises(redis.exceptions.ResponseError, match="already exists"):
        admin.execute_command("AGENT", "ADD", "eve", "x")
    with pytest.raises(redis.exceptions.ResponseError, match="unknown role"):
        admin.execute_command("AGENT", "ADD", "zed", "x", "ROLE", "king")


def test_users_survive_restart_and_admin_env(daemon):
    admin = daemon.client("admin")
    admin.execute_command("AGENT", "ADD", "kim", "kim-pw", "ROLE", "supervisor")
    daemon.restart()
    assert daemon.client("kim", password="kim-pw").ping() is True
    # HOTLINE_ADMIN_PASSWORD resets the admin password at start.
    daemon.stop()
    daemon.start(env_extra={"HOTLINE_ADMIN_PASSWORD": "rotated"})
    with pytest.raises(redis.exceptions.ResponseError, match="WRONGPASS"):
        daemon.client("admin", password="admin-secret").ping()
    c = daemon.client()
    assert c.execute_command("AUTH", "admin", "rotated") is True


def test_passwd_and_del(daemon):
    admin = daemon.client("admin")
    alice = daemon.client("alice")
    assert alice.execute_command("AGENT", "PASSWD", "alice", "new-pw", "OLD", "pw") == "OK"
    with pytest.raises(redis.exceptions.NoPermissionError):
        alice.execute_command("AGENT", "PASSWD", "bob", "x", "OLD", "pw")
    with pytest.raises(redis.exceptions.ResponseError, match="WRONGPASS"):
        alice.execute_command("AGENT", "PASSWD", "alice", "x", "OLD", "wrong")
    assert daemon.client("alice", password="new-pw").ping() is True
    bob = daemon.raw()
    bob.sendall(b"AUTH bob pw\r\n")
    assert recv_until(bob, b"\r\n") == b"+OK\r\n"
    assert admin.execute_command("AGENT", "DEL", "bob") == "OK"
    # Bob's session ends with his account.
    bob.settimeout(5)
    assert bob.recv(100) == b""
    with pytest.raises(redis.exceptions.ResponseError, match="WRONGPASS"):
        daemon.client("bob").ping()


def test_role_change_applies_to_open_sessions(daemon):
    """Found by tests/fuzz/fuzz_cmd: a session kept the role it logged in
    with, so a demoted supervisor (or admin) kept its powers until it
    reconnected. As with Redis ACLs, a change applies at once."""
    admin = daemon.client("admin")
    sam = daemon.client("sam")
    alice = daemon.client("alice")
    tid = sam.execute_command("TICKET", "CREATE", "general", "c-demote")
    assert sam.execute_command("TICKET", "SET", tid, "PRIORITY", "5") == "OK"
    assert admin.execute_command("AGENT", "SET", "sam", "ROLE", "agent") == "OK"
    with pytest.raises(redis.exceptions.NoPermissionError, match="you are agent"):
        sam.execute_command("TICKET", "SET", tid, "PRIORITY", "6")
    # And the other way: promoted, alice may re-prioritise at once.
    with pytest.raises(redis.exceptions.NoPermissionError):
        alice.execute_command("TICKET", "SET", tid, "PRIORITY", "7")
    assert admin.execute_command("AGENT", "SET", "alice", "ROLE",
                                 "supervisor") == "OK"
    assert alice.execute_command("TICKET", "SET", tid, "PRIORITY", "7") == "OK"


def test_user_deleting_itself_is_logged_out(daemon):
    admin = daemon.client("admin")
    assert admin.execute_command("AGENT", "ADD", "root2", "root2-pw", "ROLE",
                                 "admin") == "OK"
    raw = daemon.raw()
    raw.sendall(b"AUTH root2 root2-pw\r\nAGENT DEL root2\r\nAGENT LIST\r\n")
    # Its answer, then the session ends with the account: no AGENT LIST.
    assert recv_until(raw, b"+OK\r\n+OK\r\n") == b"+OK\r\n+OK\r\n"
    raw.settimeout(5)
    assert raw.recv(100) == b""


def test_admin_by_config_is_no_agent_after_restart(daemon):
    """Found by tests/fuzz/fuzz_cmd: AGENT SET admin ROLE supervisor made
    admin an agent; at restart the configuration made it an admin again
    but its agent record came back from the store, an agent whose user
    is no agent."""
    admin = daemon.client("admin")
    assert admin.execute_command("AGENT", "SET", "admin", "ROLE",
                                 "supervisor") == "OK"
    assert as_map(admin.execute_command("AGENT", "STATUS", "admin"))["role"] \
        == "supervisor"
    daemon.restart()
    admin = daemon.client("admin")
    with pytest.raises(redis.exceptions.ResponseError, match="NOTFOUND"):
        admin.execute_command("AGENT", "STATUS", "admin")
    names = [as_map(a)["name"] for a in admin.execute_command("AGENT", "LIST")]
    assert "admin" not in names
    # And it is an admin again, in the store and in its session.
    assert admin.execute_command("AUDIT", "LIMIT", "1") is not None


def test_info_sections_show_no_secrets(daemon):
    admin = daemon.client("admin")
    raw = daemon.raw()
    raw.sendall(b"AUTH admin admin-secret\r\nINFO\r\n")
    text = recv_until(raw, b"# Persistence").decode()
    for section in ("# Server", "# Clients", "# Stats", "# Persistence"):
        assert section in text
    assert "argon2" not in text and "admin-secret" not in text
    assert admin.info("persistence")["durability"] == "normal"
    cfg = dict(zip(*[iter(admin.execute_command("CONFIG", "GET", "*"))] * 2))
    assert cfg["port"] == str(daemon.port)
    assert not any("argon2" in v for v in cfg.values())
    with pytest.raises(redis.exceptions.ResponseError, match="unknown INFO section"):
        admin.execute_command("INFO", "bogus")
