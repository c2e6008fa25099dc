#!/usr/bin/env bash
# run.sh measures skewer against what a user would otherwise reach for (wc -l,
# mawk, gawk, pigz, zcat) and a minimal Go scanner (the ceiling of one core)
# on one synthetic nginx log and its gzip copy, in one run, and prints a
# table and the ratios the throughput targets are stated in. The commands
# run in interleaved rounds (every command once, three times over), so that
# a slow moment of a shared machine does not fall on one command; the median
# wall time and the highest peak RSS are kept.
#
# Environment:
#   SKEWER_BENCH_DIR    where the generated log is kept (default /tmp/skewer-bench)
#   SKEWER_BENCH_LINES  lines in the log (default 10000000); each count has its own file
#   SKEWER_BENCH_ROUNDS how many interleaved rounds (default 3)
#   SKEWER_BIN          the skewer to measure, a path or a command on PATH
#                       (default: built from the module root into bench/out/skewer)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=bench/out
dir=${SKEWER_BENCH_DIR:-/tmp/skewer-bench}
lines=${SKEWER_BENCH_LINES:-10000000}
runs=${SKEWER_BENCH_ROUNDS:-3}
prog='NF>1 {c[$(NF-1)]++} END {for (p in c) print p, c[p]}'

die() { echo "bench: $*" >&2; exit 1; }

[[ $lines =~ ^[1-9][0-9]*$ ]] || die "SKEWER_BENCH_LINES: want a positive integer, got \"$lines\""
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "SKEWER_BENCH_ROUNDS: want a positive integer, got \"$runs\""
command -v mawk >/dev/null || die "mawk not found: it is the baseline (apt-get install mawk)"
command -v pigz >/dev/null || die "pigz not found: it is the baseline of .gz (apt-get install pigz)"

mkdir -p "$out" "$dir"
go build -o "$out/measure" ./bench/measure
go build -o "$out/genlog" ./bench/genlog
go build -o "$out/ceiling" ./bench/ceiling
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
gz=$log.gz
if [[ ! -f $gz || $gz -ot $log ]]; then
	echo "compressing $gz..." >&2
	pigz -6 -c "$log" >"$gz.tmp"
	mv "$gz.tmp" "$gz"
fi
bytes=$(wc -c <"$log")

results=$(mktemp)
errs=$(mktemp)
trap 'rm -f "$results" "$errs"' EXIT

# row NAME COMMAND... adds a command to measure; a pipeline is a bash -c.
names=() cmds=()
row() {
	names+=("$1")
	shift
	cmds+=("$(printf '%q ' "$@")")
}
row "wc -l" wc -l "$log"
row "skewer FILE" "$skewer" report "$log"
row "skewer FILE, 1 core" env GOMAXPROCS=1 "$skewer" report "$log"
row "ceiling scanner, 1 core" env GOMAXPROCS=1 "$out/ceiling" "$log"
row "mawk" mawk "$prog" "$log"
if command -v gawk >/dev/null; then
	row "gawk" gawk "$prog" "$log"
else
	echo "gawk not installed: skipped" >&2
fi
row "cat FILE | wc -l" bash -c 'cat "$1" | wc -l' _ "$log"
row "cat FILE | skewer" bash -c 'cat "$1" | "$2" report' _ "$log" "$skewer"
row "skewer FILE.gz" "$skewer" report "$gz"
row "pigz -dc FILE.gz" pigz -dc "$gz"
row "zcat FILE.gz | mawk" bash -c 'zcat "$1" | mawk "$2"' _ "$gz" "$prog"
row "skewer --window 1m" "$skewer" report --window 1m "$log"

load=$(cut -d' ' -f1-3 /proc/loadavg)

# Each round runs every command once and appends
# "ROW<TAB>wall s<TAB>peak RSS KiB<TAB>CPU s" to $results.
for ((round = 0; round < runs; round++)); do
	for i in "${!names[@]}"; do
		if ! res=$(eval "\"\$out/measure\" -- ${cmds[i]}" 2>"$errs"); then
			echo "bench: ${names[i]} failed:" >&2
			cat "$errs" >&2
			exit 1
		fi
		read -r wall kib cpu <<<"$res"
		printf '%d\t%s\t%s\t%s\n' "$i" "$wall" "$kib" "$cpu" >>"$results"
	done
