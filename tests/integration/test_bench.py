"""The benchmark suite cannot rot: bench/run --smoke runs every section at
tiny sizes against real servers and must produce a sane report, and the
load generator hotline-bench must measure what it says. Nothing here looks
at how fast anything is."""
import csv
import io
import os
import re
import subprocess

import pytest

from conftest import ADMIN_PASSWORD, SRCDIR, as_map

BUILD = os.environ.get("HOTLINE_BUILDDIR") or SRCDIR
HBENCH = os.path.join(BUILD, "clients", "hotline-bench")
SECTIONS = ["ping", "lifecycle", "sqlite", "route", "sla", "recovery", "conns",
            "login", "reconnect", "shift", "sim"]
LATENCIES = ["create", "offer", "accept", "resolve", "ready", "lifecycle"]


def number(s):
    return float(s.replace(",", ""))


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "report.md"
    env = dict(os.environ, HOTLINE_BUILD=BUILD)
    env.pop("HOTLINED", None)       # the build tree's, like everything else
    proc = subprocess.run([os.path.join(SRCDIR, "bench", "run"), "--smoke",
                           "--out", str(out)], env=env, capture_output=True,
                          text=True, timeout=900)
    report = out.read_text() if out.exists() else ""
    return proc, report


def summary_rows(report):
    """The summary table's rows as dicts (the first table of the report)."""
    lines = report.split("| section | measure |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in lines.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(dict(zip(["section", "measure", "hotline", "reference",
                              "ratio", "target", "result"], cells)))
    return rows


def test_smoke_runs_every_section(smoke):
    proc, report = smoke
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert report.startswith("# Hotline benchmark report")
    for s in SECTIONS:
        assert "<summary>bench/%s output</summary>" % s in report
        assert "=== bench/%s --smoke" % s in proc.stdout
    assert "FAILED" not in report


def test_smoke_summary_is_sane(smoke):
    proc, report = smoke
    rows = summary_rows(report)
    assert {r["section"] for r in rows} == set(SECTIONS)
    for r in rows:
        assert r["result"] in ("PASS", "MISS", "-"), r
        # Figures are numbers; rates are never zero (something ran).
        rate = "/s" in r["measure"] or "per second" in r["measure"]
        # Memory per item is a difference of two RSS readings: at smoke
        # size (2,000 tickets), and under ASan's allocator, it can come
        # out below zero; it must still be a number.
        rss = "RSS" in r["measure"]
        for col in ("hotline", "reference"):
            if r[col] != "-" and rss:
                number(r[col])
            elif r[col] != "-":
                assert number(r[col]) > 0 if rate else number(r[col]) >= 0, r
        # A ratio is Hotline's figure over the reference's, as printed.
        if r["ratio"] != "-" and r["reference"] != "-":
            want = number(r["hotline"]) / number(r["reference"])
            assert abs(number(r["ratio"]) - want) <= 0.01 * want + 0.006, r
        # A verdict follows from its target.
        m = re.match(r"(>=|<=) ([0-9.]+)$", r["target"])
        if rss and r["hotline"] != "-" and number(r["hotline"]) < 0:
            # A reading below zero is noise, not a figure: the bench
            # calls it a MISS whatever the target says.
            assert r["result"] == "MISS", r
        elif m and r["result"] != "-":
            v = number(r["ratio"] if r["ratio"] != "-" else r["hotline"])
            ok = v >= float(m.group(2)) if m.group(1) == ">=" \
                else v <= float(m.group(2))
            assert r["result"] == ("PASS" if ok else "MISS"), r


def test_smoke_compares_what_the_issue_lists(smoke):
    proc, report = smoke
    measures = " ".join(r["measure"] for r in summary_rows(report))
    for want in ["PING inline -P 1", "PING inline -P 16", "PING mbulk -P 1",
                 "PING mbulk -P 16", "hotlined normal vs beanstalkd -f 50",
                 "hotlined full vs beanstalkd -f 0",
                 "hotlined normal vs redis everysec",
                 "hotlined full vs redis always",
                 "raw SQLite NORMAL rows/s, 1 a", "raw SQLite FULL rows/s, 1000",
                 "journal normal", "journal full", "routing decision",
                 "SLA timer", "restart", "connections held",
                 "a simulated day of"]:
        assert want in measures, want
    # Every section's tables and raw samples are in the one report.
    for table in ["| test | pipeline |", "| server | per second (median) |",
                  "| sync | rows per transaction |", "| tickets | decision us |",
                  "| operation | SLA timer |", "| measure | value | notes |",
                  "| agents | calls | CPU s | wall s |"]:
        assert table in report, table
    assert "samples" in report


def test_smoke_held_every_connection(smoke):
    proc, report = smoke
    row = [r for r in summary_rows(report)
           if r["measure"] == "connections held through the load"][0]
    assert row["hotline"] == row["reference"]
    assert row["result"] == "PASS"


