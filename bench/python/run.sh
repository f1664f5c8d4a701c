#!/usr/bin/env bash
# factop's Python package against scikit-learn, in one process and one run: P(opinion)
# of the 100,000 distinct-sentence corpus (bench/throughput's --distinct corpus) by
# factop.Model.predict_proba (1 thread, every core, and two Python threads at once)
# and by scikit-learn's TF-IDF + LogisticRegression transform + predict_proba.
# Prints a Markdown report and writes it to bench/python/results.md.
#
# Usage (from the repository root):  bash bench/python/run.sh [--runs N]
#
# Builds and installs the package from python/ into bench/python/.venv (pip install
# ./python), so the figures are those of what a user installs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
runs=7
while (($#)); do
    case "$1" in
        --runs) runs=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
# shellcheck source=bench/venv.sh
source "$root/bench/venv.sh"
venv="$here/.venv"
ensure_venv python-bench "$venv" "$here/requirements.txt"
echo "[python-bench] building and installing factop from python/ (release)" >&2
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet --force-reinstall --no-deps ./python
words=$(ensure_wordlist python-bench)
corpus="$root/bench/throughput/corpus-distinct.txt"
"$venv/bin/python" "$root/bench/throughput/throughput.py" corpus --data-dir data --out "$corpus" \
    --min-sentences 100000 --distinct "$words"
# Single-threaded numerics for scikit-learn, as in bench/throughput.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
"$venv/bin/python" "$here/bench.py" --corpus "$corpus" --data-dir data --runs "$runs" \
    --out "$here/results.md"
