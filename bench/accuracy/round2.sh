#!/usr/bin/env bash
# The accurate tier's candidates compared by cross-validation on train + dev only
# (5 folds × seeds 1 2 3, bench/accuracy/cv.sh): each language's own model against the
# same model with the other four languages' train + dev borrowed (always training rows,
# never scored), and the pooled multilingual model's settings. The encoder block scale
# is fixed per language at the one each built-in model chose, so that the comparison
# does not carry a nested scale search. Needs the release build and the encoder.
#
#   bash bench/accuracy/round2.sh [own|borrow|xx|all]   > results lines on stdout
set -euo pipefail
cd "$(dirname "$0")/../.."
what="${1:-all}"
cv() { bash bench/accuracy/cv.sh --label "$1" -- "${@:2}"; }
files() { # train + dev of a language
  if [ "$1" = en ]; then echo "data/train.csv data/dev.csv"; else echo "data/$1/train.csv data/$1/dev.csv"; fi; }
flags() { # the built-in accurate model's training flags (models/README.md)
  case "$1" in
    en) echo "" ;;
    de) echo "--language de --alpha 1.5 --min-df 1 --max-features 0" ;;
    it) echo "--language it --alpha 1 --min-df 1" ;;
    ar) echo "--language ar --alpha 20 --cue-scale 0.3" ;;
    bg) echo "--language bg --alpha 1" ;;
  esac; }
scale() { case "$1" in en|it) echo 0.1 ;; *) echo 0.05 ;; esac; }
langs="en de it ar bg"
data_of() { for f in $(files "$1"); do printf -- '--data %s ' "$f"; done; }
borrow_of() { for o in $langs; do [ "$o" = "$1" ] && continue; for f in $(files "$o"); do printf -- '--borrow %s ' "$f"; done; done; }
for l in $langs; do
  case "$what" in own|all)
    # shellcheck disable=SC2046
    cv "$l-e5 own" $(data_of "$l") $(flags "$l") --encoder e5-small --encoder-scale "$(scale "$l")" ;; esac
  case "$what" in borrow|all)
    # shellcheck disable=SC2046
    cv "$l-e5 borrow" $(data_of "$l") $(borrow_of "$l") $(flags "$l") --encoder e5-small --encoder-scale "$(scale "$l")" ;; esac
done
case "$what" in xx|all)
  all=""; for l in $langs; do all="$all $(data_of "$l")"; done
  # shellcheck disable=SC2086
  cv "xx-e5 no cues" $all --language none --cues none --encoder e5-small --encoder-scale 0.1
  # shellcheck disable=SC2086
  cv "xx-e5 wordless cues" $all --language none --encoder e5-small --encoder-scale 0.1 ;;
esac