def run_hbench(daemon, *args, timeout=120):
    env = dict(os.environ, HOTLINE_PASSWORD=ADMIN_PASSWORD)
    return subprocess.run([HBENCH, "--port", str(daemon.port), "--user",
                           "admin"] + list(args), env=env,
                          capture_output=True, text=True, timeout=timeout)


def csv_row(stdout):
    header = subprocess.run([HBENCH, "--csv-header"], capture_output=True,
                            text=True, check=True).stdout
    return next(csv.DictReader(io.StringIO(header + stdout)))


def test_hotline_bench_closed_loop_csv(daemon):
    p = run_hbench(daemon, "--setup", "--agents", "2", "--operators", "2",
                   "--duration", "1", "--csv")
    assert p.returncode == 0, p.stderr
    row = csv_row(p.stdout)
    created, completed = int(row["created"]), int(row["completed"])
    assert completed > 0 and created >= completed
    assert int(row["errors"]) == 0
    rate = float(row["lifecycles_per_s"])
    assert abs(rate - completed / float(row["duration_s"])) < 0.1 + rate / 100
    # Percentiles from the histogram are ordered and bounded by the max.
    for lat in LATENCIES:
        v = [int(row["%s_%s" % (lat, q)]) for q in
             ("p50", "p90", "p99", "p999", "max")]
        assert 0 < v[0] <= v[1] <= v[2] <= v[3] <= v[4], (lat, v)
    # Whatever it did went through the daemon: every lifecycle is there.
    c = daemon.client("admin")
    info = c.info("stats")
    assert info["next_ticket_id"] > created


def test_hotline_bench_auto_accept(daemon):
    """AGENT NEXT ... ACCEPT: no TICKET ACCEPT sent, every ticket resolved."""
    p = run_hbench(daemon, "--setup", "--agents", "2", "--operators", "2",
                   "--tickets", "40", "--auto-accept", "--csv")
    assert p.returncode == 0, p.stderr
    row = csv_row(p.stdout)
    assert int(row["completed"]) >= 40 and int(row["errors"]) == 0
    assert int(row["accept_max"]) == 0          # no TICKET ACCEPT timed
    assert int(row["offer_p50"]) > 0 and int(row["resolve_p50"]) > 0
    c = daemon.client("admin")
    done = as_map(c.execute_command("TICKET", "LIST", "STATE", "resolved",
                                    "LIMIT", "1")[0])["id"]
    types = [as_map(e)["type"] for e in
             c.execute_command("TICKET", "HISTORY", done)]
    assert types.index("ticket.offered") < types.index("ticket.accepted") \
        < types.index("ticket.resolved")


def test_hotline_bench_no_ready(daemon):
    """--no-ready: no AGENT READY after RESOLVE; with no wrap-up the agent
    is offered the next ticket as it resolves, three round trips a
    lifecycle with --auto-accept."""
    p = run_hbench(daemon, "--setup", "--agents", "2", "--operators", "2",
                   "--tickets", "40", "--auto-accept", "--no-ready", "--csv")
    assert p.returncode == 0, p.stderr
    row = csv_row(p.stdout)
    assert int(row["completed"]) >= 40 and int(row["errors"]) == 0
    assert int(row["ready_max"]) == 0           # no AGENT READY timed
    assert int(row["resolve_p50"]) > 0


def test_hotline_bench_open_loop_counts_tickets(daemon):
    p = run_hbench(daemon, "--setup", "--agents", "2", "--operators", "2",
                   "--rate", "200", "--tickets", "60", "--tiers",
                   "gold:1,diamond:1")
    assert p.returncode == 0, p.stderr
    assert "open loop at 200 creates/s" in p.stdout
    assert re.search(r"60 lifecycles completed", p.stdout), p.stdout
    # Per-tier create -> offer rows, each tier half of the mix.
    gold = re.search(r"^  gold\s+(\d+)", p.stdout, re.M)
    diamond = re.search(r"^  diamond\s+(\d+)", p.stdout, re.M)
    assert gold and diamond
    assert abs(int(gold.group(1)) - int(diamond.group(1))) <= 1
    c = daemon.client("admin")
    resolved = c.execute_command("TICKET", "LIST", "STATE", "resolved",
                                 "LIMIT", "1000")
    assert len(resolved) >= 60


def test_hotline_bench_bad_usage(daemon):
    for args in (["--operators", "0"], ["--tiers", "gold:0"],
                 ["--duration", "1", "--tickets", "5"], ["--bogus"]):
        p = run_hbench(daemon, *args)
        assert p.returncode == 2, args
        assert "hotline-bench" in p.stderr


def test_hotline_bench_wrong_password_fails(daemon):
    env = dict(os.environ, HOTLINE_PASSWORD="wrong")
    p = subprocess.run([HBENCH, "--port", str(daemon.port), "--user", "admin",
                        "--agents", "1", "--operators", "1", "--duration",
                        "1"], env=env, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 1
    assert "WRONGPASS" in p.stderr
