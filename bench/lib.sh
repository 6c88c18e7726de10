# shellcheck shell=bash disable=SC2034,SC2154
# bench/lib.sh: what the benchmark scripts share. Sourced, not run: the
# script sets $tool (its name, for messages) and, to start hotlined,
# $hotlined first. Some variables here are for the scripts (SC2034).
#
# Binaries come from one build tree, HOTLINE_BUILD (default: the repo
# root, an in-tree build): daemon/hotlined, clients/hotline-bench and the
# helpers in bench/. HOTLINED and HOTLINE_BENCH still override the first
# two. Measure with an -O2 build: every report says how each binary was
# compiled.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || {
	echo "${tool:-bench}: cannot find the repo root" >&2
	exit 1
}

# Users the generated configurations define, all with one password hashed
# with Argon2id at libsodium's minimum cost: logging in hundreds of
# connections then costs the server microseconds instead of seconds of CPU
# that would land in the measurement (the daemons are private, on
# loopback, in temp dirs).
BENCH_PASS=hotline-bench
BENCH_HASH='$argon2id$v=19$m=8,t=1,p=1$6IUlJ+mnCht5GbF/6o1tHg$AlS5mNfNNLodXZFVliQhvZssl/aW/Up0tuuyCxOLL4s'

die() {
	echo "$tool: $*" >&2
	exit 1
}

is_count() {
	[[ $1 =~ ^[1-9][0-9]*$ ]]
}

# A positive number, decimals allowed.
is_number() {
	[[ $1 =~ ^[0-9]*\.?[0-9]+$ ]] && awk -v v="$1" 'BEGIN { exit !(v > 0) }'
}

abspath() {
	case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac
}

build=$(abspath "${HOTLINE_BUILD:-$root}")

# The path of helper $1 of bench/ in the build tree.
bench_bin() {
	local p=$build/bench/$1
	[ -x "$p" ] || die "no $p: build the tree (make), or set HOTLINE_BUILD"
	echo "$p"
}

hotlined_bin() {
	local p
	p=$(abspath "${HOTLINED:-$build/daemon/hotlined}")
	[ -x "$p" ] || die "no hotlined at $p: build it, or set HOTLINED"
	echo "$p"
}

hbench_bin() {
	local p
	p=$(abspath "${HOTLINE_BENCH:-$build/clients/hotline-bench}")
	[ -x "$p" ] || die "no hotline-bench at $p: build it, or set HOTLINE_BENCH"
	echo "$p"
}

need() {
	command -v "$1" >/dev/null || die "$1 not found (Debian: apt-get install $2)"
}

# The report file $1 can be written.
check_out() {
	if [ -e "$1" ]; then [ -f "$1" ] && [ -w "$1" ]
	else [ -d "$(dirname "$1")" ] && [ -w "$(dirname "$1")" ]; fi ||
	    die "cannot write $1"
}

# Processes this script started: cleanup stops exactly these, nothing
# found by name.
tracked=""
track() {
	tracked+=" $1"
}
untrack() {
	tracked=$(echo " $tracked " | sed "s/ $1 / /")
}

# SIGTERM, up to $2 tenths of a second (default 50), then SIGKILL.
stop_pid() {
	local pid=$1 tenths=${2:-50} _
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq "$tenths"); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	untrack "$pid"
	return 0
}

# A private temp dir, removed (and every tracked process stopped) however
# the script ends.
make_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/hotline-$1.XXXXXX") ||
	    die "mktemp failed"
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
}
bench_cleanup() {
	local pid
	for pid in $tracked; do
		stop_pid "$pid"
	done
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}

# A loopback port nobody listens on; a server may still lose the race for
# it, and the start_* functions then try another.
free_port() {
	local p _
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 40000))
		if command -v ss >/dev/null; then
			if [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]; then
				echo $p
				return 0
			fi
		elif ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
			echo $p
			return 0
		fi
	done
	return 1
}

