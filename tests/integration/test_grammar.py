"""The command grammar (daemon/cmd/cmd.h): every row describes its
arguments, cmd_dispatch() parses and checks them before the handler, and
the usage line is generated once from the row. What COMMAND shows is
what docs/PROTOCOL.md documents, and every malformed command gets the
same kinds of errors."""
import os
import re

import pytest
import redis

from conftest import SRCDIR, raw_reply


def usages(daemon):
    return {name: usage for name, arity, flags, roles, usage
            in raw_reply(daemon.client("admin"), "COMMAND")}


def documented():
    """The headings of docs/PROTOCOL.md that name a command, without the
    roles note ("### AUDIT [LIMIT n]  (admin)")."""
    path = os.path.join(SRCDIR, "docs", "PROTOCOL.md")
    with open(path, encoding="utf-8") as f:
        return [re.sub(r"  \(.*\)$", "", line[4:].rstrip("\n"))
                for line in f if line.startswith("### ")]


def test_every_usage_is_documented_as_generated(daemon):
    """The usage each row generates, angle brackets aside, is a heading of
    docs/PROTOCOL.md; and each heading that names a command is a row's
    usage: the reference and the daemon cannot drift apart."""
    table = usages(daemon)
    heads = documented()
    plain = {name: usage.replace("<", "").replace(">", "")
             for name, usage in table.items()}
    for name, usage in plain.items():
        assert usage in heads, (name, usage)
    commands = {name.split()[0] for name in table}
    for head in heads:
        if head.split()[0] in commands:
            assert head in plain.values(), head


@pytest.mark.parametrize("args,error", [
    # A word the row has no place for, or an option without its value.
    (("TICKET", "CREATE", "general", "c1", "BOGUS", "x"),
     "syntax error near 'BOGUS'; usage: TICKET CREATE"),
    (("TICKET", "CREATE", "general", "c1", "TIER"),
     "syntax error near 'TIER'; usage: TICKET CREATE"),
    (("TICKET", "SET", "1", "COLOR", "red"),
     "syntax error near 'COLOR'; usage: TICKET SET <id> TIER <t> | "
     "PRIORITY <n> | QUEUE <q>"),
    (("AGENT", "NEXT", "ACCEPT", "now"),
     "syntax error near 'now'; usage: AGENT NEXT [timeout-s] [ACCEPT]"),
    (("SESSION", "LIST", "OF", "sam"),
     "syntax error near 'OF'; usage: SESSION LIST [FOR user]"),
    # Too few or too many words.
    (("TICKET", "GET", "1", "2"),
     "wrong number of arguments for 'TICKET GET' command; usage: "
     "TICKET GET <id>"),
    (("TICKET", "TRANSFER", "1", "QUEUE", "general", "AGENT", "alice"),
     "wrong number of arguments for 'TICKET TRANSFER' command"),
    (("TICKET", "RATE", "1", "3", "a", "b"),
     "wrong number of arguments for 'TICKET RATE' command; usage: "
     "TICKET RATE <id> <score> [comment]"),
    # Types and ranges.
    (("TICKET", "GET", "abc"), "value 'abc' is not an integer"),
    (("TICKET", "GET", "0"), "value 0 out of range (1 to "),
    (("TICKET", "LIST", "LIMIT", "0"), "value 0 out of range (1 to 10000)"),
    (("TICKET", "CREATE", "general", "c1", "PRIORITY", "1001"),
     "value 1001 out of range (-1000 to 1000)"),
    (("AGENT", "SET", "alice", "CAPACITY", "many"),
     "value 'many' is not an integer"),
    (("REPORT", "SLA", "BY", "week"),
     "BY takes tier, queue, agent or hour, not 'week'"),
    (("AGENT", "ADD", "eve root", "pw-eve"), "user name holds a space"),
    # Targets resolved before the handler.
    (("AGENT", "STATUS", "nobody"), "no such agent 'nobody'"),
    (("AGENT", "DEL", "nobody"), "no such user 'nobody'"),
    (("QUEUE", "STATS", "nowhere"), "no such queue 'nowhere'"),
    (("CUSTOMER", "GET", "nobody"), "no such customer 'nobody'"),
])
def test_malformed_commands_get_the_uniform_error(daemon, args, error):
    # AGENT NEXT is for agents and supervisors only.
    who = "sam" if args[:2] == ("AGENT", "NEXT") else "admin"
    with pytest.raises(redis.exceptions.ResponseError) as e:
        daemon.client(who).execute_command(*args)
    assert error in str(e.value)


def test_syntax_errors_quote_the_generated_usage(daemon):
    """The usage in an error is the one COMMAND shows, for every row
    that takes options."""
    table = usages(daemon)
    c = daemon.client("admin")
    for name in ("TICKET CREATE", "TICKET LIST", "CUSTOMER SET",
                 "REPORT SLA", "AGENT SET", "SESSION NEW", "AUDIT"):
        words = name.split()
        if name in ("TICKET CREATE",):
            words += ["general", "c1"]
        if name == "AGENT SET":
            words += ["alice"]
        if name == "CUSTOMER SET":
            words += ["c1"]
        with pytest.raises(redis.exceptions.ResponseError) as e:
            c.execute_command(*words, "NOSUCHOPTION", "1")
        assert str(e.value) == ("syntax error near 'NOSUCHOPTION'; "
                                "usage: " + table[name]), name


def test_options_any_case_any_order_and_repeated_pairs(daemon):
    c = daemon.client("ivan")
    tid = c.execute_command("TICKET", "CREATE", "general", "c1",
                            "attr", "k1", "v1", "priority", "5",
                            "ATTR", "k2", "v2", "Subject", "hello")
    t = dict(zip(*[iter(c.execute_command("TICKET", "GET", tid))] * 2))
    assert t["subject"] == "hello"
    assert t["manual_priority"] == 5
    # An option with a limit: at most 64 attributes.
    many = []
    for i in range(65):
        many += ["ATTR", "k%d" % i, "v"]
    with pytest.raises(redis.exceptions.ResponseError,
                       match="at most 64 attributes"):
        c.execute_command("TICKET", "CREATE", "general", "c2", *many)
