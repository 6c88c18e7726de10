#!/bin/sh
# run-smoke.sh: a short libFuzzer pass over the RESP parser, as one TAP test.
# Builds nothing: $1 (or $FUZZ_RESP) is an already-built fuzz_resp. Runs
# 10 s with a fixed seed over a copy of the seed corpus, because libFuzzer
# adds new inputs to the directory it is given and the source tree must not
# change. Skips (only) when there is no fuzz binary, i.e. no clang.

bin=${1:-${FUZZ_RESP:-}}
if [ -z "$bin" ] || [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
	echo "1..0 # SKIP no clang"
	exit 0
fi

# The seeds live beside this script; automake's $srcdir is tests/.
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus
if [ ! -d "$corpus" ] && [ -n "${srcdir:-}" ]; then
	corpus=$srcdir/fuzz/corpus
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_resp.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
mkdir "$tmp/corpus"
echo "1..1"
if [ -d "$corpus" ]; then
	cp "$corpus"/* "$tmp/corpus/" 2>/dev/null
else
	echo "# seed corpus not found at $corpus: starting empty"
fi

# Crash inputs go to the current directory so a failure can be replayed.
if "$bin" -max_total_time=10 -seed=1 -print_final_stats=1 \
    "$tmp/corpus" >"$tmp/log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log" |
	    tail -n 1)
	[ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' \
	    "$tmp/log" | tail -n 1)
	echo "ok 1 - fuzz_resp smoke (${runs:-?} runs)"
	exit 0
fi
echo "not ok 1 - fuzz_resp smoke (see the log below)"
tail -n 60 "$tmp/log" | sed 's/^/# /'
exit 1
