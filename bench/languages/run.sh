#!/usr/bin/env bash
# The plain scikit-learn baseline (TF-IDF + logistic regression) for each CheckThat!
# language: trained on train + dev, macro-F1 on dev_test. Prints a Markdown table.
#
# Usage (from anywhere; paths are resolved relative to the repository root):
#   bash bench/languages/run.sh [--languages en,de,it,ar,bg] [--json OUT]
#
# Arguments are passed to baseline.py (see `bash bench/languages/run.sh --help`).
#
# Environment:
#   PYTHON   interpreter used to create the venv (default: python3.11, else python3;
#            must be CPython 3.11)
#
# The venv (bench/languages/.venv) is created when missing and reinstalled from the
# pinned requirements.txt whenever that file changes (checksum stamp inside the venv).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

venv="$here/.venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.sha256"

if [[ -z "${PYTHON:-}" ]]; then
    if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi

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
        echo "[languages] creating venv at $venv with $PYTHON ($pyver)" >&2
        "$PYTHON" -m venv "$venv"
    fi
    echo "[languages] installing pinned requirements (binary wheels only)" >&2
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
        --only-binary=:all: -r "$req"
    echo "$want_sum" >"$stamp"
fi

# Deterministic hashing; single-threaded BLAS/OpenMP so results are stable.
export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

exec "$venv/bin/python" "$here/baseline.py" --data-dir "$root/data" "$@"
