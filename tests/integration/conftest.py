"""Fixtures that start the real hotlined in a temporary directory.

Every test gets its own daemon on a free port with its own SQLite file,
started and stopped here; clients are redis-py, redis-cli and raw sockets.
"""
import json
import os
import resource
import signal
import socket
import subprocess
import time

import pytest
import redis

from ports import free_ports

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("HOTLINE_SRCDIR") or os.path.dirname(os.path.dirname(HERE))
HOTLINED = os.environ.get("HOTLINED") or os.path.join(SRCDIR, "daemon", "hotlined")
ADMIN_PASSWORD = "admin-secret"
PASSWORD = "pw"

# Tiers and queues as in the sample file, with short timers so the tests
# can watch ladders, offer timeouts and wrap-up happen.
CONFIG = """
[server]
bind = 127.0.0.1
durability = {durability}
log_level = debug
[http]
port = {http_port}
[limits]
max_clients = {max_clients}
max_inline = {max_inline}
max_bulk = {max_bulk}
max_args = {max_args}
idle_timeout = {idle_timeout}
output_limit = {output_limit}
pubsub_output_limit = {pubsub_output_limit}
[routing]
reject_cooldown = 60s
[agents]
reconnect_grace = {reconnect_grace}
[tier standard]
priority = 0
{standard_extra}
[tier silver]
priority = 100
[tier gold]
priority = 200
ladder = manager 1s, skilled
[tier diamond]
priority = 300
ladder = manager {manager_step}, group vip {group_step}, skilled
[queue general]
offer_timeout = {offer_timeout}
wrapup = {wrapup}
max_missed = 3
{general_extra}
[queue billing]
offer_timeout = {offer_timeout}
wrapup = {wrapup}
max_missed = 3
overflow = general
[queue tech]
strategy = top-skill
offer_timeout = {offer_timeout}
wrapup = {wrapup}
[queue complaints]
strategy = least-busy
offer_timeout = {offer_timeout}
wrapup = {wrapup}
[user alice]
role = agent
skills = general:3,billing:5,tech:2
password_hash = {hash}
[user bob]
role = agent
skills = general:3,billing:4,complaints:3
password_hash = {hash}
[user vera]
role = agent
skills = general:2
groups = vip
password_hash = {hash}
[user sam]
role = supervisor
skills = general:5
password_hash = {hash}
[user ivan]
role = integration
password_hash = {hash}
{extra}
"""

DEFAULTS = dict(durability="normal", max_clients=1000, max_inline="64kb",
                max_bulk="1mb", max_args=1024, idle_timeout=0,
                output_limit="64mb", pubsub_output_limit="8mb",
                offer_timeout="30s", wrapup="0", manager_step="20s",
                group_step="30s", general_extra="", extra="",
                standard_extra="",
                http_port=0,
                # Most tests watch what a closed desk does at once (the
                # logout); test_presence.py gives agents a grace.
                reconnect_grace="0")


def free_port():
    return free_ports(1)[0]


@pytest.fixture(scope="session")
def password_hash():
    out = subprocess.run([HOTLINED, "--hash-password"], input=PASSWORD + "\n",
                         capture_output=True, text=True, check=True, timeout=30)
    return out.stdout.strip()


class Daemon:
    """One hotlined process and its directory; restartable on the same data."""

    def __init__(self, tmp_path, password_hash, **options):
        self.dir = str(tmp_path)
        os.makedirs(self.dir, exist_ok=True)
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "hotline.sock")
        self.config = os.path.join(self.dir, "hotline.conf")
        self.log = os.path.join(self.dir, "hotlined.log")
        self.options = dict(DEFAULTS, **options)
        self.hash = password_hash
        self.port = free_port()
        self.port_retries = 0
        self.proc = None
        self.write_config()

    def write_config(self, **changes):
        self.options.update(changes)
        with open(self.config, "w") as f:
            f.write(CONFIG.format(hash=self.hash, **self.options))

    def start(self, env_extra=None, expect_fail=False, nofile=None):
        env = dict(os.environ, HOTLINE_ADMIN_PASSWORD=ADMIN_PASSWORD)
        env.update(env_extra or {})
        logf = open(self.log, "a")
        self.proc = subprocess.Popen(
            [HOTLINED, "--config", self.config, "--port", str(self.port),
             "--data-dir", self.data, "--unixsocket", self.sock],
            stdout=logf, stderr=logf, env=env,
            preexec_fn=(lambda: resource.setrlimit(resource.RLIMIT_NOFILE,
                                                   (nofile, nofile)))
            if nofile else None)
        logf.close()
        if expect_fail:
            return self.proc.wait(timeout=30)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                # free_port() gave the port back before hotlined took it:
                # another process on the machine may have taken it since.
                if "Address already in use" in self.read_log()[-300:] and \
                        self.port_retries < 5:
                    self.port_retries += 1
                    self.port = free_port()
                    return self.start(env_extra, expect_fail, nofile)
                raise RuntimeError("hotlined exited: " + self.read_log()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("hotlined did not start")

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        return rc

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def restart(self):
        self.stop()
        self.port = free_port()
        return self.start()

    def read_log(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def client(self, user=None, password=PASSWORD, **kw):
        if user == "admin":
            password = ADMIN_PASSWORD
        kw.setdefault("socket_timeout", 30)
        return redis.Redis(host="127.0.0.1", port=self.port, username=user,
                           password=password if user else None,
                           decode_responses=True, **kw)

    def raw(self):
        s = socket.create_connection(("127.0.0.1", self.port), 10)
        s.settimeout(10)
        return s


@pytest.fixture
def daemon(tmp_path, password_hash):
    d = Daemon(tmp_path, password_hash)
    d.start()
    yield d
    rc = d.stop()
    # A clean stop exits 0; anything else is a bug the test must show.
    assert rc in (0, None, -9), "hotlined exited %s:\n%s" % (rc, d.read_log()[-3000:])


@pytest.fixture
def make_daemon(tmp_path, password_hash):
    """For tests that need their own limits or timers."""
    made = []

    def make(**options):
        d = Daemon(tmp_path / ("d%d" % len(made)), password_hash, **options)
        made.append(d)
        return d

    yield make
    for d in made:
        d.stop()


def as_map(reply):
    """A flat [field, value, ...] reply as a dict."""
    it = iter(reply)
    return dict(zip(it, it))


def raw_reply(client, *args):
    """Bypass redis-py's reply parsing (it knows Redis's COMMAND shape)."""
    conn = client.connection_pool.get_connection("_")
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        client.connection_pool.release(conn)


def next_event(sub, type, timeout=5):
    """The next pub/sub event of that type (as a dict), or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = sub.get_message(timeout=0.2)
        if m and m["type"] == "message":
            ev = json.loads(m["data"])
            if ev["type"] == type:
                return ev
    return None


def recv_until(sock, marker, limit=1 << 20):
    data = b""
    while marker not in data and len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data
