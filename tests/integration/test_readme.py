"""The README's "A first session" runs as written: each `$ redis-cli ...`
line of that block, one-shot (a connection per line), against a daemon
started with the sample config/hotline.conf, gives the output shown. The
block is read from README.md at test time, so the README cannot rot.

redis-cli formats its replies only for a terminal, as a reader sees them:
each line runs on a pseudo-terminal. The one change to a command is its
port: `-p 7070` becomes the test daemon's."""
import os
import pty
import re
import shlex
import subprocess

from conftest import SRCDIR, Daemon

README = os.path.join(SRCDIR, "README.md")
SAMPLE = os.path.join(SRCDIR, "config", "hotline.conf")


class SampleDaemon(Daemon):
    """hotlined on the sample configuration, in a directory of its own."""

    def write_config(self, **changes):
        with open(SAMPLE) as f:
            text = f.read()
        # Only the listeners move: the HTTP port to any free one (the TCP
        # port, the data directory and the socket are on the command line).
        text = re.sub(r"(?ms)^(\[http\].*?^port = )\d+$", r"\g<1>0", text,
                      count=1)
        with open(self.config, "w") as f:
            f.write(text)


def first_session():
    """[(command, [expected lines])] from the README's block."""
    with open(README) as f:
        text = f.read()
    m = re.search(r"^## A first session\n+```console\n(.*?)^```", text,
                  re.S | re.M)
    assert m, "README.md has no '## A first session' console block"
    steps = []
    for line in m.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, "output before any command: %r" % line
            steps[-1][1].append(line)
    return steps


def run_on_tty(argv, timeout=30):
    """argv's standard output as a terminal shows it, without the \\r."""
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave,
                             stderr=subprocess.PIPE)
        os.close(slave)
        slave = -1
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:         # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        p.wait(timeout=timeout)
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    return out.decode().replace("\r\n", "\n").rstrip("\n").split("\n")


def matches(got, want):
    """want's lines, in order; a last line `...` stands for more lines."""
    more = bool(want) and want[-1].strip() == "..."
    if more:
        want = want[:-1]
        return got[:len(want)] == want and len(got) > len(want)
    return got == want


def test_first_session_runs_as_written(tmp_path, password_hash):
    steps = first_session()
    assert len(steps) >= 8 and any("TICKET ACCEPT" in c for c, _ in steps)
    d = SampleDaemon(tmp_path, password_hash).start()
    try:
        for cmd, want in steps:
            argv = shlex.split(cmd)
            assert argv[0] == "redis-cli" and "-p" in argv and \
                argv[argv.index("-p") + 1] == "7070", cmd
            argv[argv.index("-p") + 1] = str(d.port)
            got = [line.rstrip() for line in run_on_tty(argv)]
            assert matches(got, [w.rstrip() for w in want]), \
                "README: $ %s\nwanted:\n%s\ngot:\n%s" % (
                    cmd, "\n".join(want), "\n".join(got))
    finally:
        d.stop()
