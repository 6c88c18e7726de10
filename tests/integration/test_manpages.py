"""The manual pages (man/, mdoc) agree with the programs: every flag that
a program's --help shows is in its page and every flag of the page is in
--help; every key and section of the annotated config/hotline.conf is in
hotline.conf(5); the pages are clean under mandoc -T lint when mandoc is
installed (scripts/setup does)."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import HOTLINED, SRCDIR

BUILDDIR = os.environ.get("HOTLINE_BUILDDIR") or \
    os.path.dirname(os.path.dirname(os.path.abspath(HOTLINED)))
MAN = os.path.join(SRCDIR, "man")
PROGRAMS = {
    "hotlined.8": HOTLINED,
    "hotline-agent.1": os.path.join(BUILDDIR, "clients", "hotline-agent"),
    "hotline-console.1": os.path.join(BUILDDIR, "clients", "hotline-console"),
    "hotline-bench.1": os.path.join(BUILDDIR, "clients", "hotline-bench"),
    "hotline-sim.1": os.path.join(BUILDDIR, "sim", "hotline-sim"),
}
PAGES = sorted(list(PROGRAMS) + ["hotline.conf.5"])


def page(name):
    with open(os.path.join(MAN, name)) as f:
        return f.read()


def help_flags(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    return set(re.findall(r"(?<![\w-])--?[A-Za-z][A-Za-z0-9-]*", out.stdout))


def man_flags(text):
    return {"-" + f for f in re.findall(r"\bFl\s+(-?[A-Za-z][A-Za-z0-9-]*)",
                                        text)}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_flags_match_help(name):
    shown = help_flags(PROGRAMS[name])
    documented = man_flags(page(name))
    assert shown, "no flags found in --help"
    assert not shown - documented, \
        "in --help, missing from man/%s: %s" % (name, sorted(shown - documented))
    assert not documented - shown, \
        "in man/%s, missing from --help: %s" % (name, sorted(documented - shown))


def test_config_keys_documented():
    with open(os.path.join(SRCDIR, "config", "hotline.conf")) as f:
        sample = f.read()
    keys = set(re.findall(r"^([a-z_]+) =", sample, re.M))
    sections = set(re.findall(r"^\[([a-z]+)", sample, re.M))
    text = page("hotline.conf.5")
    documented = set(re.findall(r"\bIc\s+([a-z_]+)", text))
    missing = sorted(k for k in keys if k not in documented and
                     not re.match(r"(mon|tue|wed|thu|fri|sat|sun)", k))
    assert keys and not missing, \
        "keys of config/hotline.conf missing from man/hotline.conf.5: %s" % missing
    for s in sections:
        assert re.search(r"^\.Ss \[%s[] ]" % s, text, re.M), \
            "section [%s] missing from man/hotline.conf.5" % s
    # [cluster] is a commented-out example in the sample: its keys too.
    block = re.search(r"^# \[cluster\]\n((?:#.*\n)+)", sample, re.M)
    assert block, "config/hotline.conf lacks the commented [cluster] example"
    ckeys = set(re.findall(r"^# ([a-z_]+) =", block.group(1), re.M))
    assert ckeys and not ckeys - documented, \
        "[cluster] keys missing from man/hotline.conf.5: %s" % \
        sorted(ckeys - documented)
    assert re.search(r"^\.Ss \[cluster\]", text, re.M)


def test_pages_are_installed():
    with open(os.path.join(SRCDIR, "Makefile.am")) as f:
        am = f.read()
    for name in PAGES:
        assert "man/" + name in am


@pytest.mark.parametrize("name", PAGES)
def test_mandoc_lint(name):
    mandoc = shutil.which("mandoc")
    # Never skipped: scripts/setup installs mandoc.
    assert mandoc is not None, "mandoc is not installed (scripts/setup installs it)"
    out = subprocess.run([mandoc, "-T", "lint", "-W", "warning",
                          os.path.join(MAN, name)], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr
