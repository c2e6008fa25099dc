#!/usr/bin/env bash
# run.sh measures skewer against what a user would otherwise reach for (wc -l,
# mawk, gawk) on one synthetic nginx log, in one run, and prints a table and
# two verdict lines. mawk is the baseline. Each command runs three times; the
# best wall time and the highest peak RSS are kept.
#
# Environment:
#   SKEWER_BENCH_DIR    where the generated log is kept (default /tmp/skewer-bench)
#   SKEWER_BENCH_LINES  lines in the log (default 10000000); each count has its own file
#   SKEWER_BIN          the skewer to measure, a path or a command on PATH
#                       (default: built from the module root into bench/out/skewer)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=bench/out
dir=${SKEWER_BENCH_DIR:-/tmp/skewer-bench}
lines=${SKEWER_BENCH_LINES:-10000000}
runs=3
prog='NF>1 {c[$(NF-1)]++} END {for (p in c) print p, c[p]}'

die() { echo "bench: $*" >&2; exit 1; }

[[ $lines =~ ^[1-9][0-9]*$ ]] || die "SKEWER_BENCH_LINES: want a positive integer, got \"$lines\""
command -v mawk >/dev/null || die "mawk not found: it is the baseline (apt-get install mawk)"

mkdir -p "$out" "$dir"
go build -o "$out/measure" ./bench/measure
go build -o "$out/genlog" ./bench/genlog
if [[ -z ${SKEWER_BIN:-} ]]; then
	go build -o "$out/skewer" .
fi
skewer=${SKEWER_BIN:-$out/skewer}

# label names a line count the way the log file is named: 10000000 -> 10M, 200000 -> 200k.
label() {
	if (($1 % 1000000 == 0)); then echo "$(($1 / 1000000))M"
	elif (($1 % 1000 == 0)); then echo "$(($1 / 1000))k"
	else echo "$1"; fi
}

log=$dir/nginx-$(label "$lines").log
if [[ ! -f $log ]]; then
	echo "generating $log ($lines lines)..." >&2
	"$out/genlog" -n "$lines" -o "$log.tmp" # renamed only when complete
	mv "$log.tmp" "$log"
fi
bytes=$(wc -c <"$log")

results=$(mktemp)
errs=$(mktemp)
trap 'rm -f "$results" "$errs"' EXIT

# bench NAME COMMAND... runs COMMAND $runs times and appends
# "NAME<TAB>best wall s<TAB>peak RSS KiB<TAB>CPU s of the best run" to $results.
bench() {
	local name=$1 best='' rss=0 cpu='' res wall kib c
	shift
	for ((i = 0; i < runs; i++)); do
		if ! res=$("$out/measure" -- "$@" 2>"$errs"); then
			echo "bench: $name failed:" >&2
			cat "$errs" >&2
			exit 1
		fi
		read -r wall kib c <<<"$res"
		if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$wall cpu=$c
		fi
		if ((kib > rss)); then rss=$kib; fi
	done
	printf '%s\t%s\t%s\t%s\n' "$name" "$best" "$rss" "$cpu" >>"$results"
}

bench "wc -l" wc -l "$log"
bench "mawk" mawk "$prog" "$log"
if command -v gawk >/dev/null; then
	bench "gawk" gawk "$prog" "$log"
else
	echo "gawk not installed: skipped" >&2
fi
bench "skewer, 1 core" env GOMAXPROCS=1 "$skewer" report "$log"
bench "skewer, all $(nproc) cores" "$skewer" report "$log"

printf '\n%s: %d lines, %.1f MB; best of %d runs\n\n' "$log" "$lines" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$runs"
awk -F '\t' -v lines="$lines" -v bytes="$bytes" '
	{ name[NR] = $1; wall[NR] = $2; rss[NR] = $3; cpu[NR] = $4 }
	$1 == "mawk" { base = $2 }
	$1 ~ /^skewer/ { if ($3 > peak) peak = $3 }
	$1 == "skewer, 1 core" { one = $2 }
	END {
		f = "%-22s %9s %12s %9s %9s %8s %10s\n"
		printf f, "command", "wall s", "lines/s", "MB/s", "RSS MiB", "CPU s", "time/mawk"
		for (i = 1; i <= NR; i++)
			printf "%-22s %9.3f %11.2fM %9.1f %9.1f %8.2f %10.2f\n", name[i], wall[i],
				lines / wall[i] / 1e6, bytes / wall[i] / 1e6, rss[i] / 1024, cpu[i], wall[i] / base
		printf "\none core vs mawk: %.2fx faster (target >= 2x)\n", base / one
		printf "peak RSS: %d MiB (target < 50 MiB)\n", peak / 1024 + 0.5
	}' "$results"
