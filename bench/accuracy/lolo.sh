#!/usr/bin/env bash
# Leave one language out: for each of the five languages, train the multilingual
# accurate model's settings (those of models/factop-xx-e5.json, see models/README.md)
# on the other four languages' train + dev, and score the left-out language's
# dev_test. It estimates how factop does on a language it has no data for. Needs the
# release build and the encoder (FACTOP_HOME).
#
#   bash bench/accuracy/lolo.sh [--choose] [extra train flags...]
#
# Prints a Markdown table: language, rows, macro-F1, accuracy, and the threshold the
# four-language model chose by its own cross-validation. With --choose, the left-out
# language's train + dev are scored instead of its dev_test: that is the form used to
# choose the multilingual model's settings (dev_test chooses nothing).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${FACTOP:-target/release/factop}"
langs="en de it ar bg"
files() { if [ "$1" = en ]; then echo "data/train.csv data/dev.csv"; else echo "data/$1/train.csv data/$1/dev.csv"; fi; }
held() { if [ "$1" = en ]; then echo "data/dev_test.csv"; else echo "data/$1/dev_test.csv"; fi; }
choose=0
if [ "${1:-}" = --choose ]; then choose=1; shift; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The settings of xx-e5 (kept in step with models/README.md).
settings=(--language none --encoder e5-small)
if [ $choose = 1 ]; then scored="train + dev"; else scored="dev_test"; fi
echo "| left out | $scored rows | macro-F1 | accuracy | threshold |"
echo "|---|---:|---:|---:|---:|"
for l in $langs; do
  data=()
  for o in $langs; do
    [ "$o" = "$l" ] && continue
    for f in $(files "$o"); do data+=(--data "$f"); done
  done
  "$bin" train "${data[@]}" "${settings[@]}" "$@" --name "lolo-$l" --output "$tmp/$l.json" 2> "$tmp/$l.log" || {
    cat "$tmp/$l.log" >&2; exit 1; }
  if [ $choose = 1 ]; then
    scored=(); for f in $(files "$l"); do scored+=(--data "$f"); done
  else
    scored=(--data "$(held "$l")")
  fi
  "$bin" eval --model "$tmp/$l.json" "${scored[@]}" --format json > "$tmp/$l.eval.json"
  python3 - "$l" "$tmp/$l.eval.json" <<'PY'
import json, sys
l, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
print(f"| {l} | {r['examples']} | {r['macro_f1']:.4f} | {r['accuracy']:.4f} | {r['threshold']:.3f} |")
PY
done
