#!/usr/bin/env bash
# Start-up of the accurate tier: the whole `factop classify --model en-e5` process on
# one core, for the demo article and for one short sentence (which is almost all
# loading), optionally beside a second binary (an earlier build) in the same runs.
#
#   bash bench/encoder/startup.sh [--runs N] [--no-build]
#
# Each run is `taskset -c 0 factop classify --model en-e5 -j 1 FILE > /dev/null` (the
# one-sentence run with `--format json`), timed by /usr/bin/time: wall seconds and CPU
# seconds (user + system). Medians of N runs (default 15) after one warm-up run of each
# command, which also builds the packed weight cache beside the weights when there is
# none yet; the binaries are interleaved. The encoder weights must be installed
# (`factop encoder install`, or FACTOP_HOME pointing at a cache that has them). The
# machine's processor and load average are printed: other work on the core shows in
# the wall times more than in the CPU times.
#
# Environment:
#   FACTOP_BIN       binary to time (default: target/release/factop, built first unless
#                    --no-build)
#   FACTOP_BIN_BASE  a second binary, timed in the same runs
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

build=1 runs=15
while (($#)); do
    case "$1" in
        --no-build) build=0 ;;
        --runs) runs="$2"; shift ;;
        *) echo "usage: $0 [--runs N] [--no-build]" >&2; exit 2 ;;
    esac
    shift
done
bin="${FACTOP_BIN:-target/release/factop}"
if [[ $build == 1 && -z ${FACTOP_BIN:-} ]]; then
    cargo build --release --quiet
fi
article=data/articles/tillerson-north-korea.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Tillerson said so." >"$tmp/one.txt"

bins=("$bin")
[[ -n ${FACTOP_BIN_BASE:-} ]] && bins+=("$FACTOP_BIN_BASE")
cases=("article:$article" "one-sentence:$tmp/one.txt")

run() { # bin file -> "wall cpu"
    local fmt=()
    [[ $2 == "$tmp/one.txt" ]] && fmt=(--format json)
    /usr/bin/time -f '%e %U %S' -o "$tmp/t" taskset -c 0 "$1" classify --model en-e5 -j 1 "${fmt[@]}" "$2" >/dev/null
    awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$tmp/t"
}

for b in "${bins[@]}"; do
    for c in "${cases[@]}"; do run "$b" "${c#*:}" >/dev/null; done
done
for ((i = 0; i < runs; i++)); do
    for b in "${bins[@]}"; do
        for c in "${cases[@]}"; do
            echo "$b ${c%%:*} $(run "$b" "${c#*:}")" >>"$tmp/all"
        done
    done
done

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "processor: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| binary | input | wall (median of $runs) | CPU user + system (median) |"
echo "|---|---|---:|---:|"
for b in "${bins[@]}"; do
    for c in "${cases[@]}"; do
        name=${c%%:*}
        wall=$(awk -v b="$b" -v n="$name" '$1 == b && $2 == n {print $3}' "$tmp/all" | median)
        cpu=$(awk -v b="$b" -v n="$name" '$1 == b && $2 == n {print $4}' "$tmp/all" | median)
        echo "| \`$b\` | $name | ${wall} s | ${cpu} s |"
    done
done
