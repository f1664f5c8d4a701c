#!/usr/bin/env bash
# Ablation of the cue feature groups: TF-IDF alone, TF-IDF plus each group, and the
# final model (all groups). For each: 5-fold CV macro-F1 on train + dev, and macro-F1 on
# the held-out dev_test of a model trained on train + dev. Settings are the defaults.
#
# Usage: bench/tune/ablation.sh [FACTOP] > ablation.md
set -euo pipefail
factop=${1:-target/release/factop}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
groups="attribution quotation person modality evaluative negation punctuation numbers names length tense discourse"
echo "| features | CV macro-F1 (train+dev, 5 folds) | dev_test macro-F1 | dev_test accuracy |"
echo "|---|---|---|---|"
row() {
    local name=$1; shift
    local cv test
    cv=$("$factop" eval --cv 5 --data data/train.csv --data data/dev.csv --format json "$@" 2>/dev/null)
    "$factop" train --data data/train.csv --data data/dev.csv --output "$tmp/m.json" "$@" 2>/dev/null
    test=$("$factop" eval --model "$tmp/m.json" --data data/dev_test.csv --format json)
    python3 -c 'import json,sys; c=json.loads(sys.argv[2]); t=json.loads(sys.argv[3]); print("| %s | %.4f ± %.4f | %.4f | %.4f |" % (sys.argv[1], c["macro_f1"]["mean"], c["macro_f1"]["sd"], t["macro_f1"], t["accuracy"]))' "$name" "$cv" "$test"
}
row "TF-IDF alone" --cues none
for g in $groups; do
    row "TF-IDF + $g" --cue-groups "$g"
done
row "final: TF-IDF + all cue groups" --cues all
