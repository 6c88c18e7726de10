"""Three real nats-server processes clustered with JetStream on loopback.

For the cluster's tests (test_cluster.py): each server gets free client,
route and monitoring ports and its own store under a temporary folder;
start() returns once the JetStream metadata leader is elected, stop()
ends them all. A missing nats-server is a failure, never a skip:
scripts/setup installs Debian's nats-server.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

# Generous bounds for a loaded 2-core machine; a healthy start takes
# about half a second.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0

CONFIG = """
server_name: {name}
listen: 127.0.0.1:{port}
http: 127.0.0.1:{http}
jetstream {{
    store_dir: "{store}"
}}
cluster {{
    name: hotline-test
    listen: 127.0.0.1:{route}
    routes: [{routes}]
}}
"""


def nats_server_binary():
    """The nats-server to run: $NATS_SERVER, else on PATH or in /usr/sbin."""
    path = os.environ.get("NATS_SERVER") or shutil.which("nats-server") or \
        shutil.which("nats-server", path="/usr/sbin:/sbin")
    if not path or not os.access(path, os.X_OK):
        raise AssertionError(
            "nats-server not found: the cluster tests need it "
            "(apt-get install nats-server, or scripts/setup)")
    return path


def free_ports(n):
    """n distinct free loopback ports (held open together while chosen)."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class NatsCluster:
    def __init__(self, workdir, size=3):
        self.binary = nats_server_binary()
        self.workdir = str(workdir)
        self.size = size
        ports = free_ports(3 * size)
        self.ports = ports[0:size]
        self.routes = ports[size:2 * size]
        self.http = ports[2 * size:3 * size]
        self.procs = [None] * size

    @property
    def urls(self):
        return ", ".join("nats://127.0.0.1:%d" % p for p in self.ports)

    def _config(self, i):
        name = "n%d" % (i + 1)
        path = os.path.join(self.workdir, name + ".conf")
        routes = ", ".join("nats-route://127.0.0.1:%d" % r
                           for j, r in enumerate(self.routes) if j != i)
        with open(path, "w") as f:
            f.write(CONFIG.format(
                name=name, port=self.ports[i], http=self.http[i],
                store=os.path.join(self.workdir, name),
                route=self.routes[i], routes=routes))
        return path

    def start_server(self, i):
        log = open(os.path.join(self.workdir, "n%d.log" % (i + 1)), "ab")
        self.procs[i] = subprocess.Popen(
            [self.binary, "-c", self._config(i)],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def jsz(self, i):
        """The server's /jsz (JetStream state), or None while it is not
        answering."""
        try:
            with urllib.request.urlopen(
                    "http://127.0.0.1:%d/jsz" % self.http[i],
                    timeout=2) as r:
                return json.load(r)
        except (OSError, ValueError):
            return None

    def meta_leader(self):
        for i in range(self.size):
            if self.procs[i] is None or self.procs[i].poll() is not None:
                continue
            z = self.jsz(i)
            leader = z and (z.get("meta_cluster") or {}).get("leader")
            if leader:
                return leader
        return None

    def start(self):
        for i in range(self.size):
            self.start_server(i)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for i, p in enumerate(self.procs):
                if p.poll() is not None:
                    raise AssertionError(
                        "nats-server n%d exited (%s): see %s" %
                        (i + 1, p.returncode,
                         os.path.join(self.workdir, "n%d.log" % (i + 1))))
            if self.meta_leader():
                return self
            time.sleep(0.1)
        raise AssertionError("no JetStream meta leader within %ds" %
                             START_TIMEOUT)

    def stop(self):
        for p in self.procs:
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            if p is None:
                continue
            try:
                p.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
