#!/usr/bin/env bash
# Corpus-scale figures for the README: sentences per second of the fast tier (`en`) and
# the accurate tier (`en-e5`) at 1 and 2 threads, the time a million sentences would
# take at that rate, and peak RSS, each the median of N whole-process runs.
#
#   bash bench/scale/run.sh [--runs N] [--write]
#
# Corpora (one sentence per line, classified with --no-split --format tsv into
# /dev/null):
#   fast tier      bench/throughput/corpus-distinct.txt (100,000 distinct sentences)
#   accurate tier  the 2,332 distinct dev_test sentences of en, de, it, ar and bg
#                  (written by bench/encoder/speed.py corpus)
# The rate counts input lines over whole-process wall time (start-up, model and
# encoder load, output included). The encoder weights must be installed (FACTOP_HOME,
# or `factop encoder install`); the packed weight cache is built by a warm-up run.
# --write puts the report in bench/scale/results.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
runs=3 write=0
while (($#)); do
    case "$1" in
        --runs) runs="${2:?--runs needs a value}"; shift ;;
        --write) write=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
cargo build --release --quiet
bin=target/release/factop
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/encoder/speed.py corpus --data-dir data --out "$tmp/five.txt" >/dev/null 2>&1 ||
    { echo "error: could not write the five-language corpus" >&2; exit 1; }
fast_corpus=bench/throughput/corpus-distinct.txt
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni|avx_vnni|amx_int8)$' | tr '\n' ' ')
load_before=$(cut -d' ' -f1 /proc/loadavg)
# Warm-up: page cache, packed weight cache.
"$bin" classify --model en-e5 --no-split -q --format tsv <(head -3 "$tmp/five.txt") >/dev/null
"$bin" classify --model en --no-split -q --format tsv "$fast_corpus" >/dev/null

# measure MODEL THREADS CORPUS -> "wall_median rss_median_kib"
measure() {
    local model=$1 threads=$2 corpus=$3 walls=() rsss=()
    for ((r = 0; r < runs; r++)); do
        /usr/bin/time -f '%e %M' -o "$tmp/t" "$bin" classify --model "$model" --no-split -q \
            -j "$threads" --format tsv "$corpus" >/dev/null
        read -r w m <"$tmp/t"
        walls+=("$w") rsss+=("$m")
    done
    printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END{printf "%s ", a[int((NR+1)/2)]}'
    printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}

report="$tmp/report.md"
{
    echo "# factop at corpus scale"
    echo
    echo "\`bash bench/scale/run.sh --runs $runs\` on $(nproc) logical CPUs, $cpu ($flags), $(date -u +%Y-%m-%d)."
    echo "Load average before $load_before, after LOAD_AFTER. Each row: median of $runs whole-process runs of"
    echo "\`factop classify --model M --no-split -j N --format tsv CORPUS > /dev/null\`."
    echo
    echo "| tier | model | threads | sentences | wall (median) | sentences/s | a million sentences | peak RSS |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    for spec in "fast en $fast_corpus" "accurate en-e5 $tmp/five.txt"; do
        read -r tier model corpus <<<"$spec"
        n=$(wc -l <"$corpus")
        for threads in 1 2; do
            read -r wall rss < <(measure "$model" "$threads" "$corpus")
            awk -v tier="$tier" -v model="$model" -v t="$threads" -v n="$n" -v w="$wall" -v rss="$rss" 'BEGIN{
                rate = n / w; m = 1e6 / rate;
                if (m < 120) proj = sprintf("%.1f s", m);
                else if (m < 7200) proj = sprintf("%.1f min", m / 60);
                else proj = sprintf("%.1f h", m / 3600);
                printf "| %s | `%s` | %d | %d | %.2f s | %.0f | %s | %.0f MiB |\n", tier, model, t, n, w, rate, proj, rss / 1024 }'
        done
    done
} >"$report"
sed -i "s/LOAD_AFTER/$(cut -d' ' -f1 /proc/loadavg)/" "$report"
cat "$report"
if ((write)); then cp "$report" "$here/results.md"; fi
