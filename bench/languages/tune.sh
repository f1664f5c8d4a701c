#!/usr/bin/env bash
# Model selection and cue ablation for one language, by 5-fold stratified
# cross-validation on that language's train + dev only (dev_test is only reported).
#
# Usage (from the repository root, with a release build):
#   bash bench/languages/tune.sh LANG grid     < settings.txt   # one setting per line
#   bash bench/languages/tune.sh LANG ablation [FLAGS...]         # groups on top of FLAGS
#
# grid: for each line of train flags, the CV mean and sd of macro-F1 (TSV).
# ablation: TF-IDF alone, TF-IDF plus each cue group, and all groups; for each the CV
# macro-F1 and the dev_test macro-F1 of a model trained on train + dev (Markdown).
# LANG is en, de, it, ar or bg; en reads data/*.csv, the others data/LANG/*.csv.
set -euo pipefail
lang=${1:?language code}
mode=${2:?grid or ablation}
shift 2
factop=${FACTOP:-target/release/factop}
dir=data/$lang
[ "$lang" = en ] && dir=data
train=(--data "$dir/train.csv" --data "$dir/dev.csv" --language "$lang")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cv() {
    "$factop" eval --cv 5 "${train[@]}" --format json "$@" 2>/dev/null
}

case $mode in
grid)
    printf 'flags\tcv_macro_f1\tcv_macro_f1_sd\n'
    while IFS= read -r flags; do
        [ -z "$flags" ] && continue
        # shellcheck disable=SC2086
        json=$(cv $flags)
        python3 -c 'import json,sys; d=json.loads(sys.argv[2]); print("%s\t%.4f\t%.4f" % (sys.argv[1], d["macro_f1"]["mean"], d["macro_f1"]["sd"]))' "$flags" "$json"
    done
    ;;
ablation)
    groups="attribution quotation person modality evaluative negation punctuation numbers names length tense discourse"
    echo "| features ($lang) | CV macro-F1 (train+dev, 5 folds) | dev_test macro-F1 |"
    echo "|---|---|---|"
    row() {
        local name=$1; shift
        local c t
        c=$(cv "$@")
        "$factop" train "${train[@]}" --output "$tmp/m.json" "$@" 2>/dev/null
        t=$("$factop" eval --model "$tmp/m.json" --data "$dir/dev_test.csv" --format json)
        python3 -c 'import json,sys; c=json.loads(sys.argv[2]); t=json.loads(sys.argv[3]); print("| %s | %.4f ± %.4f | %.4f |" % (sys.argv[1], c["macro_f1"]["mean"], c["macro_f1"]["sd"], t["macro_f1"]))' "$name" "$c" "$t"
    }
    row "TF-IDF alone" --cues none "$@"
    for g in $groups; do
        row "TF-IDF + $g" --cue-groups "$g" "$@"
    done
    row "TF-IDF + all cue groups" --cues all "$@"
    ;;
*)
    echo "error: mode must be grid or ablation" >&2
    exit 2
    ;;
esac
