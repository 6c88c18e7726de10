"""The cluster's NATS JetStream edge (daemon/cluster/) against three real
nats-server processes clustered with JetStream (natscluster.py).

Each node is tests/cluster/cluster-driver, the cluster module on a libevent
loop, driven line by line. Covered: one leader among nodes started
together; a leader stopped (SIGSTOP) past its lease loses it to another
node and, woken, steps down, publishes nothing and follows; a deposed
writer's publish is refused by the log's sequence fence (JetStream error
10071); followers apply the log in order, whenever they start; one of
the three NATS servers killed, appends and applies go on; the failover
benchmark's smoke run. And the daemon itself refuses a [cluster]
section, which it does not serve yet.

No skips: without nats-server or a build with libnats these fail and say
what to install.
"""
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import HOTLINED, SRCDIR
from natscluster import WAIT, NatsCluster, Node

# A short lease keeps the failovers quick; the default is 2s.
LEASE = "1s"


@pytest.fixture(scope="module")
def nats(tmp_path_factory):
    cluster = NatsCluster(tmp_path_factory.mktemp("nats")).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def nodes(nats):
    started = []

    def start(cluster, name, extra=()):
        node = Node(nats, cluster, name, LEASE, extra)
        started.append(node)
        return node
    yield start
    for node in started:
        node.stop()


def leader_of(node):
    return "role leader %s" % re.escape(node.advertise)


def test_daemon_refuses_cluster_section(tmp_path):
    conf = tmp_path / "hotline.conf"
    with open(os.path.join(SRCDIR, "config", "hotline.conf")) as f:
        text = f.read()
    conf.write_text(text + "\n[cluster]\nnats = nats://127.0.0.1:4222\n"
                    "name = main\nnode = hl1\nadvertise = 127.0.0.1:7070\n")
    r = subprocess.run([HOTLINED, "-c", str(conf), "-t"],
                       capture_output=True, text=True, timeout=WAIT)
    assert r.returncode == 1
    assert "[cluster] is not served yet" in r.stderr


def test_one_leader_and_failover_past_the_lease(nodes):
    a = nodes("elect", "a")
    b = nodes("elect", "b")
    # Started together on an empty log: one takes the lease and appends
    # its marker (the empty log's fence: no entry yet); the other follows.
    pair = None
    for _ in range(int(WAIT / 0.1)):
        for n, other in ((a, b), (b, a)):
            n.pump(0.05)
            if n.seen(r"role leader "):
                pair = (n, other)
        if pair:
            break
    assert pair, "no leader: %r %r" % (a.lines, b.lines)
    leader, follower = pair
    follower.wait(r"role follower %s" % re.escape(leader.advertise))
    leader.send("publish one")
    seq = int(leader.wait(r"acked (\d+)").group(1))
    follower.wait(r"applied %d one$" % seq)
    assert not follower.seen(r"role (leader|candidate)"), follower.lines

    # The leader stops (a partition, as far as the lease knows): past
    # its lease the other takes over and appends after what it applied.
    os.kill(leader.proc.pid, signal.SIGSTOP)
    follower.wait(leader_of(follower))
    follower.send("publish two")
    seq2 = int(follower.wait(r"acked (\d+)").group(1))
    assert seq2 > seq + 1   # the takeover's marker lies between
    # Woken, the old leader finds its lease ran out: it steps down,
    # publishes nothing more, and follows the new leader.
    os.kill(leader.proc.pid, signal.SIGCONT)
    leader.wait(r"role follower")
    leader.wait(r"applied %d two$" % seq2)
    leader.send("publish three")
    leader.wait(r"refused not the leader \(leader is %s\)" %
                re.escape(follower.advertise))