done

printf '\n%s: %d lines, %.1f MB (%.1f MB gzipped); median of %d interleaved rounds\n' "$log" "$lines" \
	"$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$(awk -v b="$(wc -c <"$gz")" 'BEGIN { print b / 1e6 }')" "$runs"
printf '%s, %d cores, %s, load average before the run %s\n\n' "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
	"$(nproc)" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$load"
printf '%s\n' "${names[@]}" | awk -F '\t' -v lines="$lines" -v bytes="$bytes" -v runs="$runs" '
	NR == FNR { name[NR - 1] = $0; rows = NR; next }
	{ n = k[$1]++; wall[$1, n] = $2; cpu[$1, n] = $4; if ($3 > rss[$1]) rss[$1] = $3 }
	# median returns the middle wall time of row r and sets mcpu to its CPU time.
	function median(r,   i, j, t, c, w, cs) {
		for (i = 0; i < k[r]; i++) { w[i] = wall[r, i]; cs[i] = cpu[r, i] }
		for (i = 1; i < k[r]; i++)
			for (j = i; j > 0 && w[j - 1] > w[j]; j--) {
				t = w[j]; w[j] = w[j - 1]; w[j - 1] = t
				c = cs[j]; cs[j] = cs[j - 1]; cs[j - 1] = c
			}
		mcpu = cs[int((k[r] - 1) / 2)]
		return w[int((k[r] - 1) / 2)]
	}
	function ratio(label, x, y, op, target,   r, ok) {
		r = x / y
		ok = op == "<=" ? r <= target : r >= target
		printf "  %-36s %6.2fx   target %s %sx   %s\n", label, r, op, target, ok ? "met" : "NOT MET"
	}
	END {
		f = "%-24s %9s %12s %9s %9s %8s\n"
		printf f, "command", "wall s", "lines/s", "MB/s", "RSS MiB", "CPU s"
		for (r = 0; r < rows; r++) {
			m[name[r]] = median(r)
			printf "%-24s %9.3f %11.2fM %9.1f %9.1f %8.2f\n", name[r], m[name[r]],
				lines / m[name[r]] / 1e6, bytes / m[name[r]] / 1e6, rss[r] / 1024, mcpu
			if (name[r] ~ /^(skewer|cat FILE . skewer)/ && name[r] !~ /window/ && rss[r] > peak) peak = rss[r]
			if (name[r] ~ /window/) wpeak = rss[r]
		}
		print "\ntargets (ratios of the medians above):"
		ratio("skewer FILE / wc -l", m["skewer FILE"], m["wc -l"], "<=", 4)
		ratio("mawk / skewer FILE, 1 core", m["mawk"], m["skewer FILE, 1 core"], ">=", 3.5)
		ratio("cat FILE | skewer / skewer FILE", m["cat FILE | skewer"], m["skewer FILE"], "<=", 1.3)
		ratio("skewer FILE.gz / pigz -dc FILE.gz", m["skewer FILE.gz"], m["pigz -dc FILE.gz"], "<=", 1)
		ratio("zcat FILE.gz | mawk / skewer FILE.gz", m["zcat FILE.gz | mawk"], m["skewer FILE.gz"], ">=", 2.5)
		printf "  %-36s %6d MiB  target < 50 MiB   %s\n", "peak RSS of skewer", peak / 1024 + 0.5, peak < 50 * 1024 ? "met" : "NOT MET"
		printf "  %-36s %6d MiB  target < 64 MiB   %s\n", "peak RSS of skewer --window 1m", wpeak / 1024 + 0.5, wpeak < 64 * 1024 ? "met" : "NOT MET"
		printf "  %-36s %6.2fx   (the ceiling of one core)\n", "skewer 1 core / ceiling scanner", m["skewer FILE, 1 core"] / m["ceiling scanner, 1 core"]
		printf "  %-36s %6.2fx   (what the pipe itself costs)\n", "cat FILE | wc -l / wc -l", m["cat FILE | wc -l"] / m["wc -l"]
	}' - "$results"
