"""Installed like a Debian daemon: the default paths of the two builds
(daemon/hotlined in the tree, installed/hotlined for make install), the
installed sample configuration (no demo users, data under localstatedir)
starting a working daemon, systemd's readiness protocol (READY=1 once
serving, STOPPING=1 on SIGTERM) and the systemd unit."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis

from conftest import HOTLINED, SRCDIR, free_port

BUILDDIR = os.environ.get("HOTLINE_BUILDDIR") or \
    os.path.dirname(os.path.dirname(os.path.abspath(HOTLINED)))
INSTALLED = os.path.join(BUILDDIR, "daemon", "installed", "hotlined")
INSTALLED_CONF = os.path.join(BUILDDIR, "config", "hotline.conf.installed")
UNIT = os.path.join(BUILDDIR, "daemon", "hotlined.service")


def configured(var, dirs={}):
    """A directory configure chose, as make expands it."""
    if not dirs:
        # Under `make -jN check` the parent's MAKEFLAGS (jobserver, -w)
        # would make this make print more than the variables: drop them.
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        out = subprocess.run(["make", "-s", "-C", BUILDDIR,
                              "--no-print-directory", "print-dirs"],
                             capture_output=True, text=True, timeout=60,
                             env=env)
        assert out.returncode == 0, out.stderr
        dirs.update(l.split("=", 1) for l in out.stdout.splitlines()
                    if "=" in l and not l.startswith("make"))
    return dirs[var]


def help_defaults(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0
    conf = re.search(r"--config FILE .*\(default (\S+)\)", out.stdout)
    data = re.search(r"--data-dir DIR .*\(default (\S+)\)", out.stdout)
    assert conf and data, out.stdout
    return conf.group(1), data.group(1)


def test_tree_build_reads_the_sample_and_keeps_data_in_var():
    assert help_defaults(HOTLINED) == ("config/hotline.conf", "var")


def test_installed_build_reads_sysconfdir_and_localstatedir():
    assert help_defaults(INSTALLED) == (
        configured("sysconfdir") + "/hotline/hotline.conf",
        configured("localstatedir") + "/lib/hotline")


def test_quick_start_from_a_source_tree(tmp_path):
    # The README's quick start: daemon/hotlined from the top of the tree,
    # no flags: the sample config, the data under ./var.
    os.makedirs(tmp_path / "config")
    shutil.copy(os.path.join(SRCDIR, "config", "hotline.conf"),
                tmp_path / "config" / "hotline.conf")
    out = subprocess.run([HOTLINED, "--check-config"], cwd=str(tmp_path),
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("config/hotline.conf: OK")
    assert "6 users" in out.stdout


def test_installed_sample_has_no_demo_users():
    with open(INSTALLED_CONF) as f:
        text = f.read()
    with open(os.path.join(SRCDIR, "config", "hotline.conf")) as f:
        sample = f.read()
    assert "[user alice]" in sample and "-demo" in sample
    assert not re.search(r"^\s*\[user ", text, re.M)
    assert not re.search(r"^\s*password_hash", text, re.M)
    assert "-demo" not in text
    assert re.search(r"^data_dir = %s/lib/hotline$"
                     % re.escape(configured("localstatedir")), text, re.M)
    assert re.search(r"^unixsocket =$", text, re.M)
    # Generated from the sample: everything else is the same text.
    assert "[tier diamond]" in text and "[sla diamond complaints]" in text
    out = subprocess.run([INSTALLED, "--check-config", "--config",
                          INSTALLED_CONF], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    assert "4 tiers, 4 queues, 0 users" in out.stdout


def test_installed_daemon_serves_from_the_installed_sample(tmp_path):
    port = free_port()
    env = dict(os.environ, HOTLINE_ADMIN_PASSWORD="installed-admin")
    proc = subprocess.Popen([INSTALLED, "--config", INSTALLED_CONF,
                             "--port", str(port), "--data-dir",
                             str(tmp_path / "data")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)
    try:
        c = redis.Redis(port=port, username="admin",
                        password="installed-admin", decode_responses=True,
                        socket_timeout=30)
        deadline = time.time() + 30
        while True:
            try:
                assert c.ping()
                break
            except redis.ConnectionError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.time() < deadline
                time.sleep(0.1)
        # The demo users are not there: only the admin made at start.
        with pytest.raises(redis.ResponseError, match="WRONGPASS"):
            redis.Redis(port=port, username="alice", password="alice-demo",
                        socket_timeout=30).ping()
        assert os.path.exists(tmp_path / "data" / "hotline.db")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def test_sd_notify_ready_then_stopping(daemon_dir_notify):
    proc, sock, port = daemon_dir_notify
    # READY=1 only once the daemon answers.
    sock.settimeout(30)
    msg = sock.recv(4096).decode()
    assert msg == "READY=1"
    with socket.create_connection(("127.0.0.1", port), 10) as s:
        s.sendall(b"PING\r\n")
        assert s.recv(64).startswith(b"+PONG")
    proc.send_signal(signal.SIGTERM)
    assert sock.recv(4096).decode() == "STOPPING=1"
    assert proc.wait(timeout=30) == 0


@pytest.fixture
def daemon_dir_notify(tmp_path, password_hash):
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    conf = tmp_path / "h.conf"
    conf.write_text("[server]\nunixsocket =\n[http]\nenabled = no\n"
                    "[tier standard]\n[queue general]\n"
                    "[user ops]\nrole = integration\npassword_hash = %s\n"
                    % password_hash)
    port = free_port()
    proc = subprocess.Popen([HOTLINED, "--config", str(conf), "--port",
                             str(port), "--data-dir", str(tmp_path / "data")],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            env=dict(os.environ, NOTIFY_SOCKET=path))
    yield proc, sock, port
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)
    sock.close()


def test_systemd_unit():
    with open(UNIT) as f:
        unit = f.read()
    keys = {}
    for line in unit.splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            keys.setdefault(k, []).append(v)
    sbindir = configured("sbindir")
    conf = configured("sysconfdir") + "/hotline/hotline.conf"
    assert keys["Type"] == ["notify"]
    assert keys["User"] == ["hotline"]
    assert keys["StateDirectory"] == ["hotline"]
    assert keys["ProtectSystem"] == ["strict"]
    assert keys["NoNewPrivileges"] == ["yes"]
    assert keys["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert keys["ExecStart"] == [
        "%s/hotlined --config %s --data-dir %%S/hotline" % (sbindir, conf)]
    assert "@" not in unit.replace("%S", "")
    if shutil.which("systemd-analyze"):
        out = subprocess.run(["systemd-analyze", "verify", UNIT],
                             capture_output=True, text=True, timeout=60)
        # It names the binary's absence when not installed; nothing else.
        bad = [l for l in out.stderr.splitlines()
               if l.strip() and "man " not in l and "not executable" not in l
               and "No such file" not in l and "is not executable" not in l]
        assert not bad, out.stderr
