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
stamp="$venv/.requirements.sha256"

if [[ -z "${PYTHON:-}" ]]; then
    if command -v python3.11 >/dev/null 2>&1; then
        PYTHON=python3.11
    else
        PYTHON=python3
    fi
fi

for f in data/train.csv data/dev.csv data/dev_test.csv; do
    if [[ ! -f "$f" ]]; then
        echo "error: missing $root/$f" >&2
        exit 1
    fi
done

want_sum="$(sha256sum "$req" | cut -d' ' -f1)"
have_sum=""
if [[ -x "$venv/bin/python" && -f "$stamp" ]]; then
    have_sum="$(cat "$stamp")"
fi

if [[ "$want_sum" != "$have_sum" ]]; then
    if [[ ! -x "$venv/bin/python" ]]; then
        pyver="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        if [[ "$pyver" != "3.11" ]]; then
            echo "error: $PYTHON is Python $pyver; Python 3.11 is required (set PYTHON=...)" >&2
            exit 1
        fi
        echo "[peers] creating venv at $venv with $PYTHON ($pyver)" >&2
        "$PYTHON" -m venv "$venv"
    fi
    echo "[peers] installing pinned requirements from PyPI (binary wheels only)" >&2
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
        --only-binary=:all: -r "$req"
    echo "$want_sum" >"$stamp"
else
    echo "[peers] reusing venv at $venv" >&2
fi

# Deterministic hashing; keep BLAS/OpenMP single-threaded so results are stable.
export PYTHONHASHSEED=0
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

exec "$venv/bin/python" "$here/peers.py" \
    --data-dir data \
    --factop "${FACTOP_BIN:-target/release/factop}" \
    --out "$here/results.md"
