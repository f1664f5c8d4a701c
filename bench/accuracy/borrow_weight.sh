#!/usr/bin/env bash
# Borrowing with lighter borrowed rows, by cross-validation on train + dev (5 folds ×
# seeds 1 2 3, bench/accuracy/cv.sh): the built-in accurate model's flags (as in
# models/README.md, scale fixed at the one it chose, read from its file) plus the other
# four languages' train + dev as borrowed rows (`--borrow`: training rows of every fit,
# never held out; the folds split the own rows), each weighing W in the fit. Extra
# training flags after `--` (say --own-vocabulary) go to every run. Needs the release
# build and the encoder.
#
#   bash bench/accuracy/borrow_weight.sh LANG W... [-- extra train flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
l="$1"; shift
weights=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do weights+=("$1"); shift; done
[ $# -gt 0 ] && shift
case "$l" in
  en) flags=(--cues none) ;;
  de) flags=(--language de --alpha 1.5 --min-df 1 --max-features 0) ;;
  it) flags=(--language it --alpha 1 --min-df 1) ;;
  ar) flags=(--language ar --alpha 20 --cues none) ;;
  bg) flags=(--language bg --alpha 1) ;;
  *) echo "borrow_weight.sh: LANG is one of en de it ar bg" >&2; exit 2 ;;
esac
dir() { if [ "$1" = en ]; then echo data; else echo "data/$1"; fi; }
data=(--data "$(dir "$l")/train.csv" --data "$(dir "$l")/dev.csv")
borrow=()
for o in en de it ar bg; do
  [ "$o" = "$l" ] || borrow+=(--borrow "$(dir "$o")/train.csv" --borrow "$(dir "$o")/dev.csv")
done
scale=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["encoder"]["scale"])' "models/factop-$l-e5.json")
for w in "${weights[@]}"; do
  bash bench/accuracy/cv.sh --label "$l-e5 borrowing, weight $w $*" -- "${data[@]}" "${borrow[@]}" \
    "${flags[@]}" --encoder e5-small --encoder-scale "$scale" --borrow-weight "$w" "$@"
done
