#!/usr/bin/env bash
# Throughput, start-up and peak memory of `factop classify`, next to scikit-learn
# (TF-IDF + logistic regression) and fastText, on a corpus of >= 100,000 sentences.
# Prints a Markdown report and writes it to bench/throughput/results.md.
#
# Usage (from the repository root):
#   bash bench/throughput/run.sh [--big] [--runs N] [--no-build] [--skip-peers]
#
#   --big              also classify a ~1 GB input (the corpus repeated, written to /tmp
#                      and deleted afterwards) for time and peak RSS; skipped when the
#                      corpus rate predicts more than --big-max-seconds (default 300)
#   --runs N           timed runs per system (default 5; the median is reported)
#   --no-build         do not run `cargo build --release` (use target/release/factop as is)
#   --skip-peers       time factop and wc only (no Python venv needed)
#   --distinct         time on distinct text instead of the repeated corpus: the CSV
#                      sentences once plus seeded variants with content words replaced by
#                      dictionary words (Debian's wamerican-large, installed if missing),
#                      100,000 distinct lines; writes results-distinct.md
#
# Environment:
#   FACTOP_BIN         factop binary to time (default: target/release/factop, built first).
#                      It is copied to a private file under /tmp and that copy is timed, so
#                      a concurrent rebuild cannot change the binary mid-run.
#   PYTHON             interpreter for a new venv (default: python3.11, else python3; 3.11)
#   THROUGHPUT_VENV    venv to use. Default: bench/peers/.venv when it already holds the
#                      pinned scikit-learn/numpy/scipy/fasttext-wheel, else
#                      bench/throughput/.venv (created from requirements.txt).
#   MIN_SENTENCES      corpus size floor (default 100000)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

big=0 build=1 skip_peers=0 runs=5 big_max=300 distinct=0
while (($#)); do
    case "$1" in
        --big) big=1 ;;
        --no-build) build=0 ;;
        --skip-peers) skip_peers=1 ;;
        --distinct) distinct=1 ;;
        --runs) runs="${2:?--runs needs a value}"; shift ;;
        --runs=*) runs="${1#*=}" ;;
        --big-max-seconds) big_max="${2:?--big-max-seconds needs a value}"; shift ;;
        --big-max-seconds=*) big_max="${1#*=}" ;;
        -h|--help) sed -n '2,/^set -euo/p' "$here/run.sh" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if ! [[ "$runs" =~ ^[0-9]+$ ]] || ((runs < 1)); then
    echo "error: --runs must be a positive integer" >&2
    exit 2
fi
((runs >= 5)) || echo "[throughput] warning: --runs $runs < 5; fine for a smoke test, not for reporting" >&2

for f in data/train.csv data/dev.csv data/dev_test.csv; do
    [[ -f "$f" ]] || { echo "error: missing $root/$f" >&2; exit 1; }
done

tmp="$(mktemp -d /tmp/factop-throughput.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

# --- factop binary: build (unless told not to), then time a private copy ------------
if [[ -n "${FACTOP_BIN:-}" ]]; then
    src_bin="$FACTOP_BIN"
else
    src_bin=target/release/factop
    if ((build)); then
        echo "[throughput] cargo build --release" >&2
        cargo build --release --quiet
    fi
fi
[[ -x "$src_bin" ]] || { echo "error: $src_bin is not an executable (build with cargo build --release)" >&2; exit 1; }
bin="$tmp/factop-bench"
cp -p "$src_bin" "$bin"

# --- Python ----------------------------------------------------------------------
if [[ -z "${PYTHON:-}" ]]; then
    if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi

has_pins() { # venv-python -> 0 when it has the pinned peer packages
    "$1" - "$here/requirements.txt" <<'EOF' >/dev/null 2>&1
import sys
from importlib import metadata
want = {}
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if "==" in line:
        name, ver = line.split("==")
        want[name.strip()] = ver.strip()
for name in ("scikit-learn", "numpy", "scipy", "fasttext-wheel"):
    if metadata.version(name) != want[name]:
        sys.exit(1)
import sklearn, fasttext, numpy  # noqa: F401  (importable, not just installed)
EOF
}

py="$PYTHON"
if ((!skip_peers)); then
    venv="${THROUGHPUT_VENV:-}"
    if [[ -z "$venv" ]]; then
        if [[ -x bench/peers/.venv/bin/python ]] && has_pins bench/peers/.venv/bin/python; then
            venv=bench/peers/.venv
        else
            venv="$here/.venv"
        fi
    fi
    if ! { [[ -x "$venv/bin/python" ]] && has_pins "$venv/bin/python"; }; then
        pyver="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        [[ "$pyver" == "3.11" ]] || { echo "error: $PYTHON is Python $pyver; 3.11 is required (set PYTHON=...)" >&2; exit 1; }
        [[ -x "$venv/bin/python" ]] || { echo "[throughput] creating venv at $venv" >&2; "$PYTHON" -m venv "$venv"; }
        echo "[throughput] installing pinned requirements (binary wheels only)" >&2
        "$venv/bin/python" -m pip install --disable-pip-version-check --quiet --only-binary=:all: \
            -r "$here/requirements.txt"
    fi
    echo "[throughput] using venv $venv" >&2
    py="$venv/bin/python"
fi

# Single-threaded numerics for the in-process peers.
export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

# --- corpus ----------------------------------------------------------------------
results="$here/results.md"
if ((distinct)); then
    # shellcheck source=bench/venv.sh
    source "$root/bench/venv.sh"
    words=$(ensure_wordlist throughput)
    corpus="$here/corpus-distinct.txt"
    results="$here/results-distinct.md"
    "$py" "$here/throughput.py" corpus --data-dir data --out "$corpus" \
        --min-sentences "${MIN_SENTENCES:-100000}" --distinct "$words"
else
    corpus="$here/corpus.txt"
    "$py" "$here/throughput.py" corpus --data-dir data --out "$corpus" \
        --min-sentences "${MIN_SENTENCES:-100000}"
fi

# --- measurements ----------------------------------------------------------------
args=(bench --root "$root" --data-dir data --factop "$bin" --factop-source "$src_bin" --corpus "$corpus"
    --runs "$runs" --out "$results" --tmp-dir "$tmp" --big-max-seconds "$big_max")
if ((big)); then args+=(--big); fi
if ((skip_peers)); then args+=(--skip-peers); fi
"$py" "$here/throughput.py" "${args[@]}"
