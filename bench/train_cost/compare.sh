#!/usr/bin/env bash
# Time `factop train` (default flags) of several factop binaries on one labelled CSV,
# interleaved: each round runs every binary once, in turn. Prints each binary's median
# wall time and peak RSS over the rounds. For measuring what one change saves: build
# the binary before and after it and pass both.
#
# Usage: bash bench/train_cost/compare.sh --runs N --data FILE.csv BIN [BIN...]
set -euo pipefail
runs=5 data=""
while (($#)); do
    case "$1" in
        --runs) runs="${2:?}"; shift ;;
        --data) data="${2:?}"; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) break ;;
    esac
    shift
done
[[ -f "$data" && $# -gt 0 ]] || { echo "usage: $0 --runs N --data FILE.csv BIN [BIN...]" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for ((r = 1; r <= runs; r++)); do
    for bin in "$@"; do
        /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" train --data "$data" -o "$tmp/m.json" >/dev/null 2>&1
        echo "$bin $(cat "$tmp/t")" >> "$tmp/all"
    done
done
python3 - "$tmp/all" "$@" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print("| binary | median wall | peak RSS (median) | runs |")
print("|---|---:|---:|---:|")
for b in sys.argv[2:]:
    w = [float(r[1]) for r in rows if r[0] == b]
    m = [float(r[2]) / 1024 for r in rows if r[0] == b]
    print(f"| {b} | {statistics.median(w):.2f} s | {statistics.median(m):.0f} MiB | {len(w)} |")
PY
