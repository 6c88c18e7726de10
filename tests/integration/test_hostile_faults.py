"""Faults an attacker or a careless operator can cause (issue 12, items
9, 10, 11 and 14): a commit that fails on a full disk leaves the daemon
exactly as before and does not rebuild the engine for every login; a lost
database beside its key is not silently replaced by an empty one; protected
mode checks every user, database ones too; --export survives bad rows and
needs only the data folder."""
import glob
import os
import shutil
import sqlite3
import subprocess

import pytest
import redis

from conftest import HOTLINED, as_map, free_port


# Item 10: ids are promised never to be reused.
def test_lost_database_beside_its_key_is_refused(make_daemon):
    d = make_daemon()
    d.start()
    tid = d.client("ivan").execute_command("TICKET", "CREATE", "general", "c1")
    assert tid == 1
    d.stop()
    for f in glob.glob(os.path.join(d.data, "hotline.db*")):
        os.unlink(f)
    assert d.start(expect_fail=True) != 0
    log = d.read_log()
    assert "hotline.db is missing" in log and "hotline.key" in log
    assert "afresh" in log
    # Refusing did not create the file: the next attempt says the same.
    assert not os.path.exists(os.path.join(d.data, "hotline.db"))
    # An empty file (a failed restore, a truncated copy) is refused too.
    open(os.path.join(d.data, "hotline.db"), "w").close()
    assert d.start(expect_fail=True) != 0
    assert "hotline.db is empty" in d.read_log()
    # Starting afresh on purpose: move the key away, as the message says.
    os.rename(os.path.join(d.data, "hotline.key"),
              os.path.join(d.dir, "old.key"))
    d.start()
    assert d.client("ivan").execute_command("TICKET", "CREATE", "general",
                                            "c2") == 1
