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
. bench/accuracy/models.sh
l="$1"; shift
check_lang "$l"
weights=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do weights+=("$1"); shift; done
[ $# -gt 0 ] && shift
d=$(data_dir "$l")
read -ra flags <<< "$(model_flags "$l")"
borrow=()
for o in en de it ar bg; do
  [ "$o" = "$l" ] || borrow+=(--borrow "$(data_dir "$o")/train.csv" --borrow "$(data_dir "$o")/dev.csv")
done
scale=$(model_scale "$l")
for w in "${weights[@]}"; do
  bash bench/accuracy/cv.sh --label "$l-e5 borrowing, weight $w $*" -- --data "$d/train.csv" --data "$d/dev.csv" \
    "${borrow[@]}" "${flags[@]}" --alpha "$(model_alpha "$l")" --encoder e5-small \
    --encoder-scale "$scale" --borrow-weight "$w" "$@"
done
