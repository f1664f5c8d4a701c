#!/usr/bin/env bash
# Peer baselines for factop: scikit-learn TF-IDF + logistic regression, fastText,
# TextBlob subjectivity and a majority-class baseline, trained on
# data/train.csv + data/dev.csv and scored on data/dev_test.csv.
#
# Usage (from anywhere; paths are resolved relative to the repository root):
#   bash bench/peers/run.sh
#
# Environment:
#   PYTHON        interpreter used to create the venv (default: python3.11, else python3;
#                 must be CPython 3.11)
#   FACTOP_BIN    factop binary for the optional comparison row
#                 (default: target/release/factop)
#   PEERS_VENV    venv location (default: bench/peers/.venv)
#
# The venv is created once and reused; it is reinstalled automatically when
# requirements.txt changes (tracked by a checksum stamp inside the venv).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

venv="${PEERS_VENV:-$here/.venv}"
req="$here/requirements.txt"

for f in data/train.csv data/dev.csv data/dev_test.csv; do
    if [[ ! -f "$f" ]]; then
        echo "error: missing $root/$f" >&2
        exit 1
    fi
done

# shellcheck source=../venv.sh
. "$here/../venv.sh"
ensure_venv peers "$venv" "$req"

# Deterministic hashing; keep BLAS/OpenMP single-threaded so results are stable.
export PYTHONHASHSEED=0
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

exec "$venv/bin/python" "$here/peers.py" \
    --data-dir data \
    --factop "${FACTOP_BIN:-target/release/factop}" \
    --out "$here/results.md"
