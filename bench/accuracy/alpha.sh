#!/usr/bin/env bash
# The penalty (--alpha) of an accurate model, re-checked by cross-validation on train +
# dev (5 folds × seeds 1 2 3, bench/accuracy/cv.sh): the built-in model's flags with
# each alpha given, the encoder block's scale fixed at the one the built-in model
# chose. Needs the release build and the encoder.
#
#   bash bench/accuracy/alpha.sh LANG ALPHA... [-- extra train flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
l="$1"; shift
alphas=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do alphas+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
case "$l" in
  en) data=(--data data/train.csv --data data/dev.csv); flags=(); scale=0.1 ;;
  de) data=(--data data/de/train.csv --data data/de/dev.csv); flags=(--language de --min-df 1 --max-features 0); scale=0.05 ;;
  it) data=(--data data/it/train.csv --data data/it/dev.csv); flags=(--language it --min-df 1); scale=0.1 ;;
  ar) data=(--data data/ar/train.csv --data data/ar/dev.csv); flags=(--language ar --cue-scale 0.3); scale=0.05 ;;
  bg) data=(--data data/bg/train.csv --data data/bg/dev.csv); flags=(--language bg); scale=0.05 ;;
  *) echo "alpha.sh: LANG is one of en de it ar bg" >&2; exit 2 ;;
esac
for a in "${alphas[@]}"; do
  bash bench/accuracy/cv.sh --label "$l-e5 alpha $a" -- "${data[@]}" "${flags[@]}" --alpha "$a" \
    --encoder e5-small --encoder-scale "$scale" "$@"
done
