#!/usr/bin/env bash
# Re-justify each cue group of an accurate model by cross-validation on train + dev
# (5 folds × seeds 1 2 3, bench/accuracy/cv.sh): the model's settings with every cue
# group, with none, and with each group left out in turn. The encoder block scale is
# fixed at the one the built-in model chose. Needs the release build and the encoder.
#
#   bash bench/accuracy/cue_groups.sh LANG [extra train flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
l="$1"; shift
groups="attribution quotation person modality evaluative negation punctuation numbers names length tense discourse"
case "$l" in
  en) data=(--data data/train.csv --data data/dev.csv); flags=(); scale=0.1 ;;
  de) data=(--data data/de/train.csv --data data/de/dev.csv); flags=(--language de --alpha 1.5 --min-df 1 --max-features 0); scale=0.05 ;;
  it) data=(--data data/it/train.csv --data data/it/dev.csv); flags=(--language it --alpha 1 --min-df 1); scale=0.1 ;;
  ar) data=(--data data/ar/train.csv --data data/ar/dev.csv); flags=(--language ar --alpha 20 --cue-scale 0.3); scale=0.05 ;;
  bg) data=(--data data/bg/train.csv --data data/bg/dev.csv); flags=(--language bg --alpha 1); scale=0.05 ;;
  *) echo "cue_groups.sh: LANG is one of en de it ar bg" >&2; exit 2 ;;
esac
common=("${data[@]}" "${flags[@]}" --encoder e5-small --encoder-scale "$scale" "$@")
cv() { bash bench/accuracy/cv.sh --label "$1" -- "${@:2}"; }
cv "$l-e5 all cue groups" "${common[@]}"
cv "$l-e5 no cues" "${common[@]}" --cues none
for g in $groups; do
  rest=$(echo $groups | tr ' ' '\n' | grep -vx "$g" | paste -sd, -)
  cv "$l-e5 without $g" "${common[@]}" --cue-groups "$rest"
done
