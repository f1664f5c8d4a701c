#!/usr/bin/env bash
# Training cost against training-set size: `factop train` (the default: 5 threshold
# folds and the final fit; one fit with a fixed threshold; the dense linfa fit on the
# smaller sets) next to scikit-learn (TF-IDF + lbfgs logistic regression with the same
# settings, one fit, the whole Python process), on 1,000 to 200,000 labelled
# sentences. The sets are the English train + dev rows, then labelled variants of them
# with content words replaced by Zipf-drawn words of Debian's wamerican-large (seeded;
# distinct texts, so the vocabulary grows with the rows; see train_cost.py). Runs are
# interleaved; medians are reported. Writes bench/train_cost/results.md.
#
# Usage (from the repository root):
#   bash bench/train_cost/run.sh [--runs N] [--sizes 1000,5000,...] [--dense-max N] [--no-build]
#
# Environment: FACTOP_BIN (default target/release/factop, built first), PYTHON and
# THROUGHPUT_VENV as for bench/throughput/run.sh (the same pinned scikit-learn venv).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

runs=3 sizes="" dense_max=5000 build=1
while (($#)); do
    case "$1" in
        --runs) runs="${2:?}"; shift ;;
        --sizes) sizes="${2:?}"; shift ;;
        --dense-max) dense_max="${2:?}"; shift ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$here/run.sh" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# shellcheck source=bench/venv.sh
source "$root/bench/venv.sh"
words=$(ensure_wordlist train_cost)

src_bin="${FACTOP_BIN:-target/release/factop}"
if [[ -z "${FACTOP_BIN:-}" ]] && ((build)); then
    cargo build --release --quiet
fi
tmp="$(mktemp -d /tmp/factop-train-cost.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
cp -p "$src_bin" "$tmp/factop-bench"

venv="${THROUGHPUT_VENV:-$root/bench/throughput/.venv}"
ensure_venv train_cost "$venv" "$root/bench/throughput/requirements.txt"

export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
args=(--factop "$tmp/factop-bench" --python "$venv/bin/python" --words "$words"
      --sets "$tmp/sets" --runs "$runs" --dense-max "$dense_max" --load "$(cut -d' ' -f1-3 /proc/loadavg)"
      --head "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (uncommitted changes)')")
[[ -n "$sizes" ]] && args+=(--sizes "$sizes")
"$venv/bin/python" "$here/train_cost.py" bench "${args[@]}" > "$tmp/results.md"
mv "$tmp/results.md" "$here/results.md"
cat "$here/results.md"
