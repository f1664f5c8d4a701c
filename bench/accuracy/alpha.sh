#!/usr/bin/env bash
# Re-tune the L2 penalty (alpha) of an accurate model by cross-validation on train + dev
# (5 folds × seeds 1 2 3, bench/accuracy/cv.sh): the built-in model's flags (as in
# models/README.md) with each alpha given. The encoder block scale is fixed at the one
# the built-in model chose (read from its file); alpha and that scale together set the
# embedding's penalty (alpha / scale²), so this moves the words', cues' and embedding's
# penalty at once. Needs the release build and the encoder.
#
#   bash bench/accuracy/alpha.sh LANG ALPHA... [-- extra train flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/accuracy/models.sh
l="$1"; shift
check_lang "$l"
alphas=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do alphas+=("$1"); shift; done
[ $# -gt 0 ] && shift
d=$(data_dir "$l")
read -ra flags <<< "$(model_flags "$l")"
scale=$(model_scale "$l")
for a in "${alphas[@]}"; do
  bash bench/accuracy/cv.sh --label "$l-e5 alpha $a" -- --data "$d/train.csv" --data "$d/dev.csv" \
    "${flags[@]}" --alpha "$a" --encoder e5-small --encoder-scale "$scale" "$@"
done
