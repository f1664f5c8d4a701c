#!/usr/bin/env bash
# Model selection by 5-fold stratified cross-validation on train + dev only.
# Each line of the output is one setting: its flags, then mean and sd of macro-F1 and
# accuracy over the folds. dev_test is never read here.
#
# Usage: bench/tune/grid.sh [FACTOP] < settings.txt > results.tsv
#   where each line of settings.txt holds the train flags of one setting.
set -euo pipefail
factop=${1:-target/release/factop}
printf 'flags\tcv_macro_f1\tcv_macro_f1_sd\tcv_accuracy\tcv_accuracy_sd\n'
while IFS= read -r flags; do
    [ -z "$flags" ] && continue
    # shellcheck disable=SC2086
    json=$("$factop" eval --cv 5 --data data/train.csv --data data/dev.csv --format json $flags 2>/dev/null)
    python3 -c 'import json,sys; d=json.loads(sys.argv[2]); print("\t".join([sys.argv[1]]+["%.4f"%x for x in (d["macro_f1"]["mean"],d["macro_f1"]["sd"],d["accuracy"]["mean"],d["accuracy"]["sd"])]))' "$flags" "$json"
done
