"""Three real nats-server processes clustered with JetStream on loopback,
and nodes of the cluster module (tests/cluster/cluster-driver) on them.

For the cluster's tests (test_cluster.py) and its benchmark
(bench/cluster_failover.py): each server gets free client, route and
monitoring ports and its own store under a temporary folder; start()
returns once the JetStream metadata leader is elected, stop() ends them
all. A missing nats-server or driver is a failure, never a skip:
scripts/setup installs Debian's nats-server and libnats-dev.
"""
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request

from ports import free_ports

# Generous bounds for a loaded 2-core machine, not measurements: a
# healthy start takes about half a second, a takeover about a lease.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
WAIT = 30.0

HERE = os.path.dirname(os.path.abspath(__file__))
BUILDDIR = os.environ.get("HOTLINE_BUILDDIR") or \
    os.path.dirname(os.path.dirname(HERE))
DRIVER = os.environ.get("CLUSTER_DRIVER") or \
    os.path.join(BUILDDIR, "tests", "cluster", "cluster-driver")

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


def driver_binary():
    if not os.access(DRIVER, os.X_OK):
        raise AssertionError(
            "%s not built: hotline was configured without libnats "
            "(apt-get install libnats-dev, then configure --with-nats)" %
            DRIVER)
    return DRIVER


class Node:
    """One cluster-driver: commands in, event lines out (kept in order)."""

    def __init__(self, nats, cluster, name, lease="2s", extra=()):
        self.name = name
        self.port = free_ports(1)[0]
        self.advertise = "127.0.0.1:%d" % self.port
        self.lines = []
        self.pos = 0
        self.pending = queue.Queue()
        self.err = open(os.path.join(nats.workdir, "%s-%s.log" %
                                     (cluster, name)), "w")
        self.proc = subprocess.Popen(
            [driver_binary(), "--nats", nats.urls, "--name", cluster,
             "--node", name, "--advertise", self.advertise,
             "--lease", lease] + list(extra),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.err, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait(r"started ")

    def _read(self):
        for line in self.proc.stdout:
            self.pending.put(line.rstrip("\n"))
        self.pending.put(None)

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def pump(self, timeout):
        """Takes the next line into self.lines; False on none in time."""
        try:
            line = self.pending.get(timeout=timeout)
        except queue.Empty:
            return False
        if line is None:
            raise AssertionError("%s exited (%r); got %r" % (
                self.name, self.proc.poll(), self.lines[-10:]))
        self.lines.append(line)
        return True

    def wait(self, pattern, timeout=WAIT, start=None):
        """The first line after the previous match (or from line start)
        that matches pattern; lines that do not stay for later waits."""
        rx = re.compile(pattern)
        i = self.pos if start is None else start
        while True:
            while i < len(self.lines):
                m = rx.match(self.lines[i])
                if m:
                    self.pos = i + 1
                    return m
                i += 1
            if not self.pump(timeout):
                raise AssertionError("%s: no line matching %r within %ss; "
                                     "got %r" % (self.name, pattern, timeout,
                                                 self.lines[self.pos:]))

    def seen(self, pattern):
        return [l for l in self.lines if re.match(pattern, l)]

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGCONT)
                self.send("quit")
                self.proc.wait(timeout=WAIT)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.err.close()
