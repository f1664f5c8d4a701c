#!/usr/bin/env bash
# Re-tune the L2 penalty (alpha) of an accurate model by cross-validation on train + dev
# (5 folds × seeds 1 2 3, bench/accuracy/cv.sh): the built-in model's flags (as in
# models/README.md) with each alpha given. The encoder block scale is fixed at the one
# the built-in model chose (read from its file); alpha and that scale together set the embedding's penalty
# (alpha / scale²), so this moves the words', cues' and embedding's penalty at once.
# Needs the release build and the encoder.
#
#   bash bench/accuracy/alpha.sh LANG ALPHA... [-- extra train flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
l="$1"; shift
alphas=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do alphas+=("$1"); shift; done
[ $# -gt 0 ] && shift
case "$l" in
  en) data=(--data data/train.csv --data data/dev.csv); flags=(--cues none) ;;
  de) data=(--data data/de/train.csv --data data/de/dev.csv); flags=(--language de --min-df 1 --max-features 0) ;;
  it) data=(--data data/it/train.csv --data data/it/dev.csv); flags=(--language it --min-df 1) ;;
  ar) data=(--data data/ar/train.csv --data data/ar/dev.csv); flags=(--language ar --cues none) ;;
  bg) data=(--data data/bg/train.csv --data data/bg/dev.csv); flags=(--language bg) ;;
  *) echo "alpha.sh: LANG is one of en de it ar bg" >&2; exit 2 ;;
esac
scale=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["encoder"]["scale"])' "models/factop-$l-e5.json")
for a in "${alphas[@]}"; do
  bash bench/accuracy/cv.sh --label "$l-e5 alpha $a" -- "${data[@]}" "${flags[@]}" \
    --alpha "$a" --encoder e5-small --encoder-scale "$scale" "$@"
done
