"""The command line: --daemonize with --pidfile, --check-config,
--hash-password, flags overriding the file, a log file."""
import os
import signal
import subprocess
import time

import redis

from conftest import HOTLINED, SRCDIR, free_port


def test_check_config_of_sample_file():
    out = subprocess.run([HOTLINED, "--check-config", "--config",
                          os.path.join(SRCDIR, "config", "hotline.conf")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert "4 tiers" in out.stdout


def test_hash_password_reads_stdin():
    out = subprocess.run([HOTLINED, "--hash-password"], input="s3cret\n",
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert out.stdout.startswith("$argon2id$")
    assert "s3cret" not in out.stdout + out.stderr
    empty = subprocess.run([HOTLINED, "--hash-password"], input="\n",
                           capture_output=True, text=True, timeout=30)
    assert empty.returncode != 0


def test_bad_flags():
    out = subprocess.run([HOTLINED, "--port", "99999"], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode != 0 and "bad port" in out.stderr


def test_daemonize_pidfile_and_log_file(tmp_path, password_hash):
    conf = tmp_path / "h.conf"
    log = tmp_path / "h.log"
    pidfile = tmp_path / "h.pid"
    port = free_port()
    conf.write_text("[server]\nport = 1\nlog_file = %s\n"
                    "[tier standard]\n[queue general]\n"
                    "[user ops]\nrole = integration\npassword_hash = %s\n"
                    % (log, password_hash))
    # Flags override the file: the port, the data directory, no socket.
    rc = subprocess.run([HOTLINED, "--config", str(conf), "--port", str(port),
                         "--data-dir", str(tmp_path / "data"), "--unixsocket", "",
                         "--daemonize", "--pidfile", str(pidfile)],
                        timeout=30).returncode
    assert rc == 0
    deadline = time.time() + 20
    while time.time() < deadline and not pidfile.exists():
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    try:
        c = redis.Redis(port=port, username="ops", password="pw",
                        decode_responses=True)
        deadline = time.time() + 20
        while True:
            try:
                assert c.execute_command("TICKET", "CREATE", "general", "d1") == 1
                break
            except redis.exceptions.ConnectionError:
                assert time.time() < deadline
                time.sleep(0.05)
        assert (tmp_path / "data" / "hotline.db").exists()
        assert int((tmp_path / "data" / "hotline.port").read_text()) == port
    finally:
        os.kill(pid, signal.SIGTERM)
    deadline = time.time() + 20
    while time.time() < deadline and pidfile.exists():
        time.sleep(0.05)
    assert not pidfile.exists()
    text = log.read_text()
    assert "listening on 127.0.0.1 port %d" % port in text
    assert "hotlined stopped" in text
