"""A terminal for the clients' screen tests: one private tmux server.

The program runs in a tmux pane of a fixed size; the test types with
send-keys and reads the screen with capture-pane (with -e, the escape
sequences too, to see colours). Its stderr goes to a file and its exit
status is recorded, so a crash or a sanitizer report fails the test even
though the pane is gone.
"""
import os
import re
import shlex
import shutil
import subprocess
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("HOTLINE_SRCDIR") or os.path.dirname(os.path.dirname(HERE))
_HOTLINED = os.environ.get("HOTLINED") or os.path.join(SRCDIR, "daemon", "hotlined")
_BUILD = os.path.dirname(os.path.dirname(os.path.abspath(_HOTLINED)))
AGENT = os.environ.get("HOTLINE_AGENT") or os.path.join(_BUILD, "clients", "hotline-agent")
CONSOLE = os.environ.get("HOTLINE_CONSOLE") or os.path.join(_BUILD, "clients", "hotline-console")

# Generous: the machine running the suite may be busy.
TIMEOUT = 30


def tmux_path():
    path = shutil.which("tmux")
    # Never skipped: scripts/setup installs tmux, so its absence is a bug.
    assert path is not None, "tmux is not installed (scripts/setup installs it)"
    return path


class Term:
    """One program in a private tmux server, width x height."""

    count = 0

    def __init__(self, tmp_path, argv, env=None, width=120, height=40):
        Term.count += 1
        self.tmux = tmux_path()
        self.name = "hotline-test-%d-%d" % (os.getpid(), Term.count)
        self.dir = str(tmp_path)
        tag = "term%d" % Term.count
        self.stderr = os.path.join(self.dir, tag + ".stderr")
        self.status = os.path.join(self.dir, tag + ".status")
        envs = " ".join("%s=%s" % (k, shlex.quote(str(v)))
                        for k, v in (env or {}).items())
        cmd = "env %s %s 2>%s; echo $? >%s" % (
            envs, " ".join(shlex.quote(a) for a in argv),
            shlex.quote(self.stderr), shlex.quote(self.status))
        self._tmux("-f", "/dev/null", "new-session", "-d", "-x", str(width),
                   "-y", str(height), "sh", "-c", cmd + "; sleep 600")

    def _tmux(self, *args, check=True):
        return subprocess.run([self.tmux, "-L", self.name] + list(args),
                              capture_output=True, text=True, check=check,
                              timeout=30)

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "0"]
        if escapes:
            args.append("-e")
        return self._tmux(*args).stdout

    def send(self, *keys):
        """Keys by tmux name: "Enter", "Tab", "C-u", "Up"..."""
        self._tmux("send-keys", "-t", "0", *keys)

    def type(self, text, enter=True):
        self._tmux("send-keys", "-t", "0", "-l", text)
        if enter:
            self.send("Enter")

    def resize(self, width, height):
        self._tmux("resize-window", "-t", "0", "-x", str(width), "-y",
                   str(height))

    def wait_for(self, what, timeout=TIMEOUT, escapes=False):
        """Polls the screen until what (a regex, or a function of the
        screen text) matches; returns the match, or fails with the screen."""
        deadline = time.time() + timeout
        text = ""
        while time.time() < deadline:
            text = self.screen(escapes)
            if callable(what):
                found = what(text)
            else:
                found = re.search(what, text)
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError("screen never showed %r within %d s:\n%s\nstderr:\n%s"
                             % (what, timeout, text, self.read_stderr()))

    def read_stderr(self):
        try:
            with open(self.stderr, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def exit_status(self, timeout=TIMEOUT):
        """The program's exit status, once it has exited."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with open(self.status) as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("the program did not exit:\n" + self.screen())

    def assert_clean_exit(self):
        rc = self.exit_status()
        err = self.read_stderr()
        assert rc == 0, "exit status %d, stderr:\n%s" % (rc, err)
        assert "Sanitizer" not in err and "runtime error" not in err, err

    def close(self):
        self._tmux("kill-server", check=False)


@pytest.fixture
def term(tmp_path):
    """Term(argv, env=..., width=..., height=...), closed after the test."""
    made = []

    def make(*args, **kw):
        t = Term(tmp_path, *args, **kw)
        made.append(t)
        return t

    yield make
    for t in made:
        t.close()


def fg_at(screen, word, line_re=None):
    """The foreground colour (SGR 30-37 as an int, 0 for the default) in
    force at the first cell of word on the first line showing it (and
    matching line_re, if given), or None if no line does."""
    for line in screen.splitlines():
        plain = re.sub(r"\x1b\[[0-9;]*m", "", line)
        if word not in plain or (line_re and not re.search(line_re, plain)):
            continue
        target = plain.index(word)
        fg, col, i = 0, 0, 0
        while i < len(line):
            m = re.match(r"\x1b\[([0-9;]*)m", line[i:])
            if m:
                for p in m.group(1).split(";"):
                    if p in ("", "0", "39"):
                        fg = 0
                    elif p.isdigit() and 30 <= int(p) <= 37:
                        fg = int(p)
                i += m.end()
                continue
            if col == target:
                return fg
            col += 1
            i += 1
        return fg
    return None
