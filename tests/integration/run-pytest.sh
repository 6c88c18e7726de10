#!/bin/sh
# Runs the integration suite (pytest, real hotlined, real clients) and
# reports every test case as TAP so `make check` counts each one.
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
xml=$(mktemp "${TMPDIR:-/tmp}/hotline-junit.XXXXXX")
trap 'rm -f "$xml"' EXIT INT TERM
PYTHONDONTWRITEBYTECODE=1 "$py" -m pytest -p no:cacheprovider -q --junitxml="$xml" "$here" \
    ${PYTEST_ARGS:-} 1>&2
"$py" "$here/tap_from_junit.py" "$xml"
