#!/usr/bin/env bash
# Screen an encoder-block change in scikit-learn on factop's cached embeddings
# (bench/accuracy/screen.py says what it compares). Uses the peers' pinned venv
# (bench/peers/requirements.txt, made once in bench/peers/.venv). The embeddings come
# from FACTOP_HOME (default ~/.cache/factop): cross-validate the language's accurate
# model once first (bench/accuracy/alpha.sh LANG ALPHA) so that they are cached.
#
#   bash bench/accuracy/screen.sh LANG [screen.py flags]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../venv.sh
. "$here/../venv.sh"
venv="${PEERS_VENV:-$here/../peers/.venv}"
ensure_venv screen "$venv" "$here/../peers/requirements.txt"
export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$venv/bin/python" "$here/screen.py" "$@"
