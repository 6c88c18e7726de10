#!/bin/sh
# run-smoke.sh: a short libFuzzer pass over each fuzz target, as TAP tests:
# fuzz_resp (the RESP parser) and fuzz_cmd (command sequences through the
# daemon). Builds nothing: $FUZZ_RESP and $FUZZ_CMD (or $1 and $2) are
# already-built targets. Each runs 10 s with a fixed seed over a copy of
# its seed corpus, because libFuzzer adds new inputs to the directory it
# is given and the source tree must not change. A target that is not
# there (no clang) is skipped.

resp=${1:-${FUZZ_RESP:-}}
cmd=${2:-${FUZZ_CMD:-}}

# The seeds live beside this script; automake's $srcdir is tests/.
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/corpus" ] && [ -n "${srcdir:-}" ]; then
	here=$srcdir/fuzz
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_smoke.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
echo "1..2"
failed=0

# smoke NUMBER NAME BINARY CORPUS [libFuzzer options...]
smoke() {
	n=$1 name=$2 bin=$3 corpus=$4
	shift 4
	if [ -z "$bin" ] || [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		echo "ok $n - $name smoke # SKIP no clang"
		return
	fi
	rm -rf "$tmp/corpus"
	mkdir "$tmp/corpus"
	if [ -d "$corpus" ]; then
		cp "$corpus"/* "$tmp/corpus/" 2>/dev/null
	else
		echo "# seed corpus not found at $corpus: starting empty"
	fi
	# Crash inputs go to the current directory so a failure can be
	# replayed.
	if "$bin" -max_total_time=10 -seed=1 -print_final_stats=1 "$@" \
	    "$tmp/corpus" >"$tmp/log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$tmp/log" | tail -n 1)
		[ -n "$runs" ] || runs=$(sed -n \
		    's/^Done \([0-9]*\) runs.*/\1/p' "$tmp/log" | tail -n 1)
		echo "ok $n - $name smoke (${runs:-?} runs)"
		return
	fi
	echo "not ok $n - $name smoke (see the log below)"
	tail -n 60 "$tmp/log" | sed 's/^/# /'
	failed=1
}

smoke 1 fuzz_resp "$resp" "$here/corpus"
smoke 2 fuzz_cmd "$cmd" "$here/corpus-cmd" -dict="$here/fuzz_cmd.dict" \
    -max_len=4096
exit $failed