def test_deposed_writer_is_fenced(nodes):
    a = nodes("fence", "a")
    a.wait(leader_of(a))
    b = nodes("fence", "b")
    b.wait(r"role follower %s" % re.escape(a.advertise))
    a.send("publish before")
    seq = int(a.wait(r"acked (\d+)").group(1))
    b.wait(r"applied %d before$" % seq)
    # a goes on believing it leads (no renewals, no clock): b takes the
    # lapsed lease and appends its marker.
    a.send("depose")
    b.wait(leader_of(b))
    a.send("publish stale")
    m = a.wait(r"failed (\d) (.*)")
    assert m.group(1) == "1", m.group(0)
    assert "10071" in m.group(2), m.group(0)
    # It stepped down (said before or after the failure).
    a.wait(r"role follower", start=0)
    # The log holds nothing of the deposed writer's: b's next entry
    # follows its marker, and a applies it.
    b.send("publish after")
    seq2 = int(b.wait(r"acked (\d+)").group(1))
    a.wait(r"applied %d after$" % seq2)
    assert not a.seen(r"applied \d+ stale"), a.lines
    assert not b.seen(r"applied \d+ stale"), b.lines


def test_followers_apply_in_order(nodes):
    a = nodes("order", "a")
    a.wait(leader_of(a))
    b = nodes("order", "b")
    b.wait(r"role follower %s" % re.escape(a.advertise))
    count = 20
    for i in range(count):
        a.send("publish m%d" % i)
    acked = [int(a.wait(r"acked (\d+)").group(1)) for _ in range(count)]
    assert acked == sorted(acked) and len(set(acked)) == count
    assert acked == list(range(acked[0], acked[0] + count))
    for i, seq in enumerate(acked):
        b.wait(r"applied %d m%d$" % (seq, i))
    # A node that starts later reads the log from its beginning, and one
    # that already applied part of it from where it stopped.
    c = nodes("order", "c")
    for i, seq in enumerate(acked):
        c.wait(r"applied %d m%d$" % (seq, i))
    d = nodes("order", "d", ["--from", str(acked[9])])
    for i, seq in enumerate(acked[10:], 10):
        d.wait(r"applied %d m%d$" % (seq, i))
    assert not d.seen(r"applied %d " % acked[9]), d.lines


def test_losing_one_nats_server_loses_nothing(tmp_path):
    """Kill -9 one of the three NATS servers: the stream and the lease
    keep a quorum, so a leader (the same or another) goes on appending,
    and every acknowledged entry reaches the follower."""
    nats = NatsCluster(tmp_path).start()
    a = b = None
    try:
        a = Node(nats, "quorum", "a", LEASE)
        a.wait(leader_of(a))
        b = Node(nats, "quorum", "b", LEASE)
        b.wait(r"role follower %s" % re.escape(a.advertise))
        a.send("publish before")
        seq = int(a.wait(r"acked (\d+)").group(1))
        b.wait(r"applied %d before$" % seq)

        nats.procs[0].kill()
        nats.procs[0].wait()
        # Whoever leads once the survivors have re-elected the stream's
        # and the bucket's leaders takes the next entry; a publish that
        # meets the election fails and is sent again.
        acked = None
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            time.sleep(0.2)
            for n in (a, b):
                n.send("publish after")
            for n in (a, b):
                m = n.wait(r"(acked (\d+)|failed|refused)")
                if m.group(2):
                    acked = (n, int(m.group(2)))
            if acked:
                break
        assert acked, "no entry acknowledged: %r %r" % (a.lines, b.lines)
        writer, seq2 = acked
        reader = b if writer is a else a
        # The reader may have applied it before it refused its own.
        reader.wait(r"applied %d after$" % seq2, start=0)
        assert seq2 > seq
    finally:
        for n in (a, b):
            if n is not None:
                n.stop()
        nats.stop()


def test_failover_bench_runs():
    """bench/cluster_failover cannot rot: its smoke run ends with a sane
    table (what it measured is not judged here)."""
    r = subprocess.run([os.path.join(SRCDIR, "bench", "cluster_failover"),
                        "--smoke"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    rounds = re.findall(r"^round +\d+: n\d -> n\d  elected ([\d.]+)s  "
                        r"acked ([\d.]+)s$", r.stdout, re.M)
    assert len(rounds) == 3, r.stdout
    assert all(0 < float(e) <= float(a) for e, a in rounds), r.stdout
    assert re.search(r"^acked +[\d.]+s +[\d.]+s +[\d.]+s$", r.stdout, re.M)
