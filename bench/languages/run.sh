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

# shellcheck source=../venv.sh
. "$here/../venv.sh"
ensure_venv languages "$venv" "$req"

# Deterministic hashing; single-threaded BLAS/OpenMP so results are stable.
export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

exec "$venv/bin/python" "$here/baseline.py" --data-dir "$root/data" "$@"
