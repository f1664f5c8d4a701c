#!/usr/bin/env bash
# Cross-validation with several seeds: `factop eval --cv 5` once per seed on the same
# data and flags, and the mean ± sample s.d. over all fold scores (5 folds × seeds) and
# of the seed means. Everything after `--` goes to `factop eval` (data, borrowed rows,
# training flags). Only train + dev files belong here: dev_test is for reporting.
#
#   bench/accuracy/cv.sh [--seeds "1 2 3"] [--folds 5] [--label NAME] -- --data ... [flags]
#
# Prints one line: label, macro-F1 mean ± s.d. over folds, s.d. of the seed means, and
# each seed's mean. FACTOP (default target/release/factop) is the binary.
set -euo pipefail
seeds="1 2 3"; folds=5; label=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --folds) folds="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "cv.sh: unknown option $1 (flags for factop go after --)" >&2; exit 2 ;;
  esac
done
bin="${FACTOP:-target/release/factop}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for s in $seeds; do
  "$bin" eval --cv "$folds" --seed "$s" --format json "$@" > "$tmp/$s.json" 2> "$tmp/$s.err" || {
    echo "cv.sh: factop eval failed for seed $s:" >&2; cat "$tmp/$s.err" >&2; exit 1; }
done
python3 - "$label" "$tmp" $seeds <<'PY'
import json, statistics as st, sys
label, tmp, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]
folds, means = [], []
for s in seeds:
    r = json.load(open(f"{tmp}/{s}.json"))
    f = [x["macro_f1"] for x in r["per_fold"]]
    folds += f
    means.append(st.mean(f))
sd_seeds = st.stdev(means) if len(means) > 1 else 0.0
print(f"{label}\t{st.mean(folds):.4f} ± {st.stdev(folds):.4f}\tseed-means s.d. {sd_seeds:.4f}\t"
      + " ".join(f"{m:.4f}" for m in means))
PY