# Waits until port $2 accepts connections (with $3, answers PING with
# +PONG), or process $1 dies, or $4 tenths of a second (default 100) pass.
wait_listen() {
	local pid=$1 port=$2 ping=${3:-} tenths=${4:-100} _ line
	for _ in $(seq "$tenths"); do
		kill -0 "$pid" 2>/dev/null || return 1
		if [ -z "$ping" ]; then
			(exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null &&
			    return 0
		elif line=$( { exec 3<>/dev/tcp/127.0.0.1/"$port" &&
		    printf 'PING\r\n' >&3 && timeout 1 head -c 7 <&3; } \
		    2>/dev/null) && [ "${line%$'\r'}" = "+PONG" ]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# CPU seconds (user + system) process $1 has used so far.
cpu_of() {
	awk -v hz="$(getconf CLK_TCK)" '{
		sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' \
	    "/proc/$1/stat" 2>/dev/null || echo 0
}

# Bytes process $1 has caused to be written to files so far (its WAL
# frames and checkpoints; not its sockets).
written_of() {
	awk '$1 == "write_bytes:" { print $2 }' "/proc/$1/io" 2>/dev/null ||
	    echo 0
}

rss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

hwm_kb() {
	awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

# Percent of all CPU time not idle over half a second: other work that
# will compete with the benchmark.
cpu_busy() {
	local a b
	[ -r /proc/stat ] || return 0
	a=$(head -n 1 /proc/stat)
	sleep 0.5
	b=$(head -n 1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {
		n = split(a, x); split(b, y); t = 0;
		for (i = 2; i <= n; i++) t += y[i] - x[i];
		idle = (y[5] - x[5]) + (y[6] - x[6]);
		printf "%d\n", (t > 0 ? 100 * (t - idle) / t + 0.5 : 0) }'
}

loadavg() {
	cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null
}

# The median of the numbers on stdin, with $1 decimals (default 1).
median() {
	tr ' ' '\n' | grep -v '^$' | sort -g |
	    awk -v d="${1:-1}" '{ v[NR] = $1 }
		END { if (NR == 0) exit; f = "%." d "f\n";
		      if (NR % 2) printf f, v[(NR + 1) / 2];
		      else printf f, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# a / b with $3 decimals (default 2); empty when either is missing or b 0.
ratio() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	awk -v a="$1" -v b="$2" -v d="${3:-2}" \
	    'BEGIN { if (b + 0 != 0) printf "%." d "f\n", a / b }'
}

# PASS or MISS: value $1 against target $3 with operator $2 (>= or <=).
verdict() {
	[ -n "$1" ] || { echo FAIL; return 0; }
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
		ok = (op == "<=") ? v <= t : v >= t; print ok ? "PASS" : "MISS" }'
}

# The last -O and any -fsanitize recorded in binary $1's debug info, so a
# report from an -O0 or ASan build says so.
build_flags() {
	command -v readelf >/dev/null || return 0
	readelf --debug-dump=info "$1" 2>/dev/null |
	    awk '/DW_AT_producer/ && /GNU/ {
		    o = ""; s = "";
		    for (i = 1; i <= NF; i++) {
			    if ($i ~ /^-O/) o = $i;
			    if ($i ~ /^-fsanitize/) s = s " " $i;
		    }
		    print o s; exit }'
}

# "path (built -O2)" for a report.
describe_bin() {
	local f
	f=$(build_flags "$1")
	echo "$1${f:+ (built $f)}"
}

machine_line() {
	local cpus model busy
	cpus=$(nproc 2>/dev/null || echo "?")
	model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' \
	    /proc/cpuinfo 2>/dev/null | head -n 1)
	busy=$(cpu_busy)
	echo "$cpus CPUs, ${model:-$(uname -m)}, $(uname -srm); ${busy:-?}%" \
	    "busy before start, load average $(loadavg)"
	[ -n "$busy" ] && [ "$busy" -ge 10 ] &&
	    echo "(something else is using the CPUs: expect noisy samples)"
	return 0
}

# Field $2 (by name) of CSV line $3 whose header is $1.
csv_field() {
	awk -F, -v name="$2" -v hdr="$1" -v line="$3" 'BEGIN {
		n = split(hdr, h); split(line, v);
		for (i = 1; i <= n; i++) if (h[i] == name) { print v[i]; exit } }'
}

# The value of key $1 in "k=v k=v ..." line $2.
kv() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# A one-line progress report on a terminal only, cleared before output.
progress() {
	[ -t 2 ] && printf '\r%-60s' "$*" >&2
	return 0
}
clear_progress() {
	[ -t 2 ] && printf '\r%-60s\r' '' >&2
	return 0
}

# One line of the suite's summary (bench/run collects them): section,
# measure, Hotline's figure, the reference's, ratio, target, result. With
# --summary FILE only.
summary_add() {
	[ -n "${summary:-}" ] || return 0
	local IFS=$'\t'
	echo "$*" >>"$summary"
}

# A figure for bench/run to pass between sections ("#fact name value").
fact_add() {
	[ -n "${summary:-}" ] || return 0
	printf '#fact\t%s\t%s\n' "$1" "$2" >>"$summary"
}

# A markdown table from rows "a|b|c" ($1: header "a|b|c", $2: alignment
# row such as "---|---:|---:"), the rows from stdin.
md_table() {
	echo "| ${1//|/ | } |"
	echo "|${2}|"
	while IFS= read -r row; do
		echo "| ${row//|/ | } |"
	done
}

# The sample config/hotline.conf with overrides: $1 is a file of lines
# "[section]<TAB>key<TAB>value". A key the section has is replaced in
# place, one it lacks is added at the end of the section, a section the
# sample lacks is added at the end.
hotline_conf() {
	awk -v ovr="$1" '
	BEGIN {
		while ((getline line < ovr) > 0) {
			if (split(line, f, "\t") < 3) continue
			if (!(f[1] in nk)) { order[++nsec] = f[1]; nk[f[1]] = 0 }
			if (!((f[1], f[2]) in val)) klist[f[1], ++nk[f[1]]] = f[2]
			val[f[1], f[2]] = f[3]
		}
	}
	function flush(   i, k) {
		if (sec in nk) {
			for (i = 1; i <= nk[sec]; i++) {
				k = klist[sec, i]
				if (!((sec, k) in seen)) print k " = " val[sec, k]
			}
			done[sec] = 1
		}
		split("", seen)
	}
	/^[[:space:]]*\[/ {
		flush(); sec = $0; gsub(/^[[:space:]]+|[[:space:]]+$/, "", sec)
		print; next
	}
	{
		key = $0; sub(/[[:space:]]*=.*/, "", key)
		sub(/^[[:space:]]+/, "", key)
		if ($0 !~ /^[[:space:]]*[#;]/ && index($0, "=") > 0 &&
		    ((sec, key) in val)) {
			print key " = " val[sec, key]; seen[sec, key] = 1; next
		}
		print
	}
	END {
		flush()
		for (i = 1; i <= nsec; i++) {
			s = order[i]
			if (s in done) continue
			print ""; print s
			for (j = 1; j <= nk[s]; j++)
				print klist[s, j] " = " val[s, klist[s, j]]
		}
	}' "$root/config/hotline.conf"
}

# What every generated configuration changes: data in $1, no unix socket,
# warnings only, durability $2, no HTTP listener (the sample's port is
# fixed: two runs, or anything else on it, would collide), not daemonized,
# no cap on connections logging in per address (every benchmark client
# connects from 127.0.0.1, many at once: redis-benchmark -c 50,
# bench/conns' window of 256).
conf_server() {
	printf '[server]\tdata_dir\t%s\n' "$1"
	printf '[server]\tunixsocket\t\n'
	printf '[server]\tlog_level\twarn\n'
	printf '[server]\tlog_file\t\n'
	printf '[server]\tpidfile\t\n'
	printf '[server]\tdaemonize\tno\n'
	printf '[server]\tdurability\t%s\n' "$2"
	printf '[http]\tenabled\tno\n'
	printf '[limits]\tmax_unauth_per_addr\t0\n'
}

# Users $2..: role $1, "name" or "prefix:count" each, skills/groups in $3.
conf_users() {
	local role=$1 spec=$2 extra=${3:-} name n i
	case $spec in
	*:*) name=${spec%%:*}; n=${spec#*:} ;;
	*) name=$spec; n="" ;;
	esac
	if [ -z "$n" ]; then
		printf '\n[user %s]\nrole = %s\n%bpassword_hash = %s\n' "$name" \
		    "$role" "$extra" "$BENCH_HASH"
		return
	fi
	for i in $(seq "$n"); do
		printf '\n[user %s%d]\nrole = %s\n%bpassword_hash = %s\n' \
		    "$name" "$i" "$role" "$extra" "$BENCH_HASH"
	done
}

# Starts hotlined with config $1 in dir $2 (log $2/server.log) on a free
# port; sets server_pid and port. $3: tenths of a second to wait.
start_hotlined() {
	local conf=$1 dir=$2 tenths=${3:-100} _
	for _ in 1 2 3 4 5; do
		port=$(free_port) || die "no free loopback port"
		(cd "$dir" && exec env -u HOTLINE_ADMIN_PASSWORD "$hotlined" \
		    --config "$conf" --port "$port" --unixsocket '') \
		    >>"$dir/server.log" 2>&1 &
		server_pid=$!
		track $server_pid
		wait_listen $server_pid "$port" ping "$tenths" && return 0
		stop_pid $server_pid
		server_pid=""
		grep -q "in use" "$dir/server.log" || break
	done
	tail -n 20 "$dir/server.log" >&2
	die "hotlined did not start ($conf)"
}
