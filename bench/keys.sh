#!/usr/bin/env bash
# keys.sh measures a run of very many distinct worker keys against a base
# commit, in one run: a gunicorn log with one line per PID, spread over two
# hours (so about 60 windows, each with every worker alive in it). Both
# skewers run `report` (table) and `report -o json` on it, interleaved, and
# the medians of wall time, CPU time (user + system: steadier on a busy
# machine) and peak RSS are printed with their ratio to the base.
#
# Environment:
#   SKEWER_KEYS_BASE    the commit to compare with (default eb9db17, before
#                       per-window accounting)
#   SKEWER_KEYS         distinct PIDs in the log (default 100000)
#   SKEWER_KEYS_SPAN    seconds the log spans (default 7200)
#   SKEWER_KEYS_ROUNDS  interleaved rounds (default 5)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
base=${SKEWER_KEYS_BASE:-eb9db17}
keys=${SKEWER_KEYS:-100000}
span=${SKEWER_KEYS_SPAN:-7200}
rounds=${SKEWER_KEYS_ROUNDS:-5}
out=bench/out/keys
mkdir -p "$out"

go build -o "$out/measure" ./bench/measure
go build -o "$out/skewer" .
if [[ ! -x $out/skewer-$base ]]; then
	src=$(mktemp -d)
	git archive "$base" | tar -x -C "$src"
	(cd "$src" && go build -o "$OLDPWD/$out/skewer-$base" .)
	rm -rf "$src"
fi

# One line per PID, the stamps rising evenly over the span, request times of
# 1 ms to 0.9 s in microseconds (%(D)s).
log=$out/keys-$keys-$span.log
if [[ ! -f $log ]]; then
	awk -v n="$keys" -v span="$span" 'BEGIN {
		srand(1)
		for (i = 0; i < n; i++) {
			t = 1795626000 + int(i * span / n)
			printf "127.0.0.1 - - [%s] \"GET / HTTP/1.1\" 200 3 \"-\" \"ua\" <%d> %d\n",
				strftime("%d/%b/%Y:%H:%M:%S +0000", t, 1), 100000 + i, 1000 + int(rand() * 900000)
		}
	}' >"$log.tmp"
	mv "$log.tmp" "$log"
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((r = 0; r < rounds; r++)); do
	for mode in table json; do
		args=(report "$log")
		[[ $mode == json ]] && args=(report -o json "$log")
		for who in base head; do
			bin=$out/skewer
			[[ $who == base ]] && bin=$out/skewer-$base
			read -r wall kib cpu < <("$out/measure" -- "$bin" "${args[@]}")
			printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$who" "$wall" "$kib" "$cpu" >>"$results"
		done
	done
done

printf '%s: %d PIDs over %d s; medians of %d interleaved rounds\n\n' "$log" "$keys" "$span" "$rounds"
printf '%-6s %8s %8s %8s %8s %9s %9s %7s %7s %7s\n' output "base s" "head s" "base CPU" "head CPU" "base MiB" "head MiB" "time ×" "CPU ×" "RSS ×"
for mode in table json; do
	med() { awk -F '\t' -v m="$mode" -v w="$1" -v c="$2" '$1 == m && $2 == w { print $c }' "$results" | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	bt=$(med base 3) ht=$(med head 3) bm=$(med base 4) hm=$(med head 4) bc=$(med base 5) hc=$(med head 5)
	awk -v m="$mode" -v bt="$bt" -v ht="$ht" -v bm="$bm" -v hm="$hm" -v bc="$bc" -v hc="$hc" 'BEGIN {
		printf "%-6s %8.2f %8.2f %8.2f %8.2f %9.0f %9.0f %7.2f %7.2f %7.2f\n", m, bt, ht, bc, hc, bm / 1024, hm / 1024, ht / bt, hc / bc, hm / bm }'
done
